"""Opening a workspace database: engine, SQLite pragmas, write transactions, errors.

SQLite runs in WAL mode with ``synchronous=FULL`` (a committed append survives
power loss) and the driver's own transaction handling switched off, so that a
write transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock at
once, which serialises appenders before they read the chain head. PostgreSQL
serialises appenders with ``SELECT ... FOR UPDATE`` on the chain-head row.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cortesia.adapters.sql.hot_connections import HotConnections
from cortesia.adapters.sql.writer_gate import WriterGate
from cortesia.errors import StoreError

WRITE = "cortesia_write"
BUSY_TIMEOUT_MS = 30_000
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA cache_size=-131072",
    # Checkpoint every ~80 MB of WAL rather than 4 MB: index pages dirtied by several
    # batches are then copied back once, which doubles ingest speed.
    "PRAGMA wal_autocheckpoint=20000",
)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # None = autocommit in the driver; the "begin" hook below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _on_sqlite_begin(connection: sa.Connection) -> None:
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_GATES: weakref.WeakKeyDictionary[sa.Engine, WriterGate] = weakref.WeakKeyDictionary()
_HOT: weakref.WeakKeyDictionary[sa.Engine, HotConnections] = weakref.WeakKeyDictionary()


@contextmanager
def write_turn(engine: sa.Engine) -> Iterator[None]:
    """The engine's write turn (SQLite files; other stores lock rows themselves)."""
    gate = _GATES.get(engine)
    if gate is None:
        yield
        return
    with gate.turn():
        yield


def release_gate(engine: sa.Engine) -> None:
    """Close the engine's writer gate and its threads' own connections (when the store
    closes)."""
    gate = _GATES.pop(engine, None)
    if gate is not None:
        gate.close()
    hot = _HOT.pop(engine, None)
    if hot is not None:
        hot.close()


def _detached(engine: sa.Engine) -> Any:
    """A new DBAPI connection opened by the pool (its pragmas applied), no longer its own."""
    fairy = engine.raw_connection()
    found = fairy.driver_connection
    fairy.detach()
    return found


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def _memory_mapped(dbapi_connection: Any, _record: Any) -> None:
    # Reads through a memory map skip a system call and a copy per page: a decision reads
    # a customer at random among millions, an ingest the index pages of its keys. The
    # library caps the size at its build's limit (2 GiB in Debian's): a larger file is
    # mapped up to there and read past it.
    dbapi_connection.execute("PRAGMA mmap_size=8589934592")


def create(url: str, *, background_checkpoints: bool = False, memory_map: bool = True) -> sa.Engine:
    """An engine for ``url``, with SQLite's pragmas and transaction hooks installed;
    ``background_checkpoints`` leaves WAL checkpoints to a ``Checkpointer`` thread.

    ``memory_map`` reads the SQLite file through a memory map. Where several processes
    write the file at once it costs more than it saves: a transaction that finds another
    connection's commit since its last one drops the whole map (SQLite's pager does), and
    maps and faults it in again, page by page.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"unsupported store {shown}: use sqlite:/// or postgresql+psycopg://")
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _on_sqlite_begin)
        if memory_map:
            sa.event.listen(engine, "connect", _memory_mapped)
        if background_checkpoints:
            sa.event.listen(engine, "connect", _no_autocheckpoint)
        path = sqlite_file(url)
        if path is not None:
            _GATES[engine] = WriterGate(path)
            _HOT[engine] = HotConnections(lambda: _detached(engine))
        return engine
    try:
        return sa.create_engine(parsed, pool_pre_ping=False)
    except (sa.exc.ArgumentError, ImportError) as error:
        # An unknown dialect or a driver that is not installed (e.g. psycopg without the extra).
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot open {shown}: {error}") from None


def parse_url(url: str) -> sa.URL:
    """The parsed store URL, or a StoreError saying it is not one."""
    try:
        return make_url(url)
    except sa.exc.ArgumentError as error:
        raise StoreError(f"not a database URL: {url!r} ({error})") from None


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


class guarded:  # named as the function it replaced: ``with guarded(engine, what):``
    """Turn driver and SQLAlchemy errors into ``StoreError`` naming what failed (a class,
    not a generator: it wraps every statement of the hot paths)."""

    __slots__ = ("_dbapi_error", "_what")

    def __init__(self, engine: sa.Engine, what: str) -> None:
        self._dbapi_error: type[BaseException] = engine.dialect.loaded_dbapi.Error
        self._what = what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: object
    ) -> None:
        if error is None or not isinstance(error, sa.exc.SQLAlchemyError | self._dbapi_error):
            return
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StoreError(f"could not {self._what}: {reason}") from error


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a write transaction, committed on success, rolled back on error."""
    with (
        write_turn(engine),
        engine.connect().execution_options(**{WRITE: True}) as connection,
        connection.begin(),
    ):
        yield connection


