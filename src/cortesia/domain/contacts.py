"""Contact history: every contact made or about to be made, and what came of it.

A contact is *reserved* when a check lets it through (its slot is taken until
``expires_at``), *sent* once the channel confirms it left, or *released* when it
was called off or its reservation lapsed. Counting rules (written down once):

1. A contact **counts** at instant ``now`` when it was sent, or when it is reserved
   and ``now < expires_at``: a reservation stops counting at its expiry instant.
2. A released contact never counts again; a sent contact is never released.
3. An expired reservation cannot be confirmed: its slot may already be another's.
4. Outcomes belong to sent contacts. A later report replaces an earlier one; a report
   older than the stored outcome, or the same outcome again, changes nothing.

>>> at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
>>> held = Contact(new_contact_id(at), "C1", Channel.SMS, "marketing", at,
...                status=ContactStatus.RESERVED, expires_at=at + timedelta(minutes=15))
>>> held.counts_at(at), held.counts_at(at + timedelta(minutes=15))
(True, False)
>>> sent = confirmed(held, at + timedelta(minutes=1))
>>> sent.status.value, sent.counts_at(at + timedelta(days=30)), sent.subject
('sent', True, 'marketing')
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.errors import ConflictError, ValidationError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLI = timedelta(milliseconds=1)
DIRECTIONS = frozenset({"outbound", "inbound"})
# The action categories the contact policy knows; other snake_case words are accepted.
KNOWN_CATEGORIES = ("sales", "cross_sell", "retention", "service", "lifecycle", "consent_recovery")


class ContactStatus(StrEnum):
    """Where a contact stands: holding a slot, made, or called off."""

    RESERVED = "reserved"
    SENT = "sent"
    RELEASED = "released"


class Outcome(StrEnum):
    """What came of a sent contact, as the channel or the customer reported it."""

    DELIVERED = "delivered"
    FAILED = "failed"
    REACHED = "reached"  # direct contact achieved (Colombia's "contacto directo")
    ACCEPTED = "accepted"
    CLICKED = "clicked"
    REJECTED = "rejected"
    IGNORED = "ignored"
    OPTED_OUT = "opted_out"
    COMPLAINED = "complained"
    CONVERTED = "converted"


def _utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(field, moment, "instant needs a UTC offset")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact of a customer on a channel for a purpose, at an instant (UTC).

    For a reservation ``occurred_at`` is the planned instant. ``subject`` (the "same
    subject matter" of US state rules) defaults to the action group, else the purpose.
    Instants with any offset are kept as the same instant in UTC; naive ones are refused.
    """

    contact_id: str
    customer_id: str
    channel: Channel
    purpose: str
    occurred_at: datetime
    action_id: str | None = None
    action_group: str | None = None
    category: str | None = None
    subject: str | None = None
    direction: str = "outbound"
    status: ContactStatus = ContactStatus.SENT
    expires_at: datetime | None = None
    outcome: Outcome | None = None
    outcome_at: datetime | None = None
    confirmed_at: datetime | None = None
    released_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.subject is None:
            object.__setattr__(self, "subject", self.action_group or self.purpose)
        for name in _INSTANTS:
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is not UTC:
                object.__setattr__(self, name, _utc(moment, name))

    def counts_at(self, now: datetime) -> bool:
        """True when the contact takes a slot at ``now``: sent, or reserved and not expired."""
        if self.status is ContactStatus.SENT:
            return True
        if self.status is ContactStatus.RESERVED:
            return self.expires_at is None or now < self.expires_at
        return False


_INSTANTS = ("occurred_at", "expires_at", "outcome_at", "confirmed_at", "released_at")

# A pure function of the customer's counting contacts: the contact policy plugs one in.
Judge = Callable[[list[Contact]], Verdict]


def counting(contacts: Iterable[Contact], since: datetime, now: datetime) -> list[Contact]:
    """The contacts a check must see: counting at ``now`` and made, or answered, since ``since``.

    Ordered by ``occurred_at``, ties by ``contact_id`` (time-ordered).
    """
    kept = [
        c
        for c in contacts
        if c.counts_at(now)
        and (c.occurred_at >= since or (c.outcome_at is not None and c.outcome_at >= since))
    ]
    kept.sort(key=lambda c: (c.occurred_at, c.contact_id))
    return kept


