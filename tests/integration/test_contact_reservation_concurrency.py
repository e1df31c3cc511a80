"""Eight OS processes reserving slots of the same three customers never exceed the cap.

Each child opens its own ``SqlStore`` (SQLite file or PostgreSQL database) and calls
``reserve`` with a judge "fewer than K contacts in the window" as fast as it can,
all children starting together. Demand (80 attempts per customer) far exceeds K.

Children come from a fork server: a fresh process that imported the store once and
forks each child from there. Like ``spawn``, a child inherits nothing of pytest's
process (threads, open connections); unlike it, eight children do not import the
whole package eight times over (seconds each on a loaded two-core machine).
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from tests.integration import contact_workers
from tests.integration.contact_workers import CUSTOMERS, T0, WINDOW

from cortesia.adapters.sql.store import SqlStore

PROCESSES = multiprocessing.get_context("forkserver")
PRELOAD = ["tests.integration.contact_workers", "cortesia.adapters.sql.store"]
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
ATTEMPTS = 30
LIMIT = 5


@pytest.fixture(autouse=True)
def _children_find_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fork server starts with this sys.path, then imports the modules of PRELOAD.
    monkeypatch.syspath_prepend(str(ROOT))
    PROCESSES.set_forkserver_preload(PRELOAD)


def _run_workers(store: SqlStore, folder: Path, release_every: int) -> list[tuple[int, ...]]:
    url = store.engine.url.render_as_string(hide_password=False)
    together = PROCESSES.Barrier(WORKERS)
    outs = [folder / f"worker-{n}.txt" for n in range(WORKERS)]
    workers = [
        PROCESSES.Process(
            target=contact_workers.hammer_in_process,
            args=(url, together, ATTEMPTS, LIMIT, n, release_every, str(outs[n])),
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    return [tuple(int(x) for x in out.read_text().split()) for out in outs]


def _counting(store: SqlStore) -> dict[str, int]:
    return {c: len(store.contacts_of(c, T0 - WINDOW, T0)) for c in CUSTOMERS}


def test_eight_processes_fill_each_customer_to_the_cap_and_never_past_it(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    tallies = _run_workers(sql_store, tmp_path, release_every=0)
    assert _counting(sql_store) == dict.fromkeys(CUSTOMERS, LIMIT)
    assert sum(allowed for allowed, _, _ in tallies) == LIMIT * len(CUSTOMERS)
    assert max(largest for _, _, largest in tallies) == LIMIT


def test_eight_processes_reserving_and_releasing_never_hold_more_than_the_cap(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    tallies = _run_workers(sql_store, tmp_path, release_every=2)
    counting = _counting(sql_store)
    allowed = sum(a for a, _, _ in tallies)
    freed = sum(f for _, f, _ in tallies)
    assert all(count <= LIMIT for count in counting.values())
    assert sum(counting.values()) == allowed - freed
    assert allowed > LIMIT * len(CUSTOMERS)  # released slots were taken again
    assert max(largest for _, _, largest in tallies) <= LIMIT


def test_eight_processes_reserving_through_the_contact_policy_never_pass_a_company_cap(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    url = sql_store.engine.url.render_as_string(hide_password=False)
    setup = contact_workers.policy_engine_over(url)
    setup.customers.upsert(
        [{"customer_id": c, "country": "FR", "email": f"{c.lower()}@example.fr"} for c in CUSTOMERS]
    )
    setup.consent.record_batch(
        [
            {
                "customer_id": c,
                "channel": "email",
                "purpose": "marketing",
                "kind": "opt_in",
                "source": "web",
                "occurred_at": "2026-03-01T10:00:00+00:00",
            }
            for c in CUSTOMERS
        ]
    )
    setup.close()
    together = PROCESSES.Barrier(WORKERS)
    outs = [tmp_path / f"policy-{n}.txt" for n in range(WORKERS)]
    workers = [
        PROCESSES.Process(
            target=contact_workers.reserve_through_policy,
            args=(url, together, ATTEMPTS, n, str(outs[n])),
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(180)
        assert worker.exitcode == 0
    allowed = sum(int(out.read_text()) for out in outs)
    cap = contact_workers.POLICY_CAP
    assert _counting(sql_store) == dict.fromkeys(CUSTOMERS, cap)
    assert allowed == cap * len(CUSTOMERS)
