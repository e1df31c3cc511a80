"""A batch of decisions is one transaction on SQL: all of it is stored, or none of it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.integration.test_decision_store_contract import _decision

from cortesia.adapters.sql.store import SqlStore
from cortesia.errors import StoreError


def test_a_batch_that_fails_half_way_stores_none_of_its_decisions(sql_store: SqlStore) -> None:
    broken = replace(_decision("D2"), customer_id=None)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        sql_store.record_decisions([_decision("D1"), broken, _decision("D3")])
    assert [sql_store.find_decision(i) for i in ("D1", "D2", "D3")] == [None, None, None]
    assert sql_store.record_decisions([_decision("D1"), _decision("D3")]) == []
    assert {r.decision_id for r in sql_store.decisions_of("C1")} == {"D1", "D3"}


def test_a_batch_as_large_as_a_busy_loop_turn_is_stored_whole(sql_store: SqlStore) -> None:
    records = [_decision(f"D{n:03d}", minutes=n) for n in range(300)]
    assert sql_store.record_decisions(records) == []
    assert len(sql_store.decisions_of("C1", limit=500)) == 300
