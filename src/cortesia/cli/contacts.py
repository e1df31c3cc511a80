"""``cortesia contacts``: the contact history — record, confirm, release, outcomes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import (
    ChannelOption,
    CustomerArg,
    JsonOption,
    PurposeOption,
    command_group,
)
from cortesia.cli.output import emit_json, say, table, view_rows
from cortesia.engine.contact_views import contact_view
from cortesia.engine.instants import parse_instant

ContactArg = Annotated[str, typer.Argument(metavar="CONTACT", help="Contact id.")]
CustomerOption = Annotated[str, typer.Option("--customer", metavar="CUSTOMER", help="Customer id.")]
WhenOption = Annotated[
    str, typer.Option("--at", metavar="INSTANT", help="When it was made, ISO 8601 with offset.")
]
OptionalText = Annotated[str | None, typer.Option(metavar="TEXT")]
OutcomeArg = Annotated[
    str,
    typer.Argument(
        metavar="OUTCOME",
        help="delivered, failed, reached, accepted, rejected, ignored, opted_out, complained "
        "or converted.",
    ),
]
_COLUMNS = ("contact_id", "occurred_at", "channel", "purpose", "action_group", "status", "outcome")


def _show(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(view)
    else:
        table("Contact", list(view), [list(view.values())])


def record(
    ctx: typer.Context,
    customer: CustomerOption,
    channel: ChannelOption,
    purpose: PurposeOption,
    at: WhenOption,
    action: OptionalText = None,
    action_group: OptionalText = None,
    category: OptionalText = None,
    subject: OptionalText = None,
    as_json: JsonOption = False,
) -> None:
    """Record a contact made elsewhere.

    A retry of the same contact records nothing new.
    """
    data = {
        "customer_id": customer,
        "channel": channel,
        "purpose": purpose,
        "occurred_at": at,
        "action_id": action,
        "action_group": action_group,
        "category": category,
        "subject": subject,
    }
    with engine_of(ctx) as engine:
        recorded = engine.contacts.record({k: v for k, v in data.items() if v is not None})
    view = contact_view(recorded.contact)
    if as_json:
        emit_json({**view, "created": recorded.created})
    else:
        say(f"{'Recorded' if recorded.created else 'Already recorded'}: {view['contact_id']}")


def confirm(ctx: typer.Context, contact: ContactArg, as_json: JsonOption = False) -> None:
    """A reserved contact was sent."""
    with engine_of(ctx) as engine:
        _show(contact_view(engine.contacts.confirm(contact)), as_json)


def release(ctx: typer.Context, contact: ContactArg, as_json: JsonOption = False) -> None:
    """A reserved contact was called off."""
    with engine_of(ctx) as engine:
        _show(contact_view(engine.contacts.release(contact)), as_json)


def outcome(
    ctx: typer.Context,
    contact: ContactArg,
    result: OutcomeArg,
    at: Annotated[
        str | None, typer.Option("--at", metavar="INSTANT", help="When it happened (now).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record what came of a sent contact."""
    with engine_of(ctx) as engine:
        _show(contact_view(engine.contacts.outcome(contact, result, at)), as_json)


def history(
    ctx: typer.Context,
    customer: CustomerArg,
    since: Annotated[
        str | None, typer.Option("--since", metavar="INSTANT", help="From this instant.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A customer's contacts, oldest first."""
    moment = parse_instant(since, "since") if since else None
    with engine_of(ctx) as engine:
        views = [contact_view(c) for c in engine.contacts.history(customer, moment)]
    if as_json:
        emit_json({"customer": customer, "contacts": views})
    else:
        table(f"Contacts of {customer}", _COLUMNS, view_rows(views, _COLUMNS))


def build() -> typer.Typer:
    """The ``contacts`` command group."""
    return command_group(
        "Record contacts and what came of them.",
        {
            "record": record,
            "confirm": confirm,
            "release": release,
            "outcome": outcome,
            "history": history,
        },
    )
