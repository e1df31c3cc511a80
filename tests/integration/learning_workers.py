"""The work of the child processes of the learning-log concurrency test.

Importable under ``forkserver``: each child opens its own ``SqlStore`` and appends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier

from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import LearningEvent

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def batch(worker: int, number: int, size: int) -> list[LearningEvent]:
    """Batch ``number`` of ``worker``: ``size`` events with ids ``w<worker>-<number>-<i>``."""
    return [
        LearningEvent(
            decision_id=f"w{worker}-{number}-{i}",
            customer_id=f"C{worker}",
            action_id="a",
            channel=Channel.SMS,
            direction="outbound",
            purpose="marketing",
            occurred_at=T0,
            accepted=i % 2 == 0,
            opted_out=False,
            features={"worker": worker, "batch": number, "i": i},
        )
        for i in range(size)
    ]


def append_in_process(url: str, together: Barrier, worker: int, batches: int, size: int) -> None:
    """Append ``batches`` batches of ``size`` events to a SQL store from a child process."""
    from cortesia.adapters.sql.store import SqlStore

    store = SqlStore(url)
    together.wait(60)
    for number in range(batches):
        store.append_learning(batch(worker, number, size))
    store.close()
