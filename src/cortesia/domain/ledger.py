"""The tamper-evident hash chain of the consent ledger.

One chain runs through the whole ledger in recording order (``seq``). Each
event's hash covers the previous event's hash, the event's own fields and a
digest of its personal fields (evidence, actor); a chain head stored beside the
events holds the last ``seq`` and hash, so a removed tail is caught too.
Erasure blanks the personal fields but keeps their digest, so an erased ledger
still verifies.

A global chain (rather than one per customer) catches the removal of a
customer's whole history; it serialises writers, which batches of events make
cheap.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from cortesia.domain.consent import ConsentEvent, NewConsentEvent
from cortesia.domain.vocabulary import ConsentKind

GENESIS_HASH = "0" * 64
_RECENT_HASHES = 4096


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Last link of the chain: how many events, the last seq and its hash."""

    count: int
    last_seq: int
    last_hash: str


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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_micros(value: datetime) -> int:
    """Microseconds since the Unix epoch: the instant as the chain and SQL store keep it."""
    return (value - _EPOCH) // _MICROSECOND


def _instant(value: datetime | None) -> int | None:
    return None if value is None else epoch_micros(value)


def _mapping_text(data: Mapping[str, object]) -> str:
    # Most events carry no values or evidence; skip the sorted encoder for them.
    if not data:
        return "{}"
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


_EMPTY_PERSONAL = hashlib.sha256(b'{"actor":null,"evidence":{}}').hexdigest()


def personal_digest(evidence: Mapping[str, str], actor: str | None) -> str:
    """Digest of the personal fields, kept after erasure."""
    if not evidence and actor is None:
        return _EMPTY_PERSONAL
    text = f'{{"actor":{json.dumps(actor)},"evidence":{_mapping_text(evidence)}}}'
    return hashlib.sha256(text.encode()).hexdigest()


def event_hash(
    prev_hash: str,
    *,
    seq: int,
    event_id: str,
    customer_id: str,
    channel: str,
    purpose: str,
    kind: str,
    occurred_at: datetime,
    recorded_at: datetime,
    until: datetime | None,
    source: str,
    idempotency_key: str,
    values: Mapping[str, object],
    lawful_basis: str | None,
    jurisdiction: str | None,
    personal: str,
) -> str:
    """Hash of one event chained to ``prev_hash``."""
    core = [
        seq,
        event_id,
        customer_id,
        channel,
        purpose,
        kind,
        _instant(occurred_at),
        _instant(recorded_at),
        _instant(until),
        source,
        idempotency_key,
        _mapping_text(values),
        lawful_basis,
        jurisdiction,
        personal,
    ]
    # Scalars and pre-encoded mappings only: the plain C encoder is canonical for them.
    return hashlib.sha256((prev_hash + json.dumps(core)).encode()).hexdigest()


def rehash(event: ConsentEvent) -> str:
    """The hash ``event`` should carry given its fields and stored ``prev_hash``."""
    return event_hash(
        event.prev_hash,
        seq=event.seq,
        event_id=event.event_id,
        customer_id=event.customer_id,
        channel=event.channel.value,
        purpose=event.purpose,
        kind=event.kind.value,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        until=event.until,
        source=event.source.value,
        idempotency_key=event.idempotency_key,
        values=event.values,
        lawful_basis=event.lawful_basis,
        jurisdiction=event.jurisdiction,
        personal=event.personal_digest,
    )


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

    def flag(
        self, link: _Link | ConsentEvent | UnreadableEvent, problem: str, detail: str
    ) -> None:
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


def verify_chain(
    events: Iterable[ConsentEvent | UnreadableEvent], head: ChainHead
) -> list[ChainProblem]:
    """Every altered, inserted or removed event, walking ``events`` in seq order."""
    walk = _Walk()
    for event in events:
        walk.step(event)
    _check_head(walk, head)
    for event in walk.erased_events:
        if event.customer_id not in walk.erasures:
            walk.flag(event, "altered", "marked erased, but its customer has no erasure event")
    return walk.problems


def seal(
    draft: NewConsentEvent, *, seq: int, event_id: str, recorded_at: datetime, prev_hash: str
) -> ConsentEvent:
    """Turn a validated draft into the chained event stored at ``seq``."""
    personal = personal_digest(draft.evidence, draft.actor)
    digest = event_hash(
        prev_hash,
        seq=seq,
        event_id=event_id,
        customer_id=draft.customer_id,
        channel=draft.channel.value,
        purpose=draft.purpose,
        kind=draft.kind.value,
        occurred_at=draft.occurred_at,
        recorded_at=recorded_at,
        until=draft.until,
        source=draft.source.value,
        idempotency_key=draft.idempotency_key,
        values=draft.values,
        lawful_basis=draft.lawful_basis,
        jurisdiction=draft.jurisdiction,
        personal=personal,
    )
    return ConsentEvent(
        seq=seq,
        event_id=event_id,
        customer_id=draft.customer_id,
        channel=draft.channel,
        purpose=draft.purpose,
        kind=draft.kind,
        occurred_at=draft.occurred_at,
        recorded_at=recorded_at,
        source=draft.source,
        idempotency_key=draft.idempotency_key,
        until=draft.until,
        values=dict(draft.values),
        evidence=dict(draft.evidence),
        lawful_basis=draft.lawful_basis,
        jurisdiction=draft.jurisdiction,
        actor=draft.actor,
        personal_digest=personal,
        prev_hash=prev_hash,
        hash=digest,
    )


def blank_personal(event: ConsentEvent) -> ConsentEvent:
    """The event with its personal fields erased; its hash still verifies."""
    return replace(event, evidence={}, actor=None, erased=True)
