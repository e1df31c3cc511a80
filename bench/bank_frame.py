"""Scoring an outbound frame: 1 million customers × 200 actions with one model bank.

A ``BayesianLogisticBank`` learns a stream of outcomes over 200 actions from customers
with 20 features (12 numeric with 5 % missing values, 8 symbolic of 3 to 50 values
each), then scores a frame of customers for every action with
``predict_proba_frame``, in chunks of rows as an outbound plan would, keeping only each
customer's best action and its probability (the whole 1M × 200 matrix would be 1.6 GB).
Measured: the scoring time (frame generation excluded), rows × actions per second, the
peak of memory traced during the scoring (``tracemalloc``, NumPy's arrays included) and
the process's maximum resident size; next to it, the real-time path
(``predict_proba_actions``) row by row on a sample, extrapolated.

Run (≈ 1 min)::

    .venv/bin/python bench/bank_frame.py
    .venv/bin/python bench/bank_frame.py --rows 200000 --chunk 50000
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
from numpy.typing import NDArray

from cortesia.models.bank import BayesianLogisticBank

NUMERIC = [f"num_{i}" for i in range(12)]
SYMBOLIC = {
    f"sym_{i}": [f"v{j}" for j in range(k)] for i, k in enumerate([3, 4, 5, 6, 8, 12, 20, 50])
}


def frame(rng: np.random.Generator, n: int) -> dict[str, NDArray[np.generic]]:
    """``n`` customers as columns: floats with 5 % NaN, strings."""
    columns: dict[str, NDArray[np.generic]] = {}
    for name in NUMERIC:
        values = rng.normal(50.0, 15.0, n)
        values[rng.random(n) < 0.05] = np.nan
        columns[name] = values
    for name, levels in SYMBOLIC.items():
        columns[name] = np.asarray(rng.choice(levels, n))
    return columns


def learned_bank(actions: list[str], events: int, seed: int) -> BayesianLogisticBank:
    """A bank after ``events`` outcomes spread over every action."""
    rng = np.random.default_rng(seed)
    bank = BayesianLogisticBank(prior_rate=0.02, seed=seed)
    columns = frame(rng, events)
    picks = rng.integers(0, len(actions), events)
    accept = rng.random(events)
    for r in range(events):
        x: dict[str, object] = {name: columns[name][r].item() for name in columns}
        x["action"] = actions[int(picks[r])]
        bank.learn_one(x, bool(accept[r] < 0.02 + 0.03 * (x["sym_0"] == "v1")))
    return bank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    actions = [f"action_{a}" for a in range(args.actions)]
    bank = learned_bank(actions, args.events, seed=1)
    rng = np.random.default_rng(2)
    best = np.empty(args.rows, dtype=np.intp)
    best_p = np.empty(args.rows)
    elapsed = 0.0
    tracemalloc.start()
    for start in range(0, args.rows, args.chunk):
        stop = min(start + args.chunk, args.rows)
        chunk = frame(rng, stop - start)
        tracemalloc.reset_peak()
        began = time.perf_counter()
        scores = bank.predict_proba_frame(chunk, actions)
        best[start:stop] = scores.argmax(axis=1)
        best_p[start:stop] = scores[np.arange(stop - start), best[start:stop]]
        elapsed += time.perf_counter() - began
        del scores  # the plan keeps only the best action: free the chunk before the next
        peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sample = frame(np.random.default_rng(3), 2_000)
    began = time.perf_counter()
    for r in range(2_000):
        bank.predict_proba_actions({name: sample[name][r].item() for name in sample}, actions)
    per_row = (time.perf_counter() - began) / 2_000
    cells = args.rows * args.actions
    print(
        f"features: {len(NUMERIC)} numeric + {len(SYMBOLIC)} symbolic; vocabulary "
        f"{len(bank.weights())}; learned from {args.events} outcomes"
    )
    print(f"frame: {args.rows:,} rows × {args.actions} actions in chunks of {args.chunk:,}")
    print(
        f"scoring: {elapsed:.2f} s, {cells / elapsed / 1e6:.1f} M rows×actions/s, "
        f"{args.rows / elapsed:,.0f} rows/s"
    )
    print(
        f"memory: traced peak per chunk {peak / 2**20:.0f} MiB, "
        f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB"
    )
    print(
        f"row by row (predict_proba_actions): {per_row * 1e3:.3f} ms/row → "
        f"{per_row * args.rows:.0f} s for the frame "
        f"({per_row * args.rows / elapsed:.0f}× slower)"
    )
    print(f"best action: mean p {best_p.mean():.4f}, {len(np.unique(best))} distinct")


if __name__ == "__main__":
    main()
