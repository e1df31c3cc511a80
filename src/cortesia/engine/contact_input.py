"""Turning what callers send (API bodies, CLI options, history files) into contacts.

A contact without an id gets one derived from what it states (customer, channel,
purpose, instant, action, key), so a retried import records it once.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from cortesia.domain.contacts import DIRECTIONS, Contact, Outcome, new_contact_id
from cortesia.domain.vocabulary import ALL_PURPOSES, Channel, parse_channel, parse_purpose
from cortesia.engine.consent_fields import refuse_controls
from cortesia.engine.instants import parse_instant
from cortesia.errors import BatchValidationError, FieldProblem, ValidationError

MAX_BATCH = 10_000
MAX_CLOCK_SKEW = timedelta(minutes=5)
_WORD = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
_OUTCOMES = {o.value: o for o in Outcome}
_STATED = ("customer_id", "channel", "purpose", "occurred_at", "action_id", "action_group")
_FIELDS = frozenset(
    {
        "contact_id",
        "idempotency_key",
        "customer_id",
        "channel",
        "purpose",
        "occurred_at",
        "action_id",
        "action_group",
        "category",
        "subject",
        "direction",
        "outcome",
        "outcome_at",
    }
)


def _text(data: Mapping[str, object], field: str, *, required: bool = False) -> str | None:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise ValidationError(field, value, "is required")
        return None
    if isinstance(value, str) and len(value) <= 200 and value.strip():
        return refuse_controls(field, value.strip())
    raise ValidationError(field, value, "must be text of 1 to 200 characters")


def parse_outcome(value: object, field: str = "outcome") -> Outcome:
    """The outcome named by ``value`` or raise naming the field and the choices."""
    found = _OUTCOMES.get(str(value).strip().lower()) if isinstance(value, str) else None
    if found is None:
        raise ValidationError(field, value, f"unknown outcome; use one of {', '.join(_OUTCOMES)}")
    return found


def _channel(data: Mapping[str, object]) -> Channel:
    channel = parse_channel(str(data.get("channel") or ""))
    if channel is Channel.ALL:
        raise ValidationError("channel", data.get("channel"), "a contact is made on one channel")
    return channel


def _purpose(data: Mapping[str, object]) -> str:
    purpose = parse_purpose(str(data.get("purpose") or ""))
    if purpose == ALL_PURPOSES:
        raise ValidationError("purpose", data.get("purpose"), "a contact has one purpose")
    return purpose


def _category(data: Mapping[str, object]) -> str | None:
    category = _text(data, "category")
    if category is not None and not _WORD.match(category):
        raise ValidationError(
            "category", category, "must be a snake_case word, e.g. sales or cross_sell"
        )
    return category


def _direction(data: Mapping[str, object]) -> str:
    direction = _text(data, "direction") or "outbound"
    if direction not in DIRECTIONS:
        raise ValidationError("direction", direction, "must be outbound or inbound")
    return direction


def _occurred_at(data: Mapping[str, object], now: datetime) -> datetime:
    raw = data.get("occurred_at")
    if raw is None or raw == "":
        return now
    occurred_at = parse_instant(raw, "occurred_at")
    if occurred_at > now + MAX_CLOCK_SKEW:
        raise ValidationError(
            "occurred_at", raw, "is in the future; record contacts once made, reserve the others"
        )
    return occurred_at


def _contact_id(data: Mapping[str, object], occurred_at: datetime, statement: object) -> str:
    raw = data.get("contact_id")
    if raw is None or raw == "":
        seed = json.dumps(statement, sort_keys=True, default=str).encode()
        return new_contact_id(occurred_at, seed)
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise ValidationError("contact_id", raw, "must be a UUID") from None


def _outcome(
    data: Mapping[str, object], occurred_at: datetime
) -> tuple[Outcome | None, datetime | None]:
    raw, raw_at = data.get("outcome"), data.get("outcome_at")
    if raw is None or raw == "":
        if raw_at not in (None, ""):
            raise ValidationError("outcome_at", raw_at, "an outcome instant needs the outcome")
        return None, None
    at = occurred_at if raw_at in (None, "") else parse_instant(raw_at, "outcome_at")
    if at < occurred_at:
        raise ValidationError("outcome_at", raw_at, "is before the contact was made")
    return parse_outcome(raw), at


def parse_contact(data: Mapping[str, object], *, now: datetime) -> Contact:
    """A contact already made (sent), validated; the first problem raises, naming its field."""
    if not _FIELDS.issuperset(data):
        unknown = sorted(set(data) - _FIELDS)[0]
        raise ValidationError(unknown, data[unknown], "unknown field")
    draft = Contact(
        contact_id="",
        customer_id=str(_text(data, "customer_id", required=True)),
        channel=_channel(data),
        purpose=_purpose(data),
        occurred_at=_occurred_at(data, now),
        action_id=_text(data, "action_id"),
        action_group=_text(data, "action_group"),
        category=_category(data),
        subject=_text(data, "subject"),
        direction=_direction(data),
    )
    outcome, outcome_at = _outcome(data, draft.occurred_at)
    # A retry of the same statement (same content and instant) is the same contact.
    statement = [getattr(draft, name) for name in _STATED] + [_text(data, "idempotency_key")]
    return replace(
        draft,
        contact_id=_contact_id(data, draft.occurred_at, statement),
        outcome=outcome,
        outcome_at=outcome_at,
    )


def parse_contact_batch(rows: Sequence[Mapping[str, object]], *, now: datetime) -> list[Contact]:
    """Validate a batch; any bad row rejects the whole batch with every problem."""
    if len(rows) > MAX_BATCH:
        raise ValidationError("contacts", len(rows), f"at most {MAX_BATCH} contacts per batch")
    contacts: list[Contact] = []
    problems: list[FieldProblem] = []
    for index, row in enumerate(rows):
        try:
            contacts.append(parse_contact(row, now=now))
        except ValidationError as error:
            problems.extend(FieldProblem(p.field, p.value, p.reason, index) for p in error.problems)
    if problems:
        raise BatchValidationError(problems, what="contact batch")
    return contacts
