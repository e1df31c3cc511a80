"""Model snapshots in memory, behind a lock.

The state is copied in and out as ``bytes``: a caller holding a ``bytearray`` it later
changes never changes what was saved, as with the SQL store.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.errors import ValidationError

# Snapshots kept per name: the latest and two to fall back on should it be unreadable.
KEEP_SNAPSHOTS = 3


def checked_snapshot(snapshot: ModelSnapshot) -> ModelSnapshot:
    """``snapshot`` with its state as immutable ``bytes``; ValidationError when its name
    is empty, its position negative or its state not bytes.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 11, 24, tzinfo=UTC)
    >>> checked_snapshot(ModelSnapshot("adaptive", 7, at, bytearray(b"w"))).state
    b'w'
    """
    if not snapshot.name:
        raise ValidationError("name", snapshot.name, "must not be empty")
    if isinstance(snapshot.position, bool) or not isinstance(snapshot.position, int):
        raise ValidationError("position", str(snapshot.position), "must be an integer")
    if snapshot.position < 0:
        raise ValidationError("position", str(snapshot.position), "must not be negative")
    if not isinstance(snapshot.state, bytes | bytearray | memoryview):
        raise ValidationError("state", type(snapshot.state).__name__, "must be bytes")
    return replace(snapshot, state=bytes(snapshot.state))


class MemorySnapshots:
    """The ``ModelSnapshots`` port: per name, the latest ``KEEP_SNAPSHOTS`` by position."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, list[ModelSnapshot]] = {}  # ascending position

    def save_model_snapshot(self, snapshot: ModelSnapshot) -> bool:
        saved = checked_snapshot(snapshot)
        with self._lock:
            kept = self._kept.setdefault(saved.name, [])
            if kept and kept[-1].position >= saved.position:
                return False
            kept.append(saved)
            del kept[:-KEEP_SNAPSHOTS]
            return True

    def latest_model_snapshot(self, name: str) -> ModelSnapshot | None:
        with self._lock:
            kept = self._kept.get(name)
            return kept[-1] if kept else None
