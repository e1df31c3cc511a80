"""Consent use cases on the memory store: proof, erasure, and fold properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.consent import consent_state, status_of
from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.views import proof_view, snapshot_view
from cortesia.errors import NotFoundError

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def event(day: int, channel: str, purpose: str, kind: str, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "customer_id": "C1",
        "channel": channel,
        "purpose": purpose,
        "kind": kind,
        "source": "web",
        "occurred_at": (T0 + timedelta(days=day)).isoformat(),
    }
    data.update(extra)
    return data


def test_proof_lists_the_deciding_events_with_receipt_fields(memory_engine: Engine) -> None:
    memory_engine.consent.record(
        event(
            0,
            "email",
            "marketing",
            "opt_in",
            evidence={"notice_version": "privacy-v3", "ip": "198.51.100.7"},
            lawful_basis="consent",
            jurisdiction="ES",
        )
    )
    memory_engine.consent.record(event(1, "sms", "marketing", "opt_in"))
    memory_engine.consent.record(event(2, "sms", "marketing", "opt_out"))
    proof = proof_view(memory_engine.consent.proof("C1"))
    deciding = proof["deciding_events"]
    assert [(e["channel"], e["kind"]) for e in deciding] == [
        ("email", "opt_in"),
        ("sms", "opt_out"),
    ]
    assert deciding[0]["privacy_notice"] == "privacy-v3"
    assert deciding[0]["consentReceiptID"] == deciding[0]["event_id"]
    assert deciding[1]["event_state"] == "withdrawn"
    assert proof["version"] == "KI-CR-v1.1.0"
    assert len(proof["history"]) == 3


def test_state_view_has_the_documented_shape(memory_engine: Engine, clock: FrozenClock) -> None:
    until = (clock.now() + timedelta(days=30)).isoformat()
    memory_engine.consent.record(
        {
            "customer_id": "C9",
            "channel": "sms",
            "purpose": "marketing",
            "kind": "snooze",
            "until": until,
            "source": "app",
        }
    )
    view = snapshot_view(memory_engine.consent.state("C9"))
    assert view["customer"] == "C9"
    assert view["at"] == clock.now().isoformat()
    assert view["consent"] == [
        {
            "channel": "sms",
            "purpose": "marketing",
            "status": "snoozed",
            "since": clock.now().isoformat(),
            "until": until,
            "event_id": view["consent"][0]["event_id"],
        }
    ]


def test_erasure_blanks_personal_fields_suppresses_and_still_verifies(
    memory_engine: Engine,
) -> None:
    memory_engine.store.upsert_customers(
        [Customer("C1", "ES", "Europe/Madrid", phones=("+34600000001",), emails=("a@b.es",))]
    )
    memory_engine.consent.record(
        event(0, "sms", "marketing", "opt_in", evidence={"ip": "203.0.113.9"}, actor="agent-7")
    )
    receipt = memory_engine.erase("C1", actor="dpo")
    assert receipt.contact_points_suppressed == 2
    assert memory_engine.store.get_customer("C1") is None
    events = memory_engine.store.events_of("C1")
    assert all(e.evidence == {} and (e.actor is None or e.kind.value == "erasure") for e in events)
    assert memory_engine.verify_ledger().intact
    assert memory_engine.consent.status("C1", Channel.SMS, "marketing").status is (
        ConsentStatus.OPTED_OUT
    )


def test_erasing_an_unknown_customer_is_not_found(memory_engine: Engine) -> None:
    with pytest.raises(NotFoundError):
        memory_engine.erase("nobody")


KINDS = st.sampled_from(["opt_in", "opt_out", "snooze", "double_opt_in_confirmed"])
CHANNELS = st.sampled_from(["sms", "email", "all"])
PURPOSES = st.sampled_from(["marketing", "music_video_offers", "service"])
EVENTS = st.lists(st.tuples(st.integers(0, 60), CHANNELS, PURPOSES, KINDS), max_size=12)


def _record_all(rows: list[tuple[int, str, str, str]]) -> Engine:
    engine = Engine(MemoryStore(), FrozenClock(T0 + timedelta(days=90)))
    batch = [
        event(
            day,
            channel,
            purpose,
            kind,
            idempotency_key=f"k{i}",
            **({"until": (T0 + timedelta(days=day + 10)).isoformat()} if kind == "snooze" else {}),
        )
        for i, (day, channel, purpose, kind) in enumerate(rows)
    ]
    engine.consent.record_batch(batch)
    return engine


@settings(max_examples=60, deadline=None, derandomize=True)
@given(EVENTS, st.integers(0, 90))
def test_state_entries_agree_with_single_scope_status(
    rows: list[tuple[int, str, str, str]], day: int
) -> None:
    engine = _record_all(rows)
    events = engine.store.events_of("C1")
    at = T0 + timedelta(days=day)
    for entry in consent_state(events, at):
        assert status_of(events, entry.channel, entry.purpose, at) == entry


@settings(max_examples=60, deadline=None, derandomize=True)
@given(EVENTS)
def test_recording_order_does_not_change_state_when_instants_differ(
    rows: list[tuple[int, str, str, str]],
) -> None:
    distinct = list({row[0]: row for row in rows}.values())
    forward = _record_all(distinct)
    backward = _record_all(list(reversed(distinct)))
    at = T0 + timedelta(days=80)
    strip = [
        (e.channel, e.purpose, e.status, e.since, e.until)
        for e in forward.consent.state("C1", at).entries
    ]
    assert strip == [
        (e.channel, e.purpose, e.status, e.since, e.until)
        for e in backward.consent.state("C1", at).entries
    ]
