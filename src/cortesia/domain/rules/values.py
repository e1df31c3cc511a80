"""Run-time values: what a variable's value counts as, and the arithmetic both paths share.

A rule sees five kinds of value: numbers (``int`` or ``float``, never ``bool``), strings,
booleans, dates, and null. Anything else a caller puts in the environment counts as null, as
does a float NaN. Subclasses are reduced to their base type once, when read (a ``StrEnum``
becomes its string, a ``datetime`` its date, a ``Decimal`` a float), so the operators below
only ever test exact classes.
"""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime
from decimal import Decimal
from typing import Any

#: Exact classes that need no conversion when read.
PLAIN: frozenset[Any] = frozenset({str, int, bool, date})
#: Classes that are numbers (bool is not).
NUMS: frozenset[Any] = frozenset({int, float})
#: Classes that can be ordered with ``<``.
ORDERED: frozenset[Any] = frozenset({int, float, str, date})
#: Classes that can be compared with ``==``.
EQUATABLE: frozenset[Any] = ORDERED | {bool}


def normal(value: object) -> object:
    """``value`` as one of the five kinds: ``None``, bool, int/float, str or date.

    >>> from enum import StrEnum
    >>> class Plan(StrEnum):
    ...     PREPAID = "prepaid"
    >>> normal(Plan.PREPAID), normal(float("nan")), normal([1]), normal(Decimal("2.5"))
    ('prepaid', None, None, 2.5)
    """
    kind = value.__class__
    if kind in PLAIN:
        return value
    if kind is float:
        return value if value == value else None
    return _unusual(value)


def _unusual(value: object) -> object:
    result: object = None
    if value is None or isinstance(value, bool):
        result = value
    elif isinstance(value, str):
        result = str.__str__(value)
    elif isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = date(value.year, value.month, value.day)
    elif isinstance(value, numbers.Integral):
        result = int(value)
    elif isinstance(value, numbers.Real | Decimal):
        number = float(value)
        result = number if number == number else None
    return result


def round_half_away(value: float, digits: int) -> float:
    """Round to ``digits`` decimals, halves away from zero, as Polars does in batch.

    Computed as ``round(value * 10**digits) / 10**digits`` with the same float operations the
    columnar path uses, so both give the same bits.

    >>> round_half_away(2.5, 0), round_half_away(-2.5, 0), round_half_away(0.125, 2)
    (3.0, -3.0, 0.13)
    """
    scale = 10.0**digits
    scaled = float(value) * scale
    if not math.isfinite(scaled):
        return scaled / scale
    whole = math.trunc(scaled)
    if abs(scaled - whole) >= 0.5:
        whole += 1 if scaled > 0 else -1
    return whole / scale
