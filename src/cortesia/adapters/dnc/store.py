"""Registries kept as files in the workspace, shared by every process.

::

    <root>/<registry>/manifest.json      the published versions (replaced atomically)
    <root>/<registry>/v<N>/<channel>.idx one index file per channel list (see index.py)
    <root>/<registry>/.lock              held by the one process importing into it

An import reads and checks the whole file first, then, holding the lock, writes the
new version into a temporary folder (each file fsynced), renames the folder to
``v<N>`` and only then rewrites the manifest. A failure at any point leaves the
previous versions and the manifest as they were; leftovers of a crashed import
are removed by the next one. Readers notice a new manifest within
``refresh_seconds`` (they look at its identity at most that often).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cortesia.adapters.dnc.builder import count_union
from cortesia.adapters.dnc.index import KeyIndex
from cortesia.adapters.dnc.index_layout import write_index
from cortesia.adapters.dnc.manifest import MANIFEST, Entry, fsync_dir, read_manifest, write_manifest
from cortesia.adapters.dnc.parsed import ParsedSource
from cortesia.adapters.dnc.reading import ListReader, RegistryReading, RegistryTable, Snapshot
from cortesia.adapters.dnc.sources import FullList, next_lists, read_source
from cortesia.domain.registry import CHANGES, FULL, RegistryVersion
from cortesia.domain.registry import registry_id as parse_registry_id
from cortesia.errors import ValidationError


@dataclass
class _Cached:
    table: RegistryTable | None
    identity: tuple[int, int, int] | None
    due: float  # monotonic instant of the next look at the manifest


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _write_list(path: Path, full: FullList) -> None:
    with open(path, "wb") as handle:
        write_index(handle, full[0], full[1])
        handle.flush()
        os.fsync(handle.fileno())


class FileRegistries(RegistryReading):
    """Every registry of a workspace folder; safe to share between threads and processes."""

    def __init__(self, root: Path, refresh_seconds: float = 1.0) -> None:
        self.root = root
        self.refresh_seconds = refresh_seconds
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self._opened: dict[Path, KeyIndex] = {}

    # -- reading -------------------------------------------------------------------------------

    def _registry_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / MANIFEST).is_file())

    def _table(self, registry: str) -> RegistryTable | None:
        cached = self._cache.get(registry)
        if cached is not None and time.monotonic() < cached.due:
            return cached.table
        return self._refresh(registry, cached)

    def _refresh(self, registry: str, cached: _Cached | None) -> RegistryTable | None:
        name = parse_registry_id(registry)  # never a path outside the root
        manifest = self.root / name / MANIFEST
        with self._lock:
            identity = _identity(manifest)
            if cached is not None and identity == cached.identity:
                table = cached.table
            else:
                table = self._load(name, read_manifest(manifest)) if identity else None
            due = time.monotonic() + self.refresh_seconds
            self._cache[registry] = _Cached(table, identity, due)
        return table

    def _load(self, name: str, entries: list[Entry]) -> RegistryTable:
        folder = self.root / name
        return RegistryTable([Snapshot(e.version, self._opener(folder, e)) for e in entries])

    def _opener(self, folder: Path, entry: Entry) -> Callable[[], Mapping[str, ListReader]]:
        def open_lists() -> Mapping[str, ListReader]:
            return {ch: self._index(folder / rel) for ch, rel in entry.files.items()}

        return open_lists

    def _index(self, path: Path) -> KeyIndex:
        """Each file is mapped once per process, whichever version asks for it."""
        with self._lock:
            index = self._opened.get(path)
            if index is None:
                index = self._opened[path] = KeyIndex(path)
            return index

    # -- importing -----------------------------------------------------------------------------

    def import_version(
        self,
        registry_id: str,
        source: Path,
        *,
        fmt: str,
        snapshot_date: date,
        imported_at: datetime,
        changes: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> RegistryVersion:
        """Read ``source`` whole, then publish it as the next version (see module docs)."""
        name = parse_registry_id(registry_id)
        parsed = read_source(source, name, fmt, changes, progress)
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / ".lock"):
            entries = read_manifest(folder / MANIFEST)
            base = _base(entries, parsed, snapshot_date)
            number = _next_number(folder, entries)
            _clear_leftovers(folder, entries)
            files, numbers = self._publish(folder, number, parsed, base)
            kind = CHANGES if changes else FULL
            version = RegistryVersion(
                name, number, snapshot_date, imported_at, kind, numbers,
                parsed.name, parsed.sha256, tuple(sorted(files)),
            )  # fmt: skip
            write_manifest(folder / MANIFEST, [*entries, Entry(version, files)])
        self._cache.pop(name, None)
        return version

    def _publish(
        self, folder: Path, number: int, parsed: ParsedSource, base: Entry | None
    ) -> tuple[dict[str, str], int]:
        """Write the version's lists into a temporary folder, then rename it into place."""
        temporary = folder / f".tmp-v{number}-{secrets.token_hex(4)}"
        temporary.mkdir()
        try:
            base_lists = self._expand(folder, base, parsed) if base is not None else None
            lists = next_lists(parsed, base_lists)
            for channel, full in lists.items():
                _write_list(temporary / f"{channel}.idx", full)
            carried = (
                {} if base is None else {c: f for c, f in base.files.items() if c not in lists}
            )
            for channel, relative in carried.items():
                os.link(folder / relative, temporary / f"{channel}.idx")
            numbers = self._count(temporary)
            fsync_dir(temporary)
            os.rename(temporary, folder / f"v{number}")
            fsync_dir(folder)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        channels = sorted({*lists, *carried})
        return {c: f"v{number}/{c}.idx" for c in channels}, numbers

    def _expand(self, folder: Path, base: Entry, parsed: ParsedSource) -> dict[str, FullList]:
        """The base version's lists that the change list touches, as key arrays."""
        indexes = {c: KeyIndex(folder / f) for c, f in base.files.items() if c in parsed.lists}
        return {c: (ix.keys(), ix.days()) for c, ix in indexes.items()}

    def _count(self, folder: Path) -> int:
        indexes = [KeyIndex(p) for p in sorted(folder.glob("*.idx"))]
        if len(indexes) == 1:
            return indexes[0].size
        return count_union([ix.keys() for ix in indexes])


def _base(entries: list[Entry], parsed: ParsedSource, snapshot_date: date) -> Entry | None:
    """The version a change list applies to (the newest); None for a full list."""
    if not parsed.changes:
        return None
    if not entries:
        reason = "a change list needs a full list imported first"
        raise ValidationError("changes", parsed.name, reason)
    newest = max(entries, key=lambda e: (e.version.snapshot_date, e.version.version))
    if snapshot_date < newest.version.snapshot_date:
        reason = (
            f"a change list cannot be older than the version it changes "
            f"(v{newest.version.version}, snapshot {newest.version.snapshot_date})"
        )
        raise ValidationError("as_of", snapshot_date.isoformat(), reason)
    return newest


def _next_number(folder: Path, entries: list[Entry]) -> int:
    on_disk = [int(p.name[1:]) for p in folder.glob("v*") if p.name[1:].isdigit()]
    return 1 + max([e.version.version for e in entries] + on_disk + [0])


def _clear_leftovers(folder: Path, entries: list[Entry]) -> None:
    """Remove what a crashed import left: temporary folders, versions never published."""
    published = {f"v{e.version.version}" for e in entries}
    for path in folder.iterdir():
        unpublished = path.name.startswith("v") and path.name not in published
        if path.is_dir() and (path.name.startswith(".tmp-") or unpublished):
            shutil.rmtree(path, ignore_errors=True)
