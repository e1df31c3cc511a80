"""Decisions and their outcome events on SQL.

Recording a decision is on the path of every real-time decision, so it is one
``INSERT … ON CONFLICT DO NOTHING`` on a pooled DBAPI cursor, with SQL text built
once per store (hence the ``S608`` waivers: only column names and placeholders are
formatted in, values travel bound). A stored id shows as no row inserted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from cortesia.adapters.memory_decisions import outcome_conflict, same_outcome
from cortesia.adapters.sql.codec import from_micros, to_micros
from cortesia.adapters.sql.connection import is_postgres, raw_cursor, raw_transaction
from cortesia.adapters.sql.tables import (
    DECISION_COLUMNS,
    OUTCOME_COLUMNS,
    decisions,
    outcome_events,
)
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import DecisionRecord, OutcomeEvent
from cortesia.errors import ConflictError, StoreError


def _dump_body(body: dict[str, object]) -> str:
    """Compact JSON; orjson because a decision's trace is written on every decision."""
    return orjson.dumps(body, default=str).decode()


_CHANNELS = {c.value: c for c in Channel}
_PAGE = 5_000  # decisions read per page of a scan


def decision_row(record: DecisionRecord) -> tuple[object, ...]:
    """The row of ``record`` in ``DECISION_COLUMNS`` order."""
    return (
        record.decision_id,
        record.customer_id,
        to_micros(record.decided_at),
        record.channel.value,
        record.direction,
        record.silent,
        record.catalog_version,
        _dump_body(dict(record.body)) if record.body else "{}",
    )


def decision_from_row(row: Sequence[Any]) -> DecisionRecord:
    """The decision stored in ``row``; StoreError when the row was damaged."""
    try:
        return DecisionRecord(
            decision_id=row[0],
            customer_id=row[1],
            decided_at=from_micros(row[2]),
            channel=_CHANNELS[row[3]],
            direction=row[4],
            silent=bool(row[5]),
            catalog_version=int(row[6]),
            body=orjson.loads(row[7]),  # written by orjson; a third of json's time
        )
    except (TypeError, ValueError, KeyError) as error:
        raise StoreError(f"decision {row[0]!r} cannot be read ({error})") from None


def outcome_row(event: OutcomeEvent) -> tuple[object, ...]:
    """The row of ``event`` in ``OUTCOME_COLUMNS`` order."""
    return (
        event.key,
        event.decision_id,
        event.action_id,
        event.channel.value,
        event.outcome,
        to_micros(event.occurred_at),
        to_micros(event.recorded_at),
        event.contact_id,
    )


def outcome_from_row(row: Sequence[Any]) -> OutcomeEvent:
    """The outcome event stored in ``row``; StoreError when the row was damaged."""
    try:
        return OutcomeEvent(
            key=row[0],
            decision_id=row[1],
            action_id=row[2],
            channel=_CHANNELS[row[3]],
            outcome=row[4],
            occurred_at=from_micros(row[5]),
            recorded_at=from_micros(row[6]),
            contact_id=row[7],
        )
    except (TypeError, ValueError, KeyError) as error:
        raise StoreError(f"outcome event {row[0]!r} cannot be read ({error})") from None


def forget_customer_in(connection: sa.Connection, customer_id: str) -> int:
    """Delete a customer's decisions and their outcome events in the caller's
    transaction (erasure); returns how many decisions were deleted."""
    theirs = sa.select(decisions.c.decision_id).where(decisions.c.customer_id == customer_id)
    connection.execute(sa.delete(outcome_events).where(outcome_events.c.decision_id.in_(theirs)))
    deleted = connection.execute(sa.delete(decisions).where(decisions.c.customer_id == customer_id))
    return int(deleted.rowcount)


