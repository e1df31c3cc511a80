"""The reports over HTTP: opt-out economics, fatigue and recovered opt-ins."""

from __future__ import annotations

import pytest
from tests.api.api_support import TestClient, bearer
from tests.engine.test_optout_economics import NOW, START, simulated

from cortesia.engine.hub import Engine

PERIOD = {"from": START.isoformat(), "to": NOW.isoformat()}


@pytest.fixture
def memory_engine() -> Engine:
    """Ten days of generated outcomes of two campaigns, one of them harmful."""
    return simulated()


def test_the_optout_report_flags_the_harmful_campaign(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = bearer(memory_engine.access.create(["reports:read"], "cmo").secret)
    found = client.get("/v1/reports/optout", params=PERIOD, headers=headers)
    assert found.status_code == 200, found.text
    rows = {r["campaign"]: r for r in found.json()["rows"]}
    assert rows["sales/blast"]["eroded_exceeds_incremental"] is True
    assert rows["sales/pack"]["eroded_exceeds_incremental"] is False
    by_action = client.get("/v1/reports/optout", params={**PERIOD, "by": "action"}, headers=headers)
    assert {r["action"] for r in by_action.json()["rows"]} == {"blast", "pack"}


def test_fatigue_and_optins_answer(client: TestClient, memory_engine: Engine) -> None:
    headers = bearer(memory_engine.access.create(["reports:read"], "cmo").secret)
    for path in ("/v1/reports/fatigue", "/v1/reports/optins"):
        found = client.get(path, params=PERIOD, headers=headers)
        assert found.status_code == 200, found.text
        assert found.json()["period"]["from"] == START.isoformat()


def test_bad_parameters_are_problem_details_naming_the_field(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = bearer(memory_engine.access.create(["reports:read"], "cmo").secret)
    for params, field in (
        ({"by": "planet"}, "by"),
        ({"from": "yesterday"}, "from"),
        ({"attribution": "first"}, "attribution"),
    ):
        found = client.get("/v1/reports/optout", params=params, headers=headers)
        assert found.status_code in (400, 422), found.text
        assert found.headers["content-type"].startswith("application/problem+json")
        assert field in found.text


def test_reports_need_the_reports_scope(client: TestClient, memory_engine: Engine) -> None:
    headers = bearer(memory_engine.access.create(["decide"], "ops").secret)
    found = client.get("/v1/reports/optout", headers=headers)
    assert found.status_code == 403


def test_a_customers_value_and_l_per_channel(client: TestClient, memory_engine: Engine) -> None:
    from cortesia.engine.value_ports import CustomerValue

    memory_engine.store.save_customer_values(
        [CustomerValue("p1", 5000.0, 10.0, 30.0, "sbg@1", NOW)]
    )
    headers = bearer(memory_engine.access.create(["customers:read"], "crm").secret)
    found = client.get("/v1/customers/p1/value", headers=headers)
    assert found.status_code == 200, found.text
    view = found.json()
    assert view["residual_value"] == 5000.0 and view["expected_days"] == 300.0
    assert set(view["eroded_value"]) >= {"sms", "email", "voice"}
    missing = client.get("/v1/customers/nobody/value", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
