"""Composition root: the only place that picks adapters from settings."""

from __future__ import annotations

from pathlib import Path

from cortesia.adapters.memory import MemoryStore, SystemClock
from cortesia.config import Settings
from cortesia.engine.company_policy import FileCompanyPolicy
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions
from cortesia.engine.ports import Clock, DncRegistries, Store
from cortesia.errors import ValidationError

MEMORY_URL = "memory://"


def _unsubscribe_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    keys: list[tuple[str, bytes]] = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        kid, sep, secret = part.partition(":")
        if not sep or not kid or len(secret) < 16:
            raise ValidationError(
                "CORTESIA_UNSUBSCRIBE_KEYS", "***", "each key must be kid:secret, secret ≥ 16 chars"
            )
        keys.append((kid, secret.encode()))
    return tuple(keys)


def engine_options(settings: Settings) -> EngineOptions:
    """Plain engine options from settings."""
    return EngineOptions(
        public_base_url=settings.public_base_url.rstrip("/"),
        unsubscribe_keys=_unsubscribe_keys(settings.unsubscribe_keys.get_secret_value()),
        unsubscribe_ttl_days=settings.unsubscribe_ttl_days,
        scoring=settings.scoring,
    )


def open_store(settings: Settings, *, serving: bool = False) -> Store:
    """The store named by the settings' database URL (the workspace must exist)."""
    url = settings.resolved_database_url()
    if url == MEMORY_URL:
        return MemoryStore()
    # Imported here so that a memory-only engine never loads SQLAlchemy.
    from cortesia.adapters.sql.store import SqlStore

    return SqlStore(url, serving=serving, memory_map=settings.sqlite_memory_map)


def init_workspace(settings: Settings) -> str:
    """Create or upgrade the workspace's schema; returns the schema revision."""
    url = settings.resolved_database_url()
    if url == MEMORY_URL:
        return "memory"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    from cortesia.adapters.sql.migrate import upgrade

    return upgrade(url)


def open_registries(settings: Settings) -> DncRegistries:
    """The do-not-call registries of the workspace: files under ``<workspace>/registries``
    (in memory for a memory store)."""
    from cortesia.adapters.dnc import FileRegistries, MemoryRegistries

    if settings.resolved_database_url() == MEMORY_URL:
        return MemoryRegistries()
    return FileRegistries(settings.workspace_dir / "registries")


def build_engine(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    registries: DncRegistries | None = None,
    serving: bool = False,
) -> Engine:
    """An engine over the workspace the settings name; ``serving`` for the long-running
    HTTP service (store maintenance runs in the background)."""
    dnc = registries if registries is not None else open_registries(settings)
    policy_file = settings.resolved_company_policy()
    return Engine(
        store if store is not None else open_store(settings, serving=serving),
        clock if clock is not None else SystemClock(),
        engine_options(settings),
        registries=dnc,
        dnc=dnc,
        company=FileCompanyPolicy(policy_file) if policy_file is not None else None,
        apply_review=settings.apply_needs_review,
    )
