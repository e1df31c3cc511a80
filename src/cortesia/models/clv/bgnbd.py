"""Non-contractual purchasing: the BG/NBD model (Fader, Hardie & Lee 2005).

While alive a customer buys as a Poisson process of rate ``λ ~ Gamma(r, α)``; after each
purchase they become inactive with probability ``p ~ Beta(a, b)``, unobserved. A customer's
history enters only through ``x`` (repeat purchases), ``t_x`` (time of the last one, from
the first purchase) and ``T`` (time since the first purchase), in any one time unit. Its
likelihood is

``L = Γ(r + x) α^r / Γ(r) · B(a, b + x) / B(a, b)
      · [ (α + T)^{−(r+x)} + 1{x>0} · a / (b + x − 1) · (α + t_x)^{−(r+x)} ]``.

From it follow the chance the customer is still alive,

``P(alive) = 1 / (1 + 1{x>0} · a / (b + x − 1) · ((α + T) / (α + t_x))^{r+x})``,

and the expected purchases in the next ``t`` units,

``E[Y(t)] = (a + b + x − 1) / (a − 1)
            · [1 − ((α + T) / (α + T + t))^{r+x} ₂F₁(r + x, b + x; a + b + x − 1; t / (α + T + t))]
            · P(alive)``.

Examples
--------
>>> model = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n_customers=1)
>>> round(float(model.probability_alive(2, 30.43, 38.86)[0]), 3)
0.727
>>> round(float(model.expected_purchases(39, 2, 30.43, 38.86)[0]), 3)
1.226
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln, hyp2f1

from cortesia.errors import ValidationError
from cortesia.models.clv.inputs import (
    FloatArray,
    as_numbers,
    as_rfm,
    fit_log_parameters,
    model_document,
    positive,
    rate,
    stored_model,
)

KIND = "bgnbd"
_NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True, slots=True)
class BgNbd:
    """A fitted BG/NBD model (parameters in the time unit of the data it was fitted on).

    Attributes
    ----------
    r, alpha : float
        Gamma distribution of the purchase rate across customers (shape, rate).
    a, b : float
        Beta distribution of the drop-out probability after each purchase.
    log_likelihood : float
        Log-likelihood of the data it was fitted on.
    n_customers : int
        How many customers it was fitted on.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int

    def probability_alive(
        self, frequency: npt.ArrayLike, recency: npt.ArrayLike, age: npt.ArrayLike
    ) -> FloatArray:
        """P(still active) of customers with ``x`` repeat purchases, last at ``t_x``, age ``T``."""
        x, t_x, t_obs = as_rfm(frequency, recency, age)
        return 1.0 / (1.0 + self._dead_odds(x, t_x, t_obs))

    def expected_purchases(
        self,
        t: float,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        age: npt.ArrayLike,
    ) -> FloatArray:
        """Expected purchases in the next ``t`` time units, given each customer's history."""
        horizon = rate("t", t)
        x, t_x, t_obs = as_rfm(frequency, recency, age)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        if a == 1.0:
            raise ValidationError("a", a, "E[Y(t)] is undefined at a = 1 exactly")
        z = horizon / (alpha + t_obs + horizon)
        decay = ((alpha + t_obs) / (alpha + t_obs + horizon)) ** (r + x)
        series = hyp2f1(r + x, b + x, a + b + x - 1, z)
        scale = (a + b + x - 1) / (a - 1)
        return np.asarray(scale * (1.0 - decay * series) / (1.0 + self._dead_odds(x, t_x, t_obs)))

    def expected_purchases_new(self, t: npt.ArrayLike) -> FloatArray:
        """``E[X(t)]``: expected purchases of a new customer in their first ``t`` time units."""
        times = as_numbers("t", t)
        if (times < 0).any():
            raise ValidationError("t", float(times.min()), "must be ≥ 0")
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        if a == 1.0:
            raise ValidationError("a", a, "E[X(t)] is undefined at a = 1 exactly")
        series = hyp2f1(r, b, a + b - 1, times / (alpha + times))
        return np.asarray((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + times)) ** r * series))

    def to_dict(self) -> dict[str, object]:
        """A JSON-able form; :meth:`from_dict` reads it back."""
        return model_document(KIND, self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> BgNbd:
        """The model stored by :meth:`to_dict`; a missing or bad key is refused by name."""
        return stored_model(cls, data, KIND, _NAMES)

    def _dead_odds(self, x: FloatArray, t_x: FloatArray, t_obs: FloatArray) -> FloatArray:
        """P(dropped out after the last purchase) / P(alive): zero without repeat purchases."""
        with np.errstate(divide="ignore"):
            log_odds = (
                np.log(self.a)
                - np.log(np.where(x > 0, self.b + x - 1, 1.0))
                + (self.r + x) * (np.log(self.alpha + t_obs) - np.log(self.alpha + t_x))
            )
        return np.where(x > 0, np.exp(log_odds), 0.0)


def bgnbd_log_likelihood(
    params: tuple[float, float, float, float],
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    age: npt.ArrayLike,
) -> float:
    """Log-likelihood of ``(x, t_x, T)`` under ``params = (r, α, a, b)``."""
    values = [positive(name, value) for name, value in zip(_NAMES, params, strict=True)]
    value, _ = _log_likelihood(np.log(values), *as_rfm(frequency, recency, age))
    return value


def fit_bgnbd(frequency: npt.ArrayLike, recency: npt.ArrayLike, age: npt.ArrayLike) -> BgNbd:
    """Fit by maximum likelihood (L-BFGS-B on the parameters' logarithms).

    Parameters
    ----------
    frequency : array-like of int
        ``x``: repeat purchases (purchases after the first).
    recency : array-like of float
        ``t_x``: time from the first to the last purchase (0 when ``x = 0``).
    age : array-like of float
        ``T``: time from the first purchase to the end of observation.
    """
    x, t_x, t_obs = as_rfm(frequency, recency, age)
    if not (x > 0).any():
        raise ValidationError("frequency", 0, "nobody bought twice: the model cannot be fitted")

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        value, gradient = _log_likelihood(theta, x, t_x, t_obs)
        return -value, -gradient

    # Start with a mean purchase rate near the sample's, one purchase per mean age.
    start = (0.0, float(np.log(np.mean(t_obs))), 0.0, 0.0)
    theta = fit_log_parameters(objective, start, what="frequency")
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    value, _ = _log_likelihood(theta, x, t_x, t_obs)
    return BgNbd(r, alpha, a, b, value, int(x.size))


def _log_likelihood(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, t_obs: FloatArray
) -> tuple[float, FloatArray]:
    """Log-likelihood and its gradient in ``(ln r, ln α, ln a, ln b)``."""
    r, alpha, a, b = np.exp(theta)
    repeat = x > 0
    gamma_part = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    beta_part = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    still = -(r + x) * np.log(alpha + t_obs)
    later = np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x)
    later = np.where(repeat, later, -np.inf)
    mix = np.logaddexp(still, later)
    w = np.exp(later - mix)  # share of the likelihood from "dropped out after t_x"
    d_r = digamma(r + x) - digamma(r) + np.log(alpha)
    d_r -= (1 - w) * np.log(alpha + t_obs) + w * np.log(alpha + t_x)
    d_alpha = r / alpha - (r + x) * ((1 - w) / (alpha + t_obs) + w / (alpha + t_x))
    psi_ab = digamma(a + b) - digamma(a + b + x)
    d_a = psi_ab + w / a
    d_b = psi_ab + digamma(b + x) - digamma(b) - w / np.where(repeat, b + x - 1, 1.0)
    gradient = np.array([r * d_r.sum(), alpha * d_alpha.sum(), a * d_a.sum(), b * d_b.sum()])
    return float((gamma_part + beta_part + mix).sum()), gradient
