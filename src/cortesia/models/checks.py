"""One conformance suite for every propensity learner, ours and the users' own.

``check_model(factory)`` builds models with ``factory()`` (which must give a fresh,
unfitted model with fixed hyper-parameters and seed) and runs every check in
``CHECKS``: learning returns ``None``; hyper-parameters stay as given; a clone is a
fresh, unfitted copy; a pickled model predicts and keeps learning exactly like the
original; two models built alike learn alike; probabilities, intervals and posterior
draws lie in [0, 1], also for missing, unseen and extreme values; the input is never
changed; and ``predict_proba_many`` gives ``predict_proba_one``'s numbers, from rows or
from columns. Checks of uncertainty run when the model has ``proba_interval`` or
``sample_proba_one``. A failed check raises ``ConformanceError`` naming what broke.

Examples
--------
>>> from cortesia.models.logistic import BayesianLogistic
>>> check_model(lambda: BayesianLogistic(prior_variance=0.5, seed=1))
"""

from __future__ import annotations

import copy
import math
import pickle
from collections.abc import Callable

import numpy as np

from cortesia.errors import CortesiaError
from cortesia.models.base import (
    BayesianClassifier,
    Features,
    OnlineClassifier,
    clone,
    hyper_parameters,
)

Factory = Callable[[], OnlineClassifier]
Check = Callable[[Factory], None]

_TOLERANCE = 1e-9  # row and columnar sums may add in another order


class ConformanceError(CortesiaError, AssertionError):
    """A model broke the contract every learner promises."""


def sample_stream(n: int = 300, seed: int = 7) -> list[tuple[dict[str, object], bool]]:
    """A seeded stream of customers and outcomes with numeric and symbolic features.

    Examples
    --------
    >>> x, y = sample_stream(1)[0]
    >>> sorted(x), type(y)
    (['age', 'balance', 'plan', 'vip'], <class 'bool'>)
    """
    rng = np.random.default_rng(seed)
    stream: list[tuple[dict[str, object], bool]] = []
    for _ in range(n):
        age = int(rng.integers(18, 90))
        balance = float(rng.lognormal(7.0, 1.5))
        plan = str(rng.choice(["basic", "gold", "platinum"]))
        vip = bool(rng.random() < 0.2)
        logit = -2.0 + 0.04 * (age - 50) + (1.0 if plan == "gold" else 0.0) + 1.5 * vip
        y = bool(rng.random() < 1.0 / (1.0 + math.exp(-logit)))
        stream.append(({"age": age, "balance": balance, "plan": plan, "vip": vip}, y))
    return stream


def probe_rows() -> list[dict[str, object]]:
    """Rows a model must score without fuss: missing, unseen, extreme, empty."""
    return [
        {"age": 40, "balance": 1200.0, "plan": "gold", "vip": False},
        {"age": None, "balance": float("nan"), "plan": None},
        {"plan": "never seen", "vip": True},
        {"age": 10**9, "balance": -1e300},
        {},
    ]


def _fail(check: str, why: str) -> ConformanceError:
    return ConformanceError(f"{check}: {why}")


def _fit(model: OnlineClassifier, n: int = 300) -> OnlineClassifier:
    for x, y in sample_stream(n):
        model.learn_one(x, y)
    return model


def _predictions(model: OnlineClassifier) -> list[float]:
    return [model.predict_proba_one(x) for x in probe_rows()]


def check_learn_one_returns_none(factory: Factory) -> None:
    """``learn_one`` returns ``None`` (river's contract: no chaining, no hidden copy)."""
    model = factory()
    for x, y in sample_stream(20):
        learn: Callable[[Features, bool], object] = model.learn_one
        result = learn(x, y)
        if result is not None:
            raise _fail("learn_one_returns_none", f"returned {result!r}")


def check_hyper_parameters_unchanged(factory: Factory) -> None:
    """Learning leaves the public hyper-parameters exactly as they were given."""
    model = factory()
    before = copy.deepcopy(hyper_parameters(model))
    _fit(model)
    after = hyper_parameters(model)
    if repr(after) != repr(before):
        raise _fail("hyper_parameters_unchanged", f"{before} became {after}")


