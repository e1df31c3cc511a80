"""Uplift learners: how much a treatment changes each customer's chance to respond.

Each learner estimates τ(x) = P(y = 1 | x, treated) − P(y = 1 | x, control) from a
randomised test (or any test whose propensity of treatment is known) and follows
scikit-learn's contract: the constructor stores, ``fit(X, y, *, treatment)`` learns and
returns the learner, ``predict(X)`` gives the uplift. ``treatment`` is keyword-only
because it and ``y`` are both 0/1 arrays: swapped by position they would train silently
on the wrong question.

- :class:`TLearner` — two response models, one per group; τ = μ₁(x) − μ₀(x).
- :class:`XLearner` (Künzel et al. 2019) — the T-learner's models impute each person's
  effect (treated: y − μ₀(x); controls: μ₁(x) − y), two regressors learn those effects,
  and their predictions are blended by the propensity e: τ = e·τ₀(x) + (1 − e)·τ₁(x).
  In a randomised test e is the constant share of treated (the default).
- :class:`ClassTransformation` (Jaskowski & Jaroszewicz 2012) — one classifier for
  z = 1 when (treated and responded) or (control and did not); with equal groups
  τ = 2·P(z = 1 | x) − 1. Unequal groups are reweighted to equal size (``balance``).
- :class:`SLearner` — one response model with the treatment as a feature;
  τ = μ(x, 1) − μ(x, 0).

Every learner also gives ``predict_outcomes(X) -> (p_treated, p_control)`` for the
quadrants: P(y | control) from a control-group response model and
p_treated = clip(p_control + τ, 0, 1), so the quadrant always agrees with the uplift.

Base learners are scikit-learn's histogram gradient boosting (fast on 10⁵ rows, native
categories and missing values, deterministic for a seed). They are written here rather
than taken from scikit-uplift (which fails inside scikit-learn 1.9 pipelines and has no
X-learner or propensity) or causalml (about 1.2 GB installed): each is a few lines over
scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from cortesia.errors import ValidationError

Floats = NDArray[np.float64]

# Uplift is a small difference between two noisy rates: shallow, slow, well-regularised
# trees rank it best (on Hillstrom, deeper trees fit the noise and lose Qini).
BOOSTING: dict[str, Any] = {
    "learning_rate": 0.05,
    "max_iter": 150,
    "max_leaf_nodes": 8,
    "min_samples_leaf": 200,
    "l2_regularization": 1.0,
    "early_stopping": False,  # a validation split per fit would make results depend on it
}


def default_classifier(seed: int, categorical: NDArray[np.bool_] | None = None) -> Any:
    """The base classifier: histogram gradient boosting, seeded."""
    return HistGradientBoostingClassifier(
        **BOOSTING, random_state=seed, categorical_features=_categories(categorical)
    )


def default_regressor(seed: int, categorical: NDArray[np.bool_] | None = None) -> Any:
    """The base regressor (for the X-learner's effects), seeded."""
    return HistGradientBoostingRegressor(
        **BOOSTING, random_state=seed, categorical_features=_categories(categorical)
    )


def _categories(mask: NDArray[np.bool_] | None) -> NDArray[np.bool_] | None:
    return mask if mask is not None and mask.any() else None


def _arrays(
    X: ArrayLike, y: ArrayLike, treatment: ArrayLike
) -> tuple[Floats, NDArray[np.int64], NDArray[np.bool_]]:
    matrix = np.asarray(X, dtype=np.float64)
    outcome, treated = np.asarray(y), np.asarray(treatment)
    if matrix.ndim != 2 or not (len(matrix) == len(outcome) == len(treated)):
        raise ValidationError("X", matrix.shape, "must be a matrix with one row per outcome")
    for name, values in (("y", outcome), ("treatment", treated)):
        if not np.isin(np.unique(values), (0, 1)).all():
            raise ValidationError(name, np.unique(values)[:5].tolist(), "must hold only 0 and 1")
    treated = treated.astype(bool)
    if treated.all() or not treated.any():
        raise ValidationError("treatment", int(treated[0]), "needs both treated and control rows")
    return matrix, outcome.astype(np.int64), treated


def _positive(model: Any, X: Floats) -> Floats:
    """P(class 1) of a fitted classifier; a group where everyone answered alike is constant."""
    classes = list(model.classes_)
    if len(classes) == 1:
        return np.full(len(X), float(classes[0]))
    return np.asarray(model.predict_proba(X)[:, classes.index(1)], dtype=np.float64)


class UpliftLearner:
    """What every learner shares: base learners, seed, and the control-group response model."""

    def __init__(
        self,
        classifier: Any = None,
        *,
        seed: int = 0,
        categorical: NDArray[np.bool_] | None = None,
    ) -> None:
        self.classifier = classifier
        self.seed = seed
        self.categorical = categorical

    def _new_classifier(self) -> Any:
        if self.classifier is None:
            return default_classifier(self.seed, self.categorical)
        return clone(self.classifier)

    def _fit_control(self, X: Floats, y: NDArray[np.int64], treated: NDArray[np.bool_]) -> None:
        self.control_model_ = self._new_classifier().fit(X[~treated], y[~treated])

    def fit(self, X: ArrayLike, y: ArrayLike, *, treatment: ArrayLike) -> UpliftLearner:
        """Learn from outcomes ``y`` of the rows of ``X``, treated where ``treatment`` is 1."""
        raise NotImplementedError

    def predict(self, X: ArrayLike) -> Floats:
        """The uplift τ(x) of each row."""
        raise NotImplementedError

    def predict_outcomes(self, X: ArrayLike) -> tuple[Floats, Floats]:
        """(P(y | x, treated), P(y | x, control)) of each row, consistent with ``predict``."""
        matrix = np.asarray(X, dtype=np.float64)
        control = _positive(self.control_model_, matrix)
        return np.clip(control + self.predict(matrix), 0.0, 1.0), control


class TLearner(UpliftLearner):
    """Two response models, one fitted on each group; uplift is their difference.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(4000, 1)); t = rng.integers(0, 2, 4000)
    >>> y = (rng.uniform(size=4000) < 0.2 + 0.4 * t * (X[:, 0] > 0.5)).astype(int)
    >>> uplift = TLearner(seed=1).fit(X, y, treatment=t).predict([[0.2], [0.8]])
    >>> bool(uplift[1] - uplift[0] > 0.25)
    True
    """

    def fit(self, X: ArrayLike, y: ArrayLike, *, treatment: ArrayLike) -> TLearner:
        """Fit μ₁ on the treated rows and μ₀ on the control rows."""
        matrix, outcome, treated = _arrays(X, y, treatment)
        self.treated_model_ = self._new_classifier().fit(matrix[treated], outcome[treated])
        self._fit_control(matrix, outcome, treated)
        return self

    def predict(self, X: ArrayLike) -> Floats:
        """μ₁(x) − μ₀(x)."""
        matrix = np.asarray(X, dtype=np.float64)
        return _positive(self.treated_model_, matrix) - _positive(self.control_model_, matrix)


class XLearner(UpliftLearner):
    """Künzel's X-learner: imputed individual effects, regressed and blended by propensity.

    ``propensity`` is P(treated); None takes the share of treated rows in the training
    data, which is exact for a randomised test.
    """

    def __init__(
        self,
        classifier: Any = None,
        regressor: Any = None,
        *,
        propensity: float | None = None,
        seed: int = 0,
        categorical: NDArray[np.bool_] | None = None,
    ) -> None:
        super().__init__(classifier, seed=seed, categorical=categorical)
        self.regressor = regressor
        self.propensity = propensity

    def _new_regressor(self) -> Any:
        if self.regressor is None:
            return default_regressor(self.seed, self.categorical)
        return clone(self.regressor)

    def fit(self, X: ArrayLike, y: ArrayLike, *, treatment: ArrayLike) -> XLearner:
        """Fit the two response models, then the two effect regressors."""
        matrix, outcome, treated = _arrays(X, y, treatment)
        if self.propensity is not None and not 0 < self.propensity < 1:
            raise ValidationError("propensity", self.propensity, "must lie strictly in (0, 1)")
        self.propensity_ = float(treated.mean()) if self.propensity is None else self.propensity
        self.treated_model_ = self._new_classifier().fit(matrix[treated], outcome[treated])
        self._fit_control(matrix, outcome, treated)
        effect_treated = outcome[treated] - _positive(self.control_model_, matrix[treated])
        effect_control = _positive(self.treated_model_, matrix[~treated]) - outcome[~treated]
        self.effect_treated_ = self._new_regressor().fit(matrix[treated], effect_treated)
        self.effect_control_ = self._new_regressor().fit(matrix[~treated], effect_control)
        return self

    def predict(self, X: ArrayLike) -> Floats:
        """e·τ₀(x) + (1 − e)·τ₁(x), with e the propensity."""
        matrix = np.asarray(X, dtype=np.float64)
        from_control = np.asarray(self.effect_control_.predict(matrix), dtype=np.float64)
        from_treated = np.asarray(self.effect_treated_.predict(matrix), dtype=np.float64)
        return self.propensity_ * from_control + (1 - self.propensity_) * from_treated


class ClassTransformation(UpliftLearner):
    """Jaskowski & Jaroszewicz's class transformation: one classifier of z = (y == t).

    With ``balance`` (the default) the smaller group is weighted up so that both weigh
    half, the condition under which 2·P(z = 1 | x) − 1 is the uplift.
    """

    def __init__(
        self,
        classifier: Any = None,
        *,
        balance: bool = True,
        seed: int = 0,
        categorical: NDArray[np.bool_] | None = None,
    ) -> None:
        super().__init__(classifier, seed=seed, categorical=categorical)
        self.balance = balance

    def fit(self, X: ArrayLike, y: ArrayLike, *, treatment: ArrayLike) -> ClassTransformation:
        """Fit the classifier of the transformed class, and the control response model."""
        matrix, outcome, treated = _arrays(X, y, treatment)
        transformed = (outcome == treated).astype(np.int64)
        weights = None
        if self.balance:
            share = treated.mean()
            weights = np.where(treated, 0.5 / share, 0.5 / (1 - share))
        self.model_ = self._new_classifier().fit(matrix, transformed, sample_weight=weights)
        self._fit_control(matrix, outcome, treated)
        return self

    def predict(self, X: ArrayLike) -> Floats:
        """2·P(z = 1 | x) − 1."""
        return 2 * _positive(self.model_, np.asarray(X, dtype=np.float64)) - 1


class SLearner(UpliftLearner):
    """One response model with the treatment as its last feature; uplift is the difference
    between its answers with the treatment on and off."""

    def fit(self, X: ArrayLike, y: ArrayLike, *, treatment: ArrayLike) -> SLearner:
        """Fit the single response model, and the control response model."""
        matrix, outcome, treated = _arrays(X, y, treatment)
        single = self._new_classifier()
        if self.classifier is None and self.categorical is not None and self.categorical.any():
            single.set_params(categorical_features=np.r_[self.categorical, False])
        self.model_ = single.fit(np.column_stack([matrix, treated]), outcome)
        self._fit_control(matrix, outcome, treated)
        return self

    def predict(self, X: ArrayLike) -> Floats:
        """μ(x, 1) − μ(x, 0)."""
        matrix = np.asarray(X, dtype=np.float64)
        on = np.column_stack([matrix, np.ones(len(matrix))])
        off = np.column_stack([matrix, np.zeros(len(matrix))])
        return _positive(self.model_, on) - _positive(self.model_, off)


LEARNERS: dict[str, type[UpliftLearner]] = {
    "t": TLearner,
    "x": XLearner,
    "class": ClassTransformation,
    "s": SLearner,
}
"""The learners by the name the command line and the model files use."""


def make_learner(
    method: str, *, seed: int = 0, categorical: NDArray[np.bool_] | None = None
) -> UpliftLearner:
    """A fresh learner of ``method`` (t, x, class, s) with the default base learners."""
    if method not in LEARNERS:
        raise ValidationError("method", method, f"use one of {', '.join(LEARNERS)}")
    return LEARNERS[method](seed=seed, categorical=categorical)
