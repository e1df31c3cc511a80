"""Plain options the use cases need, built from Settings by ``bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What the use cases need to know of the settings, without depending on them."""

    public_base_url: str = "http://127.0.0.1:8000"
    unsubscribe_keys: tuple[tuple[str, bytes], ...] = ()
    unsubscribe_ttl_days: int = 90
    # How stale a process's copy of shared state (catalog version, response counts) may be.
    shared_state_refresh_seconds: float = 1.0
    # "beta": Beta priors per action × channel; "adaptive": the online learners.
    scoring: str = "beta"
