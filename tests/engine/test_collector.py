"""The cyclic collector paused around bulk work: nested and concurrent blocks, and batches."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.engine.collector import collector_paused
from cortesia.engine.consent import ConsentService

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_a_block_pauses_the_collector_and_gives_it_back() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_a_collector_off_before_stays_off_after() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_collector_comes_back_when_the_last_of_two_threads_ends() -> None:
    first_in, first_out, second_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            first_out.wait(5)
        seen.append(gc.isenabled())  # the second block still runs
        second_done.wait(5)

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with collector_paused():
        first_out.set()
        worker_left = _wait_for(lambda: len(seen) == 1)
        assert worker_left and not gc.isenabled()
    second_done.set()
    worker.join(5)
    assert seen == [False] and gc.isenabled()


def test_the_collector_comes_back_after_a_block_that_raised() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_consent_batch_is_validated_and_stored_with_the_collector_paused() -> None:
    store = MemoryStore()
    states: list[bool] = []
    append = store.append

    def watched(drafts: Sequence[object], recorded_at: datetime) -> list[object]:
        states.append(gc.isenabled())
        return append(drafts, recorded_at)  # type: ignore[arg-type]

    store.append = watched  # type: ignore[method-assign]
    rows: list[Mapping[str, object]] = [
        {"customer_id": "C1", "channel": "sms", "purpose": "marketing", "kind": "opt_in"}
    ]
    ConsentService(store, FrozenClock(NOW)).record_batch(rows)
    assert states == [False] and gc.isenabled()
    assert len(store.events_of("C1")) == 1


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    pause = threading.Event()
    for _ in range(int(seconds * 100)):
        if condition():
            return True
        pause.wait(0.01)
    return False
