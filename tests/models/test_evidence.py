"""Binned evidence kept beside a model: counts that add up, bins cut when read, and the same
datamart rows as an ADM model's."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
import pytest

from cortesia.errors import ValidationError
from cortesia.models.adm_export import ModelEvidence, ModelIdentity, predictor_binning
from cortesia.models.evidence import (
    BinnedEvidence,
    ScoreBin,
    logit_bucket,
    merge_score_bins,
    score_bins,
)

WHEN = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
PACK = ModelIdentity("sales", "data", "pack", "sms", "outbound", "Cortesia_Adaptive")


def _fed(n: int = 2000, seed: int = 0) -> BinnedEvidence:
    rng = np.random.default_rng(seed)
    evidence = BinnedEvidence(ignore=("channel",))
    for _ in range(n):
        age = int(rng.integers(18, 90))
        plan = ["basic", "gold", "rare"][int(rng.choice(3, p=[0.6, 0.39, 0.01]))]
        y = bool(rng.random() < (0.05 if age < 40 else 0.3))
        x = {"age": age, "plan": plan, "channel": "sms", "country": "CO"}
        x["noise"] = float(rng.normal())
        evidence.learn(x, y, 0.05 if age < 40 else 0.3)
    return evidence


@pytest.fixture(scope="module")
def evidence() -> BinnedEvidence:
    return _fed()


def test_every_predictors_bins_add_up_to_every_outcome(evidence: BinnedEvidence) -> None:
    reports = evidence.predictors()
    assert [p.name for p in reports] == ["age", "country", "noise", "plan"]  # not "channel"
    for report in reports:
        assert sum(b.positives + b.negatives for b in report.bins) == evidence.n_seen == 2000
        assert sum(b.positives for b in report.bins) == evidence.positives
        assert report.bins[-1].label == "MISSING"


def test_a_predictor_is_active_once_its_bins_separate_outcomes(evidence: BinnedEvidence) -> None:
    found = {p.name: p for p in evidence.predictors()}
    assert found["age"].active and found["age"].auc > 0.65
    assert found["age"].auc > found["noise"].auc + 0.08
    assert not found["country"].active and found["country"].auc == 0.5  # one value: no signal
    assert 3 <= len(found["age"].bins) - 1 <= 10  # at most max_bins intervals
    assert [b.label for b in found["plan"].bins] == ["Residual", "basic", "gold", "MISSING"]


def test_reading_the_bins_changes_nothing(evidence: BinnedEvidence) -> None:
    before = pickle.dumps(evidence)
    first = evidence.predictors()
    assert evidence.predictors() == first
    assert pickle.dumps(evidence) == before


def test_outcomes_before_a_predictor_appeared_count_as_missing() -> None:
    evidence = BinnedEvidence(min_bin_evidence=1)
    evidence.learn({"plan": "gold"}, True, 0.5)
    evidence.learn({"plan": "gold"}, False, 0.5)
    evidence.learn({"plan": "gold", "age": 30}, True, 0.5)
    evidence.learn({"plan": None, "age": None}, False, 0.5)
    age = {p.name: p for p in evidence.predictors()}["age"]
    assert [(b.positives, b.negatives) for b in age.bins] == [(1, 0), (1, 2)]
    plan = {p.name: p for p in evidence.predictors()}["plan"]
    assert (plan.bins[-1].positives, plan.bins[-1].negatives) == (0, 1)


def test_text_where_numbers_were_seen_counts_as_missing() -> None:
    evidence = BinnedEvidence(min_bin_evidence=1)
    evidence.learn({"age": 30}, True, 0.5)
    evidence.learn({"age": "thirty"}, False, 0.5)
    [age] = evidence.predictors()
    assert (age.kind, age.bins[-1].negatives, age.bins[-1].positives) == ("numeric", 1, 0)


def test_the_score_histogram_keeps_every_outcome_in_propensity_order(
    evidence: BinnedEvidence,
) -> None:
    bins = evidence.score_bins()
    assert [round(b.lower, 2) for b in bins] == [0.05, 0.3]
    assert sum(b.positives + b.negatives for b in bins) == evidence.n_seen
    assert bins[0].lower < 0.05 < bins[0].upper <= bins[1].lower < 0.3 < bins[1].upper


def test_buckets_cover_the_logit_range_and_clip_its_ends() -> None:
    assert [logit_bucket(p, 400) for p in (0.0, 1e-9, 0.5, 1 - 1e-9, 1.0)] == [0, 0, 200, 399, 399]
    found = score_bins([1, 0, 0, 2], [0, 0, 1, 0])
    assert [(b.positives, b.negatives) for b in found] == [(1, 0), (0, 1), (2, 0)]
    assert found[0].lower == pytest.approx(1 / (1 + np.exp(10.0)))
    assert found[-1].upper == pytest.approx(1 / (1 + np.exp(-10.0)))


def test_merged_score_bins_keep_every_outcome_within_the_limit() -> None:
    bins = [ScoreBin(i / 50, (i + 1) / 50, i % 3, 5) for i in range(50)]
    for limit in (1, 4, 20, 60):
        merged = merge_score_bins(bins, limit)
        assert 1 <= len(merged) <= min(limit, 50)
        assert sum(b.positives for b in merged) == sum(b.positives for b in bins)
        assert merged[0].lower == 0.0 and merged[-1].upper == 1.0
        assert all(a.upper == b.lower for a, b in pairwise(merged))


def test_the_evidence_exports_as_datamart_rows(evidence: BinnedEvidence) -> None:
    exported = ModelEvidence(
        "BayesianLogistic",
        evidence.positives,
        evidence.n_seen,
        0.71,
        evidence.predictors(),
        evidence.score_bins(),
    )
    rows = predictor_binning([(PACK, exported)], WHEN)
    plan = [r for r in rows if r["pyPredictorName"] == "plan"]
    assert [r["pyBinSymbol"] for r in plan] == ["Remaining symbols", "basic", "gold", "MISSING"]
    classifier = [r for r in rows if r["pyEntryType"] == "Classifier"]
    assert [r["pyBinResponseCount"] for r in classifier] == [
        float(b.positives + b.negatives) for b in evidence.score_bins()
    ]
    assert {r["pyPerformance"] for r in classifier} == {0.71}


@pytest.mark.parametrize("name", ["max_bins", "min_bin_evidence"])
def test_bin_limits_must_be_positive(name: str) -> None:
    with pytest.raises(ValidationError, match=name):
        BinnedEvidence(**{name: 0})  # type: ignore[arg-type]


def _rows(n: int, seed: int) -> list[tuple[dict[str, object], bool, float]]:
    """Discrete values (exactly summarised), a predictor that appears half-way, text in a
    numeric column, missing values, and a bool among numbers."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[dict[str, object], bool, float]] = []
    for r in range(n):
        x: dict[str, object] = {"plan": ["basic", "gold", None][int(rng.integers(3))]}
        x["age"] = [int(rng.integers(18, 60)), None, "thirty", True][
            int(rng.choice(4, p=[0.85, 0.05, 0.05, 0.05]))
        ]
        if r >= n // 2:
            x["tenure"] = float(rng.integers(0, 20))
        rows.append((x, bool(rng.random() < 0.3), float(rng.uniform(0.01, 0.99))))
    return rows


def _view(evidence: BinnedEvidence) -> object:
    return (
        evidence.n_seen,
        evidence.positives,
        [
            (p.name, p.kind, [(b.label, b.positives, b.negatives) for b in p.bins])
            for p in evidence.predictors()
        ],
        evidence.score_bins(),
    )


@pytest.mark.parametrize("batch", [1, 7, 500])
def test_a_batch_counts_what_one_by_one_counts(batch: int) -> None:
    rows = _rows(600, seed=batch)
    one_by_one, batched = BinnedEvidence(min_bin_evidence=5), BinnedEvidence(min_bin_evidence=5)
    for x, y, score in rows:
        one_by_one.learn(x, y, score)
    for start in range(0, len(rows), batch):
        batched.learn_many(rows[start : start + batch])
    assert _view(batched) == _view(one_by_one)
    tenure = {p.name: p for p in batched.predictors()}["tenure"]
    assert sum(b.positives + b.negatives for b in tenure.bins) == 600  # the first half MISSING
