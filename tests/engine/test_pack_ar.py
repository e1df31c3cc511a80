"""The Argentine pack (ar.toml), from its legal text: Ley 26.951 Registro Nacional "No Llame"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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
from cortesia.domain.policy.rules import Confidence, ExemptionKind
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import ActionRef, PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 13, tzinfo=UTC)  # Tuesday 10:00 in Buenos Aires (UTC-3)
PHONE = "+5491123456789"
MOBILE = ActionRef(action_group="mobile_plan")
INSURANCE = ActionRef(action_group="home_insurance")


def _engine(snapshot: date = date(2026, 11, 20), listed: bool = True) -> Engine:
    registries = FakeRegistries()
    registries.snapshot("ar-no-llame", snapshot, {PHONE: date(2025, 3, 1)} if listed else {})
    return policy_engine(NOW, registries)


def _reviewing(engine: Engine) -> PolicyService:
    registries = FakeRegistries()
    registries.snapshot("ar-no-llame", date(2026, 11, 20), {PHONE: date(2025, 3, 1)})
    return PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        registries,
        StaticCompanyPolicy(),
        apply_review=True,
    )


def _customer(engine: Engine, **fields: object) -> None:
    add_customer(engine, "tomas", "AR", phone=PHONE, email="tomas@example.ar", **fields)


# -- the pack itself ---------------------------------------------------------------------------


def test_every_argentine_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("AR")
    assert pack is not None and pack.holiday_country == "AR"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("AR-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    flagged = {r.meta.rule_id for r in pack.rules if r.meta.needs_review}
    assert flagged == {"AR-1a", "AR-4", "AR-6", "AR-7"}
    no_llame = pack.rule("AR-2")
    assert isinstance(no_llame, RegistryRule)
    assert (no_llame.registry, no_llame.max_snapshot_age_days) == ("ar-no-llame", 30)
    assert [e.kind for e in no_llame.exemptions] == [
        ExemptionKind.CONSENT,
        ExemptionKind.RELATIONSHIP,
    ]
    assert isinstance(pack.rule("AR-4"), NoticeRule)


# -- art. 7: the registry and its 30-day consultation -----------------------------------------


def test_a_promo_call_to_a_number_in_no_llame_is_refused() -> None:
    engine = _engine()
    _customer(engine)
    verdict = engine.policy.check("tomas", Channel.VOICE, "marketing")
    assert denied_by(verdict) == {"AR-2"}
    assert "Ley 26.951" in (verdict.denials()[0].citation or "")


def test_a_snapshot_older_than_30_days_blocks_all_telephony_marketing() -> None:
    fresh, stale = _engine(date(2026, 10, 25), listed=False), _engine(date(2026, 10, 24), False)
    for engine in (fresh, stale):
        _customer(engine)
    assert fresh.policy.check("tomas", Channel.VOICE, "marketing").allowed  # 30 days old
    for channel in (Channel.VOICE, Channel.SMS):
        verdict = stale.policy.check("tomas", channel, "marketing")
        assert denied_by(verdict) == {"AR-2"}
        assert "31 days old; at most 30 allowed" in verdict.denials()[0].detail


def test_listings_bind_as_soon_as_a_snapshot_holds_them_without_the_30_day_grace() -> None:
    registries = FakeRegistries()
    registries.snapshot("ar-no-llame", date(2026, 11, 23), {PHONE: date(2026, 11, 23)})
    engine = policy_engine(NOW, registries)
    _customer(engine)
    assert denied_by(engine.policy.check("tomas", Channel.SMS, "marketing")) == {"AR-2"}


def test_email_is_outside_the_no_llame_registry() -> None:
    engine = _engine()
    _customer(engine)
    verdict = engine.policy.check("tomas", Channel.EMAIL, "marketing")
    assert verdict.allowed and "AR-2" not in rules(verdict)


# -- art. 8: exemptions ----------------------------------------------------------------------


def test_a_current_customer_may_be_called_about_the_product_they_contracted() -> None:
    engine = _engine()
    _customer(engine, contract_active=True, contract_product="mobile_plan")
    verdict = engine.policy.check("tomas", Channel.VOICE, "marketing", action=MOBILE)
    assert verdict.allowed, verdict.denials()
    assert "an active contract for its product mobile_plan" in next(
        r.detail for r in verdict.reasons if r.rule == "AR-2"
    )


def test_a_current_customer_called_about_another_product_line_is_refused() -> None:
    engine = _engine()
    _customer(engine, contract_active=True, contract_product="mobile_plan")
    other = engine.policy.check("tomas", Channel.VOICE, "marketing", action=INSURANCE)
    unnamed = engine.policy.check("tomas", Channel.VOICE, "marketing")
    assert denied_by(other) == {"AR-2"}
    assert denied_by(unnamed) == {"AR-2"}


def test_a_former_customer_has_no_relationship_exemption() -> None:
    engine = _engine()
    _customer(engine, contract_active=False, contract_product="mobile_plan")
    verdict = engine.policy.check("tomas", Channel.VOICE, "marketing", action=MOBILE)
    assert denied_by(verdict) == {"AR-2"}


def test_a_holder_who_expressly_permitted_the_calls_may_be_called_though_listed() -> None:
    engine = _engine()
    _customer(engine)
    consent(engine, "tomas", "voice", "opt_in", NOW - timedelta(days=1))
    verdict = engine.policy.check("tomas", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert rules(verdict)["AR-2"] is True


def test_no_exemption_helps_when_the_snapshot_is_stale() -> None:
    engine = _engine(date(2026, 10, 1))
    _customer(engine, contract_active=True, contract_product="mobile_plan")
    consent(engine, "tomas", "voice", "opt_in", NOW - timedelta(days=1))
    verdict = engine.policy.check("tomas", Channel.VOICE, "marketing", action=MOBILE)
    assert denied_by(verdict) == {"AR-2"}


# -- WhatsApp as a "similar service" (AR-1a, needs review) --------------------------------------


def test_whatsapp_to_a_listed_number_needs_review_and_is_refused_once_applied() -> None:
    engine = _engine()
    _customer(engine)
    default = engine.policy.check("tomas", Channel.WHATSAPP, "marketing")
    assert default.allowed
    flagged = next(r for r in default.reasons if r.rule == "AR-1a")
    assert flagged.detail.startswith("not applied, needs counsel review (would deny:")
    reviewed = _reviewing(engine).check("tomas", Channel.WHATSAPP, "marketing")
    assert denied_by(reviewed) == {"AR-1a"}


# -- no numeric hours (AR-6) -----------------------------------------------------------------


def test_argentina_sets_no_calling_hours_so_a_late_call_on_a_holiday_passes_the_law() -> None:
    engine = policy_engine(NOW)
    late = local("2026-11-23T22:30:00-03:00")  # Día de la Soberanía Nacional
    verdict = engine.policy.legal(
        "AR",
        Channel.VOICE,
        "marketing",
        late,
        time_zone="America/Argentina/Buenos_Aires",
        consent=ConsentStatus.UNKNOWN,
    )
    assert verdict.allowed, verdict.denials()
    assert set(rules(verdict)) == {"AR-2"}  # the registry to consult, no hours rule
