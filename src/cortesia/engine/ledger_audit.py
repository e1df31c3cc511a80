"""Verifying the ledger's hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cortesia.domain.chain_check import ChainProblem, UnreadableEvent, verify_chain
from cortesia.domain.consent import ConsentEvent
from cortesia.engine.ports import Store


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Outcome of walking the whole chain."""

    events_checked: int
    problems: list[ChainProblem]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_ledger(store: Store) -> VerificationReport:
    """Walk every event in seq order and report each altered, inserted or removed one."""
    head = store.chain_head()
    counted = 0

    def counting() -> Iterator[ConsentEvent | UnreadableEvent]:
        nonlocal counted
        for event in store.iter_events():
            counted += 1
            yield event

    problems = verify_chain(counting(), head)
    return VerificationReport(counted, problems)
