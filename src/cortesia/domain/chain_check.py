"""Verifying the ledger's hash chain: every altered, inserted or removed event.

The walk goes through the events in seq order, recomputes each hash and checks each
link to the previous event; a chain head recorded beside the events catches a
removed or extended tail. Rows that no longer decode are reported, not fatal.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from cortesia.domain.consent import ConsentEvent
from cortesia.domain.ledger import GENESIS_HASH, ChainHead, personal_digest, rehash
from cortesia.domain.vocabulary import ConsentKind
from cortesia.errors import ValidationError

_RECENT_HASHES = 4096


@dataclass(frozen=True, slots=True)
class UnreadableEvent:
    """A stored row that no longer decodes into an event (edited by hand, wrong types)."""

    seq: int
    event_id: str
    prev_hash: str
    hash: str
    detail: str


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One break in the chain: which event, what kind of tampering, details."""

    event_id: str
    seq: int
    problem: str  # "altered", "inserted" or "removed"
    detail: str


@dataclass(frozen=True, slots=True)
class _Link:
    """What the walk remembers of an event: where it stands and its hash."""

    seq: int
    event_id: str
    hash: str


_START = _Link(0, "-", GENESIS_HASH)


class _Walk:
    """State of one verification walk over the chain."""

    def __init__(self) -> None:
        self.problems: list[ChainProblem] = []
        self.recent: OrderedDict[str, int] = OrderedDict({GENESIS_HASH: 0})
        self.since_link: list[_Link] = []
        self.last = _START
        self.erased_events: list[ConsentEvent] = []
        self.erasures: set[str] = set()

    def flag(self, link: _Link | ConsentEvent | UnreadableEvent, problem: str, detail: str) -> None:
        self.problems.append(ChainProblem(link.event_id, link.seq, problem, detail))

    def check_content(self, event: ConsentEvent) -> bool:
        if event.erased:
            self.erased_events.append(event)
        elif personal_digest(event.evidence, event.actor) != event.personal_digest:
            self.flag(event, "altered", "evidence or actor differ from what was recorded")
            return False
        if event.kind is ConsentKind.ERASURE:
            self.erasures.add(event.customer_id)
        if rehash(event) != event.hash:
            self.flag(event, "altered", "fields differ from what was recorded")
            return False
        return True

    def check_gap(self, seq: int, event_id: str) -> bool:
        """Report events missing before ``seq``; True when there is a gap."""
        first = self.last.seq + 1
        if seq <= first:
            return False
        missing = f"seq {first}" + (f"..{seq - 1}" if seq - 1 > first else "")
        self.problems.append(
            ChainProblem("-", first, "removed", f"{missing} missing before event {event_id}")
        )
        return True

    def check_link(self, event: ConsentEvent, content_ok: bool) -> None:
        if event.prev_hash == self.last.hash or self.check_gap(event.seq, event.event_id):
            return
        if not content_ok:
            return  # already reported as altered; its link says nothing more
        anchor = self.recent.get(event.prev_hash)
        if anchor is not None and anchor < self.last.seq:
            for intruder in self.since_link:
                if intruder.seq > anchor:
                    self.flag(intruder, "inserted", f"not in the chain after seq {anchor}")
        elif self.last is not _START:
            # The successor is intact but does not point here: this row replaced the original.
            self.flag(self.last, "inserted", "the next event does not point to it")
        else:
            self.flag(event, "altered", "link to the previous event was changed")

    def advance(self, link: _Link) -> None:
        self.since_link = [*self.since_link[-64:], link]
        self.recent[link.hash] = link.seq
        if len(self.recent) > _RECENT_HASHES:
            self.recent.popitem(last=False)
        self.last = link

    def step(self, event: ConsentEvent | UnreadableEvent) -> None:
        if isinstance(event, UnreadableEvent):
            # Its stored hashes still link the chain, so the events around it verify.
            self.flag(event, "altered", f"unreadable: {event.detail}")
            self.check_gap(event.seq, event.event_id)
        else:
            self.check_link(event, self.check_content(event))
        self.advance(_Link(event.seq, event.event_id, event.hash))


def _check_head(walk: _Walk, head: ChainHead) -> None:
    last = walk.last
    if last.seq > head.last_seq:
        for link in walk.since_link:
            if link.seq > head.last_seq:
                walk.flag(link, "inserted", "after the recorded end of the chain")
    elif last.seq < head.last_seq or last.hash != head.last_hash:
        walk.problems.append(
            ChainProblem(
                "-",
                last.seq + 1,
                "removed",
                f"chain should end at seq {head.last_seq}; it ends at seq {last.seq}",
            )
        )


@dataclass(frozen=True, slots=True)
class Anchor:
    """A link of the chain written down outside the store: seq and hash.

    Whoever can write to the store can delete the newest events and rewrite the head
    to match; an anchor kept elsewhere (``cortesia ledger head``) still catches that.
    """

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """An anchor from ``SEQ:HASH``.

        >>> Anchor.parse("12:" + "ab" * 32).seq
        12
        """
        seq, sep, digest = text.strip().partition(":")
        if not sep or not seq.isdigit() or int(seq) < 1 or len(digest) != 64:
            raise ValidationError("anchor", text, "must be SEQ:HASH as `ledger head` prints it")
        return cls(int(seq), digest.lower())


def _check_anchors(walk: _Walk, anchors: Sequence[Anchor], seen: Mapping[int, str]) -> None:
    for anchor in anchors:
        found = seen.get(anchor.seq)
        if found is None:
            walk.problems.append(
                ChainProblem(
                    "-",
                    anchor.seq,
                    "removed",
                    f"anchored event seq {anchor.seq} is no longer in the chain",
                )
            )
        elif found != anchor.hash:
            walk.problems.append(
                ChainProblem(
                    "-",
                    anchor.seq,
                    "altered",
                    f"the chain at seq {anchor.seq} differs from its anchor",
                )
            )


def verify_chain(
    events: Iterable[ConsentEvent | UnreadableEvent],
    head: ChainHead | Callable[[], ChainHead],
    anchors: Sequence[Anchor] = (),
) -> list[ChainProblem]:
    """Every altered, inserted or removed event, walking ``events`` in seq order.

    ``head`` may be a function, asked once the walk is over (appends may go on meanwhile).
    """
    walk = _Walk()
    wanted = {anchor.seq for anchor in anchors}
    seen: dict[int, str] = {}
    for event in events:
        walk.step(event)
        if event.seq in wanted:
            seen[event.seq] = event.hash
    _check_head(walk, head if isinstance(head, ChainHead) else head())
    _check_anchors(walk, anchors, seen)
    for event in walk.erased_events:
        if event.customer_id not in walk.erasures:
            walk.flag(event, "altered", "marked erased, but its customer has no erasure event")
    return walk.problems
