"""The ledger head as an anchor, over HTTP."""

from __future__ import annotations

from tests.api.api_support import Keys, TestClient, bearer


def _event(key: str) -> dict[str, object]:
    return {
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "kind": "opt_in",
        "source": "web",
        "idempotency_key": key,
    }


def test_the_head_anchors_a_later_verification(client: TestClient, keys: Keys) -> None:
    client.post("/v1/consent-events", json=_event("a"), headers=bearer(keys.consent_rw))
    head = client.get("/v1/ledger/head", headers=bearer(keys.admin)).json()
    assert head["last_seq"] == 1 and head["anchor"] == f"1:{head['last_hash']}"
    good = client.get(
        "/v1/ledger/verify", params={"anchor": head["anchor"]}, headers=bearer(keys.admin)
    ).json()
    assert good["intact"] is True
    moved = client.get(
        "/v1/ledger/verify", params={"anchor": f"2:{head['last_hash']}"}, headers=bearer(keys.admin)
    ).json()
    assert moved["intact"] is False
    assert moved["problems"][0]["problem"] == "removed"


def test_a_malformed_anchor_is_a_problem_naming_it(client: TestClient, keys: Keys) -> None:
    answer = client.get(
        "/v1/ledger/verify", params={"anchor": "nonsense"}, headers=bearer(keys.admin)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "anchor"


def test_the_head_needs_the_admin_scope(client: TestClient, keys: Keys) -> None:
    assert client.get("/v1/ledger/head", headers=bearer(keys.consent_rw)).status_code == 403
