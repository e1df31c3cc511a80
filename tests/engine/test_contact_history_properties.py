"""No sequence of reservations, confirmations, releases and expiries ever exceeds a cap.

The judge allows a contact while fewer than K contacts count in the window of W
before now. Whatever hypothesis does in between (confirm late, release, report
outcomes, let time pass, run housekeeping), the contacts counting in that window
never exceed K. The same holds for eight threads racing on one memory store.
"""

from __future__ import annotations

import threading
from contextlib import suppress
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
)
from tests.integration.contact_workers import CUSTOMERS, T0, WINDOW, at_most, draft, hammer

from cortesia.adapters.memory import MemoryStore
from cortesia.domain.contacts import Outcome
from cortesia.errors import ConflictError

LIMIT = 2
# Steps of minutes to hours against a window of days: contacts stay in it for many steps.
MINUTES = st.integers(min_value=0, max_value=180)


class ReservationsNeverExceedTheCap(RuleBasedStateMachine):
    """Random operations on one memory store, the cap checked after every step."""

    contacts = Bundle("contacts")

    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.now = T0
        self.judge = at_most(LIMIT)

    @rule(
        target=contacts,
        customer=st.sampled_from(CUSTOMERS[:2]),
        ahead=MINUTES,
        hold=st.integers(min_value=1, max_value=60),
    )
    def reserve(self, customer: str, ahead: int, hold: int) -> MultipleResults[str]:
        planned = self.now + timedelta(minutes=ahead)
        held = draft(customer, occurred_at=planned, expires_at=planned + timedelta(minutes=hold))
        _, stored = self.store.reserve(held, self.now - WINDOW, self.now, self.judge)
        return multiple() if stored is None else multiple(stored.contact_id)

    @rule(contact_id=contacts)
    def confirm(self, contact_id: str) -> None:
        with suppress(ConflictError):  # expired or released: refused, which is the point
            self.store.confirm(contact_id, self.now)

    @rule(contact_id=consumes(contacts))
    def release(self, contact_id: str) -> None:
        with suppress(ConflictError):  # sent contacts stay
            self.store.release(contact_id, self.now)

    @rule(contact_id=contacts, outcome=st.sampled_from(Outcome))
    def report(self, contact_id: str, outcome: Outcome) -> None:
        with suppress(ConflictError):  # not sent
            self.store.record_outcome(contact_id, outcome, self.now)

    @rule(minutes=MINUTES)
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule()
    def housekeeping(self) -> None:
        self.store.release_expired(self.now)

    @invariant()
    def at_most_the_cap_counts_in_the_window(self) -> None:
        since = self.now - WINDOW
        for customer in CUSTOMERS:
            counted = self.store.contacts_of(customer, since, self.now)
            assert sum(1 for c in counted if c.occurred_at >= since) <= LIMIT


ReservationsNeverExceedTheCap.TestCase.settings = settings(
    max_examples=300, stateful_step_count=30, deadline=None, derandomize=True
)
TestReservationsNeverExceedTheCap = ReservationsNeverExceedTheCap.TestCase


def test_eight_threads_fill_each_customer_to_the_cap_and_never_past_it() -> None:
    store = MemoryStore()
    together = threading.Barrier(8)
    tallies: list[tuple[int, int, list[int]]] = []

    def work(worker: int) -> None:
        together.wait(10)
        tallies.append(hammer(store, 60, 5, worker))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(tallies) == 8
    assert {c: len(store.contacts_of(c, T0 - WINDOW, T0)) for c in CUSTOMERS} == dict.fromkeys(
        CUSTOMERS, 5
    )
    assert sum(allowed for allowed, _, _ in tallies) == 5 * len(CUSTOMERS)
    assert max(max(seen) for _, _, seen in tallies) == 5
