"""Named columns → the number matrix a learner takes, the same for a file and for one customer.

The batch path encodes whole columns (a CSV read into arrays); the real-time path encodes a
few customers given as mappings of attribute → value. Both go through the same
per-value rules, so a customer scores the same either way (a test holds them equal):

- a **numeric** feature passes through as a float; missing (``None``, NaN, absent from a
  row) becomes NaN, which gradient-boosted trees route on their own;
- a **categorical** feature becomes its category's index (``ordinal``, for trees that
  split on categories natively) or one 0/1 column per category (``onehot``, for any
  learner). Values are compared as text, so ``1``, ``1.0`` and ``"1"`` are one category,
  and ``True`` is ``"true"`` as in a CSV file. A category never seen in training, or one
  beyond the ``max_categories`` most frequent, is *unknown*: NaN in ``ordinal`` (treated
  as missing), all zeros in ``onehot``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cortesia.errors import ValidationError

Floats = NDArray[np.float64]
Style = Literal["ordinal", "onehot"]


def category_key(value: object) -> str | None:
    """The text a categorical value is compared by; None when missing.

    Examples
    --------
    >>> [category_key(v) for v in ("Web", 1, 1.0, True, None, float("nan"))]
    ['Web', '1', '1', 'true', None, None]
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value)


def numeric_value(name: str, value: object) -> float:
    """A numeric feature's value as a float (NaN when missing); text that is no number fails."""
    if value is None:
        return math.nan
    if isinstance(value, bool | np.bool_):
        return float(value)
    try:
        return float(value)  # type: ignore[arg-type]  # str, int, float and NumPy scalars
    except (TypeError, ValueError):
        raise ValidationError(name, value, "is not a number") from None


def _is_text(values: NDArray[np.generic]) -> bool:
    return values.dtype.kind in "OUSb"


class ColumnEncoder:
    """Encodes named features into one float matrix; fitted on columns, applied to either.

    Parameters
    ----------
    style
        ``ordinal`` (one column per categorical feature, the category's index) or
        ``onehot`` (one column per category).
    max_categories
        Categories kept per feature, most frequent first; the rest are unknown.
        255 is the most a histogram gradient-boosting tree splits on natively.

    Examples
    --------
    >>> encoder = ColumnEncoder().fit({"age": [30, 40], "plan": ["gold", "basic"]})
    >>> encoder.transform_columns({"age": [35], "plan": ["gold"]}).tolist()
    [[35.0, 1.0]]
    >>> encoder.transform_rows([{"age": 35, "plan": "gold"}, {"plan": "new"}]).tolist()
    [[35.0, 1.0], [nan, nan]]
    """

    def __init__(self, style: Style = "ordinal", max_categories: int = 255) -> None:
        self.style = style
        self.max_categories = max_categories

    def fit(
        self, columns: Mapping[str, ArrayLike], categorical: Iterable[str] | None = None
    ) -> ColumnEncoder:
        """Learn the features, which are categorical (text columns unless named) and their
        categories."""
        if self.style not in ("ordinal", "onehot"):
            raise ValidationError("style", self.style, "must be ordinal or onehot")
        if not columns:
            raise ValidationError("features", [], "at least one feature is needed")
        arrays = {name: np.asarray(values) for name, values in columns.items()}
        chosen = (
            {name for name, values in arrays.items() if _is_text(values)}
            if categorical is None
            else set(categorical)
        )
        unknown = sorted(chosen - set(arrays))
        if unknown:
            raise ValidationError("categorical", unknown, "not among the features")
        self.features_ = tuple(arrays)
        self.categorical_ = tuple(name for name in self.features_ if name in chosen)
        self.categories_ = {name: self._categories(arrays[name]) for name in self.categorical_}
        self._index = {
            name: {category: i for i, category in enumerate(found)}
            for name, found in self.categories_.items()
        }
        return self

    def _categories(self, values: NDArray[np.generic]) -> tuple[str, ...]:
        counts = Counter(key for key in map(category_key, values.tolist()) if key is not None)
        ranked = sorted(counts, key=lambda key: (-counts[key], key))[: self.max_categories]
        return tuple(sorted(ranked))

    @property
    def feature_names_out_(self) -> tuple[str, ...]:
        """The matrix's columns: the feature, or ``feature=category`` for one-hot."""
        names: list[str] = []
        for name in self.features_:
            if name in self._index and self.style == "onehot":
                names.extend(f"{name}={category}" for category in self.categories_[name])
            else:
                names.append(name)
        return tuple(names)

    @property
    def categorical_mask_(self) -> NDArray[np.bool_]:
        """Which matrix columns hold category indexes (only in ``ordinal`` style)."""
        return np.array(
            [name in self._index and self.style == "ordinal" for name in self.feature_names_out_]
        )

    def _encode(self, name: str, values: Sequence[object]) -> Floats:
        """One feature's values → its block of the matrix (rows × 1, or × categories)."""
        if name not in self._index:
            return np.array([numeric_value(name, v) for v in values], dtype=np.float64)[:, None]
        index = self._index[name]
        codes = np.array(
            [index.get(key, -1) if (key := category_key(v)) is not None else -1 for v in values],
            dtype=np.int64,
        )
        if self.style == "ordinal":
            return np.where(codes >= 0, codes, np.nan).astype(np.float64)[:, None]
        block = np.zeros((len(codes), len(index)), dtype=np.float64)
        known = codes >= 0
        block[np.flatnonzero(known), codes[known]] = 1.0
        return block

    def _numeric_column(self, name: str, values: NDArray[np.generic]) -> Floats | None:
        """A numeric column without a Python step per value, when its dtype allows."""
        if name in self._index or values.dtype.kind not in "iuf":
            return None
        return values.astype(np.float64)[:, None]

    def transform_columns(self, columns: Mapping[str, ArrayLike]) -> Floats:
        """Encode whole columns; every fitted feature must be there."""
        missing = [name for name in self.features_ if name not in columns]
        if missing:
            raise ValidationError("features", missing, "missing from the data")
        blocks = []
        for name in self.features_:
            values = np.asarray(columns[name])
            fast = self._numeric_column(name, values)
            blocks.append(fast if fast is not None else self._encode(name, values.tolist()))
        return np.hstack(blocks)

    def transform_rows(self, rows: Sequence[Mapping[str, object]]) -> Floats:
        """Encode customers given one mapping each; an absent attribute counts as missing."""
        blocks = [self._encode(name, [row.get(name) for row in rows]) for name in self.features_]
        return np.hstack(blocks) if rows else np.empty((0, len(self.feature_names_out_)))
