"""Opt-out economics at scale: the columnar computations on a million offers, and a whole
report read from a SQLite workspace's decision log.

    .venv/bin/python bench/optout_report.py [--offers 1000000] [--decisions 200000]

Prints the best of three runs of each figure.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from cortesia.adapters.memory import FrozenClock
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.batch.fatigue_curve import fatigue_curve
from cortesia.batch.ih_export import ih_frame
from cortesia.batch.optout_report import optout_report
from cortesia.batch.recovered_optins import recovered_optins
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import DecisionRecord, OutcomeEvent
from cortesia.engine.hub import Engine

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def best(run: Callable[[], object], times: int = 3) -> float:
    run()
    found = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return min(found)


def _instants(micros: np.ndarray) -> pl.Series:  # type: ignore[type-arg]
    start = int(T0.timestamp() * 1_000_000)
    return pl.Series(micros + start).cast(pl.Datetime("us", "UTC"))


def frames(n: int, customers: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(1)
    micros = rng.uniform(0, 30 * 86_400e6, n).astype("int64")
    offers = pl.DataFrame(
        {
            "decision_id": [f"d{i}" for i in range(n)],
            "customer_id": [f"c{c}" for c in rng.integers(0, customers, n)],
            "decided_at": _instants(micros),
            "action_id": [f"a{k}" for k in rng.integers(0, 40, n)],
            "campaign": [f"k{k}" for k in rng.integers(0, 10, n)],
            "channel": rng.choice(["sms", "email", "push"], n),
            "purpose": "marketing",
            "segment": rng.choice(["a", "b", "c"], n),
            "control": np.where(rng.random(n) < 0.05, "action", None),
            "value": 20.0,
            "eroded_value": 100.0,
            "cost": 0.05,
            "responded": rng.random(n) < 0.03,
            "contacts_30d": rng.integers(0, 15, n),
            "days_since_last": rng.uniform(0, 30, n),
        }
    )
    k = n // 50
    consent = pl.DataFrame(
        {
            "customer_id": [f"c{c}" for c in rng.integers(0, customers, k)],
            "channel": rng.choice(["sms", "email", "all"], k),
            "purpose": "marketing",
            "occurred_at": _instants(rng.uniform(0, 35 * 86_400e6, k).astype("int64")),
            "kind": rng.choice(["withdrawn", "granted"], k, p=[0.8, 0.2]),
            "source": rng.choice(["app", "invoice", "pos", "unsubscribe"], k),
            "value": 100.0,
        }
    )
    return offers, consent


def columnar(n: int) -> None:
    offers, consent = frames(n, n // 5)
    answers = offers.with_columns(
        outcome=pl.lit(None, pl.String), outcome_at=pl.lit(None, pl.Datetime("us", "UTC"))
    )
    runs: list[tuple[str, Callable[[], object]]] = [
        ("optout_report by campaign", lambda: optout_report(offers, consent, by="campaign")),
        (
            "optout_report by action, even",
            lambda: optout_report(offers, consent, by="action", rule="even"),
        ),
        ("fatigue_curve", lambda: fatigue_curve(offers, consent)),
        ("recovered_optins", lambda: recovered_optins(consent)),
        ("ih_frame", lambda: ih_frame(answers)),
    ]
    for name, run in runs:
        print(f"{n:,} offers, {name}: {best(run):.3f} s")


def stored(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        store = SqlStore(url)
        rng = np.random.default_rng(2)
        started = time.perf_counter()
        for i in range(n):
            at = T0 + timedelta(seconds=int(rng.integers(0, 30 * 86_400)))
            control = "action" if rng.random() < 0.1 else None
            item = {"action": f"a{i % 40}", "channel": "sms", "purpose": "marketing",
                    "group": f"sales/k{i % 10}", "value": 20.0, "eroded_value": 100.0,
                    "cost": 0.02, "propensity": 0.03, "contact_id": None}  # fmt: skip
            body = {"context": {}, "actions": [] if control else [item],
                    "withheld": [{**item, "control": control}] if control else []}  # fmt: skip
            record = DecisionRecord(f"d{i:08d}", f"c{i % (n // 4)}", at, Channel.SMS,
                                    "outbound", control is not None, 1, body)  # fmt: skip
            store.record_decision(record)
            if rng.random() < 0.05:
                store.record_outcome_event(
                    OutcomeEvent(
                        f"k{i}",
                        record.decision_id,
                        item["action"],
                        Channel.SMS,
                        "converted",
                        at + timedelta(hours=1),
                        at,
                    )
                )
        print(f"{n:,} decisions written in {time.perf_counter() - started:.1f} s")
        engine = Engine(store, FrozenClock(T0 + timedelta(days=31)))
        period = engine.reports.period(T0, T0 + timedelta(days=31))
        read = best(lambda: engine.reports.frames(period), 1)
        print(f"{n:,} decisions, read into frames: {read:.2f} s")
        whole = best(lambda: engine.reports.optout(period), 1)
        print(f"{n:,} decisions, whole report by campaign: {whole:.2f} s")
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--decisions", type=int, default=200_000)
    args = parser.parse_args()
    columnar(args.offers)
    stored(args.decisions)


if __name__ == "__main__":
    main()
