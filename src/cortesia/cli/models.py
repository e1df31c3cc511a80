"""``cortesia models``: the scoring models, their evidence and quality."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from cortesia.batch.adm_files import FORMATS, write_datamart
from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group, one_of
from cortesia.cli.output import emit_json, say, table
from cortesia.engine.model_views import datamart_models, model_view, models_view
from cortesia.errors import ValidationError

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
        Path | None,
        typer.Option("--out", metavar="FILE", help="Where to write the JSON document."),
    ] = None,
    adm: Annotated[
        Path | None,
        typer.Option(
            "--adm", metavar="DIR", help="Write Pega ADM datamart files here, for pdstools."
        ),
    ] = None,
    file_format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"Datamart file format: {one_of(FORMATS)} (zip: Pega's dataset export).",
        ),
    ] = "parquet",
    as_json: JsonOption = False,
) -> None:
    """Every model in detail: JSON or ADM datamart.

    --out writes each model's evidence, quality and predictors, for a notebook or an
    audit. --adm writes the adaptive propensity models as the model and predictor binning
    snapshots of Pega's ADM datamart (docs/adm-export.md), which pdstools loads.
    """
    if out is None and adm is None:
        raise ValidationError("--out", None, "give --out FILE, --adm DIR, or both")
    if file_format not in FORMATS:
        raise ValidationError("--format", file_format, f"must be one of {one_of(FORMATS)}")
    summary: dict[str, object] = {}
    with engine_of(ctx) as engine:
        scorer = engine.decisions.scorer
        if adm is not None:
            exported = datamart_models(scorer)
            when = engine.clock.now()
            written = write_datamart(exported, adm, when, file_format=file_format)
            summary["adm"] = {
                "models": str(written.models),
                "predictors": str(written.predictors),
                "exported": len(exported),
            }
        listed = models_view(scorer)
        if out is not None:
            detail = [model_view(scorer, str(m["id"])) for m in listed["models"]]
            document = {"version": listed["version"], "models": detail}
            out.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
            summary["file"] = str(out)
    summary.update(version=listed["version"], models=len(listed["models"]))
    if as_json:
        emit_json(summary)
        return
    _say_exported(summary)


def _say_exported(summary: dict[str, object]) -> None:
    if "file" in summary:
        say(f"Wrote {summary['models']} model(s) ({summary['version']}) to {summary['file']}")
    files = summary.get("adm")
    if isinstance(files, dict):
        say(f"Wrote {files['exported']} model(s) ({summary['version']}) as Pega's ADM datamart:")
        say(f"  {files['models']}")
        say(f"  {files['predictors']}")


def build() -> typer.Typer:
    commands: dict[str, Callable[..., Any]] = {
        "list": list_models,
        "show": show,
        "export": export,
    }
    return command_group("Scoring models and their quality.", commands)
