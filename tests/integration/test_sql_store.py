"""What only the SQL store has: migrations, workspace checks, errors, shared secrets."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from tests.integration.ledger_drafts import T0, draft, drafts

from cortesia.adapters.sql.codec import event_row
from cortesia.adapters.sql.migrate import head_revision, upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.adapters.sql.tables import EVENT_COLUMNS, SCHEMA_REVISION
from cortesia.domain.vocabulary import ConsentKind
from cortesia.errors import StoreError, ValidationError


def test_upgrade_is_idempotent_and_returns_the_head_revision(database_url: str) -> None:
    assert upgrade(database_url) == head_revision() == SCHEMA_REVISION
    assert upgrade(database_url) == SCHEMA_REVISION


def test_a_missing_sqlite_workspace_tells_the_user_to_run_init(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="cortesia init"):
        SqlStore(f"sqlite:///{tmp_path}/nothing-here.db")


def test_a_database_never_initialised_tells_the_user_to_run_init(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:  # the database exists but has no schema
        connection.exec_driver_sql("CREATE TABLE unrelated (x INTEGER)")
    engine.dispose()
    with pytest.raises(StoreError, match="not initialised; run `cortesia init`"):
        SqlStore(database_url)


def test_an_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open"):
        SqlStore("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")


def test_driver_errors_become_store_errors_naming_the_operation(sql_store: SqlStore) -> None:
    with sql_store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE customers")
    with pytest.raises(StoreError, match="could not count customers"):
        sql_store.count_customers()


def test_a_batch_refused_midway_leaves_the_ledger_unchanged(sql_store: SqlStore) -> None:
    sql_store.append(drafts("before", 3), T0)
    naive = draft("bad")._replace(occurred_at=datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        sql_store.append([draft("ok-1"), naive, draft("ok-2")], T0)
    assert sql_store.chain_head().count == 3
    assert [e.idempotency_key for e in sql_store.iter_events()] == [f"before-{i}" for i in range(3)]


def test_instants_with_any_offset_are_stored_as_the_same_utc_instant(sql_store: SqlStore) -> None:
    from datetime import timezone

    madrid = timezone(timedelta(hours=1))
    local = draft("tz")._replace(occurred_at=T0.astimezone(madrid))
    stored = sql_store.append([local], T0.astimezone(madrid))[0].event
    assert sql_store.events_of("C1") == [stored]
    assert stored.occurred_at == T0 and stored.occurred_at.utcoffset() == timedelta(0)


def test_every_process_sees_the_secret_written_first(database_url: str) -> None:
    upgrade(database_url)
    one, two = SqlStore(database_url), SqlStore(database_url)
    try:
        assert one.secret("signing", lambda: b"one") == b"one"
        assert two.secret("signing", lambda: b"two") == b"one"
    finally:
        one.close()
        two.close()


QUOTED = [f'"{column}"' for column in EVENT_COLUMNS]


def test_plain_and_full_events_are_stored_as_the_full_row(sql_store: SqlStore) -> None:
    # Plain events go in through a statement without the optional columns; the rows
    # must be the ones the full statement writes.
    plain = draft("plain", evidence={"ip": "203.0.113.7"})
    full = draft("full", actor="agent 7")._replace(lawful_basis="consent", jurisdiction="ES")
    snooze = draft("snooze", kind=ConsentKind.SNOOZE)._replace(until=T0 + timedelta(days=30))
    events = [r.event for r in sql_store.append([plain, full, snooze], T0)]
    with sql_store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            f"SELECT {', '.join(QUOTED)} FROM consent_events ORDER BY seq"
        ).all()
    assert [tuple(row) for row in rows] == [event_row(e) for e in events]
    assert [type(row[-1]) for row in rows] == [type(rows[0][-1])] * 3  # erased, one type
    assert not any(row[-1] for row in rows)
    assert sql_store.events_of("C1") == events
