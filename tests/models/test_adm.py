"""The ADM-style baseline: binned evidence an analyst can read, and honest scores."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from cortesia.errors import ValidationError
from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.binning import NumericBinning, SymbolicBinning


def _stream(n: int, seed: int) -> list[tuple[dict[str, object], bool]]:
    rng = np.random.default_rng(seed)
    out: list[tuple[dict[str, object], bool]] = []
    for _ in range(n):
        age = int(rng.integers(18, 90))
        plan = ["basic", "gold", "platinum"][int(rng.integers(3))]
        noise = float(rng.normal())
        rate = (0.05 if age < 40 else 0.3) * (2.0 if plan == "gold" else 1.0)
        out.append(({"age": age, "plan": plan, "noise": noise}, bool(rng.random() < rate)))
    return out


def _fitted(n: int = 4000, seed: int = 1) -> AdaptiveNaiveBayes:
    model = AdaptiveNaiveBayes(grace=50, min_bin_evidence=50, seed=seed)
    for x, y in _stream(n, seed):
        model.learn_one(x, y)
    return model


def test_informative_predictors_rank_above_noise_and_noise_stays_out() -> None:
    report = {p.name: p for p in _fitted().predictors()}
    assert report["age"].auc > report["plan"].auc > report["noise"].auc
    assert report["age"].active and report["plan"].active
    assert report["noise"].auc < 0.56


def test_every_bin_holds_evidence_that_adds_up_to_the_model_s() -> None:
    model = _fitted()
    for predictor in model.predictors():
        assert sum(b.positives for b in predictor.bins) == model.positives
        assert sum(b.positives + b.negatives for b in predictor.bins) == model.n_seen


def test_numeric_bins_split_where_the_rate_changes() -> None:
    age = next(p for p in _fitted().predictors() if p.name == "age")
    young = next(b for b in age.bins if b.label.startswith("<"))
    old = next(b for b in age.bins if b.label.startswith(">="))
    assert old.log_odds > young.log_odds + 1.0
    assert 3 <= len(age.bins) - 1 <= 20


def test_the_model_auc_is_the_progressive_auc_of_its_own_predictions() -> None:
    model = AdaptiveNaiveBayes(grace=50, min_bin_evidence=50)
    predictions, outcomes = [], []
    for x, y in _stream(3000, seed=2):
        predictions.append(model.predict_proba_one(x))
        outcomes.append(y)
        model.learn_one(x, y)
    assert model.auc == pytest.approx(roc_auc_score(outcomes, predictions), abs=0.005)
    assert model.auc > 0.65


def test_uncertainty_shrinks_as_evidence_grows() -> None:
    model = AdaptiveNaiveBayes(grace=50)
    x = {"age": 60, "plan": "gold"}
    widths = []
    stream = _stream(4000, seed=3)
    for checkpoint in (0, 100, 4000):
        for row, y in stream[model.n_seen : checkpoint]:
            model.learn_one(row, y)
        low, high = model.proba_interval(x)
        widths.append(high - low)
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] < widths[0] / 5


def test_a_new_model_scores_its_prior_rate() -> None:
    model = AdaptiveNaiveBayes(prior_rate=0.05, prior_variance=1e-4)
    assert model.predict_proba_one({"age": 30}) == pytest.approx(0.05, rel=1e-3)


def test_symbolic_values_get_own_bins_once_frequent_and_share_a_residual_before() -> None:
    binning = SymbolicBinning(min_bin_evidence=5)
    for value in ["a"] * 6 + ["b"] * 2 + [None] * 3:
        binning.learn(value, value == "a")
    binning.rebuild()
    bins = {b.label: (b.positives, b.negatives) for b in binning.bins()}
    assert bins == {"Residual": (0, 2), "a": (6, 0), "MISSING": (0, 3)}


def test_values_beyond_the_symbolic_cap_fall_in_the_residual_bin() -> None:
    binning = SymbolicBinning(min_bin_evidence=1, max_values=2)
    for value in ["a", "b", "c", "c"]:
        binning.learn(value, True)
    binning.rebuild()
    assert [(b.label, b.positives) for b in binning.bins()] == [
        ("Residual", 2),
        ("a", 1),
        ("b", 1),
        ("MISSING", 0),
    ]


def test_a_value_holding_most_of_the_evidence_gets_a_bin_of_its_own() -> None:
    binning = NumericBinning(max_bins=10, min_bin_evidence=10)
    for i in range(1000):
        binning.learn(999.0 if i % 20 else float(i % 7), i % 20 == 0)
    binning.rebuild()
    assert binning.bins()[-2].label == ">= 502.5"
    assert binning.bins()[-2].positives == 0


def test_numeric_bins_follow_values_that_drift() -> None:
    binning = NumericBinning(max_bins=4, min_bin_evidence=10, fine_bins=16)
    for i in range(400):
        binning.learn(i / 400, False)
    for i in range(4000):
        binning.learn(100 + i / 4000, i % 2 == 0)
    binning.rebuild()
    edges = [b.label for b in binning.bins()]
    assert sum(label.startswith("[10") for label in edges) >= 2, edges


def test_a_numeric_predictor_refuses_a_symbolic_value() -> None:
    model = AdaptiveNaiveBayes()
    model.learn_one({"age": 30}, True)
    with pytest.raises(ValidationError, match="numeric"):
        model.learn_one({"age": "thirty"}, True)


@pytest.mark.parametrize("argument", ["max_bins", "min_bin_evidence", "grace", "rebuild_every"])
def test_bad_hyper_parameters_are_refused(argument: str) -> None:
    with pytest.raises(ValidationError, match=argument):
        AdaptiveNaiveBayes(**{argument: 0})


_rows = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "age": st.one_of(st.none(), st.integers(0, 100), st.floats(-10, 200)),
            "plan": st.one_of(st.none(), st.sampled_from(["basic", "gold", "new"])),
        },
    ),
    max_size=20,
)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(score=_rows, seed=st.integers(0, 3))
def test_rows_scored_together_equal_rows_scored_one_by_one(
    score: list[dict[str, object]], seed: int
) -> None:
    model = AdaptiveNaiveBayes(grace=20, min_bin_evidence=10)
    for x, y in _stream(200, seed):
        model.learn_one(x, y)
    together = model.predict_proba_many(score)
    np.testing.assert_allclose(together, [model.predict_proba_one(x) for x in score], atol=1e-12)
