"""API keys, scopes and the shape of every error: RFC 9457 problem details."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from tests.api.api_support import Keys, TestClient, bearer, make_settings

from cortesia.api import create_app
from cortesia.engine.hub import Engine
from cortesia.errors import StoreError

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "errors"}


def test_health_needs_no_key(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_openapi_docs_are_served_and_list_the_routes(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/customers",
        "/v1/consent-events",
        "/v1/customers/{customer_id}/consent/proof",
        "/v1/ledger/verify",
        "/u/{token}",
    } <= set(paths)


def test_missing_key_is_401_problem_details(client: TestClient) -> None:
    response = client.get("/v1/customers/C1/consent")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_FIELDS
    assert body["type"] == "urn:cortesia:problem:unauthorized"
    assert body["instance"] == "/v1/customers/C1/consent"
    assert "Bearer" in body["detail"]


@pytest.mark.parametrize("presented", ["nonsense", "ck_000000000000_wrong", ""])
def test_unknown_or_malformed_keys_are_401(client: TestClient, keys: Keys, presented: str) -> None:
    response = client.get("/v1/customers/C1/consent", headers=bearer(presented))
    assert response.status_code == 401


def test_key_without_the_scope_is_403(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/consent-events",
        json={"customer_id": "C1", "channel": "sms", "purpose": "marketing", "kind": "opt_in"},
        headers=bearer(keys.consent_read),
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "this key lacks the scope consent:write"
    assert client.get("/v1/ledger/verify", headers=bearer(keys.consent_rw)).status_code == 403
    assert client.get("/v1/customers", headers=bearer(keys.consent_rw)).status_code == 403


def test_x_api_key_header_is_accepted_too(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/customers/C1/consent", headers={"X-API-Key": keys.consent_read})
    assert response.status_code == 200


def test_revoked_key_is_refused(client: TestClient, keys: Keys, memory_engine: Engine) -> None:
    key_id = keys.consent_read.split("_")[1]
    memory_engine.access.revoke(key_id)
    response = client.get("/v1/customers/C1/consent", headers=bearer(keys.consent_read))
    assert (response.status_code, response.json()["detail"]) == (401, "revoked API key")


def test_admin_key_may_do_everything(client: TestClient, keys: Keys) -> None:
    for path in ("/v1/customers", "/v1/customers/C1/consent", "/v1/ledger/verify"):
        assert client.get(path, headers=bearer(keys.admin)).status_code == 200


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_malformed_json_is_a_422_problem_naming_the_body(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/consent-events",
        content=b"{not json",
        headers={**bearer(keys.consent_rw), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["reason"]


class _BrokenStore:
    """A store whose every read fails, as a database that went away would."""

    def __getattr__(self, name: str) -> object:
        def fail(*args: object, **kwargs: object) -> object:
            raise StoreError("SELECT secret FROM somewhere failed")

        return fail


class _ExplodingAccess:
    def authenticate(self, presented: str | None, needed: object) -> object:
        raise RuntimeError("secret internals")


def test_store_failure_is_503_without_the_sql(memory_engine: Engine, keys: Keys) -> None:
    memory_engine.consent._store = _BrokenStore()  # type: ignore[assignment]
    with TestClient(create_app(make_settings(), memory_engine)) as client:
        response = client.get("/v1/customers/C1/consent", headers=bearer(keys.admin))
    assert response.status_code == 503
    assert "SELECT" not in response.text


def test_unexpected_error_is_a_500_problem_without_a_stack_trace(memory_engine: Engine) -> None:
    memory_engine.access = _ExplodingAccess()  # type: ignore[assignment]
    app: FastAPI = create_app(make_settings(), memory_engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/customers/C1/consent", headers=bearer("anything"))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_an_app_without_an_engine_builds_one_at_startup_and_closes_it_at_shutdown() -> None:
    app = create_app(make_settings())
    assert app.state.engine is None
    with TestClient(app) as client:
        assert isinstance(app.state.engine, Engine)
        assert client.get("/v1/ledger/verify").status_code == 401
    assert app.state.engine is None


def test_an_engine_passed_in_stays_open_for_its_owner(memory_engine: Engine) -> None:
    app = create_app(make_settings(), memory_engine)
    with TestClient(app):
        pass
    assert app.state.engine is memory_engine
