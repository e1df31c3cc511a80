"""The contact check across layers, on the CO and US packs (memory engine, frozen clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.engine.policy_support import (
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
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.policy import ActionRef

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # Tuesday 10:00 in Bogotá and New York


def _co_engine(**fields: object):  # type: ignore[no-untyped-def]
    registries = FakeRegistries()
    registries.snapshot("co-rne", date(2026, 11, 23))
    engine = policy_engine(NOW, registries)
    add_customer(engine, "ana", "CO", phone="+573001234567", email="ana@example.co", **fields)
    return engine, registries


def test_saturday_three_pm_is_outside_colombian_hours_and_a_minute_before_is_inside() -> None:
    engine = policy_engine(NOW)
    opted = ConsentStatus.OPTED_IN
    late = engine.policy.legal(
        "CO", Channel.SMS, "marketing", local("2026-11-28T15:00:00-05:00"), consent=opted
    )
    last = engine.policy.legal(
        "CO", Channel.SMS, "marketing", local("2026-11-28T14:59:00-05:00"), consent=opted
    )
    assert denied_by(late) == {"CO-3"}
    assert last.allowed, last.denials()


def test_email_on_a_sunday_and_a_call_on_a_festivo_are_refused_in_colombia() -> None:
    engine = policy_engine(NOW)
    opted = ConsentStatus.OPTED_IN
    sunday = engine.policy.legal(
        "CO", Channel.EMAIL, "marketing", local("2026-11-29T10:00:00-05:00"), consent=opted
    )
    festivo = engine.policy.legal(
        "CO", Channel.VOICE, "marketing", local("2026-12-08T10:00:00-05:00"), consent=opted
    )
    assert {"CO-3", "CO-4"} <= denied_by(sunday)
    assert denied_by(festivo) == {"CO-4"}
    assert "public holiday" in next(r.detail for r in festivo.denials())


def test_unknown_consent_denies_marketing_in_colombia_with_the_law_cited() -> None:
    engine, _ = _co_engine()
    verdict = engine.policy.check("ana", Channel.SMS, "marketing")
    reason = next(r for r in verdict.denials())
    assert (reason.rule, reason.layer.value) == ("CO-2", "jurisdiction")
    assert reason.citation is not None and "Ley 2300" in reason.citation


def test_opted_in_customer_in_hours_with_a_fresh_registry_snapshot_is_allowed() -> None:
    engine, _ = _co_engine()
    consent(engine, "ana", "sms", "opt_in", NOW - timedelta(days=3))
    verdict = engine.policy.check("ana", Channel.SMS, "marketing")
    assert verdict.allowed, verdict.denials()
    assert {"consent.opted_in", "CO-9", "CO-3", "CO-4", "CO-2"} <= set(rules(verdict))


def test_an_opt_out_denies_whatever_the_other_layers_say() -> None:
    engine, _ = _co_engine()
    consent(engine, "ana", "sms", "opt_in", NOW - timedelta(days=3))
    consent(engine, "ana", "all", "opt_out", NOW - timedelta(days=1))
    verdict = engine.policy.check("ana", Channel.SMS, "marketing")
    assert "consent.opted_out" in denied_by(verdict)


def test_a_number_on_the_rne_is_refused_and_a_stale_snapshot_denies_too() -> None:
    engine, registries = _co_engine()
    consent(engine, "ana", "voice", "opt_in", NOW - timedelta(days=3))
    registries.snapshot("co-rne", date(2026, 11, 23), {"+573001234567": None})
    assert "CO-9" in denied_by(engine.policy.check("ana", Channel.VOICE, "marketing"))
    registries.snapshot("co-rne", date(2026, 11, 10))
    stale = engine.policy.check("ana", Channel.VOICE, "marketing")
    assert "CO-9" in denied_by(stale)
    assert "days old" in next(r.detail for r in stale.denials() if r.rule == "CO-9")


def test_service_messages_skip_marketing_rules_but_never_an_opt_out_of_service() -> None:
    engine, _ = _co_engine()
    assert engine.policy.check("ana", Channel.SMS, "service").allowed
    consent(engine, "ana", "sms", "opt_out", NOW - timedelta(hours=1), purpose="service")
    assert "consent.opted_out" in denied_by(engine.policy.check("ana", Channel.SMS, "service"))


def test_florida_blocks_at_eight_pm_local_and_a_fourth_call_on_one_subject_in_a_day() -> None:
    engine = policy_engine(NOW, FakeRegistries({"us-dnc": date(2026, 11, 20)}))
    add_customer(
        engine, "bob", "US", subdivision="US-FL", phone="+13055550123", time_zone="America/New_York"
    )
    at_eight = engine.policy.check(
        "bob", Channel.VOICE, "marketing", at=local("2026-11-24T20:00:00-05:00")
    )
    assert denied_by(at_eight) == {"US-FL-1"}
    for hours in (1, 2, 3):
        contacted(
            engine,
            "bob",
            Channel.VOICE,
            NOW - timedelta(hours=hours),
            action_group="sales/data_packs",
        )
    same = ActionRef(action_group="sales/data_packs")
    fourth = engine.policy.check("bob", Channel.VOICE, "marketing", at=NOW, action=same)
    assert denied_by(fourth) == {"US-FL-2"}
    other = ActionRef(action_group="retention/discounts")
    assert engine.policy.check("bob", Channel.VOICE, "marketing", at=NOW, action=other).allowed


def test_the_national_dnc_yields_to_an_established_business_relationship_of_17_months() -> None:
    registries = FakeRegistries({"us-dnc": date(2026, 11, 20)}, {"us-dnc": {"+12125550123": None}})
    engine = policy_engine(NOW, registries)
    add_customer(engine, "cy", "US", phone="+12125550123", last_purchase_on=date(2025, 6, 30))
    allowed = engine.policy.check("cy", Channel.VOICE, "marketing")
    assert allowed.allowed and "waived" in next(
        r.detail for r in allowed.reasons if r.rule == "US-3"
    )
    add_customer(engine, "cy", "US", phone="+12125550123", last_purchase_on=date(2025, 4, 20))
    assert denied_by(engine.policy.check("cy", Channel.VOICE, "marketing")) == {"US-3"}


def test_a_dnc_snapshot_32_days_old_loses_the_safe_harbour() -> None:
    engine = policy_engine(NOW, FakeRegistries({"us-dnc": date(2026, 10, 23)}))
    add_customer(engine, "dee", "US", phone="+12125550199")
    assert denied_by(engine.policy.check("dee", Channel.VOICE, "marketing")) == {"US-3"}


def test_colombian_direct_contact_rules_need_review_and_are_reported_not_applied() -> None:
    engine, _ = _co_engine()
    consent(engine, "ana", "all", "opt_in", NOW - timedelta(days=3))
    contacted(engine, "ana", Channel.VOICE, NOW - timedelta(hours=1), outcome=Outcome.REACHED)
    verdict = engine.policy.check("ana", Channel.WHATSAPP, "marketing")
    assert verdict.allowed
    flagged = {r.rule: r.detail for r in verdict.reasons if "needs counsel review" in r.detail}
    assert set(flagged) == {"CO-6a", "CO-6b"}


def test_when_profile_and_phone_disagree_on_the_zone_the_window_must_hold_in_both() -> None:
    registries = FakeRegistries()
    registries.snapshot("au-dncr", date(2026, 11, 20))
    engine = policy_engine(NOW, registries)
    # The profile says Perth; the phone number is a Sydney landline.
    add_customer(engine, "kim", "AU", phone="+61291234567", time_zone="Australia/Perth")
    consent(engine, "kim", "voice", "opt_in", NOW - timedelta(days=1))
    # 09:30 in Perth is 12:30 in Sydney: both inside Mon–Fri 09:00–20:00.
    both = engine.policy.check(
        "kim", Channel.VOICE, "marketing", at=local("2026-11-24T09:30:00+08:00")
    )
    assert both.allowed, both.denials()
    # 08:30 in Perth is 11:30 in Sydney: Perth is outside.
    perth = engine.policy.check(
        "kim", Channel.VOICE, "marketing", at=local("2026-11-24T08:30:00+08:00")
    )
    assert "Australia/Perth" in next(r.detail for r in perth.denials())
    # 18:30 in Perth is 21:30 in Sydney: Sydney is outside.
    sydney = engine.policy.check(
        "kim", Channel.VOICE, "marketing", at=local("2026-11-24T18:30:00+08:00")
    )
    assert "Australia/Sydney" in next(r.detail for r in sydney.denials())
