"""A registry's manifest: the versions it has, in one JSON file replaced atomically.

``<root>/<registry>/manifest.json`` lists every published version and its channel
files (``v3/all.idx``…). A version's folder is complete before the manifest names
it, and the manifest is replaced by rename, so a reader sees the old list or the
new one, never half of either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cortesia.domain.registry import RegistryVersion
from cortesia.errors import StoreError

MANIFEST = "manifest.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Entry:
    """One published version and where its channel lists are (relative paths)."""

    version: RegistryVersion
    files: dict[str, str]


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _entry(item: dict[str, object]) -> Entry:
    files = dict(item["files"])  # type: ignore[call-overload]
    version = RegistryVersion(
        registry_id=str(item["registry_id"]),
        version=int(item["version"]),  # type: ignore[call-overload]
        snapshot_date=date.fromisoformat(str(item["snapshot_date"])),
        imported_at=datetime.fromisoformat(str(item["imported_at"])),
        kind=str(item["kind"]),
        numbers=int(item["numbers"]),  # type: ignore[call-overload]
        source_name=str(item["source_name"]),
        source_sha256=str(item["source_sha256"]),
        channels=tuple(sorted(files)),
    )
    return Entry(version, {str(k): str(v) for k, v in files.items()})


def read_manifest(path: Path) -> list[Entry]:
    """The entries of a manifest; an absent manifest has none."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise StoreError(f"registry manifest {path} cannot be read: {error}") from None
    try:
        return [_entry(item) for item in document["versions"]]
    except (KeyError, TypeError, ValueError) as error:
        raise StoreError(f"registry manifest {path} is damaged: {error!r}") from None


def _item(entry: Entry) -> dict[str, object]:
    v = entry.version
    return {
        "registry_id": v.registry_id,
        "version": v.version,
        "snapshot_date": v.snapshot_date.isoformat(),
        "imported_at": v.imported_at.isoformat(),
        "kind": v.kind,
        "numbers": v.numbers,
        "source_name": v.source_name,
        "source_sha256": v.source_sha256,
        "files": entry.files,
    }


def write_manifest(path: Path, entries: list[Entry]) -> None:
    """Replace the manifest atomically (temporary file, fsync, rename, fsync folder)."""
    document = {"format": FORMAT, "versions": [_item(e) for e in entries]}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)
