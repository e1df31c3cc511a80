"""Customers and their attribute schema on SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from cortesia.adapters.sql.codec import ColumnError, customer_from_row, customer_row
from cortesia.adapters.sql.connection import driver, guarded, raw_cursor, writing
from cortesia.adapters.sql.statements import LOOKUP_CHUNK, Statements
from cortesia.adapters.sql.tables import attribute_types, customers
from cortesia.domain.customers import AttributeType, Customer, UpsertCounts
from cortesia.errors import StoreError

# PostgreSQL takes one array per lookup; big chunks keep round trips few.
_PG_CHUNK = 50_000


def insert_ignoring(engine: sa.Engine, table: sa.Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` in the engine's dialect."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


class SqlCustomers:
    """Upserts, lookups and listing of customers; attribute types cached (they never change)."""

    def __init__(self, engine: sa.Engine, statements: Statements) -> None:
        self._engine = engine
        self._sql = statements
        self._types: dict[str, AttributeType] = {}

    def upsert(
        self, batch: Sequence[Customer], new_types: Mapping[str, AttributeType]
    ) -> UpsertCounts:
        """Create or replace by id and record new attribute names, in one transaction;
        the last row of an id wins."""
        if not batch and not new_types:
            return UpsertCounts(created=0, updated=0)
        latest = {c.customer_id: c for c in batch}
        params = self._sql.customer_params
        rows = [params(customer_row(c)) for c in latest.values()]
        with guarded(self._engine, "store customers"), writing(self._engine) as connection:
            cursor = driver(connection).cursor()
            if self._sql.postgres:
                # Serialises upserts (and erasures) so the created count is exact; reads go on.
                # Taken before the types are written, so two upserts never wait on each other.
                cursor.execute("LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE")
            self._write_types(connection, new_types)
            existing = self._count_existing(cursor, list(latest))
            cursor.executemany(self._sql.upsert_customers, rows)
            cursor.close()
        created = len(latest) - existing
        return UpsertCounts(created=created, updated=len(batch) - created)

    def _count_existing(self, cursor: Any, ids: list[str]) -> int:
        found = 0
        if self._sql.postgres:
            for start in range(0, len(ids), _PG_CHUNK):
                cursor.execute(
                    "SELECT count(*) FROM customers WHERE customer_id = ANY(%s)",
                    (ids[start : start + _PG_CHUNK],),
                )
                found += int(cursor.fetchone()[0])
            return found
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT count(*) FROM customers WHERE customer_id IN ({marks})"  # noqa: S608
            cursor.execute(query, chunk)
            found += int(cursor.fetchone()[0])
        return found

    def get(self, customer_id: str) -> Customer | None:
        # A raw cursor: every decision reads its customer, and Core's per-call work costs
        # more than the indexed read itself.
        with raw_cursor(self._engine, "read a customer") as cursor:
            cursor.execute(self._sql.customer_by_id, (customer_id,))
            row = cursor.fetchone()
        return None if row is None else self._decode([row])[0]

    def page(self, limit: int, after: str | None) -> list[Customer]:
        query = sa.select(customers).order_by(customers.c.customer_id).limit(max(limit, 0))
        if after is not None:
            query = query.where(customers.c.customer_id > after)
        with guarded(self._engine, "list customers"), self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return self._decode(rows)

    def count(self) -> int:
        query = sa.select(sa.func.count()).select_from(customers)
        with guarded(self._engine, "count customers"), self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def _decode(self, rows: Sequence[Any]) -> list[Customer]:
        decoded = [_customer(row, self._types) for row in rows]
        if any(_unknown_text(c, self._types) for c in decoded):
            # A name registered since the cache was filled: it may be a date.
            self.types()
            decoded = [_customer(row, self._types) for row in rows]
        return decoded

    def types(self) -> dict[str, AttributeType]:
        query = sa.select(attribute_types.c.name, attribute_types.c.type)
        with guarded(self._engine, "read attribute types"), self._engine.connect() as connection:
            rows = connection.execute(query).all()
        self._types = {name: AttributeType(kind) for name, kind in rows}
        return dict(self._types)

    def register_types(self, types: Mapping[str, AttributeType]) -> None:
        """Record new attribute names; known names keep their type."""
        if not types:
            return
        with guarded(self._engine, "store attribute types"), writing(self._engine) as connection:
            self._write_types(connection, types)

    def _write_types(self, connection: sa.Connection, types: Mapping[str, AttributeType]) -> None:
        if types:
            rows = [{"name": n, "type": AttributeType(k).value} for n, k in types.items()]
            connection.execute(insert_ignoring(self._engine, attribute_types), rows)


def _customer(row: Any, types: Mapping[str, AttributeType]) -> Customer:
    """The customer of a row; a row edited by hand into something else is a store fault."""
    try:
        return customer_from_row(row, types)
    except ColumnError as error:
        raise StoreError(f"customer {row[0]!r} cannot be read: {error}") from error


def _unknown_text(customer: Customer, types: Mapping[str, AttributeType]) -> bool:
    return any(isinstance(v, str) and k not in types for k, v in customer.attributes.items())
