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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from cortesia.domain.consent import ConsentEvent, NewConsentEvent

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Last link of the chain: how many events, the last seq and its hash."""

    count: int
    last_seq: int
    last_hash: str


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
