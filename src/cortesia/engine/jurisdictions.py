"""The pack library: reads the packaged TOML files once and keeps them parsed.

Packs live in ``engine/data/packs/<country>.toml`` (lower-case ISO 3166-1 code, ``eu.toml`` for the
EU baseline). Each pack is self-contained; the EU baseline answers for member states
that have no pack of their own.
"""

from __future__ import annotations

import threading
import tomllib
from importlib.resources import files
from importlib.resources.abc import Traversable

from cortesia.domain.policy.pack import Pack
from cortesia.domain.policy.pack_parse import parse_pack
from cortesia.errors import ValidationError

# Member states without a pack of their own fall back to the EU baseline.
EU_MEMBERS = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
)


def _folder() -> Traversable:
    return files("cortesia.engine").joinpath("data/packs")


def read_pack(name: str, text: str) -> Pack:
    """Parse one pack file's text; errors name the pack."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{name}.toml", None, f"not valid TOML: {error}") from None
    return parse_pack(document, name)


class PackLibrary:
    """Every packaged pack, parsed on first use and shared by the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packs: dict[str, Pack] | None = None

    def _all(self) -> dict[str, Pack]:
        with self._lock:
            if self._packs is None:
                packs: dict[str, Pack] = {}
                for entry in sorted(_folder().iterdir(), key=lambda e: e.name):
                    if entry.name.endswith(".toml"):
                        name = entry.name.removesuffix(".toml").upper()
                        pack = read_pack(name, entry.read_text(encoding="utf-8"))
                        packs[pack.country] = pack
                self._packs = packs
            return self._packs

    def pack(self, country: str) -> Pack | None:
        """The pack for ``country``, the EU baseline for member states without one, or None."""
        packs = self._all()
        code = country.upper()
        if code in packs:
            return packs[code]
        return packs.get("EU") if code in EU_MEMBERS else None

    def countries(self) -> list[str]:
        return sorted(self._all())
