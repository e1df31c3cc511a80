"""Contractual lifetime: the shifted-beta-geometric model (Fader & Hardie 2007).

Each customer renews at the end of every period with a constant probability ``1 − θ`` of
their own; across customers ``θ ~ Beta(α, β)``. The lifetime ``T`` (the period at whose end
the customer leaves, ``T ≥ 1``) then has

- ``P(T = t) = B(α + 1, β + t − 1) / B(α, β)``,
- survival ``S(t) = P(T > t) = B(α, β + t) / B(α, β)``,
- retention ``r(t) = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)``, which rises with
  ``t``: the customers who stay are the loyal ones, not a fixed rate.

Two forms of data fit it by maximum likelihood:

- a cohort's survivors per period (``n_0, n_1, … n_k``, the paper's table): ``n_{t−1} − n_t``
  customers left with ``T = t`` and ``n_k`` are still there after ``k`` periods;
- individual, right-censored records: a customer who churned after ``t`` periods has
  ``T = t`` (``t ≥ 1``); one still active after ``t`` periods has ``T > t``.

A customer alive after ``n`` renewals (``T > n``) has the discounted expected residual
lifetime (Fader & Hardie 2010)

``DERL(d | n) = Σ_{k≥0} S(n + 1 + k) / S(n) / (1 + d)^k
             = r(n + 1) · ₂F₁(1, β + n + 1; α + β + n + 1; 1 / (1 + d))``,

the expected number of future payments, the next one (made if the customer renews again)
undiscounted; its residual value is ``margin × DERL``.

Examples
--------
>>> model = fit_sbg_cohort([1000, 631, 468, 382, 326, 289, 262, 241])
>>> round(model.alpha, 3), round(model.beta, 3), round(model.log_likelihood, 2)
(0.704, 1.182, -1680.27)
>>> round(float(model.derl(0.10, 7)[0]), 3)
6.842
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import betaln, digamma, hyp2f1

from cortesia.errors import ValidationError
from cortesia.models.clv.inputs import (
    FloatArray,
    as_counts,
    as_flags,
    as_numbers,
    fit_log_parameters,
    model_document,
    positive,
    rate,
    stored_model,
    whole,
)

KIND = "sbg"


@dataclass(frozen=True, slots=True)
class ShiftedBetaGeometric:
    """A fitted shifted-beta-geometric model.

    Attributes
    ----------
    alpha, beta : float
        Parameters of the Beta distribution of the churn probability across customers.
    log_likelihood : float
        Log-likelihood of the data it was fitted on.
    n_customers : int
        How many customers it was fitted on.
    """

    alpha: float
    beta: float
    log_likelihood: float
    n_customers: int

    def churn_probability(self, t: npt.ArrayLike) -> FloatArray:
        """``P(T = t)``: the share of a new cohort that leaves at the end of period ``t ≥ 1``."""
        periods = as_counts("t", t, minimum=1)
        return np.asarray(np.exp(betaln(self.alpha + 1, self.beta + periods - 1) - self._log_b()))

    def survival(self, t: npt.ArrayLike) -> FloatArray:
        """``S(t)``: the share of a new cohort still active after ``t ≥ 0`` periods.

        Examples
        --------
        >>> model = ShiftedBetaGeometric(alpha=1.0, beta=1.0, log_likelihood=0.0, n_customers=1)
        >>> model.survival([0, 1, 3]).tolist()  # Beta(1, 1) is uniform: S(t) = 1 / (t + 1)
        [1.0, 0.5, 0.25]
        """
        periods = as_counts("t", t)
        return np.asarray(np.exp(betaln(self.alpha, self.beta + periods) - self._log_b()))

    def retention(self, t: npt.ArrayLike) -> FloatArray:
        """``r(t)``: the share of those active after ``t − 1`` periods who renew at ``t ≥ 1``."""
        periods = as_counts("t", t, minimum=1)
        return (self.beta + periods - 1) / (self.alpha + self.beta + periods - 1)

    def derl(
        self, discount_rate: float, n_renewals: npt.ArrayLike, horizon: int | None = None
    ) -> FloatArray:
        """Discounted expected residual lifetime of customers alive after ``n_renewals``.

        Parameters
        ----------
        discount_rate : float
            Per period; must be > 0 for an unbounded horizon (the sum may not converge).
        n_renewals : array-like of int
            Periods each customer has survived (a tenure in periods, not churned).
        horizon : int, optional
            Count at most this many future payments; None counts them all.
        """
        d = rate("discount_rate", discount_rate)
        renewals = as_counts("n_renewals", n_renewals)
        if horizon is not None:
            return self._derl_within(d, renewals, whole("horizon", horizon, minimum=0))
        if d == 0:
            raise ValidationError("discount_rate", discount_rate, "must be > 0 without a horizon")
        n = renewals + 1
        first = (self.beta + n - 1) / (self.alpha + self.beta + n - 1)
        series = hyp2f1(1.0, self.beta + n, self.alpha + self.beta + n, 1.0 / (1.0 + d))
        return np.asarray(first * series, dtype=np.float64)

    def residual_value(
        self,
        margin: npt.ArrayLike,
        discount_rate: float,
        n_renewals: npt.ArrayLike,
        horizon: int | None = None,
    ) -> FloatArray:
        """``margin × DERL``: each customer's expected discounted future margin.

        ``margin`` is the margin per period (one number, or one per customer).
        """
        margins = as_numbers("margin", margin)
        return margins * self.derl(discount_rate, n_renewals, horizon)

    def to_dict(self) -> dict[str, object]:
        """A JSON-able form; :meth:`from_dict` reads it back."""
        return model_document(KIND, self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ShiftedBetaGeometric:
        """The model stored by :meth:`to_dict`; a missing or bad key is refused by name."""
        return stored_model(cls, data, KIND, ("alpha", "beta"))

    def _log_b(self) -> float:
        return float(betaln(self.alpha, self.beta))

    def _derl_within(self, d: float, renewals: FloatArray, horizon: int) -> FloatArray:
        # S(n+1+k)/S(n) is a running product of retentions: one pass per future period.
        total = np.zeros_like(renewals)
        term = np.ones_like(renewals)
        for k in range(horizon):
            term = term * self.retention(renewals + 1 + k) / (1.0 if k == 0 else 1.0 + d)
            total += term
        return total


def sbg_log_likelihood(
    alpha: float, beta: float, tenure: npt.ArrayLike, churned: npt.ArrayLike
) -> float:
    """Log-likelihood of individual records under ``(α, β)``.

    Examples
    --------
    >>> round(sbg_log_likelihood(1.0, 1.0, [1, 2], [True, False]), 4)  # ln(1/2) + ln(1/3)
    -1.7918
    """
    periods, left, weights = _records(tenure, churned)
    a, b = positive("alpha", alpha), positive("beta", beta)
    value, _ = _log_likelihood(np.log([a, b]), periods, left, weights)
    return value


def fit_sbg(tenure: npt.ArrayLike, churned: npt.ArrayLike) -> ShiftedBetaGeometric:
    """Fit from individual records: periods survived and whether the customer churned.

    A churned customer must have survived at least one period (``T ≥ 1``); an active one
    may have any tenure ≥ 0 (tenure 0 says nothing and weighs nothing).
    """
    return _fit(*_records(tenure, churned))


def fit_sbg_cohort(survivors: npt.ArrayLike) -> ShiftedBetaGeometric:
    """Fit from a cohort's survivors at periods ``0, 1, … k`` (non-increasing counts)."""
    counts = as_counts("survivors", survivors)
    if counts.size < 2:
        raise ValidationError("survivors", counts.tolist(), "needs periods 0 and at least 1")
    if (np.diff(counts) > 0).any():
        raise ValidationError("survivors", counts.tolist(), "must not increase")
    k = counts.size - 1
    periods = np.append(np.arange(1, k + 1, dtype=np.float64), k)
    left = np.append(np.ones(k, dtype=np.bool_), False)
    weights = np.append(counts[:-1] - counts[1:], counts[-1])
    return _fit(periods, left, weights)


