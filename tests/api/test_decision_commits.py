"""Decisions answered by the service are stored first, those of one loop turn together."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from tests.api.api_support import TestClient, bearer, make_settings
from tests.engine.decision_support import action, catalog_doc, decision_engine, reachable
from tests.integration.decision_workers import reachable_many, sql_decision_engine

from cortesia.adapters.sql.migrate import upgrade
from cortesia.api import create_app
from cortesia.api.decision_commits import DecisionCommits
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import DecisionRecord
from cortesia.engine.hub import Engine
from cortesia.errors import ConflictError, StoreError

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
RECORD = DecisionRecord("D0", "ana", AT, Channel.SMS, "outbound", False, 1, {})


class Recorder:
    """A ``record_many`` that keeps each batch and answers what it is told to."""

    def __init__(self, fail: Exception | None = None, refused: frozenset[str] = frozenset()):
        self.batches: list[list[str]] = []
        self.fail = fail
        self.refused = refused

    def __call__(self, records: Sequence[DecisionRecord]) -> list[Exception | None]:
        self.batches.append([r.decision_id for r in records])
        if self.fail is not None:
            raise self.fail
        return [
            ConflictError("decision_id", r.decision_id, "is already recorded")
            if r.decision_id in self.refused
            else None
            for r in records
        ]


async def _store_all(commits: DecisionCommits, ids: Sequence[str]) -> list[object]:
    records = [replace(RECORD, decision_id=i) for i in ids]
    return await asyncio.gather(*(commits.stored(r) for r in records), return_exceptions=True)


def test_records_of_one_loop_turn_are_stored_in_one_batch_and_each_gets_its_answer() -> None:
    recorder = Recorder(refused=frozenset({"D2"}))
    answers = asyncio.run(_store_all(DecisionCommits(recorder), ["D1", "D2", "D3"]))
    assert recorder.batches == [["D1", "D2", "D3"]]
    assert answers[0] is None and answers[2] is None
    assert isinstance(answers[1], ConflictError) and "D2" in str(answers[1])


def test_a_failed_batch_fails_every_record_waiting_on_it() -> None:
    recorder = Recorder(fail=StoreError("the store cannot be reached"))
    answers = asyncio.run(_store_all(DecisionCommits(recorder), ["D1", "D2"]))
    assert recorder.batches == [["D1", "D2"]]
    assert all(isinstance(a, StoreError) for a in answers)


def test_a_store_answering_for_fewer_records_than_asked_fails_them_all() -> None:
    def short(records: Sequence[DecisionRecord]) -> list[Exception | None]:
        return [None] * (len(records) - 1)

    answers = asyncio.run(_store_all(DecisionCommits(short), ["D1", "D2"]))
    assert all(isinstance(a, RuntimeError) for a in answers)


def test_a_later_turn_makes_a_new_batch_and_a_cancelled_wait_harms_no_other() -> None:
    recorder = Recorder()
    commits = DecisionCommits(recorder)

    async def scenario() -> list[object]:
        gone = asyncio.create_task(commits.stored(replace(RECORD, decision_id="D1")))
        kept = asyncio.create_task(commits.stored(replace(RECORD, decision_id="D2")))
        await asyncio.sleep(0)  # both tasks are waiting on the first batch now
        gone.cancel()
        await asyncio.gather(gone, kept, return_exceptions=True)
        await commits.stored(replace(RECORD, decision_id="D3"))
        return [gone.cancelled(), kept.result()]

    assert asyncio.run(scenario()) == [True, None]
    assert recorder.batches == [["D1", "D2"], ["D3"]]  # the cancelled one is still stored


@pytest.fixture
def engine() -> Engine:
    engine = decision_engine(action("pack", value="0.2 * arpu * 12"), action("tv", value=10))
    for customer in ("ana", "bea", "cai", "dov", "eli"):
        reachable(engine, customer)
    return engine


async def _decide_together(
    engine: Engine, customers: Sequence[str]
) -> list[tuple[httpx.Response, bool]]:
    """Each answer, and whether its decision was stored when the answer arrived."""
    app = create_app(make_settings(), engine)
    headers = bearer(engine.access.create(["decide"], "channels").secret)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cortesia") as client:

        async def ask(customer: str) -> tuple[httpx.Response, bool]:
            body = {"customer": customer, "channel": "sms"}
            answer = await client.post("/v1/decisions", json=body, headers=headers)
            decided = answer.json().get("decision_id", "")
            return answer, engine.store.find_decision(decided) is not None

        return await asyncio.gather(*(ask(c) for c in customers))


def test_decisions_asked_at_once_are_stored_together_before_any_is_answered(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    record_many = engine.decisions.record_many

    def counted(records: Sequence[DecisionRecord]) -> list[ConflictError | None]:
        batches.append(len(records))
        return record_many(records)

    monkeypatch.setattr(engine.decisions, "record_many", counted)
    customers = ["ana", "bea", "cai", "dov", "eli"]
    answers = asyncio.run(_decide_together(engine, customers))
    assert [(a.status_code, stored) for a, stored in answers] == [(200, True)] * 5
    for (answer, _), customer in zip(answers, customers, strict=True):
        assert engine.decisions.find(answer.json()["decision_id"]).customer_id == customer
    assert sum(batches) == 5 and len(batches) < 5


def test_when_the_store_fails_every_decision_of_the_batch_is_a_problem_document(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(records: Sequence[DecisionRecord]) -> list[str]:
        raise StoreError("record decisions: database is locked")

    monkeypatch.setattr(engine.store, "record_decisions", unreachable)
    answers = [a for a, _ in asyncio.run(_decide_together(engine, ["ana", "bea"]))]
    assert [a.status_code for a in answers] == [503, 503]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    assert all("locked" not in a.text for a in answers)  # no store text leaks out


def test_a_service_process_sets_its_startup_heap_aside_from_collection(engine: Engine) -> None:
    gc.unfreeze()
    try:
        with TestClient(create_app(make_settings(), engine, service_process=True)) as client:
            assert client.get("/healthz").status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    with TestClient(create_app(make_settings(), engine)):
        assert gc.get_freeze_count() == 0


@pytest.fixture
def sql_engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = sql_decision_engine(database_url, refresh_seconds=0.0)
    engine.catalog.load_document(catalog_doc(action("pack"), action("tv", value=10)), source="t")
    reachable_many(engine, ["ana", "bea", "cai", "dov", "eli"])
    try:
        yield engine
    finally:
        engine.close()


def test_on_sql_decisions_asked_at_once_are_stored_before_they_are_answered(
    sql_engine: Engine,
) -> None:
    customers = ["ana", "bea", "cai", "dov", "eli"]
    answers = asyncio.run(_decide_together(sql_engine, customers))
    assert [(a.status_code, stored) for a, stored in answers] == [(200, True)] * 5
    held = [sql_engine.decisions.find(a.json()["decision_id"]) for a, _ in answers]
    assert [r.customer_id for r in held] == customers
    assert all(r.body["actions"][0]["contact_id"] for r in held)  # each kept its hold
