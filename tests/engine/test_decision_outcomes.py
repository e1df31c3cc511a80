"""Outcomes of decisions: idempotent, and each one has its effect at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.engine.decision_support import NOW, action, decision_engine, reachable

from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.decide import DecisionRequest
from cortesia.errors import ConflictError, NotFoundError, ValidationError


def _offer(engine: object, customer: str = "ana") -> str:
    decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS))  # type: ignore[attr-defined]
    assert decision.actions, decision.reason
    return str(decision.decision_id)


def test_an_opted_out_outcome_prevents_the_next_marketing_contact_at_once() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision_id = _offer(engine)
    receipt = engine.outcomes.record(decision_id, "pack", "opted_out")
    assert receipt.opt_out_event_id is not None
    status = engine.consent.status("ana", Channel.SMS, "marketing").status
    assert status is ConsentStatus.OPTED_OUT
    again = engine.decisions.decide(DecisionRequest("ana", Channel.SMS, at=NOW))
    assert again.silent
    assert again.trace[0].stage.value == "policy"


def test_a_failed_send_releases_the_slot() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision_id = _offer(engine)
    receipt = engine.outcomes.record(decision_id, "pack", "failed")
    assert receipt.contact_status == "released"


def test_an_accepted_offer_confirms_the_contact_and_teaches_the_propensity() -> None:
    engine = decision_engine(action("pack"))
    for n in range(3):
        reachable(engine, f"c{n}")
    first = engine.decisions.decide(DecisionRequest("c0", Channel.SMS))
    before = first.actions[0].scores.propensity
    receipt = engine.outcomes.record(first.decision_id, "pack", "accepted")
    assert receipt.contact_status == "sent"
    contact = engine.store.find_contact(receipt.event.contact_id or "")
    assert contact is not None and contact.outcome is not None
    assert contact.outcome.value == "accepted"
    after = engine.decisions.decide(DecisionRequest("c1", Channel.SMS)).actions[0]
    # Beta(1, 9) then one accept in one trial: 2 / 11.
    assert before == pytest.approx(0.1)
    assert after.scores.propensity == pytest.approx(2 / 11)


def test_a_replayed_outcome_changes_nothing() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision_id = _offer(engine)
    first = engine.outcomes.record(decision_id, "pack", "rejected", key="k-1")
    again = engine.outcomes.record(decision_id, "pack", "rejected", key="k-1")
    assert not first.replayed and again.replayed
    counts = engine.store.response_counts()
    assert counts[("pack", Channel.SMS, "outbound")].trials == 1


def test_a_key_reused_for_another_outcome_is_a_conflict() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision_id = _offer(engine)
    engine.outcomes.record(decision_id, "pack", "rejected", key="k-1")
    with pytest.raises(ConflictError):
        engine.outcomes.record(decision_id, "pack", "accepted", key="k-1")


def test_one_offer_counts_one_trial_whatever_follows() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision_id = _offer(engine)
    engine.outcomes.record(decision_id, "pack", "delivered")
    engine.outcomes.record(decision_id, "pack", "clicked", at=NOW + timedelta(minutes=1))
    engine.outcomes.record(decision_id, "pack", "converted", at=NOW + timedelta(minutes=5))
    seen = engine.store.response_counts()[("pack", Channel.SMS, "outbound")]
    assert (seen.trials, seen.accepts, seen.opt_outs) == (1, 1, 0)


def test_an_outcome_for_an_action_not_offered_is_refused() -> None:
    engine = decision_engine(action("pack"))
    reachable(engine, "ana")
    decision_id = _offer(engine)
    with pytest.raises(ValidationError, match="was not offered"):
        engine.outcomes.record(decision_id, "other", "accepted")
    with pytest.raises(ValidationError, match="must be one of"):
        engine.outcomes.record(decision_id, "pack", "maybe")
    with pytest.raises(NotFoundError):
        engine.outcomes.record("nope", "pack", "accepted")


def test_a_failed_send_gives_back_the_daily_volume_once() -> None:
    channels = {"sms": {"treatment": "t", "cost": 0.02, "daily_limit": 1}}
    engine = decision_engine(action("calls", channels=channels))
    reachable(engine, "ana")
    reachable(engine, "bea")
    first = engine.decisions.decide(DecisionRequest("ana", Channel.SMS))
    engine.outcomes.record(first.decision_id, "calls", "failed")
    engine.outcomes.record(first.decision_id, "calls", "failed", key="retry")
    assert engine.store.volume_used(NOW.date(), ["calls|sms"])["calls|sms"] == (0, 0.0)
    second = engine.decisions.decide(DecisionRequest("bea", Channel.SMS))
    assert [a.action_id for a in second.actions] == ["calls"]
