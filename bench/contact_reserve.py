"""Atomic contact reservations per second on SQLite and PostgreSQL, 1 and 8 worker processes.

Each reservation is one ``SqlStore.reserve``: lock the customer, read the window
(the customer already has ``--history`` contacts in it), run a judge "fewer than
1,000 contacts in 30 days", insert the reservation, commit. Workers are separate
processes, each with its own store, started together; the rate is all reservations
over the wall time from the common start to the last worker's end.

``spread`` draws customers from ``--customers``; ``hot`` sends every worker to the
same 3 customers, so on PostgreSQL they queue on the same advisory locks (their
windows grow by ``--hot-reservations`` / 3 contacts each during the run).

Figures are bound by the commit: SQLite fsyncs its WAL on every commit
(``synchronous=FULL``), PostgreSQL its WAL (``synchronous_commit=on``).

    .venv/bin/python bench/contact_reserve.py
    .venv/bin/python bench/contact_reserve.py --backend postgres --reservations 4000
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

import psycopg

from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.contacts import Contact, ContactStatus, new_contact_id
from cortesia.domain.verdict import Layer, Reason, Verdict
from cortesia.domain.vocabulary import Channel

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WINDOW = timedelta(days=30)
SPAWN = multiprocessing.get_context("spawn")


def judge(contacts: list[Contact]) -> Verdict:
    allowed = len(contacts) < 1_000
    return Verdict.of([Reason(Layer.COMPANY, "cap.bench", allowed, f"{len(contacts)} in 30 days")])


def contact(customer: str, at: datetime, reserved: bool) -> Contact:
    return Contact(
        contact_id=new_contact_id(at),
        customer_id=customer,
        channel=Channel.SMS,
        purpose="marketing",
        occurred_at=at,
        action_id="A1",
        action_group="sales/data_packs",
        status=ContactStatus.RESERVED if reserved else ContactStatus.SENT,
        expires_at=at + timedelta(minutes=15) if reserved else None,
    )


def seed_history(url: str, customers: list[str], per_customer: int) -> None:
    """``per_customer`` sent contacts of every customer inside the window."""
    store = SqlStore(url)
    rng = random.Random(5)
    batch: list[Contact] = []
    for customer in customers:
        for _ in range(per_customer):
            batch.append(contact(customer, T0 - timedelta(minutes=rng.randrange(40_000)), False))
        if len(batch) >= 5_000:
            store.record_contacts(batch)
            batch = []
    store.record_contacts(batch)
    store.close()


def worker(url: str, customers: list[str], count: int, seed: int, go: Barrier, out: str) -> None:
    """Reserve ``count`` contacts for random ``customers``; write start and end instants."""
    store = SqlStore(url)
    rng = random.Random(seed)
    picks = [rng.choice(customers) for _ in range(count)]
    store.reserve(contact(picks[0], T0, True), T0 - WINDOW, T0, judge)  # warm the connection
    go.wait(120)
    start = time.monotonic()
    allowed = 0
    for customer in picks:
        _, stored = store.reserve(contact(customer, T0, True), T0 - WINDOW, T0, judge)
        allowed += stored is not None
    end = time.monotonic()
    store.close()
    Path(out).write_text(f"{start} {end} {allowed}\n", encoding="utf-8")


def run(url: str, customers: list[str], workers: int, total: int, folder: Path) -> float:
    """Reservations per second of ``workers`` processes sharing ``total`` reservations."""
    go = SPAWN.Barrier(workers)
    outs = [folder / f"w{n}.txt" for n in range(workers)]
    procs = [
        SPAWN.Process(target=worker, args=(url, customers, total // workers, n, go, str(outs[n])))
        for n in range(workers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"a worker failed with exit code {proc.exitcode}")
    rows = [[float(x) for x in out.read_text().split()] for out in outs]
    if sum(int(r[2]) for r in rows) != total // workers * workers:
        raise SystemExit("the judge denied reservations; raise its limit")
    return total // workers * workers / (max(r[1] for r in rows) - min(r[0] for r in rows))


@contextmanager
def database(backend: str, admin: str) -> Iterator[str]:
    """A fresh workspace database, dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cortesia-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"cortesia_bench_{secrets.token_hex(4)}"
    dsn = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench(backend: str, args: argparse.Namespace) -> None:
    customers = [f"C{n:07d}" for n in range(args.customers)]
    for scenario, workers in (("spread", 1), ("spread", 8), ("hot", 1), ("hot", 8)):
        hot = scenario == "hot"
        chosen = customers[:3] if hot else customers
        total = args.hot_reservations if hot else args.reservations
        with database(backend, args.postgres_admin) as url, tempfile.TemporaryDirectory() as tmp:
            upgrade(url)
            seed_history(url, chosen, args.history)
            rate = run(url, chosen, workers, total, Path(tmp))
        print(
            f"{backend:<10} {scenario:<6} {workers} worker(s) {rate:>9,.0f} reservations/s "
            f"({total:,} reservations, {len(chosen):,} customers, "
            f"{args.history} contacts each in the window at the start)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reservations", type=int, default=8_000)
    parser.add_argument(
        "--hot-reservations",
        type=int,
        default=600,
        help="reservations in the hot scenario (each adds to the same 3 windows)",
    )
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=10, help="past contacts per customer")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres-admin",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="admin URL; a private database is created and dropped",
    )
    args = parser.parse_args()
    for backend in ("sqlite", "postgres"):
        if args.backend in (backend, "both"):
            bench(backend, args)


if __name__ == "__main__":
    main()
