"""``cortesia consent``: record events, show state now or in the past, prove it, link it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import AtOption, JsonOption, command_group
from cortesia.cli.output import emit_json, say, table, view_rows
from cortesia.domain.consent import EVIDENCE_FIELDS
from cortesia.engine.instants import iso, parse_instant
from cortesia.engine.views import append_view, event_view, proof_view, snapshot_view
from cortesia.errors import ValidationError

_STATE_COLUMNS = ("channel", "purpose", "status", "since", "until", "event_id")
_EVENT_COLUMNS = ("seq", "occurred_at", "channel", "purpose", "kind", "until", "source",
                  "event_id")

CustomerOption = Annotated[str, typer.Option("--customer", "-c", help="Customer id.")]
CustomerArg = Annotated[str, typer.Argument(metavar="CUSTOMER", help="Customer id.")]
ChannelOption = Annotated[str, typer.Option(help="sms, email, voice, push, whatsapp, in_app, "
                                                 "mail or all.")]
PurposeOption = Annotated[str, typer.Option(help="marketing, service, third_party, profiling, "
                                                 "all or a topic (snake_case).")]


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
    kind: Annotated[str, typer.Option(help="opt_in, opt_out, snooze, preference, "
                                           "double_opt_in_confirmed.")],
    source: Annotated[str, typer.Option(help="web, app, call_centre, pos, invoice, "
                                             "sms_keyword, api or import.")],
    until: Annotated[str | None, typer.Option(help="End of a snooze (ISO 8601).")] = None,
    evidence: Annotated[list[str] | None, typer.Option(
        help="Text, or url=/recording_id=/ip=/user_agent=/notice_version=; repeatable.")] = None,
    at: Annotated[str | None, typer.Option(help="When it happened (ISO 8601); now if not given.")]
    = None,
    key: Annotated[str | None, typer.Option(help="Idempotency key; a replay changes nothing.")]
    = None,
    lawful_basis: Annotated[str | None, typer.Option(help="e.g. consent, contract.")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="e.g. ES, US-FL.")] = None,
    actor: Annotated[str | None, typer.Option(help="Who recorded it.")] = None,
    value: Annotated[list[str] | None, typer.Option(
        help="Preference value key=value (e.g. max_per_week=2); repeatable.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Append one consent event to the ledger."""
    raw = {"customer_id": customer, "channel": channel, "purpose": purpose, "kind": kind,
           "source": source, "until": until, "occurred_at": at, "idempotency_key": key,
           "lawful_basis": lawful_basis, "jurisdiction": jurisdiction, "actor": actor,
           "evidence": _evidence(evidence or []), "values": _pairs(value or [], "value") or None}
    with engine_of(ctx) as engine:
        result = engine.consent.record({k: v for k, v in raw.items() if v is not None})
    if as_json:
        emit_json(append_view(result))
        return
    event = result.event
    verb = "Recorded" if result.created else "Replayed (already recorded, nothing changed)"
    say(f"{verb}: {event.kind.value} {event.channel.value}/{event.purpose} for "
        f"{event.customer_id} at {iso(event.occurred_at)} — event {event.event_id}")


def show(ctx: typer.Context, customer: CustomerArg, at: AtOption = None,
         as_json: JsonOption = False) -> None:
    """Consent of every channel × purpose with an event, now or as of --at."""
    with engine_of(ctx) as engine:
        view = snapshot_view(engine.consent.state(customer, _at(at)))
    if as_json:
        emit_json(view)
        return
    table(f"Consent of {customer} at {view['at']}", _STATE_COLUMNS,
          view_rows(view["consent"], _STATE_COLUMNS))
    for channel, values in view["preferences"].items():
        say(f"preferences ({channel}): " + ", ".join(f"{k}={v}" for k, v in values.items()))


def proof(ctx: typer.Context, customer: CustomerArg, at: AtOption = None,
          as_json: JsonOption = False) -> None:
    """A consent receipt: the state and every event behind it."""
    with engine_of(ctx) as engine:
        view = proof_view(engine.consent.proof(customer, _at(at)))
    if as_json:
        emit_json(view)
        return
    table(f"Events behind the consent of {customer} at {view['at']}", _EVENT_COLUMNS,
          view_rows(view["deciding_events"], _EVENT_COLUMNS))


def history(ctx: typer.Context, customer: CustomerArg, as_json: JsonOption = False) -> None:
    """Every consent event of a customer, in the order they occurred."""
    with engine_of(ctx) as engine:
        views = [event_view(e) for e in engine.consent.history(customer)]
    if as_json:
        emit_json({"customer": customer, "events": views})
        return
    table(f"Consent history of {customer}", _EVENT_COLUMNS, view_rows(views, _EVENT_COLUMNS))


def link(ctx: typer.Context, customer: CustomerArg, channel: ChannelOption = "email",
         purpose: PurposeOption = "marketing", as_json: JsonOption = False) -> None:
    """A signed one-click unsubscribe link and its two e-mail headers (RFC 8058)."""
    with engine_of(ctx) as engine:
        made = engine.unsubscribe.link(customer, channel, purpose)
    if as_json:
        emit_json({"customer": customer, "channel": channel, "purpose": purpose, "url": made.url,
                   "expires_at": iso(made.expires_at), "headers": dict(made.headers)})
        return
    say(made.url)
    for name, header in made.headers.items():
        say(f"{name}: {header}")


def build() -> typer.Typer:
    """The ``consent`` command group."""
    return command_group(
        "Record consent and read it back, now or as of any instant.",
        {"record": record, "show": show, "proof": proof, "history": history, "link": link},
    )
