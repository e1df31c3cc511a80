"""Use cases of the consent ledger: record events, read state, prove consent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cortesia.domain.consent import (
    AppendResult,
    ConsentEntry,
    ConsentEvent,
    NewConsentEvent,
    consent_state,
    deciding_events,
    status_of,
)
from cortesia.domain.preferences import preferences_at
from cortesia.domain.vocabulary import Channel
from cortesia.engine.collector import collector_paused
from cortesia.engine.consent_input import parse_consent_batch, parse_consent_event
from cortesia.engine.ports import Clock, Store


@dataclass(frozen=True, slots=True)
class ConsentSnapshot:
    """A customer's consent and preferences as of one instant."""

    customer_id: str
    at: datetime
    entries: list[ConsentEntry]
    preferences: dict[Channel, dict[str, object]]


@dataclass(frozen=True, slots=True)
class ConsentProof:
    """The events behind a customer's current state, and the full history."""

    customer_id: str
    at: datetime
    snapshot: ConsentSnapshot
    deciding: list[ConsentEvent]
    history: list[ConsentEvent]


class ConsentService:
    """Record consent events and answer what they mean."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def record(self, data: Mapping[str, object]) -> AppendResult:
        """Validate and append one raw event; a replayed key returns the original."""
        draft = parse_consent_event(data, now=self._clock.now())
        return self._store.append([draft], self._clock.now())[0]

    def record_batch(self, rows: Sequence[Mapping[str, object]]) -> list[AppendResult]:
        """Validate a whole batch first; append all of it in one transaction or nothing.
        The cyclic collector waits meanwhile: a batch makes thousands of objects and no
        cycles (``collector``). The drafts are let go before it resumes, so its first
        collection does not scan them."""
        with collector_paused():
            return self.append(parse_consent_batch(rows, now=self._clock.now()))

    def append(self, drafts: Sequence[NewConsentEvent]) -> list[AppendResult]:
        """Append drafts that are already validated."""
        if not drafts:
            return []
        return self._store.append(drafts, self._clock.now())

    def state(self, customer_id: str, at: datetime | None = None) -> ConsentSnapshot:
        """Consent of every channel × purpose with an event, as of ``at`` (now by default)."""
        moment = at or self._clock.now()
        events = self._store.events_of(customer_id, until=moment)
        return ConsentSnapshot(
            customer_id, moment, consent_state(events, moment), preferences_at(events, moment)
        )

    def status(
        self, customer_id: str, channel: Channel, purpose: str, at: datetime | None = None
    ) -> ConsentEntry:
        """Consent of one channel × purpose; ``unknown`` when nothing speaks for it."""
        moment = at or self._clock.now()
        return status_of(self._store.events_of(customer_id, until=moment), channel, purpose, moment)

    def history(self, customer_id: str) -> list[ConsentEvent]:
        """Every event of a customer, in the order they occurred."""
        events = self._store.events_of(customer_id)
        return sorted(events, key=lambda e: (e.occurred_at, e.seq))

    def proof(self, customer_id: str, at: datetime | None = None) -> ConsentProof:
        """The events behind the state as of ``at``, for an auditor."""
        moment = at or self._clock.now()
        events = self._store.events_of(customer_id, until=moment)
        snapshot = ConsentSnapshot(
            customer_id, moment, consent_state(events, moment), preferences_at(events, moment)
        )
        ordered = sorted(events, key=lambda e: (e.occurred_at, e.seq))
        return ConsentProof(customer_id, moment, snapshot, deciding_events(events, moment), ordered)
