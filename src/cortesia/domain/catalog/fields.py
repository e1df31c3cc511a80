"""Reading the values of a catalog document, each refused with its field path, value and why.

Every reader takes the value found and the path it was found at (``actions[2].channels.sms
.cost``) and returns the typed value or raises ``ValidationError`` naming that path.
``Fields`` gathers the problems of a whole table instead of stopping at the first, so a
file is answered with all its mistakes at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from difflib import get_close_matches
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cortesia.domain.catalog.actions import SendWindow, Texts
from cortesia.domain.vocabulary import ALL_PURPOSES, Channel, parse_purpose
from cortesia.errors import ValidationError

Table = Mapping[str, object]
_T = TypeVar("_T")
Reader = Callable[[object, str], _T]
REQUIRED: Any = object()  # marks a field that has no default

MAX_TEXT = 4_000
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_GROUP = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}/[a-z0-9][a-z0-9_\-]{0,63}$")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CHANNELS = {c.value: c for c in Channel if c is not Channel.ALL}


def table(value: object, path: str) -> Table:
    """A table (TOML table, YAML or JSON object) whose keys are all text."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError(path, value, "must be a table of named fields")
    return value


def unknown_keys(found: Table, allowed: frozenset[str], path: str) -> list[ValidationError]:
    """One problem per key not in ``allowed``, with the nearest known key when one is close.

    >>> [e.problem.reason for e in unknown_keys({"chanels": 1}, frozenset({"channels"}), "a")]
    ['unknown field; did you mean channels?']
    """
    problems = []
    for key in found:
        if key in allowed:
            continue
        near = get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
        hint = f"did you mean {near[0]}?" if near else f"known: {', '.join(sorted(allowed))}"
        reason = f"unknown field; {hint}"
        name = f"{path}.{key}" if path else key
        problems.append(ValidationError(name, found[key], reason))
    return problems


def text(value: object, path: str) -> str:
    """Non-empty text, stripped, at most ``MAX_TEXT`` characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(path, value, "must be non-empty text")
    if len(value) > MAX_TEXT:
        raise ValidationError(path, value, f"must be at most {MAX_TEXT} characters")
    return value.strip()


def action_id(value: object, path: str) -> str:
    """An action id: lower-case letters, digits, ``_`` and ``-``, 1 to 64 characters."""
    if not isinstance(value, str) or not _ID.match(value):
        raise ValidationError(
            path,
            value,
            "must be 1-64 lower-case letters, digits, _ or -, starting with a letter or digit",
        )
    return value


def group(value: object, path: str) -> str:
    """``issue/group``, both parts written like an action id (``sales/data_packs``)."""
    if not isinstance(value, str) or not _GROUP.match(value):
        raise ValidationError(
            path, value, "must be issue/group in lower case, e.g. sales/data_packs"
        )
    return value


def texts(value: object, path: str) -> Texts:
    """``{es = "…", en = "…"}``: both languages are required."""
    found = table(value, path)
    problems = unknown_keys(found, frozenset({"es", "en"}), path)
    if problems:
        raise problems[0]
    return Texts(es=text(found.get("es"), f"{path}.es"), en=text(found.get("en"), f"{path}.en"))


def purpose(value: object, path: str) -> str:
    """A built-in purpose or a marketing topic in snake_case; never ``all``."""
    if not isinstance(value, str):
        raise ValidationError(path, value, "must be a purpose or a topic in snake_case")
    found = parse_purpose(value, path)
    if found == ALL_PURPOSES:
        raise ValidationError(path, value, "an action serves one purpose; all is for consent")
    return found


def channel(value: object, path: str) -> Channel:
    """One channel a customer can be reached on (``all`` is not a channel to send on)."""
    found = _CHANNELS.get(value.strip().lower()) if isinstance(value, str) else None
    if found is None:
        raise ValidationError(path, value, f"unknown channel; use one of {', '.join(_CHANNELS)}")
    return found


def choice(options: Mapping[str, _T]) -> Reader[_T]:
    """A reader of one of ``options`` by name."""

    def read(value: object, path: str) -> _T:
        if not isinstance(value, str) or value.strip().lower() not in options:
            raise ValidationError(path, value, f"must be one of {', '.join(options)}")
        return options[value.strip().lower()]

    return read


def number(value: object, path: str) -> float:
    """A finite number (true and false are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(path, value, "must be a number")
    return float(value)


def at_least_zero(value: object, path: str) -> float:
    """A finite number ≥ 0."""
    found = number(value, path)
    if found < 0:
        raise ValidationError(path, value, "must be zero or more")
    return found


def positive(value: object, path: str) -> float:
    """A finite number > 0."""
    found = number(value, path)
    if found <= 0:
        raise ValidationError(path, value, "must be more than zero")
    return found


def probability(value: object, path: str) -> float:
    """A number from 0 to 1."""
    found = number(value, path)
    if not 0 <= found <= 1:
        raise ValidationError(path, value, "must be a probability from 0 to 1")
    return found


def count(value: object, path: str) -> int:
    """A whole number ≥ 1 (a limit or a number of days)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(path, value, "must be a whole number of at least 1")
    return value


def prior(value: object, path: str) -> tuple[float, float]:
    """A Beta prior ``[alpha, beta]``: two numbers > 0."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValidationError(path, value, "must be a pair [alpha, beta] of numbers > 0")
    alpha, beta = (positive(v, path) for v in value)
    return alpha, beta


def day(value: object, path: str) -> date:
    """A date: a TOML or YAML date, or text ``YYYY-MM-DD``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(path, value, "must be a date, YYYY-MM-DD")


def window(value: object, path: str) -> SendWindow:
    """Local hours ``"HH:MM-HH:MM"``; an end at or before the start runs past midnight.

    >>> str(window("9:00-20:30", "w"))
    '09:00-20:30'
    """
    found = _WINDOW.match(value) if isinstance(value, str) else None
    hours = [int(part) for part in found.groups()] if found else []
    if not hours or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
        raise ValidationError(path, value, 'must be local hours "HH:MM-HH:MM", e.g. "09:00-20:00"')
    start, end = time(hours[0], hours[1]), time(hours[2], hours[3])
    if start == end:
        raise ValidationError(path, value, "the window is empty: its start and end are equal")
    return SendWindow(start, end)


def time_zone(value: object, path: str) -> str:
    """An IANA time zone name (``America/Bogota``)."""
    if isinstance(value, str) and value.strip():
        try:
            return ZoneInfo(value.strip()).key
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ValidationError(path, value, "must be an IANA time zone, e.g. America/Bogota")


class Fields:
    """The fields read from one table, and every problem met while reading them."""

    def __init__(self, found: Table, path: str, problems: list[ValidationError]) -> None:
        self.table = found
        self.path = path
        self.problems = problems
        self.values: dict[str, Any] = {}

    def read(self, name: str, key: str, reader: Reader[Any], default: Any = REQUIRED) -> None:
        """Read ``key`` into ``values[name]``; a missing key takes ``default``."""
        value = self.table.get(key)
        path = f"{self.path}.{key}"
        if value is None:
            if default is REQUIRED:
                self.problems.append(ValidationError(path, None, "is required"))
            else:
                self.values[name] = default
            return
        try:
            self.values[name] = reader(value, path)
        except ValidationError as error:
            self.problems.append(error)

    def problem(self, key: str, value: object, reason: str) -> None:
        """Record a problem of field ``key`` found by a check across fields."""
        self.problems.append(ValidationError(f"{self.path}.{key}", value, reason))
