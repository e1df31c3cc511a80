"""Contacts to rows and back, and the SQL text of the contact history for one dialect.

Rows are tuples in the column order of ``tables.contacts``; instants are epoch
microseconds (UTC). Statements are built once per engine from the table's own
column names and placeholders (hence the ``S608`` waivers): values travel bound.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cortesia.adapters.sql.tables import CONTACT_COLUMNS
from cortesia.domain.contacts import Contact, ContactStatus, Outcome
from cortesia.domain.vocabulary import Channel

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_CHANNELS = {c.value: c for c in Channel}
_STATUSES = {s.value: s for s in ContactStatus}
_OUTCOMES = {o.value: o for o in Outcome}
# Bounds that stand for "no limit" in the history query (BIGINT range).
LOWEST = -(2**63)
HIGHEST = 2**63 - 1


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - _EPOCH) // _MICRO


def micros(moment: datetime) -> int:
    """Epoch microseconds of an aware instant."""
    return (moment - _EPOCH) // _MICRO


def _instant(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def contact_row(contact: Contact) -> tuple[object, ...]:
    """The row of ``contact`` in ``CONTACT_COLUMNS`` order."""
    return (
        contact.contact_id,
        contact.customer_id,
        contact.channel.value,
        contact.purpose,
        micros(contact.occurred_at),
        contact.action_id,
        contact.action_group,
        contact.category,
        contact.subject,
        contact.direction,
        contact.status.value,
        _micros(contact.expires_at),
        None if contact.outcome is None else contact.outcome.value,
        _micros(contact.outcome_at),
        _micros(contact.confirmed_at),
        _micros(contact.released_at),
    )


def contact_from_row(row: Sequence[Any]) -> Contact:
    """The contact stored in ``row``; KeyError/TypeError when the row was damaged."""
    outcome = row[12]
    return Contact(
        contact_id=row[0],
        customer_id=row[1],
        channel=_CHANNELS[row[2]],
        purpose=row[3],
        occurred_at=_EPOCH + timedelta(microseconds=row[4]),
        action_id=row[5],
        action_group=row[6],
        category=row[7],
        subject=row[8],
        direction=row[9],
        status=_STATUSES[row[10]],
        expires_at=_instant(row[11]),
        outcome=None if outcome is None else _OUTCOMES[outcome],
        outcome_at=_instant(row[13]),
        confirmed_at=_instant(row[14]),
        released_at=_instant(row[15]),
    )


def lock_key(customer_id: str) -> int:
    """A stable signed 64-bit key for the customer's advisory lock (same in every process).

    >>> lock_key("C1") == lock_key("C1") != lock_key("C2")
    True
    """
    digest = hashlib.blake2b(customer_id.encode(), digest_size=8, person=b"cortesia.contact")
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclass(frozen=True, slots=True)
class ContactStatements:
    """The SQL text of the contact history for one dialect."""

    postgres: bool
    select: str
    lock: str
    window: str
    history: str
    by_id: str
    by_id_for_update: str
    customer_of: str
    insert: str
    update_state: str
    lapse: str

    def by_ids(self, count: int) -> str:
        """Whole contacts by id (one array on PostgreSQL)."""
        if self.postgres:
            return f'{self.select} WHERE "contact_id" = ANY(%s)'
        marks = ", ".join("?" * count)
        return f'{self.select} WHERE "contact_id" IN ({marks})'

    @classmethod
    def build(cls, postgres: bool) -> ContactStatements:
        m = "%s" if postgres else "?"
        cols = ", ".join(f'"{name}"' for name in CONTACT_COLUMNS)
        select = f"SELECT {cols} FROM contacts"  # noqa: S608
        by_id = f'{select} WHERE "contact_id" = {m}'
        marks = ", ".join([m] * len(CONTACT_COLUMNS))
        states = ", ".join(
            f'"{name}" = {m}'
            for name in ("status", "outcome", "outcome_at", "confirmed_at", "released_at")
        )
        lapsed = '"status" = \'released\', "released_at" = "expires_at"'
        return cls(
            postgres=postgres,
            select=select,
            # SQLite needs no lock of its own: the write transaction holds the database's.
            lock="SELECT pg_advisory_xact_lock(%s)" if postgres else "",
            window=(
                f'{select} WHERE "customer_id" = {m} AND "occurred_at" >= {m} UNION ALL '
                f'{select} WHERE "customer_id" = {m} AND "outcome_at" >= {m} '
                f'AND "occurred_at" < {m}'
            ),
            history=(
                f'{select} WHERE "customer_id" = {m} AND "occurred_at" >= {m} '
                f'AND "occurred_at" < {m} ORDER BY "occurred_at", "contact_id"'
            ),
            by_id=by_id,
            by_id_for_update=by_id + (" FOR UPDATE" if postgres else ""),
            customer_of=f'SELECT "customer_id" FROM contacts WHERE "contact_id" = {m}',  # noqa: S608
            insert=f"INSERT INTO contacts ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608
            update_state=f'UPDATE contacts SET {states} WHERE "contact_id" = {m}',  # noqa: S608
            lapse=f'UPDATE contacts SET {lapsed} WHERE "status" = \'reserved\' AND "expires_at" <= {m}',  # noqa: S608, E501
        )


def state_params(contact: Contact) -> tuple[object, ...]:
    """Parameters of ``update_state`` for ``contact``."""
    return (
        contact.status.value,
        None if contact.outcome is None else contact.outcome.value,
        _micros(contact.outcome_at),
        _micros(contact.confirmed_at),
        _micros(contact.released_at),
        contact.contact_id,
    )
