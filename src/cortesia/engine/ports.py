"""Ports: what the use cases need from the outside world.

Every port has an in-memory adapter in ``cortesia.adapters.memory`` and a SQL
one in ``cortesia.adapters.sql``; both pass the same contract tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cortesia.domain.access import ApiKeyRecord
from cortesia.domain.chain_check import UnreadableEvent
from cortesia.domain.consent import AppendResult, ConsentEvent, NewConsentEvent
from cortesia.domain.contacts import Contact, Judge, Outcome
from cortesia.domain.customers import AttributeType, Customer, UpsertCounts
from cortesia.domain.ledger import ChainHead
from cortesia.domain.registry import RegistryFinding, RegistryVersion
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import (
    CatalogStore,
    DecisionStore,
    LearningLog,
    ModelSnapshots,
    OutcomeStore,
    ResponseCounts,
    VolumeCounters,
)
from cortesia.engine.value_ports import CustomerValues

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class Clock(Protocol):
    """Source of the current instant (aware, UTC)."""

    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class ErasureReceipt:
    """What an erasure did."""

    customer_id: str
    events_blanked: int
    contact_points_suppressed: int
    erasure_event_id: str
    contacts_deleted: int = 0
    decisions_deleted: int = 0
    learning_events_deleted: int = 0


class ConsentLedger(Protocol):
    """Append-only store of consent events with its hash chain."""

    def append(
        self, events: Sequence[NewConsentEvent], recorded_at: datetime
    ) -> list[AppendResult]:
        """Store the events in one transaction, chained; replayed keys return the original."""
        ...

    def events_of(self, customer_id: str, until: datetime | None = None) -> list[ConsentEvent]:
        """Events of one customer that occurred at or before ``until`` (all when None)."""
        ...

    def iter_events(self) -> Iterator[ConsentEvent | UnreadableEvent]:
        """Every event in recording (seq) order."""
        ...

    def chain_head(self) -> ChainHead:
        """The recorded end of the chain."""
        ...


class CustomerStore(Protocol):
    """Customers and the workspace's attribute schema."""

    def upsert_customers(
        self,
        customers: Sequence[Customer],
        new_types: Mapping[str, AttributeType] | None = None,
    ) -> UpsertCounts:
        """Create or replace customers by id and record ``new_types`` (attribute names first
        seen in them; known names keep their type), all in one transaction or none of it."""
        ...

    def get_customer(self, customer_id: str) -> Customer | None: ...

    def list_customers(self, limit: int, after: str | None = None) -> list[Customer]:
        """Customers in id order, starting after ``after``."""
        ...

    def count_customers(self) -> int: ...

    def attribute_types(self) -> dict[str, AttributeType]: ...

    def register_attribute_types(self, types: Mapping[str, AttributeType]) -> None:
        """Record new attribute names; known names keep their type."""
        ...


class SuppressionList(Protocol):
    """Salted digests of contact points that must never be contacted."""

    def suppressed(self, digests: Iterable[str]) -> set[str]:
        """The subset of ``digests`` that is suppressed."""
        ...

    def suppression_size(self) -> int:
        """How many digests are suppressed (0 lets bulk work skip the lookups)."""
        ...


class Eraser(Protocol):
    """Erasure on request, atomic across customers, ledger and suppression list."""

    def erase_customer(
        self,
        customer_id: str,
        digests: Sequence[str],
        erasure: NewConsentEvent,
        recorded_at: datetime,
    ) -> ErasureReceipt:
        """Delete the customer, their contact history, decisions, the outcome events of
        those decisions, their learning events and their lifetime value, blank personal
        fields of their events, suppress the digests and append ``erasure`` to the ledger,
        all in one transaction."""
        ...


class KeyStore(Protocol):
    """API keys, stored hashed."""

    def add_key(self, key: ApiKeyRecord) -> None: ...

    def find_key(self, key_id: str) -> ApiKeyRecord | None: ...

    def list_keys(self) -> list[ApiKeyRecord]: ...

    def revoke_key(self, key_id: str, at: datetime) -> bool: ...


