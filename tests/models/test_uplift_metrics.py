"""Uplift metrics: hand-computed curves, and scikit-uplift's own numbers as the oracle."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from cortesia.errors import ValidationError
from cortesia.models.uplift.metrics import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    random_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
    uplift_scores,
)

# Six customers ranked best first: treated responder, treated non-responder, control
# responder, treated non-responder, control responder, control non-responder.
Y = [1, 0, 1, 0, 1, 0]
T = [1, 1, 0, 1, 0, 0]
RANKED = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1]


def test_qini_curve_counts_extra_responders_with_controls_rescaled() -> None:
    curve = qini_curve(Y, RANKED, T)
    # At n = 5: 1 treated responder of 3 treated, 2 control responders of 2 controls.
    assert curve.x.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert curve.y.tolist() == pytest.approx([0, 1, 1, -1, -2, -2, -1])


def test_uplift_curve_is_the_rate_difference_times_the_people_targeted() -> None:
    curve = uplift_curve(Y, RANKED, T)
    expected = [0, 1, 1, -1.5, -8 / 3, -10 / 3, -2]
    assert curve.y.tolist() == pytest.approx(expected)


def test_tied_predictions_make_one_step_of_the_curve() -> None:
    curve = qini_curve(Y, [1, 1, 1, 0, 0, 0], T)
    assert curve.x.tolist() == [0, 3, 6]


def test_random_reference_joins_the_origin_to_the_curves_end() -> None:
    curve = qini_curve(Y, RANKED, T)
    line = random_curve(curve)
    assert line.x.tolist() == [0, 6] and line.y.tolist() == [0, curve.y[-1]]


def test_the_oracle_ranking_scores_one_and_its_reverse_scores_below_zero() -> None:
    rng = np.random.default_rng(3)
    y, t = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    oracle = y * t - y * (1 - t)
    assert qini_auc_score(y, oracle, t) == pytest.approx(1.0)
    assert qini_auc_score(y, -oracle, t) < 0
    perfect = perfect_uplift_curve(y, t)
    assert uplift_auc_score(y, perfect_order(perfect, y, t), t) == pytest.approx(1.0)


def perfect_order(_: Any, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """scikit-uplift's oracle score for the uplift curve."""
    control_responders = np.sum((y == 1) & (t == 0))
    treated_non = np.sum((y == 0) & (t == 1))
    return 2 * (y == t) + (y if control_responders > treated_non else t)


def test_uplift_at_k_compares_groups_inside_the_top_share() -> None:
    # Top half overall: 1 of 2 treated responded, 1 of 1 control did.
    assert uplift_at_k(Y, RANKED, T, k=0.5) == pytest.approx(0.5 - 1.0)
    # Top 2 of each group: treated 1 of 2, control 2 of 2.
    assert uplift_at_k(Y, RANKED, T, strategy="by_group", k=2) == pytest.approx(-0.5)


def test_perfect_qini_without_negative_effects_rises_straight_to_the_total() -> None:
    curve = perfect_qini_curve(Y, T, negative_effect=False)
    total = 1 - 3 * 2 / 3
    assert curve.y.tolist() == pytest.approx([0, total, total])


@pytest.mark.parametrize(
    ("y", "t", "field"),
    [([0, 2, 1], [0, 1, 1], "outcome"), ([0, 1, 1], [1, 1, 1], "treatment")],
)
def test_bad_inputs_are_refused_with_the_field_named(
    y: list[int], t: list[int], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        qini_auc_score(y, [0.1, 0.2, 0.3], t)
    assert caught.value.problem.field == field


def test_k_outside_its_range_is_refused() -> None:
    for k in (0.0, 1.0, 0, 6):
        with pytest.raises(ValidationError):
            uplift_at_k(Y, RANKED, T, k=k)


def test_scores_bundle_the_three_figures() -> None:
    scores = uplift_scores(Y, RANKED, T)
    assert scores.qini_auc == qini_auc_score(Y, RANKED, T)
    assert scores.auuc == uplift_auc_score(Y, RANKED, T)
    # The top 30 % of six is one treated customer: no control to compare with.
    assert np.isnan(scores.uplift_at_30) and np.isnan(uplift_at_k(Y, RANKED, T, k=0.3))
    assert scores.as_dict()["rows"] == 6


# --- scikit-uplift as the oracle (a development dependency) --------------------------------


def _sklift() -> Any:
    import sklift.metrics

    return sklift.metrics


def _oracle(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        # scikit-uplift 0.5 calls a scikit-learn helper deprecated in 1.8.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*args, **kwargs)


def _sample(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, n)
    score = rng.normal(size=n)
    y = (rng.uniform(size=n) < 0.2 + 0.15 * t * (score > 0)).astype(int)
    # Rounding makes ties, which the curves must treat as scikit-uplift does.
    return y, np.round(score + rng.normal(scale=0.5, size=n), 1), t


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_curves_and_areas_equal_scikit_uplifts(seed: int) -> None:
    sk = _sklift()
    y, score, t = _sample(seed)
    for ours, theirs in ((qini_curve, sk.qini_curve), (uplift_curve, sk.uplift_curve)):
        curve = ours(y, score, t)
        x_ref, y_ref = _oracle(theirs, y, score, t)
        np.testing.assert_allclose(curve.x, x_ref)
        np.testing.assert_allclose(curve.y, y_ref, atol=1e-12)
    total_gain = qini_curve(y, score, t).y[-1]
    # scikit-uplift's curve without negative effects fails when the total gain is negative.
    for negative in (True, False) if total_gain >= 0 else (True,):
        expected = _oracle(sk.qini_auc_score, y, score, t, negative_effect=negative)
        assert qini_auc_score(y, score, t, negative_effect=negative) == pytest.approx(expected)
    assert uplift_auc_score(y, score, t) == pytest.approx(_oracle(sk.uplift_auc_score, y, score, t))


@pytest.mark.parametrize(
    ("strategy", "k"), [("overall", 0.3), ("by_group", 0.3), ("overall", 50), ("by_group", 40)]
)
def test_uplift_at_k_equals_scikit_uplifts(strategy: str, k: float) -> None:
    sk = _sklift()
    for seed in (4, 5):
        y, score, t = _sample(seed)
        expected = _oracle(sk.uplift_at_k, y, score, t, strategy=strategy, k=k)
        assert uplift_at_k(y, score, t, strategy=strategy, k=k) == pytest.approx(expected)  # type: ignore[arg-type]
