"""Catalog versions, decisions, outcomes and counters in memory, behind locks.

``MemoryStore`` holds one ``MemoryDecisions`` and one ``MemoryCounters`` and hands them
the calls of the catalog, decision, outcome, response-count and volume ports. Documents
and decision bodies are kept as JSON text, as the SQL store keeps them, so a caller
never shares a mutable dictionary with the store and both adapters answer alike.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import orjson

from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import (
    CatalogVersion,
    DecisionRecord,
    OutcomeEvent,
    ResponseCount,
    VolumeClaim,
)
from cortesia.errors import ConflictError

_dumps = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode
_loads = json.JSONDecoder().decode
AMOUNT_SCALE = 1_000_000  # amounts are counted in millionths, so sums are exact


def action_count(document: Mapping[str, object]) -> int:
    """How many actions a catalog document holds.

    >>> action_count({"actions": [{"id": "a"}, {"id": "b"}]})
    2
    >>> action_count({})
    0
    """
    actions = document.get("actions")
    return len(actions) if isinstance(actions, list | tuple) else 0


def same_outcome(stored: OutcomeEvent, event: OutcomeEvent) -> bool:
    """True when ``event`` replays ``stored``: same decision, action and outcome."""
    return (stored.decision_id, stored.action_id, stored.outcome) == (
        event.decision_id,
        event.action_id,
        event.outcome,
    )


def outcome_conflict(event: OutcomeEvent) -> ConflictError:
    return ConflictError("key", event.key, "is recorded for another outcome")


def to_units(amount: float) -> int:
    """An amount in millionths.

    >>> to_units(0.02)
    20000
    """
    return round(amount * AMOUNT_SCALE)


def merged_claims(
    claims: Sequence[VolumeClaim],
) -> dict[tuple[str, date], tuple[int, int, int | None, int | None]]:
    """Claims grouped by (key, day): count, amount units, tightest count and amount limits."""
    merged: dict[tuple[str, date], tuple[int, int, int | None, int | None]] = {}
    for claim in claims:
        limit = None if claim.amount_limit is None else to_units(claim.amount_limit)
        count, units, count_limit, amount_limit = merged.get(
            (claim.key, claim.day), (0, 0, None, None)
        )
        merged[(claim.key, claim.day)] = (
            count + 1,
            units + to_units(claim.amount),
            _tightest(count_limit, claim.count_limit),
            _tightest(amount_limit, limit),
        )
    return merged


def _tightest(first: int | None, second: int | None) -> int | None:
    if first is None:
        return second
    return first if second is None else min(first, second)


def fits(used: int, spent: int, need: tuple[int, int, int | None, int | None]) -> bool:
    """Whether a merged claim fits on a counter at ``(used, spent)``."""
    count, units, count_limit, amount_limit = need
    if count_limit is not None and used + count > count_limit:
        return False
    return amount_limit is None or spent + units <= amount_limit


class MemoryDecisions:
    """Catalog versions, decisions and outcome events behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalogs: list[tuple[CatalogVersion, str]] = []  # index = version - 1
        self._decisions: dict[str, tuple[DecisionRecord, str]] = {}
        self._by_customer: dict[str, list[str]] = {}
        self._outcomes: dict[str, OutcomeEvent] = {}
        self._by_decision: dict[str, list[str]] = {}

    # -- catalog ------------------------------------------------------------
    def save_catalog(
        self, document: Mapping[str, object], digest: str, source: str, at: datetime
    ) -> CatalogVersion:
        text = _dumps(dict(document))
        with self._lock:
            if self._catalogs and self._catalogs[-1][0].digest == digest:
                return self._full(*self._catalogs[-1])
            saved = CatalogVersion(
                len(self._catalogs) + 1, digest, at, source, action_count(document), {}
            )
            self._catalogs.append((saved, text))
            return self._full(saved, text)

    def catalog_version(self, version: int | None = None) -> CatalogVersion | None:
        with self._lock:
            if not self._catalogs:
                return None
            if version is None:
                return self._full(*self._catalogs[-1])
            if not 1 <= version <= len(self._catalogs):
                return None
            return self._full(*self._catalogs[version - 1])

    def latest_catalog_number(self) -> int | None:
        with self._lock:
            return len(self._catalogs) or None

    def catalog_versions(self) -> list[CatalogVersion]:
        with self._lock:
            return [saved for saved, _ in reversed(self._catalogs)]

    @staticmethod
    def _full(saved: CatalogVersion, text: str) -> CatalogVersion:
        return replace(saved, document=_loads(text))

    # -- decisions ----------------------------------------------------------
    def record_decision(self, record: DecisionRecord) -> None:
        if self.record_decisions([record]):
            raise ConflictError("decision_id", record.decision_id, "is already recorded")

    def record_decisions(self, records: Sequence[DecisionRecord]) -> list[str]:
        texts = [orjson.dumps(dict(r.body), default=str).decode() for r in records]
        taken: list[str] = []
        with self._lock:  # one lock for the batch: no reader sees half of it
            for record, text in zip(records, texts, strict=True):
                if record.decision_id in self._decisions:
                    taken.append(record.decision_id)
                    continue
                self._decisions[record.decision_id] = (replace(record, body={}), text)
                self._by_customer.setdefault(record.customer_id, []).append(record.decision_id)
        return taken

    def find_decision(self, decision_id: str) -> DecisionRecord | None:
        with self._lock:
            found = self._decisions.get(decision_id)
        return None if found is None else _with_body(*found)

    def decisions_of(self, customer_id: str, limit: int = 50) -> list[DecisionRecord]:
        with self._lock:
            mine = [self._decisions[i] for i in self._by_customer.get(customer_id, ())]
        mine.sort(key=lambda pair: (pair[0].decided_at, pair[0].decision_id), reverse=True)
        return [_with_body(*pair) for pair in mine[: max(limit, 0)]]

    def decisions_between(self, start: datetime, end: datetime) -> Iterator[DecisionRecord]:
        with self._lock:
            found = [pair for pair in self._decisions.values() if start <= pair[0].decided_at < end]
        found.sort(key=lambda pair: (pair[0].decided_at, pair[0].decision_id))
        return (_with_body(*pair) for pair in found)

    def outcomes_between(self, start: datetime, end: datetime) -> list[OutcomeEvent]:
        with self._lock:
            made = {
                i for i, (record, _) in self._decisions.items() if start <= record.decided_at < end
            }
            return [e for e in self._outcomes.values() if e.decision_id in made]

    # -- outcomes -----------------------------------------------------------
    def record_outcome_event(self, event: OutcomeEvent) -> tuple[OutcomeEvent, bool]:
        with self._lock:
            stored = self._outcomes.get(event.key)
            if stored is not None:
                if not same_outcome(stored, event):
                    raise outcome_conflict(event)
                return stored, False
            self._outcomes[event.key] = event
            self._by_decision.setdefault(event.decision_id, []).append(event.key)
            return event, True

    def outcomes_of_decision(self, decision_id: str) -> list[OutcomeEvent]:
        with self._lock:
            found = [self._outcomes[k] for k in self._by_decision.get(decision_id, ())]
        return sorted(found, key=lambda e: (e.occurred_at, e.key))

    def forget_customer(self, customer_id: str) -> int:
        """Delete a customer's decisions and their outcome events (erasure); how many
        decisions were deleted."""
        with self._lock:
            ids = self._by_customer.pop(customer_id, [])
            for decision_id in ids:
                del self._decisions[decision_id]
                for key in self._by_decision.pop(decision_id, ()):
                    del self._outcomes[key]
            return len(ids)


