"""The common consent event, read in a fraction of the time ``parse_consent_event`` takes.

Most events of a batch are alike: an opt-in or opt-out with a key, an instant, a few
fields from short vocabularies and maybe some evidence. ``quick_event`` reads exactly
those and answers ``None`` for anything else — a snooze, a preference, a missing key,
a field to trim or refuse — which ``parse_consent_event`` then reads and judges. So
the quick path never decides what is wrong with an event, and every event it does
accept equals what the full parser would have made of it (a property test holds the
two together).

What makes it quick: values from the vocabularies and evidence items repeat, so each
distinct one is checked once by the full checks and remembered; the rest are a few
type and length tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TypeVar

from cortesia.domain.consent import NewConsentEvent
from cortesia.domain.vocabulary import (
    Channel,
    ConsentKind,
    Source,
    parse_channel,
    parse_kind,
    parse_purpose,
    parse_source,
)
from cortesia.engine.consent_fields import (
    check_evidence_item,
    check_lawful_basis,
    has_controls,
    parse_jurisdiction,
    text_field,
)
from cortesia.errors import ValidationError

QUICK_FIELDS = frozenset(
    {"customer_id", "channel", "purpose", "kind", "occurred_at", "source", "idempotency_key"}
    | {"evidence", "lawful_basis", "jurisdiction", "actor"}
)
# Kinds with rules of their own (an end instant, values, erasure's refusal).
_FULL_KINDS = frozenset({ConsentKind.SNOOZE, ConsentKind.PREFERENCE, ConsentKind.ERASURE})
_REMEMBERED = 50_000  # distinct values per memo before it starts over
_LONGEST_REMEMBERED = 256  # longer evidence is checked each time rather than kept

_V = TypeVar("_V")


class _Memo(dict[str, _V]):
    """Values already checked by ``check``; ``None`` when the check refuses one."""

    def __init__(self, check: Callable[[str], _V]) -> None:
        super().__init__()
        self._check = check

    def __missing__(self, raw: str) -> _V | None:
        try:
            value = self._check(raw)
        except ValidationError:
            return None
        if len(self) >= _REMEMBERED:
            self.clear()
        self[raw] = value
        return value


_channels: _Memo[Channel] = _Memo(parse_channel)
_purposes: _Memo[str] = _Memo(parse_purpose)
_kinds: _Memo[ConsentKind] = _Memo(parse_kind)
_sources: _Memo[Source] = _Memo(parse_source)
_evidence_items: set[tuple[str, str]] = set()


def _jurisdiction(raw: str) -> str:
    text = text_field({"jurisdiction": raw}, "jurisdiction", required=False, limit=6)
    return str(parse_jurisdiction(text))


def _lawful_basis(raw: str) -> str:
    return str(
        check_lawful_basis(text_field({"lawful_basis": raw}, "lawful_basis", required=False))
    )


_jurisdictions: _Memo[str] = _Memo(_jurisdiction)
_lawful_bases: _Memo[str] = _Memo(_lawful_basis)


def _plain(value: object, limit: int) -> str | None:
    """``value`` when it is text the full parser would keep as it is, else None."""
    if (
        type(value) is str
        and 0 < len(value) <= limit
        and value.strip() == value
        and not has_controls(value)
    ):
        return value
    return None


def _evidence(raw: object) -> dict[str, str] | None:
    if raw is None:
        return {}
    if type(raw) is str:
        raw = {"text": raw}
    if type(raw) is not dict:
        return None
    for item in raw.items():
        if item not in _evidence_items:
            key, value = item
            if type(key) is not str or type(value) is not str:
                return None
            try:
                check_evidence_item(key, value)
            except ValidationError:
                return None
            if len(value) <= _LONGEST_REMEMBERED:
                if len(_evidence_items) >= _REMEMBERED:
                    _evidence_items.clear()
                _evidence_items.add(item)
    return dict(raw)


def _instant(raw: object, oldest: datetime, latest: datetime) -> datetime | None:
    if type(raw) is not str:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if moment.utcoffset() is None:
        return None
    moment = moment.astimezone(UTC)
    return moment if oldest <= moment <= latest else None


def quick_event(
    data: Mapping[str, object], oldest: datetime, latest: datetime
) -> NewConsentEvent | None:
    """The draft of a common event whose instant lies in [``oldest``, ``latest``]; else None."""
    if not QUICK_FIELDS.issuperset(data):
        return None
    customer_id = _plain(data.get("customer_id"), 128)
    key = _plain(data.get("idempotency_key"), 200)
    kind = _lookup(_kinds, data.get("kind"))
    if customer_id is None or key is None or kind is None or kind in _FULL_KINDS:
        return None
    channel = _lookup(_channels, data.get("channel"))
    purpose = _lookup(_purposes, data.get("purpose"))
    source = _lookup(_sources, data.get("source", "api"))
    occurred_at = _instant(data.get("occurred_at"), oldest, latest)
    evidence = _evidence(data.get("evidence"))
    if channel is None or purpose is None or source is None:
        return None
    if occurred_at is None or evidence is None:
        return None
    extras = _extras(data)
    if extras is None:
        return None
    lawful_basis, jurisdiction, actor = extras
    return NewConsentEvent(
        customer_id,
        channel,
        purpose,
        kind,
        occurred_at,
        source,
        key,
        None,
        {},
        evidence,
        lawful_basis,
        jurisdiction,
        actor,
    )


def _extras(data: Mapping[str, object]) -> tuple[str | None, str | None, str | None] | None:
    """Lawful basis, jurisdiction and actor; None when one needs the full parser."""
    raw_basis = data.get("lawful_basis")
    raw_jurisdiction = data.get("jurisdiction")
    raw_actor = data.get("actor")
    if raw_basis is raw_jurisdiction is raw_actor is None:
        return None, None, None
    basis = None if raw_basis is None else _lookup(_lawful_bases, raw_basis)
    jurisdiction = None if raw_jurisdiction is None else _lookup(_jurisdictions, raw_jurisdiction)
    actor = None if raw_actor is None else _plain(raw_actor, 200)
    if (basis is None) is not (raw_basis is None):
        return None
    if (jurisdiction is None) is not (raw_jurisdiction is None):
        return None
    if (actor is None) is not (raw_actor is None):
        return None
    return basis, jurisdiction, actor


def _lookup(memo: _Memo[_V], raw: object) -> _V | None:
    # Only non-empty text is remembered; anything else goes to the full parser.
    if type(raw) is not str or not raw:
        return None
    return memo[raw]
