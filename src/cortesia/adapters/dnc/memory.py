"""Registries in memory: the same answers as the files, for tests and embedding.

Public on purpose: a test of a contact policy builds the snapshots it needs with
:meth:`MemoryRegistries.add_snapshot`, without writing registry files.

>>> from datetime import UTC, date, datetime
>>> registries = MemoryRegistries()
>>> _ = registries.add_snapshot("us-dnc", date(2026, 3, 1), ["+12025550123"])
>>> registries.find("us-dnc", "+12025550123", None, datetime(2026, 3, 2, tzinfo=UTC)).listed
True
>>> registries.find("us-dnc", "+12025550123", None, datetime(2026, 2, 28, tzinfo=UTC)).version
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cortesia.adapters.dnc.builder import distinct
from cortesia.adapters.dnc.keys import day_number, e164_key
from cortesia.adapters.dnc.parsed import ALL_CHANNELS
from cortesia.adapters.dnc.reading import ListReader, RegistryReading, RegistryTable, Snapshot
from cortesia.adapters.dnc.sources import FullList, count_numbers, next_lists, read_source
from cortesia.domain.registry import CHANGES, FULL, RegistryVersion
from cortesia.domain.registry import registry_id as parse_registry_id
from cortesia.domain.vocabulary import parse_channel
from cortesia.errors import ValidationError


class DictList:
    """One channel list as a dictionary from key to added day (0 = not given)."""

    def __init__(self, days: dict[int, int]) -> None:
        self.days = days

    def lookup(self, key: int) -> int:
        return self.days.get(key, -1)

    def lookup_function(self) -> Callable[[int], int]:
        get = self.days.get
        return lambda key: get(key, -1)

    def lookup_many(self, keys: NDArray[np.int64]) -> NDArray[np.int32]:
        get = self.days.get
        return np.fromiter((get(k, -1) for k in keys.tolist()), np.int32, keys.size)

    def full(self) -> FullList:
        keys = np.array(sorted(self.days), np.int64)
        days = np.array([self.days[k] for k in keys.tolist()], np.uint16)
        return keys, days if days.any() else None


def _dict_list(full: FullList) -> DictList:
    keys, days = full
    listed = days.tolist() if days is not None else [0] * keys.size
    return DictList(dict(zip(keys.tolist(), listed, strict=True)))


class MemoryRegistries(RegistryReading):
    """Every registry in dictionaries; imports read the same files as the file store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lists: dict[str, list[tuple[RegistryVersion, dict[str, DictList]]]] = {}
        self._tables: dict[str, RegistryTable] = {}

    def _table(self, registry: str) -> RegistryTable | None:
        table = self._tables.get(registry)
        if table is None:
            parse_registry_id(registry)  # an unknown id is refused, as by the file store
        return table

    def _registry_ids(self) -> list[str]:
        return sorted(self._tables)

    def _publish(self, version: RegistryVersion, lists: dict[str, DictList]) -> None:
        with self._lock:
            kept = self._lists.setdefault(version.registry_id, [])
            kept.append((version, lists))
            snapshots = [Snapshot(v, _opener(found)) for v, found in kept]
            self._tables[version.registry_id] = RegistryTable(snapshots)

    def _next(self, registry: str) -> int:
        return 1 + max((v.version for v, _ in self._lists.get(registry, [])), default=0)

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
        """Read ``source`` whole, then add it as the next version."""
        name = parse_registry_id(registry_id)
        parsed = read_source(source, name, fmt, changes, progress)
        base = self._base(name, parsed.changes, parsed.name, snapshot_date)
        lists = next_lists(parsed, {c: found.full() for c, found in base.items()} if base else None)
        stored = {**(base or {}), **{c: _dict_list(full) for c, full in lists.items()}}
        numbers = count_numbers({c: found.full() for c, found in stored.items()})
        kind = CHANGES if changes else FULL
        version = RegistryVersion(
            name, self._next(name), snapshot_date, imported_at, kind, numbers,
            parsed.name, parsed.sha256, tuple(sorted(stored)),
        )  # fmt: skip
        self._publish(version, stored)
        return version

    def _base(
        self, name: str, changes: bool, source: str, snapshot_date: date
    ) -> dict[str, DictList] | None:
        if not changes:
            return None
        table = self._tables.get(name)
        newest = table.newest() if table is not None else None
        if newest is None:
            raise ValidationError(
                "changes", source, "a change list needs a full list imported first"
            )
        if snapshot_date < newest.version.snapshot_date:
            reason = (
                "a change list cannot be older than the version it changes "
                f"(v{newest.version.version}, snapshot {newest.version.snapshot_date})"
            )
            raise ValidationError("as_of", snapshot_date.isoformat(), reason)
        return dict(next(found for v, found in self._lists[name] if v == newest.version))

    def add_snapshot(
        self,
        registry_id: str,
        snapshot_date: date,
        numbers: Iterable[str] = (),
        *,
        by_channel: Mapping[str, Iterable[str]] | None = None,
        listed_since: Mapping[str, date] | None = None,
        imported_at: datetime | None = None,
    ) -> RegistryVersion:
        """Add a full version from E.164 numbers: ``numbers`` on every channel,
        ``by_channel`` per channel (``sms``, ``voice``…), ``listed_since`` per number."""
        name = parse_registry_id(registry_id)
        since = {e164_key(n): day_number(d) for n, d in (listed_since or {}).items()}
        lists: dict[str, DictList] = {}
        for channel, listed in {ALL_CHANNELS: numbers, **(by_channel or {})}.items():
            keys, _ = distinct(np.array([e164_key(n) for n in listed], np.int64))
            if keys.size or (channel == ALL_CHANNELS and not by_channel):
                lists[parse_channel(channel).value] = DictList(
                    {k: since.get(k, 0) for k in keys.tolist()}
                )
        at = imported_at or datetime.combine(snapshot_date, time(), UTC)
        numbers_count = count_numbers({c: found.full() for c, found in lists.items()})
        version = RegistryVersion(
            name, self._next(name), snapshot_date, at, FULL, numbers_count,
            "memory", "", tuple(sorted(lists)),
        )  # fmt: skip
        self._publish(version, lists)
        return version


def _opener(lists: dict[str, DictList]) -> Callable[[], Mapping[str, ListReader]]:
    return lambda: lists
