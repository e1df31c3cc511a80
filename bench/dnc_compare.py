"""Registry storage alternatives on the same numbers: size, batch and single lookups.

Compares, on the keys of an imported index (see dnc_registry.py):

- ``index``: Cortesía's index file (high part directory + 8 or 16 low bits);
- ``sorted``: a sorted int64 array, ``np.searchsorted`` in batch, ``bisect`` one by one;
- ``bitset``: one bit per number of the NANP space (area code and exchange 200-999);
- ``roaring``: ``pyroaring.BitMap64`` when the package can be imported (it is not a
  dependency: install it beside the project for the measurement only, e.g.
  ``pip install --target /tmp/roaring pyroaring`` and ``PYTHONPATH=/tmp/roaring``).

    .venv/bin/python bench/dnc_compare.py /tmp/dnc-bench/us-dnc/v1/all.idx
"""

from __future__ import annotations

import argparse
import json
import time
from bisect import bisect_left
from pathlib import Path

import numpy as np

from cortesia.adapters.dnc.index import KeyIndex

BASE = 10_000_000_000 + 200 * 10_000_000  # +1 200 000 0000, the first key of the space
BATCH = 1_000_000
SINGLE = 200_000


def _best(work, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    took = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        took.append(time.perf_counter() - began)
    return min(took)


def _single_us(contains, keys: list[int]) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    for key in keys:
        contains(key)
    return (time.perf_counter() - began) / len(keys) * 1e6


def _queries(keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    listed = keys[rng.integers(0, keys.size, BATCH // 2)]
    area = rng.integers(200, 1000, BATCH // 2)
    other = 10_000_000_000 + area * 10_000_000 + rng.integers(2_000_000, 10_000_000, BATCH // 2)
    queries = np.concatenate([listed, other])
    rng.shuffle(queries)
    return queries


def measure_index(index: KeyIndex, queries: np.ndarray) -> dict[str, float]:
    index.lookup_many(queries)
    return {
        "mb": round(index.path.stat().st_size / 1e6),
        "batch_per_s": round(BATCH / _best(lambda: index.positions(queries))),
        "single_us": round(_single_us(index.position, queries[:SINGLE].tolist()), 2),
    }


def measure_sorted(keys: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    def batch() -> np.ndarray:
        at = np.minimum(np.searchsorted(keys, queries), keys.size - 1)
        return keys[at] == queries

    view = memoryview(keys).cast("B").cast("q")

    def contains(key: int) -> bool:
        at = bisect_left(view, key)
        return at < len(view) and view[at] == key

    return {
        "mb": round(keys.nbytes / 1e6),
        "batch_per_s": round(BATCH / _best(batch)),
        "single_us": round(_single_us(contains, queries[:SINGLE].tolist()), 2),
    }


def measure_bitset(keys: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    def place(values: np.ndarray) -> np.ndarray:
        area, rest = (values - 10_000_000_000) // 10_000_000 - 200, values % 10_000_000
        return area * 8_000_000 + (rest // 10_000 - 200) * 10_000 + rest % 10_000

    bits = np.zeros(800 * 8_000_000 // 8, np.uint8)
    for start in range(0, keys.size, 10_000_000):
        at = place(keys[start : start + 10_000_000])
        np.bitwise_or.at(bits, at >> 3, (1 << (at & 7)).astype(np.uint8))
    asked = place(queries)
    valid = (asked >= 0) & (asked < bits.size * 8)

    def batch() -> np.ndarray:
        at = np.where(valid, asked, 0)
        return valid & ((bits[at >> 3] >> (at & 7)) & 1).astype(bool)

    return {"mb": round(bits.nbytes / 1e6), "batch_per_s": round(BATCH / _best(batch))}


def measure_roaring(keys: np.ndarray, queries: np.ndarray) -> dict[str, float] | str:
    try:
        from pyroaring import BitMap64  # type: ignore[import-not-found]
    except ImportError:
        return "pyroaring not installed"
    began = time.perf_counter()
    bitmap = BitMap64()
    for start in range(0, keys.size, 10_000_000):
        bitmap.update(keys[start : start + 10_000_000].tolist())
    built = time.perf_counter() - began
    asked = queries.tolist()
    return {
        "mb": round(len(bitmap.serialize()) / 1e6),
        "build_s": round(built, 1),
        "batch_per_s": round(BATCH / _best(lambda: [k in bitmap for k in asked], 1)),
        "single_us": round(_single_us(bitmap.__contains__, asked[:SINGLE]), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index", type=Path)
    parser.add_argument("--only", nargs="*", default=["index", "sorted", "bitset", "roaring"])
    arguments = parser.parse_args()
    rng = np.random.default_rng(11)
    index = KeyIndex(arguments.index)
    keys = index.keys()
    queries = _queries(keys, rng)
    figures: dict[str, object] = {"numbers": int(keys.size)}
    measures = {
        "index": lambda: measure_index(index, queries),
        "sorted": lambda: measure_sorted(keys, queries),
        "bitset": lambda: measure_bitset(keys, queries),
        "roaring": lambda: measure_roaring(keys, queries),
    }
    for name in arguments.only:
        figures[name] = measures[name]()
        print(name, figures[name], flush=True)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
