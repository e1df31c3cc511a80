"""The Peruvian pack (pe.toml), from its legal text: Ley 29571 art. 58.1(e) as amended by
Ley 32323 (marketing only with consent the consumer initiated, revocable at once)."""

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

from cortesia.domain.policy.pack import ConsentNeed, ConsentRule, RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # Tuesday 10:00 in Lima (UTC-5)
LIMA = "America/Lima"


def _engine() -> Engine:
    engine = policy_engine(NOW)
    add_customer(
        engine,
        "rosa",
        "PE",
        phone="+51912345678",
        email="rosa@example.pe",
        push_id="app-rosa",
        last_purchase_on=date(2026, 11, 2),
    )
    return engine


def _reviewing(engine: Engine) -> PolicyService:
    return PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        FakeRegistries(),
        StaticCompanyPolicy(),
        apply_review=True,
    )


# -- the pack itself ---------------------------------------------------------------------------


def test_every_peruvian_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("PE")
    assert pack is not None and pack.holiday_country == "PE"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("PE-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    flagged = {r.meta.rule_id for r in pack.rules if r.meta.needs_review}
    assert flagged == {"PE-1a", "PE-5", "PE-6", "PE-7"}
    opt_in = pack.rule("PE-1")
    assert isinstance(opt_in, ConsentRule) and opt_in.need is ConsentNeed.OPT_IN
    assert opt_in.exemptions == ()  # no relationship exemption for marketing in Peru
    assert opt_in.meta.note is not None and "initiated" in opt_in.meta.note
    assert not any(isinstance(r, RegistryRule) for r in pack.rules)


# -- Ley 32323: consumer-initiated consent only ------------------------------------------------


def test_a_buyer_without_a_recorded_consumer_initiated_opt_in_gets_no_promo_sms() -> None:
    engine = _engine()
    verdict = engine.policy.check("rosa", Channel.SMS, "marketing")
    assert denied_by(verdict) == {"PE-1"}
    assert "needs prior consent" in verdict.denials()[0].detail
    assert "Ley 32323" in (verdict.denials()[0].citation or "")


def test_every_named_channel_needs_the_consumers_own_consent() -> None:
    engine = _engine()
    for channel in (Channel.VOICE, Channel.SMS, Channel.EMAIL, Channel.WHATSAPP):
        assert denied_by(engine.policy.check("rosa", channel, "marketing")) == {"PE-1"}, channel


def test_a_consumer_who_opted_in_may_receive_marketing_at_any_hour() -> None:
    engine = _engine()
    consent(engine, "rosa", "sms", "opt_in", NOW - timedelta(days=3))
    sunday_night = local("2026-11-29T23:30:00-05:00")
    verdict = engine.policy.check("rosa", Channel.SMS, "marketing", at=sunday_night)
    assert verdict.allowed, verdict.denials()
    assert rules(verdict)["PE-1"] is True


def test_a_revocation_binds_from_the_minute_it_was_made() -> None:
    engine = _engine()
    consent(engine, "rosa", "all", "opt_in", NOW - timedelta(days=30))
    revoked = NOW - timedelta(minutes=10)
    consent(engine, "rosa", "all", "opt_out", revoked)
    before = engine.policy.check(
        "rosa", Channel.VOICE, "marketing", at=revoked - timedelta(minutes=1)
    )
    after = engine.policy.check(
        "rosa", Channel.VOICE, "marketing", at=revoked + timedelta(minutes=1)
    )
    assert before.allowed, before.denials()
    assert denied_by(after) == {"consent.opted_out", "PE-1"}


def test_service_messages_are_outside_the_marketing_ban() -> None:
    engine = _engine()
    verdict = engine.policy.check("rosa", Channel.SMS, "service")
    assert verdict.allowed and "PE-1" not in rules(verdict)


# -- push and in-app as "analogous means" (PE-1a, needs review) -------------------------------


def test_push_marketing_without_consent_needs_review_and_is_refused_once_applied() -> None:
    engine = _engine()
    default = engine.policy.check("rosa", Channel.PUSH, "marketing")
    assert default.allowed
    flagged = next(r for r in default.reasons if r.rule == "PE-1a")
    assert flagged.detail.startswith("not applied, needs counsel review (would deny:")
    assert denied_by(_reviewing(engine).check("rosa", Channel.PUSH, "marketing")) == {"PE-1a"}


# -- no statutory hours (PE-7) ------------------------------------------------------------------


def test_peru_sets_no_hours_so_a_consented_call_on_a_holiday_passes_the_law() -> None:
    engine = policy_engine(NOW)
    christmas = local("2026-12-25T21:00:00-05:00")
    verdict = engine.policy.legal(
        "PE", Channel.VOICE, "marketing", christmas, time_zone=LIMA, consent=ConsentStatus.OPTED_IN
    )
    assert verdict.allowed, verdict.denials()
    assert set(rules(verdict)) == {"PE-1"}
    unknown = engine.policy.legal("PE", Channel.VOICE, "marketing", christmas, time_zone=LIMA)
    assert denied_by(unknown) == {"PE-1"}
