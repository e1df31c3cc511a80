"""Work done in child processes by the reliability tests (importable under ``spawn``)."""

from __future__ import annotations

import os
from multiprocessing.synchronize import Barrier, Event

from tests.integration.ledger_drafts import T0, drafts

from cortesia.adapters.sql.store import SqlStore


def ingest_same_batch(url: str, together: Barrier, count: int, batch: int) -> None:
    """Append the shared events ``shared-0..count`` in batches, both processes at once."""
    store = SqlStore(url)
    events = drafts("shared", count)
    together.wait(30)
    for first in range(0, count, batch):
        store.append(events[first : first + batch], T0)
    store.close()


def append_one_big_batch(url: str, started: Event, count: int) -> None:
    """Append ``count`` events in one call; the parent kills the process mid-way."""
    store = SqlStore(url)
    events = drafts("big", count)
    started.set()
    store.append(events, T0)
    store.close()


def append_and_acknowledge(url: str, started: Event, ack_path: str, batch: int) -> None:
    """Append small batches forever, writing each committed batch's keys to ``ack_path``."""
    store = SqlStore(url)
    with open(ack_path, "a", encoding="utf-8") as acks:
        for number in range(1_000_000):
            results = store.append(drafts(f"ack{number}", batch), T0)
            acks.write("".join(f"{r.event.idempotency_key}\n" for r in results))
            acks.flush()
            os.fsync(acks.fileno())
            started.set()
