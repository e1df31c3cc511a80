"""Use cases of the contact history: reserve a slot, confirm, release, record, read.

The contact policy decides *whether* a contact may be made; this service keeps
*what was made* and holds a slot atomically between the check and the send:

1. ``reserve(draft, since, judge)`` locks the customer, shows the judge the counting
   contacts since ``since`` and, when allowed, stores the draft as a reservation that
   lapses ``hold`` after the later of now and its planned instant.
2. The channel sends and the caller confirms (``confirm``), or calls the contact off
   (``release``). A reservation not confirmed in time stops counting by itself;
   ``release_expired`` marks such reservations released (housekeeping).
3. ``outcome`` records what came of it; ``record`` imports contacts made elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from cortesia.domain.contacts import Contact, ContactStatus, Judge
from cortesia.domain.verdict import Verdict
from cortesia.engine.contact_input import (
    MAX_CLOCK_SKEW,
    parse_contact,
    parse_contact_batch,
    parse_outcome,
)
from cortesia.engine.instants import parse_instant
from cortesia.engine.ports import Clock, ContactHistory
from cortesia.errors import NotFoundError, ValidationError

DEFAULT_HOLD = timedelta(minutes=15)
MAX_HOLD = timedelta(days=7)


def check_hold(hold: timedelta) -> timedelta:
    """``hold`` if it is a usable reservation time (over zero, at most a week)."""
    if not timedelta(0) < hold <= MAX_HOLD:
        raise ValidationError("hold", hold, "a reservation is held for over 0 s and at most 7 days")
    return hold


@dataclass(frozen=True, slots=True)
class Reservation:
    """The judge's verdict and, when it allowed the contact, the reservation stored."""

    verdict: Verdict
    contact: Contact | None

    @property
    def allowed(self) -> bool:
        return self.contact is not None


@dataclass(frozen=True, slots=True)
class Recorded:
    """A contact recorded from outside: the stored contact, and whether it is new."""

    contact: Contact
    created: bool


class ContactService:
    """Reserve, confirm, release and record contacts; read a customer's history."""

    def __init__(self, store: ContactHistory, clock: Clock, hold: timedelta = DEFAULT_HOLD) -> None:
        self._store = store
        self._clock = clock
        self.hold = check_hold(hold)

    def reserve(
        self, draft: Contact, since: datetime, judge: Judge, *, hold: timedelta | None = None
    ) -> Reservation:
        """Judge the customer's counting contacts since ``since`` and hold a slot if allowed.

        The reservation lapses ``hold`` (the service's by default) after the later of now
        and ``draft.occurred_at``, so a contact planned for tomorrow is held until then.
        """
        now = self._clock.now()
        held_for = self.hold if hold is None else check_hold(hold)
        expires_at = max(now, draft.occurred_at) + held_for
        planned = replace(draft, status=ContactStatus.RESERVED, expires_at=expires_at)
        verdict, stored = self._store.reserve(planned, since, now, judge)
        return Reservation(verdict, stored)

    def confirm(self, contact_id: str) -> Contact:
        """The reserved contact was sent; an expired or released one is a ConflictError."""
        return self._store.confirm(contact_id, self._clock.now())

    def release(self, contact_id: str) -> Contact:
        """The reserved contact was called off: its slot is free again."""
        return self._store.release(contact_id, self._clock.now())

    def outcome(self, contact_id: str, outcome: str, at: object = None) -> Contact:
        """Record what came of a sent contact, reported at ``at`` (now by default)."""
        now = self._clock.now()
        moment = now if at is None or at == "" else parse_instant(at, "at")
        if moment > now + MAX_CLOCK_SKEW:
            raise ValidationError("at", at, "is in the future; outcomes report what happened")
        return self._store.record_outcome(contact_id, parse_outcome(outcome), moment)

    def record(self, data: Mapping[str, object]) -> Recorded:
        """Validate and record one contact made elsewhere; a retry records nothing new."""
        contact = parse_contact(data, now=self._clock.now())
        created = self._store.record_contacts([contact]) == 1
        stored = self._store.find_contact(contact.contact_id)
        return Recorded(stored or contact, created)

    def record_batch(self, rows: Sequence[Mapping[str, object]]) -> int:
        """Validate a whole batch first, then record all of it or nothing; how many were new."""
        return self._store.record_contacts(parse_contact_batch(rows, now=self._clock.now()))

    def get(self, contact_id: str) -> Contact:
        contact = self._store.find_contact(contact_id)
        if contact is None:
            raise NotFoundError("contact", contact_id)
        return contact

    def history(
        self, customer_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Contact]:
        """Every contact of the customer (any status) with ``since <= occurred_at < until``."""
        return self._store.contact_history(customer_id, since, until)

    def counting(self, customer_id: str, since: datetime) -> list[Contact]:
        """What a check would see now: counting contacts since ``since`` (and outcomes)."""
        return self._store.contacts_of(customer_id, since, self._clock.now())

    def release_expired(self) -> int:
        """Mark lapsed reservations released; returns how many."""
        return self._store.release_expired(self._clock.now())
