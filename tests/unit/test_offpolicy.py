"""Off-policy estimators on simulated logs whose answer is known."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.errors import ValidationError
from cortesia.models.offpolicy import (
    FloatArray,
    IntArray,
    doubly_robust,
    ipw,
    on_policy,
    snipw,
    uniform_action_dist,
)

N_ACTIONS = 5
N_POSITIONS = 2
# Click probability of every action in every slot; the second slot is seen less.
THETA = np.array([[0.05, 0.03], [0.10, 0.06], [0.20, 0.12], [0.30, 0.18], [0.40, 0.24]])
# The target policy favours the good actions, the logging policy the poor ones.
TARGET = np.stack([np.array([0.05, 0.05, 0.1, 0.3, 0.5])] * N_POSITIONS, axis=1)[np.newaxis]
LOGGING = np.array([0.4, 0.3, 0.15, 0.1, 0.05])
TRUTH = float((TARGET[0] * THETA).sum(axis=0).mean())  # positions are drawn uniformly


@dataclass(frozen=True)
class Log:
    rewards: FloatArray
    actions: IntArray
    positions: IntArray
    propensities: FloatArray


def simulate(n: int, seed: int, logging: FloatArray = LOGGING) -> Log:
    rng = np.random.default_rng(seed)
    actions = rng.choice(N_ACTIONS, size=n, p=logging)
    positions = rng.integers(0, N_POSITIONS, size=n)
    rewards = (rng.random(n) < THETA[actions, positions]).astype(np.float64)
    return Log(rewards, actions, positions, logging[actions])


def estimates(log: Log, n_resamples: int = 1, seed: int = 0) -> dict[str, float]:
    args = (log.rewards, log.actions, log.propensities, TARGET)
    kw: dict[str, Any] = {"n_resamples": n_resamples, "seed": seed}
    return {
        "ipw": ipw(*args, log.positions, **kw).estimate,
        "snipw": snipw(*args, log.positions, **kw).estimate,
        "dr": doubly_robust(*args, THETA[np.newaxis], log.positions, **kw).estimate,
    }


@pytest.fixture(scope="module")
def repeated() -> dict[str, FloatArray]:
    """Each estimator on 2,000 independent logs of 1,000 rounds."""
    runs = [estimates(simulate(1000, seed)) for seed in range(2000)]
    return {name: np.array([run[name] for run in runs]) for name in runs[0]}


def test_on_policy_ipw_and_snipw_equal_the_mean_reward() -> None:
    log = simulate(2000, seed=1)
    logging_dist = np.broadcast_to(LOGGING[np.newaxis, :, np.newaxis], (1, 5, 2))
    args = (log.rewards, log.actions, log.propensities, logging_dist, log.positions)
    mean = float(log.rewards.mean())
    assert ipw(*args).estimate == pytest.approx(mean, rel=1e-12)
    assert snipw(*args).estimate == pytest.approx(mean, rel=1e-12)
    assert on_policy(log.rewards).estimate == pytest.approx(mean, rel=1e-12)


def test_on_policy_doubly_robust_is_close_to_the_mean_reward() -> None:
    log = simulate(20_000, seed=2)
    logging_dist = np.broadcast_to(LOGGING[np.newaxis, :, np.newaxis], (1, 5, 2))
    value = doubly_robust(
        log.rewards, log.actions, log.propensities, logging_dist, THETA[np.newaxis], log.positions
    )
    assert value.estimate == pytest.approx(log.rewards.mean(), abs=0.005)


def test_ipw_is_unbiased_over_many_simulated_logs(repeated: dict[str, FloatArray]) -> None:
    runs = repeated["ipw"]
    standard_error = runs.std(ddof=1) / np.sqrt(runs.size)
    assert abs(runs.mean() - TRUTH) < 3 * standard_error
    assert abs(runs.mean() - TRUTH) < 0.01


def test_dr_with_a_right_reward_model_is_unbiased(repeated: dict[str, FloatArray]) -> None:
    runs = repeated["dr"]
    assert abs(runs.mean() - TRUTH) < 3 * runs.std(ddof=1) / np.sqrt(runs.size)


def test_snipw_and_dr_vary_less_than_ipw(repeated: dict[str, FloatArray]) -> None:
    assert repeated["snipw"].var() < 0.8 * repeated["ipw"].var()
    assert repeated["dr"].var() < 0.8 * repeated["ipw"].var()


def test_ninety_five_percent_intervals_cover_the_truth_about_that_often() -> None:
    covered = {"ipw": 0, "snipw": 0, "dr": 0}
    runs = 60
    for seed in range(runs):
        log = simulate(1000, seed=1000 + seed)
        args = (log.rewards, log.actions, log.propensities, TARGET)
        values = [
            ipw(*args, log.positions, n_resamples=300, seed=seed),
            snipw(*args, log.positions, n_resamples=300, seed=seed),
            doubly_robust(*args, THETA[np.newaxis], log.positions, n_resamples=300, seed=seed),
        ]
        for value in values:
            covered[value.estimator] += value.covers(TRUTH)
    assert all(count / runs >= 0.85 for count in covered.values()), covered


def test_the_interval_surrounds_the_estimate_at_the_requested_level() -> None:
    log = simulate(3000, seed=3)
    args = (log.rewards, log.actions, log.propensities, TARGET, log.positions)
    wide = ipw(*args, level=0.99, n_resamples=500)
    narrow = ipw(*args, level=0.80, n_resamples=500)
    assert wide.lower < narrow.lower < narrow.estimate < narrow.upper < wide.upper
    assert (wide.level, wide.rounds, wide.estimator) == (0.99, 3000, "ipw")
    assert wide.covers(TRUTH)


def test_the_bootstrap_is_seeded() -> None:
    log = simulate(500, seed=4)
    args = (log.rewards, log.actions, log.propensities, TARGET, log.positions)
    assert snipw(*args, seed=7) == snipw(*args, seed=7)
    assert snipw(*args, seed=7).lower != snipw(*args, seed=8).lower


def test_a_per_round_action_dist_equals_the_broadcast_one() -> None:
    log = simulate(400, seed=5)
    per_round = np.broadcast_to(TARGET, (400, N_ACTIONS, N_POSITIONS))
    one_row = ipw(log.rewards, log.actions, log.propensities, TARGET, log.positions)
    every_row = ipw(log.rewards, log.actions, log.propensities, per_round, log.positions)
    assert one_row == every_row


def test_a_single_slot_needs_no_positions() -> None:
    value = ipw([1.0, 0.0, 1.0], [0, 1, 2], [1 / 3] * 3, uniform_action_dist(3))
    assert value.estimate == pytest.approx(2 / 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.floats(0, 1)), min_size=1, max_size=40))
def test_snipw_stays_within_the_range_of_the_rewards(rows: list[tuple[int, float]]) -> None:
    actions = np.array([a for a, _ in rows])
    rewards = np.array([r for _, r in rows])
    target = np.array([[0.7, 0.2, 0.1]])
    value = snipw(rewards, actions, [1 / 3] * len(rows), target, n_resamples=20)
    assert rewards.min() - 1e-12 <= value.estimate <= rewards.max() + 1e-12
    assert value.lower <= value.upper


GOOD: dict[str, Any] = {
    "rewards": [1.0, 0.0],
    "actions": [0, 1],
    "propensities": [0.5, 0.5],
    "action_dist": [[[0.5, 0.5], [0.5, 0.5]]],
    "positions": [0, 1],
}

BAD = [
    ("rewards", []),
    ("rewards", [1.0, float("nan")]),
    ("rewards", [[1.0, 0.0]]),
    ("rewards", ["click", "no"]),
    ("actions", [0, 2]),
    ("actions", [-1, 0]),
    ("actions", [0.0, 1.0]),
    ("actions", [0, 1, 1]),
    ("positions", [0, 2]),
    ("positions", None),
    ("propensities", [0.0, 0.5]),
    ("propensities", [0.5, 1.5]),
    ("propensities", [0.5]),
    ("action_dist", [[[0.5, 0.5], [0.4, 0.4]]]),
    ("action_dist", [[[1.5, 0.5], [-0.5, 0.5]]]),
    ("action_dist", [[[1.0, 1.0]], [[0.0, 0.0]], [[0.0, 0.0]]]),
    ("action_dist", [[[[1.0]]]]),
    ("n_resamples", 0),
    ("n_resamples", 2.5),
    ("level", 1.0),
    ("level", 0),
    ("seed", "x"),
]


@pytest.mark.parametrize(("name", "value"), BAD)
def test_bad_inputs_are_refused_naming_the_argument(name: str, value: object) -> None:
    kwargs = {**GOOD, name: value}
    for estimator in (ipw, snipw):
        with pytest.raises(ValidationError) as caught:
            estimator(**kwargs)
        assert caught.value.problem.field == name
        assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "reward_hat", [[[[0.1], [0.2]]], [[[0.1, 0.2], [0.3, float("inf")]]], "high"]
)
def test_a_bad_reward_model_is_refused(reward_hat: Any) -> None:
    with pytest.raises(ValidationError, match="reward_hat"):
        doubly_robust(**GOOD, reward_hat=reward_hat)


def test_snipw_refuses_a_target_the_log_never_supports() -> None:
    with pytest.raises(ValidationError, match="action_dist"):
        snipw([1.0, 0.0], [0, 0], [0.5, 0.5], [[[0.0], [1.0]]])


def test_uniform_action_dist_refuses_no_actions() -> None:
    with pytest.raises(ValidationError, match="n_actions"):
        uniform_action_dist(0)


def test_snipw_without_a_defined_resample_has_no_interval_rather_than_a_crash() -> None:
    # Seed 6 draws one resample that misses the only round the target supports.
    args = ([1.0] + [0.0] * 9, [0] + [1] * 9, [0.5] * 10, [[[1.0], [0.0]]])
    value = snipw(*args, n_resamples=1, seed=6)
    assert value.estimate == 1.0
    assert np.isnan(value.lower) and np.isnan(value.upper) and not value.covers(1.0)
