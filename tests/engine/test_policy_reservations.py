"""Reservations through the real contact policy never exceed a cap, whatever the sequence."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.policy_support import FakeRegistries, add_customer, consent

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.contacts import ContactStatus
from cortesia.domain.policy.company_parse import parse_company_policy
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.policy import StaticCompanyPolicy

START = datetime(2026, 11, 23, 13, tzinfo=UTC)  # Monday 08:00 in Bogotá
BOGOTA = ZoneInfo("America/Bogota")
POLICY = """
[policy]
reservation_minutes = 30
[[cap]]
id = "two-a-day"
limit = 2
window = "calendar_day"
[[cap]]
id = "three-in-48h"
limit = 3
window = "rolling_48h"
"""

steps = st.lists(
    st.tuples(
        st.sampled_from(["reserve", "confirm", "release", "wait"]),
        st.integers(min_value=0, max_value=4 * 24 * 60),  # planned minute, or wait minutes
    ),
    min_size=1,
    max_size=25,
)


def _engine(clock: FrozenClock) -> Engine:
    policy = parse_company_policy(tomllib.loads(POLICY))
    engine = Engine(
        MemoryStore(),
        clock,
        registries=FakeRegistries({"co-rne": date(2026, 12, 31)}),
        company=StaticCompanyPolicy(policy),
    )
    add_customer(engine, "ana", "CO", phone="+573001234567", time_zone="America/Bogota")
    consent(engine, "ana", "all", "opt_in", START - timedelta(days=1))
    return engine


@settings(max_examples=40, deadline=None)
@given(steps=steps)
def test_no_sequence_of_reservations_ever_exceeds_a_cap(steps: list[tuple[str, int]]) -> None:
    clock = FrozenClock(START)
    engine = _engine(clock)
    held: list[str] = []
    for op, minutes in steps:
        if op == "reserve":
            # Planned within the legal hours of a weekday or Saturday morning, any day ahead.
            day = START + timedelta(days=minutes // (24 * 60))
            at = day + timedelta(minutes=minutes % 600)
            found = engine.policy.reserve("ana", Channel.SMS, "data_offers", at=at)
            if found.contact is not None:
                held.append(found.contact.contact_id)
        elif op in ("confirm", "release") and held:
            contact_id = held.pop(minutes % len(held))
            contact = engine.store.find_contact(contact_id)
            if contact is not None and contact.counts_at(clock.now()):
                (engine.store.confirm if op == "confirm" else engine.store.release)(
                    contact_id, clock.now()
                )
        else:
            clock.advance(timedelta(minutes=minutes % 90))
    now = clock.now()
    counting = [
        c.occurred_at
        for c in engine.store.contact_history("ana")
        if c.counts_at(now) or c.status is ContactStatus.SENT
    ]
    per_day: dict[object, int] = {}
    for at in counting:
        day = at.astimezone(BOGOTA).date()
        per_day[day] = per_day.get(day, 0) + 1
    assert max(per_day.values(), default=0) <= 2
    for end in counting:
        inside = [t for t in counting if end - timedelta(hours=48) < t <= end]
        assert len(inside) <= 3
