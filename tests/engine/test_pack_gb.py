"""The United Kingdom pack (gb.toml), from its legal texts: PECR regs 21, 21A, 22 and UK GDPR
art. 21. The TPS grace and screening period (reg 21(3)), its consent override (reg 21(4)),
the e-mail soft opt-in (reg 22(3)) and the absence of calling hours."""

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

from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.pack import RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import ActionRef, PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)  # Tuesday 10:00 in London
PHONE = "+447911123456"
BROADBAND = ActionRef(action_group="broadband")


def _gb_engine(
    snapshot: date = date(2026, 11, 20), listed: dict[str, date | None] | None = None
) -> tuple[Engine, FakeRegistries]:
    registries = FakeRegistries()
    registries.snapshot("uk-tps", snapshot, listed or {})
    engine = policy_engine(NOW, registries)
    add_customer(engine, "olivia", "GB", phone=PHONE, email="olivia@example.co.uk")
    return engine, registries


def _policy(
    engine: Engine, registries: FakeRegistries, sector: str | None, apply_review: bool
) -> PolicyService:
    company = StaticCompanyPolicy(CompanyPolicy("test company", sector=sector))
    return PolicyService(
        engine.store, engine.clock, PackLibrary(), registries, company, apply_review=apply_review
    )


# -- PECR reg 21: the TPS register ----------------------------------------------------------


