"""Four OS processes adding response counts and taking volume lose nothing and pass no limit.

Each child opens its own ``SqlStore`` (SQLite file or PostgreSQL database) and, all
starting together, adds response counts and takes volume under a budget and under
count limits as fast as it can. Demand (4 × 100 attempts) exceeds every limit.
Children come from a fork server, as in ``test_contact_reservation_concurrency``.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from tests.integration import counter_workers
from tests.integration.counter_workers import BUDGET, COST, COUNT_LIMIT, DAY

from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import ResponseCount

PROCESSES = multiprocessing.get_context("forkserver")
PRELOAD = ["tests.integration.counter_workers", "cortesia.adapters.sql.store"]
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
ATTEMPTS = 100


@pytest.fixture(autouse=True)
def _children_find_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fork server starts with this sys.path, then imports the modules of PRELOAD.
    monkeypatch.syspath_prepend(str(ROOT))
    PROCESSES.set_forkserver_preload(PRELOAD)


def _run_workers(store: SqlStore, folder: Path, give_back_every: int) -> list[tuple[int, ...]]:
    url = store.engine.url.render_as_string(hide_password=False)
    together = PROCESSES.Barrier(WORKERS)
    outs = [folder / f"worker-{n}.txt" for n in range(WORKERS)]
    workers = [
        PROCESSES.Process(
            target=counter_workers.hammer_in_process,
            args=(url, together, ATTEMPTS, give_back_every, str(outs[n])),
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(180)
        assert worker.exitcode == 0
    return [tuple(int(x) for x in out.read_text().split()) for out in outs]


def test_four_processes_adding_response_counts_lose_no_increment(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    _run_workers(sql_store, tmp_path, give_back_every=0)
    total = WORKERS * ATTEMPTS
    assert sql_store.response_counts() == {
        ("a", Channel.SMS, "outbound"): ResponseCount(total, total, 0),
        ("b", Channel.EMAIL, "inbound"): ResponseCount(total, total, total),
    }


def test_four_processes_taking_volume_fill_each_limit_exactly_and_never_pass_it(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    tallies = _run_workers(sql_store, tmp_path, give_back_every=0)
    affordable = round(BUDGET / COST)
    assert sum(budget for budget, _, _ in tallies) == affordable
    assert sum(count for _, count, _ in tallies) == COUNT_LIMIT
    used = sql_store.volume_used(DAY, ["a|sms", "a|*", "b|sms", "b|*"])
    assert used == {
        "a|sms": (affordable, BUDGET),
        "a|*": (affordable, BUDGET),
        "b|sms": (COUNT_LIMIT, 0.0),
        "b|*": (COUNT_LIMIT, 0.0),
    }


def test_four_processes_taking_and_giving_back_volume_hold_no_more_than_the_limit(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    tallies = _run_workers(sql_store, tmp_path, give_back_every=3)
    taken = sum(count for _, count, _ in tallies)
    given = sum(back for _, _, back in tallies)
    assert taken > COUNT_LIMIT  # volume given back was taken again
    used = sql_store.volume_used(DAY, ["b|sms", "b|*"])
    assert used == {"b|sms": (taken - given, 0.0), "b|*": (taken - given, 0.0)}
    assert taken - given <= COUNT_LIMIT