def check_clone_is_fresh_copy(factory: Factory) -> None:
    """A clone has the same hyper-parameters and predicts like an unfitted model."""
    fitted = _fit(factory())
    fresh = clone(fitted)
    if type(fresh) is not type(fitted) or repr(hyper_parameters(fresh)) != repr(
        hyper_parameters(fitted)
    ):
        raise _fail("clone_is_fresh_copy", "hyper-parameters differ from the original's")
    if _predictions(fresh) != _predictions(factory()):
        raise _fail("clone_is_fresh_copy", "the clone kept learned state")


def check_pickle_round_trip(factory: Factory) -> None:
    """A pickled model predicts, and keeps learning, exactly like the original."""
    model = _fit(factory(), 150)
    copy_ = pickle.loads(pickle.dumps(model))  # noqa: S301  # our own bytes
    if _predictions(copy_) != _predictions(model):
        raise _fail("pickle_round_trip", "predictions changed after unpickling")
    for x, y in sample_stream(150, seed=8):
        model.learn_one(x, y)
        copy_.learn_one(x, y)
    if _predictions(copy_) != _predictions(model):
        raise _fail("pickle_round_trip", "the unpickled model learns differently")


def check_seeded_determinism(factory: Factory) -> None:
    """Two models built alike and fed alike say the same, draws included."""
    first, second = _fit(factory()), _fit(factory())
    if _predictions(first) != _predictions(second):
        raise _fail("seeded_determinism", "same stream, different predictions")
    if isinstance(first, BayesianClassifier) and isinstance(second, BayesianClassifier):
        draws = [[m.sample_proba_one(x) for x in probe_rows()] for m in (first, second)]
        if draws[0] != draws[1]:
            raise _fail("seeded_determinism", "same seed, different posterior draws")


def check_probabilities_in_unit_interval(factory: Factory) -> None:
    """Probabilities, intervals and draws lie in [0, 1], before and after learning."""
    for model in (factory(), _fit(factory())):
        values = _predictions(model)
        rng = np.random.default_rng(0)
        for x in probe_rows():
            if isinstance(model, BayesianClassifier):
                low, high = model.proba_interval(x)
                if not low <= high:
                    raise _fail("probabilities_in_unit_interval", f"interval {low} > {high}")
                values += [low, high, model.sample_proba_one(x, rng)]
        bad = [v for v in values if not (isinstance(v, float) and 0.0 <= v <= 1.0)]
        if bad:
            raise _fail("probabilities_in_unit_interval", f"got {bad}")


def check_input_not_mutated(factory: Factory) -> None:
    """Neither learning nor scoring changes the caller's features."""
    model = factory()
    for x, y in sample_stream(50):
        kept = dict(x)
        model.learn_one(x, y)
        model.predict_proba_one(x)
        if repr(x) != repr(kept):
            raise _fail("input_not_mutated", f"{kept} became {x}")


def check_row_column_parity(factory: Factory) -> None:
    """``predict_proba_many`` over rows or columns equals ``predict_proba_one`` per row."""
    for model in (factory(), _fit(factory())):
        rows: list[Features] = [x for x, _ in sample_stream(40, seed=9)]
        rows += probe_rows()
        one = np.array([model.predict_proba_one(x) for x in rows])
        from_rows = model.predict_proba_many(rows)
        dense = rows[:40]
        columns = {name: np.array([x[name] for x in dense]) for name in dense[0]}
        from_columns = model.predict_proba_many(columns)
        if from_rows.shape != one.shape or not np.allclose(from_rows, one, rtol=0, atol=_TOLERANCE):
            raise _fail("row_column_parity", "rows scored together differ from one by one")
        if not np.allclose(from_columns, one[:40], rtol=0, atol=_TOLERANCE):
            raise _fail("row_column_parity", "columns differ from rows scored one by one")


CHECKS: tuple[Check, ...] = (
    check_learn_one_returns_none,
    check_hyper_parameters_unchanged,
    check_clone_is_fresh_copy,
    check_pickle_round_trip,
    check_seeded_determinism,
    check_probabilities_in_unit_interval,
    check_input_not_mutated,
    check_row_column_parity,
)


def check_model(factory: Factory) -> None:
    """Run every check in ``CHECKS`` on models built by ``factory``.

    Raises
    ------
    ConformanceError
        At the first check the model fails, naming it.
    """
    for check in CHECKS:
        check(factory)
