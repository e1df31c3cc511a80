"""Model snapshots on SQL: the learners' state by name and learning-log position.

A save compares with the latest position of its name, inserts, and prunes the older
snapshots in one write transaction. Saves are serialised until they commit (SQLite: the
write lock of ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock, the
learning log's class with key 2), so of two concurrent saves the later position is the
one kept, whichever commits first, and the primary key (name, position) refuses a
duplicate should a writer skip the lock.

SQL text is built once per store (hence the ``S608`` waivers: only placeholders are
formatted in, values travel bound).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from cortesia.adapters.memory_snapshots import KEEP_SNAPSHOTS, checked_snapshot
from cortesia.adapters.sql.codec import from_micros, to_micros
from cortesia.adapters.sql.connection import is_postgres, raw_cursor, raw_transaction
from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.errors import StoreError

# pg_advisory_xact_lock(int4, int4): "cortesia" as a class, 2 the model snapshots.
_PG_LOCK = "SELECT pg_advisory_xact_lock(1129271365, 2)"


def snapshot_from_row(row: Sequence[Any]) -> ModelSnapshot:
    """The snapshot stored in ``row``; StoreError when the row was damaged."""
    try:
        # psycopg reads bytea as bytes, sqlite3 a BLOB as bytes; bytes() also takes a view.
        return ModelSnapshot(
            name=row[0], position=int(row[1]), saved_at=from_micros(row[2]), state=bytes(row[3])
        )
    except (TypeError, ValueError) as error:
        raise StoreError(f"model snapshot {row[0]!r} cannot be read ({error})") from None


class SqlSnapshots:
    """The ``ModelSnapshots`` port on one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._postgres = is_postgres(engine)
        m = "%s" if self._postgres else "?"
        self._top = f'SELECT MAX("position") FROM model_snapshots WHERE "name" = {m}'  # noqa: S608
        self._insert = (
            'INSERT INTO model_snapshots ("name", "position", "saved_at", "state") '  # noqa: S608
            f"VALUES ({m}, {m}, {m}, {m})"
        )
        # The position of the oldest kept; NULL (nothing deleted) while fewer are stored.
        oldest_kept = (
            f'SELECT "position" FROM model_snapshots WHERE "name" = {m} '  # noqa: S608
            f'ORDER BY "position" DESC LIMIT 1 OFFSET {KEEP_SNAPSHOTS - 1}'
        )
        self._prune = (
            f'DELETE FROM model_snapshots WHERE "name" = {m} '  # noqa: S608
            f'AND "position" < ({oldest_kept})'
        )
        self._latest = (
            'SELECT "name", "position", "saved_at", "state" FROM model_snapshots '  # noqa: S608
            f'WHERE "name" = {m} ORDER BY "position" DESC LIMIT 1'
        )

    def save_model_snapshot(self, snapshot: ModelSnapshot) -> bool:
        saved = checked_snapshot(snapshot)
        row = (saved.name, saved.position, to_micros(saved.saved_at), saved.state)
        with raw_transaction(self._engine, "save a model snapshot") as cursor:
            if self._postgres:
                cursor.execute(_PG_LOCK)
            cursor.execute(self._top, (saved.name,))
            top = cursor.fetchone()[0]
            if top is not None and int(top) >= saved.position:
                return False
            cursor.execute(self._insert, row)
            cursor.execute(self._prune, (saved.name, saved.name))
        return True

    def latest_model_snapshot(self, name: str) -> ModelSnapshot | None:
        with raw_cursor(self._engine, "read a model snapshot") as cursor:
            cursor.execute(self._latest, (name,))
            row = cursor.fetchone()
        return None if row is None else snapshot_from_row(row)
