"""One contract for the learning log on every store: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.integration.ledger_drafts import T0, draft

from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import Channel, ConsentKind
from cortesia.engine.decision_ports import LearningEvent
from cortesia.engine.ports import Store
from cortesia.errors import ValidationError

FEATURES = {"tenure": 12, "arpu": 31.5, "plan": "max ñ", "roaming": True, "segment": None}


def _event(decision_id: str, customer: str = "C1", minutes: int = 0, **kw: object) -> LearningEvent:
    fields: dict[str, object] = {
        "decision_id": decision_id,
        "customer_id": customer,
        "action_id": "data_pack_5gb",
        "channel": Channel.SMS,
        "direction": "outbound",
        "purpose": "marketing",
        "occurred_at": T0 + timedelta(minutes=minutes),
        "accepted": True,
        "opted_out": False,
        "features": FEATURES,
    }
    fields.update(kw)
    return LearningEvent(**fields)  # type: ignore[arg-type]


def test_an_empty_log_reads_nothing(store: Store) -> None:
    assert store.learning_since(0) == []
    store.append_learning([])
    assert store.learning_since(0) == []


def test_events_read_back_whole_in_append_order_numbered_upwards(store: Store) -> None:
    first = [_event("D1"), _event("D2", minutes=1, accepted=False, opted_out=True)]
    second = [_event("D3", "C2", channel=Channel.EMAIL, direction="inbound", features={})]
    store.append_learning(first)
    store.append_learning(second)
    read = store.learning_since(0)
    assert [event for _, event in read] == [*first, *second]
    numbers = [seq for seq, _ in read]
    assert numbers == sorted(set(numbers)) and numbers[0] >= 1


def test_features_round_trip_as_json_scalars(store: Store) -> None:
    store.append_learning([_event("D1")])
    (_, event), *_ = store.learning_since(0)
    assert event.features == FEATURES
    assert isinstance(event.features["tenure"], int)
    assert isinstance(event.features["arpu"], float)
    assert event.channel is Channel.SMS and event.occurred_at == T0


def test_a_caller_changing_its_features_afterwards_changes_nothing_stored(store: Store) -> None:
    features: dict[str, object] = {"tenure": 1}
    store.append_learning([_event("D1", features=features)])
    features["tenure"] = 99
    assert store.learning_since(0)[0][1].features == {"tenure": 1}


def test_reading_after_a_number_returns_only_the_later_events(store: Store) -> None:
    store.append_learning([_event(f"D{i}") for i in range(5)])
    numbers = [seq for seq, _ in store.learning_since(0)]
    later = store.learning_since(numbers[1])
    assert [seq for seq, _ in later] == numbers[2:]
    assert [e.decision_id for _, e in later] == ["D2", "D3", "D4"]
    assert store.learning_since(numbers[-1]) == []


def test_a_limit_caps_each_read_and_paging_by_the_last_number_reads_everything(
    store: Store,
) -> None:
    store.append_learning([_event(f"D{i}") for i in range(7)])
    assert len(store.learning_since(0, limit=3)) == 3
    assert store.learning_since(0, limit=0) == []
    seen: list[str] = []
    after = 0
    while page := store.learning_since(after, limit=3):
        seen.extend(e.decision_id for _, e in page)
        after = page[-1][0]
    assert seen == [f"D{i}" for i in range(7)]


def test_features_that_are_not_json_refuse_the_whole_batch(store: Store) -> None:
    bad = _event("D2", features={"when": object()})
    with pytest.raises(ValidationError, match="features"):
        store.append_learning([_event("D1"), bad])
    assert store.learning_since(0) == []


def test_erasure_deletes_the_persons_learning_events_only(store: Store) -> None:
    store.upsert_customers(
        [Customer("C1", "ES", "Europe/Madrid"), Customer("C2", "ES", "Europe/Madrid")]
    )
    store.append_learning([_event("D1"), _event("D2", "C2"), _event("D3")])
    erasure = draft("erase-C1", kind=ConsentKind.ERASURE, channel=Channel.ALL, purpose="all")
    receipt = store.erase_customer("C1", [], erasure, T0 + timedelta(hours=1))
    assert receipt.learning_events_deleted == 2
    assert [e.decision_id for _, e in store.learning_since(0)] == ["D2"]


def test_numbers_are_never_reused_after_the_newest_events_were_erased(store: Store) -> None:
    store.upsert_customers([Customer("C1", "ES", "Europe/Madrid")])
    store.append_learning([_event("D1", "C2"), _event("D2")])
    newest = store.learning_since(0)[-1][0]
    erasure = draft("erase-C1", kind=ConsentKind.ERASURE, channel=Channel.ALL, purpose="all")
    store.erase_customer("C1", [], erasure, T0)
    store.append_learning([_event("D3", "C2")])
    (seq, event), *_ = store.learning_since(newest)
    assert seq > newest and event == _event("D3", "C2")
