"""Contact-history use cases on the memory store, with a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.integration.contact_workers import T0, at_most, draft

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.contacts import ContactStatus, Outcome
from cortesia.domain.vocabulary import Channel
from cortesia.engine.contacts import ContactService
from cortesia.engine.hub import Engine
from cortesia.errors import BatchValidationError, ConflictError, NotFoundError, ValidationError

DAY = timedelta(days=1)
HOLD = timedelta(minutes=10)


@pytest.fixture
def service(clock: FrozenClock) -> ContactService:
    return ContactService(MemoryStore(), clock, hold=HOLD)


def made(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "occurred_at": "2026-03-02T04:00:00-05:00",
        "action_id": "A1",
        "action_group": "sales/data_packs",
        "category": "sales",
    }
    row.update(changes)
    return row


def test_the_engine_offers_the_contact_use_cases(memory_engine: Engine) -> None:
    assert isinstance(memory_engine.contacts, ContactService)
    assert memory_engine.contacts.hold == timedelta(minutes=15)


def test_a_reservation_is_held_for_the_configured_time_from_now(
    service: ContactService, clock: FrozenClock
) -> None:
    reservation = service.reserve(draft(), T0 - DAY, at_most(1))
    assert reservation.allowed and reservation.contact is not None
    assert reservation.contact.expires_at == T0 + HOLD
    longer = service.reserve(draft("C2"), T0 - DAY, at_most(1), hold=timedelta(hours=1))
    assert longer.contact is not None and longer.contact.expires_at == T0 + timedelta(hours=1)


def test_a_contact_planned_for_later_is_held_until_after_its_planned_instant(
    service: ContactService,
) -> None:
    tomorrow = service.reserve(draft(minutes=24 * 60), T0 - DAY, at_most(1))
    assert tomorrow.contact is not None
    assert tomorrow.contact.expires_at == T0 + DAY + HOLD


def test_an_unconfirmed_reservation_lapses_and_its_slot_goes_to_the_next(
    service: ContactService, clock: FrozenClock
) -> None:
    first = service.reserve(draft(), T0 - DAY, at_most(1)).contact
    assert first is not None
    assert not service.reserve(draft(minutes=1), T0 - DAY, at_most(1)).allowed
    clock.advance(HOLD)
    assert service.counting("C1", T0 - DAY) == []
    assert service.reserve(draft(minutes=10), T0 - DAY, at_most(1)).allowed
    with pytest.raises(ConflictError, match="expired"):
        service.confirm(first.contact_id)
    assert service.release_expired() == 1
    assert service.get(first.contact_id).status is ContactStatus.RELEASED


def test_a_confirmed_contact_keeps_its_slot_after_the_hold(
    service: ContactService, clock: FrozenClock
) -> None:
    held = service.reserve(draft(), T0 - DAY, at_most(1)).contact
    assert held is not None
    clock.advance(timedelta(minutes=3))
    sent = service.confirm(held.contact_id)
    assert sent.confirmed_at == T0 + timedelta(minutes=3)
    clock.advance(DAY)
    assert service.counting("C1", T0 - DAY) == [sent]
    assert not service.reserve(draft(minutes=2000), T0 - DAY, at_most(1)).allowed


def test_releasing_a_reservation_frees_its_slot_at_once(service: ContactService) -> None:
    held = service.reserve(draft(), T0 - DAY, at_most(1)).contact
    assert held is not None
    assert service.release(held.contact_id).released_at == T0
    assert service.reserve(draft(minutes=1), T0 - DAY, at_most(1)).allowed


def test_a_made_contact_is_recorded_once_however_often_it_is_sent(
    service: ContactService,
) -> None:
    first = service.record(made())
    again = service.record(made(occurred_at="2026-03-02T09:00:00Z"))
    assert first.created and not again.created
    assert again.contact == first.contact
    assert first.contact.occurred_at == T0 - timedelta(minutes=30)
    assert first.contact.subject == "sales/data_packs"
    assert service.history("C1") == [first.contact]


def test_a_caller_key_tells_two_identical_contacts_apart(service: ContactService) -> None:
    service.record(made(idempotency_key="call-1"))
    service.record(made(idempotency_key="call-2"))
    assert len(service.history("C1")) == 2


def test_a_made_contact_may_arrive_with_its_outcome(service: ContactService) -> None:
    recorded = service.record(made(outcome="reached", outcome_at="2026-03-02T09:05:00Z"))
    assert recorded.contact.outcome is Outcome.REACHED
    assert recorded.contact.outcome_at == T0 - timedelta(minutes=25)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"channel": "all"}, "channel", "one channel"),
        ({"channel": "fax"}, "channel", "unknown channel"),
        ({"purpose": "all"}, "purpose", "one purpose"),
        ({"customer_id": ""}, "customer_id", "is required"),
        ({"occurred_at": "2026-03-02T10:00:00Z"}, "occurred_at", "in the future"),
        ({"occurred_at": "2026-03-02T09:00:00"}, "occurred_at", "UTC offset"),
        ({"category": "Cross Sell"}, "category", "snake_case"),
        ({"direction": "sideways"}, "direction", "outbound or inbound"),
        ({"contact_id": "CRM-1"}, "contact_id", "UUID"),
        ({"outcome": "maybe"}, "outcome", "unknown outcome"),
        ({"outcome_at": "2026-03-02T09:05:00Z"}, "outcome_at", "needs the outcome"),
        ({"outcome": "reached", "outcome_at": "2026-03-01T00:00:00Z"}, "outcome_at", "before"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"action_id": "A\x001"}, "action_id", "control characters"),
    ],
)
def test_bad_contacts_are_refused_naming_the_field(
    service: ContactService, changes: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        service.record(made(**changes))
    assert caught.value.problem.field == field
    assert reason in caught.value.problem.reason


def test_a_batch_with_bad_rows_is_refused_whole_with_every_row_named(
    service: ContactService,
) -> None:
    with pytest.raises(BatchValidationError) as caught:
        service.record_batch([made(), made(channel="fax"), made(purpose="")])
    assert [(p.row, p.field) for p in caught.value.problems] == [(1, "channel"), (2, "purpose")]
    assert service.history("C1") == []
    assert service.record_batch([made(), made(customer_id="C2"), made()]) == 2


def test_an_outcome_is_recorded_now_or_at_the_instant_reported(
    service: ContactService, clock: FrozenClock
) -> None:
    contact = service.record(made()).contact
    clock.advance(timedelta(minutes=25))
    delivered = service.outcome(contact.contact_id, "delivered")
    assert delivered.outcome_at == T0 + timedelta(minutes=25)
    converted = service.outcome(contact.contact_id, "CONVERTED", "2026-03-02T11:00:00+01:00")
    assert converted.outcome is Outcome.CONVERTED
    assert converted.outcome_at == T0 + timedelta(minutes=30)
    with pytest.raises(ValidationError, match="in the future"):
        service.outcome(contact.contact_id, "complained", "2026-03-02T10:00:01Z")
    with pytest.raises(ValidationError, match="unknown outcome"):
        service.outcome(contact.contact_id, "bought")


def test_unknown_contacts_are_not_found(service: ContactService) -> None:
    with pytest.raises(NotFoundError, match="contact 'x' not found"):
        service.get("x")
    with pytest.raises(NotFoundError):
        service.confirm("x")


@pytest.mark.parametrize("hold", [timedelta(0), timedelta(days=8), timedelta(seconds=-1)])
def test_a_hold_outside_a_second_to_a_week_is_refused(clock: FrozenClock, hold: timedelta) -> None:
    with pytest.raises(ValidationError, match="hold"):
        ContactService(MemoryStore(), clock, hold=hold)


def test_history_reads_by_half_open_range_and_every_status(service: ContactService) -> None:
    held = service.reserve(draft(channel=Channel.EMAIL), T0 - DAY, at_most(5)).contact
    assert held is not None
    released = service.release(held.contact_id)
    recorded = service.record(made()).contact
    assert service.history("C1") == [recorded, released]
    assert service.history("C1", since=T0) == [released]
    assert service.history("C1", until=T0) == [recorded]
