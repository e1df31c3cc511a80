"""Tampering with the ledger tables by hand is caught, event by event, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.integration.ledger_drafts import T0, draft, drafts

from cortesia.adapters.sql.codec import event_row
from cortesia.adapters.sql.store import SqlStore
from cortesia.adapters.sql.tables import consent_events
from cortesia.domain.chain_check import Anchor, ChainProblem, verify_chain
from cortesia.domain.consent import ConsentEvent
from cortesia.domain.ledger import seal
from cortesia.errors import StoreError


def _ledger(store: SqlStore) -> list[ConsentEvent]:
    return [r.event for r in store.append(drafts("t", 5), T0)]


def _run(store: SqlStore, sql: str, **params: object) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.text(sql), params)


def _problems(store: SqlStore) -> list[tuple[str, str]]:
    found: list[ChainProblem] = verify_chain(store.iter_events(), store.chain_head())
    return [(p.event_id, p.problem) for p in found]


def test_an_untouched_ledger_verifies(sql_store: SqlStore) -> None:
    _ledger(sql_store)
    assert _problems(sql_store) == []


def test_changed_evidence_is_reported_as_altered(sql_store: SqlStore) -> None:
    events = _ledger(sql_store)
    _run(sql_store, "UPDATE consent_events SET evidence = :e WHERE seq = 2", e='{"text":"forged"}')
    assert _problems(sql_store) == [(events[1].event_id, "altered")]


def test_a_changed_kind_is_reported_as_altered(sql_store: SqlStore) -> None:
    events = _ledger(sql_store)
    _run(sql_store, "UPDATE consent_events SET kind = 'opt_out' WHERE seq = 3")
    assert _problems(sql_store) == [(events[2].event_id, "altered")]


def test_a_deleted_middle_event_is_reported_as_removed(sql_store: SqlStore) -> None:
    events = _ledger(sql_store)
    _run(sql_store, "DELETE FROM consent_events WHERE seq = 3")
    found = verify_chain(sql_store.iter_events(), sql_store.chain_head())
    assert [(p.seq, p.problem) for p in found] == [(3, "removed")]
    assert events[3].event_id in found[0].detail


def test_a_deleted_last_event_is_reported_as_removed(sql_store: SqlStore) -> None:
    _ledger(sql_store)
    _run(sql_store, "DELETE FROM consent_events WHERE seq = 5")
    found = verify_chain(sql_store.iter_events(), sql_store.chain_head())
    assert [(p.problem, p.seq) for p in found] == [("removed", 5)]


def test_a_forged_event_added_by_hand_is_reported_as_inserted(sql_store: SqlStore) -> None:
    events = _ledger(sql_store)
    forged = seal(
        draft("forged"),
        seq=6,
        event_id="forged-event",
        recorded_at=T0,
        prev_hash=events[-1].hash,
    )
    with sql_store.engine.begin() as connection:
        row = dict(zip(consent_events.c.keys(), event_row(forged), strict=True))
        connection.execute(sa.insert(consent_events), [row])
    assert _problems(sql_store) == [("forged-event", "inserted")]


def test_a_row_edited_into_nonsense_is_reported_not_a_crash(sql_store: SqlStore) -> None:
    events = _ledger(sql_store)
    _run(sql_store, "UPDATE consent_events SET evidence = 'not json' WHERE seq = 2")
    _run(sql_store, """UPDATE consent_events SET "values" = '{broken' WHERE seq = 4""")
    found = verify_chain(sql_store.iter_events(), sql_store.chain_head())
    assert [(p.event_id, p.problem) for p in found] == [
        (events[1].event_id, "altered"),
        (events[3].event_id, "altered"),
    ]
    assert all("unreadable" in p.detail for p in found)


def test_reading_the_state_of_a_damaged_row_fails_closed(sql_store: SqlStore) -> None:
    events = _ledger(sql_store)
    _run(sql_store, "UPDATE consent_events SET evidence = 'not json' WHERE seq = 2")
    with pytest.raises(StoreError, match="ledger verify"):
        sql_store.events_of(events[1].customer_id)


def test_a_removed_newest_event_with_a_rewritten_head_is_caught_by_an_anchor(
    sql_store: SqlStore,
) -> None:
    _ledger(sql_store)
    head = sql_store.chain_head()
    _run(sql_store, "DELETE FROM consent_events WHERE seq = 5")
    _run(
        sql_store,
        'UPDATE chain_head SET "count" = 4, last_seq = 4, '
        "last_hash = (SELECT hash FROM consent_events WHERE seq = 4)",
    )
    assert verify_chain(sql_store.iter_events(), sql_store.chain_head()) == []
    anchored = verify_chain(
        sql_store.iter_events(), sql_store.chain_head(), [Anchor(head.last_seq, head.last_hash)]
    )
    assert [(p.seq, p.problem) for p in anchored] == [(5, "removed")]
