"""Do-not-call registry at scale: import time and memory, lookups in batch and one by one.

Run each step in its own process, so that peak memory is the step's own::

    .venv/bin/python bench/dnc_generate.py /tmp/dnc-250m.txt --numbers 250000000
    .venv/bin/python bench/dnc_registry.py import /tmp/dnc-250m.txt --root /tmp/dnc-bench
    .venv/bin/python bench/dnc_registry.py lookup /tmp/dnc-250m.txt --root /tmp/dnc-bench

``import`` publishes the file as version 1 of ``us-dnc`` through ``FileRegistries``
and reports the wall time, the peak resident memory (VmHWM) and the index size.
``lookup`` opens the registry in a fresh process and measures: batches of one
million numbers (half listed, half random) through the index and through the port
(``mark`` from E.164 text, ``find_many`` with findings); single ``find`` calls
(median and p99 of each call timed alone); resident memory (VmRSS, VmHWM).
Listed numbers are sampled by reading random lines of the FTC file (fixed 12-byte lines).
Batch rates are given in wall time and in this process's CPU time: on a shared machine
the second says what the code costs. ``--priority`` runs the step at nice -15 (root only),
so that other jobs preempt the timed calls less often.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from cortesia.adapters.dnc import FileRegistries
from cortesia.adapters.dnc.index import KeyIndex

AT = datetime(2026, 3, 2, 12, tzinfo=UTC)
BATCH = 1_000_000


def memory() -> dict[str, float]:
    """Resident and peak resident memory of this process, in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def run_import(source: Path, root: Path) -> dict[str, object]:
    registries = FileRegistries(root)
    began = time.perf_counter()
    version = registries.import_version(
        "us-dnc", source, fmt="ftc", snapshot_date=date(2026, 3, 1), imported_at=AT
    )
    took = time.perf_counter() - began
    size = sum(p.stat().st_size for p in (root / "us-dnc").rglob("*.idx"))
    return {
        "numbers": version.numbers,
        "seconds": round(took, 1),
        "index_mb": round(size / 1e6, 1),
        **{k: round(v) for k, v in memory().items()},
    }


def listed_sample(source: Path, count: int, rng: np.random.Generator) -> np.ndarray:
    """Keys of ``count`` random lines of a fixed-width ``AAA,NNNNNNN`` file."""
    lines = source.stat().st_size // 12
    keys = np.empty(count, np.int64)
    descriptor = os.open(source, os.O_RDONLY)
    try:
        for at, line in enumerate(rng.integers(0, lines, count).tolist()):
            text = os.pread(descriptor, 11, 12 * line)
            keys[at] = 10_000_000_000 + int(text[:3] + text[4:])
    finally:
        os.close(descriptor)
    return keys


def random_us(count: int, rng: np.random.Generator) -> np.ndarray:
    area = rng.integers(200, 1000, count)
    return 10_000_000_000 + area * 10_000_000 + rng.integers(2_000_000, 10_000_000, count)


def _rate(work, size: int, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = min(_timed(work) for _ in range(repeat))
    return size / best


def _cpu_rate(work, size: int, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Lookups per second of this process's CPU time: what the code costs, whatever else
    the machine is running at the same time."""
    took = []
    for _ in range(repeat):
        began = time.process_time()
        work()
        took.append(time.process_time() - began)
    return size / min(took)


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def run_lookup(source: Path, root: Path, seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    registries = FileRegistries(root)
    figures: dict[str, object] = {"rss_start_mb": round(memory()["VmRSS"])}
    queries = np.concatenate([listed_sample(source, BATCH // 2, rng), random_us(BATCH // 2, rng)])
    rng.shuffle(queries)
    numbers = [f"+{k}" for k in queries.tolist()]
    registries.find("us-dnc", numbers[0], None, AT)
    index: KeyIndex = registries._index(next((root / "us-dnc").glob("v*/all.idx")))
    figures["layout"] = str(index.layout)
    figures["first_batch_s"] = round(_timed(lambda: index.lookup_many(queries)), 2)
    figures["rss_after_first_batch_mb"] = round(memory()["VmRSS"])
    for _ in range(3):  # every page of the index has been read once: the steady state
        index.lookup_many(random_us(BATCH, rng))
    listed = index.lookup_many(queries) >= 0
    figures["listed_share"] = round(float(listed.mean()), 3)
    figures["batch_index_per_s"] = round(_rate(lambda: index.lookup_many(queries), BATCH))
    figures["batch_index_per_cpu_s"] = round(_cpu_rate(lambda: index.lookup_many(queries), BATCH))
    figures["batch_mark_per_s"] = round(
        _rate(lambda: registries.mark("us-dnc", numbers, None, AT), BATCH)
    )
    figures["batch_find_many_per_s"] = round(
        _rate(lambda: registries.find_many("us-dnc", numbers, None, AT), BATCH, 1)
    )
    figures.update(_single(registries, numbers[:200_000]))
    figures.update({f"{k}_mb": round(v) for k, v in memory().items()})
    return figures


def _single(registries: FileRegistries, numbers: list[str]) -> dict[str, float]:
    find = registries.find
    clock = time.perf_counter_ns
    for number in numbers[:20_000]:
        find("us-dnc", number, None, AT)
    took = []
    for number in numbers:
        began = clock()
        find("us-dnc", number, None, AT)
        took.append(clock() - began)
    took.sort()
    overhead = statistics.median(_empty_timings(clock))
    cpu = time.process_time()
    for number in numbers:
        find("us-dnc", number, None, AT)
    cpu = time.process_time() - cpu
    return {
        "single_find_median_us": round(took[len(took) // 2] / 1000, 2),
        "single_find_p99_us": round(took[int(len(took) * 0.99)] / 1000, 2),
        "single_find_mean_cpu_us": round(cpu / len(numbers) * 1e6, 2),
        "timer_overhead_us": round(overhead / 1000, 2),
    }


def _empty_timings(clock) -> list[int]:  # type: ignore[no-untyped-def]
    took = []
    for _ in range(10_000):
        began = clock()
        took.append(clock() - began)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=("import", "lookup"))
    parser.add_argument("source", type=Path)
    parser.add_argument("--root", type=Path, default=Path("/tmp/dnc-bench"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--priority", action="store_true", help="run at nice -15 (root): fewer preemptions"
    )
    arguments = parser.parse_args()
    if arguments.priority:
        os.nice(-15)
    if arguments.step == "import":
        figures = run_import(arguments.source, arguments.root)
    else:
        figures = run_lookup(arguments.source, arguments.root, arguments.seed)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
