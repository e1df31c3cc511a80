"""WAL checkpoints in a background thread, for a long-running service.

By default the connection whose commit pushes the WAL past its threshold copies it back
into the database file there and then, inside that commit: tens of milliseconds during
which a decision waits (the tail of the service's latency). A service turns the automatic
checkpoint off on its connections and lets this thread do it instead, every ``interval``
seconds: first ``PASSIVE`` (it never blocks readers or writers) for the bulk, then again
within the write turn (``turn``) for the few frames written meanwhile. Under constant
writes the first alone never catches up with the end of the WAL, so SQLite never starts
it over and the file grows without end (460 MB in 16 s of decisions), each read scanning
a longer WAL index; once a checkpoint has caught up, the next writer starts it over.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path


class Checkpointer:
    """A daemon thread checkpointing one SQLite database until stopped."""

    def __init__(
        self,
        database: Path,
        interval: float = 0.5,
        turn: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        """``turn()`` holds writers back (the store's writer gate) for the catch-up."""
        self._database = database
        self._interval = interval
        self._turn = turn
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        connection = sqlite3.connect(self._database, isolation_level=None, timeout=1.0)
        try:
            while not self._stop.wait(self._interval):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    with self._turn():  # a millisecond or so: what was written meanwhile
                        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.OperationalError:
                    continue  # busy with another process's checkpoint: next round
        finally:
            connection.close()
