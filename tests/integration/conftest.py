"""Stores for the contract suite: the memory store and the SQL store on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cortesia.adapters.memory import MemoryStore
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.engine.ports import Store


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Every implementation of the Store port, each fresh."""
    if request.param == "memory":
        yield MemoryStore()
        return
    url = str(request.getfixturevalue(f"{request.param}_url"))
    upgrade(url)
    sql = SqlStore(url)
    yield sql
    sql.close()


@pytest.fixture
def sql_store(database_url: str) -> Iterator[SqlStore]:
    """The SQL store on SQLite and PostgreSQL, schema created."""
    upgrade(database_url)
    sql = SqlStore(database_url)
    yield sql
    sql.close()
