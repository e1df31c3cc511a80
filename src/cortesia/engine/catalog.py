"""The action catalog as a use case: load versions, edit actions, and serve the one in force.

Every change that alters the normalised document saves a new version (numbered from 1);
loading a document whose digest equals the latest one's returns that version unchanged.
A decision asks ``current()`` on every call: the compiled catalog of each version is kept,
and the latest version number is re-read from the store at most every
``refresh_seconds``, so a load made by another process is seen within that delay (this
process sees its own loads at once).
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from cortesia.domain.catalog import (
    Catalog,
    action_document,
    catalog_document,
    document_digest,
    parse_action,
    parse_catalog,
)
from cortesia.engine.decision_ports import CatalogStore, CatalogVersion
from cortesia.engine.ports import Clock
from cortesia.errors import NotFoundError, ValidationError

SUFFIXES = (".toml", ".yaml", ".yml")
_KEEP_COMPILED = 8  # versions kept compiled: the latest and the few that decisions still name


class CatalogService:
    """Load, edit and serve the versioned action catalog."""

    def __init__(
        self,
        store: CatalogStore,
        clock: Clock,
        *,
        refresh_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._clock = clock
        self.refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._compiled: dict[int, Catalog] = {}
        self._latest: int | None = None
        self._checked_at: float | None = None
        self._lock = threading.Lock()  # one edit at a time in this process

    # -- writing -------------------------------------------------------------
    def load_file(self, path: Path) -> CatalogVersion:
        """Validate a TOML or YAML catalog file and save it as a new version."""
        return self.load_document(read_catalog_file(path), source=str(path))

    def load_document(self, document: Mapping[str, object], source: str) -> CatalogVersion:
        """Validate a whole catalog document and save it as a new version.

        Nothing is saved when anything in it is wrong; an unchanged document (same
        normalised digest as the latest version) returns the latest version.
        """
        catalog = parse_catalog(document)
        with self._lock:
            return self._save(catalog, source)

    def upsert_action(
        self, document: Mapping[str, object], source: str | None = None
    ) -> CatalogVersion:
        """Add one action, or replace the action with its id, in a new version."""
        action = parse_action(document)
        with self._lock:
            latest = self._latest_document()
            actions = list(_actions_of(latest))
            mine = action_document(action)
            at = next((n for n, a in enumerate(actions) if a.get("id") == action.action_id), None)
            if at is None:
                actions.append(mine)
            else:
                actions[at] = mine
            changed = {**latest, "actions": actions}
            done = source or f"action {action.action_id} {'added' if at is None else 'updated'}"
            return self._save(parse_catalog(changed), done)

    def remove_action(self, action_id: str, source: str | None = None) -> CatalogVersion:
        """Remove one action in a new version; ``NotFoundError`` when it is not there."""
        with self._lock:
            latest = self._latest_document()
            actions = list(_actions_of(latest))
            kept = [a for a in actions if a.get("id") != action_id]
            if len(kept) == len(actions):
                raise NotFoundError("action", action_id)
            changed = {**latest, "actions": kept}
            return self._save(parse_catalog(changed), source or f"action {action_id} removed")

    # -- reading -------------------------------------------------------------
    def current(self) -> Catalog:
        """The latest catalog, compiled once per version; ``NotFoundError`` when none."""
        number = self._latest_number()
        if number is None:
            raise NotFoundError("catalog", "current")
        return self.at_version(number)

    def at_version(self, version: int) -> Catalog:
        """The catalog of one version, compiled once; ``NotFoundError`` when absent."""
        found = self._compiled.get(version)
        if found is not None:
            return found
        saved = self._store.catalog_version(version)
        if saved is None:
            raise NotFoundError("catalog version", str(version))
        return self._keep(parse_catalog(saved.document, version=version, digest=saved.digest))

    def latest_number(self) -> int | None:
        """The latest version number, read from the store now; None when none was loaded."""
        return self._store.latest_catalog_number()

    def versions(self) -> list[CatalogVersion]:
        """Every version, newest first (without their documents)."""
        return self._store.catalog_versions()

    def version(self, version: int | None = None) -> CatalogVersion:
        """One stored version with its normalised document (the latest when None)."""
        saved = self._store.catalog_version(version)
        if saved is None:
            raise NotFoundError("catalog" if version is None else "catalog version", str(version))
        return saved

    # -- inside --------------------------------------------------------------
    def _save(self, catalog: Catalog, source: str) -> CatalogVersion:
        document = catalog_document(catalog)
        saved = self._store.save_catalog(
            document, document_digest(document), source, self._clock.now()
        )
        if saved.version not in self._compiled:
            self._keep(replace(catalog, version=saved.version, digest=saved.digest))
        self._latest, self._checked_at = saved.version, self._monotonic()
        return saved

    def _latest_document(self) -> dict[str, Any]:
        saved = self._store.catalog_version()
        return {"catalog": {}, "actions": []} if saved is None else dict(saved.document)

    def _latest_number(self) -> int | None:
        now = self._monotonic()
        if self._checked_at is None or now - self._checked_at >= self.refresh_seconds:
            self._latest = self._store.latest_catalog_number()
            self._checked_at = now
        return self._latest

    def _keep(self, catalog: Catalog) -> Catalog:
        compiled = dict(self._compiled)  # readers of the old dict are never disturbed
        compiled[catalog.version] = catalog
        while len(compiled) > _KEEP_COMPILED:
            del compiled[min(compiled)]
        self._compiled = compiled
        return catalog


def _actions_of(document: Mapping[str, object]) -> list[Mapping[str, Any]]:
    actions = document.get("actions")
    return [a for a in actions if isinstance(a, Mapping)] if isinstance(actions, list) else []


def read_catalog_file(path: Path) -> Mapping[str, object]:
    """The document of a catalog file, read as TOML or YAML by its suffix."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError("file", str(path), "a catalog file must end in .toml, .yaml or .yml")
    text = path.read_text(encoding="utf-8")
    document = _toml(text, path) if suffix == ".toml" else _yaml(text, path)
    if not isinstance(document, Mapping):
        raise ValidationError(
            "file", str(path), "must hold a catalog: a [catalog] table and [[actions]]"
        )
    return document


def _toml(text: str, path: Path) -> object:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError("file", str(path), f"not valid TOML: {error}") from None


def _yaml(text: str, path: Path) -> object:
    try:
        return yaml.load(text, Loader=_UniqueKeys)  # noqa: S506  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise ValidationError("file", str(path), f"not valid YAML: {_yaml_reason(error)}") from None


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return str(problem)
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


class _UniqueKeys(yaml.SafeLoader):
    """``yaml.safe_load``, except that a key written twice in one table is an error.

    TOML refuses repeated keys; YAML would silently keep the last one, and a limit
    written twice must not quietly lose one of its values.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the parser refuses such a key later, naming its field
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)
