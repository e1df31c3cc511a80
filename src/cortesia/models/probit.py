"""The probit link of the Bayesian logistic learners: Φ, posterior-averaged probabilities,
and the assumed-density-filtering update of independent Gaussian weights.

The learners fit a probit curve Φ(s / β) whose β matches the logistic curve, and report
through the same curve: its light tails keep rare events calibrated. Row and columnar
paths use the same ``erfc``, so their numbers agree to the last bit.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

BETA2 = 8.0 / math.pi  # β² of the probit curve Φ(s / β) that matches the logistic one
BETA = math.sqrt(BETA2)
_SQRT2 = math.sqrt(2.0)
_ERFC = np.frompyfunc(math.erfc, 1, 1)  # math.erfc element-wise: rows and columns agree


def normal_cdf(z: float) -> float:
    """Φ(z), the standard normal distribution function, accurate far in the tails.

    Examples
    --------
    >>> normal_cdf(0.0), round(normal_cdf(-1.6449), 4), normal_cdf(-30.0) > 0.0
    (0.5, 0.05, True)
    """
    return 0.5 * math.erfc(-z / _SQRT2)


def normal_cdf_array(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Φ element-wise, the same numbers as :func:`normal_cdf`.

    Examples
    --------
    >>> normal_cdf_array(np.array([0.0, 40.0, -40.0])).round(3).tolist()
    [0.5, 1.0, 0.0]
    """
    return 0.5 * np.asarray(_ERFC(-z / _SQRT2), dtype=np.float64)


def probit_proba(mean: float, var: float) -> float:
    """E[Φ(s / β)] for a score s ~ N(mean, var): the posterior-averaged probability.

    Examples
    --------
    >>> probit_proba(0.0, 1.0), round(probit_proba(-3.0, 0.0), 4), probit_proba(-3.0, 9.0) > 0.03
    (0.5, 0.0301, True)
    """
    return normal_cdf(mean / math.sqrt(BETA2 + var))


def probit_proba_array(mean: NDArray[np.float64], var: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`probit_proba` element-wise, the same numbers."""
    return normal_cdf_array(mean / np.sqrt(BETA2 + var))


def probit_score(rate: float) -> float:
    """The score s whose probability Φ(s / β) is ``rate``: the intercept of a prior rate.

    Examples
    --------
    >>> round(probit_proba(probit_score(0.005), 0.0), 6)
    0.005
    """
    return BETA * NormalDist().inv_cdf(rate)


def _truncated_moments(t: float) -> tuple[float, float]:
    """v(t) = φ(t)/Φ(t) and w(t) = v(t)(v(t) + t), stable far in the left tail."""
    if t < -30.0:  # Φ underflows; v(t) → -t and w(t) → 1 there
        return -t, 1.0
    pdf = math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * math.erfc(-t / _SQRT2)
    v = pdf / cdf
    return v, min(max(v * (v + t), 0.0), 1.0)


def adf_update(
    mean: list[float],
    var: list[float],
    idx: list[int],
    values: list[float],
    y: bool,
    unseen: float = 0.0,
) -> float:
    """Assumed-density filtering of one outcome into independent Gaussian weights.

    ``idx`` and ``values`` are the encoded outcome: the weights it reads and their values.
    Returns the probability the weights gave the outcome *before* learning it,
    ``Φ(m / √(β² + v + unseen))``, where ``unseen`` is the prior variance of features the
    vocabulary could not hold: what ``predict_proba_one`` says for the same encoding.

    Examples
    --------
    >>> mean, var = [0.0, 0.0], [1.0, 1.0]
    >>> before = adf_update(mean, var, [0, 1], [1.0, 2.0], True)
    >>> before, mean[1] > mean[0] > 0.0, var[1] < var[0] < 1.0
    (0.5, True, True)
    """
    m = 0.0
    spread = 0.0
    for i, value in zip(idx, values, strict=True):
        m += mean[i] * value
        spread += var[i] * value * value
    before = normal_cdf(m / math.sqrt(BETA2 + spread + unseen))
    total = BETA2 + spread
    root = math.sqrt(total)
    sign = 1.0 if y else -1.0
    v, w = _truncated_moments(sign * m / root)
    step = sign * v / root
    shrink = w / total
    for i, value in zip(idx, values, strict=True):
        old = var[i]
        mean[i] += step * value * old
        kept = 1.0 - value * value * old * shrink
        var[i] = old * (kept if kept > 1e-9 else 1e-9)  # never certain
    return before
