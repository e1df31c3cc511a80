"""What SQLite alone can ingest on this machine, for the ledger's row shape.

Plain ``sqlite3``, no Cortesía code: 20-column rows like ``consent_events`` in batches
of 1,000 (WAL, ``synchronous=FULL``), with the index layouts we weighed. It is the
anchor for ``bench/ledger_ingest.py``: the ledger cannot be faster than its layout.

    .venv/bin/python bench/sqlite_floor.py --events 200000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

TABLE = (
    "CREATE TABLE e (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, customer_id TEXT NOT NULL,"
    " channel TEXT, purpose TEXT, kind TEXT, occurred_at INTEGER, recorded_at INTEGER,"
    " until INTEGER, source TEXT, idempotency_key TEXT NOT NULL, vals TEXT, evidence TEXT,"
    " lawful_basis TEXT, jurisdiction TEXT, actor TEXT, personal_digest TEXT, prev_hash TEXT,"
    " hash TEXT, erased INTEGER, customer_digest INTEGER, key_digest INTEGER)"
)
LAYOUTS = {
    "no secondary index": [],
    "ours: (customer, key) unique + time-ordered event ids": [
        "CREATE UNIQUE INDEX a ON e(event_id)",
        "CREATE UNIQUE INDEX b ON e(customer_id, idempotency_key)",
    ],
    "alternative: (customer digest, key digest) as 64-bit integers": [
        "CREATE UNIQUE INDEX a ON e(event_id)",
        "CREATE UNIQUE INDEX b ON e(customer_digest, key_digest)",
    ],
    "three indexes, random event ids": [
        "CREATE UNIQUE INDEX a ON e(event_id)",
        "CREATE UNIQUE INDEX b ON e(idempotency_key)",
        "CREATE INDEX c ON e(customer_id, occurred_at)",
    ],
}
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA cache_size=-131072",
    "PRAGMA wal_autocheckpoint=20000",
)


def rows(count: int, start: int, rng: random.Random, ordered_ids: bool) -> list[tuple[object, ...]]:
    batch = []
    for seq in range(start, start + count):
        event_id = f"{seq:016x}-{rng.getrandbits(64):016x}" if ordered_ids else str(uuid.uuid4())
        batch.append(
            (
                seq,
                event_id,
                f"C{rng.randrange(1_000_000):08d}",
                "sms",
                "marketing",
                "opt_in",
                seq,
                seq,
                None,
                "web",
                f"key-{rng.getrandbits(64):x}",
                "{}",
                '{"ip":"10.0.0.1"}',
                None,
                None,
                None,
                "a" * 64,
                "b" * 64,
                "c" * 64,
                0,
                rng.getrandbits(63),
                rng.getrandbits(63),
            )
        )
    return batch


def measure(folder: Path, name: str, indexes: list[str], events: int, batch: int) -> float:
    connection = sqlite3.connect(folder / f"{abs(hash(name))}.db", isolation_level=None)
    for pragma in PRAGMAS:
        connection.execute(pragma)
    for statement in [TABLE, *indexes]:
        connection.execute(statement)
    rng = random.Random(7)
    marks = ",".join("?" * 22)
    ordered = "random" not in name
    prepared = [rows(batch, start, rng, ordered) for start in range(1, events + 1, batch)]
    began = time.perf_counter()
    for chunk in prepared:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(f"INSERT INTO e VALUES ({marks})", chunk)
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return events / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cortesia-floor-") as folder:
        for name, indexes in LAYOUTS.items():
            rate = measure(Path(folder), name, indexes, args.events, args.batch)
            print(f"{rate:>10,.0f} rows/s  {name}")


if __name__ == "__main__":
    main()
