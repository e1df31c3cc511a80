"""Group commit of the service's decisions: stored before they are answered, together.

Every decision is stored, and storing one alone costs a transaction: the write turn, the
commit, the table's last pages written again. The service decides on its event loop one
request at a time; when a loop turn has decided several, their records wait for the next
turn and go to the store in one transaction (``DecisionService.record_many``). No answer
leaves before its decision is stored, so a client may ask for it at once, from any worker;
the wait is one loop turn. Under load this stores several decisions a transaction, and a
lone request pays one turn more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from cortesia.engine.decision_ports import DecisionRecord

RecordMany = Callable[[Sequence[DecisionRecord]], Sequence[Exception | None]]


class DecisionCommits:
    """Decision records waiting for the next loop turn, per event loop."""

    def __init__(self, record_many: RecordMany) -> None:
        """``record_many`` stores a batch: per record None or its own error; raising
        fails every record of the batch."""
        self._record_many = record_many
        self._waiting: dict[asyncio.AbstractEventLoop, list[_Waiting]] = {}

    async def stored(self, record: DecisionRecord) -> None:
        """Return once ``record`` is stored; raise what storing it raised."""
        loop = asyncio.get_running_loop()
        waiting = self._waiting.get(loop)
        if waiting is None:
            waiting = self._waiting[loop] = []
            loop.call_soon(self._flush, loop)
        future: asyncio.Future[None] = loop.create_future()
        waiting.append((record, future))
        await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        waiting = self._waiting.pop(loop, [])
        errors: Sequence[Exception | None]
        try:
            errors = self._record_many([record for record, _ in waiting])
            if len(errors) != len(waiting):  # a request left waiting would never answer
                raise RuntimeError(f"{len(errors)} answers for {len(waiting)} decisions")
        except Exception as failure:  # handed to every waiting request, which raises it
            errors = [failure] * len(waiting)
        for (_, future), found in zip(waiting, errors, strict=True):
            if future.done():  # its request was cancelled; the decision is stored
                continue
            if found is None:
                future.set_result(None)
            else:
                future.set_exception(found)


_Waiting = tuple[DecisionRecord, "asyncio.Future[None]"]
