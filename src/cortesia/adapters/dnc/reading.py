"""The read side shared by every registry adapter: which snapshot, and what it says.

An adapter keeps, per registry, a :class:`RegistryTable` of its versions; each
version is a :class:`Snapshot` with one list per channel (``all`` = every channel).
A lookup at an instant picks the newest version whose snapshot date is on or
before the instant's UTC date, then asks that snapshot's lists.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from cortesia.adapters.dnc.keys import day_of, e164_key, e164_keys
from cortesia.adapters.dnc.parsed import ALL_CHANNELS
from cortesia.domain.registry import RegistryFinding, RegistryVersion
from cortesia.domain.registry import registry_id as parse_registry_id
from cortesia.domain.vocabulary import Channel
from cortesia.engine.ports import RegistryMarks
from cortesia.errors import ValidationError


class ListReader(Protocol):
    """One channel list of one snapshot."""

    def lookup(self, key: int) -> int:
        """-1 when not listed, else the day the number was added (0 = not given)."""
        ...

    def lookup_many(self, keys: NDArray[np.int64]) -> NDArray[np.int32]: ...

    def lookup_function(self) -> Callable[[int], int]:
        """``lookup`` as a plain function (bound once, called on every single lookup)."""
        ...


def _slot_setters() -> tuple[Callable[[object, object], None], ...]:
    return tuple(RegistryFinding.__dict__[f.name].__set__ for f in fields(RegistryFinding))


_SETTERS = _slot_setters()
_new = object.__new__


def finding(
    registry: str,
    number: str,
    channel: Channel | None,
    listed: bool,
    since: date | None,
    version: RegistryVersion | None,
) -> RegistryFinding:
    """A :class:`RegistryFinding`, built in half the time of its ``__init__``.

    A frozen dataclass sets each field through ``object.__setattr__`` (about 1.5 µs
    for six fields here); writing the slots directly does the same in 0.8 µs, which
    matters when one lookup must take under 5 µs.
    """
    made = _new(RegistryFinding)
    registry_set, number_set, channel_set, listed_set, since_set, version_set = _SETTERS
    registry_set(made, registry)
    number_set(made, number)
    channel_set(made, channel)
    listed_set(made, listed)
    since_set(made, since)
    version_set(made, version)
    return made


def utc_day(at: datetime) -> int:
    """The proleptic ordinal of the UTC date of an aware instant."""
    if at.tzinfo is UTC:
        return at.toordinal()
    offset = at.utcoffset()
    if offset is None:
        raise ValidationError("at", at.isoformat(), "instant needs a UTC offset")
    return (at - offset).toordinal()


class Snapshot:
    """One version of a registry and its channel lists (opened on first use)."""

    def __init__(self, version: RegistryVersion, opener: Callable[[], Mapping[str, ListReader]]):
        self.version = version
        self._opener = opener
        self._lists: Mapping[str, ListReader] | None = None
        self._by_channel: dict[Channel | None, tuple[ListReader, ...]] = {}
        self.functions: dict[Channel | None, Callable[[int], int]] = {}

    def readers(self, channel: Channel | None) -> tuple[ListReader, ...]:
        """The lists that speak for ``channel``: its own and ``all`` (None or ALL: every list)."""
        found = self._by_channel.get(channel)
        if found is None:
            if self._lists is None:
                self._lists = self._opener()
            lists = self._lists
            if channel is None or channel is Channel.ALL:
                found = tuple(lists.values())
            else:
                found = tuple(lists[n] for n in (ALL_CHANNELS, channel.value) if n in lists)
            self._by_channel[channel] = found
        return found

    def lookup(self, key: int, channel: Channel | None) -> int:
        """-1 when not listed for ``channel``, else the earliest known day (0 = not given)."""
        return (self.functions.get(channel) or self.function(channel))(key)

    def function(self, channel: Channel | None) -> Callable[[int], int]:
        """:meth:`lookup` for one channel as a plain function, made once and kept in
        ``functions`` (single lookups read that dictionary directly)."""
        made = self.functions.get(channel)
        if made is None:
            made = self.functions[channel] = self._function(self.readers(channel))
        return made

    @staticmethod
    def _function(readers: tuple[ListReader, ...]) -> Callable[[int], int]:
        if len(readers) == 1:
            return readers[0].lookup_function()
        functions = [reader.lookup_function() for reader in readers]

        def earliest(key: int) -> int:
            best = -1
            for function in functions:
                day = function(key)
                if day > 0:
                    best = day if best <= 0 else min(best, day)
                elif day == 0 and best < 0:
                    best = 0
            return best

        return earliest

    def lookup_many(self, keys: NDArray[np.int64], channel: Channel | None) -> NDArray[np.int32]:
        """:meth:`lookup` for many keys at once."""
        best = np.full(keys.size, -1, np.int32)
        for reader in self.readers(channel):
            day = reader.lookup_many(keys)
            known = (day > 0) & ((best <= 0) | (day < best))
            best[known] = day[known]
            best[(day == 0) & (best < 0)] = 0
        return best


class RegistryTable:
    """The versions of one registry, ordered by snapshot date then version number."""

    def __init__(self, snapshots: Sequence[Snapshot]) -> None:
        ordered = sorted(snapshots, key=lambda s: (s.version.snapshot_date, s.version.version))
        self.snapshots = tuple(ordered)
        self._days = [s.version.snapshot_date.toordinal() for s in ordered]
        self.last: tuple[int, Snapshot | None] = (0, None)  # the day asked last, its answer

    def at(self, day: int) -> Snapshot | None:
        """The snapshot in force on the UTC day ordinal ``day``, if any."""
        last = self.last
        if last[0] == day:  # lookups come in runs on the same day
            return last[1]
        index = bisect_right(self._days, day) - 1
        found = self.snapshots[index] if index >= 0 else None
        self.last = (day, found)
        return found

    def newest(self) -> Snapshot | None:
        """The snapshot a change list applies to: the latest by date, then by version."""
        return self.snapshots[-1] if self.snapshots else None


class RegistryReading:
    """``find``, ``find_many``, ``mark`` and ``versions`` over an adapter's tables."""

    def _table(self, registry: str) -> RegistryTable | None:
        raise NotImplementedError

    def _registry_ids(self) -> list[str]:
        raise NotImplementedError

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> RegistryFinding:
        """What the snapshot in force at ``at`` says about one E.164 number."""
        # The hot path of every contact check: the caches are read inline (each method
        # call saved is a tenth of a microsecond here).
        table = self._table(registry_id)
        key = e164_key(number)
        day = at.toordinal() if at.tzinfo is UTC else utc_day(at)
        if table is None:
            return finding(registry_id, number, channel, False, None, None)
        last_day, snapshot = table.last
        if last_day != day:
            snapshot = table.at(day)
        if snapshot is None:
            return finding(registry_id, number, channel, False, None, None)
        listed = (snapshot.functions.get(channel) or snapshot.function(channel))(key)
        since = day_of(listed) if listed > 0 else None
        return finding(registry_id, number, channel, listed >= 0, since, snapshot.version)

    def find_many(
        self, registry_id: str, numbers: Sequence[str], channel: Channel | None, at: datetime
    ) -> list[RegistryFinding]:
        """:meth:`find` for many numbers, looked up in one vectorised pass."""
        marks = self.mark(registry_id, numbers, channel, at)
        version, listed = marks.version, marks.listed.tolist()
        since = marks.listed_since.tolist()
        return [
            finding(registry_id, n, channel, hit, day_of(day) if day else None, version)
            for n, hit, day in zip(numbers, listed, since, strict=True)
        ]

    def mark(
        self, registry_id: str, numbers: Sequence[str], channel: Channel | None, at: datetime
    ) -> RegistryMarks:
        """Columnar answer for many E.164 numbers: listed flags and added days."""
        keys = e164_keys(numbers)
        table = self._table(registry_id)
        snapshot = table.at(utc_day(at)) if table is not None else None
        if snapshot is None:
            empty = np.zeros(keys.size, bool)
            return RegistryMarks(registry_id, None, empty, np.zeros(keys.size, np.uint16))
        day = snapshot.lookup_many(keys, channel)
        since = np.maximum(day, 0).astype(np.uint16)
        return RegistryMarks(registry_id, snapshot.version, day >= 0, since)

    def versions(self, registry_id: str | None = None) -> list[RegistryVersion]:
        """Every imported version, by registry then version number."""
        names = (
            [parse_registry_id(registry_id)] if registry_id is not None else self._registry_ids()
        )
        found: list[RegistryVersion] = []
        for name in sorted(names):
            table = self._table(name)
            if table is not None:
                found.extend(sorted((s.version for s in table.snapshots), key=lambda v: v.version))
        return found
