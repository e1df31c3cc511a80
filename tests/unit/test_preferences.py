"""Preferences fold newest-wins per key and channel scope."""

from __future__ import annotations

from datetime import timedelta

from cortesia.adapters.memory import FrozenClock
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine


def test_newest_value_of_each_key_wins_per_channel(
    memory_engine: Engine, clock: FrozenClock
) -> None:
    base = {
        "customer_id": "C1",
        "channel": "all",
        "purpose": "marketing",
        "kind": "preference",
        "source": "app",
    }
    memory_engine.consent.record(
        {**base, "values": {"max_per_week": 3, "allowed_hours": "09:00-21:00"}}
    )
    clock.advance(timedelta(days=1))
    memory_engine.consent.record({**base, "values": {"max_per_week": 1}})
    memory_engine.consent.record(
        {**base, "channel": "voice", "values": {"allowed_hours": "10:00-12:00"}}
    )
    prefs = memory_engine.consent.state("C1").preferences
    assert prefs[Channel.ALL] == {"max_per_week": 1, "allowed_hours": "09:00-21:00"}
    assert prefs[Channel.VOICE] == {"allowed_hours": "10:00-12:00"}
    earlier = memory_engine.consent.state("C1", clock.now() - timedelta(hours=1)).preferences
    assert earlier[Channel.ALL]["max_per_week"] == 3
