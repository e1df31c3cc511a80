"""Contact history over HTTP: record, reserve then confirm or release, outcomes, history."""

from __future__ import annotations

from tests.api.api_support import TestClient, add_customers, bearer

from cortesia.engine.hub import Engine


def _decide(engine: Engine) -> dict[str, str]:
    return bearer(engine.access.create(["decide"], "channels").secret)


def test_a_recorded_contact_is_listed_and_a_retry_records_nothing_new(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = _decide(memory_engine)
    body = {
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "occurred_at": "2026-03-01T10:00:00+00:00",
        "action_group": "sales/data_packs",
    }
    first = client.post("/v1/contacts", json=body, headers=headers)
    again = client.post("/v1/contacts", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["contact_id"] == again.json()["contact_id"]
    listed = client.get("/v1/customers/C1/contacts", headers=headers).json()["contacts"]
    assert [c["action_group"] for c in listed] == ["sales/data_packs"]


def test_a_batch_is_recorded_whole(client: TestClient, memory_engine: Engine) -> None:
    rows = [
        {
            "customer_id": "C1",
            "channel": "email",
            "purpose": "marketing",
            "occurred_at": f"2026-03-01T1{n}:00:00+00:00",
        }
        for n in range(3)
    ]
    answer = client.post("/v1/contacts", json={"contacts": rows}, headers=_decide(memory_engine))
    assert answer.status_code == 201 and answer.json() == {"created": 3, "replayed": 0}


def test_a_reservation_is_confirmed_then_gets_an_outcome(
    client: TestClient, memory_engine: Engine
) -> None:
    add_customers(memory_engine)
    headers = _decide(memory_engine)
    check = {"customer": "C1", "channel": "sms", "purpose": "service", "reserve": True}
    held = client.post("/v1/policy/check", json=check, headers=headers).json()["reservation"]
    contact_id = held["contact_id"]
    sent = client.post(f"/v1/contacts/{contact_id}/confirm", headers=headers).json()
    assert sent["status"] == "sent"
    answer = client.post(
        f"/v1/contacts/{contact_id}/outcome", json={"outcome": "accepted"}, headers=headers
    ).json()
    assert answer["outcome"] == "accepted"
    assert client.post(f"/v1/contacts/{contact_id}/release", headers=headers).status_code == 409


def test_an_unknown_outcome_is_a_problem_naming_it(
    client: TestClient, memory_engine: Engine
) -> None:
    add_customers(memory_engine)
    headers = _decide(memory_engine)
    check = {"customer": "C1", "channel": "sms", "purpose": "service", "reserve": True}
    contact_id = client.post("/v1/policy/check", json=check, headers=headers).json()["reservation"][
        "contact_id"
    ]
    client.post(f"/v1/contacts/{contact_id}/confirm", headers=headers)
    answer = client.post(
        f"/v1/contacts/{contact_id}/outcome", json={"outcome": "thrilled"}, headers=headers
    )
    assert answer.status_code == 422 and "thrilled" in answer.text
    assert client.get("/v1/contacts/nope", headers=headers).status_code == 404
