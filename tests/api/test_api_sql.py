"""The main HTTP flows on the real stores: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from tests.api.api_support import Keys, TestClient, add_customers, bearer, make_settings

from cortesia.adapters.memory import FrozenClock
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.api import create_app
from cortesia.engine.hub import Engine

EVENTS = "/v1/consent-events"


@pytest.fixture
def sql_engine(database_url: str, clock: FrozenClock) -> Iterator[Engine]:
    upgrade(database_url)
    engine = Engine(SqlStore(database_url), clock)
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture
def sql_client(sql_engine: Engine, database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(database_url), sql_engine)) as client:
        yield client


def opt_in(channel: str = "email", **fields: str) -> dict[str, str]:
    return {
        "customer_id": "C1",
        "channel": channel,
        "purpose": "marketing",
        "kind": "opt_in",
        **fields,
    }


def test_keys_and_scopes_are_checked_against_the_stored_hashes(
    sql_client: TestClient, sql_engine: Engine
) -> None:
    keys = Keys.issue(sql_engine)
    assert sql_client.get("/v1/customers/C1/consent").status_code == 401
    assert sql_client.get("/v1/ledger/verify", headers=bearer(keys.consent_read)).status_code == 403
    assert sql_client.get("/v1/ledger/verify", headers=bearer(keys.admin)).status_code == 200


def test_record_replay_and_read_state_now_and_as_of(
    sql_client: TestClient, sql_engine: Engine, clock: FrozenClock
) -> None:
    keys = Keys.issue(sql_engine)
    write, read = bearer(keys.consent_rw), bearer(keys.consent_read)
    replays = [
        sql_client.post(EVENTS, json=opt_in(idempotency_key="k1"), headers=write) for _ in range(2)
    ]
    assert [r.status_code for r in replays] == [201, 200]
    before = clock.now().isoformat()
    clock.advance(timedelta(hours=5))
    sql_client.post(EVENTS, json=opt_in(kind="opt_out"), headers=write)
    now = sql_client.get("/v1/customers/C1/consent", headers=read).json()
    then = sql_client.get("/v1/customers/C1/consent", params={"at": before}, headers=read).json()
    assert [e["status"] for e in now["consent"]] == ["opted_out"]
    assert [e["status"] for e in then["consent"]] == ["opted_in"]
    proof = sql_client.get("/v1/customers/C1/consent/proof", headers=read).json()
    assert len(proof["history"]) == 2


def test_a_bad_batch_names_every_row_and_writes_nothing(
    sql_client: TestClient, sql_engine: Engine
) -> None:
    keys = Keys.issue(sql_engine)
    batch = {"events": [opt_in(), opt_in("fax"), opt_in(kind="nope")]}
    response = sql_client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [
        (1, "channel"),
        (2, "kind"),
    ]
    assert list(sql_engine.store.iter_events()) == []


def test_one_click_is_idempotent_and_bad_tokens_write_nothing(
    sql_client: TestClient, sql_engine: Engine, clock: FrozenClock
) -> None:
    add_customers(sql_engine)
    path = f"/u/{sql_engine.unsubscribe.link('C1', 'email', 'marketing').token}"
    tampered = path[:-10] + ("B" if path[-10] != "B" else "C") + path[-9:]
    assert sql_client.post(tampered, data={"List-Unsubscribe": "One-Click"}).status_code == 400
    for _ in range(3):
        assert sql_client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert len(list(sql_engine.store.iter_events())) == 1
    clock.advance(timedelta(days=91))
    assert sql_client.post(path + "/choice", data={"choice": "snooze_7"}).status_code == 410
    assert len(list(sql_engine.store.iter_events())) == 1
    assert sql_engine.verify_ledger().intact
