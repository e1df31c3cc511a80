"""Online Bayesian logistic regression: a Gaussian belief per weight, updated per outcome.

Each weight has a Gaussian posterior N(μ, σ²), independent of the others (a diagonal
posterior). One outcome updates it by assumed-density filtering: the exact posterior
after the outcome is projected back onto independent Gaussians by matching moments.
The logistic link is replaced by the probit curve that matches it near the middle,
Φ(s / β) with β² = 8/π (the update of Graepel et al.'s AdPredictor, 2010), which makes
the projection closed-form. The model speaks through the same curve it learns with: for
a customer x the score s = w·x is N(m, v) and

    P(y = True | x) = E[Φ(s / β)] = Φ(m / √(β² + v))

(exact for the probit link), so an uncertain model speaks closer to one half.
``proba_interval`` is the central interval of Φ(s / β) and ``sample_proba_one`` draws
Φ(s / β) with s ~ N(m, v): the Thompson sample for one customer and action. Reading the
fitted scores through the logistic curve instead, whose tails are heavier, made rare
events come out about twice too likely (0.73 % observed, 1.62 % said).

Features are one-hot, with a vocabulary grown as names and values are first seen:
a symbolic value (``str`` or ``bool``) is the indicator ``name=value``; a numeric value
is standardised by the running mean and deviation of its feature and clipped to
``±clip`` (a balance of 100,000 must not swamp the other features). A value never seen
in learning adds no mean but its prior variance, so a new category is uncertain.

Forgetting (``drift`` > 0): every weight's variance grows by ``drift`` per outcome learned
(a random walk of the weights, capped at the prior variance), so late evidence keeps
moving a model whose world changes (campaign drift). The growth is applied lazily: each
weight remembers the outcome count when it was last updated, and the variance it speaks
with is ``min(σ² + drift × (outcomes since), prior_variance)``, so learning stays
O(features of the outcome) and scoring only reads.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError
from cortesia.models.base import Batch, Features, as_columns, is_missing, is_numeric
from cortesia.models.probit import (
    BETA,
    adf_update,
    normal_cdf,
    probit_proba,
    probit_proba_array,
    probit_score,
)

_BIAS = "(bias)"


class BayesianLogistic:
    """Online Bayesian logistic regression with a diagonal Gaussian posterior.

    Parameters
    ----------
    prior_variance
        Variance of every weight's Gaussian prior: how far one feature may move the
        log-odds before evidence arrives. Larger learns faster and explores more.
    prior_rate
        The propensity before any evidence (the intercept's prior mean is the score
        whose probit is this rate): the cold start of a new action. The prior's own
        uncertainty pulls a first prediction towards one half.
    clip
        Standardised numeric values are clipped to ``[-clip, clip]``.
    max_features
        The vocabulary stops growing at this many features; later ones count as unseen.
    seed
        Seeds the generator ``sample_proba_one`` uses when given none.
    drift
        Variance added to every weight per outcome learned (forgetting); 0 never forgets.
        1e-5 tracked a campaign's drift on Bank Marketing (notes/drift-bench.md).

    Examples
    --------
    >>> model = BayesianLogistic(prior_rate=0.1)
    >>> round(model.predict_proba_one({"plan": "gold"}), 2)
    0.17
    >>> for _ in range(200):
    ...     model.learn_one({"plan": "gold"}, True)
    ...     model.learn_one({"plan": "basic"}, False)
    >>> model.predict_proba_one({"plan": "gold"}) > 0.9 > 0.1 > model.predict_proba_one(
    ...     {"plan": "basic"})
    True
    >>> low, high = model.proba_interval({"plan": "gold"})
    >>> 0.9 < low < high <= 1.0
    True
    """

    def __init__(
        self,
        prior_variance: float = 1.0,
        *,
        prior_rate: float = 0.5,
        clip: float = 5.0,
        max_features: int = 100_000,
        seed: int = 0,
        drift: float = 0.0,
    ) -> None:
        if not prior_variance > 0:
            raise ValidationError("prior_variance", prior_variance, "must be positive")
        if not 0.0 < prior_rate < 1.0:
            raise ValidationError("prior_rate", prior_rate, "must be strictly between 0 and 1")
        if not clip > 0:
            raise ValidationError("clip", clip, "must be positive")
        if not (drift >= 0.0 and math.isfinite(drift)):
            raise ValidationError("drift", drift, "must be a finite number >= 0")
        self.prior_variance = prior_variance
        self.prior_rate = prior_rate
        self.clip = clip
        self.max_features = max_features
        self.seed = seed
        self.drift = drift
        self._index: dict[str, int] = {_BIAS: 0}
        self._mean: list[float] = [probit_score(prior_rate)]
        self._var: list[float] = [prior_variance]
        self._touched: list[int] = [0]  # outcome count at each weight's last update
        self._scale: dict[str, list[float]] = {}  # name → [count, mean, sum of squares]
        self._n = 0
        self._rng = np.random.default_rng(seed)

    @property
    def n_seen(self) -> int:
        """How many outcomes the model has learned from."""
        return self._n

    def weights(self) -> dict[str, tuple[float, float]]:
        """Each feature's posterior mean and standard deviation, by feature name.

        Numeric features are named by their name, symbolic ones ``name=value``.
        """
        var, touched = self._var, self._touched
        return {
            key: (self._mean[i], math.sqrt(self._grown(var, touched, i)))
            for key, i in self._index.items()
        }

    def learn_one(self, x: Features, y: bool) -> None:
        """Update the posterior with one outcome (assumed-density filtering).

        Numbers are standardised on the scales of the outcomes before this one, as
        ``predict_proba_one`` read them, and then join those scales.
        """
        self.learn_scored(x, y)

    def learn_scored(self, x: Features, y: bool) -> float:
        """``predict_proba_one(x)`` as it was before learning ``y``, then ``learn_one``:
        one encoding serves both (test-then-train at the cost of a single update)."""
        idx, values, unseen = self._terms(x)
        if self.drift:
            self._catch_up(self._var, self._touched, idx)
        before = adf_update(self._mean, self._var, idx, values, y, unseen)
        self._n += 1
        return before

    def predict_proba_one(self, x: Features) -> float:
        """P(y = True | x) = Φ(m / √(β² + v)), averaged over the posterior."""
        mean, var = self._score(x)
        return probit_proba(mean, var)

    def proba_interval(self, x: Features, level: float = 0.9) -> tuple[float, float]:
        """The central credible interval of P(y = True | x) at ``level``."""
        if not 0.0 < level < 1.0:
            raise ValidationError("level", level, "must be strictly between 0 and 1")
        mean, var = self._score(x)
        half = NormalDist().inv_cdf(0.5 + level / 2.0) * math.sqrt(var)
        return normal_cdf((mean - half) / BETA), normal_cdf((mean + half) / BETA)

    def sample_proba_one(self, x: Features, rng: np.random.Generator | None = None) -> float:
        """A posterior draw of P(y = True | x): the Thompson sample."""
        mean, var = self._score(x)
        draw = (rng or self._rng).normal(mean, math.sqrt(var))
        return normal_cdf(float(draw) / BETA)

    def predict_proba_many(self, batch: Batch) -> NDArray[np.float64]:
        """``predict_proba_one`` for every row of ``batch`` (rows or columns)."""
        columns, n = as_columns(batch)
        mean = np.full(n, self._mean[0])
        var = np.full(n, self._grown(self._var, self._touched, 0))
        for name, column in columns.items():
            if column.dtype.kind in "iuf":
                self.add_numeric_column(name, column.astype(np.float64), mean, var)
            else:
                self._add_objects(name, column, mean, var)
        return probit_proba_array(mean, var)

    def linear_score(self, x: Features) -> tuple[float, float]:
        """The score s = w·x of ``x`` as the posterior sees it: its mean and variance."""
        return self._score(x)

    def __setstate__(self, state: dict[str, object]) -> None:
        """Unpickle, also a snapshot taken before ``drift`` existed (it never forgot)."""
        state.setdefault("drift", 0.0)
        state.setdefault("_touched", [0] * len(state["_var"]))  # type: ignore[arg-type]
        self.__dict__.update(state)

    def _grown(self, var: list[float], touched: list[int], i: int) -> float:
        """Weight ``i``'s variance with the drift since its last update (a pure read)."""
        if self.drift == 0.0:  # no forgetting: exactly the stored variance
            return var[i]
        grown = var[i] + self.drift * (self._n - touched[i])
        return min(grown, max(var[i], self.prior_variance))

    def _catch_up(self, var: list[float], touched: list[int], idx: list[int]) -> None:
        """Store the drift of the weights about to be updated, and mark them current
        (only with ``drift``, which is fixed when the model is made)."""
        for i in idx:
            var[i] = self._grown(var, touched, i)
            touched[i] = self._n

    def _terms(self, x: Features) -> tuple[list[int], list[float], float]:
        """Encode ``x`` for learning, in one pass: the weights it reads (the vocabulary
        grows), their values on the scales as they were, then its numbers join the scales.

        Returns the indices (the bias first), the values, and the prior variance of the
        features the full vocabulary could not hold.
        """
        idx, values, unseen = [0], [1.0], 0.0
        index, scales, clip = self._index, self._scale, self.clip
        for name, value in x.items():
            kind = type(value)
            if kind is str:
                key, z = f"{name}={value}", 1.0
            elif kind is float or kind is int:
                if value != value:  # NaN: missing
                    continue
                # Read on the running scale, then join it (Welford's mean and sum of
                # squares); inline, as this runs for every number of every outcome.
                key, z = name, 0.0
                scale = scales.get(name)
                if scale is None:
                    scale = scales[name] = [0.0, 0.0, 0.0]
                elif scale[2] > 0.0:
                    z = (value - scale[1]) / math.sqrt(scale[2] / scale[0])  # type: ignore[operator]
                    z = clip if z > clip else -clip if z < -clip else z
                scale[0] += 1.0
                delta = value - scale[1]  # type: ignore[operator]
                scale[1] += delta / scale[0]
                scale[2] += delta * (value - scale[1])  # type: ignore[operator]
            elif value is None or (pair := self._odd_feature(name, value)) is None:
                continue
            else:
                key, z = pair
            i = index.get(key)
            if i is None:
                i = self._grow(key)
                if i is None:
                    unseen += self.prior_variance * z * z
                    continue
            idx.append(i)
            values.append(z)
        return idx, values, unseen

    def _score(self, x: Features) -> tuple[float, float]:
        mean, var = self._mean[0], self._grown(self._var, self._touched, 0)
        for key, value in self._encode(x):
            i = self._index.get(key)
            if i is None:
                var += self.prior_variance * value * value
            else:
                mean += self._mean[i] * value
                var += self._grown(self._var, self._touched, i) * value * value
        return mean, var

    def _encode(self, x: Features) -> list[tuple[str, float]]:
        # Exact types first: this runs for every feature of every score and update, and
        # the general checks below cost three times as much.
        found: list[tuple[str, float]] = []
        for name, value in x.items():
            kind = type(value)
            if kind is str:
                found.append((f"{name}={value}", 1.0))
            elif kind is float or kind is int:
                if value == value:  # not NaN
                    found.append((name, self._standardise(name, value)))  # type: ignore[arg-type]
            elif value is not None and (pair := self._feature(name, value)):
                found.append(pair)
        return found

    def _odd_feature(self, name: str, value: object) -> tuple[str, float] | None:
        """``_feature`` for a value of no exact plain type (a NumPy number, a bool); a
        number then joins its scale."""
        pair = self._feature(name, value)
        if pair is not None and type(value) is not bool and is_numeric(value):
            self._observe_scale(name, float(value))
        return pair

    def _feature(self, name: str, value: object) -> tuple[str, float] | None:
        if is_missing(value):
            return None
        if isinstance(value, str | bool):
            return f"{name}={value}", 1.0
        if is_numeric(value):
            return name, self._standardise(name, float(value))
        raise ValidationError(name, value, "a feature must be str, bool, int, float or None")

    def _standardise(self, name: str, value: float) -> float:
        scale = self._scale.get(name)
        if scale is None or scale[2] <= 0.0:
            return 0.0
        z = (value - scale[1]) / math.sqrt(scale[2] / scale[0])
        clip = self.clip
        return clip if z > clip else -clip if z < -clip else z

    def _observe_scale(self, name: str, value: float) -> None:
        scale = self._scale.setdefault(name, [0.0, 0.0, 0.0])
        scale[0] += 1.0
        delta = value - scale[1]
        scale[1] += delta / scale[0]
        scale[2] += delta * (value - scale[1])

    def _grow(self, key: str) -> int | None:
        i = self._index.get(key)
        if i is None and len(self._index) < self.max_features:
            i = self._index[key] = len(self._mean)
            self._mean.append(0.0)
            self._var.append(self.prior_variance)
            self._touched.append(self._n)
        return i

    def _weight(self, key: str) -> tuple[float, float]:
        i = self._index.get(key)
        if i is None:
            return 0.0, self.prior_variance
        return self._mean[i], self._grown(self._var, self._touched, i)

    def add_numeric_column(
        self,
        name: str,
        values: NDArray[np.float64],
        mean: NDArray[np.float64],
        var: NDArray[np.float64],
    ) -> None:
        """Add numeric feature ``name``'s part of the scores of many rows to ``mean`` and
        ``var`` (NaN: missing), as ``predict_proba_many`` does for a column."""
        scale = self._scale.get(name)
        if scale is None or scale[2] <= 0.0:
            return
        z = (values - scale[1]) / math.sqrt(scale[2] / scale[0])
        z = np.where(np.isnan(z), 0.0, np.clip(z, -self.clip, self.clip))
        mu, sigma2 = self._weight(name)
        mean += mu * z
        var += sigma2 * z * z

    def _add_objects(
        self,
        name: str,
        column: NDArray[np.generic],
        mean: NDArray[np.float64],
        var: NDArray[np.float64],
    ) -> None:
        if column.dtype.kind == "U":  # plain strings: look each distinct value up once
            uniques, inverse = np.unique(column, return_inverse=True)
            found = [self._weight(f"{name}={u}") for u in uniques.tolist()]
            mean += np.array([mu for mu, _ in found])[inverse]
            var += np.array([sigma2 for _, sigma2 in found])[inverse]
            return
        for row, value in enumerate(column.tolist()):
            feature = self._feature(name, value)
            if feature is not None:
                mu, sigma2 = self._weight(feature[0])
                mean[row] += mu * feature[1]
                var[row] += sigma2 * feature[1] * feature[1]
