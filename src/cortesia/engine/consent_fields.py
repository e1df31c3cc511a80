"""Checks of the free-text fields of a consent event: evidence, jurisdiction, plain text."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import pycountry

from cortesia.domain.consent import EVIDENCE_FIELDS, LAWFUL_BASES
from cortesia.errors import ValidationError

MAX_EVIDENCE_TEXT = 4_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_controls(value: str) -> bool:
    """Whether ``value`` holds a control character (line breaks included)."""
    return _CONTROL.search(value) is not None


def refuse_controls(field: str, value: str, *, lines_allowed: bool = False) -> str:
    """``value`` unless it holds control characters (NUL cannot even be stored everywhere)."""
    pattern = _CONTROL_BUT_LINES if lines_allowed else _CONTROL
    if pattern.search(value):
        raise ValidationError(field, value, "contains control characters")
    return value


def _check_url(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("evidence.url", value, "must be an http:// or https:// address")


def _check_ip(value: str) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValidationError("evidence.ip", value, "must be an IPv4 or IPv6 address") from None


def check_evidence_item(key: str, item: object) -> str:
    """``item`` when it is valid evidence under ``key``."""
    if key not in EVIDENCE_FIELDS:
        raise ValidationError(
            f"evidence.{key}", item, f"unknown evidence field; use {', '.join(EVIDENCE_FIELDS)}"
        )
    if not isinstance(item, str) or not item.strip() or len(item) > MAX_EVIDENCE_TEXT:
        raise ValidationError(
            f"evidence.{key}", item, f"must be text of 1 to {MAX_EVIDENCE_TEXT} characters"
        )
    refuse_controls(f"evidence.{key}", item, lines_allowed=key == "text")
    if key == "url":
        _check_url(item)
    elif key == "ip":
        _check_ip(item)
    return item


def parse_evidence(value: object) -> dict[str, str]:
    """Evidence as text (kept as ``text``) or an object of the known evidence fields."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, Mapping):
        raise ValidationError("evidence", value, "must be text or an object")
    return {str(key): check_evidence_item(str(key), item) for key, item in value.items()}


def parse_jurisdiction(value: str | None) -> str | None:
    """An ISO 3166-1 country (``ES``) or ISO 3166-2 subdivision (``US-FL``) code, upper case.

    >>> parse_jurisdiction("us-fl")
    'US-FL'
    """
    if value is None:
        return None
    code = value.upper()
    known: object = (
        pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        if "-" in code
        else pycountry.countries.get(alpha_2=code)
    )
    if known is None:
        raise ValidationError(
            "jurisdiction", value, "must be an ISO 3166 country (ES) or subdivision (US-FL) code"
        )
    return code


def text_field(
    data: Mapping[str, object], field: str, *, required: bool, limit: int = 200
) -> str | None:
    """The field's text, stripped; None when absent and optional."""
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise ValidationError(field, value, "is required")
        return None
    if isinstance(value, str) and len(value) <= limit:
        stripped = value.strip()
        if stripped:
            return refuse_controls(field, stripped)
    raise ValidationError(field, value, f"must be text of 1 to {limit} characters")


def check_lawful_basis(value: str | None) -> str | None:
    """``value`` when it is a lawful basis we know (or None)."""
    if value is not None and value not in LAWFUL_BASES:
        raise ValidationError(
            "lawful_basis", value, f"use one of {', '.join(sorted(LAWFUL_BASES))}"
        )
    return value
