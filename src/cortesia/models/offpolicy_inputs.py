"""Checks of what the off-policy estimators are given, each refusal naming the argument."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cortesia.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
SUM_TOLERANCE = 1e-6  # a policy's probabilities over actions must sum to one per position


def as_floats(name: str, value: object) -> FloatArray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(name, value, "not an array of numbers") from exc


def as_vector(name: str, value: object, n: int | None) -> FloatArray:
    array = as_floats(name, value)
    if array.ndim != 1 or array.shape[0] == 0:
        raise ValidationError(name, f"shape {array.shape}", "must be a non-empty 1-D array")
    if n is not None and array.shape[0] != n:
        raise ValidationError(name, f"length {array.shape[0]}", f"must have {n} rounds")
    if not np.isfinite(array).all():
        raise ValidationError(name, "non-finite values", "must be finite numbers")
    return array


def as_rewards(value: npt.ArrayLike) -> FloatArray:
    return as_vector("rewards", value, None)


def as_indices(name: str, value: object, n: int, size: int) -> IntArray:
    if value is None:
        raise ValidationError(name, None, f"required when there are {size} positions")
    raw = np.asarray(value)
    if raw.dtype.kind not in "iu":
        raise ValidationError(name, f"dtype {raw.dtype}", "must be integers")
    array = raw.astype(np.int64)
    if array.ndim != 1 or array.shape[0] != n:
        raise ValidationError(name, f"shape {array.shape}", f"must be 1-D with {n} rounds")
    if array.size and (array.min() < 0 or array.max() >= size):
        raise ValidationError(name, extremes(array), f"must lie in [0, {size})")
    return array


def as_action_dist(value: npt.ArrayLike, n: int) -> FloatArray:
    dist = as_floats("action_dist", value)
    if dist.ndim == 2:
        dist = dist[:, :, np.newaxis]
    if dist.ndim != 3 or dist.shape[0] not in (1, n) or 0 in dist.shape:
        raise ValidationError(
            "action_dist",
            f"shape {dist.shape}",
            f"must be ({n} or 1, actions, positions) or ({n} or 1, actions)",
        )
    if not (np.isfinite(dist).all() and (dist >= 0).all() and (dist <= 1).all()):
        raise ValidationError("action_dist", extremes(dist), "probabilities must lie in [0, 1]")
    sums = dist.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=SUM_TOLERANCE):
        raise ValidationError("action_dist", extremes(sums), "must sum to 1 over actions")
    return dist


def row_index(rows: int, n: int) -> IntArray:
    """Round -> row of a per-round array, or row 0 for one row that stands for all."""
    return np.arange(n, dtype=np.int64) if rows == n else np.zeros(n, dtype=np.int64)


def check_count(name: str, value: object) -> None:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
        raise ValidationError(name, value, "must be a positive integer")


def extremes(array: npt.NDArray[np.generic]) -> str:
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    if finite.size == 0:
        return "no finite values"
    return f"min {finite.min().item()!r}, max {finite.max().item()!r}"
