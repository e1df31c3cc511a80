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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


# JSON text of a string exactly as ``json.dumps`` writes it (ASCII, escaped).
_quoted = json.encoder.encode_basestring_ascii


def text_object(items: Sequence[tuple[str, object]]) -> str | None:
    """Compact ASCII JSON of an object whose values are all text, in the order given, as
    ``json.dumps`` writes it; None when a value is not text. Written out: evidence is text
    only, and the encoder's own layers cost three times as much for a few keys."""
    if all(type(value) is str for _, value in items):
        return "{" + ",".join([f"{_quoted(k)}:{_quoted(v)}" for k, v in items]) + "}"  # type: ignore[arg-type]
    return None


def _mapping_text(data: Mapping[str, object]) -> str:
    """Canonical JSON of a mapping: keys sorted, no spaces, ASCII."""
    # Most events carry no values or evidence: both skip the encoder.
    if not data:
        return "{}"
    text = text_object(sorted(data.items()))
    if text is not None:
        return text
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


_EMPTY_PERSONAL = hashlib.sha256(b'{"actor":null,"evidence":{}}').hexdigest()


def personal_digest(evidence: Mapping[str, str], actor: str | None) -> str:
    """Digest of the personal fields, kept after erasure."""
    if not evidence and actor is None:
        return _EMPTY_PERSONAL
    named = "null" if actor is None else _quoted(actor)
    text = f'{{"actor":{named},"evidence":{_mapping_text(evidence)}}}'
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
    """Hash of one event chained to ``prev_hash``.

    The hashed text is ``json.dumps`` of the list [seq, event_id, customer_id, channel,
    purpose, kind, occurred_at, recorded_at, until, source, idempotency_key, values,
    lawful_basis, jurisdiction, personal] — instants as epoch microseconds, values as
    their canonical JSON text — appended to ``prev_hash``. It is written out here
    rather than encoded: the same text in a third of the time.
    """
    until_micros = None if until is None else epoch_micros(until)
    core = _core_text(
        seq,
        event_id,
        customer_id,
        channel,
        purpose,
        kind,
        epoch_micros(occurred_at),
        epoch_micros(recorded_at),
        until_micros,
        source,
        idempotency_key,
        values,
        lawful_basis,
        jurisdiction,
        personal,
    )
    return hashlib.sha256((prev_hash + core).encode()).hexdigest()


def _core_text(  # positional: it runs per event
    seq: int,
    event_id: str,
    customer_id: str,
    channel: str,
    purpose: str,
    kind: str,
    occurred_at: int,
    recorded_at: int,
    until: int | None,
    source: str,
    idempotency_key: str,
    values: Mapping[str, object],
    lawful_basis: str | None,
    jurisdiction: str | None,
    personal: str,
) -> str:
    until_text = "null" if until is None else str(until)
    return (
        f"[{seq}, {_quoted(event_id)}, {_quoted(customer_id)}, {_quoted(channel)}, "
        f"{_quoted(purpose)}, {_quoted(kind)}, {occurred_at}, {recorded_at}, {until_text}, "
        f"{_quoted(source)}, {_quoted(idempotency_key)}, {_quoted(_mapping_text(values))}, "
        f"{_optional(lawful_basis)}, {_optional(jurisdiction)}, {_quoted(personal)}]"
    )


def _optional(text: str | None) -> str:
    return "null" if text is None else _quoted(text)


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
    return seal_batch(
        [draft], first_seq=seq, ids=[event_id], recorded_at=recorded_at, prev_hash=prev_hash
    )[0]


def seal_batch(
    drafts: Sequence[NewConsentEvent],
    *,
    first_seq: int,
    ids: Sequence[str],
    recorded_at: datetime,
    prev_hash: str,
) -> list[ConsentEvent]:
    """Chain consecutive drafts from ``first_seq`` on, ``ids`` being their event ids."""
    recorded = epoch_micros(recorded_at)
    sha256 = hashlib.sha256
    events: list[ConsentEvent] = []
    for seq, (draft, event_id) in enumerate(zip(drafts, ids, strict=True), start=first_seq):
        until = draft.until
        personal = personal_digest(draft.evidence, draft.actor)
        # str() of these StrEnum members is their value, without the slow ``.value`` lookup.
        core = _core_text(
            seq,
            event_id,
            draft.customer_id,
            str(draft.channel),
            draft.purpose,
            str(draft.kind),
            epoch_micros(draft.occurred_at),
            recorded,
            None if until is None else epoch_micros(until),
            str(draft.source),
            draft.idempotency_key,
            draft.values,
            draft.lawful_basis,
            draft.jurisdiction,
            personal,
        )
        digest = sha256((prev_hash + core).encode()).hexdigest()
        events.append(
            ConsentEvent(
                seq,
                event_id,
                draft.customer_id,
                draft.channel,
                draft.purpose,
                draft.kind,
                draft.occurred_at,
                recorded_at,
                draft.source,
                draft.idempotency_key,
                until,
                dict(draft.values),
                dict(draft.evidence),
                draft.lawful_basis,
                draft.jurisdiction,
                draft.actor,
                personal,
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
    return events


def blank_personal(event: ConsentEvent) -> ConsentEvent:
    """The event with its personal fields erased; its hash still verifies."""
    return event._replace(evidence={}, actor=None, erased=True)
