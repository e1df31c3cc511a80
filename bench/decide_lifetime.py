"""What lifetime values cost a decision, on the telco sample.

    .venv/bin/python bench/decide_lifetime.py [--decisions 3000]

Builds a SQLite workspace with the telco sample in a temporary folder and times in-process
SMS decisions on the demo day (2026-12-01) for the same customers two ways: without
lifetime values (L from the catalog), and with every active customer valued by the sBG
(L from lifetime values: one more indexed read a decision).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cortesia.adapters.memory import FrozenClock
from cortesia.bootstrap import build_engine
from cortesia.config import Settings
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.lifetime_value import SubscriberColumns, ValueTerms
from cortesia.engine.samples import install_sample, sample_folder

DEMO = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def timed(engine: Engine, customers: list[str]) -> tuple[float, float]:
    for customer in customers[:200]:  # warm: catalog compiled, caches read
        engine.decisions.decide(DecisionRequest(customer, Channel.SMS, at=DEMO))
    found = []
    for customer in customers:
        start = time.perf_counter()
        engine.decisions.decide(DecisionRequest(customer, Channel.SMS, at=DEMO))
        found.append(time.perf_counter() - start)
    found.sort()
    return statistics.median(found) * 1e3, found[int(len(found) * 0.99)] * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CORTESIA_WORKSPACE_DIR"] = folder
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'cortesia.db'}")
        from cortesia.bootstrap import init_workspace

        init_workspace(settings)
        engine = build_engine(settings, clock=FrozenClock(DEMO))
        install_sample(engine, "telco", Path(folder))
        customers = [c.customer_id for c in engine.store.list_customers(args.decisions)]
        p50, p99 = timed(engine, customers)
        print(f"L from the catalog: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        columns = SubscriberColumns("customer_id", "tenure", "churn", "arpu")
        path = Path(str(sample_folder("telco").joinpath("customers.csv")))
        engine.values.fit_subscribers(path, columns, ValueTerms())
        engine.decisions.eroded._read_at = float("-inf")  # type: ignore[attr-defined]
        p50, p99 = timed(engine, customers)
        print(f"L from lifetime values: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        engine.close()


if __name__ == "__main__":
    main()
