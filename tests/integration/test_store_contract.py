"""One contract for the Store port: the memory store, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.integration.ledger_drafts import T0, draft, drafts

from cortesia.domain.access import ApiKeyRecord, Scope
from cortesia.domain.chain_check import verify_chain
from cortesia.domain.contacts import Contact, new_contact_id
from cortesia.domain.customers import AttributeType, Customer
from cortesia.domain.ledger import GENESIS_HASH, ChainHead
from cortesia.domain.vocabulary import Channel, ConsentKind
from cortesia.engine.ports import Store
from cortesia.errors import ConflictError, NotFoundError


def _customer(customer_id: str, **changes: object) -> Customer:
    fields: dict[str, object] = {
        "customer_id": customer_id,
        "country": "ES",
        "time_zone": "Europe/Madrid",
        "phones": ("+34600000001",),
        "emails": (f"{customer_id.lower()}@example.com",),
        "attributes": {"segment": "gold", "arpu": 31.5, "vip": True},
    }
    fields.update(changes)
    return Customer(**fields)  # type: ignore[arg-type]


def test_an_empty_ledger_starts_at_the_genesis_hash(store: Store) -> None:
    assert store.chain_head() == ChainHead(0, 0, GENESIS_HASH)
    assert list(store.iter_events()) == []


def test_appended_events_are_numbered_after_the_head_and_chained(store: Store) -> None:
    first = store.append(drafts("a", 3), T0)
    second = store.append(drafts("b", 2), T0 + timedelta(seconds=1))
    assert [r.event.seq for r in first + second] == [1, 2, 3, 4, 5]
    assert all(r.created for r in first + second)
    assert second[0].event.prev_hash == first[-1].event.hash
    head = store.chain_head()
    assert head == ChainHead(5, 5, second[-1].event.hash)
    assert verify_chain(store.iter_events(), head) == []


def test_stored_events_read_back_equal_to_what_append_returned(store: Store) -> None:
    results = store.append([draft("k1", evidence={"text": "form", "url": "https://x.test/f"})], T0)
    assert list(store.iter_events()) == [results[0].event]
    assert store.events_of("C1") == [results[0].event]
    assert results[0].event.recorded_at == T0


def test_a_replayed_key_returns_the_original_and_writes_nothing(store: Store) -> None:
    original = store.append([draft("same")], T0)[0]
    replay = store.append([draft("same", minutes=5)], T0 + timedelta(hours=1))[0]
    assert not replay.created
    assert replay.event == original.event
    assert store.chain_head().count == 1


def test_replays_are_found_among_many_keys_of_customers_with_long_histories(store: Store) -> None:
    # 1,200 keys in one batch: more than one lookup chunk on SQL stores; 5 customers, so
    # each has hundreds of stored events besides the keys asked about.
    stored = store.append(drafts("old", 600, customers=5), T0)
    fresh = drafts("new", 600, customers=5)
    batch = [
        d
        for pair in zip(reversed(drafts("old", 600, customers=5)), fresh, strict=True)
        for d in pair
    ]
    results = store.append(batch, T0 + timedelta(hours=1))
    assert [r.created for r in results] == [False, True] * 600
    assert [r.event for r in results[::2]] == [r.event for r in reversed(stored)]
    assert store.chain_head().count == 1_200


def test_a_stored_key_at_the_end_of_a_batch_leaves_no_gap_in_the_chain(store: Store) -> None:
    # SQL stores first insert without looking keys up; the stored key met at the end
    # undoes that attempt, and the one that looks keys up must chain on from the head.
    stored = store.append([draft("old")], T0)[0]
    batch = [*drafts("new", 500), draft("old", minutes=5)]
    results = store.append(batch, T0 + timedelta(hours=1))
    assert [r.created for r in results] == [True] * 500 + [False]
    assert results[-1].event == stored.event
    assert [r.event.seq for r in results[:-1]] == list(range(2, 502))
    head = store.chain_head()
    assert head == ChainHead(501, 501, results[-2].event.hash)
    assert verify_chain(store.iter_events(), head) == []
    assert [e.idempotency_key for e in store.events_of("C1")].count("old") == 1


def test_a_reused_key_with_another_statement_is_a_conflict_and_writes_nothing(
    store: Store,
) -> None:
    store.append([draft("same")], T0)
    with pytest.raises(ConflictError) as caught:
        store.append([draft("fresh"), draft("same", kind=ConsentKind.OPT_OUT)], T0)
    assert caught.value.problem.value == "same"
    assert store.chain_head().count == 1


def test_a_key_reused_inside_one_batch_for_another_statement_is_a_conflict(store: Store) -> None:
    with pytest.raises(ConflictError):
        store.append([draft("dup"), draft("dup", channel=Channel.SMS)], T0)
    assert store.chain_head().count == 0


def test_idempotency_keys_are_scoped_to_their_customer(store: Store) -> None:
    first = store.append([draft("shared-key", "C1"), draft("shared-key", "C2")], T0)
    assert [r.created for r in first] == [True, True]
    replay = store.append([draft("shared-key", "C2")], T0)[0]
    assert not replay.created
    assert replay.event == first[1].event


def test_event_ids_are_unique(store: Store) -> None:
    results = store.append(drafts("ids", 300), T0)
    assert len({r.event.event_id for r in results}) == 300


def test_a_key_repeated_inside_one_batch_is_stored_once(store: Store) -> None:
    results = store.append([draft("dup"), draft("other"), draft("dup")], T0)
    assert [r.created for r in results] == [True, True, False]
    assert results[2].event == results[0].event
    assert store.chain_head().count == 2


def test_events_of_returns_one_customers_events_in_seq_order_until_an_instant(store: Store) -> None:
    store.append([draft("late", minutes=30), draft("early", minutes=10)], T0)
    store.append([draft("elsewhere", customer="C2", minutes=5)], T0)
    everything = store.events_of("C1")
    assert [e.idempotency_key for e in everything] == ["late", "early"]
    until = store.events_of("C1", until=T0 + timedelta(minutes=10))
    assert [e.idempotency_key for e in until] == ["early"]
    assert store.events_of("C1", until=T0) == []
    assert store.events_of("nobody") == []


def test_upsert_counts_created_and_updated_customers(store: Store) -> None:
    counts = store.upsert_customers([_customer("A"), _customer("B"), _customer("A", country="PT")])
    assert (counts.created, counts.updated) == (2, 1)
    again = store.upsert_customers([_customer("B", language="es"), _customer("C")])
    assert (again.created, again.updated) == (1, 1)
    assert store.count_customers() == 3
    assert store.get_customer("A") == _customer("A", country="PT")
    assert store.get_customer("B") == _customer("B", language="es")
    assert store.get_customer("missing") is None


def test_customers_list_in_id_order_after_a_cursor(store: Store) -> None:
    store.upsert_customers([_customer(i) for i in ("D", "A", "C", "B")])
    assert [c.customer_id for c in store.list_customers(2)] == ["A", "B"]
    assert [c.customer_id for c in store.list_customers(10, after="B")] == ["C", "D"]
    assert store.list_customers(10, after="D") == []


def test_every_customer_field_and_date_attribute_round_trips(store: Store) -> None:
    store.register_attribute_types({"since": AttributeType.DATE, "code": AttributeType.STRING})
    customer = _customer(
        "Z",
        subdivision="US-FL",
        time_zone="America/New_York",
        time_zone_candidates=("America/New_York", "America/Chicago"),
        language="en",
        phones=("+13055550100", "+13055550101"),
        push_ids=("app:1",),
        attributes={"since": date(2024, 2, 29), "code": "2024-01-01", "arpu": 3.0},
    )
    store.upsert_customers([customer])
    assert store.get_customer("Z") == customer
    assert store.list_customers(1)[0] == customer


def test_attribute_types_keep_the_first_type_registered(store: Store) -> None:
    store.register_attribute_types({"plan": AttributeType.STRING, "arpu": AttributeType.NUMBER})
    store.register_attribute_types({"plan": AttributeType.DATE, "vip": AttributeType.BOOL})
    assert store.attribute_types() == {
        "plan": AttributeType.STRING,
        "arpu": AttributeType.NUMBER,
        "vip": AttributeType.BOOL,
    }


def test_keys_are_added_found_listed_and_revoked_once(store: Store) -> None:
    older = ApiKeyRecord("k1", "h1", frozenset({Scope.ADMIN}), "ops", T0)
    newer = ApiKeyRecord(
        "k2", "h2", frozenset({Scope.CONSENT_READ, Scope.CONSENT_WRITE}), "web", T0 + timedelta(1)
    )
    store.add_key(newer)
    store.add_key(older)
    assert store.find_key("k2") == newer
    assert store.find_key("nope") is None
    assert store.list_keys() == [older, newer]
    assert store.revoke_key("k1", T0 + timedelta(2))
    assert not store.revoke_key("k1", T0 + timedelta(3))
    assert not store.revoke_key("nope", T0)
    assert store.find_key("k1") == ApiKeyRecord(
        "k1", "h1", frozenset({Scope.ADMIN}), "ops", T0, revoked_at=T0 + timedelta(2)
    )


def test_a_secret_keeps_the_first_value_created(store: Store) -> None:
    first = store.secret("salt", lambda: b"\x00first")
    assert first == b"\x00first"
    assert store.secret("salt", lambda: b"second") == b"\x00first"


def test_erasure_blanks_personal_fields_suppresses_and_keeps_the_chain(store: Store) -> None:
    store.upsert_customers([_customer("C1"), _customer("C2")])
    store.append([draft("a", actor="agent-7"), draft("b", customer="C2"), draft("c")], T0)
    erasure = draft(
        "erase-C1",
        kind=ConsentKind.ERASURE,
        channel=Channel.ALL,
        purpose="all",
        evidence={},
        actor="dpo",
    )
    receipt = store.erase_customer("C1", ["d1", "d2", "d1"], erasure, T0 + timedelta(hours=1))
    assert (receipt.events_blanked, receipt.contact_points_suppressed) == (2, 2)
    assert store.get_customer("C1") is None
    assert store.suppressed(["d1", "d2", "d3"]) == {"d1", "d2"}
    assert store.suppressed(["d2"]) == {"d2"}  # fewer asked than suppressed: looked up
    assert store.suppression_size() == 2
    events = store.events_of("C1")
    assert [(e.evidence, e.actor, e.erased) for e in events[:2]] == [({}, None, True)] * 2
    assert events[2].event_id == receipt.erasure_event_id and events[2].actor == "dpo"
    assert store.events_of("C2")[0].evidence == {"text": "signup form", "ip": "192.0.2.1"}
    assert verify_chain(store.iter_events(), store.chain_head()) == []


def test_an_empty_suppression_list_has_size_zero_and_suppresses_nothing(store: Store) -> None:
    assert store.suppression_size() == 0
    assert store.suppressed(["d1"]) == set()


def test_erasing_an_unknown_customer_is_not_found_and_changes_nothing(store: Store) -> None:
    erasure = draft("erase-X", customer="X", kind=ConsentKind.ERASURE, evidence={})
    with pytest.raises(NotFoundError):
        store.erase_customer("X", ["d"], erasure, T0)
    assert store.chain_head().count == 0
    assert store.suppressed(["d"]) == set()


def test_erasure_deletes_the_persons_contact_history_and_no_one_elses(store: Store) -> None:
    store.upsert_customers([_customer("C1"), _customer("C2")])
    made = [
        Contact(new_contact_id(T0, bytes([n])), who, Channel.SMS, "marketing", T0)
        for n, who in enumerate(("C1", "C1", "C2"))
    ]
    store.record_contacts(made)
    erasure = draft("erase-C1", kind=ConsentKind.ERASURE, channel=Channel.ALL, purpose="all")
    receipt = store.erase_customer("C1", [], erasure, T0 + timedelta(hours=1))
    assert receipt.contacts_deleted == 2
    assert store.contact_history("C1") == []
    assert [c.customer_id for c in store.contact_history("C2")] == ["C2"]
