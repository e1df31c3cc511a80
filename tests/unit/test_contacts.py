"""Contacts in the domain: what counts, the changes of state, ids, and the window filter."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cortesia.domain.contacts import (
    Contact,
    ContactStatus,
    Outcome,
    confirmed,
    counting,
    lapsed,
    new_contact_id,
    released,
    reservation,
    same_contact,
    with_outcome,
)
from cortesia.domain.vocabulary import Channel
from cortesia.errors import ConflictError, ValidationError

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HOLD = timedelta(minutes=15)


def sent(minutes: int = 0, **changes: object) -> Contact:
    at = T0 + timedelta(minutes=minutes)
    fields: dict[str, object] = {
        "contact_id": new_contact_id(at),
        "customer_id": "C1",
        "channel": Channel.SMS,
        "purpose": "marketing",
        "occurred_at": at,
    }
    fields.update(changes)
    return Contact(**fields)  # type: ignore[arg-type]


def held(minutes: int = 0) -> Contact:
    return reservation(sent(minutes, expires_at=T0 + timedelta(minutes=minutes) + HOLD))


def test_a_reservation_counts_until_the_instant_it_expires_and_not_at_it() -> None:
    contact = held()
    assert contact.status is ContactStatus.RESERVED
    assert contact.counts_at(T0 + HOLD - timedelta(microseconds=1))
    assert not contact.counts_at(T0 + HOLD)


def test_a_sent_contact_always_counts_and_a_released_one_never() -> None:
    assert sent().counts_at(T0 + timedelta(days=3650))
    assert not released(held(), T0).counts_at(T0)


def test_the_subject_defaults_to_the_action_group_then_the_purpose() -> None:
    assert sent().subject == "marketing"
    assert sent(action_group="sales/data_packs").subject == "sales/data_packs"
    assert sent(action_group="sales/data_packs", subject="phones").subject == "phones"


def test_instants_with_an_offset_are_kept_in_utc_and_naive_ones_refused() -> None:
    bogota = timezone(timedelta(hours=-5))
    contact = sent(occurred_at=T0.astimezone(bogota))
    assert contact.occurred_at == T0 and contact.occurred_at.tzinfo is UTC
    with pytest.raises(ValidationError, match="occurred_at"):
        sent(occurred_at=datetime(2026, 3, 2, 9, 30))


def test_a_reservation_needs_an_expiry() -> None:
    with pytest.raises(ValidationError, match="expires_at"):
        reservation(sent())


def test_a_reservation_drops_any_outcome_the_draft_carried() -> None:
    draft = sent(expires_at=T0 + HOLD, outcome=Outcome.DELIVERED, outcome_at=T0)
    stored = reservation(draft)
    assert (stored.status, stored.outcome, stored.outcome_at) == (
        ContactStatus.RESERVED,
        None,
        None,
    )


def test_confirming_in_time_makes_it_sent_and_again_changes_nothing() -> None:
    contact = confirmed(held(), T0 + timedelta(minutes=5))
    assert contact.status is ContactStatus.SENT
    assert contact.confirmed_at == T0 + timedelta(minutes=5)
    assert confirmed(contact, T0 + timedelta(hours=1)) is contact


def test_confirming_an_expired_reservation_is_refused_naming_the_expiry() -> None:
    with pytest.raises(ConflictError, match="expired at 2026-03-02T09:45:00"):
        confirmed(held(), T0 + HOLD)


def test_confirming_a_released_contact_is_refused() -> None:
    with pytest.raises(ConflictError, match="was released"):
        confirmed(released(held(), T0), T0)


def test_releasing_a_sent_contact_is_refused_and_releasing_twice_changes_nothing() -> None:
    with pytest.raises(ConflictError, match="was sent"):
        released(sent(), T0)
    once = released(held(), T0 + timedelta(minutes=1))
    assert released(once, T0 + timedelta(minutes=2)) is once
    assert once.released_at == T0 + timedelta(minutes=1)


def test_an_outcome_needs_a_sent_contact() -> None:
    with pytest.raises(ConflictError, match="is reserved; only a sent contact has an outcome"):
        with_outcome(held(), Outcome.DELIVERED, T0)


def test_a_later_outcome_replaces_an_earlier_one_and_an_older_report_does_not() -> None:
    delivered = with_outcome(sent(), Outcome.DELIVERED, T0 + timedelta(minutes=1))
    converted = with_outcome(delivered, Outcome.CONVERTED, T0 + timedelta(hours=2))
    assert (converted.outcome, converted.outcome_at) == (
        Outcome.CONVERTED,
        T0 + timedelta(hours=2),
    )
    late_report = with_outcome(converted, Outcome.REACHED, T0 + timedelta(minutes=30))
    assert late_report is converted
    assert with_outcome(converted, Outcome.CONVERTED, T0 + timedelta(days=1)) is converted


def test_counting_keeps_counting_contacts_since_the_start_inclusive_in_order() -> None:
    edge, later, before = sent(0), sent(10), sent(-1)
    gone = released(held(5), T0)
    lapsed_one = held(20)
    found = counting([later, gone, before, edge, lapsed_one], T0, T0 + timedelta(minutes=40))
    assert found == [edge, later]


def test_counting_keeps_an_older_contact_answered_since_the_start() -> None:
    old = with_outcome(sent(-60 * 24 * 20), Outcome.REJECTED, T0 + timedelta(minutes=1))
    assert counting([old], T0, T0) == [old]
    assert counting([old], T0 + timedelta(minutes=2), T0) == []


def test_ties_in_the_instant_are_ordered_by_the_time_ordered_id() -> None:
    first = sent(0, contact_id="00000000-0000-7000-8000-000000000001")
    second = sent(0, contact_id="00000000-0000-7000-8000-000000000002")
    assert counting([second, first], T0, T0) == [first, second]


def test_contact_ids_are_uuid7_ordered_by_time_and_seeded_ids_repeat() -> None:
    early, late = new_contact_id(T0), new_contact_id(T0 + timedelta(milliseconds=1))
    assert uuid.UUID(early).version == 7 and uuid.UUID(early).variant == uuid.RFC_4122
    assert early < late
    assert new_contact_id(T0, b"same") == new_contact_id(T0, b"same")
    assert new_contact_id(T0, b"same") != new_contact_id(T0, b"other")
    assert new_contact_id(T0) != new_contact_id(T0)


def test_a_retried_import_is_the_same_contact_whatever_its_outcome() -> None:
    contact = sent()
    assert same_contact(contact, with_outcome(contact, Outcome.DELIVERED, T0))
    assert not same_contact(contact, replace(contact, channel=Channel.EMAIL))


def test_a_reservation_lapses_when_its_expiry_comes() -> None:
    contact = held()
    assert not lapsed(contact, T0 + HOLD - timedelta(microseconds=1))
    assert lapsed(contact, T0 + HOLD)
    assert not lapsed(confirmed(contact, T0), T0 + HOLD)
