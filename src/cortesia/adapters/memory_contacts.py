"""Contact history in memory: the same semantics as the SQL store, behind one lock.

``MemoryStore`` holds one of these and hands it the contact-history calls; it can
also be used on its own (it implements the ``ContactHistory`` port).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from cortesia.domain.contacts import (
    Contact,
    Judge,
    Outcome,
    check_recordable,
    confirmed,
    counting,
    lapsed,
    released,
    reservation,
    same_contact,
    with_outcome,
)
from cortesia.domain.verdict import Verdict
from cortesia.errors import ConflictError, NotFoundError


class MemoryContacts:
    """Contacts by id and by customer; one lock makes every reservation atomic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, Contact] = {}
        self._by_customer: dict[str, list[str]] = {}

    def contacts_of(self, customer_id: str, since: datetime, now: datetime) -> list[Contact]:
        with self._lock:
            return self._counting(customer_id, since, now)

    def _counting(self, customer_id: str, since: datetime, now: datetime) -> list[Contact]:
        ids = self._by_customer.get(customer_id, ())
        return counting((self._by_id[i] for i in ids), since, now)

    def reserve(
        self, draft: Contact, since: datetime, now: datetime, judge: Judge
    ) -> tuple[Verdict, Contact | None]:
        held = reservation(draft)
        with self._lock:
            if held.contact_id in self._by_id:
                raise ConflictError("contact_id", held.contact_id, "is already recorded")
            verdict = judge(self._counting(held.customer_id, since, now))
            if not verdict.allowed:
                return verdict, None
            self._put(held)
            return verdict, held

    def record_contacts(self, contacts: Sequence[Contact]) -> int:
        for contact in contacts:
            check_recordable(contact)
        with self._lock:
            fresh: dict[str, Contact] = {}
            for contact in contacts:
                earlier = self._by_id.get(contact.contact_id) or fresh.get(contact.contact_id)
                if earlier is None:
                    fresh[contact.contact_id] = contact
                elif not same_contact(earlier, contact):
                    raise ConflictError(
                        "contact_id", contact.contact_id, "is recorded for another contact"
                    )
            for contact in fresh.values():
                self._put(contact)
            return len(fresh)

    def forget_customer(self, customer_id: str) -> int:
        """Delete every contact of a customer (erasure); returns how many."""
        with self._lock:
            ids = self._by_customer.pop(customer_id, [])
            for contact_id in ids:
                del self._by_id[contact_id]
            return len(ids)

    def find_contact(self, contact_id: str) -> Contact | None:
        with self._lock:
            return self._by_id.get(contact_id)

    def contact_history(
        self, customer_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Contact]:
        with self._lock:
            found = [
                contact
                for contact in (self._by_id[i] for i in self._by_customer.get(customer_id, ()))
                if (since is None or contact.occurred_at >= since)
                and (until is None or contact.occurred_at < until)
            ]
        found.sort(key=lambda c: (c.occurred_at, c.contact_id))
        return found

    def confirm(self, contact_id: str, at: datetime) -> Contact:
        with self._lock:
            return self._change(confirmed(self._get(contact_id), at))

    def release(self, contact_id: str, at: datetime) -> Contact:
        with self._lock:
            return self._change(released(self._get(contact_id), at))

    def record_outcome(self, contact_id: str, outcome: Outcome, at: datetime) -> Contact:
        with self._lock:
            return self._change(with_outcome(self._get(contact_id), outcome, at))

    def release_expired(self, now: datetime) -> int:
        with self._lock:
            due = [c for c in self._by_id.values() if lapsed(c, now)]
            for contact in due:
                self._change(released(contact, contact.expires_at or now))
            return len(due)

    def _get(self, contact_id: str) -> Contact:
        contact = self._by_id.get(contact_id)
        if contact is None:
            raise NotFoundError("contact", contact_id)
        return contact

    def _put(self, contact: Contact) -> None:
        self._by_id[contact.contact_id] = contact
        self._by_customer.setdefault(contact.customer_id, []).append(contact.contact_id)

    def _change(self, contact: Contact) -> Contact:
        self._by_id[contact.contact_id] = contact
        return contact
