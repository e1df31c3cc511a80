"""Concurrent writers and killed processes, on SQLite and PostgreSQL, in real OS processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from tests.integration import ledger_workers

from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.chain_check import verify_chain

SPAWN = multiprocessing.get_context("spawn")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _children_find_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    # Spawned children copy sys.path, then import tests.integration.ledger_workers from the root.
    monkeypatch.syspath_prepend(str(ROOT))


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    assert process.pid is not None and process.is_alive(), "the child finished before the kill"
    os.kill(process.pid, signal.SIGKILL)
    process.join(10)
    assert process.exitcode == -signal.SIGKILL


def test_two_processes_ingesting_the_same_batch_store_it_once(sql_store: SqlStore) -> None:
    url = sql_store.engine.url.render_as_string(hide_password=False)
    together = SPAWN.Barrier(2)
    workers = [
        SPAWN.Process(target=ledger_workers.ingest_same_batch, args=(url, together, 2_000, 100))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    events = list(sql_store.iter_events())
    assert len(events) == 2_000
    assert len({e.idempotency_key for e in events}) == 2_000
    assert [e.seq for e in events] == list(range(1, 2_001))
    assert verify_chain(events, sql_store.chain_head()) == []


def test_a_process_killed_mid_batch_leaves_all_of_it_or_none(sql_store: SqlStore) -> None:
    url = sql_store.engine.url.render_as_string(hide_password=False)
    started = SPAWN.Event()
    child = SPAWN.Process(target=ledger_workers.append_one_big_batch, args=(url, started, 50_000))
    child.start()
    assert started.wait(30)
    time.sleep(0.5)  # well inside the append: hashing 50,000 events alone takes longer
    _kill(child)
    reopened = SqlStore(url)
    try:
        head = reopened.chain_head()
        assert head.count in (0, 50_000)
        assert verify_chain(reopened.iter_events(), head) == []
    finally:
        reopened.close()


def test_acknowledged_events_survive_a_killed_process(sql_store: SqlStore, tmp_path: Path) -> None:
    url = sql_store.engine.url.render_as_string(hide_password=False)
    acks = tmp_path / "acks.txt"
    started = SPAWN.Event()
    child = SPAWN.Process(
        target=ledger_workers.append_and_acknowledge, args=(url, started, str(acks), 50)
    )
    child.start()
    assert started.wait(30)
    time.sleep(1.0)
    _kill(child)
    acknowledged = set(acks.read_text(encoding="utf-8").split())
    reopened = SqlStore(url)
    try:
        stored = list(reopened.iter_events())
        assert len(acknowledged) >= 50
        assert acknowledged <= {e.idempotency_key for e in stored}
        assert verify_chain(stored, reopened.chain_head()) == []
    finally:
        reopened.close()
