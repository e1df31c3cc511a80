"""Consent events per second into SQLite and PostgreSQL, in batches, through the engine.

Each batch goes through ``ConsentService.record_batch`` as raw dicts, so validation,
hashing and the chain are all inside the timing. Each batch's dicts are made just before
its call, outside the timing, as a request's body is parsed just before: a process
holding every batch at once would spend its time rescanning them for the collector, not
recording. Targets: SQLite ≥ 50,000 events/s, PostgreSQL ≥ 20,000 events/s.

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
from collections.abc import Iterable, Iterator
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
    """Raw events as an API client sends them."""
    return [row for chunk in make_batches(count, count, customers, seed) for row in chunk]


def make_batches(
    count: int, batch: int, customers: int, seed: int
) -> Iterator[list[dict[str, object]]]:
    """``count`` raw events in batches, each made when it is asked for."""
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
        if len(rows) == batch:
            yield rows
            rows = []
    if rows:
        yield rows


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


def ingest(url: str, batches: Iterable[list[dict[str, object]]], profile: bool) -> float:
    """Events per second recording ``batches``; the store is fresh. Only the calls of
    ``record_batch`` are timed."""
    upgrade(url)
    store = SqlStore(url)
    service = ConsentService(store, FrozenClock(T0))
    service.record_batch(make_rows(1_000, 1_000, seed=99))  # warm caches and connections
    profiler = cProfile.Profile() if profile else None
    elapsed = 0.0
    count = 0
    for chunk in batches:
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        service.record_batch(chunk)
        elapsed += time.perf_counter() - start
        if profiler:
            profiler.disable()
        count += len(chunk)
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    head = store.chain_head()
    store.close()
    if head.count != count + 1_000:
        raise SystemExit(f"expected {count + 1_000} events, the chain holds {head.count}")
    return count / elapsed


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

    def batches() -> Iterator[list[dict[str, object]]]:
        return make_batches(args.events, args.batch, args.customers, seed=7)

    if args.backend in ("sqlite", "both"):
        with sqlite_url() as url:
            rate = ingest(url, batches(), args.profile)
        print(f"sqlite     {rate:>10,.0f} events/s  ({args.events:,} events, batch {args.batch:,})")
    if args.backend in ("postgres", "both"):
        with postgres_url(args.postgres_admin) as url:
            rate = ingest(url, batches(), args.profile)
        print(f"postgresql {rate:>10,.0f} events/s  ({args.events:,} events, batch {args.batch:,})")


if __name__ == "__main__":
    main()
