"""``cortesia report``: what contacts bring and what they destroy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import emit_json, out, say, table
from cortesia.engine.hub import Engine
from cortesia.engine.reports import GROUPINGS, RULES, ReportPeriod

_BOUND = "a date (YYYY-MM-DD, midnight UTC) or an instant with offset"
FromOption = Annotated[
    str | None,
    typer.Option("--from", metavar="WHEN", help=f"Decisions from: {_BOUND} (30 days ago)."),
]
ToOption = Annotated[
    str | None, typer.Option("--to", metavar="WHEN", help=f"Decisions before: {_BOUND} (now).")
]
WindowOption = Annotated[
    float,
    typer.Option(
        "--window", metavar="DAYS", help="Opt-outs this many days after a contact count against it."
    ),
]
RuleOption = Annotated[
    str,
    typer.Option(
        "--attribution",
        metavar="RULE",
        help=f"Who gets an opt-out: {', '.join(RULES)} (last: the latest contact before it; "
        "even: shared by every contact in the window).",
    ),
]
ConfidenceOption = Annotated[
    float, typer.Option("--confidence", metavar="LEVEL", help="Of the intervals, e.g. 0.95.")
]
_SHOWN = (
    "contacts",
    "responses",
    "incremental_responses",
    "incremental_value",
    "opt_outs",
    "opt_out_rate",
    "value_eroded",
    "net_value",
    "eroded_exceeds_incremental",
)


def _period(
    engine: Engine, start: str | None, end: str | None, window: float, rule: str, level: float
) -> ReportPeriod:
    reports = engine.reports
    return reports.period_from_text(start, end, window_days=window, rule=rule, confidence=level)


def optout(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    by: Annotated[
        str, typer.Option("--by", metavar="DIMENSION", help=f"One of {', '.join(GROUPINGS)}.")
    ] = "campaign",
    window: WindowOption = 7.0,
    rule: RuleOption = "last",
    confidence: ConfidenceOption = 0.95,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the rows as CSV.")] = False,
) -> None:
    """What contacts add, and what opt-outs erode.

    Per action, campaign, channel or segment: contacts, responses, incremental responses
    and value (against the control groups), opt-outs, the value they eroded, the net
    value, and whether the erosion exceeds what the contacts added.
    """
    with engine_of(ctx) as engine:
        period = _period(engine, start, end, window, rule, confidence)
        found = engine.reports.optout(period, by)
    if as_json:
        emit_json(found)
        return
    if as_csv:
        frame = pl.DataFrame(found["rows"]) if found["rows"] else pl.DataFrame({by: []})
        out().file.write(frame.write_csv())
        return
    _optout_table(found, by)


def _optout_table(found: dict[str, Any], by: str) -> None:
    period = found["period"]
    rows = [[r.get(by), *(_cell(r.get(k)) for k in _SHOWN)] for r in found["rows"]]
    title = f"Opt-out economics by {by}, {period['from']} – {period['to']}"
    table(title, [by, *_SHOWN], rows)
    flagged = [str(r.get(by)) for r in found["rows"] if r.get("eroded_exceeds_incremental")]
    if flagged:
        say(f"Eroded value exceeds incremental value: {', '.join(flagged)}", "bold red")


def _cell(value: object) -> object:
    return round(value, 4) if isinstance(value, float) else value


def fatigue(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    window: WindowOption = 7.0,
    rule: RuleOption = "last",
    confidence: ConfidenceOption = 0.95,
    out_file: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Write the JSON here.")
    ] = None,
) -> None:
    """Opt-out rate against contact pressure.

    Per segment, as JSON for plotting: the opt-out rate against the contacts of the
    previous 30 days and against the days since the last contact, with intervals."""
    with engine_of(ctx) as engine:
        found = engine.reports.fatigue(_period(engine, start, end, window, rule, confidence))
    _write_or_emit(found, out_file)


def optins(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    as_json: JsonOption = False,
) -> None:
    """Opt-ins recovered, by touchpoint.

    Opt-ins that follow an opt-out, per touchpoint, and the value they bring back."""
    with engine_of(ctx) as engine:
        found = engine.reports.optins(_period(engine, start, end, 7.0, "last", 0.95))
    if as_json:
        emit_json(found)
        return
    rows = found["rows"]
    columns = list(rows[0]) if rows else ["source", "recovered", "value"]
    table("Recovered opt-ins", columns, [[_cell(r.get(c)) for c in columns] for r in rows])


def ih(
    ctx: typer.Context,
    out_file: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="FILE",
            help="File to write: .zip (Pega's export), .parquet, .csv or .ndjson.",
        ),
    ],
    start: FromOption = None,
    end: ToOption = None,
    controls: Annotated[
        bool, typer.Option("--controls", help="Include held-back offers (as Holdout).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Export the interaction history for pdstools.

    Offers and their outcomes in the column names of Pega's interaction history, so
    pdstools (IH.from_ds_export) loads them.
    """
    with engine_of(ctx) as engine:
        period = _period(engine, start, end, 7.0, "last", 0.95)
        rows = engine.reports.export_ih(period, out_file, controls)
    if as_json:
        emit_json({"file": str(out_file), "rows": rows, "period": period.as_dict()})
        return
    say(f"Wrote {rows:,} interaction-history rows to {out_file}")


def _write_or_emit(document: dict[str, Any], file: Path | None) -> None:
    if file is None:
        emit_json(document)
        return
    file.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    say(f"Wrote {file}")


def build() -> typer.Typer:
    commands: dict[str, Callable[..., Any]] = {
        "optout": optout,
        "fatigue": fatigue,
        "optins": optins,
        "ih": ih,
    }
    return command_group("Opt-out economics and fatigue.", commands)
