"""The Spanish pack (es.toml), from its legal texts: TRLGDCU art. 96.2, Ley 11/2022 art. 66 with
AEPD Circular 1/2023, LOPDGDD art. 23 (Lista Robinson) and LSSI art. 21."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.engine.policy_support import (
    FakeRegistries,
    add_customer,
    consent,
    denied_by,
    local,
    policy_engine,
    rules,
)

from cortesia.domain.policy.pack import NoticeRule, RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import ActionRef, PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)  # Tuesday 10:00 in Madrid, 09:00 in Canarias
OPTED = ConsentStatus.OPTED_IN
PHONE = "+34612345678"
MOBILE = ActionRef(action_group="mobile")


def _legal(
    engine: Engine, at: str, subdivision: str | None = None, channel: Channel = Channel.VOICE
) -> Verdict:
    return engine.policy.legal(
        "ES", channel, "marketing", local(at), subdivision=subdivision, consent=OPTED
    )


def _es_engine(
    snapshot: date = date(2026, 11, 20), listed: dict[str, date | None] | None = None
) -> tuple[Engine, FakeRegistries]:
    registries = FakeRegistries()
    registries.snapshot("es-robinson", snapshot, listed or {})
    return policy_engine(NOW, registries), registries


def _customer(engine: Engine, **fields: object) -> None:
    add_customer(
        engine, "lucia", "ES", subdivision="ES-MD", phone=PHONE, email="lucia@example.es", **fields
    )


def _reviewing(engine: Engine, registries: FakeRegistries) -> PolicyService:
    return PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        registries,
        StaticCompanyPolicy(),
        apply_review=True,
    )


# -- TRLGDCU art. 96.2: Mon-Fri 09:00-21:00, no weekends or holidays -----------------------


def test_a_live_promo_call_on_saturday_at_eleven_is_refused() -> None:
    verdict = _legal(policy_engine(NOW), "2026-11-28T11:00:00+01:00")
    assert denied_by(verdict) == {"ES-6"}
    assert "TRLGDCU" in (verdict.denials()[0].citation or "")


def test_sunday_is_refused_all_day() -> None:
    engine = policy_engine(NOW)
    assert denied_by(_legal(engine, "2026-11-29T12:00:00+01:00")) == {"ES-6"}


def test_nine_in_the_morning_is_the_first_permitted_minute_and_eight_fifty_nine_is_not() -> None:
    engine = policy_engine(NOW)
    assert _legal(engine, "2026-11-24T09:00:00+01:00").allowed
    assert denied_by(_legal(engine, "2026-11-24T08:59:00+01:00")) == {"ES-6"}


def test_twenty_fifty_nine_is_the_last_permitted_minute_and_twenty_one_hundred_is_refused() -> None:
    engine = policy_engine(NOW)
    assert _legal(engine, "2026-11-24T20:59:00+01:00").allowed
    late = _legal(engine, "2026-11-24T21:00:00+01:00")
    assert denied_by(late) == {"ES-6"}
    assert "outside Mon–Fri 09:00–21:00" in late.denials()[0].detail


def test_a_national_holiday_on_a_weekday_is_refused_everywhere_in_spain() -> None:
    engine = policy_engine(NOW)
    for region in ("ES-MD", "ES-CT", None):
        verdict = _legal(engine, "2026-12-08T11:00:00+01:00", region)
        assert denied_by(verdict) == {"ES-6"}, region
        assert "public holiday" in verdict.denials()[0].detail


def test_madrid_day_closes_calls_to_madrid_customers_but_not_to_catalan_ones() -> None:
    engine = policy_engine(NOW)
    friday = "2025-05-02T11:00:00+02:00"  # 2 May, Fiesta de la Comunidad de Madrid
    madrid = _legal(engine, friday, "ES-MD")
    assert denied_by(madrid) == {"ES-6"}
    assert "public holiday" in madrid.denials()[0].detail
    assert _legal(engine, friday, "ES-CT").allowed


def test_canarias_keep_their_own_clock_an_hour_behind_the_peninsula() -> None:
    engine = policy_engine(NOW)
    half_past_eight = "2026-11-24T20:30:00+01:00"  # 19:30 in Canarias
    assert _legal(engine, half_past_eight, "ES-MD").allowed
    assert _legal(engine, half_past_eight, "ES-CN").allowed
    half_past_nine = "2026-11-24T21:30:00+01:00"  # 20:30 in Canarias
    assert denied_by(_legal(engine, half_past_nine, "ES-MD")) == {"ES-6"}
    assert _legal(engine, half_past_nine, "ES-CN").allowed
    early = _legal(engine, "2026-11-24T09:30:00+01:00", "ES-CN")  # 08:30 in Canarias
    assert denied_by(early) == {"ES-6"}
    assert "Atlantic/Canary" in early.denials()[0].detail


def test_the_opening_minute_moves_an_hour_in_utc_across_the_october_clock_change() -> None:
    engine = policy_engine(NOW)

    def denials(moment: datetime) -> set[str]:
        verdict = engine.policy.legal(
            "ES", Channel.VOICE, "marketing", moment, time_zone="Europe/Madrid", consent=OPTED
        )
        return denied_by(verdict)

    # Monday 19 Oct (CEST, UTC+2) and Monday 26 Oct (CET, UTC+1, the day after the change)
    assert denials(datetime(2026, 10, 19, 7, 0, tzinfo=UTC)) == set()
    assert denials(datetime(2026, 10, 19, 6, 59, tzinfo=UTC)) == {"ES-6"}
    assert denials(datetime(2026, 10, 26, 8, 0, tzinfo=UTC)) == set()
    assert denials(datetime(2026, 10, 26, 7, 59, tzinfo=UTC)) == {"ES-6"}
    assert denials(datetime(2026, 10, 26, 7, 0, tzinfo=UTC)) == {"ES-6"}  # 08:00 CET


def test_the_hours_cover_calls_only_not_email() -> None:
    engine = policy_engine(NOW)
    saturday_mail = _legal(engine, "2026-11-28T23:00:00+01:00", channel=Channel.EMAIL)
    assert saturday_mail.allowed
    assert "ES-6" not in rules(saturday_mail)


# -- Ley 11/2022 art. 66.1.b and AEPD Circular 1/2023 ------------------------------------------


def test_a_call_without_consent_or_relationship_is_refused() -> None:
    engine, _ = _es_engine()
    _customer(engine)
    verdict = engine.policy.check("lucia", Channel.VOICE, "marketing", action=MOBILE)
    assert denied_by(verdict) == {"ES-2"}
    assert "Ley 11/2022" in (verdict.denials()[0].citation or "")


def test_an_ex_customer_thirteen_months_without_interaction_may_not_be_called() -> None:
    engine, _ = _es_engine()
    _customer(
        engine,
        contract_active=False,
        contract_product="mobile",
        last_purchase_on=date(2025, 10, 20),
        last_interaction_on=date(2025, 10, 20),
    )
    verdict = engine.policy.check("lucia", Channel.VOICE, "marketing", action=MOBILE)
    assert denied_by(verdict) == {"ES-2"}


def test_an_ex_customer_may_be_called_about_its_product_up_to_twelve_months_after_contact() -> None:
    engine, _ = _es_engine()
    for seen, allowed in ((date(2025, 11, 24), True), (date(2025, 11, 23), False)):
        _customer(
            engine, contract_active=False, contract_product="mobile", last_interaction_on=seen
        )
        verdict = engine.policy.check("lucia", Channel.VOICE, "marketing", action=MOBILE)
        assert verdict.allowed is allowed, (seen, verdict.denials())
    _customer(
        engine,
        contract_active=False,
        contract_product="mobile",
        last_interaction_on=date(2025, 12, 24),
    )
    verdict = engine.policy.check("lucia", Channel.VOICE, "marketing", action=MOBILE)
    detail = next(r.detail for r in verdict.reasons if r.rule == "ES-2")
    assert "waived" in detail and "last_interaction_on 2025-12-24" in detail


def test_a_current_customer_may_be_called_about_its_own_product_but_not_another() -> None:
    engine, _ = _es_engine()
    _customer(engine, contract_active=True, contract_product="mobile")
    assert engine.policy.check("lucia", Channel.VOICE, "marketing", action=MOBILE).allowed
    other = ActionRef(action_group="insurance")
    assert denied_by(engine.policy.check("lucia", Channel.VOICE, "marketing", action=other)) == {
        "ES-2"
    }


def test_a_customer_who_consented_may_be_called_within_hours() -> None:
    engine, _ = _es_engine()
    _customer(engine)
    consent(engine, "lucia", "voice", "opt_in", NOW - timedelta(days=2))
    assert engine.policy.check("lucia", Channel.VOICE, "marketing").allowed
    evening = local("2026-11-24T21:00:00+01:00")
    assert denied_by(engine.policy.check("lucia", Channel.VOICE, "marketing", at=evening)) == {
        "ES-6"
    }


# -- LOPDGDD art. 23.4: Lista Robinson -------------------------------------------------------


def test_a_robinson_listed_existing_customer_gets_no_sms_without_consent() -> None:
    engine, _ = _es_engine(listed={PHONE: date(2026, 9, 1)})
    _customer(engine, contract_active=True, contract_product="mobile")
    verdict = engine.policy.check("lucia", Channel.SMS, "marketing", action=MOBILE)
    assert denied_by(verdict) == {"ES-4"}  # the soft opt-in holds (ES-11), the list does not yield
    assert rules(verdict)["ES-11"] is True


def test_a_robinson_listed_person_who_consented_to_the_company_may_be_contacted() -> None:
    engine, _ = _es_engine(listed={PHONE: date(2026, 9, 1)})
    _customer(engine)
    consent(engine, "lucia", "voice", "opt_in", NOW - timedelta(days=2))
    verdict = engine.policy.check("lucia", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    detail = next(r.detail for r in verdict.reasons if r.rule == "ES-4")
    assert detail.startswith("waived (the customer opted in")


def test_a_robinson_listing_binds_at_once_and_its_reported_delay_is_a_flagged_notice() -> None:
    engine, _ = _es_engine(listed={PHONE: date(2026, 11, 14)})  # 10 days ago
    _customer(engine, contract_active=True, contract_product="mobile")
    assert denied_by(engine.policy.check("lucia", Channel.SMS, "marketing", action=MOBILE)) == {
        "ES-4"
    }
    pack = engine.policy.pack("ES")
    registry, delay = pack.rule("ES-4"), pack.rule("ES-5")
    assert isinstance(registry, RegistryRule) and registry.effect_delay_days == 0
    assert isinstance(delay, NoticeRule) and delay.deadline_days == 60
    assert delay.meta.confidence is Confidence.MEDIUM and delay.meta.needs_review


def test_a_robinson_snapshot_older_than_thirty_days_denies_calls() -> None:
    engine, registries = _es_engine(snapshot=date(2026, 10, 25))  # 30 days old
    _customer(engine)
    consent(engine, "lucia", "voice", "opt_in", NOW - timedelta(days=2))
    assert engine.policy.check("lucia", Channel.VOICE, "marketing").allowed
    registries.snapshot("es-robinson", date(2026, 10, 24))  # 31 days old
    stale = engine.policy.check("lucia", Channel.VOICE, "marketing")
    assert denied_by(stale) == {"ES-4"}
    assert "31 days old" in stale.denials()[0].detail


def test_without_any_robinson_snapshot_no_sms_campaign_may_run() -> None:
    engine = policy_engine(NOW)
    _customer(engine)
    consent(engine, "lucia", "sms", "opt_in", NOW - timedelta(days=2))
    verdict = engine.policy.check("lucia", Channel.SMS, "marketing")
    assert denied_by(verdict) == {"ES-4"}
    assert "cannot scrub" in verdict.denials()[0].detail


# -- LSSI art. 21: e-mail and equivalent electronic messages ---------------------------------


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS, Channel.WHATSAPP])
def test_electronic_commercial_messages_need_consent(channel: Channel) -> None:
    engine, _ = _es_engine()
    _customer(engine)
    verdict = engine.policy.check("lucia", channel, "marketing", action=MOBILE)
    assert denied_by(verdict) == {"ES-11"}


def test_the_soft_opt_in_lets_a_customer_get_e_mail_about_its_own_product_only() -> None:
    engine, _ = _es_engine()
    _customer(engine, contract_active=True, contract_product="mobile")
    own = engine.policy.check("lucia", Channel.EMAIL, "marketing", action=MOBILE)
    assert own.allowed, own.denials()
    assert "ES-4" not in rules(own)  # Robinson e-mail listings are scrubbed outside (ES-4b)
    other = ActionRef(action_group="insurance")
    assert denied_by(engine.policy.check("lucia", Channel.EMAIL, "marketing", action=other)) == {
        "ES-11"
    }


def test_an_opted_in_customer_gets_e_mail_at_any_hour() -> None:
    engine, _ = _es_engine()
    _customer(engine)
    consent(engine, "lucia", "email", "opt_in", NOW - timedelta(days=2))
    sunday_night = local("2026-11-29T23:30:00+01:00")
    assert engine.policy.check("lucia", Channel.EMAIL, "marketing", at=sunday_night).allowed


def test_push_as_electronic_mail_is_flagged_for_review_and_applied_when_enabled() -> None:
    engine, registries = _es_engine()
    add_customer(engine, "pau", "ES", subdivision="ES-CT", push_id="fcm:pau-device")
    flagged = engine.policy.check("pau", Channel.PUSH, "marketing")
    assert flagged.allowed
    detail = next(r.detail for r in flagged.reasons if r.rule == "ES-11b")
    assert detail.startswith("not applied, needs counsel review")
    applied = _reviewing(engine, registries).check("pau", Channel.PUSH, "marketing")
    assert denied_by(applied) == {"ES-11b"}


# -- The pack itself ------------------------------------------------------------------------


def test_every_spanish_rule_has_an_id_a_citation_and_a_confidence() -> None:
    pack = PackLibrary().pack("ES")
    assert pack is not None and pack.country == "ES" and pack.holiday_country == "ES"
    ids = [rule.meta.rule_id for rule in pack.rules]
    assert {"ES-2", "ES-4", "ES-5", "ES-6", "ES-11"} <= set(ids)
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("ES-") and rule.meta.title
        assert rule.meta.citation.strip()
        assert rule.meta.needs_review is (rule.meta.confidence is not Confidence.HIGH)
    medium = {r.meta.rule_id for r in pack.rules if r.meta.confidence is Confidence.MEDIUM}
    assert medium == {"ES-5", "ES-9", "ES-10", "ES-11b"}


def test_spain_uses_its_own_pack_not_the_eu_baseline() -> None:
    pack = PackLibrary().pack("es")
    assert pack is not None and pack.country == "ES"
