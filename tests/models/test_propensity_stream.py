"""On a simulated stream with a known generating model, the propensity learners converge.

The stream and the learners come from ``bench/propensity_stream.py`` (one source of truth
for the benchmark and this bound): five actions whose acceptance depends on the customer
in action-specific ways, offered uniformly; every learner scores each offer, then learns
its outcome. The oracle scores with the true probabilities.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "propensity_stream.py"
EVENTS = 20_000
LEARNERS = ("BayesianLogistic per action", "BayesianLogisticBank")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("propensity_stream", BENCH)
    if spec is None or spec.loader is None:
        raise ImportError(BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


@cache
def _run() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    bench = _bench()
    rows, truth, y = bench.make_stream(EVENTS, seed=11)
    learners = {name: bench.LEARNERS[name] for name in LEARNERS}
    return truth, y, bench.progressive(learners, rows, y)


def _tenths(y: np.ndarray, p: np.ndarray) -> list[float]:
    result: list[float] = _bench().auc_by_tenth(y, p)
    return result


@pytest.mark.parametrize("name", LEARNERS)
def test_the_last_tenth_ranks_within_two_points_of_the_true_probabilities(name: str) -> None:
    truth, y, predictions = _run()
    oracle, model = _tenths(y, truth), _tenths(y, predictions[name])
    assert model[-1] > oracle[-1] - 0.02


@pytest.mark.parametrize("name", LEARNERS)
def test_the_first_tenth_is_learned_from_scratch_and_ranks_worse(name: str) -> None:
    # Compared with the oracle on the same offers: a tenth's own AUC varies with its draws.
    truth, y, predictions = _run()
    oracle, model = _tenths(y, truth), _tenths(y, predictions[name])
    assert model[0] < oracle[0] - 0.03
    assert oracle[0] - model[0] > 3 * (oracle[-1] - model[-1])


@pytest.mark.parametrize("name", LEARNERS)
def test_the_second_half_is_calibrated(name: str) -> None:
    _, y, predictions = _run()
    half = slice(EVENTS // 2, None)
    assert predictions[name][half].mean() == pytest.approx(y[half].mean(), abs=0.01)


def test_the_bank_learns_like_one_model_per_action() -> None:
    _, y, predictions = _run()
    bank, alone = predictions["BayesianLogisticBank"], predictions["BayesianLogistic per action"]
    assert np.abs(np.array(_tenths(y, bank)) - _tenths(y, alone)).max() < 0.01
