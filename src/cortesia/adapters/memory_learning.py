"""The learning log in memory, behind a lock.

Features are kept as compact JSON text, as the SQL store keeps them, so a caller never
shares a mutable mapping with the store and both adapters answer alike. Numbers are
never reused, even after an erasure deleted the newest events.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace

import orjson

from cortesia.engine.decision_ports import LearningEvent
from cortesia.errors import ValidationError


def dump_features(features: Mapping[str, object]) -> str:
    """Compact JSON text of ``features``; ValidationError when they are not JSON-able.

    >>> dump_features({"tenure": 12, "plan": "max", "roaming": True})
    '{"tenure":12,"plan":"max","roaming":true}'
    """
    try:
        return orjson.dumps(dict(features)).decode()
    except TypeError as error:
        reason = f"must be JSON-able ({error})"
        raise ValidationError("features", str(features)[:80], reason) from None


class MemoryLearning:
    """The ``LearningLog`` port: events numbered from 1, in append order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seqs: list[int] = []  # ascending, parallel to _events
        self._events: list[tuple[LearningEvent, str]] = []  # features blanked, and their text
        self._last = 0

    def append_learning(self, events: Sequence[LearningEvent]) -> None:
        # Encoded before the lock: a bad event refuses the whole batch, nothing written.
        rows = [(replace(e, features={}), dump_features(e.features)) for e in events]
        with self._lock:
            for row in rows:
                self._last += 1
                self._seqs.append(self._last)
                self._events.append(row)

    def learning_since(self, after: int, limit: int = 10_000) -> list[tuple[int, LearningEvent]]:
        with self._lock:
            start = bisect.bisect_right(self._seqs, after)
            stop = start + max(limit, 0)
            found = list(zip(self._seqs[start:stop], self._events[start:stop], strict=True))
        return [(seq, replace(event, features=orjson.loads(text))) for seq, (event, text) in found]

    def forget_customer(self, customer_id: str) -> int:
        """Delete a customer's learning events (erasure); how many were deleted."""
        with self._lock:
            kept = [
                (seq, row)
                for seq, row in zip(self._seqs, self._events, strict=True)
                if row[0].customer_id != customer_id
            ]
            deleted = len(self._seqs) - len(kept)
            self._seqs = [seq for seq, _ in kept]
            self._events = [row for _, row in kept]
            return deleted
