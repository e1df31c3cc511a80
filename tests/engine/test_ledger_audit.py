"""Verifying the ledger while appends go on, and against anchors kept elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.chain_check import Anchor, UnreadableEvent
from cortesia.domain.consent import ConsentEvent
from cortesia.engine.hub import Engine


class AppendingDuringWalk(MemoryStore):
    """A store where another writer appends while the chain is being read."""

    def __init__(self) -> None:
        super().__init__()
        self.engine: Engine | None = None

    def iter_events(self) -> Iterator[ConsentEvent | UnreadableEvent]:
        assert self.engine is not None
        self.engine.consent.record(_event("late"))
        return super().iter_events()


def _event(key: str) -> dict[str, object]:
    return {
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "kind": "opt_in",
        "source": "web",
        "idempotency_key": key,
    }


def test_events_appended_during_a_verification_are_not_taken_for_forgeries(
    clock: FrozenClock,
) -> None:
    store = AppendingDuringWalk()
    engine = Engine(store, clock)
    store.engine = engine
    engine.consent.record(_event("early"))
    report = engine.verify_ledger()
    assert report.intact
    assert report.events_checked == 2


def test_a_head_read_now_anchors_a_later_verification(memory_engine: Engine) -> None:
    memory_engine.consent.record(_event("one"))
    head = memory_engine.ledger_head()
    memory_engine.consent.record(_event("two"))
    anchor = Anchor(head.last_seq, head.last_hash)
    assert memory_engine.verify_ledger([anchor]).intact
    assert not memory_engine.verify_ledger([Anchor(5, head.last_hash)]).intact
