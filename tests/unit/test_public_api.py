"""The public API is a promise: this test pins it."""

from __future__ import annotations

import cortesia

PINNED = [
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


def test_public_api_is_exactly_the_pinned_names() -> None:
    assert cortesia.__all__ == PINNED


def test_every_public_name_resolves() -> None:
    missing = [name for name in cortesia.__all__ if not hasattr(cortesia, name)]
    assert missing == []


def test_all_is_sorted_so_changes_show_in_review() -> None:
    assert cortesia.__all__ == sorted(cortesia.__all__)
