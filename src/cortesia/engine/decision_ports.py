"""Ports of the decision path: catalog versions, the decision log, outcome reports, the
shared counters (response counts, daily volumes and budgets), the learning log and the
learners' saved state (model snapshots).

Part of ``Store`` (``cortesia.engine.ports``); every port has an in-memory adapter and a
SQL one, both passing the same contract tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cortesia.domain.vocabulary import Channel


@dataclass(frozen=True, slots=True)
class CatalogVersion:
    """One stored version of the action catalog: its normalised document and identity."""

    version: int
    digest: str
    created_at: datetime
    source: str
    action_count: int
    document: Mapping[str, object]  # JSON-able; {} in listings


class CatalogStore(Protocol):
    """Versions of the action catalog, numbered from 1."""

    def save_catalog(
        self, document: Mapping[str, object], digest: str, source: str, at: datetime
    ) -> CatalogVersion:
        """Store ``document`` as version latest + 1; when the latest version has the same
        ``digest`` it is returned unchanged and nothing is written."""
        ...

    def catalog_version(self, version: int | None = None) -> CatalogVersion | None:
        """The version numbered ``version`` (the latest when None); None when absent."""
        ...

    def latest_catalog_number(self) -> int | None:
        """The latest version number (cheap), None when no catalog was saved."""
        ...

    def catalog_versions(self) -> list[CatalogVersion]:
        """Every version, newest first; their documents may be empty."""
        ...


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One stored decision: who, when, where, and the whole explanation in ``body``."""

    decision_id: str
    customer_id: str
    decided_at: datetime
    channel: Channel
    direction: str
    silent: bool
    catalog_version: int
    body: Mapping[str, object]  # JSON-able


class DecisionStore(Protocol):
    """Every decision made, kept to explain it later."""

    def record_decision(self, record: DecisionRecord) -> None:
        """Store one decision; an id already stored is a ConflictError."""
        ...

    def record_decisions(self, records: Sequence[DecisionRecord]) -> list[str]:
        """Store several decisions in one transaction; returns the ids already stored (or
        repeated in ``records``), for which nothing was written."""
        ...

    def find_decision(self, decision_id: str) -> DecisionRecord | None: ...

    def decisions_of(self, customer_id: str, limit: int = 50) -> list[DecisionRecord]:
        """The customer's latest decisions, newest first."""
        ...

    def decisions_between(self, start: datetime, end: datetime) -> Iterator[DecisionRecord]:
        """Decisions made in ``[start, end)`` in order of ``decided_at`` (then id), read
        in pages (a report's scan)."""
        ...


@dataclass(frozen=True, slots=True)
class OutcomeEvent:
    """What came of an action offered by a decision, reported once per ``key``."""

    key: str
    decision_id: str
    action_id: str
    channel: Channel
    outcome: str
    occurred_at: datetime
    recorded_at: datetime
    contact_id: str | None = None


class OutcomeStore(Protocol):
    """Outcome reports of decisions, idempotent by key."""

    def record_outcome_event(self, event: OutcomeEvent) -> tuple[OutcomeEvent, bool]:
        """Store a new key: ``(event, True)``. A known key with the same decision, action
        and outcome: ``(original, False)``; with others: ConflictError."""
        ...

    def outcomes_of_decision(self, decision_id: str) -> list[OutcomeEvent]:
        """Outcomes of one decision by ``occurred_at`` (then key)."""
        ...

    def outcomes_between(self, start: datetime, end: datetime) -> list[OutcomeEvent]:
        """Outcomes (count markers included) of the decisions made in ``[start, end)``."""
        ...


@dataclass(frozen=True, slots=True)
class ResponseCount:
    """Contacts made (trials) and how many were accepted or led to an opt-out."""

    trials: int
    accepts: int
    opt_outs: int


class ResponseCounts(Protocol):
    """Response counters per action × channel × direction (the propensity priors' data)."""

    def add_responses(self, deltas: Sequence[tuple[str, Channel, str, ResponseCount]]) -> None:
        """Add each ``(action_id, channel, direction, delta)`` atomically, all or none;
        concurrent writers lose no increment."""
        ...

    def response_counts(self) -> dict[tuple[str, Channel, str], ResponseCount]: ...


@dataclass(frozen=True, slots=True)
class VolumeClaim:
    """One unit of volume (and its cost) asked of a daily counter."""

    key: str  # e.g. "data_pack_5gb|sms" or "data_pack_5gb|*"
    day: date
    count_limit: int | None  # None: no count limit for this key
    amount: float  # cost to add
    amount_limit: float | None  # None: no budget for this key


class VolumeCounters(Protocol):
    """Daily volume and budget counters, shared by every process."""

    def take_volume(self, claims: Sequence[VolumeClaim]) -> bool:
        """Atomically, all or nothing: when every key has ``used + 1 <= count_limit`` and
        ``spent + amount <= amount_limit``, add one and the amount to each and return True;
        otherwise change nothing and return False."""
        ...

    def give_back_volume(self, claims: Sequence[VolumeClaim]) -> None:
        """Undo one take of these claims (never below zero)."""
        ...

    def volume_used(self, day: date, keys: Sequence[str]) -> dict[str, tuple[int, float]]:
        """``(used, spent)`` of each key on ``day``; keys never taken read ``(0, 0.0)``."""
        ...


@dataclass(frozen=True, slots=True)
class LearningEvent:
    """One answered offer, with the features the decision saw: what the learners learn from."""

    decision_id: str
    customer_id: str
    action_id: str
    channel: Channel
    direction: str
    purpose: str
    occurred_at: datetime
    accepted: bool
    opted_out: bool
    features: Mapping[str, object]  # JSON-able scalars


class LearningLog(Protocol):
    """Answered offers in one numbered sequence, read by the learners from where they stopped.

    Holds personal features: erasing a customer deletes their events.
    """

    def append_learning(self, events: Sequence[LearningEvent]) -> None:
        """Append in one transaction; each gets the next sequence number. Appends from
        several processes are serialised so that numbers are assigned in commit order: a
        reader that saw number n has seen every event numbered below n."""
        ...

    def learning_since(self, after: int, limit: int = 10_000) -> list[tuple[int, LearningEvent]]:
        """Events numbered above ``after``, in order, at most ``limit``."""
        ...


@dataclass(frozen=True, slots=True)
class ModelSnapshot:
    """The learners' state at a position of the learning log, saved so a process starts from it."""

    name: str  # e.g. "adaptive"
    position: int  # the learning-log number the state includes
    saved_at: datetime
    state: bytes  # opaque (a pickle made by the engine)


class ModelSnapshots(Protocol):
    """The learners' saved state, by name; a process resumes from the latest.

    Holds model weights, no personal data: erasing a customer leaves them.
    """

    def save_model_snapshot(self, snapshot: ModelSnapshot) -> bool:
        """Keep it unless a snapshot of that name at the same or a later position exists
        (returns whether it was kept); older snapshots of the name may be pruned, keeping
        the latest 3."""
        ...

    def latest_model_snapshot(self, name: str) -> ModelSnapshot | None:
        """The snapshot of ``name`` at the greatest position; None when none was saved."""
        ...
