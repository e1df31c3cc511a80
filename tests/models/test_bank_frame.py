"""A bank scores a whole frame with the same numbers as one customer at a time."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from cortesia.errors import ValidationError
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.bank_frame import CHUNK_ROWS

ACTIONS = ["loan", "card", "insurance", "savings"]
PLANS = ["basic", "gold", "platinum"]


def _learned_bank(seed: int, n: int = 400) -> BayesianLogisticBank:
    """A bank after a random stream of mixed numeric, symbolic and missing features."""
    rng = np.random.default_rng(seed)
    bank = BayesianLogisticBank(prior_variance=0.5 + rng.random(), prior_rate=0.05, seed=seed)
    for _ in range(n):
        x: dict[str, object] = {
            "action": ACTIONS[int(rng.integers(3))],  # "savings" is never learned
            "age": float(rng.normal(40, 12)) if rng.random() < 0.9 else None,
            "visits": int(rng.integers(0, 20)),
            "plan": PLANS[int(rng.integers(2))],  # "platinum" is never learned
            "vip": bool(rng.random() < 0.3),
            "mixed": str(rng.choice(["a", "b"])) if rng.random() < 0.5 else float(rng.random()),
        }
        if rng.random() < 0.5:
            x["region"] = str(rng.choice(["north", "south"]))
        bank.learn_one(x, bool(rng.random() < 0.2 + 0.01 * (x["visits"] or 0)))  # type: ignore[operator]
    return bank


def _frame(seed: int, n: int) -> dict[str, NDArray[np.generic]]:
    """Columns of every kind: floats with NaN, ints, strings, bools and mixed objects."""
    rng = np.random.default_rng(seed + 1)
    age = rng.normal(40, 30, n)
    age[rng.random(n) < 0.2] = np.nan
    mixed = np.empty(n, dtype=object)
    mixed[:] = [[None, "a", "b", "c", 0.3, 7, True][int(k)] for k in rng.integers(0, 7, n)]
    return {
        "action": np.array(["ignored"] * n),
        "age": age,
        "visits": rng.integers(-5, 40, n),
        "plan": rng.choice(PLANS, n),
        "vip": rng.random(n) < 0.5,
        "mixed": mixed,
        "never_learned": rng.normal(size=n),
    }


def _row(columns: dict[str, NDArray[np.generic]], r: int) -> dict[str, object]:
    row = {name: column[r] for name, column in columns.items()}
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in row.items()}


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_the_frame_scores_equal_the_real_time_scores_row_by_row(seed: int) -> None:
    bank = _learned_bank(seed)
    columns = _frame(seed, 60)
    frame = bank.predict_proba_frame(columns, ACTIONS)
    rows = np.array([bank.predict_proba_actions(_row(columns, r), ACTIONS) for r in range(60)])
    assert frame.shape == (60, len(ACTIONS))
    np.testing.assert_allclose(frame, rows, rtol=0.0, atol=1e-9)


def test_rows_and_columns_give_the_same_frame() -> None:
    bank = _learned_bank(3)
    columns = _frame(3, 30)
    rows = [_row(columns, r) for r in range(30)]
    np.testing.assert_allclose(
        bank.predict_proba_frame(rows, ACTIONS),
        bank.predict_proba_frame(columns, ACTIONS),
        rtol=0.0,
        atol=1e-12,
    )


def test_a_frame_longer_than_a_chunk_is_scored_whole() -> None:
    bank = _learned_bank(5, n=100)
    n = CHUNK_ROWS + 17
    rng = np.random.default_rng(0)
    columns = {"age": rng.normal(40, 12, n), "plan": rng.choice(PLANS, n)}
    frame = bank.predict_proba_frame(columns, ACTIONS)
    for r in (0, CHUNK_ROWS - 1, CHUNK_ROWS, n - 1):
        expected = bank.predict_proba_actions(_row(columns, r), ACTIONS)
        np.testing.assert_allclose(frame[r], expected, rtol=0.0, atol=1e-9)


def test_thompson_draws_over_a_frame_equal_the_draws_row_by_row() -> None:
    bank = _learned_bank(7)
    columns = _frame(7, 25)
    frame = bank.sample_frame(columns, ACTIONS, np.random.default_rng(11))
    rng = np.random.default_rng(11)
    rows = np.array([bank.sample_actions(_row(columns, r), ACTIONS, rng) for r in range(25)])
    np.testing.assert_allclose(frame, rows, rtol=0.0, atol=1e-9)


def test_an_empty_frame_or_no_actions_give_an_empty_matrix() -> None:
    bank = _learned_bank(1, n=20)
    assert bank.predict_proba_frame({"age": np.array([])}, ACTIONS).shape == (0, 4)
    assert bank.predict_proba_frame({"age": np.array([1.0])}, []).shape == (1, 0)


def test_an_unfitted_bank_scores_the_prior_rate_everywhere() -> None:
    bank = BayesianLogisticBank(prior_rate=0.1)
    frame = bank.predict_proba_frame({"plan": np.array(["gold", "basic"])}, ["loan"])
    expected = bank.predict_proba_actions({"plan": "gold"}, ["loan"])
    np.testing.assert_allclose(frame, np.full((2, 1), expected[0]), rtol=0.0, atol=1e-12)


def test_a_value_of_no_feature_type_is_refused_as_in_the_row_path() -> None:
    bank = _learned_bank(1, n=20)
    column = np.empty(1, dtype=object)
    column[0] = b"bytes"
    with pytest.raises(ValidationError):
        bank.predict_proba_frame({"plan": column}, ACTIONS)


def test_symbols_of_many_values_are_gathered_with_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bank = _learned_bank(9)
    columns = _frame(9, 40)
    one_hot = bank.predict_proba_frame(columns, ACTIONS)
    monkeypatch.setattr("cortesia.models.bank_frame.ONE_HOT_MAX", 1)
    gathered = bank.predict_proba_frame(columns, ACTIONS)
    rows = np.array([bank.predict_proba_actions(_row(columns, r), ACTIONS) for r in range(40)])
    np.testing.assert_allclose(gathered, one_hot, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(gathered, rows, rtol=0.0, atol=1e-9)


def test_without_scipy_the_frame_falls_back_to_the_row_paths_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cortesia.models import bank_frame

    monkeypatch.setitem(sys.modules, "scipy.special", None)  # import now raises ImportError
    monkeypatch.setattr(bank_frame, "normal_cdf_into", bank_frame._exact_cdf())
    bank = _learned_bank(4)
    columns = _frame(4, 20)
    rows = np.array([bank.predict_proba_actions(_row(columns, r), ACTIONS) for r in range(20)])
    np.testing.assert_allclose(bank.predict_proba_frame(columns, ACTIONS), rows, atol=1e-12)
