"""Shared fixtures: frozen clock, memory engine, and a private PostgreSQL database per run.

PostgreSQL: ``CORTESIA_TEST_POSTGRES_URL`` (default the local server's ``test``
database) names an admin connection; each test session creates its own database
``cortesia_t_<random>`` and drops it at the end, so runs never collide. Outside CI a
missing server skips the PostgreSQL cases; in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.engine.hub import Engine

ADMIN_URL = os.environ.get(
    "CORTESIA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def memory_engine(clock: FrozenClock) -> Engine:
    return Engine(MemoryStore(), clock)


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    dsn = ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session (worker)."""
    try:
        admin = _admin_connect()
    except Exception as error:  # the server may simply not be there outside CI
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and not reachable: {error}")
        pytest.skip(f"PostgreSQL not reachable: {error}")
    name = f"cortesia_t_{secrets.token_hex(5)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin_connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_database: str) -> Iterator[str]:
    """The session's PostgreSQL database, emptied after each test."""
    yield postgres_database
    import psycopg

    dsn = postgres_database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/cortesia.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))
