"""``cortesia policy``: may we contact them? Every reason, with the law it comes from."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import (
    AtOption,
    ChannelOption,
    JsonOption,
    PurposeOption,
    command_group,
    one_of,
)
from cortesia.cli.output import emit_json, say, table
from cortesia.domain.vocabulary import ConsentStatus, parse_channel, parse_purpose
from cortesia.engine.instants import iso, parse_instant, parse_wall_instant
from cortesia.engine.policy import ActionRef
from cortesia.engine.policy_views import (
    company_view,
    pack_view,
    reservation_view,
    verdict_view,
)
from cortesia.errors import ValidationError

CustomerOption = Annotated[str, typer.Option("--customer", metavar="CUSTOMER", help="Customer id.")]
ActionOption = Annotated[str | None, typer.Option("--action", metavar="ACTION", help="Action id.")]
GroupOption = Annotated[
    str | None,
    typer.Option("--action-group", metavar="GROUP", help="Action group, e.g. sales/data_packs."),
]
CategoryOption = Annotated[
    str | None,
    typer.Option("--category", metavar="CATEGORY", help="Action category, e.g. sales or service."),
]
SubjectOption = Annotated[
    str | None,
    typer.Option(
        "--subject",
        metavar="SUBJECT",
        help="Subject matter (default: the action group, else purpose).",
    ),
]
InboundOption = Annotated[
    bool, typer.Option("--inbound", help="The customer started this contact (inbound).")
]
ReserveOption = Annotated[
    bool,
    typer.Option("--reserve", help="When allowed, hold the slot until confirmed or expired."),
]
CountryOption = Annotated[
    str, typer.Option("--country", metavar="COUNTRY", help="ISO 3166-1 country, e.g. CO.")
]
SubdivisionOption = Annotated[
    str | None,
    typer.Option(
        "--subdivision", metavar="SUBDIVISION", help="ISO 3166-2 subdivision, e.g. US-FL."
    ),
]
ZoneOption = Annotated[
    str | None,
    typer.Option(
        "--time-zone", metavar="ZONE", help="IANA zone of the person (default: from the place)."
    ),
]
ConsentOption = Annotated[
    str,
    typer.Option(
        "--consent",
        metavar="STATUS",
        help=f"What the person told us: {one_of(ConsentStatus)} (default unknown).",
    ),
]
WhenOption = Annotated[
    str,
    typer.Option(
        "--at", metavar="INSTANT", help="The instant, with the offset of the local time meant."
    ),
]
CountryArg = Annotated[str, typer.Argument(metavar="COUNTRY", help="ISO 3166-1 country.")]


def render_verdict(view: dict[str, Any]) -> None:
    """The verdict, then one row per reason."""
    if view["allowed"]:
        say("ALLOWED", "bold green")
    else:
        say("DENIED", "bold red")
    rows = [
        [r["layer"], r["rule"], "yes" if r["allowed"] else "NO", r["detail"], r["citation"] or ""]
        for r in view["reasons"]
    ]
    table("Reasons", ["layer", "rule", "allows", "detail", "citation"], rows)
    held = view.get("reservation")
    if held:
        say(f"Reserved as contact {held['contact_id']} until {held['expires_at']}")


def check(
    ctx: typer.Context,
    customer: CustomerOption,
    channel: ChannelOption,
    purpose: PurposeOption,
    action: ActionOption = None,
    action_group: GroupOption = None,
    category: CategoryOption = None,
    subject: SubjectOption = None,
    inbound: InboundOption = False,
    at: AtOption = None,
    reserve: ReserveOption = False,
    as_json: JsonOption = False,
) -> None:
    """Is a contact allowed? Every reason.

    Checks one customer, channel and purpose, now or --at, against consent, registries,
    the country's pack and the company policy; --reserve holds the slot when allowed.
    """
    moment = parse_instant(at, "at") if at else None
    ref = ActionRef(action, action_group, category, subject)
    chan, aim = parse_channel(channel), parse_purpose(purpose)
    direction = "inbound" if inbound else "outbound"
    with engine_of(ctx) as engine:
        when = moment or engine.clock.now()
        context = {"customer": customer, "channel": chan.value, "purpose": aim, "at": iso(when)}
        if reserve:
            held = engine.policy.reserve(customer, chan, aim, when, ref, direction)
            view = reservation_view(held, **context)
        else:
            verdict = engine.policy.check(customer, chan, aim, when, ref, direction)
            view = verdict_view(verdict, **context)
    emit_json(view) if as_json else render_verdict(view)


def legal(
    ctx: typer.Context,
    country: CountryOption,
    channel: ChannelOption,
    purpose: PurposeOption,
    at: WhenOption,
    subdivision: SubdivisionOption = None,
    time_zone: ZoneOption = None,
    consent: ConsentOption = "unknown",
    as_json: JsonOption = False,
) -> None:
    """The law of a place at a local time.

    The bare legal check, without a customer: --at carries the offset of the local time
    meant; --consent says what the person told us.
    """
    moment = parse_wall_instant(at, "at")
    status = {s.value: s for s in ConsentStatus}.get(consent.strip().lower())
    if status is None:
        raise ValidationError("consent", consent, f"use one of {one_of(ConsentStatus)}")
    chan, aim = parse_channel(channel), parse_purpose(purpose)
    with engine_of(ctx) as engine:
        verdict = engine.policy.legal(country, chan, aim, moment, subdivision, time_zone, status)
    context = {
        "country": country.upper(),
        "subdivision": subdivision,
        "channel": chan.value,
        "purpose": aim,
        "at": moment.isoformat(),
    }
    view = verdict_view(verdict, **context)
    emit_json(view) if as_json else render_verdict(view)


def pack(ctx: typer.Context, country: CountryArg, as_json: JsonOption = False) -> None:
    """Print a country's pack, with citations.

    Every rule with its values, citation, confidence and review flag.
    """
    with engine_of(ctx) as engine:
        view = pack_view(engine.policy.pack(country))
    if as_json:
        emit_json(view)
        return
    say(f"{view['name']} ({view['country']}) pack {view['version']}", "bold")
    say(f"Sources: {view['sources']}")
    for rule in view["rules"]:
        flag = " [needs review]" if rule["needs_review"] else ""
        say(f"\n{rule['id']} · {rule['kind']} · {rule['confidence']}{flag}", "bold")
        say(f"  {rule['title']}")
        say(f"  channels {', '.join(rule['channels'])}; purposes {', '.join(rule['purposes'])}")
        for key in (
            "hours",
            "holidays",
            "need",
            "window",
            "limit",
            "max_channels",
            "registry",
            "max_snapshot_age_days",
            "effect_delay_days",
            "text",
            "deadline_days",
        ):
            if rule.get(key) not in (None, False):
                say(f"  {key}: {rule[key]}")
        for exemption in rule["exemptions"]:
            say(f"  exemption: {_exemption_text(exemption)}")
        say(f"  citation: {rule['citation']}")
        if rule["note"]:
            say(f"  note: {rule['note']}")


def _exemption_text(exemption: dict[str, Any]) -> str:
    limits = [
        f"{key.replace('_', ' ')} {value}"
        for key, value in exemption.items()
        if key not in ("kind", "citation")
    ]
    shown = str(exemption["kind"]) + (f" ({', '.join(limits)})" if limits else "")
    return shown + (f" — {exemption['citation']}" if "citation" in exemption else "")


def packs(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the jurisdiction packs shipped."""
    with engine_of(ctx) as engine:
        views = [pack_view(engine.policy.pack(c)) for c in engine.policy.countries()]
    rows = [
        {
            "country": v["country"],
            "name": v["name"],
            "version": v["version"],
            "rules": len(v["rules"]),
        }
        for v in views
    ]
    if as_json:
        emit_json({"packs": rows})
    else:
        table(
            "Jurisdiction packs",
            ["country", "name", "version", "rules"],
            [list(r.values()) for r in rows],
        )


def company(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the company policy in force.

    With its version and the SHA-256 of its file.
    """
    with engine_of(ctx) as engine:
        view = company_view(engine.policy.company())
    if as_json:
        emit_json(view)
        return
    say(f"{view['name']} version {view['version']} ({view['digest'] or 'built in'})", "bold")
    for key in ("caps", "cool_offs", "windows"):
        for item in view[key]:
            say(f"  {key[:-1]} {item['id']}: {item}")


def build() -> typer.Typer:
    """The ``policy`` command group."""
    return command_group(
        "Ask if a contact is allowed, and why.",
        {"check": check, "legal": legal, "pack": pack, "packs": packs, "company": company},
    )
