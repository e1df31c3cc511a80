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

import struct
from dataclasses import dataclass
from typing import BinaryIO

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


def aligned(size: int) -> int:
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
        at_lows = at_starts + aligned(4 * (self.buckets + 1))
        at_days = at_lows + aligned(numbers * self.bits // 8)
        return at_highs, at_starts, at_lows, at_days, at_days + (aligned(2 * numbers) * days)


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
    highs = 1
    for at in range(0, keys.size, _WRITE_STEP):  # in steps: no temporaries as big as keys
        high = keys[at : at + _WRITE_STEP + 1] >> 16
        highs += int(np.count_nonzero(high[1:] != high[:-1]))
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
    out.write(b"\0" * (aligned(keys.size * layout.bits // 8) - keys.size * layout.bits // 8))
    if days is not None:
        _write_padded(out, days.astype("<u2").tobytes())
    return end


def _write_padded(out: BinaryIO, data: bytes) -> None:
    out.write(data)
    out.write(b"\0" * (aligned(len(data)) - len(data)))
