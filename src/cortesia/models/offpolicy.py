"""Off-policy evaluation: the value of a target policy estimated from logged bandit feedback.

A log holds, for each round (one impression), the action shown, the slot (position) it was
shown in, the reward observed and the probability with which the logging policy chose that
action (its propensity). A target policy is given by its action probabilities
``action_dist[round, action, position]``; its value is the expected reward per round had it
chosen instead. Three estimators, each a ratio of per-round sums so that one bootstrap
serves them all:

- **IPW** (inverse propensity weighting): ``mean(w * r)`` with ``w = pi(a | x, k) / p``;
  unbiased when every action the target can take had a positive logged propensity.
- **SNIPW** (self-normalised IPW): ``sum(w * r) / sum(w)``; slightly biased, but immune to
  the scale of the weights and usually of smaller variance.
- **DR** (doubly robust): ``mean(sum_a pi(a) q(a) + w * (r - q(a_logged)))`` with a reward
  model ``q``; unbiased if either the propensities or the reward model are right, and of
  smaller variance when ``q`` explains part of the reward.

Every estimate carries a percentile bootstrap interval over rounds (seeded). Arrays follow
the Open Bandit Pipeline's layout (``action_dist`` of shape ``(rounds, actions, positions)``)
and a policy that ignores the context may pass a single row, ``(1, actions, positions)``,
which stands for every round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cortesia.errors import ValidationError
from cortesia.models.offpolicy_inputs import (
    FloatArray,
    IntArray,
    as_action_dist,
    as_floats,
    as_indices,
    as_rewards,
    as_vector,
    check_count,
    extremes,
    row_index,
)

_BOOTSTRAP_CELLS = 4_000_000  # resampled indices held in memory at once (32 MB)

__all__ = [
    "PolicyValue",
    "doubly_robust",
    "ipw",
    "on_policy",
    "snipw",
    "uniform_action_dist",
]


@dataclass(frozen=True, slots=True)
class PolicyValue:
    """An estimated policy value with its bootstrap confidence interval.

    Attributes
    ----------
    estimator : str
        ``"ipw"``, ``"snipw"``, ``"dr"`` or ``"on-policy"``.
    estimate : float
        The point estimate (expected reward per round).
    lower, upper : float
        Bounds of the percentile bootstrap interval.
    level : float
        Confidence level of the interval, e.g. 0.95.
    rounds : int
        Number of logged rounds used.
    """

    estimator: str
    estimate: float
    lower: float
    upper: float
    level: float
    rounds: int

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval (bounds included)."""
        return self.lower <= value <= self.upper


def uniform_action_dist(n_actions: int, n_positions: int = 1) -> FloatArray:
    """The uniform-random policy: probability ``1 / n_actions`` for every action and position.

    Examples
    --------
    >>> uniform_action_dist(4, 2).shape
    (1, 4, 2)
    >>> float(uniform_action_dist(4, 2)[0, 3, 1])
    0.25
    """
    check_count("n_actions", n_actions)
    check_count("n_positions", n_positions)
    return np.full((1, n_actions, n_positions), 1.0 / n_actions)


def on_policy(
    rewards: npt.ArrayLike, *, n_resamples: int = 1000, level: float = 0.95, seed: int = 0
) -> PolicyValue:
    """The logging policy's own value: the mean reward, with a bootstrap interval.

    Examples
    --------
    >>> on_policy([0, 1, 0, 1], n_resamples=200).estimate
    0.5
    """
    r = as_rewards(rewards)
    return _estimate("on-policy", r, np.ones_like(r), n_resamples, level, seed)


