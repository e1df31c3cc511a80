"""SQLite reads its file through a memory map unless told not to (several writing processes)."""

from __future__ import annotations

from pathlib import Path

from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.bootstrap import open_store
from cortesia.config import Settings


def _mapped_bytes(store: SqlStore) -> int:
    with store.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA mmap_size").scalar_one())


def test_the_file_is_memory_mapped_by_default_and_not_when_told(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cortesia.db'}"
    upgrade(url)
    mapped = []
    for memory_map in (True, False):
        store = SqlStore(url, serving=True, memory_map=memory_map)
        try:
            mapped.append(_mapped_bytes(store))
        finally:
            store.close()
    assert mapped[0] >= 2**30 and mapped[1] == 0  # the library caps the map (2 GiB here)


def test_the_setting_reaches_the_store(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, workspace_dir=tmp_path, sqlite_memory_map=False)  # type: ignore[call-arg]
    upgrade(settings.resolved_database_url())
    store = open_store(settings)
    try:
        assert isinstance(store, SqlStore) and _mapped_bytes(store) == 0
    finally:
        store.close()
