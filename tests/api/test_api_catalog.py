"""The catalog over HTTP: admins write versions, channels read what is in force."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from tests.api.api_support import Keys, TestClient, bearer

from cortesia.engine.hub import Engine

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalog-minimal.toml"


def example() -> dict[str, Any]:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    loaded: dict[str, Any] = json.loads(json.dumps(raw, default=str))  # dates as text
    return loaded


def tv_bundle(**fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "name": {"es": "Paquete TV", "en": "TV bundle"},
        "text": {"es": "Series y fútbol", "en": "Series and football"},
        "group": "cross_sell/tv",
        "category": "cross_sell",
        "purpose": "marketing",
        "value": "3 * arpu",
        "channels": {"email": {"treatment": "email_tv", "cost": 0.001}},
    }
    found.update(fields)
    return found


def decide_key(engine: Engine) -> dict[str, str]:
    return bearer(engine.access.create(["decide"], "channels").secret)


def test_an_admin_replaces_the_catalog_and_a_channel_reads_it(
    client: TestClient, keys: Keys, memory_engine: Engine
) -> None:
    put = client.put("/v1/catalog", json=example(), headers=bearer(keys.admin))
    assert put.status_code == 200, put.text
    assert (put.json()["version"], put.json()["actions"], put.json()["unchanged"]) == (1, 4, False)
    got = client.get("/v1/catalog", headers=decide_key(memory_engine))
    assert got.status_code == 200, got.text
    view = got.json()
    assert view["version"] == 1 and view["name"] == "Minimal telco catalog"
    assert view["settings"]["time_zone"] == "America/Bogota"
    assert view["actions"][0]["id"] == "data_pack_5gb"
    again = client.put("/v1/catalog", json=example(), headers=bearer(keys.admin)).json()
    assert (again["version"], again["unchanged"]) == (1, True)


def test_writing_the_catalog_needs_the_admin_scope(
    client: TestClient, memory_engine: Engine
) -> None:
    answer = client.put("/v1/catalog", json=example(), headers=decide_key(memory_engine))
    assert answer.status_code == 403
    assert client.get("/v1/catalog/versions").status_code == 401


def test_every_mistake_of_a_catalog_is_a_problem_naming_field_value_and_reason(
    client: TestClient, keys: Keys, memory_engine: Engine
) -> None:
    doc = example()
    doc["actions"][0]["channels"]["sms"]["cost"] = -1
    doc["actions"][2]["eligibility"] = "days_until(bill_due_on) <="
    answer = client.put("/v1/catalog", json=doc, headers=bearer(keys.admin))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"] == "urn:cortesia:problem:validation"
    assert [(e["field"], e["value"]) for e in problem["errors"]] == [
        ("actions[0].channels.sms.cost", -1),
        ("action bill_due_notice eligibility", "days_until(bill_due_on) <="),
    ]
    assert "zero or more" in problem["errors"][0]["reason"]
    assert "column" in problem["errors"][1]["reason"]
    assert memory_engine.catalog.versions() == []


def test_a_body_that_is_not_a_catalog_is_refused(client: TestClient, keys: Keys) -> None:
    answer = client.put("/v1/catalog", json={"actons": []}, headers=bearer(keys.admin))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "actons"


def test_one_action_is_read_added_replaced_and_removed(
    client: TestClient, keys: Keys, memory_engine: Engine
) -> None:
    admin, reader = bearer(keys.admin), decide_key(memory_engine)
    client.put("/v1/catalog", json=example(), headers=admin)
    shown = client.get("/v1/catalog/actions/data_pack_5gb", headers=reader)
    assert shown.status_code == 200 and shown.json()["channels"]["sms"]["window"] == "09:00-20:00"
    added = client.put("/v1/catalog/actions/tv_bundle", json=tv_bundle(), headers=admin)
    assert added.status_code == 200, added.text
    assert (added.json()["version"], added.json()["actions"]) == (2, 5)
    replaced = client.put("/v1/catalog/actions/tv_bundle", json=tv_bundle(value=9), headers=admin)
    assert replaced.json()["version"] == 3
    assert client.get("/v1/catalog/actions/tv_bundle", headers=reader).json()["value"] == 9.0
    removed = client.delete("/v1/catalog/actions/tv_bundle", headers=admin)
    assert (removed.json()["version"], removed.json()["actions"]) == (4, 4)
    gone = client.get("/v1/catalog/actions/tv_bundle", headers=reader)
    assert gone.status_code == 404
    versions = client.get("/v1/catalog/versions", headers=reader).json()["versions"]
    assert [v["version"] for v in versions] == [4, 3, 2, 1]
    assert memory_engine.catalog.current().version == 4


def test_an_action_whose_id_differs_from_the_path_is_refused(
    client: TestClient, keys: Keys
) -> None:
    body = tv_bundle(id="radio")
    answer = client.put("/v1/catalog/actions/tv_bundle", json=body, headers=bearer(keys.admin))
    assert answer.status_code == 422
    assert answer.json()["errors"][0] == {
        "row": None,
        "field": "action.id",
        "value": "radio",
        "reason": "must be the id in the path (tv_bundle)",
    }


def test_a_bad_action_names_its_field(client: TestClient, keys: Keys) -> None:
    body = tv_bundle(channels={"email": {"treatment": "t", "window": "late"}})
    answer = client.put("/v1/catalog/actions/tv_bundle", json=body, headers=bearer(keys.admin))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "action.channels.email.window"


def test_reading_before_any_catalog_is_not_found(
    client: TestClient, keys: Keys, memory_engine: Engine
) -> None:
    assert client.get("/v1/catalog", headers=decide_key(memory_engine)).status_code == 404
    removed = client.delete("/v1/catalog/actions/x", headers=bearer(keys.admin))
    assert removed.status_code == 404
