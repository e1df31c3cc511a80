"""Recording consent over HTTP and reading it back: now, as of an instant, as proof."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.api_support import Keys, TestClient, bearer

from cortesia.adapters.memory import FrozenClock

EVENTS = "/v1/consent-events"


def event(**fields: Any) -> dict[str, Any]:
    base = {
        "customer_id": "C1",
        "channel": "email",
        "purpose": "marketing",
        "kind": "opt_in",
        "source": "web",
        "evidence": {"url": "https://shop.example/signup", "ip": "192.0.2.1"},
    }
    return {**base, **fields}


def test_recording_an_event_answers_201_with_the_stored_event(
    client: TestClient, keys: Keys
) -> None:
    headers = bearer(keys.consent_rw)
    response = client.post(EVENTS, json=event(idempotency_key="k-1"), headers=headers)
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["event"]["kind"] == "opt_in"
    assert body["event"]["evidence"]["url"] == "https://shop.example/signup"
    assert len(body["event"]["hash"]) == 64


def test_a_replayed_key_answers_200_with_the_original_event(client: TestClient, keys: Keys) -> None:
    first = client.post(EVENTS, json=event(idempotency_key="k-1"), headers=bearer(keys.consent_rw))
    again = client.post(EVENTS, json=event(idempotency_key="k-1"), headers=bearer(keys.consent_rw))
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["event"]["event_id"] == first.json()["event"]["event_id"]
    history = client.get("/v1/customers/C1/consent/history", headers=bearer(keys.consent_read))
    assert len(history.json()["events"]) == 1


def test_a_batch_is_201_when_any_event_is_new_and_200_when_all_replay(
    client: TestClient, keys: Keys
) -> None:
    batch = {"events": [event(idempotency_key="a"), event(channel="sms", idempotency_key="b")]}
    first = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert (first.status_code, first.json()["created"], first.json()["replayed"]) == (201, 2, 0)
    batch["events"].append(event(channel="push", idempotency_key="c"))
    mixed = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert (mixed.status_code, mixed.json()["created"], mixed.json()["replayed"]) == (201, 1, 2)
    replay = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert (replay.status_code, replay.json()["created"]) == (200, 0)
    assert [e["event"]["channel"] for e in replay.json()["events"]] == ["email", "sms", "push"]


def test_a_batch_with_bad_rows_names_every_row_and_writes_nothing(
    client: TestClient, keys: Keys
) -> None:
    batch = {
        "events": [
            event(),
            event(channel="fax"),
            event(kind="snooze"),
            event(purpose="Not A Topic!"),
            event(occurred_at="yesterday"),
        ]
    }
    response = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["row"], e["field"], e["value"]) for e in errors] == [
        (1, "channel", "fax"),
        (2, "until", None),
        (3, "purpose", "Not A Topic!"),
        (4, "occurred_at", "yesterday"),
    ]
    assert all(e["reason"] for e in errors)
    state = client.get("/v1/customers/C1/consent", headers=bearer(keys.consent_read)).json()
    assert state["consent"] == []


def test_wrong_types_and_unknown_fields_are_named_per_row(client: TestClient, keys: Keys) -> None:
    batch = {"events": [event(), event(customer_id=42), event(colour="blue")]}
    response = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {
        "row": 1,
        "field": "customer_id",
        "value": 42,
        "reason": "Input should be a valid string",
    } in errors
    assert {
        "row": 2,
        "field": "colour",
        "value": "blue",
        "reason": "Extra inputs are not permitted",
    } in errors


def test_a_single_bad_event_names_field_value_and_reason(client: TestClient, keys: Keys) -> None:
    response = client.post(EVENTS, json=event(kind="maybe"), headers=bearer(keys.consent_rw))
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["row"], problem["field"], problem["value"]) == (None, "kind", "maybe")
    assert problem["reason"].startswith("unknown kind")


def test_state_now_and_as_of_a_past_instant(
    client: TestClient, keys: Keys, clock: FrozenClock
) -> None:
    client.post(EVENTS, json=event(), headers=bearer(keys.consent_rw))
    before_opt_out = clock.now().isoformat()
    clock.advance(timedelta(days=2))
    client.post(EVENTS, json=event(kind="opt_out", channel="all"), headers=bearer(keys.consent_rw))
    now = client.get("/v1/customers/C1/consent", headers=bearer(keys.consent_read)).json()
    then = client.get(
        "/v1/customers/C1/consent", params={"at": before_opt_out}, headers=bearer(keys.consent_read)
    ).json()
    assert {(e["channel"], e["status"]) for e in now["consent"]} == {
        ("all", "opted_out"),
        ("email", "opted_out"),
    }
    assert then["at"] == before_opt_out
    assert [(e["channel"], e["status"]) for e in then["consent"]] == [("email", "opted_in")]


def test_a_bad_at_is_a_422_naming_the_query_parameter(client: TestClient, keys: Keys) -> None:
    response = client.get(
        "/v1/customers/C1/consent",
        params={"at": "2026-03-01T10:00"},
        headers=bearer(keys.consent_read),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "at"
    assert response.json()["errors"][0]["value"] == "2026-03-01T10:00"


def test_a_plus_that_became_a_space_in_at_says_to_write_2b(client: TestClient, keys: Keys) -> None:
    for path in ("/v1/customers/C1/consent", "/v1/customers/C1/consent/proof"):
        response = client.get(
            f"{path}?at=2026-01-15T00:00:00+01:00", headers=bearer(keys.consent_read)
        )
        assert response.status_code == 422
        [problem] = response.json()["errors"]
        assert (problem["field"], problem["value"]) == ("at", "2026-01-15T00:00:00 01:00")
        assert "'+' must be written %2B in a URL" in problem["reason"]
    written = client.get(
        "/v1/customers/C1/consent?at=2026-01-15T00:00:00%2B01:00", headers=bearer(keys.consent_read)
    )
    assert written.json()["at"] == "2026-01-14T23:00:00+00:00"


def test_a_bad_at_without_a_lost_plus_gets_no_url_hint(client: TestClient, keys: Keys) -> None:
    response = client.get(
        "/v1/customers/C1/consent",
        params={"at": "yesterday 10:00"},
        headers=bearer(keys.consent_read),
    )
    assert response.json()["errors"][0]["reason"] == "not an ISO 8601 instant"


def test_a_key_reused_inside_a_batch_names_the_row_that_reuses_it(
    client: TestClient, keys: Keys
) -> None:
    batch = {
        "events": [
            event(idempotency_key="k"),
            event(customer_id="C2", idempotency_key="k"),
            event(idempotency_key="k"),
            event(kind="opt_out", idempotency_key="k"),
        ]
    }
    response = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert response.status_code == 409
    [problem] = response.json()["errors"]
    assert (problem["row"], problem["field"], problem["value"]) == (3, "idempotency_key", "k")
    assert response.json()["detail"].startswith("row 3, ")
    history = client.get("/v1/customers/C1/consent/history", headers=bearer(keys.consent_read))
    assert history.json()["events"] == []


def test_a_batch_key_clashing_with_a_stored_event_names_the_row_using_it(
    client: TestClient, keys: Keys
) -> None:
    client.post(EVENTS, json=event(idempotency_key="k"), headers=bearer(keys.consent_rw))
    batch = {
        "events": [
            event(channel="sms", idempotency_key="a"),
            event(kind="opt_out", idempotency_key="k"),
        ]
    }
    response = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert response.status_code == 409
    assert response.json()["errors"][0]["row"] == 1


def test_proof_lists_the_deciding_events_as_a_receipt(client: TestClient, keys: Keys) -> None:
    client.post(EVENTS, json=event(lawful_basis="consent"), headers=bearer(keys.consent_rw))
    client.post(EVENTS, json=event(channel="sms", kind="opt_out"), headers=bearer(keys.consent_rw))
    proof = client.get("/v1/customers/C1/consent/proof", headers=bearer(keys.consent_read)).json()
    assert proof["piiPrincipalId"] == "C1"
    assert {e["channel"] for e in proof["deciding_events"]} == {"email", "sms"}
    assert {e["event_state"] for e in proof["deciding_events"]} == {"given", "withdrawn"}
    assert len(proof["history"]) == 2


def test_ledger_verifies_after_api_writes(client: TestClient, keys: Keys) -> None:
    client.post(
        EVENTS, json={"events": [event(), event(channel="sms")]}, headers=bearer(keys.consent_rw)
    )
    report = client.get("/v1/ledger/verify", headers=bearer(keys.admin)).json()
    assert report == {"intact": True, "events_checked": 2, "problems": []}