def ipw(
    rewards: npt.ArrayLike,
    actions: npt.ArrayLike,
    propensities: npt.ArrayLike,
    action_dist: npt.ArrayLike,
    positions: npt.ArrayLike | None = None,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> PolicyValue:
    """Inverse propensity weighting: ``mean(pi(a_i | x_i, k_i) / p_i * r_i)``.

    Parameters
    ----------
    rewards : array_like of float, shape (n,)
        Observed reward of each round (a click is 1.0).
    actions : array_like of int, shape (n,)
        Action the logging policy took, in ``[0, n_actions)``.
    propensities : array_like of float, shape (n,)
        Probability with which the logging policy took that action there, in ``(0, 1]``.
    action_dist : array_like of float, shape (n or 1, n_actions, n_positions) or (n or 1, n_actions)
        Target policy's probability of each action at each position; each round's
        probabilities over actions sum to one per position. One row stands for every round.
    positions : array_like of int, shape (n,), optional
        Slot of each round, in ``[0, n_positions)``; may be omitted with one position.
    n_resamples : int, default 1000
        Bootstrap resamples of the rounds.
    level : float, default 0.95
        Confidence level of the percentile interval.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    PolicyValue

    Raises
    ------
    cortesia.errors.ValidationError
        A ``ValueError`` naming the argument that is malformed.

    Examples
    --------
    The logging policy chose between two actions uniformly; the target always takes
    action 1, whose rounds were rewarded 1 and 0:

    >>> value = ipw([1.0, 0.0, 1.0, 0.0], [1, 0, 1, 1], [0.5] * 4, [[[0.0], [1.0]]])
    >>> value.estimate
    1.0
    """
    log = _Log.check(rewards, actions, propensities, action_dist, positions)
    terms = log.weights() * log.rewards
    return _estimate("ipw", terms, np.ones_like(terms), n_resamples, level, seed)


def snipw(
    rewards: npt.ArrayLike,
    actions: npt.ArrayLike,
    propensities: npt.ArrayLike,
    action_dist: npt.ArrayLike,
    positions: npt.ArrayLike | None = None,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> PolicyValue:
    """Self-normalised IPW: ``sum(w_i * r_i) / sum(w_i)`` with ``w_i = pi(a_i | x_i, k_i) / p_i``.

    Parameters are those of :func:`ipw`.

    Examples
    --------
    >>> value = snipw([1.0, 0.0, 1.0, 0.0], [1, 0, 1, 1], [0.5] * 4, [[[0.0], [1.0]]])
    >>> round(value.estimate, 4)
    0.6667
    """
    log = _Log.check(rewards, actions, propensities, action_dist, positions)
    weights = log.weights()
    if not weights.sum() > 0:
        raise ValidationError(
            "action_dist", "all zero on the logged actions", "no logged round supports it"
        )
    return _estimate("snipw", weights * log.rewards, weights, n_resamples, level, seed)


def doubly_robust(
    rewards: npt.ArrayLike,
    actions: npt.ArrayLike,
    propensities: npt.ArrayLike,
    action_dist: npt.ArrayLike,
    reward_hat: npt.ArrayLike,
    positions: npt.ArrayLike | None = None,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> PolicyValue:
    """Doubly robust: the reward model's value for the target, corrected by weighted residuals.

    ``mean(sum_a pi(a | x_i, k_i) q(x_i, a, k_i) + w_i * (r_i - q(x_i, a_i, k_i)))``.

    Parameters
    ----------
    reward_hat : array_like of float, same shape as ``action_dist``
        The reward model's expected reward ``q`` of every action at every position (one row
        may stand for every round). Fit it on other data than the log evaluated (or
        cross-fit) so that its errors do not hide in the correction.
    rewards, actions, propensities, action_dist, positions, n_resamples, level, seed
        As in :func:`ipw`.

    Examples
    --------
    A reward model that knows action 1 pays 2/3 in this log:

    >>> q = [[[0.0], [2 / 3]]]
    >>> value = doubly_robust([1.0, 0.0, 1.0, 0.0], [1, 0, 1, 1], [0.5] * 4, [[[0.0], [1.0]]], q)
    >>> round(value.estimate, 4)
    0.6667
    """
    log = _Log.check(rewards, actions, propensities, action_dist, positions)
    q = as_floats("reward_hat", reward_hat)
    if q.ndim == 2:
        q = q[:, :, np.newaxis]
    if q.ndim != 3 or q.shape[0] not in (1, log.n) or q.shape[1:] != log.dist.shape[1:]:
        raise ValidationError(
            "reward_hat", f"shape {q.shape}", f"must match action_dist {log.dist.shape}"
        )
    if not np.isfinite(q).all():
        raise ValidationError("reward_hat", "non-finite values", "must be finite numbers")
    model_value = (log.dist * q).sum(axis=1)  # (rows, positions): q averaged under pi
    rows_q = row_index(q.shape[0], log.n)
    direct = model_value[row_index(model_value.shape[0], log.n), log.positions]
    residual = log.rewards - q[rows_q, log.actions, log.positions]
    terms = direct + log.weights() * residual
    return _estimate("dr", terms, np.ones_like(terms), n_resamples, level, seed)


@dataclass(frozen=True, slots=True)
class _Log:
    """Checked logged feedback and the target policy's probabilities."""

    rewards: FloatArray
    actions: IntArray
    positions: IntArray
    propensities: FloatArray
    dist: FloatArray

    @property
    def n(self) -> int:
        return int(self.rewards.shape[0])

    @classmethod
    def check(
        cls,
        rewards: npt.ArrayLike,
        actions: npt.ArrayLike,
        propensities: npt.ArrayLike,
        action_dist: npt.ArrayLike,
        positions: npt.ArrayLike | None,
    ) -> _Log:
        r = as_rewards(rewards)
        n = r.shape[0]
        dist = as_action_dist(action_dist, n)
        a = as_indices("actions", actions, n, dist.shape[1])
        k = (
            np.zeros(n, dtype=np.int64)
            if positions is None and dist.shape[2] == 1
            else as_indices("positions", positions, n, dist.shape[2])
        )
        p = as_vector("propensities", propensities, n)
        if not ((p > 0) & (p <= 1)).all():
            raise ValidationError("propensities", extremes(p), "must lie in (0, 1]")
        return cls(r, a, k, p, dist)

    def weights(self) -> FloatArray:
        """``pi(a_i | x_i, k_i) / p_i`` for every round."""
        target = self.dist[row_index(self.dist.shape[0], self.n), self.actions, self.positions]
        weights: FloatArray = target / self.propensities
        return weights


def _estimate(
    name: str, numer: FloatArray, denom: FloatArray, n_resamples: int, level: float, seed: int
) -> PolicyValue:
    """``sum(numer) / sum(denom)`` and its percentile bootstrap interval over rounds."""
    check_count("n_resamples", n_resamples)
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise ValidationError("level", level, "must lie strictly between 0 and 1")
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise ValidationError("seed", seed, "must be an integer")
    n = numer.shape[0]
    rng = np.random.default_rng(seed)
    draws = np.empty(n_resamples)
    chunk = max(1, _BOOTSTRAP_CELLS // n)
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        idx = rng.integers(0, n, size=(stop - start, n))
        with np.errstate(invalid="ignore", divide="ignore"):  # an all-zero-weight resample
            draws[start:stop] = numer[idx].sum(axis=1) / denom[idx].sum(axis=1)
    draws = draws[np.isfinite(draws)]  # SNIPW is undefined on a resample without weight
    tail = (1.0 - level) / 2.0
    lower, upper = np.quantile(draws, [tail, 1.0 - tail]) if draws.size else (np.nan, np.nan)
    estimate = float(numer.sum() / denom.sum())
    return PolicyValue(name, estimate, float(lower), float(upper), float(level), n)
