"""The hash chain catches every alteration, insertion and removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.chain_check import Anchor, verify_chain
from cortesia.domain.consent import ConsentEvent
from cortesia.domain.ledger import GENESIS_HASH, ChainHead, blank_personal, rehash
from cortesia.domain.vocabulary import ConsentKind
from cortesia.engine.hub import Engine
from cortesia.errors import ValidationError

T0 = datetime(2026, 2, 1, tzinfo=UTC)


def ledger(n: int = 6) -> tuple[list[ConsentEvent], ChainHead]:
    engine = Engine(MemoryStore(), FrozenClock(T0))
    rows = [
        {
            "customer_id": f"C{i % 3}",
            "channel": "sms",
            "purpose": "marketing",
            "kind": "opt_in" if i % 2 else "opt_out",
            "source": "web",
            "occurred_at": (T0 - timedelta(hours=n - i)).isoformat(),
            "evidence": {"ip": f"10.0.0.{i}"},
        }
        for i in range(n)
    ]
    engine.consent.record_batch(rows)
    return list(engine.store.iter_events()), engine.store.chain_head()


def problems(events: list[ConsentEvent], head: ChainHead) -> list[tuple[int, str]]:
    return [(p.seq, p.problem) for p in verify_chain(events, head)]


def test_an_untouched_ledger_verifies() -> None:
    events, head = ledger()
    assert problems(events, head) == []


def test_an_empty_ledger_verifies() -> None:
    assert problems([], ChainHead(0, 0, GENESIS_HASH)) == []


def test_an_altered_kind_is_reported_as_altered() -> None:
    events, head = ledger()
    events[2] = events[2]._replace(kind=ConsentKind.OPT_IN)
    assert problems(events, head) == [(3, "altered")]


def test_altered_evidence_is_reported_as_altered() -> None:
    events, head = ledger()
    events[1] = events[1]._replace(evidence={"ip": "192.0.2.1"})
    assert problems(events, head) == [(2, "altered")]


def test_a_removed_middle_event_is_reported() -> None:
    events, head = ledger()
    del events[3]
    assert problems(events, head) == [(4, "removed")]


def test_a_removed_last_event_is_caught_by_the_head() -> None:
    events, head = ledger()
    events.pop()
    assert [p for _, p in problems(events, head)] == ["removed"]


def test_an_event_forged_into_the_place_of_a_removed_one_is_reported_as_inserted() -> None:
    events, head = ledger()
    forged = events[2]._replace(event_id="forged", kind=ConsentKind.OPT_IN)
    forged = forged._replace(hash=rehash(forged))
    tampered = [*events[:2], forged, *events[3:]]
    assert [(p.event_id, p.problem) for p in verify_chain(tampered, head)] == [
        ("forged", "inserted")
    ]


def test_a_rewritten_link_is_reported_as_altered() -> None:
    events, head = ledger()
    events[4] = events[4]._replace(prev_hash=events[2].hash)
    assert problems(events, head) == [(5, "altered")]


def test_an_event_appended_by_hand_is_reported_as_inserted() -> None:
    events, head = ledger()
    forged = events[-1]._replace(seq=events[-1].seq + 1, event_id="tail", prev_hash=events[-1].hash)
    forged = forged._replace(hash=rehash(forged))
    found = verify_chain([*events, forged], head)
    assert [(p.event_id, p.problem) for p in found] == [("tail", "inserted")]


def test_blanked_personal_fields_still_verify_after_an_erasure() -> None:
    events, head = ledger()
    engine = Engine(MemoryStore(), FrozenClock(T0))
    erasure_like = [blank_personal(e) if e.customer_id == "C1" else e for e in events]
    # Blanked without an erasure event: each such event is suspicious.
    assert problems(erasure_like, head) == [(2, "altered"), (5, "altered")]
    del engine


def test_blanked_personal_fields_verify_when_the_erasure_is_recorded() -> None:
    engine = Engine(MemoryStore(), FrozenClock(T0))
    from cortesia.domain.customers import Customer

    engine.store.upsert_customers([Customer("C1", "ES", "Europe/Madrid", phones=("+34600000001",))])
    engine.consent.record(
        {
            "customer_id": "C1",
            "channel": "sms",
            "purpose": "marketing",
            "kind": "opt_in",
            "source": "web",
            "evidence": {"ip": "10.1.1.1"},
        }
    )
    engine.erase("C1")
    events = list(engine.store.iter_events())
    assert events[0].erased and events[0].evidence == {}
    assert problems(events, engine.store.chain_head()) == []


def test_a_removed_tail_with_a_rewritten_head_is_caught_only_by_an_anchor() -> None:
    events, head = ledger()
    anchor = Anchor(head.last_seq, head.last_hash)
    events.pop()
    rewritten = ChainHead(head.count - 1, events[-1].seq, events[-1].hash)
    assert problems(events, rewritten) == []  # the limit of a chain kept in one place
    assert problems_anchored(events, rewritten, anchor) == [(6, "removed")]


def test_an_anchor_that_no_longer_matches_is_reported_as_altered() -> None:
    events, head = ledger()
    wrong = Anchor(3, "f" * 64)
    assert problems_anchored(events, head, wrong) == [(3, "altered")]
    assert problems_anchored(events, head, Anchor(3, events[2].hash)) == []


def test_an_anchor_must_read_seq_colon_hash() -> None:
    with pytest.raises(ValidationError):
        Anchor.parse("12-abc")


def problems_anchored(
    events: list[ConsentEvent], head: ChainHead, anchor: Anchor
) -> list[tuple[int, str]]:
    return [(p.seq, p.problem) for p in verify_chain(events, head, [anchor])]
