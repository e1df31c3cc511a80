"""Reading an index file (see ``index_layout``): single and vectorised membership.

A single lookup is a closure over plain memoryviews (``bisect`` on them pays no NumPy
call overhead); a batch runs every query through the same few NumPy steps.
"""

from __future__ import annotations

import mmap
import os
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cortesia.adapters.dnc.index_layout import DENSE, HAS_DAYS, HEADER, HEADER_SIZE, MAGIC, Layout
from cortesia.errors import StoreError

_CHUNK = 1 << 14  # queries per vectorised step: the temporaries stay in the CPU cache


def _sort_with_order(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """``keys`` sorted, and where each sorted key came from.

    When the keys' span leaves room, each key carries its position in its low bits and
    one plain sort does the work (three times faster than ``argsort``).
    """
    first = int(keys.min())
    shift = max(1, (keys.size - 1).bit_length())
    if (int(keys.max()) - first).bit_length() + shift > 62:
        order = np.argsort(keys)
        return keys[order], order
    packed = keys - first
    packed <<= shift
    packed |= np.arange(keys.size)
    packed.sort()
    order = packed & ((1 << shift) - 1)
    packed >>= shift
    packed += first
    return packed, order


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

    def lookup_function(self) -> Callable[[int], int]:
        """:meth:`lookup` as a closure over local names: the fastest single lookup."""
        if not self._dense:
            return self.lookup
        bits, mask, base, count = self._bits, self._mask, self._base, self._count
        starts, lows, days = self._start_view, self._low_view, self._day_view

        def lookup(key: int) -> int:
            bucket = (key >> bits) - base
            if bucket < 0 or bucket >= count:
                return -1
            end = starts[bucket + 1]
            low = key & mask
            at = bisect_left(lows, low, starts[bucket], end)
            if at < end and lows[at] == low:
                return 0 if days is None else int(days[at])
            return -1

        return lookup

    def lookup_many(self, keys: NDArray[np.int64]) -> NDArray[np.int32]:
        """:meth:`lookup` for many keys at once."""
        at = self.positions(keys)
        found = self.days_at(at).astype(np.int32)
        found[at < 0] = -1
        return found

    def positions(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Where each of ``keys`` is in the index (-1 = not listed), vectorised.

        A large batch is looked up in key order: the index is then read from one end to
        the other instead of at random, which more than pays for sorting the batch.
        """
        if self.size == 0:
            return np.full(keys.size, -1, np.int64)
        if keys.size <= 2 * _CHUNK or bool((keys[1:] >= keys[:-1]).all()):
            return self._in_order(keys)
        ordered, order = _sort_with_order(keys)
        found = np.empty(keys.size, np.int64)
        found[order] = self._in_order(ordered)
        return found

    def _in_order(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        found = np.empty(keys.size, np.int64)
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
