"""Bad consent input is refused naming the field, the value and why; nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cortesia.domain.vocabulary import ConsentKind
from cortesia.engine.consent_input import parse_consent_batch, parse_consent_event
from cortesia.engine.hub import Engine
from cortesia.errors import BatchValidationError, ConflictError, ValidationError

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
GOOD = {
    "customer_id": "C1",
    "channel": "sms",
    "purpose": "marketing",
    "kind": "opt_in",
    "source": "web",
}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("channel", "fax", "unknown channel"),
        ("kind", "maybe", "unknown kind"),
        ("purpose", "Bad Topic!", "snake_case"),
        ("source", "pigeon", "unknown source"),
        ("occurred_at", "2026-03-01T10:00:00", "needs a UTC offset"),
        ("occurred_at", "yesterday", "not an ISO 8601 instant"),
        ("lawful_basis", "because", "use one of"),
        ("customer_id", "", "is required"),
        ("colour", "blue", "unknown field"),
        ("customer_id", "C\x00x", "control characters"),
        ("actor", "agent\x01", "control characters"),
        ("jurisdiction", "XX", "ISO 3166"),
        ("jurisdiction", "US-ZZ", "ISO 3166"),
        ("until", "2026-04-01T00:00:00Z", "only a snooze"),
        ("occurred_at", "0001-01-01T00:00:00+00:00", "before 1970"),
    ],
)
def test_bad_field_is_named_with_its_value_and_reason(field: str, value: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_consent_event({**GOOD, field: value}, now=NOW)
    problem = caught.value.problem
    assert (problem.field, problem.value) == (field, value)
    assert reason in problem.reason


def test_a_snooze_needs_an_end_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="until"):
        parse_consent_event({**GOOD, "kind": "snooze"}, now=NOW)
    with pytest.raises(ValidationError, match="after occurred_at"):
        parse_consent_event({**GOOD, "kind": "snooze", "until": "2026-03-01T00:00:00Z"}, now=NOW)


def test_preference_values_are_checked_and_normalised() -> None:
    draft = parse_consent_event(
        {
            **GOOD,
            "kind": "preference",
            "values": {
                "preferred_channels": "EMAIL, sms",
                "allowed_hours": "09:00-20:00",
                "max_per_week": 2,
            },
        },
        now=NOW,
    )
    assert draft.kind is ConsentKind.PREFERENCE
    assert draft.values == {
        "preferred_channels": ["email", "sms"],
        "allowed_hours": "09:00-20:00",
        "max_per_week": 2,
    }
    with pytest.raises(ValidationError) as caught:
        parse_consent_event({**GOOD, "kind": "preference", "values": {"max_per_week": -1}}, now=NOW)
    assert caught.value.problem.field == "values.max_per_week"


def test_the_same_statement_without_a_key_gets_the_same_key() -> None:
    first = parse_consent_event({**GOOD, "occurred_at": "2026-03-01T10:00:00Z"}, now=NOW)
    again = parse_consent_event({**GOOD, "occurred_at": "2026-03-01T11:00:00+01:00"}, now=NOW)
    assert first.idempotency_key == again.idempotency_key


def test_a_batch_with_bad_rows_reports_every_row() -> None:
    rows = [GOOD, {**GOOD, "channel": "fax"}, GOOD, {**GOOD, "kind": "x", "customer_id": ""}]
    with pytest.raises(BatchValidationError) as caught:
        parse_consent_batch(rows, now=NOW)
    assert [(p.row, p.field) for p in caught.value.problems] == [(1, "channel"), (3, "customer_id")]


def test_a_rejected_batch_writes_nothing(memory_engine: Engine) -> None:
    with pytest.raises(BatchValidationError):
        memory_engine.consent.record_batch([GOOD, {**GOOD, "channel": "fax"}])
    assert memory_engine.store.chain_head().count == 0


def test_a_replayed_key_changes_nothing_and_returns_the_original(memory_engine: Engine) -> None:
    first = memory_engine.consent.record({**GOOD, "idempotency_key": "k-1"})
    replay = memory_engine.consent.record(
        {**GOOD, "idempotency_key": "k-1", "evidence": {"ip": "198.51.100.1"}}
    )
    assert first.created and not replay.created
    assert replay.event == first.event
    assert memory_engine.store.chain_head().count == 1


def test_a_reused_key_for_an_opt_out_is_refused_rather_than_lost(memory_engine: Engine) -> None:
    memory_engine.consent.record({**GOOD, "idempotency_key": "k-1"})
    with pytest.raises(ConflictError) as caught:
        memory_engine.consent.record({**GOOD, "kind": "opt_out", "idempotency_key": "k-1"})
    assert (caught.value.problem.field, caught.value.problem.value) == ("idempotency_key", "k-1")


def test_an_event_dated_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_consent_event({**GOOD, "occurred_at": "2026-03-02T09:40:00+00:00"}, now=NOW)
    assert caught.value.problem.field == "occurred_at"
    assert parse_consent_event({**GOOD, "occurred_at": "2026-03-02T09:34:00+00:00"}, now=NOW)


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ({"url": "javascript:alert(1)"}, "evidence.url"),
        ({"ip": "999.1.1.1"}, "evidence.ip"),
        ({"user_agent": "x\x00"}, "evidence.user_agent"),
        ({"fingerprint": "x"}, "evidence.fingerprint"),
    ],
)
def test_evidence_fields_are_checked(evidence: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_consent_event({**GOOD, "evidence": evidence}, now=NOW)
    assert caught.value.problem.field == field


def test_good_evidence_and_jurisdiction_pass_normalised() -> None:
    draft = parse_consent_event(
        {
            **GOOD,
            "jurisdiction": "us-fl",
            "evidence": {
                "url": "https://shop.example/signup",
                "ip": "2001:db8::1",
                "text": "ticked the box\non the form",
            },
        },
        now=NOW,
    )
    assert draft.jurisdiction == "US-FL"
    assert draft.evidence["ip"] == "2001:db8::1"


def test_evidence_text_is_bounded() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_consent_event({**GOOD, "evidence": "x" * 5000}, now=NOW)
    assert caught.value.problem.field == "evidence.text"


def test_a_retry_may_differ_in_instant_and_evidence_but_not_in_source(
    memory_engine: Engine,
) -> None:
    first = memory_engine.consent.record({**GOOD, "idempotency_key": "k-9"})
    retry = memory_engine.consent.record(
        {
            **GOOD,
            "idempotency_key": "k-9",
            "occurred_at": "2026-03-02T09:00:00Z",
            "evidence": {"ip": "192.0.2.4"},
        }
    )
    assert retry.event == first.event
    with pytest.raises(ConflictError):
        memory_engine.consent.record({**GOOD, "idempotency_key": "k-9", "source": "call_centre"})
