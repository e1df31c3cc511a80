"""Hand-compiled SQL for the hot paths, run on the DBAPI cursor.

SQLAlchemy builds each statement once per engine; the hot paths then call the
driver directly (``executemany``, PostgreSQL ``COPY``), which skips the per-row
work of the Core layer. Identifiers are quoted because ``values`` is reserved.
The text is built only from the table's own column names and placeholders (hence
the ``S608`` waivers): every value travels as a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from cortesia.adapters.sql.tables import (
    CUSTOMER_COLUMNS,
    EVENT_COLUMNS,
    PLAIN_EVENT_COLUMNS,
    consent_events,
    customers,
)

Params = Callable[[Sequence[object]], Any]
# SQLite allows 32,766 parameters per statement; 500 keeps statements short and cached.
LOOKUP_CHUNK = 500
_KEY_COLUMNS = '"key_id", "secret_hash", "scopes", "name", "created_at", "revoked_at"'


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _compile(
    statement: sa.ClauseElement, dialect: sa.Dialect, columns: Sequence[str]
) -> tuple[str, Params]:
    compiled = statement.compile(dialect=dialect)
    order: list[str] | None = getattr(compiled, "positiontup", None)
    if order is None:
        names = tuple(columns)
        return str(compiled), lambda row: dict(zip(names, row, strict=True))
    if list(order) == list(columns):
        return str(compiled), tuple
    index = [list(columns).index(name) for name in order]
    return str(compiled), lambda row: tuple(row[i] for i in index)


@dataclass(frozen=True, slots=True)
class Statements:
    """The SQL text of the hot paths for one dialect."""

    postgres: bool
    mark: str
    select_events: str
    events_of: str
    events_of_until: str
    head: str
    head_for_update: str
    update_head: str
    insert_events: str
    insert_plain_events: str
    event_params: Params
    upsert_customers: str
    customer_params: Params
    customer_by_id: str
    any_suppressed: str
    key_by_id: str

    def stored_keys(self, count: int) -> str:
        """Seq of each of ``count`` (customer, key) pairs already stored: one index probe each.

        SQLite: the pairs come as ``2 * count`` parameters; ``CROSS JOIN`` keeps them the outer
        loop (a row-value ``IN`` would scan the table). PostgreSQL: two arrays.
        """
        found = 'e."customer_id", e."idempotency_key", e."seq"'
        match = 'e."customer_id" = w.c AND e."idempotency_key" = w.k'
        if self.postgres:
            return (
                f"SELECT {found} FROM unnest(%s::text[], %s::text[]) AS w(c, k) "  # noqa: S608
                f"JOIN consent_events e ON {match}"
            )
        pairs = ", ".join(["(?, ?)"] * count)
        return (
            f"WITH w(c, k) AS (VALUES {pairs}) "  # noqa: S608
            f"SELECT {found} FROM w CROSS JOIN consent_events e ON {match}"
        )

    def by_seqs(self, count: int) -> str:
        """Whole events by seq (one array on PostgreSQL)."""
        if self.postgres:
            return f'{self.select_events} WHERE "seq" = ANY(%s)'
        marks = ", ".join("?" * count)
        return f'{self.select_events} WHERE "seq" IN ({marks})'

    @classmethod
    def build(cls, engine: sa.Engine) -> Statements:
        dialect = engine.dialect
        postgres = dialect.name == "postgresql"
        mark = "%s" if postgres else "?"
        select = f"SELECT {_quoted(EVENT_COLUMNS)} FROM consent_events"  # noqa: S608
        insert_events, event_params = _compile(sa.insert(consent_events), dialect, EVENT_COLUMNS)
        upsert, customer_params = _compile(_customer_upsert(postgres), dialect, CUSTOMER_COLUMNS)
        head = 'SELECT "count", "last_seq", "last_hash" FROM chain_head WHERE "id" = 1'
        return cls(
            postgres=postgres,
            mark=mark,
            select_events=select,
            events_of=f'{select} WHERE "customer_id" = {mark} ORDER BY "seq"',
            events_of_until=(
                f'{select} WHERE "customer_id" = {mark} AND "occurred_at" <= {mark} ORDER BY "seq"'
            ),
            head=head,
            head_for_update=head + (" FOR UPDATE" if postgres else ""),
            update_head=(
                f'UPDATE chain_head SET "count" = {mark}, "last_seq" = {mark}, '  # noqa: S608
                f'"last_hash" = {mark} WHERE "id" = 1'
            ),
            insert_events=insert_events,
            insert_plain_events=(
                f"INSERT INTO consent_events ({_quoted(PLAIN_EVENT_COLUMNS)}, "  # noqa: S608
                f'"erased") VALUES ({", ".join([mark] * len(PLAIN_EVENT_COLUMNS))}, FALSE)'
            ),
            event_params=event_params,
            upsert_customers=upsert,
            customer_params=customer_params,
            customer_by_id=(
                f"SELECT {_quoted(CUSTOMER_COLUMNS)} FROM customers "  # noqa: S608
                f'WHERE "customer_id" = {mark}'
            ),
            any_suppressed="SELECT EXISTS (SELECT 1 FROM suppression)",
            key_by_id=f'SELECT {_KEY_COLUMNS} FROM api_keys WHERE "key_id" = {mark}',  # noqa: S608
        )


def _customer_upsert(postgres: bool) -> sa.ClauseElement:
    if postgres:
        pg = postgresql.insert(customers)
        return pg.on_conflict_do_update(
            index_elements=["customer_id"],
            set_={c: pg.excluded[c] for c in CUSTOMER_COLUMNS[1:]},
        )
    lite = sqlite.insert(customers)
    return lite.on_conflict_do_update(
        index_elements=["customer_id"],
        set_={c: lite.excluded[c] for c in CUSTOMER_COLUMNS[1:]},
    )


def copy_events_sql() -> str:
    """PostgreSQL ``COPY`` of whole event rows, the fastest way in."""
    return f"COPY consent_events ({_quoted(EVENT_COLUMNS)}) FROM STDIN"
