"""Scoring a whole frame of customers against every action of a bank at once.

The outbound plan scores every customer of a frame for every action: the same numbers as
the real-time path (``BayesianLogisticBank.predict_proba_actions`` row by row), but
without a Python step per customer. The frame is encoded once:

- numbers become one dense matrix of standardised, clipped values (rows × numeric
  features, 0 where missing);
- symbols become, per feature, the weight row of each distinct value present
  (``name=value``) and each row's position among them.

Each chunk of rows is then one dense matrix ``X``: a column of ones (the intercept), the
numbers, and the one-hot columns of the values *present* in the frame (not the whole
vocabulary), so the score's mean and variance are two BLAS products, ``X @ M`` and
``X² @ V``. A symbol of more than ``ONE_HOT_MAX`` distinct values (a postcode) is
gathered instead: its weight rows are added row by row with ``np.take``.

Two extra weight rows mirror the row path: *unseen* (mean 0, the prior variance, for a
feature or value never learned) and *absent* (mean 0, variance 0, for a missing value).
Rows are scored in chunks so that the temporaries stay small whatever the frame's length.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError
from cortesia.models.base import Columns, is_missing, is_numeric
from cortesia.models.probit import BETA2, normal_cdf_array

Floats = NDArray[np.float64]

ONE_HOT_MAX = 256  # a symbol of more distinct values is gathered rather than one-hot
CHUNK_ROWS = 20_000  # rows scored at once: 20,000 × 200 actions × 8 B = 32 MB per temporary


def _exact_cdf() -> Callable[[Floats, Floats], Floats]:
    """Φ element-wise into ``out``: SciPy's ``ndtr`` when installed (7× faster), else the
    row path's own function."""
    try:
        from scipy.special import ndtr
    except ImportError:  # the learners need only NumPy; SciPy is the ``learn`` extra

        def fallback(z: Floats, out: Floats) -> Floats:
            out[...] = normal_cdf_array(z)
            return out

        return fallback

    def cdf(z: Floats, out: Floats) -> Floats:
        return np.asarray(ndtr(z, out=out), dtype=np.float64)

    return cdf


normal_cdf_into = _exact_cdf()
"""Φ(z) written into ``out``; equal to :func:`~cortesia.models.logistic.normal_cdf_array`
to 1e-15.

Examples
--------
>>> out = np.empty(3)
>>> normal_cdf_into(np.array([0.0, 40.0, -1.6449]), out).round(4).tolist()
[0.5, 1.0, 0.05]
"""


@dataclass
class Symbol:
    """One symbolic column: the weight row of each distinct value, and each row's value."""

    levels: NDArray[np.intp]  # (m,) weight rows of the m distinct values
    inverse: NDArray[np.intp]  # (n,) position of each row's value in ``levels``


@dataclass
class Design:
    """A frame encoded for scoring: numeric values and symbolic columns.

    ``numeric_rows[j]`` is the weight row of the j-th column of ``numeric``. Rows
    ``unseen`` and ``absent`` of the weights are the two extra rows.
    """

    n: int
    numeric: Floats  # (n, k) standardised, clipped; 0 where missing
    numeric_rows: list[int] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)


