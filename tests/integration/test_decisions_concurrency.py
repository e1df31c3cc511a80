"""Four OS processes deciding at once pass no company cap, no daily limit, lose no count.

Each child builds its own engine on the same SQLite file or PostgreSQL database (see
``decision_workers``) and decides or reports outcomes as fast as it can. Deciding
children go in step (a barrier before each decision), so every step is a race. Demand
always exceeds the limit under test, and every figure is checked
against the rows stored, so a race that lets one decision too many through, or loses
one increment, fails the test. Children come from a fork server, as in
``test_contact_reservation_concurrency``.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.engine.decision_support import NOW, action, catalog_doc
from tests.integration import decision_workers
from tests.integration.decision_workers import DAY, WARM_UP, reachable_many, sql_decision_engine

from cortesia.adapters.sql.migrate import upgrade
from cortesia.domain.contacts import ContactStatus
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.decision_ports import ResponseCount
from cortesia.engine.hub import Engine

PROCESSES = multiprocessing.get_context("forkserver")
PRELOAD = ["tests.integration.decision_workers", "cortesia.engine.hub"]
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
CAP = 3  # marketing SMS per customer per day (company policy)
LIMIT = 10  # the promotion's daily limit
BONUS_LIMIT = 5  # the next best action's daily limit
PER_WORKER = 10  # customers (or decisions) each child handles
CAPPED = tuple(f"capped-{n}" for n in range(5))
COST = 0.02  # of an SMS, in decision_support.action


@pytest.fixture(autouse=True)
def _children_find_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fork server starts with this sys.path, then imports the modules of PRELOAD.
    monkeypatch.syspath_prepend(str(ROOT))
    PROCESSES.set_forkserver_preload(PRELOAD)


@pytest.fixture
def url(database_url: str) -> str:
    upgrade(database_url)
    return database_url


@pytest.fixture
def setup(url: str) -> Iterator[Engine]:
    """The parent's engine: loads the catalog, adds the customers, reads the results."""
    engine = sql_decision_engine(url, refresh_seconds=0.0)
    yield engine
    engine.close()


