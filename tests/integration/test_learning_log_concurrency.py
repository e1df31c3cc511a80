"""Four OS processes appending to the learning log: nothing lost, numbers in commit order.

Each child opens its own ``SqlStore`` (SQLite file or PostgreSQL database) and, all
starting together, appends small batches as fast as it can, while this process reads
the log as a learner would: from the last number it saw. Were a number committed after
a greater one, the reader would have passed it and never see it; so every event the
final read holds must have been seen by the poller, in the same order. Children come
from a fork server, as in ``test_counters_concurrency``.
"""

from __future__ import annotations

import itertools
import multiprocessing
from pathlib import Path

import pytest
from tests.integration import learning_workers

from cortesia.adapters.sql.store import SqlStore

PROCESSES = multiprocessing.get_context("forkserver")
PRELOAD = ["tests.integration.learning_workers", "cortesia.adapters.sql.store"]
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
BATCHES = 60
SIZE = 3


@pytest.fixture(autouse=True)
def _children_find_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fork server starts with this sys.path, then imports the modules of PRELOAD.
    monkeypatch.syspath_prepend(str(ROOT))
    PROCESSES.set_forkserver_preload(PRELOAD)


def _poll(store: SqlStore, after: int, seen: list[tuple[int, str]]) -> int:
    """Read everything above ``after`` into ``seen``; the last number read."""
    while page := store.learning_since(after, limit=50):
        seen.extend((seq, event.decision_id) for seq, event in page)
        after = page[-1][0]
    return after


def test_four_processes_appending_number_every_event_once_in_commit_order(
    sql_store: SqlStore,
) -> None:
    url = sql_store.engine.url.render_as_string(hide_password=False)
    together = PROCESSES.Barrier(WORKERS + 1)
    workers = [
        PROCESSES.Process(
            target=learning_workers.append_in_process,
            args=(url, together, n, BATCHES, SIZE),
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    together.wait(60)
    seen: list[tuple[int, str]] = []
    after = polls = 0
    while any(worker.is_alive() for worker in workers):
        after = _poll(sql_store, after, seen)
        polls += 1
    for worker in workers:
        worker.join(180)
        assert worker.exitcode == 0
    _poll(sql_store, after, seen)
    final = [(seq, event.decision_id) for seq, event in sql_store.learning_since(0, limit=10**6)]
    expected = {
        event.decision_id
        for n in range(WORKERS)
        for b in range(BATCHES)
        for event in learning_workers.batch(n, b, SIZE)
    }
    assert sorted(d for _, d in final) == sorted(expected)  # each exactly once
    numbers = [seq for seq, _ in final]
    assert all(a < b for a, b in itertools.pairwise(numbers))
    assert polls > 1
    assert seen == final  # no number appeared below one the poller had already passed
