"""Customer values on SQL: one row per customer, replaced by each fit."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from cortesia.adapters.sql.codec import from_micros, to_micros
from cortesia.adapters.sql.connection import guarded, raw_cursor, writing
from cortesia.adapters.sql.tables import customer_values
from cortesia.engine.value_ports import CustomerValue
from cortesia.errors import StoreError

_COLUMNS = tuple(c.name for c in customer_values.columns)
_CHUNK = 5_000


def forget_value_in(connection: sa.Connection, customer_id: str) -> None:
    """Delete a customer's value in the caller's transaction (erasure)."""
    connection.execute(
        sa.delete(customer_values).where(customer_values.c.customer_id == customer_id)
    )


class SqlValues:
    """The ``CustomerValues`` port on one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        m = "%s" if engine.dialect.name == "postgresql" else "?"
        cols = ", ".join(f'"{c}"' for c in _COLUMNS)
        self._by_id = f'SELECT {cols} FROM customer_values WHERE "customer_id" = {m}'  # noqa: S608

    def save_customer_values(self, values: Sequence[CustomerValue]) -> int:
        rows = [_row(v) for v in values]
        if not rows:
            return 0
        table = customer_values
        with guarded(self._engine, "save customer values"), writing(self._engine) as connection:
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                ids = [r["customer_id"] for r in chunk]
                connection.execute(sa.delete(table).where(table.c.customer_id.in_(ids)))
                connection.execute(sa.insert(table), chunk)
        return len(rows)

    def customer_value(self, customer_id: str) -> CustomerValue | None:
        with raw_cursor(self._engine, "read a customer value") as cursor:
            cursor.execute(self._by_id, (customer_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        try:
            return CustomerValue(
                row[0], float(row[1]), float(row[2]), float(row[3]), row[4], from_micros(row[5])
            )
        except (TypeError, ValueError) as error:
            raise StoreError(f"value of customer {row[0]!r} cannot be read ({error})") from None

    def count_customer_values(self) -> int:
        with raw_cursor(self._engine, "count customer values") as cursor:
            cursor.execute("SELECT count(*) FROM customer_values")
            return int(cursor.fetchone()[0])


def _row(value: CustomerValue) -> dict[str, object]:
    return {
        "customer_id": value.customer_id,
        "residual_value": value.residual_value,
        "expected_periods": value.expected_periods,
        "period_days": value.period_days,
        "model": value.model,
        "fitted_at": to_micros(value.fitted_at),
    }
