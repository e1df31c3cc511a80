"""``cortesia catalog``: load the action catalog from a file, list it, show an action."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import emit_json, fail, say, table, view_rows
from cortesia.domain.catalog import Catalog
from cortesia.engine.catalog_views import (
    action_view,
    catalog_list_view,
    load_view,
    version_view,
)
from cortesia.engine.hub import Engine

FileArg = Annotated[
    Path,
    typer.Argument(metavar="FILE", help="Catalog file: .toml, .yaml or .yml (docs/catalog.md)."),
]
ActionArg = Annotated[str, typer.Argument(metavar="ACTION", help="Action id.")]
_NONE_YET = "no catalog loaded yet; load one with: cortesia catalog load FILE"


def load(ctx: typer.Context, file: FileArg, as_json: JsonOption = False) -> None:
    """Check a catalog file; save a new version.

    Every problem of the file is reported and nothing is saved when there is one; a file
    that says the same as the latest version keeps that version.
    """
    with engine_of(ctx) as engine:
        previous = engine.catalog.latest_number()
        view = load_view(engine.catalog.load_file(file), previous)
    if as_json:
        emit_json(view)
    elif view["unchanged"]:
        say(f"Catalog unchanged: still version {view['version']} ({view['actions']} actions)")
    else:
        say(f"Catalog version {view['version']} loaded: {view['actions']} actions", "bold green")


def _current(engine: Engine) -> Catalog:
    if engine.catalog.latest_number() is None:
        raise fail(_NONE_YET)
    return engine.catalog.current()


def list_actions(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the actions of the catalog in force."""
    with engine_of(ctx) as engine:
        view = catalog_list_view(_current(engine), engine.clock.now())
    if as_json:
        emit_json(view)
        return
    rows = [{**row, "valid": _validity(row)} for row in view["actions"]]
    keys = ["id", "name", "group", "category", "purpose", "channels", "valid"]
    table(f"{view['name']} — version {view['version']}", keys, view_rows(rows, keys))


def _validity(row: dict[str, Any]) -> str:
    span = f"{row['valid_from'] or '…'} to {row['valid_until'] or '…'}"
    if row["valid_from"] is None and row["valid_until"] is None:
        return "always"
    return f"{span} ({'on offer' if row['valid_today'] else 'not today'})"


def show(ctx: typer.Context, action: ActionArg, as_json: JsonOption = False) -> None:
    """One action of the catalog in force."""
    with engine_of(ctx) as engine:
        view = action_view(_current(engine), action, engine.clock.now())
    if as_json:
        emit_json(view)
        return
    say(f"{view['id']} · {view['name']['en']} / {view['name']['es']}", "bold")
    say(f"  catalog version {view['catalog_version']}; {view['group']}; {view['category']}")
    for key, value in view.items():
        if key not in ("id", "name", "group", "category", "catalog_version", "channels"):
            say(f"  {key}: {_plain(value)}")
    rows = [[name, *_treatment_cells(t)] for name, t in view["channels"].items()]
    table("Channels", ["channel", "treatment", "cost", "window", "daily limit"], rows)


def _plain(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _treatment_cells(treatment: dict[str, Any]) -> list[object]:
    return [
        treatment["treatment"],
        treatment["cost"],
        treatment.get("window"),
        treatment.get("daily_limit"),
    ]


def versions(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the catalog's versions, newest first."""
    with engine_of(ctx) as engine:
        views = [version_view(v) for v in engine.catalog.versions()]
    if as_json:
        emit_json({"versions": views})
        return
    if not views:
        say(_NONE_YET)
        return
    keys = ["version", "created_at", "actions", "source", "digest"]
    table("Catalog versions", keys, view_rows(views, keys))


def build() -> typer.Typer:
    """The ``catalog`` command group."""
    return command_group(
        "Actions: load, list, show, versions.",
        {"load": load, "list": list_actions, "show": show, "versions": versions},
    )
