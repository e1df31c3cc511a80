"""The Colombian pack (co.toml), from its legal texts: Ley 2300 de 2023 arts. 2-5 and the
Registro de Números Excluidos. The seeds of jurisdictions.md §1 not already in
test_policy_check.py, with the edges of each window."""

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

from cortesia.domain.contacts import Outcome
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # Tuesday 10:00 in Bogotá (UTC-5)
PHONE = "+573001234567"


def _engine(registries: FakeRegistries | None = None) -> tuple[Engine, PolicyService]:
    """An engine with an opted-in customer, and a policy service that applies review rules."""
    found = registries or FakeRegistries()
    if "co-rne" not in found.snapshots:
        found.snapshot("co-rne", date(2026, 11, 23))
    engine = policy_engine(NOW, found)
    add_customer(engine, "ana", "CO", phone=PHONE, email="ana@example.co")
    consent(engine, "ana", "all", "opt_in", NOW - timedelta(days=10))
    reviewing = PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        found,
        StaticCompanyPolicy(),
        apply_review=True,
    )
    return engine, reviewing


def _sms(engine: Engine, at: str) -> Verdict:
    return engine.policy.legal(
        "CO", Channel.SMS, "marketing", local(at), consent=ConsentStatus.OPTED_IN
    )


def test_every_colombian_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("CO")
    assert pack is not None and pack.holiday_country == "CO"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("CO-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    flagged = {r.meta.rule_id for r in pack.rules if r.meta.needs_review}
    assert flagged == {"CO-6a", "CO-6b", "CO-10"}


# -- art. 3: hours, Sundays and festivos ----------------------------------------------------------


def test_saturday_runs_from_eight_to_three_with_three_pm_itself_refused() -> None:
    engine = policy_engine(NOW)
    assert _sms(engine, "2026-11-28T08:00:00-05:00").allowed
    assert _sms(engine, "2026-11-28T14:59:59-05:00").allowed
    for at in ("2026-11-28T07:59:00-05:00", "2026-11-28T15:00:00-05:00"):
        assert denied_by(_sms(engine, at)) == {"CO-3"}, at


def test_weekdays_run_from_seven_to_seven_with_seven_pm_itself_refused() -> None:
    engine = policy_engine(NOW)
    assert _sms(engine, "2026-11-24T07:00:00-05:00").allowed
    assert _sms(engine, "2026-11-24T18:59:00-05:00").allowed
    for at in ("2026-11-24T06:59:00-05:00", "2026-11-24T19:00:00-05:00"):
        assert denied_by(_sms(engine, at)) == {"CO-3"}, at


def test_a_festivo_moved_to_monday_is_closed_all_day() -> None:
    engine = policy_engine(NOW)
    verdict = _sms(engine, "2026-11-16T10:00:00-05:00")
    assert denied_by(verdict) == {"CO-4"}
    assert "public holiday" in verdict.denials()[0].detail


# -- art. 3: after direct contact (CO-6a, CO-6b; need review) ---------------------------------


def test_a_second_whatsapp_the_same_day_after_direct_contact_is_refused_under_review() -> None:
    engine, reviewing = _engine()
    first = local("2026-11-24T09:00:00-05:00")
    contacted(engine, "ana", Channel.WHATSAPP, first, outcome=Outcome.REACHED)
    second = reviewing.check("ana", Channel.WHATSAPP, "marketing", at=first + timedelta(hours=2))
    assert denied_by(second) == {"CO-6a"}
    assert "1 direct contacts already in the calendar day" in second.denials()[0].detail
    default = engine.policy.check(
        "ana", Channel.WHATSAPP, "marketing", at=first + timedelta(hours=2)
    )
    assert default.allowed
    tomorrow = reviewing.check("ana", Channel.WHATSAPP, "marketing", at=first + timedelta(days=1))
    assert tomorrow.allowed, tomorrow.denials()


def test_a_whatsapp_that_did_not_reach_the_person_does_not_count_as_direct_contact() -> None:
    engine, reviewing = _engine()
    first = local("2026-11-24T09:00:00-05:00")
    contacted(engine, "ana", Channel.WHATSAPP, first, outcome=Outcome.DELIVERED)
    second = reviewing.check("ana", Channel.WHATSAPP, "marketing", at=first + timedelta(hours=2))
    assert second.allowed, second.denials()


def test_an_sms_on_tuesday_after_a_call_that_reached_the_person_on_monday_is_refused() -> None:
    engine, reviewing = _engine()
    monday = local("2026-11-23T10:00:00-05:00")
    contacted(engine, "ana", Channel.VOICE, monday, outcome=Outcome.REACHED)
    tuesday = reviewing.check(
        "ana", Channel.SMS, "marketing", at=local("2026-11-24T10:00:00-05:00")
    )
    assert denied_by(tuesday) == {"CO-6b"}
    assert "already on voice in the calendar week" in tuesday.denials()[0].detail
    next_monday = reviewing.check(
        "ana", Channel.SMS, "marketing", at=local("2026-11-30T10:00:00-05:00")
    )
    assert next_monday.allowed, next_monday.denials()


def test_the_week_is_the_calendar_week_so_friday_and_the_next_monday_are_different_weeks() -> None:
    engine, reviewing = _engine()
    contacted(
        engine, "ana", Channel.VOICE, local("2026-11-27T18:00:00-05:00"), outcome=Outcome.REACHED
    )
    monday = reviewing.check("ana", Channel.SMS, "marketing", at=local("2026-11-30T07:00:00-05:00"))
    assert monday.allowed, monday.denials()
    assert rules(monday)["CO-6b"] is True


def test_an_unanswered_call_on_monday_leaves_other_channels_open_on_tuesday() -> None:
    engine, reviewing = _engine()
    contacted(
        engine, "ana", Channel.VOICE, local("2026-11-23T10:00:00-05:00"), outcome=Outcome.FAILED
    )
    tuesday = reviewing.check(
        "ana", Channel.SMS, "marketing", at=local("2026-11-24T10:00:00-05:00")
    )
    assert tuesday.allowed, tuesday.denials()


# -- art. 5: RNE per channel (CO-9) ------------------------------------------------------------


def test_a_number_excluded_from_calls_on_the_rne_may_still_get_the_sms_it_did_not_exclude() -> None:
    registries = ChannelRegistries(only={PHONE: frozenset({Channel.VOICE})})
    registries.snapshot("co-rne", date(2026, 11, 23), {PHONE: date(2026, 6, 1)})
    engine, _ = _engine(registries)
    call = engine.policy.check("ana", Channel.VOICE, "marketing")
    sms = engine.policy.check("ana", Channel.SMS, "marketing")
    assert denied_by(call) == {"CO-9"}
    assert sms.allowed, sms.denials()
    assert rules(sms)["CO-9"] is True


def test_an_rne_exclusion_of_sms_blocks_the_sms_and_leaves_the_call() -> None:
    registries = ChannelRegistries(only={PHONE: frozenset({Channel.SMS})})
    registries.snapshot("co-rne", date(2026, 11, 23), {PHONE: date(2026, 6, 1)})
    engine, _ = _engine(registries)
    assert denied_by(engine.policy.check("ana", Channel.SMS, "marketing")) == {"CO-9"}
    assert engine.policy.check("ana", Channel.VOICE, "marketing").allowed
