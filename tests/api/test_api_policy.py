"""Contact policy over HTTP: checks with every reason, reservations, legal checks, packs."""

from __future__ import annotations

from tests.api.api_support import TestClient, add_customers, bearer

from cortesia.engine.hub import Engine


def _decide(engine: Engine) -> dict[str, str]:
    return bearer(engine.access.create(["decide"], "channels").secret)


def test_a_check_answers_allowed_and_every_reason_with_layer_rule_and_citation(
    client: TestClient, memory_engine: Engine
) -> None:
    add_customers(memory_engine)
    body = {"customer": "C1", "channel": "email", "purpose": "marketing"}
    answer = client.post("/v1/policy/check", json=body, headers=_decide(memory_engine))
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["allowed"] is False  # Spanish e-mail marketing needs consent (LSSI 21)
    assert {"layer", "rule", "allowed", "detail", "citation"} <= set(view["reasons"][0])
    assert view["customer"] == "C1" and view["channel"] == "email"


def test_a_reservation_holds_a_contact_that_can_then_be_found(
    client: TestClient, memory_engine: Engine
) -> None:
    add_customers(memory_engine)
    body = {"customer": "C1", "channel": "sms", "purpose": "service", "reserve": True}
    view = client.post("/v1/policy/check", json=body, headers=_decide(memory_engine)).json()
    assert view["allowed"] is True, view
    held = memory_engine.store.find_contact(view["reservation"]["contact_id"])
    assert held is not None and held.status.value == "reserved"


def test_the_legal_check_reads_the_local_time_from_the_offset_given(
    client: TestClient, memory_engine: Engine
) -> None:
    body = {
        "country": "US",
        "subdivision": "US-FL",
        "channel": "voice",
        "purpose": "marketing",
        "at": "2026-11-23T20:00:00-05:00",
    }
    view = client.post("/v1/policy/legal", json=body, headers=_decide(memory_engine)).json()
    assert view["allowed"] is False
    assert [r["rule"] for r in view["reasons"] if not r["allowed"]] == ["US-FL-1"]


def test_a_bad_channel_is_a_problem_naming_the_field(
    client: TestClient, memory_engine: Engine
) -> None:
    body = {"customer": "C1", "channel": "pigeon", "purpose": "marketing"}
    answer = client.post("/v1/policy/check", json=body, headers=_decide(memory_engine))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "channel" in answer.text and "pigeon" in answer.text


def test_an_unknown_customer_is_a_404_problem(client: TestClient, memory_engine: Engine) -> None:
    body = {"customer": "nobody", "channel": "sms", "purpose": "marketing"}
    answer = client.post("/v1/policy/check", json=body, headers=_decide(memory_engine))
    assert answer.status_code == 404


def test_packs_are_listed_and_one_pack_carries_its_citations(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = _decide(memory_engine)
    listed = client.get("/v1/policy/packs", headers=headers).json()["packs"]
    assert {"CO", "US"} <= {p["country"] for p in listed}
    pack = client.get("/v1/policy/packs/CO", headers=headers).json()
    assert all(rule["citation"] for rule in pack["rules"])
    assert client.get("/v1/policy/packs/ZZ", headers=headers).status_code == 404


def test_a_key_without_the_decide_scope_is_refused(
    client: TestClient, memory_engine: Engine
) -> None:
    key = bearer(memory_engine.access.create(["consent:read"], "auditor").secret)
    body = {"customer": "C1", "channel": "sms", "purpose": "marketing"}
    assert client.post("/v1/policy/check", json=body, headers=key).status_code == 403
