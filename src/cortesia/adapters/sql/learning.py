"""The learning log on SQL: answered offers, numbered in commit order.

A reader resumes from the last number it saw, so a number must never become visible
after a greater one. The database assigns numbers when a row is inserted, not when it
commits, so appends are serialised until they commit: SQLite by its write lock
(``BEGIN IMMEDIATE``), PostgreSQL by a transaction-scoped advisory lock on one fixed
key (two-integer form, a key space apart from the contact locks' 64-bit keys). A rolled
back append leaves a gap that is never filled, which a reader need not wait for.

SQL text is built once per store (hence the ``S608`` waivers: only column names and
placeholders are formatted in, values travel bound).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa

from cortesia.adapters.memory_learning import dump_features
from cortesia.adapters.sql.codec import from_micros, to_micros
from cortesia.adapters.sql.connection import is_postgres, raw_cursor, raw_transaction
from cortesia.adapters.sql.tables import LEARNING_COLUMNS, learning_events
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import LearningEvent
from cortesia.errors import StoreError

# pg_advisory_xact_lock(int4, int4): "cortesia" as a class, 1 the learning log.
_PG_LOCK = "SELECT pg_advisory_xact_lock(1129271365, 1)"
_CHANNELS = {c.value: c for c in Channel}


def learning_row(event: LearningEvent) -> tuple[object, ...]:
    """The row of ``event`` in ``LEARNING_COLUMNS`` order, without ``seq``."""
    return (
        event.decision_id,
        event.customer_id,
        event.action_id,
        Channel(event.channel).value,
        event.direction,
        event.purpose,
        to_micros(event.occurred_at),
        bool(event.accepted),
        bool(event.opted_out),
        dump_features(event.features),
    )


def learning_from_row(row: Sequence[Any]) -> tuple[int, LearningEvent]:
    """The numbered event stored in ``row``; StoreError when the row was damaged."""
    try:
        return int(row[0]), LearningEvent(
            decision_id=row[1],
            customer_id=row[2],
            action_id=row[3],
            channel=_CHANNELS[row[4]],
            direction=row[5],
            purpose=row[6],
            occurred_at=from_micros(row[7]),
            accepted=bool(row[8]),
            opted_out=bool(row[9]),
            features=orjson.loads(row[10]),
        )
    except (TypeError, ValueError, KeyError) as error:
        raise StoreError(f"learning event {row[0]!r} cannot be read ({error})") from None


def forget_learning_in(connection: sa.Connection, customer_id: str) -> int:
    """Delete a customer's learning events in the caller's transaction (erasure); returns
    how many were deleted."""
    deleted = connection.execute(
        sa.delete(learning_events).where(learning_events.c.customer_id == customer_id)
    )
    return int(deleted.rowcount)


class SqlLearning:
    """The ``LearningLog`` port on one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._postgres = is_postgres(engine)
        m = "%s" if self._postgres else "?"
        written = LEARNING_COLUMNS[1:]  # seq is the database's
        cols = ", ".join(f'"{name}"' for name in written)
        marks = ", ".join([m] * len(written))
        self._insert = f"INSERT INTO learning_events ({cols}) VALUES ({marks})"  # noqa: S608
        every = ", ".join(f'"{name}"' for name in LEARNING_COLUMNS)
        self._since = (
            f'SELECT {every} FROM learning_events WHERE "seq" > {m} '  # noqa: S608
            f'ORDER BY "seq" LIMIT {m}'
        )

    def append_learning(self, events: Sequence[LearningEvent]) -> None:
        rows = [learning_row(event) for event in events]
        if not rows:
            return
        with raw_transaction(self._engine, "append learning events") as cursor:
            if self._postgres:
                cursor.execute(_PG_LOCK)
            cursor.executemany(self._insert, rows)

    def learning_since(self, after: int, limit: int = 10_000) -> list[tuple[int, LearningEvent]]:
        with raw_cursor(self._engine, "read learning events") as cursor:
            cursor.execute(self._since, (after, max(limit, 0)))
            rows = cursor.fetchall()
        return [learning_from_row(row) for row in rows]
