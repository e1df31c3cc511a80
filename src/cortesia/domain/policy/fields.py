"""Reading typed fields out of parsed TOML or JSON tables, with errors that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypeVar

from cortesia.domain.vocabulary import Channel, parse_channel, parse_purpose
from cortesia.errors import ValidationError

Table = Mapping[str, object]
_T = TypeVar("_T")
_MISSING = object()


def text(table: Table, key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, _MISSING)
    if value is _MISSING or value is None:
        if default is not None:
            return default
        raise ValidationError(f"{where}.{key}", None, "is required")
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where}.{key}", value, "must be a non-empty string")
    return value.strip()


def optional_text(table: Table, key: str, where: str) -> str | None:
    if table.get(key) is None:
        return None
    return text(table, key, where)


def whole(table: Table, key: str, where: str, default: int | None = None) -> int | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{where}.{key}", value, "must be a whole number ≥ 0")
    return value


def flag(table: Table, key: str, where: str, default: bool = False) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ValidationError(f"{where}.{key}", value, "must be true or false")
    return value


def day(table: Table, key: str, where: str) -> date | None:
    value = table.get(key)
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(f"{where}.{key}", value, "must be a date, YYYY-MM-DD")


def names(table: Table, key: str, where: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    value = table.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(f"{where}.{key}", value, "must be a list of names")
    return tuple(v.strip() for v in value)


def channels(table: Table, where: str) -> frozenset[Channel]:
    given = names(table, "channels", where, ("all",))
    if not given:
        raise ValidationError(f"{where}.channels", [], "must name at least one channel or all")
    return frozenset(parse_channel(c, f"{where}.channels") for c in given)


def purposes(table: Table, where: str, default: tuple[str, ...] = ("marketing",)) -> frozenset[str]:
    given = names(table, "purposes", where, default)
    return frozenset(parse_purpose(p, f"{where}.purposes") for p in given)


def choice(table: Table, key: str, where: str, options: Mapping[str, _T], default: str) -> _T:
    value = table.get(key, default)
    if not isinstance(value, str) or value not in options:
        raise ValidationError(f"{where}.{key}", value, f"must be one of {', '.join(options)}")
    return options[value]


def tables(table: Table, key: str, where: str) -> list[Table]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ValidationError(f"{where}.{key}", value, "must be a list of tables")
    return list(value)


def subtable(table: Table, key: str, where: str) -> Table:
    value = table.get(key)
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where}.{key}", value, "must be a table")
    return value


def check_keys(table: Table, allowed: frozenset[str], where: str) -> None:
    """Refuse unknown keys: a misspelt key must not silently drop a rule's limit."""
    for key in table:
        if key not in allowed:
            raise ValidationError(
                f"{where}.{key}", table[key], f"unknown key; use {', '.join(sorted(allowed))}"
            )
