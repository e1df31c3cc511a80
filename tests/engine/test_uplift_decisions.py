"""Uplift trained on the workspace's control groups, and used by the decision."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from tests.engine.decision_support import action, catalog_doc, reachable
from tests.engine.policy_support import policy_engine
from tests.engine.test_optout_economics import NOW, DailyRegistries

from cortesia.domain.decisions import Decision
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.uplift_training import UpliftTraining

START = NOW - timedelta(days=9)


def _document(**economics: object) -> dict[str, object]:
    """A contact must be worth more than 1 (the threshold): about 50 × uplift here."""
    return catalog_doc(
        action("pack", value=50),
        action_control=0.3,
        control_salt="uplift",
        threshold=1.0,
        **economics,
    )


def _engine() -> Engine:
    engine = policy_engine(NOW, DailyRegistries())
    engine.catalog.load_document(_document(), source="test")
    return engine


@pytest.fixture(scope="module")
def answered() -> Engine:
    return answered_engine()


def answered_engine() -> Engine:
    """400 customers, eight days: the pack moves premium customers (40 % against 5 %
    without a contact) and leaves mass customers where they were (5 % either way)."""
    engine = _engine()
    draw = random.Random(5)
    customers = [f"c{n}" for n in range(400)]
    for n, customer in enumerate(customers):
        reachable(engine, customer, segment="premium" if n % 2 else "mass", tier=n % 2)
    for day in range(8):
        at = START + timedelta(days=day)
        for n, customer in enumerate(customers):
            decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS, at=at))
            sent = bool(decision.actions)
            for action_id in [a.action_id for a in decision.actions] + [
                w.action.action_id for w in decision.withheld
            ]:
                rate = 0.40 if (sent and n % 2) else 0.05
                said = "converted" if draw.random() < rate else "ignored"
                if said == "ignored" and not sent:
                    continue  # nothing to report of an offer that was not sent
                when = at + timedelta(hours=1)
                engine.outcomes.record(decision.decision_id, action_id, said, at=when)
    return engine


def test_the_response_model_is_trained_and_opt_outs_too_rare_are_skipped(
    answered: Engine,
) -> None:
    found = answered.train_uplift(UpliftTraining(days=10, until=NOW))
    trained = {(t["action"], t["target"]): t for t in found["trained"]}
    # The action's own model, and its group's pooled one (here the same offers).
    assert set(trained) == {("pack", "response"), ("group=sales/pack", "response")}
    assert trained[("pack", "response")]["holdout"]["qini_auc"] > 0.05
    skipped = [(s["action"], s["target"]) for s in found["skipped"]]
    assert skipped == [("pack", "opt_out"), ("group=sales/pack", "opt_out")]


def test_the_decision_uses_the_uplift_and_records_it(answered: Engine) -> None:
    answered.train_uplift(UpliftTraining(days=10, until=NOW))
    answered.uplift._read_at = float("-inf")  # type: ignore[attr-defined]  # see it now
    at = NOW - timedelta(hours=1)
    rich = _offered(answered, "c1", at)  # premium: the pack moves them
    used = rich.as_dict()["uplift"]["pack"]["response"]  # type: ignore[index]
    assert 0.2 < used["uplift"] < 0.5 and used["model"].startswith("uplift:pack:response@")
    assert used["quadrant"] == "persuadable"
    scores = (rich.actions or tuple(w.action for w in rich.withheld))[0].scores
    assert scores.propensity - scores.baseline == pytest.approx(used["uplift"])
    # A mass customer buys as often without the message: the contact is not worth its
    # threshold, though the propensity alone (over a 0 % baseline) would have sent it.
    poor = answered.decisions.decide(DecisionRequest("c2", Channel.SMS, at=at))
    assert poor.silent and poor.trace[-1].stage.value == "arbitration"
    assert abs(poor.as_dict()["uplift"]["pack"]["response"]["uplift"]) < 0.05  # type: ignore[index]


def test_a_model_below_the_bar_is_not_used(answered: Engine) -> None:
    answered.train_uplift(UpliftTraining(days=10, until=NOW))
    answered.catalog.load_document(_document(uplift_min_qini=0.9), source="test")
    try:
        answered.uplift._read_at = float("-inf")  # type: ignore[attr-defined]
        decision = _offered(answered, "c3", NOW - timedelta(hours=1))
        assert "uplift" not in decision.as_dict()
    finally:  # the module's engine is shared: give the other tests their catalog back
        answered.catalog.load_document(_document(), source="test")


def test_a_new_action_of_the_group_starts_from_the_groups_model(answered: Engine) -> None:
    answered.train_uplift(UpliftTraining(days=10, until=NOW))
    newer = catalog_doc(
        action("pack_plus", value=50, group="sales/pack"),
        action_control=0.3,
        control_salt="uplift",
        threshold=1.0,
    )
    answered.catalog.load_document(newer, source="test")
    try:
        answered.uplift._read_at = float("-inf")  # type: ignore[attr-defined]
        decision = _offered(answered, "c5", NOW - timedelta(hours=1))
        used = decision.as_dict()["uplift"]["pack_plus"]["response"]  # type: ignore[index]
        assert used["model"].startswith("uplift:group=sales/pack:response@")
        assert used["uplift"] > 0.2  # a premium customer, as the group's evidence says
    finally:
        answered.catalog.load_document(_document(), source="test")


def _offered(engine: Engine, customer: str, at: datetime) -> Decision:
    decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS, at=at))
    assert decision.actions or decision.withheld, decision.reason
    return decision