def test_a_number_not_on_the_tps_may_get_a_marketing_call_without_consent() -> None:
    engine, _ = _gb_engine()
    verdict = engine.policy.check("olivia", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert rules(verdict)["UK-1"] is True


def test_a_number_listed_27_days_ago_is_still_in_the_grace_period_and_28_days_is_not() -> None:
    engine, registries = _gb_engine(listed={PHONE: date(2026, 10, 28)})  # 27 days before
    grace = engine.policy.check("olivia", Channel.VOICE, "marketing")
    assert grace.allowed, grace.denials()
    detail = next(r.detail for r in grace.reasons if r.rule == "UK-1")
    assert "not in effect on uk-tps" in detail
    registries.snapshot("uk-tps", date(2026, 11, 20), {PHONE: date(2026, 10, 27)})  # 28 days
    listed = engine.policy.check("olivia", Channel.VOICE, "marketing")
    assert denied_by(listed) == {"UK-1"}
    assert "PECR reg 21" in (listed.denials()[0].citation or "")


def test_a_tps_snapshot_28_days_old_is_accepted_and_29_days_old_is_refused() -> None:
    engine, registries = _gb_engine(snapshot=date(2026, 10, 27))
    assert engine.policy.check("olivia", Channel.VOICE, "marketing").allowed
    registries.snapshot("uk-tps", date(2026, 10, 26))
    stale = engine.policy.check("olivia", Channel.VOICE, "marketing")
    assert denied_by(stale) == {"UK-1"}
    assert "29 days old; at most 28 allowed" in stale.denials()[0].detail


def test_a_tps_subscriber_who_told_the_caller_they_do_not_object_may_be_called() -> None:
    engine, _ = _gb_engine(listed={PHONE: date(2025, 1, 10)})
    assert denied_by(engine.policy.check("olivia", Channel.VOICE, "marketing")) == {"UK-1"}
    consent(engine, "olivia", "voice", "opt_in", NOW - timedelta(days=1))
    verdict = engine.policy.check("olivia", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert next(r.detail for r in verdict.reasons if r.rule == "UK-1").startswith("waived")


def test_withdrawing_the_tps_override_stops_the_calls_again() -> None:
    engine, _ = _gb_engine(listed={PHONE: date(2025, 1, 10)})
    consent(engine, "olivia", "voice", "opt_in", NOW - timedelta(days=10))
    consent(engine, "olivia", "voice", "opt_out", NOW - timedelta(days=1))
    assert {"UK-1", "consent.opted_out"} <= denied_by(
        engine.policy.check("olivia", Channel.VOICE, "marketing")
    )


def test_without_a_tps_snapshot_no_call_may_be_made() -> None:
    engine = policy_engine(NOW)
    add_customer(engine, "olivia", "GB", phone=PHONE)
    verdict = engine.policy.check("olivia", Channel.VOICE, "marketing")
    assert denied_by(verdict) == {"UK-1"}


def test_the_tps_values_are_the_high_confidence_28_day_grace_and_screening_period() -> None:
    pack = PackLibrary().pack("GB")
    assert pack is not None
    tps = pack.rule("UK-1")
    assert isinstance(tps, RegistryRule)
    assert (tps.registry, tps.effect_delay_days, tps.max_snapshot_age_days) == ("uk-tps", 28, 28)
    assert tps.meta.confidence is Confidence.HIGH
    assert tps.meta.note is not None and "reg 21(3)" in tps.meta.note
    refresh = pack.rule("UK-3")
    assert refresh is not None and refresh.meta.needs_review


# -- No statutory calling hours --------------------------------------------------------------


def test_there_are_no_statutory_calling_hours_so_a_sunday_night_call_is_lawful() -> None:
    engine, _ = _gb_engine()
    sunday_night = local("2026-11-29T23:30:00+00:00")
    verdict = engine.policy.check("olivia", Channel.VOICE, "marketing", at=sunday_night)
    assert verdict.allowed, verdict.denials()
    bare = engine.policy.legal("GB", Channel.VOICE, "marketing", sunday_night)
    assert bare.allowed
    # A company that has not declared its sector also sees the sector rules under review
    # (claims management, pensions), reported but not applied.
    gating = {
        r.rule
        for r in bare.reasons
        if r.layer.value == "jurisdiction" and "needs counsel review" not in r.detail
    }
    assert gating == set()


def test_a_bank_holiday_does_not_close_calls_either() -> None:
    engine, _ = _gb_engine(snapshot=date(2026, 12, 20))
    christmas = local("2026-12-25T11:00:00+00:00")
    assert engine.policy.check("olivia", Channel.VOICE, "marketing", at=christmas).allowed


# -- PECR reg 22: electronic mail -------------------------------------------------------------


def test_marketing_e_mail_and_sms_need_consent() -> None:
    engine, _ = _gb_engine()
    for channel in (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP):
        verdict = engine.policy.check("olivia", channel, "marketing", action=BROADBAND)
        assert denied_by(verdict) == {"UK-6"}, channel


def test_the_soft_opt_in_covers_an_active_customer_for_its_own_product_only() -> None:
    engine, _ = _gb_engine()
    add_customer(
        engine,
        "olivia",
        "GB",
        phone=PHONE,
        email="o@example.co.uk",
        contract_active=True,
        contract_product="broadband",
    )
    own = engine.policy.check("olivia", Channel.EMAIL, "marketing", action=BROADBAND)
    assert own.allowed, own.denials()
    other = ActionRef(action_group="mobile")
    assert denied_by(engine.policy.check("olivia", Channel.EMAIL, "marketing", action=other)) == {
        "UK-6"
    }


def test_the_soft_opt_in_lasts_24_months_after_the_last_purchase() -> None:
    engine, _ = _gb_engine()
    for bought, allowed in ((date(2024, 12, 24), True), (date(2024, 11, 23), False)):
        add_customer(
            engine,
            "olivia",
            "GB",
            phone=PHONE,
            email="o@example.co.uk",
            contract_product="broadband",
            last_purchase_on=bought,
        )
        verdict = engine.policy.check("olivia", Channel.SMS, "marketing", action=BROADBAND)
        assert verdict.allowed is allowed, (bought, verdict.denials())


def test_an_opted_in_customer_gets_marketing_e_mail() -> None:
    engine, _ = _gb_engine()
    consent(engine, "olivia", "email", "opt_in", NOW - timedelta(days=3))
    assert engine.policy.check("olivia", Channel.EMAIL, "marketing").allowed


def test_an_objection_under_uk_gdpr_article_21_stops_every_channel() -> None:
    engine, _ = _gb_engine()
    consent(engine, "olivia", "email", "opt_in", NOW - timedelta(days=3))
    consent(engine, "olivia", "all", "opt_out", NOW - timedelta(days=1))
    for channel in (Channel.EMAIL, Channel.VOICE):
        assert "consent.opted_out" in denied_by(engine.policy.check("olivia", channel, "marketing"))
    notice = PackLibrary().pack("GB")
    assert notice is not None and notice.rule("UK-9") is not None


# -- Rules under review ----------------------------------------------------------------------


def test_claims_management_calls_need_consent_only_once_review_rules_are_applied() -> None:
    engine, registries = _gb_engine()
    flagged = _policy(engine, registries, "claims_management", False).check(
        "olivia", Channel.VOICE, "marketing"
    )
    assert flagged.allowed
    detail = next(r.detail for r in flagged.reasons if r.rule == "UK-4")
    assert detail.startswith("not applied, needs counsel review")
    applied = _policy(engine, registries, "claims_management", True).check(
        "olivia", Channel.VOICE, "marketing"
    )
    assert denied_by(applied) == {"UK-4"}
    other = _policy(engine, registries, "telecom", True).check("olivia", Channel.VOICE, "marketing")
    assert other.allowed and "UK-4" not in rules(other)


def test_a_bare_legal_check_shows_push_as_flagged_and_applies_it_on_request() -> None:
    engine, registries = _gb_engine()
    at = local("2026-11-24T12:00:00+00:00")
    unknown = ConsentStatus.UNKNOWN
    flagged = engine.policy.legal("GB", Channel.PUSH, "marketing", at, consent=unknown)
    assert flagged.allowed and "UK-6b" in rules(flagged)
    applied = _policy(engine, registries, None, True).legal(
        "GB", Channel.PUSH, "marketing", at, consent=unknown
    )
    assert denied_by(applied) == {"UK-6b"}


# -- The pack itself ------------------------------------------------------------------------


def test_every_uk_rule_has_an_id_a_citation_and_a_confidence() -> None:
    pack = PackLibrary().pack("gb")
    assert pack is not None and pack.country == "GB" and pack.holiday_country == "GB"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("UK-") and rule.meta.title
        assert rule.meta.citation.strip()
        assert rule.meta.needs_review is (rule.meta.confidence is not Confidence.HIGH)
    high = {r.meta.rule_id for r in pack.rules if r.meta.confidence is Confidence.HIGH}
    assert high == {"UK-1", "UK-2", "UK-5", "UK-6", "UK-9"}


def test_the_united_kingdom_is_not_an_eu_member_and_keeps_its_own_pack() -> None:
    library = PackLibrary()
    gb = library.pack("GB")
    assert gb is not None and gb.country == "GB"
    assert gb.rule("EU-6") is None