class SecretStore(Protocol):
    """Workspace secrets (signing keys, salts), created once and shared by every process."""

    def secret(self, name: str, factory: Callable[[], bytes]) -> bytes:
        """The secret called ``name``, created with ``factory`` the first time."""
        ...


class ContactHistory(Protocol):
    """Every contact made or reserved, with the atomic check-and-reserve of a slot.

    Writes to one customer's contacts are serialised (SQLite: the write lock;
    PostgreSQL: a transaction-scoped advisory lock per customer; memory: a lock).
    """

    def contacts_of(self, customer_id: str, since: datetime, now: datetime) -> list[Contact]:
        """Contacts counting at ``now`` (sent, or reserved and unexpired) that occurred at or
        after ``since`` or got an outcome at or after it; by ``occurred_at``, then id."""
        ...

    def reserve(
        self, draft: Contact, since: datetime, now: datetime, judge: Judge
    ) -> tuple[Verdict, Contact | None]:
        """Atomically: lock the customer, call ``judge(contacts_of(customer, since, now))``
        and, when allowed, store ``draft`` as reserved (its ``expires_at`` set by the caller)
        and return it. No two reservations of one customer judge the same history. An id
        already stored is a ConflictError."""
        ...

    def record_contacts(self, contacts: Sequence[Contact]) -> int:
        """Store contacts already made (sent), all or none; a stored id is skipped when it
        states the same contact and refused (ConflictError) otherwise. Returns how many
        were new."""
        ...

    def find_contact(self, contact_id: str) -> Contact | None: ...

    def contact_history(
        self, customer_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Contact]:
        """Every contact of the customer, whatever its status, with ``since <= occurred_at
        < until``; by ``occurred_at``, then id."""
        ...

    def confirm(self, contact_id: str, at: datetime) -> Contact:
        """Reserved becomes sent (a sent one is returned as is); an expired or released
        reservation is a ConflictError; an unknown id a NotFoundError."""
        ...

    def release(self, contact_id: str, at: datetime) -> Contact:
        """Reserved becomes released (a released one is returned as is); sent is a conflict."""
        ...

    def record_outcome(self, contact_id: str, outcome: Outcome, at: datetime) -> Contact:
        """Record what came of a sent contact; the latest report by ``at`` is kept."""
        ...

    def release_expired(self, now: datetime) -> int:
        """Mark reservations whose expiry has come as released; returns how many."""
        ...


class Store(
    ConsentLedger,
    CustomerStore,
    SuppressionList,
    Eraser,
    KeyStore,
    SecretStore,
    ContactHistory,
    CatalogStore,
    DecisionStore,
    OutcomeStore,
    ResponseCounts,
    VolumeCounters,
    LearningLog,
    ModelSnapshots,
    CustomerValues,
    Protocol,
):
    """Everything the engine keeps, behind one object per workspace."""

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RegistryMarks:
    """Columnar answer of one registry snapshot for many numbers, in the order asked.

    ``listed_since`` holds days since 1970-01-01 (0 = not listed or day not given).
    """

    registry_id: str
    version: RegistryVersion | None
    listed: NDArray[np.bool_]
    listed_since: NDArray[np.uint16]


class DncRegistries(Protocol):
    """Do-not-call registries: imported snapshots and what they say about numbers.

    A lookup at ``at`` answers from the newest version whose snapshot date is on or
    before ``at``'s UTC date; ``version`` is None in the finding when there is none.
    Numbers are E.164 text; anything else raises ValidationError.
    """

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> RegistryFinding: ...

    def find_many(
        self, registry_id: str, numbers: Sequence[str], channel: Channel | None, at: datetime
    ) -> list[RegistryFinding]: ...

    def mark(
        self, registry_id: str, numbers: Sequence[str], channel: Channel | None, at: datetime
    ) -> RegistryMarks: ...

    def versions(self, registry_id: str | None = None) -> list[RegistryVersion]: ...

    def import_version(
        self,
        registry_id: str,
        source: Path,
        *,
        fmt: str,
        snapshot_date: date,
        imported_at: datetime,
        changes: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> RegistryVersion:
        """Read ``source`` (whole, checked) and publish it as the registry's next version;
        a change list applies to the newest version. Nothing is visible until complete."""
        ...
