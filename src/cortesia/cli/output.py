"""Rendering for the command line: one JSON document, Rich tables, and error lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from cortesia.errors import (
    BatchValidationError,
    ConflictError,
    CortesiaError,
    FieldProblem,
    ValidationError,
)

_INSTANT = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?([+-]\d\d:\d\d|Z)$")

BAD_INPUT = 2
FAILURE = 1
_PIPE_WIDTH = 10_000  # wide enough that no cell is ever wrapped for a file or a pipe


def out() -> Console:
    """Console on stdout, made per call so test runners' swapped streams are used."""
    return Console(highlight=False, soft_wrap=True)


def err() -> Console:
    """Console on stderr for progress, errors and hints."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(document: object) -> None:
    """Print exactly one JSON document on stdout."""
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))


def say(text: str, style: str | None = None) -> None:
    """One human line on stdout (markup off: data may hold brackets)."""
    out().print(text, style=style, markup=False)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A Rich table on stdout; ``None`` cells print as a dash.

    A terminal gets a table that fits its width; a pipe or file gets every cell on
    one line (the table takes its natural width), so ``grep`` and ``cut`` still work.
    """
    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*("-" if cell is None else str(cell) for cell in row))
    console = out()
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=True, width=_PIPE_WIDTH)
    console.print(grid)


def fail_line(message: str) -> None:
    """Print ``message`` as one red ``error:`` line on stderr."""
    err().print(f"error: {message}", style="red", markup=False)


def fail(message: str, code: int = FAILURE) -> typer.Exit:
    """Print ``message`` as one red line on stderr; return the Exit to raise."""
    fail_line(message)
    return typer.Exit(code)


def _problem_line(problem: FieldProblem) -> str:
    where = f"row {problem.row}: " if problem.row is not None else ""
    return f"{where}{problem.field}={problem.value!r} is refused: {problem.reason}"


def report_error(error: CortesiaError | OSError) -> int:
    """Print an error the way the CLI always does and return its exit code."""
    console = err()
    if isinstance(error, BatchValidationError):
        for problem in error.problems:
            console.print(f"error: {_problem_line(problem)}", style="red", markup=False)
        console.print(f"error: {error}", style="red", markup=False)
        return BAD_INPUT
    if isinstance(error, ValidationError | ConflictError):
        console.print(f"error: {_problem_line(error.problem)}", style="red", markup=False)
        return BAD_INPUT
    if isinstance(error, OSError):
        name = f" {error.filename}" if error.filename else ""
        reason = error.strerror or str(error)
        console.print(f"error: cannot use file{name}: {reason}", style="red", markup=False)
        return BAD_INPUT if isinstance(error, FileNotFoundError) else FAILURE
    console.print(f"error: {error}", style="red", markup=False)
    return FAILURE


def view_rows(items: Iterable[dict[str, Any]], keys: Sequence[str]) -> list[list[object]]:
    """Rows of a table from JSON-ready views, in ``keys`` order."""
    return [[_cell(item.get(key)) for key in keys] for item in items]


def _cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or None
    if isinstance(value, str) and (moment := _INSTANT.match(value)):
        # Tables show instants to the second; --json keeps them exact.
        return " ".join(moment.groups())
    return value
