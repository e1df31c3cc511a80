"""Checks shared by the lifetime-value models: arrays of counts and times, parameters, dicts.

Every refusal is a :class:`~cortesia.errors.ValidationError` naming the argument, so a bad
summary file or a damaged stored model says which column or key is wrong.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from cortesia.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
M = TypeVar("M")
# exp(±30) spans 1e-13..1e13: wide enough for any real cohort, narrow enough that a
# degenerate sample (nobody churns) stops at a finite, obviously extreme value.
LOG_BOUND = 30.0
_TIME_SLACK = 1e-9  # summaries are written with rounded decimals; t_x may exceed T by a hair


def as_numbers(name: str, value: object) -> FloatArray:
    """A finite 1-D float array, or a refusal naming ``name``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(name, value, "not an array of numbers") from exc
    array = np.atleast_1d(array)
    if array.ndim != 1 or array.size == 0:
        raise ValidationError(name, f"shape {array.shape}", "must be a non-empty 1-D array")
    if not np.isfinite(array).all():
        raise ValidationError(name, "non-finite values", "must be finite numbers")
    return array


def as_counts(name: str, value: object, *, minimum: int = 0) -> FloatArray:
    """Whole numbers ≥ ``minimum`` (kept as floats, the likelihoods' arithmetic)."""
    array = as_numbers(name, value)
    if (array != np.round(array)).any():
        raise ValidationError(name, _first(array, array != np.round(array)), "must be whole")
    if (array < minimum).any():
        raise ValidationError(name, _first(array, array < minimum), f"must be ≥ {minimum}")
    return array


def as_flags(name: str, value: object, n: int) -> npt.NDArray[np.bool_]:
    """A boolean array of length ``n`` (0/1 numbers are accepted)."""
    raw = np.atleast_1d(np.asarray(value))
    if raw.dtype != np.bool_:
        if raw.dtype.kind not in "iuf" or not np.isin(raw, (0, 1)).all():
            raise ValidationError(name, f"dtype {raw.dtype}", "must be booleans (or 0/1)")
        raw = raw.astype(np.bool_)
    same_length(name, raw, n)
    return raw


def same_length(name: str, array: npt.NDArray[np.generic], n: int) -> None:
    if array.shape != (n,):
        raise ValidationError(name, f"shape {array.shape}", f"must have {n} customers")


def as_rfm(x: object, t_x: object, t_obs: object) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Frequency (repeat purchases), recency and age, checked against each other."""
    frequency = as_counts("frequency", x)
    recency = as_numbers("recency", t_x)
    age = as_numbers("T", t_obs)
    same_length("recency", recency, frequency.size)
    same_length("T", age, frequency.size)
    if (age < 0).any():  # 0: first seen on the last day, which the likelihood weighs as nothing
        raise ValidationError("T", _first(age, age < 0), "must be ≥ 0")
    if (recency < 0).any() or (recency > age + _TIME_SLACK).any():
        bad = (recency < 0) | (recency > age + _TIME_SLACK)
        raise ValidationError("recency", _first(recency, bad), "must lie in [0, T]")
    if ((frequency == 0) & (recency != 0)).any():
        bad = (frequency == 0) & (recency != 0)
        raise ValidationError("recency", _first(recency, bad), "must be 0 without repeat purchases")
    return frequency, recency, np.maximum(age, recency)


def positive(name: str, value: object) -> float:
    """A finite number > 0 (a model parameter), or a refusal."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError(name, value, "must be a number")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValidationError(name, value, "must be a finite number > 0")
    return number


def rate(name: str, value: object) -> float:
    """A discount rate per period: a finite number ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError(name, value, "must be a number")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValidationError(name, value, "must be a finite number ≥ 0")
    return number


def whole(name: str, value: object, *, minimum: int) -> int:
    """An integer ≥ ``minimum`` (a horizon, a number of periods)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValidationError(name, value, "must be an integer")
    if int(value) < minimum:
        raise ValidationError(name, value, f"must be ≥ {minimum}")
    return int(value)


def model_fields(data: Mapping[str, object], kind: str, names: Sequence[str]) -> dict[str, float]:
    """The parameters of a stored model of ``kind``: each present and a positive number."""
    if not isinstance(data, Mapping):
        raise ValidationError("model", data, "must be a mapping")
    if data.get("model") != kind:
        raise ValidationError("model", data.get("model"), f"must be {kind!r}")
    unknown = sorted(set(data) - {"model", "log_likelihood", "n_customers", *names})
    if unknown:
        raise ValidationError(unknown[0], data[unknown[0]], "unknown key")
    values = {name: positive(name, data.get(name)) for name in names}
    log_likelihood = data.get("log_likelihood")
    if isinstance(log_likelihood, bool) or not isinstance(log_likelihood, numbers.Real):
        raise ValidationError("log_likelihood", log_likelihood, "must be a number")
    values["log_likelihood"] = float(log_likelihood)
    values["n_customers"] = whole("n_customers", data.get("n_customers"), minimum=1)
    return values


def model_document(kind: str, model: object) -> dict[str, object]:
    """A fitted model (a dataclass of its parameters, ``log_likelihood`` and
    ``n_customers``) as a JSON-able table tagged with its ``kind``."""
    fields: dict[str, Any] = dataclasses.asdict(model)  # type: ignore[call-overload]
    return {"model": kind, **fields}


def stored_model(
    cls: Callable[..., M], data: Mapping[str, object], kind: str, names: Sequence[str]
) -> M:
    """The model of ``cls`` stored by ``model_document``; a missing or bad key is refused."""
    return cls(**model_fields(data, kind, names))


Objective = Callable[[FloatArray], tuple[float, FloatArray]]


def fit_log_parameters(objective: Objective, start: Sequence[float], *, what: str) -> FloatArray:
    """Minimise ``objective`` (the negative log-likelihood and its gradient in log parameters).

    L-BFGS-B on the logarithms keeps every parameter positive without constraints the
    likelihoods would have to respect; the box only stops a degenerate sample running off.
    """
    result = minimize(
        objective,
        np.asarray(start, dtype=np.float64),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(start),
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-7},
    )
    if not np.isfinite(result.fun) or not np.isfinite(result.x).all():
        raise ValidationError(what, "data", "the likelihood could not be maximised")
    return np.asarray(result.x, dtype=np.float64)


def _first(array: FloatArray, bad: npt.NDArray[np.bool_]) -> float:
    return float(array[bad][0])
