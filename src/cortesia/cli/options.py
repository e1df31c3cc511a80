"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

import typer

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="An ISO 8601 instant with offset, e.g. 2026-03-01T10:00:00+01:00."),
]


def command_group(help_text: str, commands: Mapping[str, Callable[..., Any]]) -> typer.Typer:
    """A group of sub-commands, built when the application is."""
    group = typer.Typer(help=help_text, no_args_is_help=True)
    for name, command in commands.items():
        group.command(name)(command)
    return group
