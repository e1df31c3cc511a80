"""Consent events per second into SQLite and PostgreSQL, in batches, through the engine.

Each batch goes through ``ConsentService.record_batch`` as raw dicts, so validation,
hashing and the chain are all inside the timing. Targets: SQLite ≥ 50,000 events/s,
PostgreSQL ≥ 20,000 events/s.

    .venv/bin/python bench/ledger_ingest.py --events 200000 --batch 1000
    .venv/bin/python bench/ledger_ingest.py --backend sqlite --profile
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from cortesia.adapters.memory import FrozenClock
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.engine.consent import ConsentService

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
KINDS = ("opt_in", "opt_out", "opt_in", "double_opt_in_confirmed")
CHANNELS = ("sms", "email", "voice", "push", "whatsapp")
PURPOSES = ("marketing", "service", "music_video_offers", "profiling")


def make_rows(count: int, customers: int, seed: int) -> list[dict[str, object]]:
    """Raw events as an API client sends them (built before timing starts)."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for index in range(count):
        row: dict[str, object] = {
            "customer_id": f"C{rng.randrange(customers):08d}",
            "channel": rng.choice(CHANNELS),
            "purpose": rng.choice(PURPOSES),
            "kind": rng.choice(KINDS),
            "occurred_at": (T0 - timedelta(seconds=rng.randrange(10**7))).isoformat(),
            "source": "web",
            "idempotency_key": f"bench-{seed}-{index}",
        }
        if index % 2:
            row["evidence"] = {"text": "signup form v3", "ip": "203.0.113.7"}
        rows.append(row)
    return rows


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="cortesia-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_url(admin: str) -> Iterator[str]:
    name = f"cortesia_bench_{secrets.token_hex(4)}"
    dsn = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ingest(url: str, rows: list[dict[str, object]], batch: int, profile: bool) -> float:
    """Events per second recording ``rows`` in batches; the store is fresh."""
    upgrade(url)
    store = SqlStore(url)
    service = ConsentService(store, FrozenClock(T0))
    batches = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    service.record_batch(make_rows(batch, 1000, seed=99))  # warm caches and connections
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    start = time.perf_counter()
    for chunk in batches:
        service.record_batch(chunk)
    elapsed = time.perf_counter() - start
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    head = store.chain_head()
    store.close()
    if head.count != len(rows) + batch:
        raise SystemExit(f"expected {len(rows) + batch} events, the chain holds {head.count}")
    return len(rows) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres-admin",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="admin URL; a private database is created and dropped",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the run")
    args = parser.parse_args()
    rows = make_rows(args.events, args.customers, seed=7)
    if args.backend in ("sqlite", "both"):
        with sqlite_url() as url:
            rate = ingest(url, rows, args.batch, args.profile)
        print(f"sqlite     {rate:>10,.0f} events/s  ({args.events:,} events, batch {args.batch:,})")
    if args.backend in ("postgres", "both"):
        with postgres_url(args.postgres_admin) as url:
            rate = ingest(url, rows, args.batch, args.profile)
        print(f"postgresql {rate:>10,.0f} events/s  ({args.events:,} events, batch {args.batch:,})")


if __name__ == "__main__":
    main()
