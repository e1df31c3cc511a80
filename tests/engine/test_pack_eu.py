"""The EU baseline (eu.toml): GDPR arts. 7 and 21 and ePrivacy Directive art. 13, for member
states without a pack of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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

from cortesia.domain.policy.pack import ConsentRule, NoticeRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import ActionRef, PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)  # Tuesday 10:00 in Paris and Berlin
BIKES = ActionRef(action_group="bikes")


def _eu_engine() -> Engine:
    engine = policy_engine(NOW)
    add_customer(engine, "chloe", "FR", phone="+33612345678", email="chloe@example.fr")
    return engine


# -- Which pack answers ----------------------------------------------------------------------


@pytest.mark.parametrize("member", ["FR", "DE", "it", "PL"])
def test_a_member_state_without_a_pack_of_its_own_gets_the_eu_baseline(member: str) -> None:
    pack = PackLibrary().pack(member)
    assert pack is not None and pack.country == "EU"


def test_spain_uses_its_own_pack_and_non_members_do_not_get_the_baseline() -> None:
    library = PackLibrary()
    spain, uk = library.pack("ES"), library.pack("GB")
    assert spain is not None and spain.country == "ES"
    assert uk is not None and uk.country == "GB"
    assert library.pack("CH") is None and library.pack("NO") is None


def test_a_french_customer_is_judged_by_the_eu_rules_and_a_spanish_one_by_spanish_rules() -> None:
    engine = _eu_engine()
    add_customer(engine, "lucia", "ES", email="lucia@example.es")
    french = engine.policy.check("chloe", Channel.EMAIL, "marketing")
    spanish = engine.policy.check("lucia", Channel.EMAIL, "marketing")
    assert denied_by(french) == {"EU-6"} and denied_by(spanish) == {"ES-11"}


# -- ePrivacy art. 13(1)-(2): e-mail and SMS ------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
def test_marketing_e_mail_and_sms_need_prior_consent(channel: Channel) -> None:
    verdict = _eu_engine().policy.check("chloe", channel, "marketing")
    assert denied_by(verdict) == {"EU-6"}
    assert "2002/58/EC, art. 13(1)" in (verdict.denials()[0].citation or "")


def test_an_opted_in_customer_may_get_marketing_e_mail_at_any_hour() -> None:
    engine = _eu_engine()
    consent(engine, "chloe", "email", "opt_in", NOW - timedelta(days=2))
    sunday_night = local("2026-11-29T23:30:00+01:00")
    assert engine.policy.check("chloe", Channel.EMAIL, "marketing", at=sunday_night).allowed


def test_the_soft_opt_in_covers_an_own_customer_for_the_product_bought() -> None:
    engine = _eu_engine()
    add_customer(
        engine,
        "chloe",
        "FR",
        email="chloe@example.fr",
        contract_product="bikes",
        last_purchase_on=datetime(2026, 3, 14, tzinfo=UTC).date(),
    )
    verdict = engine.policy.check("chloe", Channel.EMAIL, "marketing", action=BIKES)
    assert verdict.allowed, verdict.denials()
    detail = next(r.detail for r in verdict.reasons if r.rule == "EU-6")
    assert "waived (existing customer relationship: last_purchase_on 2026-03-14" in detail
    other = ActionRef(action_group="insurance")
    assert denied_by(engine.policy.check("chloe", Channel.EMAIL, "marketing", action=other)) == {
        "EU-6"
    }


def test_an_objection_stops_e_mail_even_under_the_soft_opt_in() -> None:
    engine = _eu_engine()
    add_customer(
        engine,
        "chloe",
        "FR",
        email="chloe@example.fr",
        contract_product="bikes",
        contract_active=True,
    )
    consent(engine, "chloe", "email", "opt_out", NOW - timedelta(days=1))
    verdict = engine.policy.check("chloe", Channel.EMAIL, "marketing", action=BIKES)
    assert denied_by(verdict) == {"consent.opted_out"}


# -- Live calls are left to member states -----------------------------------------------------


def test_live_calls_are_not_gated_by_the_baseline_and_the_gap_is_a_notice() -> None:
    engine = _eu_engine()
    verdict = engine.policy.check("chloe", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert not [r for r in verdict.reasons if r.layer.value in ("jurisdiction", "registry")]
    late = engine.policy.legal("DE", Channel.VOICE, "marketing", local("2026-11-29T23:00:00+01:00"))
    assert late.allowed  # no hours in the baseline: national law decides
    pack = engine.policy.pack("FR")
    live = pack.rule("EU-8")
    assert isinstance(live, NoticeRule) and "2002/58/EC, art. 13(3)" in live.meta.citation


def test_app_and_push_messages_are_flagged_for_review_and_applied_on_request() -> None:
    registries = FakeRegistries()
    engine = policy_engine(NOW, registries)
    add_customer(engine, "jonas", "DE", phone="+4915112345678", push_id="fcm:jonas")
    for channel in (Channel.WHATSAPP, Channel.PUSH):
        flagged = engine.policy.check("jonas", channel, "marketing")
        assert flagged.allowed
        detail = next(r.detail for r in flagged.reasons if r.rule == "EU-6b")
        assert detail.startswith("not applied, needs counsel review")
    reviewing = PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        registries,
        StaticCompanyPolicy(),
        apply_review=True,
    )
    assert denied_by(reviewing.check("jonas", Channel.PUSH, "marketing")) == {"EU-6b"}
    bare = reviewing.legal(
        "DE",
        Channel.WHATSAPP,
        "marketing",
        NOW,
        time_zone="Europe/Berlin",
        consent=ConsentStatus.OPTED_IN,
    )
    assert bare.allowed and rules(bare)["EU-6b"] is True


# -- The pack itself ------------------------------------------------------------------------


def test_every_eu_rule_has_an_id_a_citation_and_a_confidence() -> None:
    pack = PackLibrary().pack("EU")
    assert pack is not None and pack.country == "EU"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("EU-") and rule.meta.title
        assert rule.meta.citation.strip()
        assert rule.meta.needs_review is (rule.meta.confidence is not Confidence.HIGH)
    gating = {r.meta.rule_id for r in pack.rules if isinstance(r, ConsentRule)}
    assert gating == {"EU-6", "EU-6b"}
    notices = {r.meta.rule_id for r in pack.rules if isinstance(r, NoticeRule)}
    assert {"EU-1", "EU-3", "EU-5", "EU-6a", "EU-7", "EU-8"} <= notices
    objection = pack.rule("EU-5")
    assert objection is not None and objection.meta.confidence is Confidence.MEDIUM
