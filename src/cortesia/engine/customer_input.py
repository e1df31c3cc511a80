"""Customers as callers send them one by one (API bodies): canonical keys, list or single
contact fields, and attributes typed against the workspace's schema."""

from __future__ import annotations

from collections.abc import Mapping

from cortesia.domain.customers import AttributeType, AttributeValue
from cortesia.engine.customer_intake import (
    RawCustomer,
    attribute_value,
    infer_type,
    plain_text,
)
from cortesia.errors import ValidationError

_KEYS = frozenset(
    {
        "customer_id",
        "country",
        "subdivision",
        "time_zone",
        "language",
        "phone",
        "phones",
        "email",
        "emails",
        "push_id",
        "push_ids",
        "attributes",
    }
)
MAX_NAME = 100


def _texts(data: Mapping[str, object], one: str, many: str) -> list[str]:
    """A contact field given as one text or a list of texts."""
    values: list[object] = []
    for key in (one, many):
        value = data.get(key)
        if isinstance(value, list | tuple):
            values.extend(value)
        elif value is not None and value != "":
            values.append(value)
    if not all(isinstance(v, str) for v in values):
        given = data.get(many, data.get(one))
        raise ValidationError(many, given, "must be text or a list of texts")
    return [str(v) for v in values]


def _optional_text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(key, value, "must be text")
    return value


class AttributeSchema:
    """Types attribute values against the workspace's schema and names first seen here."""

    def __init__(self, known: Mapping[str, AttributeType]) -> None:
        self.known = dict(known)
        self.new: dict[str, AttributeType] = {}

    def typed(self, data: object) -> dict[str, AttributeValue]:
        """The attributes of one body, typed; names never seen before go to ``new``."""
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            raise ValidationError("attributes", data, "must be an object of name: value")
        typed: dict[str, AttributeValue] = {}
        for name, value in data.items():
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
                reason = f"names are text of 1 to {MAX_NAME} characters"
                raise ValidationError("attributes", name, reason)
            plain_text("attributes", name)
            kind = self.known.get(name) or self.new.get(name) or infer_type(value)
            if kind is None:
                if value is None:
                    continue
                raise ValidationError(f"attributes.{name}", value, "must be text, number, bool")
            typed[name] = attribute_value(name, value, kind)
            if name not in self.known:
                self.new.setdefault(name, kind)
        return typed


def raw_customer(data: Mapping[str, object], attributes: AttributeSchema) -> RawCustomer:
    """One body's fields, before normalisation; unknown keys are refused."""
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise ValidationError(unknown[0], data[unknown[0]], "unknown field")
    return RawCustomer(
        customer_id=data.get("customer_id"),
        country=_optional_text(data, "country"),
        subdivision=_optional_text(data, "subdivision"),
        time_zone=_optional_text(data, "time_zone"),
        language=_optional_text(data, "language"),
        phones=_texts(data, "phone", "phones"),
        emails=_texts(data, "email", "emails"),
        push_ids=_texts(data, "push_id", "push_ids"),
        attributes=attributes.typed(data.get("attributes")),
    )
