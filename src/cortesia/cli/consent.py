"""``cortesia consent``: record events, show state now or in the past, prove it, link it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import (
    INSTANT_HELP,
    KIND_HELP,
    LAWFUL_BASIS_HELP,
    SOURCE_HELP,
    AtOption,
    ChannelOption,
    CustomerArg,
    JsonOption,
    PurposeOption,
    command_group,
    recordable_kind,
)
from cortesia.cli.output import emit_json, say, table, view_rows
from cortesia.domain.consent import EVIDENCE_FIELDS
from cortesia.engine.instants import iso, parse_instant
from cortesia.engine.views import append_view, event_view, proof_view, snapshot_view
from cortesia.errors import ValidationError

_STATE_COLUMNS = ("channel", "purpose", "status", "since", "until", "event_id")
_EVENT_COLUMNS = ("seq", "occurred_at", "channel", "purpose", "kind", "until", "source", "event_id")

CustomerOption = Annotated[
    str, typer.Option("--customer", "-c", metavar="CUSTOMER", help="Customer id.")
]
KindOption = Annotated[str, typer.Option(metavar="KIND", help=KIND_HELP, callback=recordable_kind)]
SourceOption = Annotated[str, typer.Option(metavar="SOURCE", help=SOURCE_HELP)]
UntilOption = Annotated[
    str | None,
    typer.Option(
        metavar="INSTANT", help=f"End of the snooze (only with --kind snooze): {INSTANT_HELP}."
    ),
]
EvidenceOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="EVIDENCE",
        help=f"Free text, or FIELD=VALUE with FIELD one of {', '.join(EVIDENCE_FIELDS[1:])}; "
        "repeatable.",
    ),
]
OccurredOption = Annotated[
    str | None,
    typer.Option(
        "--at", metavar="INSTANT", help=f"When it happened, {INSTANT_HELP}; now if not given."
    ),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        metavar="KEY", help="Idempotency key; a replay with the same key changes nothing."
    ),
]
BasisOption = Annotated[str | None, typer.Option(metavar="BASIS", help=LAWFUL_BASIS_HELP)]
JurisdictionOption = Annotated[
    str | None,
    typer.Option(metavar="JURISDICTION", help="Country or subdivision code, e.g. ES, US-FL."),
]
ActorOption = Annotated[str | None, typer.Option(metavar="ACTOR", help="Who recorded it.")]
ValueOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="NAME=VALUE",
        help="A preference value (only with --kind preference), e.g. max_per_week=2; repeatable.",
    ),
]


def _pairs(items: list[str], field: str) -> dict[str, object]:
    """``k=v`` options as a mapping; a JSON value (number, list) is kept typed."""
    values: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(field, item, "expected key=value")
        try:
            values[key.strip()] = json.loads(raw)
        except ValueError:
            values[key.strip()] = raw
    return values


def _evidence(items: list[str]) -> dict[str, str] | None:
    """``--evidence`` as text, or ``field=value`` for the known evidence fields."""
    if not items:
        return None
    evidence: dict[str, str] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if sep and key in EVIDENCE_FIELDS:
            evidence[key] = raw
        else:
            evidence["text"] = f"{evidence['text']}; {item}" if "text" in evidence else item
    return evidence


def _at(value: str | None) -> datetime | None:
    return None if value is None else parse_instant(value, "at")


def record(
    ctx: typer.Context,
    customer: CustomerOption,
    channel: ChannelOption,
    purpose: PurposeOption,
    kind: KindOption,
    source: SourceOption,
    until: UntilOption = None,
    evidence: EvidenceOption = None,
    at: OccurredOption = None,
    key: KeyOption = None,
    lawful_basis: BasisOption = None,
    jurisdiction: JurisdictionOption = None,
    actor: ActorOption = None,
    value: ValueOption = None,
    as_json: JsonOption = False,
) -> None:
    """Append one consent event to the ledger."""
    raw = {
        "customer_id": customer,
        "channel": channel,
        "purpose": purpose,
        "kind": kind,
        "source": source,
        "until": until,
        "occurred_at": at,
        "idempotency_key": key,
        "lawful_basis": lawful_basis,
        "jurisdiction": jurisdiction,
        "actor": actor,
        "evidence": _evidence(evidence or []),
        "values": _pairs(value or [], "value") or None,
    }
    with engine_of(ctx) as engine:
        result = engine.consent.record({k: v for k, v in raw.items() if v is not None})
    if as_json:
        emit_json(append_view(result))
        return
    event = result.event
    verb = "Recorded" if result.created else "Replayed (already recorded, nothing changed)"
    say(
        f"{verb}: {event.kind.value} {event.channel.value}/{event.purpose} for "
        f"{event.customer_id} at {iso(event.occurred_at)} — event {event.event_id}"
    )


def show(
    ctx: typer.Context, customer: CustomerArg, at: AtOption = None, as_json: JsonOption = False
) -> None:
    """Show a customer's consent, now or as of --at.

    One row per channel × purpose that has any event.
    """
    with engine_of(ctx) as engine:
        view = snapshot_view(engine.consent.state(customer, _at(at)))
    if as_json:
        emit_json(view)
        return
    table(
        f"Consent of {customer} at {view['at']}",
        _STATE_COLUMNS,
        view_rows(view["consent"], _STATE_COLUMNS),
    )
    for channel, values in view["preferences"].items():
        say(f"preferences ({channel}): " + ", ".join(f"{k}={v}" for k, v in values.items()))


def proof(
    ctx: typer.Context, customer: CustomerArg, at: AtOption = None, as_json: JsonOption = False
) -> None:
    """Export the proof of consent (a receipt).

    The state now or as of --at, and every event behind it.
    """
    with engine_of(ctx) as engine:
        view = proof_view(engine.consent.proof(customer, _at(at)))
    if as_json:
        emit_json(view)
        return
    table(
        f"Events behind the consent of {customer} at {view['at']}",
        _EVENT_COLUMNS,
        view_rows(view["deciding_events"], _EVENT_COLUMNS),
    )


def history(ctx: typer.Context, customer: CustomerArg, as_json: JsonOption = False) -> None:
    """List every consent event, oldest first."""
    with engine_of(ctx) as engine:
        views = [event_view(e) for e in engine.consent.history(customer)]
    if as_json:
        emit_json({"customer": customer, "events": views})
        return
    table(f"Consent history of {customer}", _EVENT_COLUMNS, view_rows(views, _EVENT_COLUMNS))


def link(
    ctx: typer.Context,
    customer: CustomerArg,
    channel: ChannelOption = "email",
    purpose: PurposeOption = "marketing",
    as_json: JsonOption = False,
) -> None:
    """Print a one-click unsubscribe link.

    A signed, expiring link and the two e-mail headers that carry it (RFC 8058).
    """
    with engine_of(ctx) as engine:
        made = engine.unsubscribe.link(customer, channel, purpose)
    if as_json:
        emit_json(
            {
                "customer": customer,
                "channel": channel,
                "purpose": purpose,
                "url": made.url,
                "expires_at": iso(made.expires_at),
                "headers": dict(made.headers),
            }
        )
        return
    say(made.url)
    for name, header in made.headers.items():
        say(f"{name}: {header}")


def build() -> typer.Typer:
    """The ``consent`` command group."""
    return command_group(
        "Record consent and read it back.\n\nNow or as of any past instant, with proof.",
        {"record": record, "show": show, "proof": proof, "history": history, "link": link},
    )
