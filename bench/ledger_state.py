"""Consent state of one customer, current and as of a past instant, in a large SQLite ledger.

Builds (or reuses) a workspace of ``--customers`` customers and ``--events`` chained
events, then times ``ConsentService.state`` for ``--samples`` random customers.
Targets with 1 million customers and 10 million events: p99 ≤ 1 ms current,
p99 ≤ 5 ms as of a past instant.

    .venv/bin/python bench/ledger_state.py --customers 1000000 --events 10000000 \
        --db /tmp/cortesia-state.db
    .venv/bin/python bench/ledger_state.py --customers 10000 --events 100000   # quick
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cortesia.adapters.memory import FrozenClock
from cortesia.adapters.sql.codec import customer_row, dump_map, to_micros
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.adapters.sql.tables import CUSTOMER_COLUMNS, EVENT_COLUMNS
from cortesia.domain.customers import Customer
from cortesia.domain.ledger import GENESIS_HASH, event_hash, personal_digest
from cortesia.engine.consent import ConsentService
from cortesia.engine.ledger_audit import verify_ledger

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SPAN_S = 365 * 24 * 3600
SCOPES = [(c, p) for c in ("sms", "email", "voice", "push") for p in ("marketing", "service")]
KINDS = ("opt_in", "opt_out", "opt_in", "double_opt_in_confirmed", "snooze")
EVIDENCE = ({}, {"text": "signup form v3", "ip": "203.0.113.7"}, {"recording_id": "rec-1"})
CHUNK = 100_000


def _customer_id(index: int) -> str:
    return f"C{index:08d}"


def _customers(count: int) -> Iterator[tuple[object, ...]]:
    for index in range(count):
        yield customer_row(
            Customer(
                customer_id=_customer_id(index),
                country="ES",
                time_zone="Europe/Madrid",
                phones=(f"+346{index:08d}",),
                attributes={"segment": "gold"},
            )
        )


def _events(count: int, customers: int, seed: int) -> Iterator[tuple[object, ...]]:
    """Properly chained event rows, hashed with the domain's own functions."""
    rng = random.Random(seed)
    digests = [personal_digest(e, None) for e in EVIDENCE]
    recorded = NOW - timedelta(seconds=SPAN_S)
    prev = GENESIS_HASH
    for seq in range(1, count + 1):
        channel, purpose = rng.choice(SCOPES)
        kind = rng.choice(KINDS)
        occurred = NOW - timedelta(seconds=rng.randrange(SPAN_S))
        until = occurred + timedelta(days=30) if kind == "snooze" else None
        which = rng.randrange(len(EVIDENCE))
        fields = {
            "seq": seq,
            "event_id": f"00000000-0000-4000-8000-{seq:012x}",
            "customer_id": _customer_id(rng.randrange(customers)),
            "channel": channel,
            "purpose": purpose,
            "kind": kind,
            "occurred_at": occurred,
            "recorded_at": recorded + timedelta(microseconds=seq),
            "until": until,
            "source": "import",
            "idempotency_key": f"state-{seq:010d}",
            "values": {},
            "lawful_basis": "consent",
            "jurisdiction": "ES",
            "personal": digests[which],
        }
        digest = event_hash(prev, **fields)  # type: ignore[arg-type]
        yield (
            seq,
            fields["event_id"],
            fields["customer_id"],
            channel,
            purpose,
            kind,
            to_micros(occurred),
            to_micros(recorded) + seq,
            None if until is None else to_micros(until),
            "import",
            fields["idempotency_key"],
            "{}",
            dump_map(EVIDENCE[which]),
            "consent",
            "ES",
            None,
            digests[which],
            prev,
            digest,
            False,
        )
        prev = digest


def _bulk(
    db: Path, table: str, columns: tuple[str, ...], rows: Iterator[tuple[object, ...]]
) -> None:
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")  # setup only; the store itself runs FULL
    connection.execute("PRAGMA cache_size=-2000000")
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            connection.execute("BEGIN")
            connection.executemany(sql, batch)
            connection.execute("COMMIT")
            batch = []
    connection.execute("BEGIN")
    connection.executemany(sql, batch)
    if table == "consent_events":
        connection.execute(
            'UPDATE chain_head SET "count" = (SELECT count(*) FROM consent_events), '
            '"last_seq" = (SELECT max(seq) FROM consent_events), "last_hash" = '
            "(SELECT hash FROM consent_events ORDER BY seq DESC LIMIT 1) WHERE id = 1"
        )
    connection.execute("COMMIT")
    connection.close()


def build(db: Path, customers: int, events: int) -> None:
    url = f"sqlite:///{db}"
    upgrade(url)
    start = time.perf_counter()
    _bulk(db, "customers", CUSTOMER_COLUMNS, _customers(customers))
    _bulk(db, "consent_events", EVENT_COLUMNS, _events(events, customers, seed=11))
    print(
        f"built {customers:,} customers and {events:,} events in "
        f"{time.perf_counter() - start:,.0f} s"
    )


def _percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    worst = max(samples) * 1000
    return f"p50 {cuts[49] * 1000:.3f} ms  p99 {cuts[98] * 1000:.3f} ms  max {worst:.3f} ms"


def warm_file(db: Path) -> None:
    """Read the database once, as a long-running service finds it in the OS page cache."""
    with db.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def measure(db: Path, customers: int, samples: int) -> None:
    store = SqlStore(f"sqlite:///{db}")
    service = ConsentService(store, FrozenClock(NOW))
    rng = random.Random(5)
    past = NOW - timedelta(days=180)
    for _ in range(200):  # warm the connection pool and statement caches
        service.state(_customer_id(rng.randrange(customers)))
    for label, at in (("current", None), ("as of 180 days ago", past)):
        # A fresh sample per pass, so one pass does not ride on the other's cache.
        ids = [_customer_id(rng.randrange(customers)) for _ in range(samples)]
        timings: list[float] = []
        entries = 0
        for customer in ids:
            start = time.perf_counter()
            snapshot = service.state(customer, at)
            timings.append(time.perf_counter() - start)
            entries += len(snapshot.entries)
        print(
            f"state {label:<20} {_percentiles(timings)}  ({samples:,} customers, "
            f"{entries / samples:.1f} entries each)"
        )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--db", type=Path, help="reuse or create this SQLite file")
    parser.add_argument("--verify", action="store_true", help="walk the whole chain first")
    parser.add_argument(
        "--warm-file", action="store_true", help="read the database file once before timing"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cortesia-state-") as folder:
        db = args.db or Path(folder) / "state.db"
        if not db.exists():
            build(db, args.customers, args.events)
        store = SqlStore(f"sqlite:///{db}")
        head = store.chain_head()
        print(f"ledger: {head.count:,} events, {db.stat().st_size / 2**30:.2f} GiB")
        if args.verify:
            report = verify_ledger(store)
            problems = len(report.problems)
            print(f"chain verified: {report.events_checked:,} events, {problems} problems")
        store.close()
        if args.warm_file:
            warm_file(db)
        measure(db, args.customers, args.samples)


if __name__ == "__main__":
    main()
