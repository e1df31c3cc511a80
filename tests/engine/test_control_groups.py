"""Control groups in the decision: the global holdout and per-action controls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.engine.decision_support import action, decision_engine, reachable

from cortesia.domain.controls import ControlDesign
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.errors import ValidationError

SALT = "test-salt"


def _customers(design: ControlDesign, holdout: bool, count: int) -> list[str]:
    """Customer ids that are (or are not) in the global holdout under ``design``."""
    found = [f"c{n}" for n in range(10_000) if design.in_global_holdout(f"c{n}") is holdout]
    return found[:count]


def _engine(*actions: dict[str, object], **economics: object) -> Engine:
    return decision_engine(*actions, control_salt=SALT, **economics)


def test_a_customer_in_the_global_holdout_gets_no_marketing_but_the_decision_logs_it() -> None:
    design = ControlDesign(global_holdout=0.1, salt=SALT)
    engine = _engine(action("pack"), global_holdout=0.1)
    held = _customers(design, True, 1)[0]
    reachable(engine, held)
    decision = engine.decisions.decide(DecisionRequest(held, Channel.SMS))
    assert decision.silent
    assert [(w.action.action_id, w.control) for w in decision.withheld] == [("pack", "global")]
    assert decision.withheld[0].action.contact_id is None
    assert decision.trace[-1].stage.value == "control"
    assert "global holdout" in decision.trace[-1].reason
    # No contact slot was held: the customer's history is empty.
    since = decision.decided_at - timedelta(days=1)
    assert engine.store.contacts_of(held, since, decision.decided_at + timedelta(days=1)) == []
    stored = engine.decisions.find(decision.decision_id).body
    assert stored["withheld"][0]["control"] == "global"  # type: ignore[index]


def test_service_messages_are_never_withheld() -> None:
    design = ControlDesign(global_holdout=0.5, action_control=0.5, salt=SALT)
    engine = _engine(action("bill", purpose="service"), global_holdout=0.5, action_control=0.5)
    held = _customers(design, True, 1)[0]
    reachable(engine, held)
    decision = engine.decisions.decide(DecisionRequest(held, Channel.SMS))
    assert [a.action_id for a in decision.actions] == ["bill"]
    assert decision.withheld == ()


def test_per_action_controls_take_the_share_asked_and_are_stable() -> None:
    engine = _engine(action("pack", control_share=0.3))
    customers = [f"k{n}" for n in range(200)]
    for customer in customers:
        reachable(engine, customer)
    first = {c: engine.decisions.decide(DecisionRequest(c, Channel.SMS)) for c in customers}
    controls = [c for c, d in first.items() if d.withheld]
    assert all(first[c].withheld[0].control == "action" for c in controls)
    assert all(first[c].silent for c in controls)
    # A binomial(200, 0.3) count lies in [42, 78] with probability > 0.999.
    assert 42 <= len(controls) <= 78
    design = ControlDesign(salt=SALT)
    expected = [c for c in customers if design.in_action_control(c, "pack", 0.3)]
    assert controls == expected


def test_an_outcome_of_a_withheld_action_is_kept_but_teaches_the_propensity_nothing() -> None:
    design = ControlDesign(global_holdout=0.2, salt=SALT)
    engine = _engine(action("pack"), global_holdout=0.2)
    held = _customers(design, True, 1)[0]
    sent = _customers(design, False, 1)[0]
    for customer in (held, sent):
        reachable(engine, customer)
    control = engine.decisions.decide(DecisionRequest(held, Channel.SMS))
    receipt = engine.outcomes.record(control.decision_id, "pack", "converted")
    assert receipt.contact_status is None and not receipt.replayed
    assert [e.outcome for e in engine.outcomes.reports(control.decision_id)] == ["converted"]
    offered = engine.decisions.decide(DecisionRequest(sent, Channel.SMS))
    # Beta(1, 9) untouched by the control's conversion.
    assert offered.actions[0].scores.propensity == pytest.approx(0.1)
    with pytest.raises(ValidationError, match="held back as a control"):
        engine.outcomes.record(control.decision_id, "pack", "delivered")


def test_an_opt_out_reported_against_a_withheld_action_is_still_written() -> None:
    design = ControlDesign(global_holdout=0.2, salt=SALT)
    engine = _engine(action("pack"), global_holdout=0.2)
    held = _customers(design, True, 1)[0]
    reachable(engine, held)
    control = engine.decisions.decide(DecisionRequest(held, Channel.SMS))
    receipt = engine.outcomes.record(control.decision_id, "pack", "opted_out")
    assert receipt.opt_out_event_id is not None
    status = engine.consent.status(held, Channel.SMS, "marketing").status
    assert status is ConsentStatus.OPTED_OUT


def test_control_settings_are_validated_and_kept_in_the_catalog_document() -> None:
    with pytest.raises(ValidationError, match="global_holdout"):
        _engine(action("pack"), global_holdout=1.5)
    engine = _engine(action("pack", control_share=0.05), global_holdout=0.02)
    document = engine.catalog.version().document
    head, actions = document["catalog"], document["actions"]
    assert isinstance(head, dict) and isinstance(actions, list)
    assert head["global_holdout"] == 0.02 and head["control_salt"] == SALT
    assert actions[0]["control_share"] == 0.05
