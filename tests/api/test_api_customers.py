"""Customers over HTTP: upsert one or many, list, show, erase."""

from __future__ import annotations

from typing import Any

from tests.api.api_support import Keys, TestClient, bearer

CUSTOMERS = "/v1/customers"


def customer(customer_id: str = "C1", **fields: Any) -> dict[str, Any]:
    base = {
        "customer_id": customer_id,
        "country": "ES",
        "phone": "+34 600 100 001",
        "email": "Lucia.Garcia@Example.COM",
        "attributes": {"plan": "fibra", "arpu": 45.9},
    }
    return {**base, **fields}


def test_upsert_one_customer_then_show_it_normalised(client: TestClient, keys: Keys) -> None:
    headers = bearer(keys.customers_rw)
    response = client.post(CUSTOMERS, json=customer(), headers=headers)
    assert (response.status_code, response.json()) == (200, {"created": 1, "updated": 0})
    shown = client.get(f"{CUSTOMERS}/C1", headers=headers).json()
    assert shown["phones"] == ["+34600100001"]
    assert shown["time_zone"] == "Europe/Madrid"
    assert shown["attributes"] == {"arpu": 45.9, "plan": "fibra"}
    assert shown["suppressed"] == []


def test_upsert_a_batch_counts_created_and_updated(client: TestClient, keys: Keys) -> None:
    headers = bearer(keys.customers_rw)
    client.post(CUSTOMERS, json=customer("C1"), headers=headers)
    batch = {"customers": [customer("C1", country="MX", phone=None), customer("C2")]}
    response = client.post(CUSTOMERS, json=batch, headers=headers)
    assert response.json() == {"created": 1, "updated": 1}
    assert client.get(f"{CUSTOMERS}/C1", headers=headers).json()["country"] == "MX"


def test_a_batch_with_bad_rows_is_refused_whole_naming_each_row(
    client: TestClient, keys: Keys
) -> None:
    headers = bearer(keys.customers_rw)
    batch = {
        "customers": [
            customer("C1"),
            customer("C2", country="XX"),
            customer("C3", email="not-an-email"),
        ]
    }
    response = client.post(CUSTOMERS, json=batch, headers=headers)
    assert response.status_code == 422
    rows = [(e["row"], e["field"], e["value"]) for e in response.json()["errors"]]
    assert rows == [(1, "country", "XX"), (2, "email", "not-an-email")]
    assert client.get(CUSTOMERS, headers=headers).json()["customers"] == []


def test_pydantic_type_errors_name_row_field_and_value(client: TestClient, keys: Keys) -> None:
    batch = {"customers": [customer("C1"), customer("C2", phones="+34600100002")]}
    response = client.post(CUSTOMERS, json=batch, headers=bearer(keys.customers_rw))
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["row"], problem["field"], problem["value"]) == (1, "phones", "+34600100002")


def test_list_pages_through_customers_in_id_order(client: TestClient, keys: Keys) -> None:
    headers = bearer(keys.customers_rw)
    batch = {"customers": [customer(f"C{i}", phone=None, email=None) for i in (3, 1, 2)]}
    client.post(CUSTOMERS, json=batch, headers=headers)
    first = client.get(CUSTOMERS, params={"limit": 2}, headers=headers).json()
    assert [c["customer_id"] for c in first["customers"]] == ["C1", "C2"]
    rest = client.get(
        CUSTOMERS, params={"limit": 2, "after": first["next_after"]}, headers=headers
    ).json()
    assert ([c["customer_id"] for c in rest["customers"]], rest["next_after"]) == (["C3"], None)


def test_an_unknown_customer_is_404(client: TestClient, keys: Keys) -> None:
    response = client.get(f"{CUSTOMERS}/nobody", headers=bearer(keys.customers_rw))
    assert response.status_code == 404
    assert response.json()["type"] == "urn:cortesia:problem:not-found"


def test_erasure_needs_admin_and_returns_the_receipt(client: TestClient, keys: Keys) -> None:
    client.post(CUSTOMERS, json=customer(), headers=bearer(keys.customers_rw))
    assert client.delete(f"{CUSTOMERS}/C1", headers=bearer(keys.customers_rw)).status_code == 403
    receipt = client.delete(f"{CUSTOMERS}/C1", headers=bearer(keys.admin)).json()
    assert receipt["customer_id"] == "C1"
    assert receipt["contact_points_suppressed"] == 2
    assert client.get(f"{CUSTOMERS}/C1", headers=bearer(keys.admin)).status_code == 404
    assert client.get("/v1/ledger/verify", headers=bearer(keys.admin)).json()["intact"] is True
