"""The catalog as the CLI and the API show it (plain, JSON-ready dicts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cortesia.domain.catalog import Action, Catalog, action_document, economics_document
from cortesia.engine.decision_ports import CatalogVersion


def catalog_day(catalog: Catalog, now: datetime) -> date:
    """Today in the catalog's time zone: the day validity dates are read in."""
    return now.astimezone(ZoneInfo(catalog.economics.time_zone)).date()


def version_view(saved: CatalogVersion) -> dict[str, Any]:
    """One stored version: number, digest, when, from where, how many actions."""
    return {
        "version": saved.version,
        "digest": saved.digest,
        "created_at": saved.created_at.isoformat(),
        "source": saved.source,
        "actions": saved.action_count,
    }


def load_view(saved: CatalogVersion, previous: int | None) -> dict[str, Any]:
    """The answer to a load or an edit: the version, and whether it was already the latest."""
    return {**version_view(saved), "unchanged": previous == saved.version}


def action_row(action: Action, today: date) -> dict[str, Any]:
    """The summary of an action: what ``catalog list`` shows."""
    return {
        "id": action.action_id,
        "name": action.name.en,
        "group": action.group,
        "category": action.category.value,
        "purpose": action.purpose,
        "channels": [channel.value for channel in action.channels],
        "valid_from": None if action.valid_from is None else action.valid_from.isoformat(),
        "valid_until": None if action.valid_until is None else action.valid_until.isoformat(),
        "valid_today": action.valid_on(today),
    }


def catalog_list_view(catalog: Catalog, now: datetime) -> dict[str, Any]:
    """The catalog in force, one summary row per action."""
    today = catalog_day(catalog, now)
    return {
        "version": catalog.version,
        "digest": catalog.digest,
        "name": catalog.name,
        "actions": [action_row(action, today) for action in catalog.actions],
    }


def catalog_view(catalog: Catalog) -> dict[str, Any]:
    """The whole catalog in force: its settings and every action in full."""
    return {
        "version": catalog.version,
        "digest": catalog.digest,
        "name": catalog.name,
        "settings": economics_document(catalog.economics),
        "actions": [action_document(action) for action in catalog.actions],
    }


def action_view(catalog: Catalog, action_id: str, now: datetime) -> dict[str, Any]:
    """One action in full, with the catalog version it was read from."""
    action = catalog.action(action_id)
    return {
        "catalog_version": catalog.version,
        "valid_today": action.valid_on(catalog_day(catalog, now)),
        "reads": sorted(action.names_read()),
        **action_document(action),
    }