@dataclass
class Encoder:
    """What the encoding needs to know of a model: vocabulary, scales and clip."""

    index: dict[str, int]
    scale: dict[str, list[float]]
    clip: float
    skip: str  # the action column, which names the model rather than describing the row

    @property
    def unseen(self) -> int:
        """The weight row of a feature never learned."""
        return len(self.index)

    @property
    def absent(self) -> int:
        """The weight row of a missing value (contributes nothing)."""
        return len(self.index) + 1

    def encode(self, columns: Columns, n: int) -> Design:
        """Encode every column of the frame once."""
        numeric: list[Floats] = []
        design = Design(n, np.empty((n, 0)))
        for name, column in columns.items():
            if name == self.skip:
                continue
            if column.dtype.kind in "iuf":
                numeric.append(self.standardise(name, column.astype(np.float64)))
                design.numeric_rows.append(self.index.get(name, self.unseen))
            elif column.dtype.kind in "Ub":
                design.symbols.append(self._symbol(name, column))
            else:
                self._encode_objects(name, column, design, numeric)
        if numeric:
            design.numeric = np.ascontiguousarray(np.column_stack(numeric))
        return design

    def standardise(self, name: str, values: Floats) -> Floats:
        """The row path's standardisation; NaN (missing) becomes 0, which adds nothing."""
        scale = self.scale.get(name)
        if scale is None or scale[2] <= 0.0:
            return np.zeros(len(values))
        z = (values - scale[1]) / np.sqrt(scale[2] / scale[0])
        return np.where(np.isnan(z), 0.0, np.clip(z, -self.clip, self.clip))

    def _symbol(self, name: str, column: NDArray[np.generic]) -> Symbol:
        # Each distinct value is looked up once; rows refer to it by position.
        uniques, inverse = np.unique(column, return_inverse=True)
        levels = [self._key_row(f"{name}={u}") for u in uniques.tolist()]
        return Symbol(np.array(levels, dtype=np.intp), inverse.reshape(-1).astype(np.intp))

    def _key_row(self, key: str) -> int:
        return self.index.get(key, self.unseen)

    def _encode_objects(
        self, name: str, column: NDArray[np.generic], design: Design, numeric: list[Floats]
    ) -> None:
        """A column of Python values, possibly mixed: symbols and numbers apart."""
        inverse = np.zeros(design.n, dtype=np.intp)  # position 0: absent
        values = np.full(design.n, np.nan)
        found: dict[str, int] = {}  # key → position in levels
        levels = [self.absent]
        for row, raw in enumerate(column.tolist()):
            value = raw.item() if isinstance(raw, np.generic) else raw
            if is_missing(value):
                continue
            if isinstance(value, str | bool):
                key = f"{name}={value}"
                position = found.get(key)
                if position is None:
                    position = found[key] = len(levels)
                    levels.append(self._key_row(key))
                inverse[row] = position
            elif is_numeric(value):
                values[row] = float(value)
            else:
                raise ValidationError(
                    name, value, "a feature must be str, bool, int, float or None"
                )
        design.symbols.append(Symbol(np.array(levels, dtype=np.intp), inverse))
        if not np.isnan(values).all():
            numeric.append(self.standardise(name, values))
            design.numeric_rows.append(self.index.get(name, self.unseen))


def extended_weights(mean: Floats, var: Floats, prior_variance: float) -> tuple[Floats, Floats]:
    """Feature-major weights (features + 2, actions) with the unseen and absent rows."""
    n_actions = mean.shape[0]
    ext_mean = np.zeros((mean.shape[1] + 2, n_actions))
    ext_var = np.zeros((mean.shape[1] + 2, n_actions))
    ext_mean[:-2] = mean.T
    ext_var[:-2] = var.T
    ext_var[-2] = prior_variance
    return ext_mean, ext_var


def score_chunk(
    design: Design, start: int, stop: int, weights: tuple[Floats, Floats]
) -> tuple[Floats, Floats]:
    """The score's posterior mean and variance (rows ``start:stop`` × actions).

    The intercept, the numbers and the symbols of few values form one dense chunk ``X``
    (a symbol's one-hot columns span only the values present), so the score is two
    matrix products, ``X @ M`` and ``X² @ V``; a symbol of many values is gathered.
    """
    ext_mean, ext_var = weights
    blocks: list[Floats] = [np.ones((stop - start, 1)), design.numeric[start:stop]]
    rows: list[int] = [0, *design.numeric_rows]
    gathered: list[NDArray[np.intp]] = []
    for symbol in design.symbols:
        inverse = symbol.inverse[start:stop]
        if len(symbol.levels) > ONE_HOT_MAX:
            gathered.append(symbol.levels[inverse])
            continue
        block = np.zeros((stop - start, len(symbol.levels)))
        block[np.arange(stop - start), inverse] = 1.0
        blocks.append(block)
        rows.extend(symbol.levels.tolist())
    x = np.hstack(blocks)
    mean = x @ ext_mean[rows]
    var = (x * x) @ ext_var[rows]
    buffer = np.empty_like(mean) if gathered else mean
    for codes in gathered:
        mean += np.take(ext_mean, codes, axis=0, out=buffer)
        var += np.take(ext_var, codes, axis=0, out=buffer)
    return mean, var


def probit_frame(mean: Floats, var: Floats, out: Floats) -> Floats:
    """E[Φ(s / β)] for s ~ N(mean, var), element-wise into ``out`` (overwrites ``var``)."""
    np.sqrt(np.add(var, BETA2, out=var), out=var)
    return normal_cdf_into(np.divide(mean, var, out=var), out)


def sample_frame_into(mean: Floats, var: Floats, rng: np.random.Generator, out: Floats) -> Floats:
    """Φ(s / β) for one draw s ~ N(mean, var) per entry, in row-major order, into ``out``."""
    draws = rng.normal(mean, np.sqrt(var))
    return normal_cdf_into(np.divide(draws, math.sqrt(BETA2), out=draws), out)
