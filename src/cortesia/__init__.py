"""Cortesía: an open-source customer decision hub.

The public Python API. Everything else is internal and may change::

    >>> from cortesia import Engine, FrozenClock, MemoryStore
    >>> from datetime import datetime, timezone
    >>> engine = Engine(MemoryStore(), FrozenClock(datetime(2026, 3, 2, tzinfo=timezone.utc)))
    >>> _ = engine.consent.record({"customer_id": "C1", "channel": "sms",
    ...     "purpose": "marketing", "kind": "opt_out", "source": "sms_keyword"})
    >>> engine.consent.status("C1", Channel.SMS, "music_video_offers").status.value
    'opted_out'
"""

from __future__ import annotations

from cortesia.adapters.memory import FrozenClock, MemoryStore, SystemClock
from cortesia.bootstrap import build_engine, init_workspace
from cortesia.config import Settings, get_settings
from cortesia.domain.access import Scope
from cortesia.domain.consent import ConsentEntry, ConsentEvent, NewConsentEvent
from cortesia.domain.contacts import Outcome
from cortesia.domain.customers import Customer
from cortesia.domain.decisions import Decision
from cortesia.domain.vocabulary import Channel, ConsentKind, ConsentStatus, Source
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions
from cortesia.errors import (
    AuthError,
    BatchValidationError,
    ConflictError,
    CortesiaError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    StoreError,
    TokenError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "AuthError",
    "BatchValidationError",
    "Channel",
    "ConflictError",
    "ConsentEntry",
    "ConsentEvent",
    "ConsentKind",
    "ConsentStatus",
    "CortesiaError",
    "Customer",
    "Decision",
    "DecisionRequest",
    "Engine",
    "EngineOptions",
    "ForbiddenError",
    "FrozenClock",
    "MemoryStore",
    "NewConsentEvent",
    "NotFoundError",
    "Outcome",
    "RateLimitedError",
    "Scope",
    "Settings",
    "Source",
    "StoreError",
    "SystemClock",
    "TokenError",
    "ValidationError",
    "__version__",
    "build_engine",
    "get_settings",
    "init_workspace",
]