def new_contact_id(at: datetime, seed: bytes | None = None) -> str:
    """A time-ordered UUID (RFC 9562 version 7) whose leading 48 bits are ``at`` in ms.

    With ``seed`` the other bits come from its SHA-256, so the same seed and instant
    give the same id (a retried import records the contact once); else they are random.

    >>> new_contact_id(EPOCH + timedelta(milliseconds=1), b"x")[:19]
    '00000000-0001-72d7-'
    """
    stamp = f"{(_utc(at, 'occurred_at') - EPOCH) // _MILLI:012x}"
    raw = os.urandom(10) if seed is None else hashlib.sha256(seed).digest()[:10]
    h = raw.hex()
    variant = "89ab"[int(h[3], 16) & 3]
    return f"{stamp[:8]}-{stamp[8:]}-7{h[:3]}-{variant}{h[4:7]}-{h[7:19]}"


def reservation(draft: Contact) -> Contact:
    """``draft`` as a reservation to store: reserved, with no confirmation or outcome yet."""
    if draft.expires_at is None:
        raise ValidationError("expires_at", None, "a reservation needs the instant it lapses")
    return replace(
        draft,
        status=ContactStatus.RESERVED,
        outcome=None,
        outcome_at=None,
        confirmed_at=None,
        released_at=None,
    )


def check_recordable(contact: Contact) -> None:
    """Refuse a contact that cannot be recorded as already made."""
    if contact.status is not ContactStatus.SENT:
        raise ValidationError(
            "status", contact.status.value, "only sent contacts are recorded; reserve the others"
        )


def same_contact(stored: Contact, offered: Contact) -> bool:
    """True when ``offered`` states the same contact as ``stored`` (a retried import)."""
    return (
        stored.customer_id == offered.customer_id
        and stored.channel == offered.channel
        and stored.purpose == offered.purpose
        and stored.occurred_at == offered.occurred_at
        and stored.action_id == offered.action_id
    )


def confirmed(contact: Contact, at: datetime) -> Contact:
    """The contact made: reserved becomes sent; a sent one is returned unchanged."""
    if contact.status is ContactStatus.SENT:
        return contact
    if contact.status is ContactStatus.RELEASED:
        raise ConflictError("contact_id", contact.contact_id, "was released; reserve again")
    if contact.expires_at is not None and at >= contact.expires_at:
        raise ConflictError(
            "contact_id",
            contact.contact_id,
            f"reservation expired at {contact.expires_at.isoformat()} and its slot may have "
            "been given to another contact; reserve again",
        )
    return replace(contact, status=ContactStatus.SENT, confirmed_at=_utc(at, "at"))


def released(contact: Contact, at: datetime) -> Contact:
    """The reservation called off; a released one is returned unchanged."""
    if contact.status is ContactStatus.RELEASED:
        return contact
    if contact.status is ContactStatus.SENT:
        raise ConflictError("contact_id", contact.contact_id, "was sent; a sent contact stays")
    return replace(contact, status=ContactStatus.RELEASED, released_at=_utc(at, "at"))


def with_outcome(contact: Contact, outcome: Outcome, at: datetime) -> Contact:
    """The contact with ``outcome`` reported at ``at`` (rule 4 of the module)."""
    if contact.status is not ContactStatus.SENT:
        raise ConflictError(
            "contact_id",
            contact.contact_id,
            f"is {contact.status.value}; only a sent contact has an outcome (confirm it first)",
        )
    at = _utc(at, "at")
    if contact.outcome == outcome:
        return contact
    if contact.outcome_at is not None and at < contact.outcome_at:
        return contact
    return replace(contact, outcome=outcome, outcome_at=at)


def lapsed(contact: Contact, now: datetime) -> bool:
    """True for a reservation whose expiry has come (housekeeping releases it)."""
    return (
        contact.status is ContactStatus.RESERVED
        and contact.expires_at is not None
        and contact.expires_at <= now
    )
