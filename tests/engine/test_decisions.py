"""The real-time decision: every stage, its trace, selection limits and the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.engine.decision_support import NOW, action, decision_engine, reachable
from tests.engine.policy_support import consent

from cortesia.domain.decisions import Stage
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.decision_ports import DecisionRecord
from cortesia.errors import ConflictError, NotFoundError


def _sms(customer: str, **fields: object) -> DecisionRequest:
    return DecisionRequest(customer, Channel.SMS, **fields)  # type: ignore[arg-type]


def _stages(decision: object) -> dict[str, tuple[str, str]]:
    return {t.action_id: (t.stage.value, t.reason) for t in decision.trace}  # type: ignore[attr-defined]


def test_the_action_with_the_highest_expected_net_value_is_chosen() -> None:
    engine = decision_engine(action("small", value=10), action("big", value="0.2 * arpu * 12"))
    reachable(engine, "ana", arpu=50.0)
    decision = engine.decisions.decide(_sms("ana"))
    assert [a.action_id for a in decision.actions] == ["big"]
    chosen = decision.actions[0]
    # Prior Beta(1, 9): P(accept) = 0.1; value 0.2·50·12 = 120; P(opt-out) = 1/1000; L = 100.
    assert chosen.scores.propensity == 0.1
    assert chosen.scores.value == 120.0
    assert abs(chosen.scores.expected_net_value - (12.0 - 0.1 - 0.02)) < 1e-9
    assert _stages(decision)["small"][0] == Stage.SELECTION.value
    assert not decision.silent


def test_an_ineligible_action_stops_at_eligibility_with_its_rule() -> None:
    engine = decision_engine(action("fibre", eligibility="internet_service == 'DSL'"))
    reachable(engine, "ana")
    decision = engine.decisions.decide(_sms("ana"))
    stage, reason = _stages(decision)["fibre"]
    assert stage == "eligibility"
    assert "internet_service == 'DSL'" in reason and "false" in reason
    assert decision.silent and "1 not eligible" in decision.reason


def test_an_opted_out_customer_gets_silence_from_the_contact_policy() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    consent(engine, "ana", "sms", "opt_out", NOW - timedelta(days=1))
    decision = engine.decisions.decide(_sms("ana"))
    stage, reason = _stages(decision)["pack"]
    assert stage == "policy" and "consent" in reason
    assert decision.silent


def test_every_candidate_the_policy_refuses_says_the_policys_first_denial() -> None:
    engine = decision_engine(action("pack"), action("tv", value=12), action("roam", value=9))
    reachable(engine, "ana")
    consent(engine, "ana", "sms", "opt_out", NOW - timedelta(days=1))
    decision = engine.decisions.decide(_sms("ana"))
    verdict = engine.policy.check("ana", Channel.SMS, "marketing", NOW)
    first, *more = verdict.denials()
    said = f"{first.layer.value} rule {first.rule}: {first.detail}"
    said += f" (and {len(more)} more)" if more else ""
    stages = _stages(decision)
    assert {stages[a] for a in ("pack", "tv", "roam")} == {("policy", said)}


def test_an_action_not_worth_its_risk_is_not_offered() -> None:
    # A premium customer has 2,000 at stake: 0.001 · 2000 = 2 exceeds 0.1 · 10 = 1.
    engine = decision_engine(action("pack", value=10))
    reachable(engine, "ana", segment="premium")
    decision = engine.decisions.decide(_sms("ana"))
    stage, reason = _stages(decision)["pack"]
    assert stage == "arbitration" and "not above the threshold" in reason
    assert decision.silent and "not worth the contact" in decision.reason


def test_one_action_per_group_and_top_k_per_channel() -> None:
    engine = decision_engine(
        action("a1", group="sales/data", value=300),
        action("a2", group="sales/data", value=200),
        action("b1", group="sales/roaming", value=100),
        action("c1", group="sales/tv", value=50),
    )
    reachable(engine, "ana")
    decision = engine.decisions.decide(_sms("ana", limit=2))
    assert [a.action_id for a in decision.actions] == ["a1", "b1"]
    stages = _stages(decision)
    assert "one action per group" in stages["a2"][1]
    assert "below the top 2" in stages["c1"][1]


def test_a_daily_volume_limit_is_shared_by_every_decision() -> None:
    channels = {"sms": {"treatment": "t", "cost": 0.02, "daily_limit": 1}}
    engine = decision_engine(action("calls", channels=channels))
    reachable(engine, "ana")
    reachable(engine, "bea")
    first = engine.decisions.decide(_sms("ana"))
    second = engine.decisions.decide(_sms("bea"))
    assert [a.action_id for a in first.actions] == ["calls"]
    assert second.silent
    assert _stages(second)["calls"] == ("selection", "daily volume limit or budget reached")


def test_a_chosen_action_holds_its_contact_slot() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision = engine.decisions.decide(_sms("ana"))
    contact = engine.store.find_contact(decision.actions[0].contact_id or "")
    assert contact is not None and contact.status.value == "reserved"
    assert contact.action_id == "pack" and contact.channel is Channel.SMS


def test_the_action_cool_off_keeps_a_recent_offer_back() -> None:
    engine = decision_engine(action("pack", cool_off_days=7))
    reachable(engine, "ana")
    first = engine.decisions.decide(_sms("ana"))
    engine.outcomes.record(first.decision_id, "pack", "delivered")
    later = engine.decisions.decide(_sms("ana", at=NOW + timedelta(days=2)))
    stage, reason = _stages(later)["pack"]
    assert stage == "eligibility" and "cool-off is 7 days" in reason


def test_a_send_window_applies_to_outbound_only() -> None:
    channels = {"sms": {"treatment": "t", "cost": 0.0, "window": "12:00-14:00"}}
    engine = decision_engine(action("pack", channels=channels))
    reachable(engine, "ana")
    outbound = engine.decisions.decide(_sms("ana"))
    assert _stages(outbound)["pack"][0] == "candidates"
    assert "10:00" in _stages(outbound)["pack"][1]
    inbound = engine.decisions.decide(_sms("ana", direction="inbound"))
    assert [a.action_id for a in inbound.actions] == ["pack"]


def test_a_value_that_reads_a_missing_attribute_stops_at_scoring() -> None:
    engine = decision_engine(action("pack", value="0.2 * arpu_missing * 12"))
    reachable(engine, "ana")
    decision = engine.decisions.decide(_sms("ana"))
    assert _stages(decision)["pack"][0] == "scoring"


def test_an_expired_offer_is_not_a_candidate() -> None:
    engine = decision_engine(action("pack", valid_until="2026-03-02"))
    reachable(engine, "ana")
    stage, reason = _stages(engine.decisions.decide(_sms("ana")))["pack"]
    assert stage == "candidates" and "2026-03-02" in reason


def test_inbound_context_reaches_the_rules() -> None:
    voice = {"voice": {"treatment": "script_bill", "cost": 0.5}}
    engine = decision_engine(
        action(
            "bill_help",
            category="service",
            purpose="service",
            group="service/billing",
            channels=voice,
            eligibility="context.inbound_reason == 'billing'",
        )
    )
    reachable(engine, "ana")
    asked = DecisionRequest("ana", Channel.VOICE, "inbound", {"inbound_reason": "billing"}, None, 1)
    assert [a.action_id for a in engine.decisions.decide(asked).actions] == ["bill_help"]
    other = DecisionRequest("ana", Channel.VOICE, "inbound", {"inbound_reason": "roaming"})
    assert engine.decisions.decide(other).silent


def test_every_decision_is_stored_and_explained() -> None:
    engine = decision_engine(action("pack"), action("tv", eligibility="tenure > 24"))
    reachable(engine, "ana", tenure=3)
    decision = engine.decisions.decide(_sms("ana"))
    stored = engine.decisions.find(decision.decision_id)
    assert stored.body["versions"] == decision.versions.as_dict()
    assert stored.catalog_version == 1
    from cortesia.domain.explain import explain

    lines = explain(stored.body)
    assert any(line.startswith("Offered “Offer pack”") for line in lines) or any(
        "“Oferta pack”" in line for line in lines
    )
    assert any("not eligible" in line and "tenure > 24" in line for line in lines)


def test_a_channel_without_actions_answers_silence_with_the_reason() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision = engine.decisions.decide(DecisionRequest("ana", Channel.PUSH))
    assert decision.silent and "offered on this channel" in decision.reason


def test_a_decision_kept_by_the_caller_is_stored_only_when_the_caller_records_it() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    reachable(engine, "bea")
    kept: list[DecisionRecord] = []
    first = engine.decisions.decide(_sms("ana"), keep=kept.append)
    second = engine.decisions.decide(_sms("bea"), keep=kept.append)
    assert [r.decision_id for r in kept] == [first.decision_id, second.decision_id]
    with pytest.raises(NotFoundError):
        engine.decisions.find(first.decision_id)
    assert engine.decisions.record_many(kept) == [None, None]
    shown = engine.decisions.find(first.decision_id)
    assert shown.body["actions"][0]["action"] == "pack"
    assert shown == engine.decisions.of_customer("ana")[0]
    again = engine.decisions.record_many([kept[1]])
    assert isinstance(again[0], ConflictError) and second.decision_id in str(again[0])
