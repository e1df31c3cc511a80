"""Turning what callers send (API bodies, CLI options, files) into consent drafts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from cortesia.domain.consent import NewConsentEvent
from cortesia.domain.preferences import validate_preference_values
from cortesia.domain.vocabulary import (
    ConsentKind,
    parse_channel,
    parse_kind,
    parse_purpose,
    parse_source,
)
from cortesia.engine.consent_fields import (
    check_lawful_basis,
    parse_evidence,
    parse_jurisdiction,
    text_field,
)
from cortesia.engine.consent_quick import quick_event
from cortesia.engine.instants import parse_instant
from cortesia.errors import BatchValidationError, FieldProblem, ValidationError

MAX_BATCH = 10_000
MAX_CLOCK_SKEW = timedelta(minutes=5)
OLDEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
_FIELDS = frozenset(
    {
        "customer_id",
        "channel",
        "purpose",
        "kind",
        "occurred_at",
        "until",
        "values",
        "source",
        "evidence",
        "lawful_basis",
        "jurisdiction",
        "actor",
        "idempotency_key",
    }
)


def _until(data: Mapping[str, object], kind: ConsentKind, occurred_at: datetime) -> datetime | None:
    raw = data.get("until")
    if raw is None or raw == "":
        if kind is ConsentKind.SNOOZE:
            raise ValidationError("until", raw, "a snooze needs the instant it ends")
        return None
    if kind is not ConsentKind.SNOOZE:
        raise ValidationError("until", raw, "only a snooze has an end; leave it out")
    until = parse_instant(raw, "until")
    if until <= occurred_at:
        raise ValidationError("until", raw, "must be after occurred_at")
    return until


def _values(data: Mapping[str, object], kind: ConsentKind) -> dict[str, object]:
    raw = data.get("values")
    if kind is ConsentKind.PREFERENCE:
        if not isinstance(raw, Mapping):
            raise ValidationError("values", raw, "a preference event needs an object of values")
        return validate_preference_values(raw)
    if raw not in (None, {}):
        raise ValidationError("values", raw, "only preference events carry values")
    return {}


def _default_key(data: Mapping[str, object], occurred_at: datetime) -> str:
    # A retry of the same statement (same content and instant) is the same event.
    content = {k: data.get(k) for k in sorted(_FIELDS - {"idempotency_key", "occurred_at"})}
    content["occurred_at"] = occurred_at.isoformat()
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode())
    return "auto:" + digest.hexdigest()[:40]


def parse_consent_event(data: Mapping[str, object], *, now: datetime) -> NewConsentEvent:
    """Validate one raw event; the first problem found raises, naming its field."""
    if not _FIELDS.issuperset(data):
        unknown = sorted(set(data) - _FIELDS)[0]
        raise ValidationError(unknown, data[unknown], "unknown field")
    customer_id = text_field(data, "customer_id", required=True, limit=128)
    kind = parse_kind(str(data.get("kind") or ""))
    if kind is ConsentKind.ERASURE:
        # An erasure also deletes data and suppresses contact points: only erase does that.
        raise ValidationError(
            "kind", data.get("kind"), "erasure is recorded by erasing the customer, not as an event"
        )
    raw_at = data.get("occurred_at")
    occurred_at = now if raw_at in (None, "") else parse_instant(raw_at, "occurred_at")
    if occurred_at < OLDEST_INSTANT:
        raise ValidationError("occurred_at", raw_at, "is before 1970; check the year")
    if occurred_at > now + MAX_CLOCK_SKEW:
        # A future-dated statement would outrank withdrawals made before it happens.
        raise ValidationError(
            "occurred_at", raw_at, "is in the future; events record what already happened"
        )
    jurisdiction = text_field(data, "jurisdiction", required=False, limit=6)
    return NewConsentEvent(
        customer_id=str(customer_id),
        channel=parse_channel(str(data.get("channel") or "")),
        purpose=parse_purpose(str(data.get("purpose") or "")),
        kind=kind,
        occurred_at=occurred_at,
        source=parse_source(str(data.get("source") or "api")),
        idempotency_key=text_field(data, "idempotency_key", required=False)
        or _default_key(data, occurred_at),
        until=_until(data, kind, occurred_at),
        values=_values(data, kind),
        evidence=parse_evidence(data.get("evidence")),
        lawful_basis=check_lawful_basis(text_field(data, "lawful_basis", required=False)),
        jurisdiction=parse_jurisdiction(jurisdiction),
        actor=text_field(data, "actor", required=False),
    )


def parse_consent_batch(
    rows: Sequence[Mapping[str, object]], *, now: datetime
) -> list[NewConsentEvent]:
    """Validate a batch; any bad row rejects the whole batch with every problem."""
    if len(rows) > MAX_BATCH:
        raise ValidationError("events", len(rows), f"at most {MAX_BATCH} events per batch")
    drafts: list[NewConsentEvent] = []
    problems: list[FieldProblem] = []
    latest = now + MAX_CLOCK_SKEW
    for index, row in enumerate(rows):
        # The quick path reads the common event; the full parser reads and judges the rest.
        draft = quick_event(row, OLDEST_INSTANT, latest)
        if draft is not None:
            drafts.append(draft)
            continue
        try:
            drafts.append(parse_consent_event(row, now=now))
        except ValidationError as error:
            problems.extend(replace_row(p, index) for p in error.problems)
    if problems:
        raise BatchValidationError(problems, what="consent batch")
    return drafts


def replace_row(problem: FieldProblem, row: int) -> FieldProblem:
    """The same problem, located at ``row`` (0-based in batches)."""
    return FieldProblem(problem.field, problem.value, problem.reason, row)
