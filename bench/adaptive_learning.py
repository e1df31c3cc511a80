"""Learning throughput of adaptive scoring: outcome updates per second, in process.

A stream of answered offers as the decision path writes them to the learning log (the
features a decision keeps: customer attributes, context, contact-history counts), over
``--actions`` actions in ``--groups`` groups on two channels. Measured:

- ``AdaptiveScorer.catch_up``: everything one outcome teaches (the action's and the
  group's propensity models, the opt-out risk, the running quality and the binned
  evidence behind the ADM export), read from an in-memory log; and the same with the
  binned evidence left out (its ``learn`` a no-op), runs alternating, to see its cost;
- the same, read from a SQLite learning log (the store's own paging and decoding of
  every event: what a process catching up pays);
- the evidence keepers alone, fed the same events: one ``AdaptiveNaiveBayes`` per model
  (a full ADM model), the lighter ``BinnedEvidence`` fed one by one, and the scorer's
  ``AdaptiveEvidence``, which queues outcomes and counts them in batches;
- the snapshot: pickled size and the time to pickle and restore it.

Run (≈ 20 s)::

    .venv/bin/python bench/adaptive_learning.py
    .venv/bin/python bench/adaptive_learning.py --events 50000 --actions 200
"""

from __future__ import annotations

import argparse
import math
import pickle
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.adaptive_evidence import CONTEXT, AdaptiveEvidence
from cortesia.engine.adaptive_scoring import GROUP, PROPENSITY, AdaptiveScorer
from cortesia.engine.decision_ports import LearningEvent
from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.evidence import BinnedEvidence

START = datetime(2026, 11, 24, tzinfo=UTC)
SEGMENTS = ("premium", "standard", "value", "youth")
SERVICES = ("Fiber optic", "DSL", "No")
CHANNELS = (Channel.SMS, Channel.EMAIL)


class ListLog:
    """A learning log held in a list (the store's paging, none of its locking)."""

    def __init__(self, events: list[LearningEvent]) -> None:
        self.events = events

    def append_learning(self, events: Sequence[LearningEvent]) -> None:
        self.events.extend(events)

    def learning_since(self, after: int, limit: int = 10_000) -> list[tuple[int, LearningEvent]]:
        chunk = self.events[after : after + limit]
        return [(after + i + 1, e) for i, e in enumerate(chunk)]


def make_events(n: int, actions: int, groups: int, seed: int) -> list[LearningEvent]:
    """``n`` answered offers with the features a decision keeps."""
    rng = np.random.default_rng(seed)
    events = []
    for i in range(n):
        a = int(rng.integers(actions))
        channel = CHANNELS[int(rng.integers(len(CHANNELS)))]
        segment = SEGMENTS[int(rng.integers(len(SEGMENTS)))]
        contacts = int(rng.poisson(2.0))
        rate = 0.02 + 0.08 * (segment == "premium") + 0.01 * (a % 5)
        features: dict[str, object] = {
            "arpu": round(float(rng.gamma(4.0, 12.0)), 2),
            "internet_service": SERVICES[int(rng.integers(3))],
            "segment": segment,
            "country": "CO",
            "language": "es",
            "channel": channel.value,
            "direction": "outbound",
            "hour": int(rng.integers(8, 21)),
            "weekday": int(rng.integers(1, 8)),
            "contacts_1d": int(contacts > 3),
            "contacts_7d": contacts,
            "contacts_30d": contacts + int(rng.poisson(3.0)),
            "rejects_30d": int(rng.poisson(0.5)),
            "accepts_30d": int(rng.poisson(0.2)),
            "opt_outs_30d": 0,
            f"contacts_7d_{channel.value}": contacts,
            PROPENSITY: 0.05,
            GROUP: f"sales/g{a % groups}",
        }
        events.append(
            LearningEvent(
                f"d{i}",
                f"c{int(rng.integers(100_000))}",
                f"action_{a}",
                channel,
                "outbound",
                "marketing",
                START + timedelta(seconds=i),
                accepted=bool(rng.random() < rate),
                opted_out=bool(rng.random() < 0.002),
                features=features,
            )
        )
    return events


