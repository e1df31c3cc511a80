"""A thread's own SQLite connection: reused, never shared inside a transaction, closed."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cortesia.adapters.sql.connection import _HOT, raw_cursor, raw_transaction
from cortesia.adapters.sql.hot_connections import HOT_THREADS, HotConnections
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.errors import StoreError


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    url = f"sqlite:///{tmp_path / 'cortesia.db'}"
    upgrade(url)
    found = SqlStore(url)
    with raw_cursor(found.engine, "make a scratch table", write=True) as cursor:
        cursor.execute("CREATE TABLE scratch (n INTEGER)")
    yield found
    found.close()


def _hot(store: SqlStore) -> HotConnections:
    return _HOT[store.engine]


def _count(store: SqlStore) -> int:
    with raw_cursor(store.engine, "count") as cursor:
        cursor.execute("SELECT count(*) FROM scratch")
        return int(cursor.fetchone()[0])


def test_a_thread_reuses_its_own_connection(store: SqlStore) -> None:
    seen = []
    for _ in range(3):
        with raw_cursor(store.engine, "read") as cursor:
            seen.append(cursor.connection)
    assert seen[0] is seen[1] is seen[2]
    assert _hot(store)._held == [seen[0]]


def test_a_read_inside_a_transaction_does_not_commit_it(store: SqlStore) -> None:
    with pytest.raises(RuntimeError), raw_transaction(store.engine, "write") as cursor:
        cursor.execute("INSERT INTO scratch VALUES (1)")
        with raw_cursor(store.engine, "read meanwhile") as inner:
            assert inner.connection is not cursor.connection  # from the pool
            inner.execute("SELECT count(*) FROM scratch")
            inner.fetchone()
        raise RuntimeError("the transaction fails after the read")
    assert _count(store) == 0  # rolled back: the read committed nothing


def test_a_failed_statement_leaves_the_connection_usable(store: SqlStore) -> None:
    with pytest.raises(StoreError, match="could not break"), raw_cursor(store.engine, "break") as c:
        c.execute("SELECT * FROM no_such_table")
    with raw_cursor(store.engine, "write", write=True) as cursor:
        cursor.execute("INSERT INTO scratch VALUES (2)")
    assert _count(store) == 1
    assert not _hot(store)._held[0].in_transaction


def test_only_a_few_threads_keep_a_connection(store: SqlStore) -> None:
    start = threading.Barrier(HOT_THREADS + 3)
    counts: list[int] = []

    def read() -> None:
        start.wait()
        counts.append(_count(store))

    threads = [threading.Thread(target=read) for _ in range(HOT_THREADS + 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts == [0] * (HOT_THREADS + 3)
    assert len(_hot(store)._held) == HOT_THREADS


def test_closing_the_store_closes_every_threads_connection(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cortesia.db'}"
    upgrade(url)
    store = SqlStore(url)
    with raw_cursor(store.engine, "read") as cursor:
        mine = cursor.connection
        cursor.execute("SELECT 1")
    hot = _hot(store)
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        mine.execute("SELECT 1")
    assert hot.take() is None  # a closed store lends nothing more
