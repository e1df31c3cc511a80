"""Options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="An ISO 8601 instant with offset, e.g. 2026-03-01T10:00:00+01:00."),
]
