"""Checks of what a channel sends with a decision request: channel, context, limit.

>>> parse_decision_channel("app").value
'in_app'
>>> parse_context_pairs(["inbound_reason=billing", "balance=3.5", "roaming=true"])
{'inbound_reason': 'billing', 'balance': 3.5, 'roaming': True}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from cortesia.domain.decisions import ContextValue
from cortesia.domain.vocabulary import Channel
from cortesia.errors import ValidationError

# Channel systems say "app" for the in-app channel; both are accepted.
_ALIASES = {"app": Channel.IN_APP, "call": Channel.VOICE, "call_centre": Channel.VOICE}
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
MAX_CONTEXT_KEYS = 50
MAX_CONTEXT_TEXT = 256


def parse_decision_channel(value: str) -> Channel:
    """The one channel a decision is for (``app`` means ``in_app``)."""
    name = value.strip().lower()
    found = _ALIASES.get(name)
    if found is not None:
        return found
    try:
        channel = Channel(name)
    except ValueError:
        names = ", ".join(c.value for c in Channel if c is not Channel.ALL)
        raise ValidationError("channel", value, f"unknown channel; use one of {names}") from None
    if channel is Channel.ALL:
        raise ValidationError("channel", value, "a decision is made for one channel")
    return channel


def parse_context(values: Mapping[str, object]) -> dict[str, ContextValue]:
    """Context pairs as JSON gives them: snake_case keys, scalar values."""
    if len(values) > MAX_CONTEXT_KEYS:
        raise ValidationError("context", len(values), f"at most {MAX_CONTEXT_KEYS} keys")
    found: dict[str, ContextValue] = {}
    for key, value in values.items():
        if not _KEY.match(key):
            raise ValidationError(f"context.{key}", key, "keys are snake_case, up to 64 chars")
        if isinstance(value, str) and len(value) > MAX_CONTEXT_TEXT:
            raise ValidationError(
                f"context.{key}", value[:40], f"text longer than {MAX_CONTEXT_TEXT}"
            )
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValidationError(f"context.{key}", value, "must be text, a number or a boolean")
        found[key] = value
    return found


def parse_context_pairs(pairs: Iterable[str]) -> dict[str, ContextValue]:
    """``key=value`` pairs from a command line; numbers and true/false are typed."""
    values: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep:
            raise ValidationError("context", pair, "write each pair as key=value")
        values[key.strip()] = _typed(text.strip())
    return parse_context(values)


def _typed(text: str) -> ContextValue:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text
