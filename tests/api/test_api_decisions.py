"""Decisions and outcomes over HTTP: decide, explain, report, and the opt-out that sticks."""

from __future__ import annotations

import pytest
from tests.api.api_support import TestClient, bearer
from tests.engine.decision_support import action, decision_engine, reachable

from cortesia.engine.hub import Engine


@pytest.fixture
def memory_engine() -> Engine:
    """The app's engine: a catalog of two SMS offers, Colombia's registry scrubbed, at NOW."""
    return decision_engine(action("pack", value="0.2 * arpu * 12"), action("tv", value=10))


def _ready(engine: Engine) -> dict[str, str]:
    reachable(engine, "ana")
    return bearer(engine.access.create(["decide"], "channels").secret)


def test_a_decision_answers_the_chosen_actions_and_the_trace(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = _ready(memory_engine)
    body = {"customer": "ana", "channel": "sms", "context": {"device": "android"}}
    answer = client.post("/v1/decisions", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["silent"] is False
    assert [a["action"] for a in view["actions"]] == ["pack"]
    first = view["actions"][0]
    expected = {"action", "channel", "purpose", "propensity", "value", "p_optout"}
    assert expected | {"expected_net_value", "priority"} <= set(first)
    assert {t["action"]: t["stage"] for t in view["trace"]} == {
        "pack": "chosen",
        "tv": "selection",
    }


def test_a_stored_decision_is_explained_in_words(client: TestClient, memory_engine: Engine) -> None:
    headers = _ready(memory_engine)
    made = client.post(
        "/v1/decisions", json={"customer": "ana", "channel": "sms"}, headers=headers
    ).json()
    shown = client.get(f"/v1/decisions/{made['decision_id']}", headers=headers)
    assert shown.status_code == 200
    lines = shown.json()["explanation"]
    assert lines[0].startswith(f"Decision {made['decision_id']} for customer ana")
    assert any(line.startswith("Offered “Oferta pack” (pack) by sms") for line in lines)


def test_an_opted_out_outcome_silences_the_next_marketing_decision(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = _ready(memory_engine)
    made = client.post(
        "/v1/decisions", json={"customer": "ana", "channel": "sms"}, headers=headers
    ).json()
    report = {"decision_id": made["decision_id"], "action": "pack", "outcome": "opted_out"}
    answer = client.post("/v1/outcomes", json=report, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["opt_out_event_id"]
    replay = client.post("/v1/outcomes", json=report, headers=headers).json()
    assert replay["replayed"] is True
    again = client.post(
        "/v1/decisions", json={"customer": "ana", "channel": "sms"}, headers=headers
    ).json()
    assert again["silent"] is True
    assert {t["stage"] for t in again["trace"]} == {"policy"}


def test_bad_requests_are_problems_naming_the_field(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = _ready(memory_engine)
    bad_channel = client.post(
        "/v1/decisions", json={"customer": "ana", "channel": "pigeon"}, headers=headers
    )
    assert bad_channel.status_code == 422
    assert "channel" in bad_channel.text and "pigeon" in bad_channel.text
    unknown = client.post(
        "/v1/decisions", json={"customer": "nobody", "channel": "sms"}, headers=headers
    )
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    missing = client.get("/v1/decisions/nope", headers=headers)
    assert missing.status_code == 404
    no_key = client.post("/v1/decisions", json={"customer": "ana", "channel": "sms"})
    assert no_key.status_code == 401


def test_a_malformed_body_is_a_problem_naming_what_is_wrong(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = _ready(memory_engine)
    missing = client.post("/v1/decisions", json={"channel": "sms"}, headers=headers)
    assert missing.status_code == 422
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "customer" in missing.text
    wrong = client.post(
        "/v1/decisions", json={"customer": "ana", "channel": "sms", "limit": 99}, headers=headers
    )
    assert wrong.status_code == 422 and "limit" in wrong.text
    broken = client.post(
        "/v1/decisions",
        content=b'{"customer": "ana",',
        headers={**headers, "content-type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"].startswith("application/problem+json")


def test_the_decision_route_is_documented_with_its_body_and_key(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/decisions"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"customer", "channel", "direction", "context", "at", "limit"} <= set(
        schema["properties"]
    )
    assert {"HTTPBearer": []} in post["security"]


def test_a_key_in_x_api_key_is_accepted_and_a_wrong_scope_is_forbidden(
    client: TestClient, memory_engine: Engine
) -> None:
    reachable(memory_engine, "ana")
    key = memory_engine.access.create(["decide"], "channels").secret
    body = {"customer": "ana", "channel": "sms"}
    assert client.post("/v1/decisions", json=body, headers={"X-API-Key": key}).status_code == 200
    reader = memory_engine.access.create(["consent:read"], "auditor").secret
    refused = client.post("/v1/decisions", json=body, headers=bearer(reader))
    assert refused.status_code == 403
