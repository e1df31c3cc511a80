"""``cortesia models``: the scoring models, their evidence and quality."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import emit_json, say, table
from cortesia.engine.model_views import model_view, models_view

ModelArg = Annotated[str, typer.Argument(metavar="MODEL", help="Model id, from models list.")]


def list_models(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every model with its evidence and quality."""
    with engine_of(ctx) as engine:
        view = models_view(engine.decisions.scorer)
    if as_json:
        emit_json(view)
        return
    rows = [
        [m["id"], m.get("evidence"), m.get("positives"), m.get("auc"), m.get("flag") or ""]
        for m in view["models"]
    ]
    table(f"Models ({view['version']})", ["id", "evidence", "positives", "AUC", "flag"], rows)


def show(ctx: typer.Context, model_id: ModelArg, as_json: JsonOption = False) -> None:
    """One model: quality and predictors."""
    with engine_of(ctx) as engine:
        view = model_view(engine.decisions.scorer, model_id)
    if as_json:
        emit_json(view)
        return
    for key, value in view.items():
        if key != "importance":
            say(f"{key}: {value}")
    rows = [[p["predictor"], p["weight"], p["deviation"]] for p in view.get("importance", [])]
    if rows:
        table("Predictors", ["predictor", "weight", "deviation"], rows)


def export(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write the JSON document.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Every model in detail, as one JSON file.

    Each model's evidence, quality and predictors, for a notebook or an audit.
    """
    with engine_of(ctx) as engine:
        scorer = engine.decisions.scorer
        listed = models_view(scorer)
        detail = [model_view(scorer, str(m["id"])) for m in listed["models"]]
    document = {"version": listed["version"], "models": detail}
    out.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    summary = {"file": str(out), "version": listed["version"], "models": len(detail)}
    if as_json:
        emit_json(summary)
        return
    say(f"Wrote {len(detail)} model(s) ({listed['version']}) to {out}")


def build() -> typer.Typer:
    commands: dict[str, Callable[..., Any]] = {
        "list": list_models,
        "show": show,
        "export": export,
    }
    return command_group("Scoring models and their quality.", commands)
