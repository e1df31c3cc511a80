"""One SQLite connection per busy thread, kept out of the pool for the hot paths.

A decision reads the customer, their consent events and contacts, then writes its hold
and its record: six or seven one-statement cursors. Taking a connection from
SQLAlchemy's pool and giving it back costs about 8 µs each time (events, reset, the
fairy's bookkeeping), more than most of those statements. The first few threads that
ask keep a connection of their own instead, opened by the pool (so with the same
pragmas) and detached from it; other threads go on using the pool. SQLite file stores
only: a PostgreSQL connection held by an idle thread would be a server's resource.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any

HOT_THREADS = 4  # the service's event loop, and a few threads of sync routes or tools


class HotConnections:
    """Per-thread DBAPI connections of one engine, closed together with the store."""

    def __init__(self, open_detached: Any, limit: int = HOT_THREADS) -> None:
        """``open_detached()`` returns a new DBAPI connection no pool will take back."""
        self._open_detached = open_detached
        self._limit = limit
        self._local = threading.local()
        self._lock = threading.Lock()
        self._held: list[Any] = []
        self._pid = os.getpid()
        self._closed = False

    def take(self) -> Any | None:
        """This thread's connection for one statement or transaction (give it back with
        ``give_back``); None when the thread may not have one, or when its own is in use
        further up the stack: a read made while a reservation holds the write lock must
        not commit the reservation."""
        if getattr(self._local, "busy", None) is not None:
            return None
        found = self._mine()
        if found is not None:
            self._local.busy = found
        return found

    def give_back(self, connection: Any) -> None:
        if getattr(self._local, "busy", None) is connection:
            self._local.busy = None

    def _mine(self) -> Any | None:
        found = getattr(self._local, "connection", None)
        if found is not None and self._pid == os.getpid():
            return found
        with self._lock:
            if self._pid != os.getpid():  # a forked child never uses its parent's handles
                self._pid, self._held, self._local = os.getpid(), [], threading.local()
            if self._closed or len(self._held) >= self._limit:
                return None
            found = self._open_detached()
            self._held.append(found)
        self._local.connection = found
        return found

    def recover(self, connection: Any) -> None:
        """After an error: roll back what the failed work left open; a connection that
        cannot even roll back is dropped (the thread's next use opens another)."""
        try:
            connection.rollback()
        except Exception:  # whatever broke it, it is not used again
            self.drop(connection)

    def drop(self, connection: Any) -> None:
        """Forget a connection that failed (the next use opens another), and close it."""
        with self._lock:
            if connection in self._held:
                self._held.remove(connection)
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
        _close_quietly(connection)

    def close(self) -> None:
        """Close every thread's connection; later calls of ``mine`` answer None."""
        with self._lock:
            held, self._held, self._closed = self._held, [], True
            self._local = threading.local()  # every thread forgets its closed connection
        if self._pid == os.getpid():
            for connection in held:
                _close_quietly(connection)


def _close_quietly(connection: Any) -> None:
    with contextlib.suppress(Exception):  # closing a broken handle: nothing left to do
        connection.close()
