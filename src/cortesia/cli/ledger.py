"""``cortesia ledger``: check the ledger's hash chain."""

from __future__ import annotations

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import FAILURE, emit_json, say


def verify(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Walk the hash chain; report every altered, inserted or removed event (exit 1 if any)."""
    with engine_of(ctx) as engine:
        report = engine.verify_ledger()
    problems = [{"event_id": p.event_id, "seq": p.seq, "problem": p.problem, "detail": p.detail}
                for p in report.problems]
    if as_json:
        emit_json({"intact": report.intact, "events_checked": report.events_checked,
                   "problems": problems})
    elif report.intact:
        say(f"Ledger intact: {report.events_checked} event(s) verified.", "green")
    else:
        for p in problems:
            say(f"{p['problem']}: event {p['event_id']} (seq {p['seq']}): {p['detail']}", "red")
        say(f"Ledger BROKEN: {len(problems)} problem(s) in {report.events_checked} event(s).",
            "bold red")
    if not report.intact:
        raise typer.Exit(FAILURE)


def build() -> typer.Typer:
    """The ``ledger`` command group."""
    return command_group(
        "Check the consent ledger for tampering.",
        {"verify": verify},
    )
