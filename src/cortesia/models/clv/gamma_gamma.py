"""Spend per purchase: the Gamma-Gamma model, and the lifetime value it makes with BG/NBD.

A customer's purchases are worth ``z ~ Gamma(p, ν)`` around their own mean ``p / ν``, and
``ν ~ Gamma(q, γ)`` across customers (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader &
Hardie 2013, "The Gamma-Gamma model of monetary value"). Fitted on repeat buyers only, from
``x`` (repeat purchases) and ``z̄`` (their mean value), with the density

``f(z̄ | x) = Γ(px + q) / (Γ(px) Γ(q)) · γ^q z̄^{px−1} x^{px} / (γ + x z̄)^{px+q}``.

A customer's expected spend per purchase pulls their own mean towards the population's:

``E[Z | x, z̄] = (q − 1) / (px + q − 1) · γp / (q − 1) + px / (px + q − 1) · z̄``.

The lifetime value over ``H`` periods of length ``Δ`` (in the BG/NBD's time unit), with a
discount rate ``d`` per period and a margin ``m`` on spend, is the standard discounted sum

``CLV = m · E[Z] · Σ_{i=1..H} (E[Y(iΔ)] − E[Y((i−1)Δ)]) / (1 + d)^i``.

The model assumes spend and purchase frequency independent; check it on the data (the
correlation of ``x`` and ``z̄`` among repeat buyers should be near zero).

Examples
--------
>>> model = GammaGamma(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n_customers=1)
>>> round(float(model.expected_spend(2, 22.35)[0]), 2)
24.66
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln

from cortesia.errors import ValidationError
from cortesia.models.clv.bgnbd import BgNbd
from cortesia.models.clv.inputs import (
    FloatArray,
    as_counts,
    as_numbers,
    as_rfm,
    fit_log_parameters,
    model_document,
    positive,
    rate,
    same_length,
    stored_model,
    whole,
)

KIND = "gamma_gamma"
_NAMES = ("p", "q", "gamma")


@dataclass(frozen=True, slots=True)
class GammaGamma:
    """A fitted Gamma-Gamma spend model.

    Attributes
    ----------
    p : float
        Shape of the spend of one purchase around a customer's mean.
    q, gamma : float
        Shape and rate of the Gamma distribution of the customers' ``ν``.
    log_likelihood : float
        Log-likelihood of the repeat buyers it was fitted on.
    n_customers : int
        How many repeat buyers it was fitted on.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int

    @property
    def population_mean_spend(self) -> float:
        """``γp / (q − 1)``: the mean spend per purchase across customers (needs q > 1)."""
        if self.q <= 1:
            raise ValidationError("q", self.q, "the mean spend is infinite unless q > 1")
        return self.gamma * self.p / (self.q - 1)

    def expected_spend(self, frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> FloatArray:
        """Expected spend per purchase; a customer with ``x = 0`` gets the population mean."""
        x = as_counts("frequency", frequency)
        mean = as_numbers("monetary", monetary)
        same_length("monetary", mean, x.size)
        if (mean[x > 0] <= 0).any():
            raise ValidationError("monetary", float(mean[x > 0].min()), "must be > 0 for buyers")
        own = self.p * x / (self.p * x + self.q - 1)
        return np.asarray((1 - own) * self.population_mean_spend + own * mean)

    def to_dict(self) -> dict[str, object]:
        """A JSON-able form; :meth:`from_dict` reads it back."""
        return model_document(KIND, self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> GammaGamma:
        """The model stored by :meth:`to_dict`; a missing or bad key is refused by name."""
        return stored_model(cls, data, KIND, _NAMES)


def gamma_gamma_log_likelihood(
    params: tuple[float, float, float], frequency: npt.ArrayLike, monetary: npt.ArrayLike
) -> float:
    """Log-likelihood of the repeat buyers among ``(x, z̄)`` under ``params = (p, q, γ)``."""
    values = [positive(name, value) for name, value in zip(_NAMES, params, strict=True)]
    value, _ = _log_likelihood(np.log(values), *_repeat_buyers(frequency, monetary))
    return value


def fit_gamma_gamma(frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> GammaGamma:
    """Fit on the repeat buyers (``x > 0``) among the rows given; others are left out.

    Parameters
    ----------
    frequency : array-like of int
        ``x``: repeat purchases.
    monetary : array-like of float
        ``z̄``: mean value of the repeat purchases (> 0 for every repeat buyer).
    """
    x, mean = _repeat_buyers(frequency, monetary)
    if x.size < 2:
        raise ValidationError("frequency", int(x.size), "needs at least 2 repeat buyers")

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        value, gradient = _log_likelihood(theta, x, mean)
        return -value, -gradient

    start = (0.0, np.log(2.0), float(np.log(np.mean(mean))))
    theta = fit_log_parameters(objective, start, what="monetary")
    p, q, gamma = (float(v) for v in np.exp(theta))
    value, _ = _log_likelihood(theta, x, mean)
    return GammaGamma(p, q, gamma, value, int(x.size))


def customer_lifetime_value(
    purchases: BgNbd,
    spend: GammaGamma,
    rfm: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    *,
    horizon: int,
    discount_rate: float,
    period: float = 1.0,
    margin: float = 1.0,
) -> FloatArray:
    """Discounted expected value of each customer's purchases over ``horizon`` periods.

    Parameters
    ----------
    purchases, spend : BgNbd, GammaGamma
        The fitted purchase and spend models.
    rfm : tuple of array-likes
        ``(x, t_x, T, z̄)`` per customer, in the BG/NBD's time unit.
    horizon : int
        Number of periods counted (e.g. 12 for a year of months).
    discount_rate : float
        Per period (e.g. 0.01 a month).
    period : float
        Length of one period in the BG/NBD's time unit (e.g. 52 / 12 weeks for a month).
    margin : float
        Share of spend that is margin (1 counts revenue).
    """
    x, t_x, t_obs = as_rfm(*rfm[:3])
    count = whole("horizon", horizon, minimum=1)
    d = rate("discount_rate", discount_rate)
    step = positive("period", period)
    share = positive("margin", margin)
    value_per_purchase = spend.expected_spend(x, rfm[3])
    total = np.zeros_like(x)
    before = np.zeros_like(x)
    for i in range(1, count + 1):
        upto = purchases.expected_purchases(i * step, x, t_x, t_obs)
        total += (upto - before) / (1.0 + d) ** i
        before = upto
    return np.asarray(share * value_per_purchase * total)


def _repeat_buyers(
    frequency: npt.ArrayLike, monetary: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    x = as_counts("frequency", frequency)
    mean = as_numbers("monetary", monetary)
    same_length("monetary", mean, x.size)
    buyers = x > 0
    if (mean[buyers] <= 0).any():
        raise ValidationError("monetary", float(mean[buyers].min()), "must be > 0 for buyers")
    return x[buyers], mean[buyers]


def _log_likelihood(theta: FloatArray, x: FloatArray, mean: FloatArray) -> tuple[float, FloatArray]:
    """Log-likelihood and its gradient in ``(ln p, ln q, ln γ)``."""
    p, q, gamma = np.exp(theta)
    px = p * x
    spread = np.log(gamma + mean * x)
    terms = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(mean)
        + px * np.log(x)
        - (px + q) * spread
    )
    psi = digamma(px + q)
    d_p = x * (psi - digamma(px) + np.log(mean) + np.log(x) - spread)
    d_q = psi - digamma(q) + np.log(gamma) - spread
    d_gamma = q / gamma - (px + q) / (gamma + mean * x)
    gradient = np.array([p * d_p.sum(), q * d_q.sum(), gamma * d_gamma.sum()])
    return float(terms.sum()), gradient
