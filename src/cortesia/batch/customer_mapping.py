"""Mapping files: how a customer file that is not in the canonical layout maps onto it.

A mapping is a small TOML file (documented in ``docs/customers.md``)::

    [columns]                 # file column = canonical field or attribute name
    "Cliente" = "customer_id"
    "Movil" = "phone"

    [defaults]                # constants for fields the file lacks
    country = "US"

    [attributes]              # attribute types, instead of inferring them
    MonthlyCharges = "number"

    [ignore]
    columns = ["Notas"]

    [options]
    delimiter = ";"           # CSV field delimiter (default ",")
    list_separator = "|"      # between several phones or e-mails in one cell (default ";")
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cortesia.domain.customers import AttributeType
from cortesia.errors import ValidationError

CANONICAL_FIELDS = (
    "customer_id",
    "country",
    "subdivision",
    "time_zone",
    "language",
    "phone",
    "email",
    "push_id",
)
REQUIRED_FIELDS = ("customer_id", "country")
_SECTIONS = frozenset({"columns", "defaults", "attributes", "ignore", "options"})
_DEFAULTABLE = frozenset({"country", "subdivision", "time_zone", "language"})


@dataclass(frozen=True, slots=True)
class CustomerMapping:
    """Renames, constants, declared attribute types and ignored columns of one layout."""

    columns: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, AttributeType] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    delimiter: str = ","
    list_separator: str = ";"

    def target(self, column: str) -> str:
        """The canonical field or attribute name a file column feeds."""
        return self.columns.get(column, column)


def _table(data: Mapping[str, object], name: str, where: str) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where}[{name}]", value, "must be a table of key = value")
    return dict(value)


def _strings(table: Mapping[str, object], where: str) -> dict[str, str]:
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{where}.{key}", value, "must be non-empty text")
    return {key: str(value).strip() for key, value in table.items()}


def _types(table: Mapping[str, object], where: str) -> dict[str, AttributeType]:
    names = ", ".join(t.value for t in AttributeType)
    types: dict[str, AttributeType] = {}
    for key, value in table.items():
        try:
            types[key] = AttributeType(str(value).strip().lower())
        except ValueError:
            raise ValidationError(f"{where}.{key}", value, f"unknown type; use {names}") from None
    return types


def _option(options: Mapping[str, object], name: str, default: str, where: str) -> str:
    value = options.get(name, default)
    if not isinstance(value, str) or len(value) != 1 or value in '\r\n"':
        raise ValidationError(f"{where}.{name}", value, "must be one character")
    return value


def parse_mapping(data: Mapping[str, object], where: str = "mapping") -> CustomerMapping:
    """Check a parsed mapping document and build the mapping."""
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        sections = ", ".join(sorted(_SECTIONS))
        raise ValidationError(where, unknown[0], f"unknown section; use {sections}")
    defaults = _strings(_table(data, "defaults", where), f"{where}.defaults")
    for name in defaults:
        if name not in _DEFAULTABLE:
            raise ValidationError(
                f"{where}.defaults.{name}",
                defaults[name],
                f"only {', '.join(sorted(_DEFAULTABLE))} can have a constant default",
            )
    ignore = _table(data, "ignore", where).get("columns", [])
    if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
        raise ValidationError(f"{where}.ignore.columns", ignore, "must be a list of column names")
    options = _table(data, "options", where)
    return CustomerMapping(
        columns=_strings(_table(data, "columns", where), f"{where}.columns"),
        defaults=defaults,
        attributes=_types(_table(data, "attributes", where), f"{where}.attributes"),
        ignore=frozenset(ignore),
        delimiter=_option(options, "delimiter", ",", f"{where}.options"),
        list_separator=_option(options, "list_separator", ";", f"{where}.options"),
    )


def load_mapping(path: Path | None) -> CustomerMapping:
    """The mapping in a TOML file; the canonical layout when ``path`` is None."""
    if path is None:
        return CustomerMapping()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValidationError("mapping", str(path), f"cannot be read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationError("mapping", path.name, f"is not valid TOML: {error}") from None
    return parse_mapping(data, path.name)
