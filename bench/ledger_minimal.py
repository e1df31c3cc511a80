"""How fast the least a chained, idempotent ledger must do can go on this machine.

A stripped-down append loop in plain Python and ``sqlite3``: enum checks, one instant
parsed, the idempotency lookup, SHA-256 of the evidence and of the link, and the insert
into the ledger's own layout — no event objects, no other validation. It bounds what
``bench/ledger_ingest.py`` can reach without changing the design.

    .venv/bin/python bench/ledger_minimal.py --events 200000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ledger_ingest import make_rows
from sqlite_floor import PRAGMAS

TABLE = (
    "CREATE TABLE e (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, customer_id TEXT NOT NULL,"
    " channel TEXT, purpose TEXT, kind TEXT, occurred_at INTEGER, recorded_at INTEGER,"
    " until INTEGER, source TEXT, idempotency_key TEXT NOT NULL, vals TEXT, evidence TEXT,"
    " lawful_basis TEXT, jurisdiction TEXT, actor TEXT, personal_digest TEXT, prev_hash TEXT,"
    " hash TEXT, erased INTEGER)"
)
INDEXES = (
    "CREATE UNIQUE INDEX a ON e(event_id)",
    "CREATE UNIQUE INDEX b ON e(customer_id, idempotency_key)",
)
CHANNELS = {"sms", "email", "voice", "push", "whatsapp", "in_app", "mail", "all"}
KINDS = {"opt_in", "opt_out", "double_opt_in_confirmed", "snooze", "preference"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)


def existing_keys(connection: sqlite3.Connection, batch: list[dict[str, object]]) -> set[object]:
    customers = list({row["customer_id"] for row in batch})
    found: set[object] = set()
    for start in range(0, len(customers), 500):
        chunk = customers[start : start + 500]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT customer_id, idempotency_key FROM e WHERE customer_id IN ({marks})"
        found.update(connection.execute(query, chunk).fetchall())
    return found


def chained(
    batch: list[dict[str, object]], known: set[object], seq: int, prev: str
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for raw in batch:
        customer, key = raw["customer_id"], raw["idempotency_key"]
        if raw["channel"] not in CHANNELS or raw["kind"] not in KINDS:
            raise ValueError(raw)
        if (customer, key) in known:
            continue
        instant = (datetime.fromisoformat(str(raw["occurred_at"])) - EPOCH) // MICRO
        evidence = json.dumps(raw["evidence"], sort_keys=True) if raw.get("evidence") else "{}"
        personal = hashlib.sha256(evidence.encode()).hexdigest()
        seq += 1
        event_id = os.urandom(16).hex()
        fields = (
            prev,
            seq,
            event_id,
            customer,
            raw["channel"],
            raw["purpose"],
            raw["kind"],
            instant,
            raw["source"],
            key,
            personal,
        )
        text = "|".join(map(str, fields))
        digest = hashlib.sha256(text.encode()).hexdigest()
        rows.append(
            (
                seq,
                event_id,
                customer,
                raw["channel"],
                raw["purpose"],
                raw["kind"],
                instant,
                instant,
                None,
                raw["source"],
                key,
                "{}",
                evidence,
                None,
                None,
                None,
                personal,
                prev,
                digest,
                0,
            )
        )
        prev = digest
    return rows


def run(path: Path, rows: list[dict[str, object]], batch: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in (*PRAGMAS, TABLE, *INDEXES):
        connection.execute(statement)
    seq, prev = 0, "0" * 64
    began = time.perf_counter()
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        connection.execute("BEGIN IMMEDIATE")
        values = chained(chunk, existing_keys(connection, chunk), seq, prev)
        connection.executemany(f"INSERT INTO e VALUES ({','.join('?' * 20)})", values)
        connection.execute("COMMIT")
        if values:
            seq, prev = int(str(values[-1][0])), str(values[-1][18])
    return len(rows) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    rows = make_rows(args.events, 100_000, seed=7)
    with tempfile.TemporaryDirectory(prefix="cortesia-minimal-") as folder:
        rate = run(Path(folder) / "minimal.db", rows, args.batch)
    size = f"({args.events:,} events, batch {args.batch:,})"
    print(f"minimal chained append {rate:>10,.0f} events/s  {size}")


if __name__ == "__main__":
    main()