def driver(connection: sa.Connection) -> Any:
    """The DBAPI connection under ``connection``, for executemany and COPY in hot paths."""
    return connection.connection.driver_connection


class Lease:
    """A DBAPI connection for one statement or transaction: the thread's own when it has
    one (``hot_connections``), else one from the pool. ``end(failed)`` gives it back; a
    failed one is rolled back (the pool does that itself when it takes one back)."""

    __slots__ = ("_hot", "_raw", "connection")

    def __init__(self, engine: sa.Engine) -> None:
        hot = _HOT.get(engine)
        lent = None if hot is None else hot.take()
        self._hot = None if lent is None else hot
        self._raw = engine.raw_connection() if lent is None else None
        self.connection: Any = lent if self._raw is None else self._raw.driver_connection

    def end(self, failed: bool) -> None:
        if self._hot is None:
            if self._raw is not None:
                self._raw.close()
            return
        if failed:
            self._hot.recover(self.connection)
        self._hot.give_back(self.connection)


@contextmanager
def driver_connection(engine: sa.Engine) -> Iterator[Any]:
    """The DBAPI connection of a ``Lease``, given back on the way out."""
    lease = Lease(engine)
    failed = True
    try:
        yield lease.connection
        failed = False
    finally:
        lease.end(failed)


@contextmanager
def raw_cursor(engine: sa.Engine, what: str, *, write: bool = False) -> Iterator[Any]:
    """A DBAPI cursor for one-statement hot paths, on a ``Lease``'s connection.

    SQLite's driver runs in autocommit mode here (each statement its own transaction);
    PostgreSQL's opens one, committed on success. Errors become ``StoreError``; on an
    error the connection is rolled back.
    """
    with guarded(engine, what), write_turn(engine) if write else nullcontext():
        lease = Lease(engine)
        failed = True
        try:
            cursor = lease.connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
            lease.connection.commit()
            failed = False
        finally:
            lease.end(failed)


@contextmanager
def raw_transaction(engine: sa.Engine, what: str, *, relaxed: bool = False) -> Iterator[Any]:
    """A DBAPI cursor in a write transaction on a pooled connection, for hot paths that
    read and write under one lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the driver's
    transaction). Committed on success, rolled back on error.

    ``relaxed`` commits without waiting for the disk (SQLite ``synchronous=NORMAL`` in WAL
    mode, PostgreSQL ``synchronous_commit=off``): the commit survives a crash of the
    process; a power loss may undo the last few until the next full commit. For the
    real-time decision path only (contact holds); consent is never written so.
    """
    postgres = is_postgres(engine)
    with guarded(engine, what), write_turn(engine), driver_connection(engine) as connection:
        cursor = connection.cursor()
        try:
            if postgres:
                if relaxed:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            elif relaxed:
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("BEGIN IMMEDIATE")
            else:
                cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                connection.rollback() if postgres else cursor.execute("ROLLBACK")
                raise
            connection.commit() if postgres else cursor.execute("COMMIT")
        finally:
            if relaxed and not postgres:
                cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()
