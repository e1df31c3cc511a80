"""One writer at a time on an SQLite file, handed over at once.

SQLite lets one transaction write at a time; the others wait in its busy handler, which
sleeps in growing steps (up to 100 ms) before it tries again. With several writer
processes (the service's workers) those sleeps, not the work, set the pace and the tail
latency. An exclusive ``flock`` on a file beside the database queues writers in the
kernel instead: the next one wakes as soon as the lock is let go. Threads of one process
queue on a lock first, since a ``flock`` belongs to the whole process.

SQLite's own lock still guards the data: a writer that skips the gate (another tool)
is only slower, never unsafe.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriterGate:
    """The write turn of one SQLite database, across threads and processes."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + "-writer.lock")
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the write turn for the duration of one transaction."""
        with self._lock:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        # A forked child must not share its parent's open file: its lock would be theirs.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
