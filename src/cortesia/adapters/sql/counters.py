"""Response counts and daily volume counters on SQL, shared by every process.

Every change is an ``INSERT … ON CONFLICT DO UPDATE`` (SQLite ≥ 3.24, PostgreSQL), so
an increment is one statement that reads and writes the row under its lock and no
concurrent increment is lost. A take of volume adds to each counter only ``WHERE`` the
limits still hold; when one claim does not fit the whole transaction is rolled back.
SQLite runs it under the write lock (``BEGIN IMMEDIATE``); PostgreSQL locks each row
it updates, in key order so two takes never deadlock, and re-checks the ``WHERE`` on
the newest committed row when it had to wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from datetime import date

import sqlalchemy as sa

from cortesia.adapters.memory_decisions import AMOUNT_SCALE, fits, merged_claims
from cortesia.adapters.sql.connection import driver, guarded, is_postgres, raw_cursor, writing
from cortesia.adapters.sql.statements import LOOKUP_CHUNK
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import ResponseCount, VolumeClaim
from cortesia.errors import StoreError

_NO_LIMIT = 2**63 - 1  # a limit that never binds (BIGINT range)
_CHANNELS = {c.value: c for c in Channel}


class _Refused(Exception):
    """A claim did not fit: leave the transaction, rolling it back."""


class SqlCounters:
    """The ``ResponseCounts`` and ``VolumeCounters`` ports on one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        postgres = is_postgres(engine)
        m = "%s" if postgres else "?"
        self._add = (
            'INSERT INTO response_counts ("action_id", "channel", "direction", "trials", '  # noqa: S608
            f'"accepts", "opt_outs") VALUES ({m}, {m}, {m}, {m}, {m}, {m}) '
            'ON CONFLICT ("action_id", "channel", "direction") DO UPDATE SET '
            '"trials" = response_counts."trials" + excluded."trials", '
            '"accepts" = response_counts."accepts" + excluded."accepts", '
            '"opt_outs" = response_counts."opt_outs" + excluded."opt_outs"'
        )
        self._counts = (
            'SELECT "action_id", "channel", "direction", "trials", "accepts", "opt_outs" '
            "FROM response_counts"
        )
        self._take = (
            'INSERT INTO volume_counters ("key", "day", "used", "spent") '  # noqa: S608
            f"VALUES ({m}, {m}, {m}, {m}) "
            'ON CONFLICT ("key", "day") DO UPDATE SET '
            '"used" = volume_counters."used" + excluded."used", '
            '"spent" = volume_counters."spent" + excluded."spent" '
            f'WHERE volume_counters."used" + excluded."used" <= {m} '
            f'AND volume_counters."spent" + excluded."spent" <= {m}'
        )
        floor = "GREATEST" if postgres else "MAX"
        self._give_back = (
            f'UPDATE volume_counters SET "used" = {floor}("used" - {m}, 0), '  # noqa: S608
            f'"spent" = {floor}("spent" - {m}, 0) WHERE "key" = {m} AND "day" = {m}'
        )
        self._postgres = postgres
        self._used = f'SELECT "key", "used", "spent" FROM volume_counters WHERE "day" = {m} AND '  # noqa: S608

    # -- response counts ----------------------------------------------------
    def add_responses(self, deltas: Sequence[tuple[str, Channel, str, ResponseCount]]) -> None:
        merged: dict[tuple[str, str, str], tuple[int, int, int]] = {}
        for action_id, channel, direction, delta in deltas:
            key = (action_id, Channel(channel).value, direction)
            trials, accepts, opt_outs = merged.get(key, (0, 0, 0))
            merged[key] = (
                trials + delta.trials,
                accepts + delta.accepts,
                opt_outs + delta.opt_outs,
            )
        if not merged:
            return
        # Sorted: concurrent writers lock rows in the same order and never deadlock.
        rows = [(*key, *merged[key]) for key in sorted(merged)]
        if len(rows) == 1:  # the common case: one autocommitted statement
            with raw_cursor(self._engine, "add response counts", write=True) as cursor:
                cursor.execute(self._add, rows[0])
            return
        with (
            guarded(self._engine, "add response counts"),
            writing(self._engine) as connection,
            closing(driver(connection).cursor()) as cursor,
        ):
            cursor.executemany(self._add, rows)

    def response_counts(self) -> dict[tuple[str, Channel, str], ResponseCount]:
        with raw_cursor(self._engine, "read response counts") as cursor:
            cursor.execute(self._counts)
            rows = cursor.fetchall()
        try:
            return {
                (row[0], _CHANNELS[row[1]], row[2]): ResponseCount(
                    int(row[3]), int(row[4]), int(row[5])
                )
                for row in rows
            }
        except (KeyError, TypeError, ValueError) as error:
            raise StoreError(f"response counts cannot be read ({error})") from None

    # -- volume -------------------------------------------------------------
    def take_volume(self, claims: Sequence[VolumeClaim]) -> bool:
        merged = merged_claims(claims)
        if not all(fits(0, 0, need) for need in merged.values()):
            return False  # more than the limit on an empty counter: no need to ask
        if not merged:
            return True
        rows = [
            (
                key,
                day.isoformat(),
                count,
                units,
                _NO_LIMIT if count_limit is None else count_limit,
                _NO_LIMIT if amount_limit is None else amount_limit,
            )
            for (key, day), (count, units, count_limit, amount_limit) in sorted(merged.items())
        ]
        try:
            with (
                guarded(self._engine, "take volume"),
                writing(self._engine) as connection,
                closing(driver(connection).cursor()) as cursor,
            ):
                for row in rows:
                    cursor.execute(self._take, row)
                    if cursor.rowcount != 1:
                        raise _Refused
        except _Refused:
            return False
        return True

    def give_back_volume(self, claims: Sequence[VolumeClaim]) -> None:
        merged = merged_claims(claims)
        rows = [
            (count, units, key, day.isoformat())
            for (key, day), (count, units, _, _) in sorted(merged.items())
        ]
        if not rows:
            return
        with (
            guarded(self._engine, "give back volume"),
            writing(self._engine) as connection,
            closing(driver(connection).cursor()) as cursor,
        ):
            cursor.executemany(self._give_back, rows)

    def volume_used(self, day: date, keys: Sequence[str]) -> dict[str, tuple[int, float]]:
        wanted = list(dict.fromkeys(keys))
        rows: dict[str, tuple[int, int]] = {}
        with raw_cursor(self._engine, "read volume counters") as cursor:
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK]
                if self._postgres:
                    cursor.execute(self._used + '"key" = ANY(%s)', (day.isoformat(), chunk))
                else:
                    marks = ", ".join("?" * len(chunk))
                    cursor.execute(f'{self._used}"key" IN ({marks})', (day.isoformat(), *chunk))
                rows.update((row[0], (int(row[1]), int(row[2]))) for row in cursor.fetchall())
        found = {key: rows.get(key, (0, 0)) for key in keys}
        return {key: (used, spent / AMOUNT_SCALE) for key, (used, spent) in found.items()}
