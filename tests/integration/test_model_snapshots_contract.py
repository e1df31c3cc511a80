"""One contract for model snapshots on every store: memory, SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from tests.integration.ledger_drafts import T0, draft

from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import Channel, ConsentKind
from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.engine.ports import Store
from cortesia.errors import ValidationError


def _snapshot(position: int, name: str = "adaptive", state: bytes = b"") -> ModelSnapshot:
    body = state or f"weights at {position}".encode()
    return ModelSnapshot(name, position, T0 + timedelta(minutes=position), body)


def test_no_snapshot_reads_none(store: Store) -> None:
    assert store.latest_model_snapshot("adaptive") is None


def test_a_saved_snapshot_reads_back_whole_as_the_latest(store: Store) -> None:
    snapshot = _snapshot(7, state=b"\x00\x80\xffpickle\x00")
    assert store.save_model_snapshot(snapshot) is True
    assert store.latest_model_snapshot("adaptive") == snapshot
    assert store.latest_model_snapshot("other") is None


def test_the_latest_is_the_greatest_position_and_names_are_apart(store: Store) -> None:
    assert store.save_model_snapshot(_snapshot(3))
    assert store.save_model_snapshot(_snapshot(9))
    assert store.save_model_snapshot(_snapshot(1, name="baseline"))
    assert store.latest_model_snapshot("adaptive") == _snapshot(9)
    assert store.latest_model_snapshot("baseline") == _snapshot(1, name="baseline")


def test_a_snapshot_at_the_same_or_an_older_position_is_refused(store: Store) -> None:
    assert store.save_model_snapshot(_snapshot(5))
    assert store.save_model_snapshot(_snapshot(5, state=b"other")) is False
    assert store.save_model_snapshot(_snapshot(2)) is False
    assert store.latest_model_snapshot("adaptive") == _snapshot(5)


def test_position_zero_is_a_snapshot_before_any_learning(store: Store) -> None:
    assert store.save_model_snapshot(_snapshot(0))
    assert store.latest_model_snapshot("adaptive") == _snapshot(0)


def test_older_snapshots_are_pruned_to_the_latest_three(store: Store) -> None:
    for position in range(1, 8):
        assert store.save_model_snapshot(_snapshot(position))
    assert store.latest_model_snapshot("adaptive") == _snapshot(7)
    # Pruning never lets an old position back in: it is still older than the latest.
    assert store.save_model_snapshot(_snapshot(2)) is False
    engine = getattr(store, "engine", None)
    if engine is not None:  # SQL: read what the table holds
        with engine.connect() as connection:
            kept = connection.exec_driver_sql(
                "SELECT name, position FROM model_snapshots ORDER BY position"
            ).all()
        assert [tuple(row) for row in kept] == [("adaptive", 5), ("adaptive", 6), ("adaptive", 7)]


def test_pruning_one_name_leaves_the_others(store: Store) -> None:
    assert store.save_model_snapshot(_snapshot(1, name="baseline"))
    for position in range(1, 6):
        store.save_model_snapshot(_snapshot(position))
    assert store.latest_model_snapshot("baseline") == _snapshot(1, name="baseline")


def test_a_large_state_round_trips_byte_for_byte(store: Store) -> None:
    state = random.Random(7).randbytes(5 * 1024 * 1024)
    assert store.save_model_snapshot(_snapshot(42, state=state))
    latest = store.latest_model_snapshot("adaptive")
    assert latest is not None and type(latest.state) is bytes
    assert latest.state == state


def test_a_caller_changing_its_buffer_afterwards_changes_nothing_stored(store: Store) -> None:
    buffer = bytearray(b"weights")
    store.save_model_snapshot(ModelSnapshot("adaptive", 1, T0, buffer))  # type: ignore[arg-type]
    buffer[0:7] = b"changed"
    latest = store.latest_model_snapshot("adaptive")
    assert latest is not None and latest.state == b"weights"


@pytest.mark.parametrize(
    ("name", "position", "field"), [("", 1, "name"), ("adaptive", -1, "position")]
)
def test_a_bad_snapshot_is_refused_and_nothing_saved(
    store: Store, name: str, position: int, field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        store.save_model_snapshot(ModelSnapshot(name, position, T0, b"w"))
    assert store.latest_model_snapshot(name) is None


def test_erasure_leaves_the_snapshots(store: Store) -> None:
    store.upsert_customers([Customer("C1", "ES", "Europe/Madrid")])
    store.save_model_snapshot(_snapshot(3))
    erasure = draft("erase-C1", kind=ConsentKind.ERASURE, channel=Channel.ALL, purpose="all")
    store.erase_customer("C1", [], erasure, T0 + timedelta(hours=1))
    assert store.latest_model_snapshot("adaptive") == _snapshot(3)


def test_concurrent_saves_from_two_threads_keep_the_later_position(store: Store) -> None:
    rounds = 20
    start = threading.Barrier(2)
    kept: dict[int, bool] = {}
    errors: list[BaseException] = []

    def save(positions: range) -> None:
        try:
            start.wait(timeout=30)
            for position in positions:
                kept[position] = store.save_model_snapshot(_snapshot(position))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    # Odd positions in one thread, even in the other: every round they race.
    threads = [
        threading.Thread(target=save, args=(range(first, 2 * rounds + 1, 2),)) for first in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert store.latest_model_snapshot("adaptive") == _snapshot(2 * rounds)
    assert kept[2 * rounds] is True
    assert len(kept) == 2 * rounds
