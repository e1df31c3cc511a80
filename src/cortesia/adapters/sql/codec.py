"""Rows to domain objects and back, written for speed: this is the hot path.

Rows are plain tuples in the column order of ``tables``; instants are epoch
microseconds (UTC); JSON columns are text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cortesia.adapters.sql.tables import (
    EVENT_COLUMNS,
    OPTIONAL_EVENT_COLUMNS,
    PLAIN_EVENT_COLUMNS,
)
from cortesia.domain.access import ApiKeyRecord, Scope
from cortesia.domain.consent import ConsentEvent
from cortesia.domain.customers import AttributeType, AttributeValue, Customer
from cortesia.domain.ledger import text_object
from cortesia.domain.vocabulary import Channel, ConsentKind, Source

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_MILLI = timedelta(milliseconds=1)
_EMPTY_LIST = "[]"
_EMPTY_MAP = "{}"
_dumps = json.JSONEncoder(separators=(",", ":"), default=str).encode
_loads = json.JSONDecoder().decode
_escaped = json.encoder.encode_basestring_ascii
_CHANNELS = {c.value: c for c in Channel}
_KINDS = {k.value: k for k in ConsentKind}
_SOURCES = {s.value: s for s in Source}


def to_micros(moment: datetime) -> int:
    """Epoch microseconds of an aware datetime."""
    return (moment - EPOCH) // _MICRO


def from_micros(value: int) -> datetime:
    """Aware UTC datetime from epoch microseconds."""
    return EPOCH + timedelta(microseconds=value)


def _opt_micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - EPOCH) // _MICRO


def _opt_instant(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(microseconds=value)


def dump_list(items: Sequence[str]) -> str:
    return _dumps(list(items)) if items else _EMPTY_LIST


def dump_map(data: Mapping[str, object]) -> str:
    return _dumps(dict(data)) if data else _EMPTY_MAP


def load_json(text: str) -> Any:
    if text == _EMPTY_MAP:
        return {}
    if text == _EMPTY_LIST:
        return []
    return _loads(text)


_SEQ_HIGH = 0xFFF  # 12 bits of seq in ``rand_a``
_SEQ_LOW_BITS = 30  # and 30 in ``rand_b``: ids stay in seq order up to 2**42 events
_VARIANT_BITS = 0b10 << 30  # RFC 9562 variant, atop a 32-bit group


def event_ids(count: int, at: datetime, first_seq: int) -> list[str]:
    """Time-ordered UUIDs (RFC 9562 version 7) for the events ``first_seq`` onwards,
    recorded at ``at``.

    The leading 48 bits are the milliseconds of ``at``; the next 42 are the event's seq
    (the counter of RFC 9562 §6.2, method 1) and the last 32 random. Ids recorded in
    one millisecond, or under a stopped clock, still follow each other: each new id lands
    at the end of the event-id index. With random bits there, they landed on random
    pages of it, which cost a third of the append.
    """
    stamp = f"{(at - EPOCH) // _MILLI:012x}"
    head = f"{stamp[:8]}-{stamp[8:]}-7"
    noise = os.urandom(4 * count).hex()
    low_mask = (1 << _SEQ_LOW_BITS) - 1
    ids: list[str] = []
    for index in range(count):
        seq = first_seq + index
        # The variant's two bits, then the low 30 bits of seq, then 32 random bits.
        middle = f"{_VARIANT_BITS | (seq & low_mask):08x}"
        random = noise[8 * index : 8 * index + 8]
        ids.append(
            f"{head}{seq >> _SEQ_LOW_BITS & _SEQ_HIGH:03x}-{middle[:4]}-{middle[4:]}{random}"
        )
    return ids


def _text_map(data: Mapping[str, object]) -> str:
    # Evidence is text only: written out rather than encoded.
    text = text_object(list(data.items()))
    return _dumps(dict(data)) if text is None else text


def _plain_row(event: ConsentEvent, recorded: int) -> tuple[object, ...]:
    """The ``PLAIN_EVENT_COLUMNS`` of ``event``, ``recorded`` its recording instant in
    epoch microseconds."""
    # str() of these StrEnum members is their value, without the slow ``.value`` lookup.
    return (
        event.seq,
        event.event_id,
        event.customer_id,
        str(event.channel),
        event.purpose,
        str(event.kind),
        (event.occurred_at - EPOCH) // _MICRO,
        recorded,
        str(event.source),
        event.idempotency_key,
        dump_map(event.values),
        _text_map(event.evidence) if event.evidence else _EMPTY_MAP,
        event.personal_digest,
        event.prev_hash,
        event.hash,
    )


def _widened(plain: tuple[object, ...], *optional: object) -> tuple[object, ...]:
    """A full row from a plain one and the optional columns (until, lawful basis,
    jurisdiction, actor, erased), in the table's column order."""
    until, lawful_basis, jurisdiction, actor, erased = optional
    return (
        *plain[:8],
        until,
        *plain[8:12],
        lawful_basis,
        jurisdiction,
        actor,
        *plain[12:],
        erased,
    )


# Both layouts, checked once at import against the table.
if _widened(PLAIN_EVENT_COLUMNS, *sorted(OPTIONAL_EVENT_COLUMNS, key=EVENT_COLUMNS.index)) != (
    EVENT_COLUMNS
):
    raise RuntimeError(f"consent event columns changed: {EVENT_COLUMNS}")


