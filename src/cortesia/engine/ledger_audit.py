"""Verifying the ledger's hash chain, while appends may go on."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cortesia.domain.chain_check import Anchor, ChainProblem, UnreadableEvent, verify_chain
from cortesia.domain.consent import ConsentEvent
from cortesia.domain.ledger import ChainHead
from cortesia.engine.ports import Store


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Outcome of walking the whole chain."""

    events_checked: int
    problems: list[ChainProblem]

    @property
    def intact(self) -> bool:
        return not self.problems


class _Counter:
    """Counts the events streamed through it and remembers the last one."""

    def __init__(self, events: Iterator[ConsentEvent | UnreadableEvent]) -> None:
        self._events = events
        self.count = 0
        self.last_seq = 0
        self.last_hash = ""

    def __iter__(self) -> Iterator[ConsentEvent | UnreadableEvent]:
        for event in self._events:
            self.count += 1
            self.last_seq, self.last_hash = event.seq, event.hash
            yield event


def _settled_head(store: Store, before: ChainHead, walked: _Counter) -> ChainHead:
    # Events appended while we walked are past the head we read first. They are genuine
    # when the head has moved over them since; a row added by hand never moves the head.
    if walked.last_seq <= before.last_seq:
        return before
    after = store.chain_head()
    if after.last_seq >= walked.last_seq:
        return ChainHead(walked.count, walked.last_seq, walked.last_hash)
    return after


def verify_ledger(store: Store, anchors: Sequence[Anchor] = ()) -> VerificationReport:
    """Walk every event in seq order and report each altered, inserted or removed one.

    ``anchors`` (``SEQ:HASH`` kept outside the store) also catch the newest events
    removed together with a rewritten head.
    """
    before = store.chain_head()
    walked = _Counter(store.iter_events())
    problems = verify_chain(walked, lambda: _settled_head(store, before, walked), anchors)
    return VerificationReport(walked.count, problems)
