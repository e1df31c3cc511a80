"""The index file: a sorted set of phone-number keys in one or two bytes a number.

A key is the integer of a number's E.164 digits (``+12025550123`` → 12025550123).
Each key is split into a high part (``key >> bits``) and its low ``bits`` (8 or 16),
kept as one ``uint8`` or ``uint16``. Keys with the same high part form a bucket;
within a bucket the low parts are sorted. A *dense* directory holds, for every
high part between the smallest and the largest, where its bucket starts (so a
lookup finds its bucket in one step); a *sparse* one holds only the high parts
that occur, found by binary search. The writer picks whichever layout is smallest
for the keys at hand: for 250 million US numbers that is dense with 8 low bits
(125 MB of directory + 250 MB of low parts); for a few million numbers spread over
a country, dense with 16 low bits; for numbers spread over the world, sparse.
An optional parallel ``uint16`` array holds the day each number was added (days
since 1970-01-01; 0 = not given).

Layout, little-endian, every section aligned to 8 bytes::

    0   magic b"CDNCIDX2" · flags u32 (1 = days, 2 = dense) · low bits u32
    16  numbers u64 · buckets u64 · base i64 · largest bucket u64 · file size u64 · 8 spare
    64  [sparse: highs int64[buckets]] · starts uint32[buckets + 1] · lows · [days]

Files are written once and never changed; readers map them read-only, so every
process shares one copy in the page cache.
"""

from __future__ import annotations

import mmap
import os
import struct
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import StoreError

MAGIC = b"CDNCIDX2"
HEADER = struct.Struct("<8sII5Qq")
HEADER_SIZE = 64
HAS_DAYS = 1
DENSE = 2
MAX_NUMBERS = 2**31 - 1  # positions are int32 in batch lookups
_WRITE_STEP = 1 << 24
_CHUNK = 1 << 14  # queries per vectorised step: the temporaries stay in the CPU cache


def _aligned(size: int) -> int:
    return (size + 7) // 8 * 8


