"""Uplift learners recover a known effect: persuadables where it is positive, sleeping dogs
where it is negative, nothing where there is none."""

from __future__ import annotations

import numpy as np
import pytest

from cortesia.errors import ValidationError
from cortesia.models.uplift.encoding import ColumnEncoder
from cortesia.models.uplift.learners import LEARNERS, XLearner, make_learner
from cortesia.models.uplift.metrics import qini_auc_score

N = 8000
BASE = 0.2


def true_uplift(x0: np.ndarray, plan: np.ndarray) -> np.ndarray:
    """+0.3 for x0 > 0.5 on the gold plan, −0.15 for x0 < 0.3, none elsewhere."""
    return np.where((x0 > 0.5) & (plan == "gold"), 0.3, np.where(x0 < 0.3, -0.15, 0.0))


def synthetic(
    seed: int, n: int = N
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    columns = {
        "x0": rng.uniform(size=n),
        "noise": rng.normal(size=n),
        "plan": rng.choice(np.array(["gold", "basic", "prepaid"], dtype=object), size=n),
    }
    effect = true_uplift(columns["x0"], columns["plan"])
    treatment = rng.integers(0, 2, n)
    y = rng.uniform(size=n) < BASE + 0.1 * columns["noise"].clip(-1, 1) + effect * treatment
    return columns, treatment, y.astype(int), effect


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, ColumnEncoder]:
    columns, treatment, y, _ = synthetic(seed=7)
    test_columns, _, _, effect = synthetic(seed=8, n=3000)
    encoder = ColumnEncoder().fit(columns)
    return (
        encoder.transform_columns(columns),
        treatment,
        y,
        encoder.transform_columns(test_columns),
        effect,
        encoder,
    )


@pytest.mark.parametrize("method", sorted(LEARNERS))
def test_each_learner_recovers_the_known_uplift(method: str, data: tuple) -> None:
    X, t, y, X_test, effect, encoder = data
    learner = make_learner(method, seed=1, categorical=encoder.categorical_mask_)
    uplift = learner.fit(X, y, treatment=t).predict(X_test)
    assert np.corrcoef(uplift, effect)[0, 1] > 0.75
    # One model for both groups shrinks the effect towards zero: the S-learner's known bias.
    tolerance = 0.1 if method == "s" else 0.07
    for level in (0.3, -0.15, 0.0):
        assert uplift[effect == level].mean() == pytest.approx(level, abs=tolerance)


@pytest.mark.parametrize("method", sorted(LEARNERS))
def test_a_seed_gives_the_same_model_every_time(method: str, data: tuple) -> None:
    X, t, y, X_test, _, encoder = data
    first = make_learner(method, seed=3, categorical=encoder.categorical_mask_)
    again = make_learner(method, seed=3, categorical=encoder.categorical_mask_)
    first_uplift = first.fit(X[:3000], y[:3000], treatment=t[:3000]).predict(X_test)
    again_uplift = again.fit(X[:3000], y[:3000], treatment=t[:3000]).predict(X_test)
    np.testing.assert_array_equal(first_uplift, again_uplift)


@pytest.mark.parametrize("method", sorted(LEARNERS))
def test_outcomes_are_probabilities_that_agree_with_the_uplift(method: str, data: tuple) -> None:
    X, t, y, X_test, _, encoder = data
    learner = make_learner(method, seed=1, categorical=encoder.categorical_mask_)
    learner.fit(X[:4000], y[:4000], treatment=t[:4000])
    p_treated, p_control = learner.predict_outcomes(X_test)
    assert ((p_treated >= 0) & (p_treated <= 1) & (p_control >= 0) & (p_control <= 1)).all()
    inside = (p_treated > 0) & (p_treated < 1)
    np.testing.assert_allclose((p_treated - p_control)[inside], learner.predict(X_test)[inside])


def test_a_ranking_by_learned_uplift_has_a_clearly_positive_qini(data: tuple) -> None:
    X, t, y, _, _, encoder = data
    columns, t_test, y_test, _ = synthetic(seed=9, n=4000)
    learner = make_learner("t", seed=1, categorical=encoder.categorical_mask_).fit(
        X, y, treatment=t
    )
    uplift = learner.predict(encoder.transform_columns(columns))
    # Outcomes are noisy: even the true effect ranks them to a Qini of about 0.22.
    best = qini_auc_score(y_test, true_uplift(columns["x0"], columns["plan"]), t_test)
    assert qini_auc_score(y_test, uplift, t_test) > 0.75 * best
    assert qini_auc_score(y_test, -uplift, t_test) < 0


def test_the_x_learner_blends_by_the_share_of_treated_unless_told(data: tuple) -> None:
    X, t, y, *_ = data
    assert XLearner(seed=1).fit(
        X[:2000], y[:2000], treatment=t[:2000]
    ).propensity_ == pytest.approx(t[:2000].mean())
    assert (
        XLearner(propensity=0.8, seed=1).fit(X[:2000], y[:2000], treatment=t[:2000]).propensity_
        == 0.8
    )
    with pytest.raises(ValidationError):
        XLearner(propensity=1.0).fit(X[:2000], y[:2000], treatment=t[:2000])


@pytest.mark.parametrize(
    ("y", "t", "field"),
    [
        ([0, 1, 2, 1], [0, 1, 0, 1], "y"),
        ([0, 1, 0, 1], [1, 1, 1, 1], "treatment"),
        ([0, 1, 0, 1], [0, 1, 3, 1], "treatment"),
    ],
)
def test_bad_training_data_is_refused(y: list[int], t: list[int], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_learner("t").fit(np.zeros((4, 1)), y, treatment=t)
    assert caught.value.problem.field == field


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValidationError, match="use one of t, x, class, s"):
        make_learner("forest")
