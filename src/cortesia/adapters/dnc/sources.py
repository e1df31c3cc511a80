"""Reading a registry file in the format asked, and the lists a new version holds."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cortesia.adapters.dnc.builder import Days, Keys, apply_changes, count_union
from cortesia.adapters.dnc.csv_list import read_registry_csv
from cortesia.adapters.dnc.ftc import read_ftc_full
from cortesia.adapters.dnc.ftc_changes import read_ftc_changes
from cortesia.adapters.dnc.parsed import ParsedSource, Progress, no_progress
from cortesia.domain.registry import REGISTRY_FORMATS, registry_region
from cortesia.errors import ValidationError

FORMATS = REGISTRY_FORMATS
FullList = tuple[Keys, Days | None]


def read_source(
    path: Path, registry: str, fmt: str, changes: bool, progress: Progress | None = None
) -> ParsedSource:
    """The whole file, read and checked; a bad row refuses it before anything is stored."""
    tick = progress or no_progress
    if not path.is_file():
        raise ValidationError("file", str(path), "does not exist or is not a file")
    if fmt == "ftc":
        if registry_region(registry) not in ("US", None):
            raise ValidationError("format", fmt, f"FTC files hold US numbers, not {registry}'s")
        _refuse_xml(path)
        return read_ftc_changes(path, tick) if changes else read_ftc_full(path, tick)
    if fmt == "csv":
        return read_registry_csv(path, registry_region(registry), changes, tick)
    raise ValidationError("format", fmt, f"unknown format; use one of {', '.join(FORMATS)}")


def _refuse_xml(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(64).lstrip().startswith(b"<"):
            reason = "the FTC XML download is not supported; download the flat text file"
            raise ValidationError("format", "xml", reason)


def next_lists(source: ParsedSource, base: Mapping[str, FullList] | None) -> dict[str, FullList]:
    """The channel lists of the new version: the file's own for a full list; for a
    change list, the base version's lists with the file's adds and removes applied.

    Channels the change list does not mention are not in the result: they carry over
    unchanged (the caller links their files).
    """
    if not source.changes:
        return {name: (found.keys, found.days) for name, found in source.lists.items()}
    lists: dict[str, FullList] = {}
    for name, change in source.lists.items():
        keys, days = base[name] if base is not None and name in base else (change.removed[:0], None)
        lists[name] = apply_changes(keys, days, change.keys, change.days, change.removed)
    return lists


def count_numbers(lists: Mapping[str, FullList]) -> int:
    """Distinct numbers over every channel list of a version."""
    return count_union([keys for keys, _ in lists.values()])
