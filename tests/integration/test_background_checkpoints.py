"""A serving store leaves WAL checkpoints to its background thread, not to a request."""

from __future__ import annotations

import time
from pathlib import Path

from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.customers import Customer


def _database_changes(path: Path, before: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.stat().st_mtime_ns != before:
            return True
        time.sleep(0.05)
    return False


def test_a_serving_store_checkpoints_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "cortesia.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    store = SqlStore(url, serving=True)
    try:
        with store.engine.connect() as connection:
            (autocheckpoint,) = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").one()
        assert autocheckpoint == 0  # no request's commit copies the WAL back
        before = path.stat().st_mtime_ns
        store.upsert_customers([Customer(f"C{n}", "ES", "Europe/Madrid") for n in range(50)])
        assert _database_changes(path, before)  # the thread copied the WAL into the file
    finally:
        store.close()