class SqlDecisions:
    """The ``DecisionStore`` and ``OutcomeStore`` ports on one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._postgres = is_postgres(engine)
        m = "%s" if self._postgres else "?"
        self._mark = m
        self._stored_sql: dict[int, str] = {}
        cols = ", ".join(f'"{name}"' for name in DECISION_COLUMNS)
        marks = ", ".join([m] * len(DECISION_COLUMNS))
        self._insert = f"INSERT INTO decisions ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
        select = f"SELECT {cols} FROM decisions"  # noqa: S608
        self._by_id = f'{select} WHERE "decision_id" = {m}'
        self._of_customer = (
            f'{select} WHERE "customer_id" = {m} '
            f'ORDER BY "decided_at" DESC, "decision_id" DESC LIMIT {m}'
        )
        ocols = ", ".join(f'"{name}"' for name in OUTCOME_COLUMNS)
        omarks = ", ".join([m] * len(OUTCOME_COLUMNS))
        self._insert_outcome = (
            f"INSERT INTO outcome_events ({ocols}) VALUES ({omarks}) ON CONFLICT DO NOTHING"  # noqa: S608
        )
        oselect = f"SELECT {ocols} FROM outcome_events"  # noqa: S608
        self._outcome_by_key = f'{oselect} WHERE "key" = {m}'
        self._outcomes_of = f'{oselect} WHERE "decision_id" = {m} ORDER BY "occurred_at", "key"'
        self._page = (
            f'{select} WHERE "decided_at" >= {m} AND "decided_at" < {m} '
            f'AND ("decided_at" > {m} OR ("decided_at" = {m} AND "decision_id" > {m})) '
            f'ORDER BY "decided_at", "decision_id" LIMIT {m}'
        )
        joined = ", ".join(f'o."{name}"' for name in OUTCOME_COLUMNS)
        self._outcomes_made = (
            f"SELECT {joined} FROM outcome_events o JOIN decisions d "  # noqa: S608
            f'ON d."decision_id" = o."decision_id" '
            f'WHERE d."decided_at" >= {m} AND d."decided_at" < {m}'
        )

    # -- decisions ----------------------------------------------------------
    def record_decision(self, record: DecisionRecord) -> None:
        """Store a decision with relaxed commit durability (``record_decisions``)."""
        if self.record_decisions([record]):
            raise ConflictError("decision_id", record.decision_id, "is already recorded")

    def record_decisions(self, records: Sequence[DecisionRecord]) -> list[str]:
        """Store several decisions in one transaction: one commit, and one write turn, for
        the lot. Returns the ids already stored (or repeated in the batch); nothing is
        written for them.

        The commit is relaxed. The decision log is written on every decision, and waiting
        for the disk would double a decision's time. Its commit survives a crash of the
        process; a power loss may undo the last few, until the next fully synchronous
        commit (any consent or contact write) or checkpoint. Consent and contact holds
        keep full durability.
        """
        if not records:
            return []
        rows = [decision_row(record) for record in records]
        ids = [str(row[0]) for row in rows]
        with raw_transaction(self._engine, "record decisions", relaxed=True) as cursor:
            cursor.execute(self._stored_among(len(ids)), ids)
            seen = {found[0] for found in cursor.fetchall()}
            taken, fresh = [], []
            for decision_id, row in zip(ids, rows, strict=True):
                if decision_id in seen:
                    taken.append(decision_id)
                else:
                    seen.add(decision_id)
                    fresh.append(row)
            if fresh:
                cursor.executemany(self._insert, fresh)
        return taken

    def _stored_among(self, count: int) -> str:
        """SELECT of the ids stored among ``count`` bound ones (text kept per count)."""
        found = self._stored_sql.get(count)
        if found is None:
            marks = ", ".join([self._mark] * count)
            found = f'SELECT "decision_id" FROM decisions WHERE "decision_id" IN ({marks})'  # noqa: S608
            self._stored_sql[count] = found
        return found

    def find_decision(self, decision_id: str) -> DecisionRecord | None:
        with raw_cursor(self._engine, "read a decision") as cursor:
            cursor.execute(self._by_id, (decision_id,))
            row = cursor.fetchone()
        return None if row is None else decision_from_row(row)

    def decisions_of(self, customer_id: str, limit: int = 50) -> list[DecisionRecord]:
        with raw_cursor(self._engine, "read decisions") as cursor:
            cursor.execute(self._of_customer, (customer_id, max(limit, 0)))
            rows = cursor.fetchall()
        return [decision_from_row(row) for row in rows]

    def decisions_between(self, start: datetime, end: datetime) -> Iterator[DecisionRecord]:
        low, high = to_micros(start), to_micros(end)
        after_at, after_id = low - 1, ""
        while True:  # keyset pages: no cursor held open between pages
            with raw_cursor(self._engine, "read decisions") as cursor:
                args = (low, high, after_at, after_at, after_id, _PAGE)
                cursor.execute(self._page, args)
                rows = cursor.fetchall()
            yield from (decision_from_row(row) for row in rows)
            if len(rows) < _PAGE:
                return
            after_at, after_id = rows[-1][2], rows[-1][0]

    def outcomes_between(self, start: datetime, end: datetime) -> list[OutcomeEvent]:
        with raw_cursor(self._engine, "read outcomes") as cursor:
            cursor.execute(self._outcomes_made, (to_micros(start), to_micros(end)))
            rows = cursor.fetchall()
        return [outcome_from_row(row) for row in rows]

    # -- outcome events -----------------------------------------------------
    def record_outcome_event(self, event: OutcomeEvent) -> tuple[OutcomeEvent, bool]:
        row = outcome_row(event)
        with raw_cursor(self._engine, "record an outcome", write=True) as cursor:
            # A second try covers a row erased between the insert and the read.
            for _ in range(2):
                cursor.execute(self._insert_outcome, row)
                if cursor.rowcount == 1:
                    return event, True
                cursor.execute(self._outcome_by_key, (event.key,))
                found = cursor.fetchone()
                if found is not None:
                    stored = outcome_from_row(found)
                    if not same_outcome(stored, event):
                        raise outcome_conflict(event)
                    return stored, False
        raise StoreError(f"could not record outcome {event.key!r}: it vanished while stored")

    def outcomes_of_decision(self, decision_id: str) -> list[OutcomeEvent]:
        with raw_cursor(self._engine, "read outcomes") as cursor:
            cursor.execute(self._outcomes_of, (decision_id,))
            rows = cursor.fetchall()
        return [outcome_from_row(row) for row in rows]