def _run(target: Callable[..., None], jobs: list[tuple[Any, ...]], folder: Path) -> list[str]:
    """Run ``target(url, together, *rest, out)`` for each job ``(url, *rest)`` in a child of
    its own; what each child wrote."""
    together = PROCESSES.Barrier(len(jobs))
    outs = [folder / f"worker-{n}.out" for n in range(len(jobs))]
    children = [
        PROCESSES.Process(target=target, args=(job[0], together, *job[1:], str(out)))
        for job, out in zip(jobs, outs, strict=True)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    return [out.read_text(encoding="utf-8") for out in outs]


def _decisions(written: list[str]) -> list[tuple[str, list[str]]]:
    return [(d, chosen) for out in written for d, chosen in json.loads(out)]


def test_four_processes_deciding_for_one_customer_never_pass_the_company_cap(
    url: str, setup: Engine, tmp_path: Path
) -> None:
    # Two actions in two groups; the promotion's own daily limit makes each decision take
    # volume before its hold, so a hold refused under the lock must give that volume back.
    setup.catalog.load_document(
        catalog_doc(action("promo", value=300, daily_limit=100), action("pack")), source="test"
    )
    reachable_many(setup, [*CAPPED, WARM_UP])
    # One customer at a time, twice per child: 4 decisions race for the 3 slots, then 4
    # more find none. Five customers make five independent races.
    steps = [customer for customer in CAPPED for _ in range(2)]
    jobs = [(url, steps, CAP) for _ in range(WORKERS)]
    made = _decisions(_run(decision_workers.decide_in_process, jobs, tmp_path))

    assert len(made) == WORKERS * len(steps)
    offered = [chosen for _, chosen in made if chosen]
    assert all(len(chosen) == 1 for chosen in offered)
    for customer in CAPPED:
        stored = setup.store.decisions_of(customer, limit=100)
        assert len(stored) == 2 * WORKERS
        # Demand (8) is above the cap: it is reached, and never passed.
        assert sum(not record.silent for record in stored) == CAP, customer
        holds = setup.store.contacts_of(customer, NOW - timedelta(days=1), NOW)
        assert len(holds) == CAP
        assert all(c.status is ContactStatus.RESERVED for c in holds)
    assert len(offered) == CAP * len(CAPPED)
    promo = sum(chosen == ["promo"] for chosen in offered)
    used, spent = setup.store.volume_used(DAY, ["promo|*"])["promo|*"]
    assert (used, spent) == pytest.approx((promo, promo * COST))


def test_four_processes_deciding_for_many_customers_fill_a_daily_limit_exactly(
    url: str, setup: Engine, tmp_path: Path
) -> None:
    # Each decision offers one action: promo while it lasts, then bonus, then pack.
    # In step, 4 decisions a step: promo's 10 run out in the 3rd step, bonus's 5 in the
    # 4th, each time with more decisions asking than is left.
    setup.catalog.load_document(
        catalog_doc(
            action("promo", value=400, daily_limit=LIMIT),
            action("bonus", value=300, daily_limit=BONUS_LIMIT),
            action("pack"),
        ),
        source="test",
    )
    customers = [f"c{n:03d}" for n in range(WORKERS * PER_WORKER)]
    reachable_many(setup, [*customers, WARM_UP])
    jobs = [(url, customers[n::WORKERS], None) for n in range(WORKERS)]
    made = _decisions(_run(decision_workers.decide_in_process, jobs, tmp_path))

    chosen = [actions for _, actions in made]
    assert len(chosen) == len(customers)
    assert chosen.count(["promo"]) == LIMIT  # 40 customers asked for 10 promotions
    assert chosen.count(["bonus"]) == BONUS_LIMIT
    assert chosen.count(["pack"]) == len(customers) - LIMIT - BONUS_LIMIT
    used = setup.store.volume_used(DAY, ["promo|*", "bonus|*"])
    assert used["promo|*"] == pytest.approx((LIMIT, LIMIT * COST))
    assert used["bonus|*"] == pytest.approx((BONUS_LIMIT, BONUS_LIMIT * COST))
    held = [
        c.action_id or ""
        for customer in customers
        for c in setup.store.contacts_of(customer, NOW - timedelta(days=1), NOW)
    ]
    assert sorted(held) == sorted(a for actions in chosen for a in actions)


def test_four_processes_reporting_outcomes_lose_no_response_count(
    url: str, setup: Engine, tmp_path: Path
) -> None:
    setup.catalog.load_document(catalog_doc(action("pack")), source="test")
    customers = [f"c{n:03d}" for n in range(WORKERS * PER_WORKER)]
    reachable_many(setup, customers)
    decided = [setup.decisions.decide(DecisionRequest(c, Channel.SMS)) for c in customers]
    assert all(d.actions for d in decided)
    ids = [d.decision_id for d in decided]
    jobs = [(url, ids[n::WORKERS], "pack") for n in range(WORKERS)]
    fresh = [int(out) for out in _run(decision_workers.accept_in_process, jobs, tmp_path)]

    assert fresh == [PER_WORKER] * WORKERS
    total = len(ids)
    assert setup.store.response_counts() == {
        ("pack", Channel.SMS, "outbound"): ResponseCount(total, total, 0)
    }
    for decision in decided:
        contact = setup.store.find_contact(decision.actions[0].contact_id or "")
        assert contact is not None and contact.status is ContactStatus.SENT


def test_outcomes_from_four_processes_teach_every_adaptive_engine_alike(
    url: str, setup: Engine, tmp_path: Path
) -> None:
    setup.catalog.load_document(catalog_doc(action("pack")), source="test")
    customers = [f"c{n:03d}" for n in range(WORKERS * PER_WORKER)]
    reachable_many(setup, customers)
    adaptive = sql_decision_engine(url, refresh_seconds=0.0, scoring="adaptive")
    try:
        decided = [adaptive.decisions.decide(DecisionRequest(c, Channel.SMS)) for c in customers]
    finally:
        adaptive.close()
    ids = [d.decision_id for d in decided if d.actions]
    jobs = [(url, ids[n::WORKERS], "pack") for n in range(WORKERS)]
    _run(decision_workers.accept_in_process, jobs, tmp_path)

    taught = setup.store.learning_since(0)
    assert sorted(e.decision_id for _, e in taught) == sorted(ids)  # each offer once
    engines = [sql_decision_engine(url, scoring="adaptive") for _ in range(2)]
    try:
        versions = {e.decisions.scorer.version for e in engines}
        assert versions == {f"adaptive:{taught[-1][0]}"}
        models = [e.decisions.scorer.models() for e in engines]
        assert models[0] == models[1]
        pack = next(m for m in models[0] if m["id"] == "propensity:pack|sms|outbound")
        assert pack["evidence"] == len(ids) and pack["positives"] == len(ids)
    finally:
        for engine in engines:
            engine.close()
