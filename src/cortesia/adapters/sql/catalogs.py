"""Catalog versions on SQL: numbered from 1, one writer at a time.

A save reads the latest version and inserts the next one in one write transaction.
Writers are serialised (SQLite: the write lock of ``BEGIN IMMEDIATE``; PostgreSQL: a
transaction-scoped advisory lock), and the version is the primary key, so two saves
can never both get the same number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import closing
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from cortesia.adapters.memory_decisions import action_count
from cortesia.adapters.sql.codec import from_micros, load_json, to_micros
from cortesia.adapters.sql.connection import driver, guarded, is_postgres, raw_cursor, writing
from cortesia.engine.decision_ports import CatalogVersion
from cortesia.errors import StoreError

# The catalog document is compared and shown: stable key order, no spaces.
dump_document = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode
# Key of PostgreSQL's advisory lock serialising catalog saves (any constant will do).
_SAVE_LOCK = 0x63617461_6C6F6700  # "catalog\0"
_HEAD = 'SELECT "version", "digest", "created_at", "source", "action_count"'


def _version(row: Sequence[Any], document: Mapping[str, object] | None = None) -> CatalogVersion:
    try:
        return CatalogVersion(
            version=int(row[0]),
            digest=row[1],
            created_at=from_micros(row[2]),
            source=row[3],
            action_count=int(row[4]),
            document={} if document is None else document,
        )
    except (TypeError, ValueError) as error:
        raise StoreError(f"catalog version {row[0]!r} cannot be read ({error})") from None


def _with_document(row: Sequence[Any]) -> CatalogVersion:
    try:
        document = load_json(row[5])
    except ValueError as error:
        raise StoreError(f"catalog version {row[0]!r} cannot be read ({error})") from None
    return _version(row, document)


class SqlCatalogs:
    """The ``CatalogStore`` port on one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._postgres = is_postgres(engine)
        m = "%s" if self._postgres else "?"
        full = f'{_HEAD}, "document" FROM catalog_versions'
        self._latest = f'{full} ORDER BY "version" DESC LIMIT 1'
        self._numbered = f'{full} WHERE "version" = {m}'
        self._number = 'SELECT MAX("version") FROM catalog_versions'
        self._list = f'{_HEAD} FROM catalog_versions ORDER BY "version" DESC'
        marks = ", ".join([m] * 6)
        self._insert = (
            'INSERT INTO catalog_versions ("version", "digest", "created_at", "source", '  # noqa: S608
            f'"action_count", "document") VALUES ({marks})'
        )

    def save_catalog(
        self, document: Mapping[str, object], digest: str, source: str, at: datetime
    ) -> CatalogVersion:
        text = dump_document(dict(document))
        with (
            guarded(self._engine, "save the catalog"),
            writing(self._engine) as connection,
            closing(driver(connection).cursor()) as cursor,
        ):
            if self._postgres:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SAVE_LOCK,))
            cursor.execute(self._latest)
            latest = cursor.fetchone()
            if latest is not None and latest[1] == digest:
                return _with_document(latest)
            number = 1 if latest is None else int(latest[0]) + 1
            row = (number, digest, to_micros(at), source, action_count(document), text)
            cursor.execute(self._insert, row)
        return _with_document(row)

    def catalog_version(self, version: int | None = None) -> CatalogVersion | None:
        with raw_cursor(self._engine, "read the catalog") as cursor:
            if version is None:
                cursor.execute(self._latest)
            else:
                cursor.execute(self._numbered, (version,))
            row = cursor.fetchone()
        return None if row is None else _with_document(row)

    def latest_catalog_number(self) -> int | None:
        with raw_cursor(self._engine, "read the catalog version") as cursor:
            cursor.execute(self._number)
            found = cursor.fetchone()
        return None if found is None or found[0] is None else int(found[0])

    def catalog_versions(self) -> list[CatalogVersion]:
        with raw_cursor(self._engine, "list catalog versions") as cursor:
            cursor.execute(self._list)
            rows = cursor.fetchall()
        return [_version(row) for row in rows]
