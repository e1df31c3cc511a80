"""Write a synthetic FTC National DNC full list: N distinct US numbers, ``AAA,NNNNNNN`` lines.

Numbers are distinct by construction: line ``i`` holds the ``(a·i + b) mod P``-th
number of the NANP space (area code and exchange 200-999, any 4-digit line), a
bijection for the prime ``P``; values past the space are skipped. Each block of
ten million lines is shuffled, so the file is in no useful order for the importer.

    .venv/bin/python bench/dnc_generate.py /tmp/dnc-250m.txt --numbers 250000000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

SPACE = 800 * 800 * 10_000  # area codes 200-999 × exchanges 200-999 × 10,000 lines
PRIME = 6_400_000_031  # the first prime above SPACE
CHUNK = 10_000_000


def _digits(out: np.ndarray, column: int, width: int, values: np.ndarray) -> None:
    for place in range(width - 1, -1, -1):
        out[:, column + place] = 48 + values % 10
        values //= 10


def lines_for(values: np.ndarray) -> bytes:
    """``AAA,NNNNNNN\\n`` lines for positions in the NANP space."""
    rows = np.empty((values.size, 12), np.uint8)
    area, rest = 200 + values // 8_000_000, values % 8_000_000
    _digits(rows, 0, 3, area)
    _digits(rows, 4, 7, (200 + rest // 10_000) * 10_000 + rest % 10_000)
    rows[:, 3], rows[:, 11] = ord(","), ord("\n")
    return rows.tobytes()


def generate(path: Path, numbers: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = int(rng.integers(1, PRIME)), int(rng.integers(0, PRIME))
    written, start, began = 0, 0, time.perf_counter()
    with open(path, "wb") as out:
        while written < numbers:
            index = np.arange(start, start + CHUNK, dtype=np.int64)
            start += CHUNK
            values = (a * index + b) % PRIME
            values = rng.permutation(values[values < SPACE][: numbers - written])
            out.write(lines_for(values))
            written += values.size
    took = time.perf_counter() - began
    size = path.stat().st_size / 1e9
    print(f"wrote {written:,} numbers to {path} ({size:.2f} GB) in {took:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--numbers", type=int, default=250_000_000)
    parser.add_argument("--seed", type=int, default=20260301)
    arguments = parser.parse_args()
    generate(arguments.path, arguments.numbers, arguments.seed)


if __name__ == "__main__":
    main()
