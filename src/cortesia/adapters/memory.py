"""In-memory adapters: a whole workspace in one process, for tests and embedding.

Public on purpose: users' own tests can build an engine on ``MemoryStore`` and
``FrozenClock`` and get the same semantics as the SQL store.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from cortesia.adapters.memory_contacts import MemoryContacts
from cortesia.adapters.memory_decisions import MemoryCounters, MemoryDecisions
from cortesia.adapters.memory_learning import MemoryLearning
from cortesia.adapters.memory_snapshots import MemorySnapshots
from cortesia.domain.access import ApiKeyRecord
from cortesia.domain.chain_check import UnreadableEvent
from cortesia.domain.consent import AppendResult, ConsentEvent, NewConsentEvent, check_replay
from cortesia.domain.contacts import Contact, Judge, Outcome
from cortesia.domain.customers import AttributeType, Customer, UpsertCounts
from cortesia.domain.ledger import GENESIS_HASH, ChainHead, blank_personal, seal
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import (
    CatalogVersion,
    DecisionRecord,
    LearningEvent,
    ModelSnapshot,
    OutcomeEvent,
    ResponseCount,
    VolumeClaim,
)
from cortesia.engine.ports import ErasureReceipt
from cortesia.engine.value_ports import CustomerValue
from cortesia.errors import NotFoundError


class FrozenClock:
    """A clock that stands still until moved; for tests and simulations."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class MemoryStore:
    """Every port of the engine, kept in dictionaries behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._events: list[ConsentEvent] = []
        self._positions: dict[str, list[int]] = {}  # customer -> indexes into _events
        self._by_key: dict[tuple[str, str], ConsentEvent] = {}
        self._customers: dict[str, Customer] = {}
        self._types: dict[str, AttributeType] = {}
        self._suppressed: set[str] = set()
        self._keys: dict[str, ApiKeyRecord] = {}
        self._secrets: dict[str, bytes] = {}
        self._contacts = MemoryContacts()
        self._decisions = MemoryDecisions()
        self._counters = MemoryCounters()
        self._learning = MemoryLearning()
        self._snapshots = MemorySnapshots()
        self._values: dict[str, CustomerValue] = {}

    # -- ledger -------------------------------------------------------------
    def append(
        self, events: Sequence[NewConsentEvent], recorded_at: datetime
    ) -> list[AppendResult]:
        with self._lock:
            # Refuse conflicting replays before anything is written: all or nothing.
            pending: dict[tuple[str, str], NewConsentEvent] = {}
            for draft in events:
                key = (draft.customer_id, draft.idempotency_key)
                earlier = self._by_key.get(key) or pending.get(key)
                if earlier is None:
                    pending[key] = draft
                else:
                    check_replay(earlier, draft)
            return [self._append_one(draft, recorded_at) for draft in events]

    def _append_one(self, draft: NewConsentEvent, recorded_at: datetime) -> AppendResult:
        known = self._by_key.get((draft.customer_id, draft.idempotency_key))
        if known is not None:
            return AppendResult(known, created=False)
        head = self.chain_head()
        event = seal(
            draft,
            seq=head.last_seq + 1,
            event_id=str(uuid.uuid4()),
            recorded_at=recorded_at,
            prev_hash=head.last_hash,
        )
        self._positions.setdefault(event.customer_id, []).append(len(self._events))
        self._events.append(event)
        self._by_key[(event.customer_id, event.idempotency_key)] = event
        return AppendResult(event, created=True)

    def events_of(self, customer_id: str, until: datetime | None = None) -> list[ConsentEvent]:
        with self._lock:
            mine = (self._events[i] for i in self._positions.get(customer_id, ()))
            return [e for e in mine if until is None or e.occurred_at <= until]

    def iter_events(self) -> Iterator[ConsentEvent | UnreadableEvent]:
        with self._lock:
            snapshot = list(self._events)
        return iter(snapshot)

    def chain_head(self) -> ChainHead:
        with self._lock:
            if not self._events:
                return ChainHead(0, 0, GENESIS_HASH)
            last = self._events[-1]
            return ChainHead(len(self._events), last.seq, last.hash)

    # -- customers ----------------------------------------------------------
    def upsert_customers(
        self,
        customers: Sequence[Customer],
        new_types: Mapping[str, AttributeType] | None = None,
    ) -> UpsertCounts:
        with self._lock:
            self.register_attribute_types(new_types or {})
            created = sum(1 for c in {c.customer_id for c in customers} if c not in self._customers)
            for customer in customers:
                self._customers[customer.customer_id] = customer
            return UpsertCounts(created=created, updated=len(customers) - created)

    def get_customer(self, customer_id: str) -> Customer | None:
        with self._lock:
            return self._customers.get(customer_id)

    def list_customers(self, limit: int, after: str | None = None) -> list[Customer]:
        with self._lock:
            ids = sorted(i for i in self._customers if after is None or i > after)
            return [self._customers[i] for i in ids[:limit]]

    def count_customers(self) -> int:
        with self._lock:
            return len(self._customers)

    def attribute_types(self) -> dict[str, AttributeType]:
        with self._lock:
            return dict(self._types)

    def register_attribute_types(self, types: Mapping[str, AttributeType]) -> None:
        with self._lock:
            for name, kind in types.items():
                self._types.setdefault(name, kind)

    # -- suppression and erasure -------------------------------------------
    def suppressed(self, digests: Iterable[str]) -> set[str]:
        with self._lock:
            return {d for d in digests if d in self._suppressed}

    def suppression_size(self) -> int:
        with self._lock:
            return len(self._suppressed)

    def erase_customer(
        self,
        customer_id: str,
        digests: Sequence[str],
        erasure: NewConsentEvent,
        recorded_at: datetime,
    ) -> ErasureReceipt:
        with self._lock:
            if customer_id not in self._customers:
                raise NotFoundError("customer", customer_id)
            del self._customers[customer_id]
            blanked = 0
            for index in self._positions.get(customer_id, ()):
                event = self._events[index]
                if not event.erased:
                    self._events[index] = blank_personal(event)
                    self._by_key[(event.customer_id, event.idempotency_key)] = self._events[index]
                    blanked += 1
            self._suppressed.update(digests)
            forgotten = self._contacts.forget_customer(customer_id)
            decisions = self._decisions.forget_customer(customer_id)
            learned = self._learning.forget_customer(customer_id)
            self._values.pop(customer_id, None)
            result = self._append_one(erasure, recorded_at)
            return ErasureReceipt(
                customer_id,
                blanked,
                len(set(digests)),
                result.event.event_id,
                forgotten,
                decisions,
                learned,
            )

    # -- keys and secrets ---------------------------------------------------
    def add_key(self, key: ApiKeyRecord) -> None:
        with self._lock:
            self._keys[key.key_id] = key

    def find_key(self, key_id: str) -> ApiKeyRecord | None:
        with self._lock:
            return self._keys.get(key_id)

    def list_keys(self) -> list[ApiKeyRecord]:
        with self._lock:
            return sorted(self._keys.values(), key=lambda k: k.created_at)

    def revoke_key(self, key_id: str, at: datetime) -> bool:
        with self._lock:
            key = self._keys.get(key_id)
            if key is None or key.revoked_at is not None:
                return False
            self._keys[key_id] = replace(key, revoked_at=at)
            return True

    def secret(self, name: str, factory: Callable[[], bytes]) -> bytes:
        with self._lock:
            return self._secrets.setdefault(name, factory())

    # -- contact history (memory_contacts.py) ------------------------------
    def contacts_of(self, customer_id: str, since: datetime, now: datetime) -> list[Contact]:
        return self._contacts.contacts_of(customer_id, since, now)

    def reserve(
        self, draft: Contact, since: datetime, now: datetime, judge: Judge
    ) -> tuple[Verdict, Contact | None]:
        return self._contacts.reserve(draft, since, now, judge)

    def record_contacts(self, contacts: Sequence[Contact]) -> int:
        return self._contacts.record_contacts(contacts)

    def find_contact(self, contact_id: str) -> Contact | None:
        return self._contacts.find_contact(contact_id)

    def contact_history(
        self, customer_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Contact]:
        return self._contacts.contact_history(customer_id, since, until)

    def confirm(self, contact_id: str, at: datetime) -> Contact:
        return self._contacts.confirm(contact_id, at)

    def release(self, contact_id: str, at: datetime) -> Contact:
        return self._contacts.release(contact_id, at)

    def record_outcome(self, contact_id: str, outcome: Outcome, at: datetime) -> Contact:
        return self._contacts.record_outcome(contact_id, outcome, at)

    def release_expired(self, now: datetime) -> int:
        return self._contacts.release_expired(now)

    # -- catalog, decisions, outcomes, counters (memory_decisions.py) -------
    def save_catalog(
        self, document: Mapping[str, object], digest: str, source: str, at: datetime
    ) -> CatalogVersion:
        return self._decisions.save_catalog(document, digest, source, at)

    def catalog_version(self, version: int | None = None) -> CatalogVersion | None:
        return self._decisions.catalog_version(version)

    def latest_catalog_number(self) -> int | None:
        return self._decisions.latest_catalog_number()

    def catalog_versions(self) -> list[CatalogVersion]:
        return self._decisions.catalog_versions()

    def record_decision(self, record: DecisionRecord) -> None:
        self._decisions.record_decision(record)

    def record_decisions(self, records: Sequence[DecisionRecord]) -> list[str]:
        return self._decisions.record_decisions(records)

    def find_decision(self, decision_id: str) -> DecisionRecord | None:
        return self._decisions.find_decision(decision_id)

    def decisions_of(self, customer_id: str, limit: int = 50) -> list[DecisionRecord]:
        return self._decisions.decisions_of(customer_id, limit)

    def decisions_between(self, start: datetime, end: datetime) -> Iterator[DecisionRecord]:
        return self._decisions.decisions_between(start, end)

    def record_outcome_event(self, event: OutcomeEvent) -> tuple[OutcomeEvent, bool]:
        return self._decisions.record_outcome_event(event)

    def outcomes_of_decision(self, decision_id: str) -> list[OutcomeEvent]:
        return self._decisions.outcomes_of_decision(decision_id)

    def outcomes_between(self, start: datetime, end: datetime) -> list[OutcomeEvent]:
        return self._decisions.outcomes_between(start, end)

    def add_responses(self, deltas: Sequence[tuple[str, Channel, str, ResponseCount]]) -> None:
        self._counters.add_responses(deltas)

    def response_counts(self) -> dict[tuple[str, Channel, str], ResponseCount]:
        return self._counters.response_counts()

    def take_volume(self, claims: Sequence[VolumeClaim]) -> bool:
        return self._counters.take_volume(claims)

    def give_back_volume(self, claims: Sequence[VolumeClaim]) -> None:
        self._counters.give_back_volume(claims)

    def volume_used(self, day: date, keys: Sequence[str]) -> dict[str, tuple[int, float]]:
        return self._counters.volume_used(day, keys)

    # -- learning log (memory_learning.py) -------------------------------------
    def append_learning(self, events: Sequence[LearningEvent]) -> None:
        self._learning.append_learning(events)

    def learning_since(self, after: int, limit: int = 10_000) -> list[tuple[int, LearningEvent]]:
        return self._learning.learning_since(after, limit)

    # -- model snapshots (memory_snapshots.py) -----------------------------------
    def save_model_snapshot(self, snapshot: ModelSnapshot) -> bool:
        return self._snapshots.save_model_snapshot(snapshot)

    def latest_model_snapshot(self, name: str) -> ModelSnapshot | None:
        return self._snapshots.latest_model_snapshot(name)

    # -- customer values --------------------------------------------------------
    def save_customer_values(self, values: Sequence[CustomerValue]) -> int:
        with self._lock:
            self._values.update({v.customer_id: v for v in values})
        return len(values)

    def customer_value(self, customer_id: str) -> CustomerValue | None:
        with self._lock:
            return self._values.get(customer_id)

    def count_customer_values(self) -> int:
        with self._lock:
            return len(self._values)

    def close(self) -> None:
        """Nothing to release."""
