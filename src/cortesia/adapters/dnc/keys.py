"""Numbers as integer keys, and days as small integers.

An E.164 number has no leading zero after the ``+``, so the integer of its digits
names it uniquely: ``+12025550123`` is the key 12025550123. Days are counted from
1970-01-01 and fit a ``uint16`` until 2149; 0 means "not given".

>>> e164_key("+12025550123")
12025550123
>>> key_e164(12025550123)
'+12025550123'
>>> day_number(date(2026, 3, 2)), day_of(day_number(date(2026, 3, 2)))
(20514, datetime.date(2026, 3, 2))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError

EPOCH = date(1970, 1, 1)
_EPOCH_ORDINAL = EPOCH.toordinal()
LAST_DAY = EPOCH + timedelta(days=0xFFFF)
E164_HELP = "not an E.164 number: + then 7 to 15 digits, the first not 0"
_POWERS_OF_TEN = 10 ** np.arange(1, 19, dtype=np.int64)


def e164_key(number: str, field: str = "number") -> int:
    """The key of an E.164 number; anything else is refused naming ``field``.

    ``int`` reads the sign and digits; the checks before it refuse what ``int`` would
    accept but E.164 does not (spaces at the end, underscores, non-ASCII digits, a
    leading zero). It is on the path of every single lookup, hence no regular expression.
    """
    if (
        number[:1] == "+"
        and 8 <= len(number) <= 16
        and number.isascii()
        and number[-1:].isdigit()
        and number[1] != "0"
        and "_" not in number
    ):
        try:
            return int(number)
        except ValueError:
            pass
    raise ValidationError(field, number, E164_HELP)


def key_e164(key: int) -> str:
    """The E.164 text of a key."""
    return f"+{key}"


def e164_keys(numbers: Sequence[str], field: str = "number") -> NDArray[np.int64]:
    """Keys of many E.164 numbers; the first bad one is refused with its position.

    ``int`` reads ``+`` and digits in C; the checks after it make sure every text was
    exactly ``+`` and 7 to 15 ASCII digits (no spaces, underscores or leading zero).
    """
    count = len(numbers)
    try:
        keys = np.fromiter(map(int, numbers), np.int64, count)
    except (ValueError, OverflowError, TypeError):
        return _one_by_one(numbers, field)
    lengths = np.fromiter(map(len, numbers), np.int64, count)
    digits = np.searchsorted(_POWERS_OF_TEN, keys, side="right")
    joined = "".join(numbers)
    exact = bool(((lengths == digits + 1) & (keys >= 10**6) & (keys < 10**15)).all())
    if exact and joined.isascii() and joined.count("+") == count:
        return keys
    return _one_by_one(numbers, field)


def _one_by_one(numbers: Sequence[str], field: str) -> NDArray[np.int64]:
    keys = np.empty(len(numbers), np.int64)
    for at, number in enumerate(numbers):
        try:
            keys[at] = e164_key(number, field)
        except (ValidationError, TypeError):
            raise ValidationError(f"{field}[{at}]", number, E164_HELP) from None
    return keys


def day_number(day: date) -> int:
    """Days since 1970-01-01; refused outside 1970-01-02 … 2149-06-06."""
    number = day.toordinal() - _EPOCH_ORDINAL
    if not 0 < number <= 0xFFFF:
        raise ValidationError(
            "date", day.isoformat(), f"must be after {EPOCH} and until {LAST_DAY}"
        )
    return number


def day_of(number: int) -> date | None:
    """The date of a day number; None for 0 (not given)."""
    return date.fromordinal(_EPOCH_ORDINAL + number) if number else None
