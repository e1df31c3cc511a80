"""Time zones of customers: IANA names, a country's zones, and one primary zone among several.

A country's zones come from the tz database's ``zone.tab`` (system or ``tzdata``),
else from phonenumbers' list for the country's calling code. The zone of a
subdivision that keeps one clock comes from ``data/subdivision_zones.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from zoneinfo import TZPATH, available_timezones

import phonenumbers
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from cortesia.errors import ValidationError

# Deterministic primary zone where a country spans several: the capital's or the most
# populous area's. Choosing the most restrictive zone for contact hours is policy's job.
_PRINCIPAL_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "GB": "Europe/London",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
}


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every zone zoneinfo can load here."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def time_zone(value: str) -> str:
    """An IANA time zone name that zoneinfo knows."""
    name = value.strip()
    if name not in known_zones():
        raise ValidationError("time_zone", value, "not an IANA time zone, e.g. America/Bogota")
    return name


def prefix_zones(digits: str) -> tuple[str, ...]:
    """phonenumbers' zones for the longest known prefix of ``digits`` (calling code first)."""
    for length in range(min(TIMEZONE_LONGEST_PREFIX, len(digits)), 0, -1):
        if digits[:length] in TIMEZONE_DATA:
            return tuple(TIMEZONE_DATA[digits[:length]])
    return ()


@lru_cache(maxsize=512)
def calling_code_zones(calling_code: int) -> tuple[str, ...]:
    """phonenumbers' zones for a whole calling code (non-geographic numbers get these)."""
    return prefix_zones(str(calling_code))


@lru_cache(maxsize=1)
def _zone_tab() -> dict[str, tuple[str, ...]]:
    """Country -> zones, from the tz database's zone.tab (system or ``tzdata``)."""
    for folder in TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            table: dict[str, list[str]] = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    table.setdefault(parts[0], []).append(parts[2])
            return {code: tuple(zones) for code, zones in table.items()}
    return {}


@lru_cache(maxsize=512)
def country_zones(country_code: str) -> tuple[str, ...]:
    """The zones of a country: the tz database's list, else phonenumbers' for its calling code.

    >>> country_zones("CO")
    ('America/Bogota',)
    """
    zones = _zone_tab().get(country_code)
    if not zones:
        zones = calling_code_zones(phonenumbers.country_code_for_region(country_code))
    known = known_zones()
    return tuple(z for z in zones if z in known)


def primary_zone(candidates: Sequence[str], country_code: str) -> str:
    """One zone among several, the same every time: the country's principal zone when it is a
    candidate, else the first candidate in the tz database's order, else alphabetically."""
    principal = _PRINCIPAL_ZONES.get(country_code)
    if principal in candidates:
        return str(principal)
    ordered = [z for z in country_zones(country_code) if z in candidates]
    return ordered[0] if ordered else min(candidates)


@lru_cache(maxsize=1)
def subdivision_zones() -> Mapping[str, str]:
    """ISO 3166-2 code -> zone, from the package's data file (zones this machine lacks left out)."""
    text = files("cortesia.engine").joinpath("data/subdivision_zones.toml").read_text("utf-8")
    known = known_zones()
    return MappingProxyType(
        {
            code: str(zone)
            for table in tomllib.loads(text).values()
            for code, zone in table.items()
            if zone in known
        }
    )


def subdivision_zone(code: str) -> str | None:
    """The one zone of a subdivision whose people all keep one clock; None for the others.

    >>> subdivision_zone("ES-CN"), subdivision_zone("US-FL")
    ('Atlantic/Canary', None)
    """
    return subdivision_zones().get(code)
