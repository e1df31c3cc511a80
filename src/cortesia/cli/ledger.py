"""``cortesia ledger``: check the ledger's hash chain."""

from __future__ import annotations

from typing import Annotated

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import FAILURE, emit_json, say
from cortesia.domain.chain_check import Anchor, ChainProblem

_NO_EVENT = "-"  # a removed event has no row left to name


def problem_line(problem: ChainProblem) -> str:
    """One problem as a line that lines up with the others: kind, seq, event, detail."""
    event = "" if problem.event_id == _NO_EVENT else f"  event {problem.event_id}"
    return f"{problem.problem:<8} seq {problem.seq}{event}: {problem.detail}"


AnchorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--anchor",
        metavar="SEQ:HASH",
        help="A link written down earlier by `cortesia ledger head` (repeatable): catches the "
        "newest events removed together with a rewritten head.",
    ),
]


def head(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print the end of the chain, to keep outside.

    Store the printed anchor somewhere the database's users cannot write (a ticket,
    a log server, write-once storage); `ledger verify --anchor` checks it later.
    """
    with engine_of(ctx) as engine:
        end = engine.ledger_head()
    anchor = f"{end.last_seq}:{end.last_hash}"
    if as_json:
        emit_json(
            {
                "count": end.count,
                "last_seq": end.last_seq,
                "last_hash": end.last_hash,
                "anchor": anchor,
            }
        )
    else:
        say(f"{end.count} event(s); anchor {anchor}")


def verify(ctx: typer.Context, anchor: AnchorOption = None, as_json: JsonOption = False) -> None:
    """Verify the ledger's hash chain.

    Reports every altered, inserted or removed event; exits 1 if there is any.
    """
    anchors = [Anchor.parse(text) for text in anchor or []]
    with engine_of(ctx) as engine:
        report = engine.verify_ledger(anchors)
    if as_json:
        emit_json(
            {
                "intact": report.intact,
                "events_checked": report.events_checked,
                "problems": [
                    {"event_id": p.event_id, "seq": p.seq, "problem": p.problem, "detail": p.detail}
                    for p in report.problems
                ],
            }
        )
    elif report.intact:
        say(f"Ledger intact: {report.events_checked} event(s) verified.", "green")
    else:
        for problem in report.problems:
            say(problem_line(problem), "red")
        say(
            f"Ledger BROKEN: {len(report.problems)} problem(s) in {report.events_checked} "
            "event(s).",
            "bold red",
        )
    if not report.intact:
        raise typer.Exit(FAILURE)


def build() -> typer.Typer:
    """The ``ledger`` command group."""
    return command_group(
        "Check the consent ledger for tampering.",
        {"verify": verify, "head": head},
    )
