"""ADM-style models as Pega ADM datamart rows: names, types, and evidence that adds up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.errors import ValidationError
from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.adm_export import (
    MODEL_COLUMNS,
    PREDICTOR_COLUMNS,
    ModelIdentity,
    Row,
    as_columns,
    model_snapshot,
    pega_timestamp,
    predictor_binning,
)

WHEN = datetime(2026, 11, 24, 6, 7, 8, 250_000, tzinfo=UTC)
GOLD = ModelIdentity("Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click")
SILVER = ModelIdentity("Sales", "Cards", "SilverCard", "Email", "Outbound", "Email_Open")


def _trained(n: int = 3000, seed: int = 1) -> AdaptiveNaiveBayes:
    rng = np.random.default_rng(seed)
    model = AdaptiveNaiveBayes(grace=50, min_bin_evidence=50, seed=seed)
    for _ in range(n):
        age = int(rng.integers(18, 90))
        plan = ["basic", "gold", "platinum", "rare"][int(rng.choice(4, p=[0.4, 0.3, 0.29, 0.01]))]
        rate = (0.05 if age < 40 else 0.3) * (2.0 if plan == "gold" else 1.0)
        x = {"Customer.Age": age, "Customer.Plan": plan, "noise": float(rng.normal())}
        model.learn_one(x, bool(rng.random() < rate))
    return model


@pytest.fixture(scope="module")
def model() -> AdaptiveNaiveBayes:
    return _trained()


@pytest.fixture(scope="module")
def rows(model: AdaptiveNaiveBayes) -> list[Row]:
    return predictor_binning([(GOLD, model)], WHEN)


def _of(rows: list[Row], predictor: str) -> list[Row]:
    return [r for r in rows if r["pyPredictorName"] == predictor]


def _has_type(value: object, kind: type) -> bool:
    return value is None or type(value) is kind


def test_a_model_row_has_the_datamart_columns_and_its_context(model: AdaptiveNaiveBayes) -> None:
    [row] = model_snapshot([(GOLD, model)], WHEN)
    assert list(row) == list(MODEL_COLUMNS)
    assert all(_has_type(row[name], kind) for name, kind in MODEL_COLUMNS.items())
    context = ("pyIssue", "pyGroup", "pyName", "pyChannel", "pyDirection", "pyConfigurationName")
    assert tuple(row[c] for c in context) == (
        "Sales",
        "Cards",
        "GoldCard",
        "Web",
        "Inbound",
        "Web_Click",
    )
    assert row["pyModelID"] == GOLD.model_id
    assert row["pyModelTechnique"] == "NaiveBayes"
    assert row["pySnapshotTime"] == "20261124T060708.250 GMT"


def test_model_counts_add_up_and_the_auc_is_the_models(model: AdaptiveNaiveBayes) -> None:
    [row] = model_snapshot([(GOLD, model)], WHEN)
    assert row["pyPositives"] == model.positives
    assert row["pyPositives"] + row["pyNegatives"] == row["pyResponseCount"] == model.n_seen  # type: ignore[operator]
    assert row["pySuccessRate"] == pytest.approx(model.positives / model.n_seen)
    assert row["pyPerformance"] == model.auc
    assert 0.6 < model.auc <= 1.0
    predictors = model.predictors()
    assert row["pyTotalPredictors"] == len(predictors) == 3
    assert row["pyActivePredictors"] == sum(p.active for p in predictors)


def test_every_bin_row_has_the_datamart_columns_and_types(rows: list[Row]) -> None:
    assert all(list(r) == list(PREDICTOR_COLUMNS) for r in rows)
    for name, kind in PREDICTOR_COLUMNS.items():
        assert all(_has_type(r[name], kind) for r in rows), name
    assert {r["pyModelID"] for r in rows} == {GOLD.model_id}
    assert {r["pySnapshotTime"] for r in rows} == {"20261124T060708.250 GMT"}


def test_one_row_per_bin_in_the_models_order_with_its_counts(
    model: AdaptiveNaiveBayes, rows: list[Row]
) -> None:
    for report in model.predictors():
        mine = _of(rows, report.name)
        assert [r["pyBinIndex"] for r in mine] == list(range(1, len(report.bins) + 1))
        assert [(r["pyBinPositives"], r["pyBinNegatives"]) for r in mine] == [
            (b.positives, b.negatives) for b in report.bins
        ]
        assert {r["pyTotalBins"] for r in mine} == {len(report.bins)}
        assert {r["pyPerformance"] for r in mine} == {report.auc}
        assert {r["pyEntryType"] for r in mine} == {"Active" if report.active else "Inactive"}
        assert {r["pyType"] for r in mine} == {report.kind}


def test_each_predictors_bins_add_up_to_every_outcome(
    model: AdaptiveNaiveBayes, rows: list[Row]
) -> None:
    for name in ("Customer.Age", "Customer.Plan", "noise"):
        mine = _of(rows, name)
        assert sum(r["pyBinResponseCount"] for r in mine) == model.n_seen  # type: ignore[misc]
        assert sum(r["pyBinPositives"] for r in mine) == mine[0]["pyPositives"]  # type: ignore[misc]
        assert mine[0]["pyPositives"] == model.positives
        assert all(
            r["pyBinPositives"] + r["pyBinNegatives"] == r["pyBinResponseCount"]  # type: ignore[operator]
            for r in mine
        )


def test_numeric_bins_are_ordered_intervals_then_missing(rows: list[Row]) -> None:
    age = _of(rows, "Customer.Age")
    *intervals, missing = age
    assert len(intervals) > 3
    assert (missing["pyBinType"], missing["pyBinSymbol"]) == ("MISSING", "MISSING")
    assert {r["pyBinType"] for r in intervals} == {"EQUIBEHAVIOR"}
    assert intervals[0]["pyBinLowerBound"] is None and intervals[-1]["pyBinUpperBound"] is None
    for left, right in pairwise(intervals):
        assert left["pyBinUpperBound"] == right["pyBinLowerBound"]
    inner = [r["pyBinLowerBound"] for r in intervals[1:]]
    assert inner == sorted(inner)  # type: ignore[type-var]
    assert str(intervals[0]["pyBinSymbol"]).startswith("<")
    assert str(intervals[1]["pyBinSymbol"]).startswith("[")
    assert str(intervals[-1]["pyBinSymbol"]).startswith("≥")


def test_symbolic_bins_are_residual_values_then_missing(rows: list[Row]) -> None:
    plan = _of(rows, "Customer.Plan")
    assert [(r["pyBinSymbol"], r["pyBinType"]) for r in plan] == [
        ("Remaining symbols", "RESIDUAL"),
        ("basic", "EQUIBEHAVIOR"),
        ("gold", "EQUIBEHAVIOR"),
        ("platinum", "EQUIBEHAVIOR"),
        ("MISSING", "MISSING"),
    ]
    assert plan[0]["pyBinResponseCount"] == pytest.approx(30, abs=20)  # the rare plan
    assert all(r["pyBinLowerBound"] is None is r["pyBinUpperBound"] for r in plan)


def test_lift_averages_to_one_over_the_responses(rows: list[Row]) -> None:
    age = _of(rows, "Customer.Age")
    filled = [r for r in age if r["pyBinResponseCount"]]
    weighted = sum(r["pyLift"] * r["pyBinResponseCount"] for r in filled)  # type: ignore[operator]
    assert weighted / age[0]["pyResponseCount"] == pytest.approx(1.0)  # type: ignore[operator]
    assert [r["pyLift"] for r in age if not r["pyBinResponseCount"]] == [None]  # MISSING


def test_classifier_rows_hold_the_score_distribution(
    model: AdaptiveNaiveBayes, rows: list[Row]
) -> None:
    classifier = _of(rows, "Classifier")
    assert rows[-len(classifier) :] == classifier
    assert 5 <= len(classifier) <= 20
    assert {r["pyEntryType"] for r in classifier} == {"Classifier"}
    assert [r["pyBinIndex"] for r in classifier] == list(range(1, len(classifier) + 1))
    assert sum(r["pyBinPositives"] for r in classifier) == model.positives  # type: ignore[misc]
    assert sum(r["pyBinResponseCount"] for r in classifier) == model.n_seen  # type: ignore[misc]
    assert {r["pyPerformance"] for r in classifier} == {model.auc}
    lows = [float(str(r["pyBinSymbol"])[1:].split(",")[0]) for r in classifier]
    assert lows == sorted(lows) and 0.0 < lows[0] < lows[-1] < 1.0
    rates = [r["pyBinPositives"] / r["pyBinResponseCount"] for r in classifier]  # type: ignore[operator]
    assert rates[-1] > rates[0]  # a useful model: higher propensity, more positives


def test_an_untrained_model_has_one_empty_classifier_bin() -> None:
    [row] = model_snapshot([(GOLD, AdaptiveNaiveBayes())], WHEN)
    assert (row["pyResponseCount"], row["pySuccessRate"], row["pyTotalPredictors"]) == (0.0, 0.0, 0)
    [classifier] = predictor_binning([(GOLD, AdaptiveNaiveBayes())], WHEN)
    assert classifier["pyBinSymbol"] == "NON-MISSING"
    assert classifier["pyBinResponseCount"] == 0.0 and classifier["pyLift"] is None


def test_many_models_export_together_under_distinct_stable_ids(model: AdaptiveNaiveBayes) -> None:
    pairs = [(GOLD, model), (SILVER, _trained(500, seed=2))]
    models = model_snapshot(pairs, WHEN)
    assert [m["pyName"] for m in models] == ["GoldCard", "SilverCard"]
    assert GOLD.model_id != SILVER.model_id
    again = ModelIdentity("Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click")
    assert GOLD.model_id == again.model_id
    rows = predictor_binning(pairs, WHEN)
    assert {r["pyModelID"] for r in rows} == {GOLD.model_id, SILVER.model_id}
    assert len([r for r in rows if r["pyPredictorName"] == "Classifier"]) > 2


def test_the_export_is_deterministic(model: AdaptiveNaiveBayes) -> None:
    assert predictor_binning([(GOLD, model)], WHEN) == predictor_binning([(GOLD, model)], WHEN)


def test_snapshot_times_are_written_in_utc_as_pega_does() -> None:
    madrid = datetime(2026, 7, 1, 2, 30, tzinfo=timezone(timedelta(hours=2)))
    assert pega_timestamp(madrid) == "20260701T003000.000 GMT"


def test_a_naive_snapshot_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        model_snapshot([(GOLD, AdaptiveNaiveBayes())], datetime(2026, 1, 1))


def test_classifier_bins_must_be_positive(model: AdaptiveNaiveBayes) -> None:
    with pytest.raises(ValidationError, match="classifier_bins"):
        predictor_binning([(GOLD, model)], WHEN, classifier_bins=0)


def test_rows_turn_into_columns_in_the_datamart_order(rows: list[Row]) -> None:
    columns = as_columns(rows, PREDICTOR_COLUMNS)
    assert list(columns) == list(PREDICTOR_COLUMNS)
    assert all(len(values) == len(rows) for values in columns.values())


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    n=st.integers(min_value=1, max_value=400),
    seed=st.integers(min_value=0, max_value=10_000),
    bins=st.integers(min_value=1, max_value=30),
)
def test_classifier_bins_never_exceed_the_limit_and_keep_every_outcome(
    n: int, seed: int, bins: int
) -> None:
    model = AdaptiveNaiveBayes(grace=20, min_bin_evidence=10, seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(n):
        value = float(rng.normal())
        model.learn_one({"v": value}, bool(rng.random() < 0.2 + 0.2 * (value > 0)))
    classifier = _of(predictor_binning([(GOLD, model)], WHEN, classifier_bins=bins), "Classifier")
    assert 1 <= len(classifier) <= bins
    assert sum(r["pyBinResponseCount"] for r in classifier) == n  # type: ignore[misc]
    assert sum(r["pyBinPositives"] for r in classifier) == model.positives  # type: ignore[misc]
