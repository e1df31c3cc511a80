"""Options shared by several commands, with help built from the vocabularies they accept."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

import typer

from cortesia.cli.usage import Command
from cortesia.domain.access import Scope
from cortesia.domain.consent import LAWFUL_BASES
from cortesia.domain.vocabulary import (
    ALL_PURPOSES,
    COLLECTIONS,
    MARKETING,
    PROFILING,
    SERVICE,
    THIRD_PARTY,
    Channel,
    ConsentKind,
    Source,
)
from cortesia.errors import ValidationError

INSTANT_HELP = "an ISO 8601 instant with offset, e.g. 2026-03-01T10:00:00+01:00"


def one_of(values: Iterable[str] | type[StrEnum]) -> str:
    """The accepted values as a comma-separated list (an enum's in declaration order)."""
    return ", ".join(str(v) for v in values)


# The help lists what the validators accept, taken from the same vocabularies.
CHANNEL_HELP = f"Channel: {one_of(Channel)} (all = every channel)."
PURPOSE_HELP = (
    f"Purpose: {one_of((MARKETING, SERVICE, THIRD_PARTY, PROFILING, COLLECTIONS, ALL_PURPOSES))} "
    "or a marketing topic in snake_case."
)
# An erasure also deletes data and suppresses contact points: `customers erase` does it.
RECORDABLE_KINDS = tuple(k for k in ConsentKind if k is not ConsentKind.ERASURE)
KIND_HELP = (
    f"What the event says: {one_of(RECORDABLE_KINDS)} "
    "(to erase a customer: cortesia customers erase)."
)
SOURCE_HELP = f"Where the consent was collected: {one_of(Source)}."
LAWFUL_BASIS_HELP = f"Lawful basis: {one_of(sorted(LAWFUL_BASES))}."
SCOPE_HELP = f"What the key may do: {one_of(Scope)}; repeatable."


def recordable_kind(value: str) -> str:
    """Check ``--kind`` against the kinds a caller may record; the engine parses it again."""
    name = value.strip().lower()
    if name == ConsentKind.ERASURE:
        raise ValidationError(
            "kind", value, "erasure is not recorded as an event; use cortesia customers erase"
        )
    if name not in RECORDABLE_KINDS:
        raise ValidationError("kind", value, f"unknown kind; use one of {one_of(RECORDABLE_KINDS)}")
    return value


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="INSTANT", help=f"As of this instant: {INSTANT_HELP}."),
]
CustomerArg = Annotated[str, typer.Argument(metavar="CUSTOMER", help="Customer id.")]
ChannelOption = Annotated[str, typer.Option(metavar="CHANNEL", help=CHANNEL_HELP)]
PurposeOption = Annotated[str, typer.Option(metavar="PURPOSE", help=PURPOSE_HELP)]


def command_group(help_text: str, commands: Mapping[str, Callable[..., Any]]) -> typer.Typer:
    """A group of sub-commands, built when the application is."""
    group = typer.Typer(help=help_text, no_args_is_help=True)
    for name, command in commands.items():
        group.command(name, cls=Command)(command)
    return group
