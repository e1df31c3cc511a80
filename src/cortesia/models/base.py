"""What every propensity learner promises: river's verbs, one row or a whole frame.

An online classifier learns one outcome at a time (``learn_one(x, y) -> None``) and says
P(y = True | x) for one customer (``predict_proba_one``) or for many at once
(``predict_proba_many``), with the same numbers either way. A Bayesian one also says how
sure it is: ``proba_interval`` gives a credible interval and ``sample_proba_one`` draws a
probability from its posterior, which is what Thompson sampling needs.

A feature mapping ``x`` holds ``str`` (symbolic), ``bool`` (symbolic), ``int`` or
``float`` (numeric) values; ``None`` and NaN mean *missing*. Many customers are given
either as rows (a sequence of such mappings) or as columns: a mapping of feature name to
a 1-D NumPy array, i.e. a feature matrix with named columns, such as a Polars or pandas
frame's columns.

Hyper-parameters are the constructor's arguments, kept public and unchanged; learned
state is private. ``clone`` builds a fresh, unfitted model with the same hyper-parameters.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeAlias, TypeGuard, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError

Features: TypeAlias = Mapping[str, object]
"""One customer's features: name → ``str`` | ``bool`` | ``int`` | ``float`` | ``None``."""

Columns: TypeAlias = Mapping[str, NDArray[np.generic]]
"""Many customers' features: name → 1-D array, one entry per customer."""

Batch: TypeAlias = Sequence[Features] | Columns
"""Rows or columns: what ``predict_proba_many`` accepts."""

M = TypeVar("M")


@runtime_checkable
class OnlineClassifier(Protocol):
    """A binary classifier that learns from one outcome at a time."""

    def learn_one(self, x: Features, y: bool) -> None:
        """Update the model with one outcome ``y`` observed for features ``x``."""

    def predict_proba_one(self, x: Features) -> float:
        """P(y = True | x) for one customer, in [0, 1]."""
        ...

    def predict_proba_many(self, batch: Batch) -> NDArray[np.float64]:
        """P(y = True | x) for every row, equal to ``predict_proba_one`` row by row."""
        ...


@runtime_checkable
class BayesianClassifier(OnlineClassifier, Protocol):
    """An online classifier whose probabilities carry their uncertainty."""

    def proba_interval(self, x: Features, level: float = 0.9) -> tuple[float, float]:
        """A central credible interval of P(y = True | x) at ``level``."""
        ...

    def sample_proba_one(self, x: Features, rng: np.random.Generator | None = None) -> float:
        """One draw of P(y = True | x) from the posterior (Thompson sampling)."""
        ...


def hyper_parameters(model: object) -> dict[str, object]:
    """The constructor arguments of ``model``, read from its public attributes.

    Examples
    --------
    >>> class Toy:
    ...     def __init__(self, prior_variance: float = 1.0, *, seed: int = 0) -> None:
    ...         self.prior_variance = prior_variance
    ...         self.seed = seed
    >>> hyper_parameters(Toy(2.0, seed=3))
    {'prior_variance': 2.0, 'seed': 3}
    """
    names = [
        name
        for name, p in inspect.signature(type(model).__init__).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    missing = [name for name in names if not hasattr(model, name)]
    if missing:
        raise ValidationError(
            "model", type(model).__name__, f"hyper-parameters not kept as attributes: {missing}"
        )
    return {name: getattr(model, name) for name in names}


def clone(model: M) -> M:
    """A fresh, unfitted model with the same hyper-parameters as ``model``.

    Examples
    --------
    >>> class Toy:
    ...     def __init__(self, rate: float = 0.5) -> None:
    ...         self.rate = rate
    ...         self._seen = 0
    >>> toy = Toy(0.2)
    >>> toy._seen = 10
    >>> copy = clone(toy)
    >>> (copy.rate, copy._seen)
    (0.2, 0)
    """
    return type(model)(**hyper_parameters(model))


def is_missing(value: object) -> bool:
    """Whether a feature value counts as missing (``None`` or a float NaN).

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), 0, "")]
    [True, True, False, False]
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


def is_numeric(value: object) -> TypeGuard[int | float]:
    """Whether a present value is numeric (``int`` or ``float``, but not ``bool``).

    Examples
    --------
    >>> [is_numeric(v) for v in (1, 2.5, True, "3")]
    [True, True, False, False]
    """
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_columns(batch: Batch) -> tuple[Columns, int]:
    """Columns and the number of rows, whichever shape ``batch`` came in.

    Rows become object columns holding the same Python values, so the columnar path
    sees exactly what the row path saw; a key absent from a row becomes ``None``.

    Examples
    --------
    >>> cols, n = as_columns([{"age": 30}, {"job": "admin."}])
    >>> n, sorted(cols), cols["age"].tolist()
    (2, ['age', 'job'], [30, None])
    """
    if isinstance(batch, Mapping):
        return _checked_columns(batch)
    names: dict[str, None] = {}
    for row in batch:
        names.update(dict.fromkeys(row))
    columns: dict[str, NDArray[np.generic]] = {}
    for name in names:
        column = np.empty(len(batch), dtype=object)
        column[:] = [row.get(name) for row in batch]
        columns[name] = column
    return columns, len(batch)


def _checked_columns(batch: Columns) -> tuple[Columns, int]:
    columns = {name: np.asarray(values) for name, values in batch.items()}
    lengths = {len(values) for values in columns.values() if values.ndim == 1}
    if any(values.ndim != 1 for values in columns.values()) or len(lengths) > 1:
        raise ValidationError("batch", sorted(columns), "columns must be 1-D and equally long")
    return columns, lengths.pop() if lengths else 0


def sigmoid(z: float) -> float:
    """The logistic function, without overflow for large ``|z|``.

    Examples
    --------
    >>> sigmoid(0.0), round(sigmoid(800.0), 3), round(sigmoid(-800.0), 3)
    (0.5, 1.0, 0.0)
    """
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_array(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """The logistic function element-wise, the same numbers as :func:`sigmoid`.

    Examples
    --------
    >>> sigmoid_array(np.array([0.0, 800.0, -800.0])).round(3).tolist()
    [0.5, 1.0, 0.0]
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
