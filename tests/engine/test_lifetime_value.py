"""Lifetime values in the workspace, and L in the decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.engine.decision_support import action, decision_engine, reachable
from tests.engine.test_optout_economics import NOW, simulated

from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.lifetime_value import SubscriberColumns, ValueTerms
from cortesia.engine.value_ports import CustomerValue
from cortesia.errors import NotFoundError, ValidationError

SUBSCRIBERS = """customer_id,tenure,churned,margin
ana,12,no,40
bea,3,yes,25
cid,30,no,10
dan,1,no,60
eva,7,yes,30
"""


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "subscribers.csv"
    path.write_text(SUBSCRIBERS, encoding="utf-8")
    return path


def test_an_sbg_fit_values_the_active_customers_and_is_kept(tmp_path: Path) -> None:
    engine = decision_engine(action("pack"))
    summary = engine.values.fit_subscribers(_file(tmp_path), SubscriberColumns(), ValueTerms())
    assert summary["model"] == "sbg" and summary["version"] == 1
    assert summary["customers_fitted"] == 5 and summary["customers_valued"] == 3
    ana = engine.values.of_customer("ana")
    # Residual value = margin × DERL: a positive number of discounted months.
    assert ana.residual_value == pytest.approx(40 * ana.expected_periods)
    assert ana.expected_periods > 1 and ana.model == "sbg@1"
    with pytest.raises(NotFoundError):
        engine.values.of_customer("bea")  # churned: no residual value
    again = engine.values.fit_subscribers(_file(tmp_path), SubscriberColumns(), ValueTerms())
    assert again["version"] == 2 and engine.values.summary()["version"] == 2


def test_bad_terms_name_the_field() -> None:
    with pytest.raises(ValidationError, match="discount"):
        ValueTerms(discount_rate=1.5)
    with pytest.raises(ValidationError, match="horizon"):
        ValueTerms(horizon=0)


def _valued(engine: Engine, customer: str, residual: float, days: float) -> None:
    engine.store.save_customer_values(
        [CustomerValue(customer, residual, days / 30.0, 30.0, "test@1", NOW)]
    )


def test_without_a_measure_l_is_the_catalog_estimate_capped_by_the_residual_value() -> None:
    engine = decision_engine(action("pack"), default_eroded_value=100.0)
    reachable(engine, "ana")
    reachable(engine, "bea")
    _valued(engine, "ana", 40.0, 600.0)
    engine.decisions.eroded._read_at = float("-inf")  # type: ignore[attr-defined]  # see the fit now
    poor = engine.decisions.decide(DecisionRequest("ana", Channel.SMS))
    assert poor.actions[0].scores.eroded_value == pytest.approx(40.0)
    assert poor.as_dict()["lifetime_value"] == {"residual_value": 40.0, "expected_days": 600.0}
    unknown = engine.decisions.decide(DecisionRequest("bea", Channel.SMS))
    assert unknown.actions[0].scores.eroded_value == pytest.approx(100.0)
    assert "lifetime_value" not in unknown.as_dict()


def test_with_a_measure_l_is_the_value_of_contactability_over_the_remaining_life() -> None:
    engine = simulated()  # two campaigns with 30 % per-action controls, answered for 10 days
    measured = engine.measure_contactability(days=12, min_control=20, until=NOW)
    per_day = measured["per_day"]
    assert set(per_day) == {"mass|sms", "premium|sms"}
    # The pack campaign lifts premium responses from 3 % to 30 %: contactability is worth
    # far more per day to a premium customer than the blast is to a mass one.
    assert per_day["premium|sms"] > 5 * per_day["mass|sms"] >= 0
    _valued(engine, "p1", 10_000.0, 300.0)
    engine.decisions.eroded._read_at = float("-inf")  # type: ignore[attr-defined]
    shown = engine.customer_value("p1")
    assert shown["eroded_value"]["sms"] == pytest.approx(per_day["premium|sms"] * 300.0)  # type: ignore[index]
    assert shown["eroded_source"]["sms"] == "lifetime"  # type: ignore[index]
    assert shown["eroded_source"]["email"] == "catalog capped by lifetime value"  # type: ignore[index]