def event_row(event: ConsentEvent) -> tuple[object, ...]:
    """A consent event as a row of ``consent_events`` (column order of the table)."""
    return _widened(
        _plain_row(event, (event.recorded_at - EPOCH) // _MICRO),
        _opt_micros(event.until),
        event.lawful_basis,
        event.jurisdiction,
        event.actor,
        event.erased,
    )


def split_event_rows(
    events: Sequence[ConsentEvent],
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Rows of ``events``: the ``PLAIN_EVENT_COLUMNS`` of those whose optional columns
    are all empty (most of them), and the full rows of the rest."""
    plain: list[tuple[object, ...]] = []
    full: list[tuple[object, ...]] = []
    recorded: dict[datetime, int] = {}  # a batch has one recording instant
    for event in events:
        if (
            event.until is not None
            or event.lawful_basis is not None
            or event.jurisdiction is not None
            or event.actor is not None
            or event.erased
        ):
            full.append(event_row(event))
            continue
        at = event.recorded_at
        micros = recorded.get(at)
        if micros is None:
            micros = recorded[at] = (at - EPOCH) // _MICRO
        plain.append(_plain_row(event, micros))
    return plain, full


def event_from_row(row: Sequence[Any]) -> ConsentEvent:
    """A consent event from a ``consent_events`` row (column order of the table)."""
    return ConsentEvent(
        row[0],
        row[1],
        row[2],
        _CHANNELS[row[3]],
        row[4],
        _KINDS[row[5]],
        EPOCH + timedelta(microseconds=row[6]),
        EPOCH + timedelta(microseconds=row[7]),
        _SOURCES[row[9]],
        row[10],
        _opt_instant(row[8]),
        load_json(row[11]),
        load_json(row[12]),
        row[13],
        row[14],
        row[15],
        row[16],
        row[17],
        row[18],
        bool(row[19]),
    )


def _date_text(value: object) -> str:
    # Only called for what JSON has no type for; of attribute values, that is a date.
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not an attribute value")


# One encoder for every attribute map, built once: compact separators, dates as ISO
# text through ``default`` (the only attribute value JSON has no type for).
_dump_attributes = json.JSONEncoder(separators=(",", ":"), default=_date_text).encode


def _text_list(items: Sequence[str]) -> str:
    """``dump_list`` for texts, without building an encoder per call."""
    return "[" + ",".join(map(_escaped, items)) + "]" if items else _EMPTY_LIST


def customer_row(customer: Customer) -> tuple[object, ...]:
    """A customer as a row of ``customers`` (column order of the table)."""
    attributes = customer.attributes
    return (
        customer.customer_id,
        customer.country,
        customer.subdivision,
        customer.time_zone,
        _text_list(customer.time_zone_candidates),
        customer.language,
        _text_list(customer.phones),
        _text_list(customer.emails),
        _text_list(customer.push_ids),
        _dump_attributes(attributes) if attributes else _EMPTY_MAP,
    )


class ColumnError(ValueError):
    """A stored column that does not hold what this code writes (a row edited by hand)."""

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        super().__init__(f"column {column} {reason}")


def _json_column(text: str, column: str) -> Any:
    try:
        return load_json(text)
    except (ValueError, TypeError):  # TypeError: NULL or a number, written by hand
        raise ColumnError(column, "is not valid JSON") from None


def _texts(text: str, column: str) -> tuple[str, ...]:
    items = _json_column(text, column)
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ColumnError(column, "is not a JSON list of texts")
    return tuple(items)


def _attributes(text: str, types: Mapping[str, AttributeType]) -> dict[str, AttributeValue]:
    raw = _json_column(text, "attributes")
    if not isinstance(raw, dict):
        raise ColumnError("attributes", "is not a JSON object")
    for name, value in raw.items():
        if isinstance(value, list | dict):
            raise ColumnError("attributes", f"holds {name!r}, which is not an attribute value")
        if isinstance(value, str) and types.get(name) is AttributeType.DATE:
            try:
                raw[name] = date.fromisoformat(value)
            except ValueError:
                reason = f"holds {name!r}={value!r}, which is not a date (YYYY-MM-DD)"
                raise ColumnError("attributes", reason) from None
    return raw


def customer_from_row(row: Sequence[Any], types: Mapping[str, AttributeType]) -> Customer:
    """A customer from a ``customers`` row; dates decoded by the attribute types.

    A JSON column that does not hold what is written there raises ``ColumnError``.
    """
    return Customer(
        customer_id=row[0],
        country=row[1],
        subdivision=row[2],
        time_zone=row[3],
        time_zone_candidates=_texts(row[4], "time_zone_candidates"),
        language=row[5],
        phones=_texts(row[6], "phones"),
        emails=_texts(row[7], "emails"),
        push_ids=_texts(row[8], "push_ids"),
        attributes=_attributes(row[9], types),
    )


def key_row(key: ApiKeyRecord) -> dict[str, object]:
    """An API key as a row of ``api_keys``."""
    return {
        "key_id": key.key_id,
        "secret_hash": key.secret_hash,
        "scopes": dump_list(sorted(s.value for s in key.scopes)),
        "name": key.name,
        "created_at": to_micros(key.created_at),
        "revoked_at": _opt_micros(key.revoked_at),
    }


def key_from_row(row: Any) -> ApiKeyRecord:
    """An API key from an ``api_keys`` row."""
    return ApiKeyRecord(
        key_id=row.key_id,
        secret_hash=row.secret_hash,
        scopes=frozenset(Scope(s) for s in load_json(row.scopes)),
        name=row.name,
        created_at=from_micros(row.created_at),
        revoked_at=_opt_instant(row.revoked_at),
    )