@dataclass(frozen=True, slots=True)
class Layout:
    """How a set of keys is laid out: low bits, dense or sparse, and the bucket count."""

    bits: int
    dense: bool
    buckets: int
    base: int

    def sections(self, numbers: int, days: bool) -> tuple[int, int, int, int, int]:
        """Offsets of the highs, starts, lows and days sections, and the file size."""
        at_highs = HEADER_SIZE
        at_starts = at_highs + (0 if self.dense else 8 * self.buckets)
        at_lows = at_starts + _aligned(4 * (self.buckets + 1))
        at_days = at_lows + _aligned(numbers * self.bits // 8)
        return at_highs, at_starts, at_lows, at_days, at_days + (_aligned(2 * numbers) * days)


def choose_layout(keys: NDArray[np.int64]) -> Layout:
    """The smallest layout for sorted distinct ``keys`` (dense wins ties: it is faster)."""
    if keys.size == 0:
        return Layout(16, False, 0, 0)
    first, last = int(keys[0]), int(keys[-1])
    options = []
    for bits in (8, 16):
        span = (last >> bits) - (first >> bits) + 1
        options.append(
            (4 * span + keys.size * bits // 8, 0, Layout(bits, True, span, first >> bits))
        )
    high = keys >> 16
    highs = 1 + int(np.count_nonzero(high[1:] != high[:-1]))
    options.append((12 * highs + 2 * keys.size, 1, Layout(16, False, highs, 0)))
    return min(options, key=lambda option: option[:2])[2]


def _directory(
    keys: NDArray[np.int64], layout: Layout
) -> tuple[NDArray[np.int64], NDArray[np.uint32]]:
    """The high parts (sparse only) and where each bucket starts, plus the end."""
    if layout.dense:
        counts = np.zeros(layout.buckets, np.int64)
        for at in range(0, keys.size, _WRITE_STEP):  # in steps: no temporaries as big as keys
            high = keys[at : at + _WRITE_STEP] >> layout.bits
            high -= layout.base
            counts += np.bincount(high, minlength=layout.buckets)
        starts = np.zeros(layout.buckets + 1, np.uint32)
        np.cumsum(counts, out=starts[1:])
        return np.empty(0, np.int64), starts
    high = keys >> layout.bits
    first = np.flatnonzero(high[1:] != high[:-1]) + 1 if keys.size else np.empty(0, np.int64)
    starts = np.concatenate(([0], first, [keys.size])).astype(np.uint32)
    return high[starts[:-1].astype(np.int64)] if keys.size else high, starts


def write_index(
    out: BinaryIO, keys: NDArray[np.int64], days: NDArray[np.uint16] | None = None
) -> int:
    """Write sorted distinct ``keys`` (and their added days) to ``out``; returns the size."""
    if keys.size > MAX_NUMBERS:
        raise StoreError(f"a registry list holds at most {MAX_NUMBERS} numbers")
    layout = choose_layout(keys)
    highs, starts = _directory(keys, layout)
    largest = int(np.diff(starts).max()) if starts.size > 1 else 0
    *_, end = layout.sections(keys.size, days is not None)
    flags = (HAS_DAYS if days is not None else 0) | (DENSE if layout.dense else 0)
    header = (MAGIC, flags, layout.bits, keys.size, layout.buckets, largest, end, 0, layout.base)
    out.write(HEADER.pack(*header))
    out.write(highs.astype("<i8").tobytes())
    _write_padded(out, starts.astype("<u4").tobytes())
    low_type = "<u1" if layout.bits == 8 else "<u2"
    mask = (1 << layout.bits) - 1
    for at in range(0, keys.size, _WRITE_STEP):
        out.write((keys[at : at + _WRITE_STEP] & mask).astype(low_type).tobytes())
    out.write(b"\0" * (_aligned(keys.size * layout.bits // 8) - keys.size * layout.bits // 8))
    if days is not None:
        _write_padded(out, days.astype("<u2").tobytes())
    return end


def _write_padded(out: BinaryIO, data: bytes) -> None:
    out.write(data)
    out.write(b"\0" * (_aligned(len(data)) - len(data)))


class KeyIndex:
    """A read-only, memory-mapped index file: single and vectorised membership."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < HEADER_SIZE:
                raise StoreError(f"registry index {path} is truncated ({size} bytes)")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        magic, flags, bits, numbers, buckets, largest, end, _, base = HEADER.unpack_from(self._map)
        if magic != MAGIC or end != size or bits not in (8, 16):
            raise StoreError(f"registry index {path} is damaged (bad header or size)")
        layout = Layout(bits, bool(flags & DENSE), buckets, base)
        at_highs, at_starts, at_lows, at_days, _ = layout.sections(numbers, bool(flags & HAS_DAYS))
        view = memoryview(self._map)
        self.size, self.layout = int(numbers), layout
        # The layout again as plain attributes: single lookups read them on every call.
        self._bits, self._dense, self._base, self._count = bits, layout.dense, base, buckets
        self._lifts = tuple(1 << k for k in reversed(range(int(largest).bit_length())))
        self._mask = (1 << bits) - 1
        self._highs: NDArray[np.int64] = np.frombuffer(
            view, "<i8", 0 if layout.dense else buckets, at_highs
        )
        self._starts: NDArray[np.uint32] = np.frombuffer(view, "<u4", buckets + 1, at_starts)
        self._lows: NDArray[np.unsignedinteger[Any]] = np.frombuffer(
            view, "<u1" if bits == 8 else "<u2", numbers, at_lows
        )
        has_days = bool(flags & HAS_DAYS)
        self._days: NDArray[np.uint16] | None = (
            np.frombuffer(view, "<u2", numbers, at_days) if has_days else None
        )
        # Plain memoryviews for single lookups: bisect on them pays no NumPy call overhead.
        self._high_view = view[at_highs:at_starts].cast("q")
        self._start_view = view[at_starts : at_starts + 4 * (buckets + 1)].cast("I")
        self._low_view = view[at_lows : at_lows + numbers * bits // 8].cast(
            "B" if bits == 8 else "H"
        )
        self._day_view = view[at_days : at_days + 2 * numbers].cast("H") if has_days else None

    @property
    def has_days(self) -> bool:
        """True when the file keeps the day each number was added."""
        return self._days is not None

    def position(self, key: int) -> int:
        """Where ``key`` is in the index, or -1 when it is not listed."""
        high = key >> self._bits
        if self._dense:
            bucket = high - self._base
            if bucket < 0 or bucket >= self._count:
                return -1
        else:
            bucket = bisect_left(self._high_view, high)
            if bucket == self._count or self._high_view[bucket] != high:
                return -1
        end = self._start_view[bucket + 1]
        low = key & self._mask
        at = bisect_left(self._low_view, low, self._start_view[bucket], end)
        return at if at < end and self._low_view[at] == low else -1

    def lookup(self, key: int) -> int:
        """-1 when ``key`` is not listed, else the day it was added (0 = not given)."""
        at = self.position(key)
        if at < 0 or self._day_view is None:
            return -1 if at < 0 else 0
        return int(self._day_view[at])

    def lookup_many(self, keys: NDArray[np.int64]) -> NDArray[np.int32]:
        """:meth:`lookup` for many keys at once."""
        at = self.positions(keys)
        found = self.days_at(at).astype(np.int32)
        found[at < 0] = -1
        return found

    def positions(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Where each of ``keys`` is in the index (-1 = not listed), vectorised."""
        found = np.full(keys.size, -1, np.int64)
        if self.size == 0:
            return found
        for at in range(0, keys.size, _CHUNK):
            found[at : at + _CHUNK] = self._chunk(keys[at : at + _CHUNK])
        return found

    def _buckets(self, high: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """The bucket of each high part, and whether that bucket exists."""
        layout = self.layout
        if layout.dense:
            bucket = high - layout.base
            inside = (bucket >= 0) & (bucket < layout.buckets)
            np.clip(bucket, 0, layout.buckets - 1, out=bucket)
            return bucket, inside
        bucket = np.searchsorted(self._highs, high).astype(np.int64)
        np.minimum(bucket, layout.buckets - 1, out=bucket)
        return bucket, self._highs[bucket] == high

    def _chunk(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Binary lifting inside each query's bucket: every query takes the same steps.

        Positions are ``int32`` (a list holds fewer than 2**31 numbers) and every step
        writes into buffers made once, which halves the time of this loop.
        """
        bucket, inside = self._buckets(keys >> self._bits)
        low = (keys & self._mask).astype(self._lows.dtype)
        before = np.take(self._starts, bucket).astype(np.int32)
        end = np.take(self._starts, bucket + 1).astype(np.int32)
        np.copyto(end, before, where=~inside)  # a missing bucket holds nothing
        before -= 1  # the last position known to hold a smaller low part
        probe = np.empty(keys.size, np.int32)
        smaller, less = np.empty(keys.size, bool), np.empty(keys.size, bool)
        found = np.empty(keys.size, self._lows.dtype)
        for step in self._lifts:
            np.add(before, step, out=probe)
            np.less(probe, end, out=smaller)
            np.take(self._lows, probe, mode="clip", out=found)
            np.less(found, low, out=less)
            smaller &= less
            np.add(before, step, out=before, where=smaller)
        before += 1
        listed = before < end
        listed &= np.take(self._lows, before, mode="clip") == low
        return np.where(listed, before, -1).astype(np.int64)

    def days_at(self, positions: NDArray[np.int64]) -> NDArray[np.uint16]:
        """Added days of the numbers at ``positions`` (0 for -1 or when not given)."""
        days = np.zeros(positions.size, np.uint16)
        if self._days is not None:
            listed = positions >= 0
            days[listed] = self._days[positions[listed]]
        return days

    def keys(self) -> NDArray[np.int64]:
        """Every key, sorted (expands the whole index: for building the next version)."""
        starts = self._starts.astype(np.int64)
        counts: NDArray[np.int64] = starts[1:] - starts[:-1]
        highs = (
            self._highs
            if not self.layout.dense
            else np.arange(self.layout.buckets) + self.layout.base
        )
        keys = np.repeat(highs << self.layout.bits, counts)
        keys |= self._lows
        return keys

    def days(self) -> NDArray[np.uint16] | None:
        """Every added day in key order, or None when the source gave none."""
        return None if self._days is None else np.array(self._days)
