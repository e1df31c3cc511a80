"""Open Bandit Dataset: our learner's policies, trained on the first 70 % of the random log.

The learner and its policies come from ``bench/obd_eval.py`` (one source of truth for the
benchmark and these checks): a ``BayesianLogisticBank`` keyed by item, with the user
features and the user-item affinity as features. On the held-out 30 % its Thompson policy
must be a distribution over items for every round and slot, its IPW value a probability
with an interval around it, and everything the same for the same seeds.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from cortesia.batch.obd import BanditLog, load_obd
from cortesia.models.offpolicy import ipw

ROOT = Path(__file__).resolve().parents[2]
OBD = ROOT.parent / "shared/data/obd"
BENCH = ROOT / "bench" / "obd_eval.py"
DRAWS = 20  # Thompson draws a round: enough for a valid distribution, fast for a test

pytestmark = pytest.mark.skipif(
    not OBD.exists() and not os.environ.get("CI"),
    reason="shared/data/obd is not present (in CI its absence fails the test)",
)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("obd_eval", BENCH)
    if spec is None or spec.loader is None:
        raise ImportError(BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


@cache
def _split() -> tuple[BanditLog, BanditLog]:
    return load_obd(OBD / "random/all").split(0.7)


@cache
def _policies(seed: int) -> dict[str, np.ndarray]:
    bench = _bench()
    train, test = _split()
    bank = bench.train_bank(train, seed)
    policies: dict[str, np.ndarray] = bench.learner_policies(bank, test, DRAWS, seed)
    return policies


def test_the_thompson_policy_is_a_distribution_over_items_per_round_and_slot() -> None:
    _, test = _split()
    dist = _policies(0)["bank Thompson"]
    assert dist.shape == (test.n_rounds, test.n_actions, test.n_positions)
    assert ((dist >= 0) & (dist <= 1)).all()
    np.testing.assert_allclose(dist.sum(axis=1), 1.0, atol=1e-12)
    # a slate shows an item once: its probabilities over the slots sum to at most 1
    assert (dist.sum(axis=2) <= 1 + 1e-12).all()


def test_the_greedy_policy_shows_one_item_per_slot_and_three_distinct_items() -> None:
    dist = _policies(0)["bank greedy"]
    assert set(np.unique(dist)) <= {0.0, 1.0}
    np.testing.assert_allclose(dist.sum(axis=1), 1.0)
    assert (dist.sum(axis=(1, 2)) == 3).all() and (dist.sum(axis=2) <= 1).all()


def test_the_thompson_policy_has_an_ipw_value_in_its_interval_within_zero_and_one() -> None:
    _, test = _split()
    dist = _policies(0)["bank Thompson"]
    value = ipw(
        test.rewards, test.actions, test.propensities, dist, test.positions, n_resamples=300
    )
    assert value.lower <= value.estimate <= value.upper
    assert value.lower >= 0 and value.upper <= 1
    assert value.rounds == test.n_rounds


def test_the_same_seeds_give_the_same_policies_and_another_seed_other_draws() -> None:
    bench = _bench()
    train, test = _split()
    again = bench.learner_policies(bench.train_bank(train, 0), test, DRAWS, 0)
    for name, dist in _policies(0).items():
        np.testing.assert_array_equal(again[name], dist)
    other = bench.learner_policies(bench.train_bank(train, 0), test, DRAWS, 1)
    assert not np.array_equal(other["bank Thompson"], again["bank Thompson"])
    np.testing.assert_array_equal(other["bank greedy"], again["bank greedy"])
