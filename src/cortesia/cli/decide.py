"""``cortesia decide``, ``cortesia decision show`` and ``cortesia outcome``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import AtOption, CustomerArg, JsonOption, command_group
from cortesia.cli.output import emit_json, say, table
from cortesia.domain.decisions import DECISION_OUTCOMES
from cortesia.engine.decide import MAX_LIMIT, DecisionRequest
from cortesia.engine.decision_input import parse_context_pairs, parse_decision_channel
from cortesia.engine.decision_views import decision_view, stored_decision_view
from cortesia.engine.instants import parse_instant

ChannelOpt = Annotated[
    str, typer.Option("--channel", metavar="CHANNEL", help="The channel asking (app = in_app).")
]
DirectionOpt = Annotated[
    str, typer.Option("--direction", metavar="DIRECTION", help="inbound or outbound.")
]
ContextOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--context", metavar="KEY=VALUE", help="Context pair (inbound_reason=billing); repeatable."
    ),
]
LimitOpt = Annotated[
    int, typer.Option("--limit", metavar="K", help=f"Top-k actions (1–{MAX_LIMIT}).")
]
DecisionArg = Annotated[str, typer.Argument(metavar="DECISION", help="Decision id.")]
ActionOpt = Annotated[str, typer.Option("--action", metavar="ACTION", help="Action id offered.")]
OutcomeOpt = Annotated[
    str,
    typer.Option(
        "--outcome",
        metavar="OUTCOME",
        help="What came of it: " + ", ".join(o.value for o in DECISION_OUTCOMES) + ".",
    ),
]
KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key", metavar="KEY", help="Idempotency key (default: decision, action, outcome)."
    ),
]


def decide(
    ctx: typer.Context,
    customer: CustomerArg,
    channel: ChannelOpt,
    direction: DirectionOpt = "outbound",
    context: ContextOpt = None,
    at: AtOption = None,
    limit: LimitOpt = 1,
    as_json: JsonOption = False,
) -> None:
    """The next best actions, or silence.

    Runs every stage (eligibility, contact policy, scoring, arbitration, selection),
    holds the chosen actions' contact slots and records the decision.
    """
    request = DecisionRequest(
        customer,
        parse_decision_channel(channel),
        direction.strip().lower(),
        parse_context_pairs(context or ()),
        parse_instant(at, "at") if at else None,
        limit,
    )
    with engine_of(ctx) as engine:
        view = decision_view(engine.decisions.decide(request))
    emit_json(view) if as_json else render_decision(view)


def show(ctx: typer.Context, decision_id: DecisionArg, as_json: JsonOption = False) -> None:
    """A stored decision, explained in plain words."""
    with engine_of(ctx) as engine:
        view = stored_decision_view(engine.decisions.find(decision_id))
    if as_json:
        emit_json(view)
        return
    for line in view["explanation"]:
        say(line)


def outcome(
    ctx: typer.Context,
    decision_id: DecisionArg,
    action: ActionOpt,
    said: OutcomeOpt,
    key: KeyOpt = None,
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report what came of an offered action.

    opted_out writes the consent ledger at once; failed releases the contact slot.
    """
    when = parse_instant(at, "at") if at else None
    with engine_of(ctx) as engine:
        receipt = engine.outcomes.record(decision_id, action, said, key=key, at=when)
    view = receipt.as_dict()
    if as_json:
        emit_json(view)
        return
    replay = " (already recorded: nothing changed)" if view["replayed"] else ""
    say(f"Recorded {view['outcome']} for {view['action']} of {view['decision_id']}{replay}")
    if view["opt_out_event_id"]:
        say(f"Opt-out written to the consent ledger: {view['opt_out_event_id']}")


def render_decision(view: dict[str, Any]) -> None:
    """The chosen actions (or silence), then the trace."""
    say(f"Decision {view['decision_id']}: {view['reason']}", "bold")
    if view["silent"]:
        say("Silent: no action is offered.", "bold yellow")
    rows = [
        [
            a["action"],
            a["name"],
            a["channel"],
            f"{a['propensity']:.2%}",
            f"{a['value']:.2f}",
            f"{a['p_optout']:.3%}",
            f"{a['expected_net_value']:.2f}",
            f"{a['priority']:.2f}",
        ]
        for a in view["actions"]
    ]
    if rows:
        columns = ["action", "name", "channel", "propensity", "value", "P(opt-out)", "ENV"]
        table("Chosen", [*columns, "priority"], rows)
    trace = [
        [t["action"], t["stage"], "yes" if t["passed"] else "no", t["reason"]]
        for t in view["trace"]
    ]
    table("Trace", ["action", "stage", "passed", "reason"], trace)


def build_decision() -> typer.Typer:
    return command_group("Stored decisions, explained.", {"show": show})