def _records(
    tenure: npt.ArrayLike, churned: npt.ArrayLike
) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray]:
    """The distinct (tenure, churned) pairs and how many customers share each."""
    periods = as_counts("tenure", tenure)
    left = as_flags("churned", churned, periods.size)
    if (left & (periods < 1)).any():
        raise ValidationError("tenure", 0, "a churned customer must have survived ≥ 1 period")
    pairs, weights = np.unique(np.column_stack([periods, left]), axis=0, return_counts=True)
    return pairs[:, 0], pairs[:, 1].astype(np.bool_), weights.astype(np.float64)


def _fit(
    periods: FloatArray, left: npt.NDArray[np.bool_], weights: FloatArray
) -> ShiftedBetaGeometric:
    if not (left & (weights > 0)).any():
        raise ValidationError("churned", "none", "nobody churned: retention cannot be estimated")

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        value, gradient = _log_likelihood(theta, periods, left, weights)
        return -value, -gradient

    theta = fit_log_parameters(objective, (0.0, 0.0), what="tenure")
    alpha, beta = np.exp(theta)
    value, _ = _log_likelihood(theta, periods, left, weights)
    return ShiftedBetaGeometric(float(alpha), float(beta), value, round(float(weights.sum())))


def _log_likelihood(
    theta: FloatArray, periods: FloatArray, left: npt.NDArray[np.bool_], weights: FloatArray
) -> tuple[float, FloatArray]:
    """Weighted log-likelihood and its gradient in ``(ln α, ln β)``."""
    alpha, beta = np.exp(theta)
    t = periods
    # churned at t: ln B(α+1, β+t−1) − ln B(α, β); still active after t: ln B(α, β+t) − ln B(α, β)
    first = np.where(left, alpha + 1, alpha)
    second = np.where(left, beta + t - 1, beta + t)
    terms = betaln(first, second) - betaln(alpha, beta)
    psi_total = digamma(alpha + beta + t)
    d_alpha = digamma(first) - psi_total - digamma(alpha) + digamma(alpha + beta)
    d_beta = digamma(second) - psi_total - digamma(beta) + digamma(alpha + beta)
    gradient = np.array([alpha * (weights @ d_alpha), beta * (weights @ d_beta)])
    return float(weights @ terms), gradient
