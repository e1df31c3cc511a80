"""The precedence rules of the consent fold, one test per rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.consent import consent_state
from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.errors import ValidationError

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine() -> Engine:
    return Engine(MemoryStore(), FrozenClock(T0 + timedelta(days=400)))


def record(engine: Engine, days: float, **fields: object) -> str:
    data = {"customer_id": "C1", "source": "web", **fields}
    data["occurred_at"] = (T0 + timedelta(days=days)).isoformat()
    return engine.consent.record(data).event.event_id


def status(engine: Engine, channel: str, purpose: str, days: float) -> ConsentStatus:
    at = T0 + timedelta(days=days)
    return engine.consent.status("C1", Channel(channel), purpose, at).status


def test_an_erasure_cannot_be_posted_as_an_event(engine: Engine) -> None:
    with pytest.raises(ValidationError) as caught:
        record(engine, 0, channel="all", purpose="all", kind="erasure")
    assert caught.value.problem.field == "kind"


def test_no_event_means_unknown(engine: Engine) -> None:
    assert status(engine, "sms", "marketing", 1) is ConsentStatus.UNKNOWN


def test_opt_out_from_all_marketing_beats_an_older_channel_opt_in(engine: Engine) -> None:
    record(engine, 0, channel="sms", purpose="marketing", kind="opt_in")
    record(engine, 1, channel="all", purpose="marketing", kind="opt_out")
    assert status(engine, "sms", "marketing", 2) is ConsentStatus.OPTED_OUT
    assert status(engine, "email", "music_video_offers", 2) is ConsentStatus.OPTED_OUT


def test_newer_opt_in_lifts_an_older_opt_out(engine: Engine) -> None:
    record(engine, 0, channel="email", purpose="marketing", kind="opt_out")
    record(engine, 3, channel="email", purpose="marketing", kind="opt_in")
    assert status(engine, "email", "marketing", 2) is ConsentStatus.OPTED_OUT
    assert status(engine, "email", "marketing", 4) is ConsentStatus.OPTED_IN


def test_topic_opt_out_leaves_other_topics_and_service_alone(engine: Engine) -> None:
    record(engine, 0, channel="sms", purpose="marketing", kind="opt_in")
    record(engine, 1, channel="sms", purpose="music_video_offers", kind="opt_out")
    assert status(engine, "sms", "music_video_offers", 2) is ConsentStatus.OPTED_OUT
    assert status(engine, "sms", "data_packs", 2) is ConsentStatus.OPTED_IN
    assert status(engine, "sms", "service", 2) is ConsentStatus.UNKNOWN


def test_snooze_ends_by_itself_at_its_end_instant(engine: Engine) -> None:
    record(engine, 0, channel="sms", purpose="marketing", kind="opt_in")
    until = (T0 + timedelta(days=31)).isoformat()
    record(engine, 1, channel="sms", purpose="marketing", kind="snooze", until=until)
    assert status(engine, "sms", "marketing", 30.9) is ConsentStatus.SNOOZED
    assert status(engine, "sms", "marketing", 31) is ConsentStatus.OPTED_IN


def test_snooze_never_weakens_an_opt_out(engine: Engine) -> None:
    record(engine, 0, channel="sms", purpose="marketing", kind="opt_out")
    until = (T0 + timedelta(days=30)).isoformat()
    record(engine, 1, channel="sms", purpose="marketing", kind="snooze", until=until)
    assert status(engine, "sms", "marketing", 2) is ConsentStatus.OPTED_OUT


def test_newer_opt_in_ends_a_snooze_early(engine: Engine) -> None:
    until = (T0 + timedelta(days=30)).isoformat()
    record(engine, 0, channel="push", purpose="marketing", kind="snooze", until=until)
    record(engine, 2, channel="push", purpose="marketing", kind="opt_in")
    assert status(engine, "push", "marketing", 1) is ConsentStatus.SNOOZED
    assert status(engine, "push", "marketing", 3) is ConsentStatus.OPTED_IN


def test_erasure_is_final_even_against_a_later_opt_in(engine: Engine) -> None:
    engine.store.upsert_customers([Customer("C1", "ES", "Europe/Madrid")])
    clock = engine.clock
    assert isinstance(clock, FrozenClock)
    later = clock.now()
    clock.set(T0)
    engine.erase("C1")
    clock.set(later)
    record(engine, 1, channel="sms", purpose="marketing", kind="opt_in")
    assert status(engine, "sms", "marketing", 2) is ConsentStatus.OPTED_OUT
    assert status(engine, "voice", "service", 2) is ConsentStatus.OPTED_OUT


def test_events_recorded_late_apply_in_the_order_they_occurred(engine: Engine) -> None:
    record(engine, 5, channel="sms", purpose="marketing", kind="opt_in")
    record(engine, 2, channel="sms", purpose="marketing", kind="opt_out")
    assert status(engine, "sms", "marketing", 6) is ConsentStatus.OPTED_IN


def test_state_lists_one_entry_per_scope_with_its_deciding_event(engine: Engine) -> None:
    opt_in = record(engine, 0, channel="email", purpose="marketing", kind="opt_in")
    opt_out = record(engine, 1, channel="sms", purpose="marketing", kind="opt_out")
    snapshot = engine.consent.state("C1", T0 + timedelta(days=2))
    pairs = {(e.channel.value, e.purpose): (e.status, e.event_id) for e in snapshot.entries}
    assert pairs == {
        ("email", "marketing"): (ConsentStatus.OPTED_IN, opt_in),
        ("sms", "marketing"): (ConsentStatus.OPTED_OUT, opt_out),
    }


def test_state_as_of_the_past_ignores_later_events(engine: Engine) -> None:
    record(engine, 0, channel="email", purpose="marketing", kind="opt_in")
    record(engine, 10, channel="email", purpose="marketing", kind="opt_out")
    events = engine.store.events_of("C1")
    past = consent_state(events, T0 + timedelta(days=5))
    assert [e.status for e in past] == [ConsentStatus.OPTED_IN]
