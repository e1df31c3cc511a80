"""Closed vocabularies of the ledger: channels, purposes, kinds and sources."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar

from cortesia.errors import ValidationError


class Channel(StrEnum):
    """A way to reach a customer. ``ALL`` scopes an event to every channel."""

    SMS = "sms"
    EMAIL = "email"
    VOICE = "voice"
    PUSH = "push"
    WHATSAPP = "whatsapp"
    IN_APP = "in_app"
    MAIL = "mail"
    ALL = "all"


class ConsentKind(StrEnum):
    """What a consent event says."""

    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"
    SNOOZE = "snooze"
    PREFERENCE = "preference"
    DOUBLE_OPT_IN_CONFIRMED = "double_opt_in_confirmed"
    ERASURE = "erasure"


class Source(StrEnum):
    """Where a consent event was collected."""

    WEB = "web"
    APP = "app"
    CALL_CENTRE = "call_centre"
    POS = "pos"
    INVOICE = "invoice"
    SMS_KEYWORD = "sms_keyword"
    API = "api"
    IMPORT = "import"
    UNSUBSCRIBE_LINK = "unsubscribe_link"
    PREFERENCE_CENTRE = "preference_centre"


class ConsentStatus(StrEnum):
    """Derived status of one channel × purpose."""

    OPTED_IN = "opted_in"
    OPTED_OUT = "opted_out"
    SNOOZED = "snoozed"
    UNKNOWN = "unknown"


MARKETING = "marketing"
SERVICE = "service"
THIRD_PARTY = "third_party"
PROFILING = "profiling"
COLLECTIONS = "collections"  # debt collection: its own laws, not marketing
ALL_PURPOSES = "all"
BUILT_IN_PURPOSES = frozenset(
    {MARKETING, SERVICE, THIRD_PARTY, PROFILING, COLLECTIONS, ALL_PURPOSES}
)

_TOPIC = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


_E = TypeVar("_E", Channel, ConsentKind, Source)

# Plain dict lookups: calling an Enum class costs microseconds on the ingest path.
_CHANNELS = {c.value: c for c in Channel}
_KINDS = {k.value: k for k in ConsentKind}
_SOURCES = {s.value: s for s in Source}


def _member(table: dict[str, _E], value: str, field: str, what: str) -> _E:
    member = table.get(value)
    if member is None:
        member = table.get(value.strip().lower())
    if member is None:
        raise ValidationError(field, value, f"unknown {what}; use one of {', '.join(table)}")
    return member


def parse_channel(value: str, field: str = "channel") -> Channel:
    """Return the channel named by ``value`` or raise naming the field."""
    return _member(_CHANNELS, value, field, "channel")


def parse_kind(value: str, field: str = "kind") -> ConsentKind:
    """Return the consent kind named by ``value`` or raise naming the field."""
    return _member(_KINDS, value, field, "kind")


def parse_source(value: str, field: str = "source") -> Source:
    """Return the source named by ``value`` or raise naming the field."""
    return _member(_SOURCES, value, field, "source")


def parse_purpose(value: str, field: str = "purpose") -> str:
    """Return a built-in purpose or a user-defined marketing topic.

    Topics are lower-case snake case (``music_video_offers``) and count as
    marketing: an opt-out from ``marketing`` covers every topic.

    >>> parse_purpose("Music_Video_Offers")
    'music_video_offers'
    """
    if value in BUILT_IN_PURPOSES:
        return value
    purpose = value.strip().lower()
    if purpose in BUILT_IN_PURPOSES or _TOPIC.match(purpose):
        return purpose
    raise ValidationError(
        field,
        value,
        "purpose must be marketing, service, third_party, profiling, collections, all "
        "or a topic in snake_case (2-63 characters)",
    )


def purpose_covers(scope: str, purpose: str) -> bool:
    """True when an event scoped to ``scope`` speaks for ``purpose``.

    >>> purpose_covers("marketing", "music_video_offers")
    True
    >>> purpose_covers("marketing", "service")
    False
    """
    if scope in (purpose, ALL_PURPOSES):
        return True
    return scope == MARKETING and purpose not in BUILT_IN_PURPOSES


def channel_covers(scope: Channel, channel: Channel) -> bool:
    """True when an event scoped to channel ``scope`` speaks for ``channel``."""
    return scope == channel or scope is Channel.ALL
