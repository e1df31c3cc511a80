"""Benchmark: real-time decisions in-process, 200 actions, 1 million customers in SQLite.

Builds (once, under ``bench/out/``) a workspace with the customers of
``bench/customer_import.py`` (the IBM Telco attribute mix, ten countries), a generated
catalog of 200 actions across five channels with eligibility rules over those
attributes and the history aggregates, and marketing opt-ins for the customers the
benchmark will ask about. Then times whole decisions — every stage, the contact slot
held and the decision recorded — for customers drawn at random.

    .venv/bin/python bench/decide_bench.py [--customers 1000000] [--decisions 5000]
        [--actions 200] [--store sqlite|memory] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cortesia.adapters.dnc import MemoryRegistries
from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.bootstrap import build_engine, init_workspace
from cortesia.config import Settings
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions
from customer_import import OUT, generate

# Tuesday 3 March 2026 15:00 UTC: mid-morning in the Americas, afternoon in Europe.
AT = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
CHANNELS = ["sms", "email", "push", "in_app", "voice"]
COST = {"sms": 0.02, "email": 0.001, "push": 0.0, "in_app": 0.0, "voice": 1.5}
CONTRACTS = ["Month-to-month", "One year", "Two year"]
INTERNET = ["DSL", "Fiber optic", "No"]
PAYMENTS = ["Electronic check", "Mailed check", "Bank transfer (automatic)"]
CATEGORIES = ["sales", "cross_sell", "retention", "service", "lifecycle"]


def _rule(rng: random.Random) -> str:
    clauses = [
        f"Contract == '{rng.choice(CONTRACTS)}'",
        f"tenure >= {rng.randrange(0, 60)}",
        f"MonthlyCharges > {rng.randrange(20, 100)}",
        f"InternetService != '{rng.choice(INTERNET)}'",
        f"PaymentMethod in ['{rng.choice(PAYMENTS)}', '{rng.choice(PAYMENTS)}']",
        f"contacts_7d < {rng.randrange(1, 5)}",
        "days_since_last_contact is None or days_since_last_contact > 3",
        f"SeniorCitizen == {rng.choice([0, 1])}",
    ]
    picked = rng.sample(clauses, rng.randrange(2, 5))
    joiner = " and " if rng.random() < 0.7 else " or "
    return joiner.join(picked)


def catalog(actions: int, seed: int = 11) -> dict[str, Any]:
    """A catalog of ``actions`` actions, each on two or three channels."""
    rng = random.Random(seed)
    found = []
    for n in range(actions):
        category = rng.choice(CATEGORIES)
        channels = rng.sample(CHANNELS, rng.randrange(2, 4))
        found.append(
            {
                "id": f"a{n:03d}",
                "name": {"es": f"Oferta {n}", "en": f"Offer {n}"},
                "text": {"es": "Texto", "en": "Text"},
                "group": f"{category}/g{n % 40:02d}",
                "category": category,
                "purpose": "service" if category == "service" else "marketing",
                "value": f"{rng.uniform(0.05, 0.4):.2f} * MonthlyCharges * 12",
                "eligibility": _rule(rng),
                "levers": round(rng.uniform(0.8, 1.2), 2),
                "channels": {
                    c: {"treatment": f"{c}_{n}", "cost": COST[c]}
                    | ({"daily_limit": 5000} if c == "voice" else {})
                    for c in channels
                },
            }
        )
    economics = {
        "name": "benchmark",
        "time_zone": "UTC",
        "threshold": 0.0,
        "default_eroded_value": 120.0,
        "accept_prior": [1, 30],
        "opt_out_prior": [1, 2000],
    }
    return {"catalog": economics, "actions": found}


REGISTRIES = (
    "us-dnc",
    "co-rne",
    "mx-repep",
    "mx-reus",
    "ar-no-llame",
    "br-nao-me-perturbe",
    "br-sp-nao-me-ligue",
    "es-robinson",
    "uk-tps",
    "uk-ctps",
    "au-dncr",
    "cl-no-molestar",
    "pe-gracias",
)
WORKSPACE = OUT / "decide-ws"


def settings_of(workspace: Path, scoring: str = "beta") -> Settings:
    """The benchmark workspace: an SQLite file and its registries folder."""
    url = f"sqlite:///{workspace / 'cortesia.db'}"
    return Settings(database_url=url, workspace_dir=workspace, scoring=scoring)


def open_engine(kind: str, rebuild: bool, scoring: str = "beta") -> tuple[Engine, bool]:
    """The benchmark engine, and whether its workspace must be filled."""
    if kind == "memory":
        options = EngineOptions(scoring=scoring)
        return Engine(MemoryStore(), FrozenClock(AT), options, dnc=MemoryRegistries()), True
    database = WORKSPACE / "cortesia.db"
    fresh = rebuild or not database.exists()
    if fresh:
        shutil.rmtree(WORKSPACE, ignore_errors=True)
    settings = settings_of(WORKSPACE, scoring)
    init_workspace(settings)
    if not fresh:  # every run starts from the same state: no decisions, no contacts yet
        connection = sqlite3.connect(database, isolation_level=None)
        tables = ("decisions", "contacts", "outcome_events", "volume_counters", "learning_events")
        for table in tables:
            connection.execute(f"DELETE FROM {table}")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    return build_engine(settings, clock=FrozenClock(AT)), fresh


def fill(engine: Engine, customers: int, actions: int, asked: list[str]) -> None:
    path = OUT / f"customers_{customers}.csv"
    if not path.exists():
        generate(path, customers)
    started = time.perf_counter()
    engine.customers.import_file(path)
    print(f"imported {customers:,} customers in {time.perf_counter() - started:.0f} s")
    engine.catalog.load_document(catalog(actions), source="bench")
    opted = AT - timedelta(days=30)
    rows = [
        {
            "customer_id": c,
            "channel": "all",
            "purpose": "marketing",
            "kind": "opt_in",
            "source": "web",
            "occurred_at": opted.isoformat(),
        }
        for c in asked
    ]
    for start in range(0, len(rows), 1000):
        engine.consent.record_batch(rows[start : start + 1000])
    scrubbed(engine)


def scrubbed(engine: Engine) -> None:
    """A recent snapshot of every do-not-call registry the packs consult (a few numbers)."""
    listed = OUT / "registry.csv"
    listed.write_text("number,channel\n+12025550100,\n+573001230000,\n", encoding="utf-8")
    for registry in REGISTRIES:
        engine.dnc.import_file(listed, registry, fmt="csv", as_of=AT.date() - timedelta(days=2))


def measure(engine: Engine, asked: list[str], decisions: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    channels = [Channel.SMS, Channel.EMAIL, Channel.PUSH, Channel.IN_APP]
    requests = [
        DecisionRequest(rng.choice(asked), rng.choice(channels), at=AT) for _ in range(decisions)
    ]
    for request in requests[:200]:  # warm caches (catalog compiled, statements prepared)
        engine.decisions.decide(request)
    times = []
    for request in requests:
        started = time.perf_counter()
        engine.decisions.decide(request)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=5000)
    parser.add_argument("--store", choices=["sqlite", "memory"], default="sqlite")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--scoring", choices=["beta", "adaptive"], default="beta")
    args = parser.parse_args()
    rng = random.Random(5)
    asked = sorted({f"C{rng.randrange(args.customers):08d}" for _ in range(20_000)})
    engine, fresh = open_engine(args.store, args.rebuild, args.scoring)
    if not engine.dnc.versions():
        scrubbed(engine)
    if fresh:
        fill(engine, args.customers, args.actions, asked)
    load = os.getloadavg()[0]
    times = measure(engine, asked, args.decisions, seed=3)
    ms = sorted(t * 1000 for t in times)
    print(
        f"{len(ms):,} decisions, {args.actions} actions, {engine.store.count_customers():,} "
        f"customers ({args.store}, {args.scoring} scoring): p50 {statistics.median(ms):.3f} ms, "
        f"p90 {ms[int(len(ms) * 0.9)]:.3f} ms, p99 {ms[int(len(ms) * 0.99)]:.3f} ms, "
        f"mean {statistics.fmean(ms):.3f} ms; load average before: {load:.2f}"
    )
    engine.close()


if __name__ == "__main__":
    main()
