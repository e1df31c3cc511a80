"""One contract for the contact history: the memory store, SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.integration.contact_workers import HOLD, T0, at_most, draft

from cortesia.domain.contacts import Contact, ContactStatus, Outcome
from cortesia.domain.vocabulary import Channel
from cortesia.engine.ports import Store
from cortesia.errors import ConflictError, NotFoundError, ValidationError

DAY = timedelta(days=1)


def sent(customer: str = "C1", minutes: float = 0, **changes: object) -> Contact:
    """A contact already made, ``minutes`` after T0."""
    return replace(draft(customer, minutes, **changes), status=ContactStatus.SENT, expires_at=None)


def test_a_reservation_allowed_by_the_judge_is_stored_and_returned(store: Store) -> None:
    verdict, stored = store.reserve(draft(), T0 - DAY, T0, at_most(1))
    assert verdict.allowed and stored is not None
    assert stored.status is ContactStatus.RESERVED
    assert store.find_contact(stored.contact_id) == stored
    assert store.contacts_of("C1", T0 - DAY, T0) == [stored]


def test_a_reservation_denied_by_the_judge_stores_nothing_and_returns_the_reasons(
    store: Store,
) -> None:
    store.reserve(draft(), T0 - DAY, T0, at_most(1))
    verdict, stored = store.reserve(draft(minutes=1), T0 - DAY, T0, at_most(1))
    assert stored is None
    assert [r.detail for r in verdict.denials()] == ["1 of 1 in window"]
    assert len(store.contact_history("C1")) == 1


def test_the_judge_sees_only_this_customers_counting_contacts(store: Store) -> None:
    store.record_contacts([sent("C2"), sent("C1", -60 * 24 * 8)])
    seen: list[int] = []
    store.reserve(draft("C1"), T0 - 7 * DAY, T0, at_most(5, seen))
    assert seen == [0]


def test_a_reservation_stored_with_every_field_reads_back_equal(store: Store) -> None:
    full = draft(category="cross_sell", subject="phones", direction="outbound", action_id="A9")
    _, stored = store.reserve(full, T0 - DAY, T0, at_most(1))
    assert stored == replace(full, status=ContactStatus.RESERVED)
    assert store.contact_history("C1") == [stored]


def test_reserving_an_id_already_stored_is_a_conflict(store: Store) -> None:
    first = draft()
    store.reserve(first, T0 - DAY, T0, at_most(5))
    with pytest.raises(ConflictError, match="already recorded"):
        store.reserve(replace(first, channel=Channel.EMAIL), T0 - DAY, T0, at_most(5))
    assert len(store.contact_history("C1")) == 1


def test_a_reservation_without_an_expiry_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="expires_at"):
        store.reserve(draft(expires_at=None), T0 - DAY, T0, at_most(1))


def test_confirming_makes_the_reservation_sent_and_it_keeps_counting(store: Store) -> None:
    _, stored = store.reserve(draft(), T0 - DAY, T0, at_most(1))
    assert stored is not None
    sent_one = store.confirm(stored.contact_id, T0 + timedelta(minutes=2))
    assert sent_one.status is ContactStatus.SENT
    assert sent_one.confirmed_at == T0 + timedelta(minutes=2)
    assert store.find_contact(stored.contact_id) == sent_one
    assert store.contacts_of("C1", T0 - DAY, T0 + HOLD * 2) == [sent_one]
    assert store.confirm(stored.contact_id, T0 + HOLD * 3) == sent_one


def test_releasing_frees_the_slot_for_the_next_reservation(store: Store) -> None:
    _, first = store.reserve(draft(), T0 - DAY, T0, at_most(1))
    assert first is not None
    gone = store.release(first.contact_id, T0 + timedelta(minutes=1))
    assert gone.status is ContactStatus.RELEASED
    assert gone.released_at == T0 + timedelta(minutes=1)
    _, second = store.reserve(draft(minutes=1), T0 - DAY, T0, at_most(1))
    assert second is not None
    with pytest.raises(ConflictError, match="was released"):
        store.confirm(first.contact_id, T0 + timedelta(minutes=2))


def test_a_sent_contact_cannot_be_released(store: Store) -> None:
    store.record_contacts([sent()])
    contact = store.contact_history("C1")[0]
    with pytest.raises(ConflictError, match="was sent"):
        store.release(contact.contact_id, T0)
    assert store.find_contact(contact.contact_id) == contact


def test_an_unconfirmed_reservation_stops_counting_at_its_expiry_and_cannot_be_confirmed(
    store: Store,
) -> None:
    _, stored = store.reserve(draft(), T0 - DAY, T0, at_most(1))
    assert stored is not None
    just_before = T0 + HOLD - timedelta(microseconds=1)
    assert store.contacts_of("C1", T0 - DAY, just_before) == [stored]
    assert store.contacts_of("C1", T0 - DAY, T0 + HOLD) == []
    verdict, again = store.reserve(draft(minutes=15), T0 - DAY, T0 + HOLD, at_most(1))
    assert verdict.allowed and again is not None
    with pytest.raises(ConflictError, match="expired at"):
        store.confirm(stored.contact_id, T0 + HOLD)
    assert store.find_contact(stored.contact_id) == stored


def test_housekeeping_releases_lapsed_reservations_only(store: Store) -> None:
    _, early = store.reserve(draft("C1"), T0 - DAY, T0, at_most(5))
    _, late = store.reserve(draft("C2", 10), T0 - DAY, T0, at_most(5))
    _, kept = store.reserve(draft("C3"), T0 - DAY, T0, at_most(5))
    assert early is not None and late is not None and kept is not None
    store.confirm(kept.contact_id, T0)
    assert store.release_expired(T0 + HOLD) == 1
    lapsed = store.find_contact(early.contact_id)
    assert lapsed is not None and lapsed.status is ContactStatus.RELEASED
    assert lapsed.released_at == early.expires_at
    assert store.find_contact(late.contact_id) == late
    assert store.release_expired(T0 + HOLD) == 0


def test_an_outcome_is_recorded_on_a_sent_contact_and_the_latest_report_kept(
    store: Store,
) -> None:
    store.record_contacts([sent()])
    contact_id = store.contact_history("C1")[0].contact_id
    store.record_outcome(contact_id, Outcome.DELIVERED, T0 + timedelta(minutes=1))
    store.record_outcome(contact_id, Outcome.CONVERTED, T0 + DAY)
    kept = store.record_outcome(contact_id, Outcome.REACHED, T0 + timedelta(hours=1))
    assert (kept.outcome, kept.outcome_at) == (Outcome.CONVERTED, T0 + DAY)
    assert store.find_contact(contact_id) == kept


def test_an_outcome_on_a_reservation_or_an_unknown_contact_is_refused(store: Store) -> None:
    _, stored = store.reserve(draft(), T0 - DAY, T0, at_most(1))
    assert stored is not None
    with pytest.raises(ConflictError, match="confirm it first"):
        store.record_outcome(stored.contact_id, Outcome.DELIVERED, T0)
    with pytest.raises(NotFoundError, match="contact 'nope' not found"):
        store.record_outcome("nope", Outcome.DELIVERED, T0)
    with pytest.raises(NotFoundError):
        store.confirm("nope", T0)
    with pytest.raises(NotFoundError):
        store.release("nope", T0)


def test_the_window_starts_exactly_at_since(store: Store) -> None:
    edge, inside, outside = sent(minutes=0), sent(minutes=1), sent(minutes=-0.001)
    store.record_contacts([inside, outside, edge])
    assert store.contacts_of("C1", T0, T0) == [edge, inside]
    assert store.contacts_of("C1", T0 + timedelta(microseconds=1), T0) == [inside]


def test_an_older_contact_answered_inside_the_window_is_shown_to_the_judge(store: Store) -> None:
    old = sent(minutes=-60 * 24 * 20)
    store.record_contacts([old])
    assert store.contacts_of("C1", T0 - DAY, T0) == []
    answered = store.record_outcome(old.contact_id, Outcome.REJECTED, T0 - timedelta(hours=1))
    assert store.contacts_of("C1", T0 - DAY, T0) == [answered]
    assert store.contacts_of("C1", T0 - timedelta(minutes=59), T0) == []


def test_recording_contacts_is_idempotent_by_id(store: Store) -> None:
    batch = [sent("C1"), sent("C2", 5), sent("C1", 10)]
    assert store.record_contacts(batch) == 3
    assert store.record_contacts([*batch, batch[0]]) == 0
    store.record_outcome(batch[0].contact_id, Outcome.DELIVERED, T0 + timedelta(minutes=1))
    assert store.record_contacts(batch[:1]) == 0
    assert store.contact_history("C1") == [
        replace(batch[0], outcome=Outcome.DELIVERED, outcome_at=T0 + timedelta(minutes=1)),
        batch[2],
    ]


def test_a_recorded_id_stating_another_contact_is_a_conflict_and_nothing_is_written(
    store: Store,
) -> None:
    first = sent()
    store.record_contacts([first])
    with pytest.raises(ConflictError, match="another contact"):
        store.record_contacts([sent("C2"), replace(first, channel=Channel.EMAIL)])
    assert store.contact_history("C2") == []


def test_only_sent_contacts_can_be_recorded(store: Store) -> None:
    with pytest.raises(ValidationError, match="only sent contacts"):
        store.record_contacts([draft()])


def test_history_lists_every_status_in_a_half_open_range(store: Store) -> None:
    _, gone = store.reserve(draft(minutes=1), T0 - DAY, T0, at_most(5))
    assert gone is not None
    released = store.release(gone.contact_id, T0)
    made = sent(minutes=2)
    store.record_contacts([made])
    assert store.contact_history("C1") == [released, made]
    assert store.contact_history("C1", since=T0 + timedelta(minutes=2)) == [made]
    assert store.contact_history("C1", until=T0 + timedelta(minutes=2)) == [released]
    assert store.contact_history("C9") == []
