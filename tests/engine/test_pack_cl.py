"""The Chilean pack (cl.toml), from its legal texts: Ley 19.496 art. 28 B, the Sistema No Molestar
(DS N° 62/2019) and the extrajudicial-collection limits of Ley 21.320."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.engine.policy_support import (
    ChannelRegistries,
    FakeRegistries,
    add_customer,
    consent,
    contacted,
    denied_by,
    local,
    policy_engine,
    rules,
)

from cortesia.domain.policy.pack import FrequencyRule, HoursRule, NoticeRule, RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # Tuesday 12:00 in Santiago (summer time, UTC-3)
PHONE = "+56961234567"
SANTIAGO = "America/Santiago"
COLLECTIONS = "collections"


def _reviewing(engine: Engine, registries: FakeRegistries) -> PolicyService:
    return PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        registries,
        StaticCompanyPolicy(),
        apply_review=True,
    )


def _engine(registries: FakeRegistries | None = None) -> tuple[Engine, FakeRegistries]:
    found = registries or FakeRegistries()
    engine = policy_engine(NOW, found)
    add_customer(engine, "ines", "CL", phone=PHONE, email="ines@example.cl")
    return engine, found


def _collections_call(service: PolicyService, at: str, time_zone: str = SANTIAGO) -> Verdict:
    return service.legal("CL", Channel.VOICE, COLLECTIONS, local(at), time_zone=time_zone)


# -- the pack itself ---------------------------------------------------------------------------


def test_every_chilean_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("CL")
    assert pack is not None and pack.holiday_country == "CL"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("CL-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    flagged = {r.meta.rule_id for r in pack.rules if r.meta.needs_review}
    assert flagged == {"CL-3", "CL-5", "CL-6d", "CL-7"}
    registry = pack.rule("CL-3")
    assert isinstance(registry, RegistryRule) and registry.registry == "cl-no-molestar"
    assert (registry.effect_delay_days, registry.max_snapshot_age_days) == (0, 1)
    assert isinstance(pack.rule("CL-4"), NoticeRule) and isinstance(pack.rule("CL-7"), NoticeRule)


def test_collection_caps_speak_only_for_the_collections_purpose() -> None:
    pack = PackLibrary().pack("CL")
    assert pack is not None
    for rule_id in ("CL-6a", "CL-6b", "CL-6c", "CL-6d"):
        rule = pack.rule(rule_id)
        assert isinstance(rule, FrequencyRule | HoursRule)
        assert rule.scope.purposes == frozenset({COLLECTIONS})


# -- no statutory marketing hours (CL-5) -------------------------------------------------------


def test_chile_sets_no_marketing_hours_so_a_call_late_on_a_national_holiday_passes_the_law() -> (
    None
):
    engine = policy_engine(NOW)
    for at in ("2026-09-18T23:30:00-03:00", "2026-11-29T03:00:00-03:00"):
        verdict = engine.policy.legal(
            "CL", Channel.VOICE, "marketing", local(at), time_zone=SANTIAGO
        )
        assert verdict.allowed, verdict.denials()
        assert not any(rule.startswith("CL-6") for rule in rules(verdict))


# -- art. 28 B: opt-out regime for e-mail and phone ------------------------------------------


def test_promotional_email_is_allowed_until_the_recipient_asks_to_suspend_it() -> None:
    engine, _ = _engine()
    before = engine.policy.check("ines", Channel.EMAIL, "marketing")
    assert before.allowed and rules(before)["CL-1"] is True
    consent(engine, "ines", "email", "opt_out", NOW - timedelta(hours=1))
    after = engine.policy.check("ines", Channel.EMAIL, "marketing")
    assert denied_by(after) == {"consent.opted_out", "CL-1"}


def test_a_request_to_suspend_calls_stops_calls_and_texts_alike() -> None:
    engine, _ = _engine()
    consent(engine, "ines", "all", "opt_out", NOW - timedelta(minutes=5))
    for channel in (Channel.VOICE, Channel.SMS, Channel.WHATSAPP):
        assert "CL-2" in denied_by(engine.policy.check("ines", channel, "marketing"))


# -- Sistema No Molestar (CL-3, needs review) -------------------------------------------------


def _no_molestar(snapshot: date) -> ChannelRegistries:
    registries = ChannelRegistries(only={PHONE: frozenset({Channel.SMS})})
    registries.snapshot("cl-no-molestar", snapshot, {PHONE: date(2026, 11, 20)})
    return registries


def test_an_sms_a_business_day_after_a_no_molestar_request_is_refused_but_email_is_not() -> None:
    engine, registries = _engine(_no_molestar(date(2026, 11, 23)))
    reviewing = _reviewing(engine, registries)
    monday = local("2026-11-23T10:01:00-03:00")  # request on Friday 20 Nov at 10:00
    sms = reviewing.check("ines", Channel.SMS, "marketing", at=monday)
    assert denied_by(sms) == {"CL-3"}
    assert "listed on cl-no-molestar since 2026-11-20" in sms.denials()[0].detail
    email = reviewing.check("ines", Channel.EMAIL, "marketing", at=monday)
    assert email.allowed and rules(email)["CL-3"] is True


def test_no_molestar_is_reported_as_needing_review_unless_review_rules_are_applied() -> None:
    engine, _ = _engine(_no_molestar(date(2026, 11, 23)))
    verdict = engine.policy.check(
        "ines", Channel.SMS, "marketing", at=local("2026-11-23T10:01:00-03:00")
    )
    assert verdict.allowed
    flagged = next(r for r in verdict.reasons if r.rule == "CL-3")
    assert flagged.detail.startswith("not applied, needs counsel review (would deny:")


def test_a_no_molestar_report_two_days_old_is_stale() -> None:
    engine, registries = _engine(_no_molestar(date(2026, 11, 23)))
    reviewing = _reviewing(engine, registries)
    tuesday = reviewing.check(
        "ines", Channel.EMAIL, "marketing", at=local("2026-11-24T10:00:00-03:00")
    )
    wednesday = reviewing.check(
        "ines", Channel.EMAIL, "marketing", at=local("2026-11-25T10:00:00-03:00")
    )
    assert tuesday.allowed, tuesday.denials()
    assert denied_by(wednesday) == {"CL-3"}
    assert "2 days old; at most 1 allowed" in wednesday.denials()[0].detail


# -- Ley 21.320: extrajudicial collection ---------------------------------------------------


def test_a_second_collection_call_in_the_same_calendar_week_is_refused() -> None:
    engine, _ = _engine()
    contacted(
        engine, "ines", Channel.VOICE, local("2026-11-23T10:00:00-03:00"), purpose=COLLECTIONS
    )
    friday = engine.policy.check(
        "ines", Channel.VOICE, COLLECTIONS, at=local("2026-11-27T10:00:00-03:00")
    )
    next_monday = engine.policy.check(
        "ines", Channel.VOICE, COLLECTIONS, at=local("2026-11-30T10:00:00-03:00")
    )
    assert denied_by(friday) == {"CL-6a"}
    assert "calendar week" in friday.denials()[0].detail
    assert "(limit 1)" in friday.denials()[0].detail
    assert next_monday.allowed, next_monday.denials()


def test_written_collection_notices_need_two_days_between_them_and_at_most_two_a_week() -> None:
    engine, _ = _engine()
    contacted(engine, "ines", Channel.SMS, local("2026-11-23T10:00:00-03:00"), purpose=COLLECTIONS)
    too_soon = engine.policy.check(
        "ines", Channel.EMAIL, COLLECTIONS, at=local("2026-11-25T09:59:00-03:00")
    )
    two_days = engine.policy.check(
        "ines", Channel.EMAIL, COLLECTIONS, at=local("2026-11-25T10:00:00-03:00")
    )
    assert denied_by(too_soon) == {"CL-6c"}
    assert two_days.allowed, two_days.denials()
    contacted(
        engine, "ines", Channel.EMAIL, local("2026-11-25T10:00:00-03:00"), purpose=COLLECTIONS
    )
    third = engine.policy.check(
        "ines", Channel.WHATSAPP, COLLECTIONS, at=local("2026-11-27T12:00:00-03:00")
    )
    assert denied_by(third) == {"CL-6b"}
    new_week = engine.policy.check(
        "ines", Channel.WHATSAPP, COLLECTIONS, at=local("2026-11-30T12:00:00-03:00")
    )
    assert new_week.allowed, new_week.denials()


def test_marketing_calls_do_not_use_up_the_weekly_collection_call() -> None:
    engine, _ = _engine()
    for hour in (10, 11, 12):
        contacted(engine, "ines", Channel.VOICE, local(f"2026-11-23T{hour}:00:00-03:00"))
    verdict = engine.policy.check(
        "ines", Channel.VOICE, COLLECTIONS, at=local("2026-11-24T10:00:00-03:00")
    )
    assert verdict.allowed, verdict.denials()
    assert rules(verdict)["CL-6a"] is True


def test_collection_calls_run_from_eight_to_twenty_on_working_days_under_review() -> None:
    engine, registries = _engine()
    reviewing = _reviewing(engine, registries)
    allowed = ("2026-11-28T19:59:00-03:00", "2026-11-30T08:00:00-03:00")
    refused = (
        "2026-11-28T20:00:00-03:00",  # Saturday, 20:00 is past the window
        "2026-11-30T07:59:00-03:00",  # Monday, a minute early
        "2026-11-29T10:00:00-03:00",  # Sunday
        "2026-12-08T10:00:00-03:00",  # Inmaculada Concepción, a Tuesday
    )
    for at in allowed:
        assert _collections_call(reviewing, at).allowed, at
    for at in refused:
        assert denied_by(_collections_call(reviewing, at)) == {"CL-6d"}, at
    holiday = _collections_call(reviewing, "2026-12-08T10:00:00-03:00")
    assert "public holiday" in holiday.denials()[0].detail


def test_collection_hours_are_the_recipients_own_on_easter_island() -> None:
    engine, registries = _engine()
    reviewing = _reviewing(engine, registries)
    # 08:30 in Santiago is 06:30 on Easter Island.
    verdict = _collections_call(reviewing, "2026-11-30T08:30:00-03:00", "Pacific/Easter")
    assert denied_by(verdict) == {"CL-6d"}
    assert "Pacific/Easter" in verdict.denials()[0].detail


def test_collection_hours_need_review_and_are_reported_not_applied_by_default() -> None:
    verdict = _collections_call(policy_engine(NOW).policy, "2026-11-29T10:00:00-03:00")
    assert verdict.allowed
    flagged = next(r for r in verdict.reasons if r.rule == "CL-6d")
    assert "not applied, needs counsel review" in flagged.detail


def test_the_chilean_legal_check_reads_the_consent_the_person_gave() -> None:
    engine = policy_engine(NOW)
    at = local("2026-11-24T10:00:00-03:00")
    objected = engine.policy.legal(
        "CL", Channel.EMAIL, "marketing", at, time_zone=SANTIAGO, consent=ConsentStatus.OPTED_OUT
    )
    assert denied_by(objected) == {"CL-1"}
