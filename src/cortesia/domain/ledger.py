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


class _Walk:
    """State of one verification walk over the chain."""

    def __init__(self) -> None:
        self.problems: list[ChainProblem] = []
        self.recent: OrderedDict[str, int] = OrderedDict({GENESIS_HASH: 0})
        self.since_link: list[ConsentEvent] = []
        self.last: ConsentEvent | None = None
        self.count = 0
        self.erased_customers: set[str] = set()
        self.erasures: set[str] = set()

    def remember(self, event: ConsentEvent) -> None:
        self.recent[event.hash] = event.seq
        if len(self.recent) > _RECENT_HASHES:
            self.recent.popitem(last=False)

    def check_content(self, event: ConsentEvent) -> bool:
        if event.erased:
            self.erased_customers.add(event.customer_id)
        elif personal_digest(event.evidence, event.actor) != event.personal_digest:
            self.flag(event, "altered", "evidence or actor differ from what was recorded")
            return False
        if event.kind is ConsentKind.ERASURE:
            self.erasures.add(event.customer_id)
        if rehash(event) != event.hash:
            self.flag(event, "altered", "fields differ from what was recorded")
            return False
        return True

    def check_link(self, event: ConsentEvent, content_ok: bool) -> None:
        expected = self.last.hash if self.last is not None else GENESIS_HASH
        last_seq = self.last.seq if self.last is not None else 0
        if event.prev_hash == expected:
            return
        if event.seq > last_seq + 1:
            missing = f"seq {last_seq + 1}..{event.seq - 1}"
            self.flag(event, "removed", f"event(s) before this one are missing ({missing})")
        elif not content_ok:
            return  # already reported as altered; its link says nothing more
        elif event.prev_hash in self.recent and self.recent[event.prev_hash] < last_seq:
            anchor = self.recent[event.prev_hash]
            for intruder in self.since_link:
                if intruder.seq > anchor:
                    self.flag(intruder, "inserted", f"not in the chain after seq {anchor}")
        elif self.last is not None:
            # The successor is intact but does not point here: this row replaced the original.
            self.flag(self.last, "inserted", "the next event does not point to it")
        else:
            self.flag(event, "altered", "link to the previous event was changed")

    def flag(self, event: ConsentEvent, problem: str, detail: str) -> None:
        self.problems.append(ChainProblem(event.event_id, event.seq, problem, detail))

    def step(self, event: ConsentEvent) -> None:
        self.count += 1
        self.check_link(event, self.check_content(event))
        self.since_link = [*self.since_link[-64:], event]
        self.remember(event)
        self.last = event


def _check_head(walk: _Walk, head: ChainHead) -> None:
    last = walk.last
    last_seq = last.seq if last is not None else 0
    last_hash = last.hash if last is not None else GENESIS_HASH
    if last_seq > head.last_seq:
        for event in walk.since_link:
            if event.seq > head.last_seq:
                walk.flag(event, "inserted", "after the recorded end of the chain")
    elif last_seq < head.last_seq or last_hash != head.last_hash:
        walk.problems.append(
            ChainProblem(
                "-",
                head.last_seq,
                "removed",
                f"chain should end at seq {head.last_seq}; it ends at seq {last_seq}",
            )
        )


def verify_chain(events: Iterable[ConsentEvent], head: ChainHead) -> list[ChainProblem]:
    """Every altered, inserted or removed event, walking ``events`` in seq order."""
    walk = _Walk()
    for event in events:
        walk.step(event)
    _check_head(walk, head)
    for customer in sorted(walk.erased_customers - walk.erasures):
        walk.problems.append(
            ChainProblem(
                "-", 0, "altered", f"customer {customer} has blanked events but no erasure event"
            )
        )
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