def best_of(repeats: int, run: object) -> float:
    """The fastest of ``repeats`` runs of ``run()`` (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--actions", type=int, default=40)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    events = make_events(args.events, args.actions, args.groups, args.seed)
    print(
        f"{len(events):,} events, {args.actions} actions × {len(CHANNELS)} channels, "
        f"{args.groups} groups"
    )
    scorers = _scorer_throughput(events, args.repeats)
    _sqlite_throughput(events, args.repeats)
    _evidence_throughput(events, args.repeats)
    for evidence, label in ((True, "with"), (False, "without")):
        _snapshot(scorers[evidence], label, args.repeats)


def _scorer_throughput(events: list[LearningEvent], repeats: int) -> dict[bool, AdaptiveScorer]:
    """Best of ``repeats`` alternating runs with and without the binned evidence."""
    took = {True: math.inf, False: math.inf}
    scorers: dict[bool, AdaptiveScorer] = {}
    for _ in range(repeats):
        for evidence in (True, False):
            scorer = AdaptiveScorer(ListLog(events), refresh_seconds=0.0)
            if not evidence:
                scorer.evidence = _NoEvidence()
            start = time.perf_counter()
            scorer.catch_up(force=True)
            scorer.evidence.flush()  # the outcomes still queued for the bins count too
            took[evidence] = min(took[evidence], time.perf_counter() - start)
            scorers[evidence] = scorer
    n = len(events)
    for evidence, label in ((False, "without"), (True, "with")):
        seconds = took[evidence]
        print(
            f"AdaptiveScorer.catch_up {label} binned evidence: {n / seconds:,.0f} updates/s "
            f"({seconds * 1e6 / n:.1f} µs each)"
        )
    return scorers


def _sqlite_throughput(events: list[LearningEvent], repeats: int) -> None:
    """The whole scorer learning from a SQLite learning log, as a process catches up."""
    with tempfile.TemporaryDirectory(prefix="cortesia-learning-") as folder:
        url = f"sqlite:///{Path(folder) / 'learning.db'}"
        upgrade(url)
        store = SqlStore(url)
        try:
            for start in range(0, len(events), 1_000):
                store.append_learning(events[start : start + 1_000])

            def run() -> None:
                scorer = AdaptiveScorer(store, refresh_seconds=0.0)
                scorer.catch_up(force=True)
                scorer.evidence.flush()

            seconds = best_of(repeats, run)
        finally:
            store.close()
    n = len(events)
    print(
        f"AdaptiveScorer.catch_up from a SQLite learning log: {n / seconds:,.0f} updates/s "
        f"({seconds * 1e6 / n:.1f} µs each)"
    )


def _evidence_throughput(events: list[LearningEvent], repeats: int) -> None:
    """The evidence keepers alone: a full ADM model per model key, or ``BinnedEvidence``."""
    rows = []
    for e in events:
        x = {k: v for k, v in e.features.items() if k not in (PROPENSITY, GROUP)}
        rows.append((f"{e.action_id}|{e.channel.value}|{e.direction}", x, e.accepted))

    def adm_per_model() -> None:
        models: dict[str, AdaptiveNaiveBayes] = {}
        for key, x, y in rows:
            model = models.get(key) or models.setdefault(key, AdaptiveNaiveBayes())
            model.learn_one(x, y)

    def binned_per_model() -> None:
        kept: dict[str, BinnedEvidence] = {}
        for key, x, y in rows:
            evidence = kept.get(key) or kept.setdefault(key, BinnedEvidence(ignore=CONTEXT))
            evidence.learn(x, y, 0.05)

    def queued() -> None:
        kept = AdaptiveEvidence()
        for key, x, y in rows:
            kept.learn(key, None, x, y, 0.05)
        kept.flush()

    runs = (
        ("AdaptiveNaiveBayes per model", adm_per_model),
        ("BinnedEvidence per model, one by one", binned_per_model),
        ("AdaptiveEvidence, queued and counted in batches", queued),
    )
    for label, run in runs:
        seconds = best_of(repeats, run)
        print(f"evidence alone, {label}: {len(rows) / seconds:,.0f} updates/s")


class _NoEvidence(AdaptiveEvidence):
    """Keeps nothing: the scorer as it was before the binned evidence."""

    def learn(self, *_: object) -> None:
        return None

    def flush(self) -> None:
        return None


def _snapshot(scorer: AdaptiveScorer, label: str, repeats: int) -> None:
    state = pickle.dumps(scorer._state(), protocol=pickle.HIGHEST_PROTOCOL)
    dumped = best_of(repeats, lambda: pickle.dumps(scorer._state(), protocol=5))
    loaded = best_of(repeats, lambda: pickle.loads(state))  # our own bytes
    print(
        f"snapshot {label} binned evidence: {len(state) / 1e6:.2f} MB, "
        f"pickle {dumped * 1e3:.1f} ms, restore {loaded * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
