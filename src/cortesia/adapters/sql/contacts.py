"""Contact history on SQL: check-and-reserve under a per-customer lock, indexed windows.

A reservation reads the customer's window, asks the judge and inserts the
contact in one write transaction that holds the customer's lock, so no two
reservations of one customer judge the same history:

- SQLite: the transaction starts with ``BEGIN IMMEDIATE`` (``connection.writing``),
  which takes the database's write lock at once.
- PostgreSQL: ``pg_advisory_xact_lock`` on a stable 64-bit key of the customer id,
  released when the transaction ends; reservations of other customers run in parallel.
  Under READ COMMITTED the window is read after the lock is granted, so it sees every
  reservation committed by the previous holder.

Confirm, release and outcome take the same lock and then the row (``FOR UPDATE``);
housekeeping (``release_expired``) only ever frees slots, so it takes row locks only.
Imports of contacts already made take no customer locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from cortesia.adapters.sql.connection import (
    driver,
    driver_connection,
    guarded,
    raw_transaction,
    writing,
)
from cortesia.adapters.sql.contact_rows import (
    HIGHEST,
    LOWEST,
    ContactStatements,
    contact_from_row,
    contact_row,
    lock_key,
    micros,
    state_params,
)
from cortesia.adapters.sql.statements import LOOKUP_CHUNK
from cortesia.domain.contacts import (
    Contact,
    Judge,
    Outcome,
    check_recordable,
    confirmed,
    counting,
    released,
    reservation,
    same_contact,
    with_outcome,
)
from cortesia.domain.verdict import Verdict
from cortesia.errors import ConflictError, NotFoundError, StoreError


def _decoded(rows: Sequence[Any], whose: str) -> list[Contact]:
    """Contacts of ``rows``; ``whose`` ("customer 'C1'") names them in the error."""
    try:
        return [contact_from_row(row) for row in rows]
    except (TypeError, ValueError, KeyError) as error:
        # Fail closed: a window read from a damaged row could let a contact over a cap.
        raise StoreError(
            f"a contact of {whose} cannot be read ({error}); the contacts table was edited by hand"
        ) from None


class SqlContacts:
    """The ``ContactHistory`` port on one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._sql = ContactStatements.build(engine.dialect.name == "postgresql")

    # -- the write transaction and the customer's lock ----------------------
    @contextmanager
    def _writing(self, what: str) -> Iterator[Any]:
        with guarded(self._engine, what), writing(self._engine) as connection:
            cursor = driver(connection).cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def _lock(self, cursor: Any, customer_id: str) -> None:
        if self._sql.postgres:
            cursor.execute(self._sql.lock, (lock_key(customer_id),))

    def _window(
        self, cursor: Any, customer_id: str, since: datetime, now: datetime
    ) -> list[Contact]:
        start = micros(since)
        cursor.execute(self._sql.window, (customer_id, start, customer_id, start, start))
        return counting(_decoded(cursor.fetchall(), f"customer {customer_id!r}"), since, now)

    # -- reading ------------------------------------------------------------
    def _read(self, what: str, statement: str, params: Sequence[object]) -> list[Any]:
        with guarded(self._engine, what), driver_connection(self._engine) as connection:
            cursor = connection.cursor()
            cursor.execute(statement, params)
            rows = list(cursor.fetchall())
            cursor.close()
        return rows

    def contacts_of(self, customer_id: str, since: datetime, now: datetime) -> list[Contact]:
        start = micros(since)
        params = (customer_id, start, customer_id, start, start)
        rows = self._read("read contacts", self._sql.window, params)
        return counting(_decoded(rows, f"customer {customer_id!r}"), since, now)

    def contact_history(
        self, customer_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Contact]:
        start = LOWEST if since is None else micros(since)
        end = HIGHEST if until is None else micros(until)
        rows = self._read("read contacts", self._sql.history, (customer_id, start, end))
        return _decoded(rows, f"customer {customer_id!r}")

    def find_contact(self, contact_id: str) -> Contact | None:
        rows = self._read("read a contact", self._sql.by_id, (contact_id,))
        return _decoded(rows, f"contact {contact_id!r}")[0] if rows else None

    # -- reserving and recording --------------------------------------------
    def reserve(
        self, draft: Contact, since: datetime, now: datetime, judge: Judge
    ) -> tuple[Verdict, Contact | None]:
        held = reservation(draft)
        # A hold is part of the real-time decision: committed without waiting for the disk
        # (see ``writing``); the channel's confirmation records the contact durably.
        with raw_transaction(self._engine, "reserve a contact", relaxed=True) as cursor:
            self._lock(cursor, held.customer_id)
            verdict = judge(self._window(cursor, held.customer_id, since, now))
            if not verdict.allowed:
                return verdict, None
            cursor.execute(self._sql.insert, contact_row(held))
            if cursor.rowcount != 1:  # the insert skips an id already stored
                raise ConflictError("contact_id", held.contact_id, "is already recorded")
        return verdict, held

    def record_contacts(self, contacts: Sequence[Contact]) -> int:
        for contact in contacts:
            check_recordable(contact)
        if not contacts:
            return 0
        with self._writing("record contacts") as cursor:
            stored = self._stored(cursor, list({c.contact_id for c in contacts}))
            fresh: dict[str, Contact] = {}
            for contact in contacts:
                earlier = stored.get(contact.contact_id) or fresh.get(contact.contact_id)
                if earlier is None:
                    fresh[contact.contact_id] = contact
                elif not same_contact(earlier, contact):
                    raise ConflictError(
                        "contact_id", contact.contact_id, "is recorded for another contact"
                    )
            if fresh:
                cursor.executemany(self._sql.insert, [contact_row(c) for c in fresh.values()])
        return len(fresh)

    def _stored(self, cursor: Any, ids: list[str]) -> dict[str, Contact]:
        rows: list[Any] = []
        if self._sql.postgres:
            cursor.execute(self._sql.by_ids(len(ids)), (ids,))
            rows.extend(cursor.fetchall())
        else:
            for start in range(0, len(ids), LOOKUP_CHUNK):
                chunk = ids[start : start + LOOKUP_CHUNK]
                cursor.execute(self._sql.by_ids(len(chunk)), chunk)
                rows.extend(cursor.fetchall())
        return {c.contact_id: c for c in _decoded(rows, "the contacts recorded")}

    # -- changes of state ---------------------------------------------------
    def _change(self, contact_id: str, change: Callable[[Contact], Contact], what: str) -> Contact:
        with self._writing(what) as cursor:
            if self._sql.postgres:
                cursor.execute(self._sql.customer_of, (contact_id,))
                found = cursor.fetchone()
                if found is None:
                    raise NotFoundError("contact", contact_id)
                self._lock(cursor, found[0])
            cursor.execute(self._sql.by_id_for_update, (contact_id,))
            row = cursor.fetchone()
            if row is None:
                raise NotFoundError("contact", contact_id)
            current = _decoded([row], f"contact {contact_id!r}")[0]
            after = change(current)
            if after != current:
                cursor.execute(self._sql.update_state, state_params(after))
        return after

    def confirm(self, contact_id: str, at: datetime) -> Contact:
        return self._change(contact_id, lambda c: confirmed(c, at), "confirm a contact")

    def release(self, contact_id: str, at: datetime) -> Contact:
        return self._change(contact_id, lambda c: released(c, at), "release a contact")

    def record_outcome(self, contact_id: str, outcome: Outcome, at: datetime) -> Contact:
        return self._change(
            contact_id, lambda c: with_outcome(c, outcome, at), "record a contact outcome"
        )

    def release_expired(self, now: datetime) -> int:
        with self._writing("release lapsed reservations") as cursor:
            cursor.execute(self._sql.lapse, (micros(now),))
            return int(cursor.rowcount)
