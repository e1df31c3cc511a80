"""``cortesia simulate``: decisions day after day, answered from a known truth."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from importlib.resources import as_file
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from cortesia.adapters.memory import FrozenClock
from cortesia.cli.context import workspace
from cortesia.cli.options import JsonOption
from cortesia.cli.output import emit_json, err, say
from cortesia.domain.vocabulary import parse_channel
from cortesia.engine.hub import Engine
from cortesia.engine.instants import parse_day_or_instant
from cortesia.engine.outcome_simulation import parse_truth, simulate
from cortesia.engine.samples import sample_folder
from cortesia.errors import ConflictError, ValidationError


def run(
    ctx: typer.Context,
    truth_file: Annotated[
        Path | None,
        typer.Option("--truth", metavar="FILE", help="TOML truth (default: the telco sample's)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="WHEN", help="First day (the truth's run.start)."),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", metavar="N", help="How many days (run.days).")
    ] = None,
    customers: Annotated[
        int | None,
        typer.Option("--customers", metavar="N", help="How many customers (run.customers)."),
    ] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", metavar="CHANNEL", help="Channel (run.channel).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the draws.")] = 7,
    again: Annotated[
        bool, typer.Option("--again", help="Simulate even when the period has decisions.")
    ] = False,
    once: Annotated[
        bool,
        typer.Option("--once", help="Do nothing (and succeed) when the period has decisions."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Generate outcomes from a known truth.

    Every day, decide for each customer and answer from the truth: how customers really
    answer each action, with and without a contact (docs/reports.md). Time moves with
    the simulated days, so the period may lie in the future. A period that already holds
    decisions is not simulated twice unless --again.
    """
    document = _truth_document(truth_file)
    plan = document.pop("run", {})
    truth = parse_truth(document)
    first = parse_day_or_instant(start or plan.get("start", ""), "start")
    span = _positive(days if days is not None else plan.get("days", 7), "days")
    many = _positive(
        customers if customers is not None else plan.get("customers", 500), "customers"
    )
    where = parse_channel(channel or str(plan.get("channel", "sms")))
    clock = FrozenClock(first)
    with workspace(ctx).engine(clock=clock) as engine:
        if once and _simulated(engine, first, span):
            say(f"{first.date().isoformat()}: already simulated; nothing to do")
            return
        if not again and _simulated(engine, first, span):
            reason = "the period already holds decisions; use --again to add more"
            raise ConflictError("start", first.isoformat(), reason)
        people = _customers(engine, many)
        with Progress(console=err(), transient=True) as bar:
            task = bar.add_task("simulating", total=span * len(people))
            summary = simulate(
                engine, people, where, first, span, truth, seed=seed,
                progress=lambda done, _: bar.update(task, completed=done),
                clock_to=clock.set,
            )  # fmt: skip
    found = {**summary.as_dict(), "from": first.isoformat(), "days": span}
    if as_json:
        emit_json(found)
        return
    end = (first + timedelta(days=span)).date().isoformat()
    say(
        f"{summary.decisions} decisions: {summary.sent} sent, {summary.withheld} held back, "
        f"{summary.accepted} converted, {summary.opted_out} opted out. See: cortesia report "
        f"optout --from {first.date().isoformat()} --to {end}"
    )


def _truth_document(file: Path | None) -> dict[str, Any]:
    try:
        if file is not None:
            return tomllib.loads(file.read_text(encoding="utf-8"))
        with as_file(sample_folder("telco").joinpath("simulation.toml")) as path:
            return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValidationError("truth", str(file), f"not valid TOML: {error}") from None


def _positive(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(field, value, "must be a whole number of at least 1")
    return value


def _simulated(engine: Engine, first: datetime, days: int) -> bool:
    found = engine.store.decisions_between(first, first + timedelta(days=days))
    return next(iter(found), None) is not None


def _customers(engine: Engine, count: int) -> list[str]:
    found = [c.customer_id for c in engine.store.list_customers(count)]
    if not found:
        raise ValidationError("customers", 0, "the workspace has no customers to simulate")
    return found