def _with_body(record: DecisionRecord, text: str) -> DecisionRecord:
    body: Any = _loads(text)
    return replace(record, body=body)


class MemoryCounters:
    """Response counts and daily volume counters behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._responses: dict[tuple[str, Channel, str], ResponseCount] = {}
        self._volume: dict[tuple[str, date], tuple[int, int]] = {}  # used, spent units

    def add_responses(self, deltas: Sequence[tuple[str, Channel, str, ResponseCount]]) -> None:
        with self._lock:
            for action_id, channel, direction, delta in deltas:
                key = (action_id, Channel(channel), direction)
                now = self._responses.get(key, ResponseCount(0, 0, 0))
                self._responses[key] = ResponseCount(
                    now.trials + delta.trials,
                    now.accepts + delta.accepts,
                    now.opt_outs + delta.opt_outs,
                )

    def response_counts(self) -> dict[tuple[str, Channel, str], ResponseCount]:
        with self._lock:
            return dict(self._responses)

    def take_volume(self, claims: Sequence[VolumeClaim]) -> bool:
        merged = merged_claims(claims)
        with self._lock:
            for slot, need in merged.items():
                if not fits(*self._volume.get(slot, (0, 0)), need):
                    return False
            for slot, (count, units, _, _) in merged.items():
                used, spent = self._volume.get(slot, (0, 0))
                self._volume[slot] = (used + count, spent + units)
            return True

    def give_back_volume(self, claims: Sequence[VolumeClaim]) -> None:
        merged = merged_claims(claims)
        with self._lock:
            for slot, (count, units, _, _) in merged.items():
                used, spent = self._volume.get(slot, (0, 0))
                if slot in self._volume:
                    self._volume[slot] = (max(used - count, 0), max(spent - units, 0))

    def volume_used(self, day: date, keys: Sequence[str]) -> dict[str, tuple[int, float]]:
        with self._lock:
            found = {key: self._volume.get((key, day), (0, 0)) for key in keys}
        return {key: (used, spent / AMOUNT_SCALE) for key, (used, spent) in found.items()}
