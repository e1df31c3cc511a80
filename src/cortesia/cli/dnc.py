"""``cortesia dnc``: import do-not-call registry files, check a number, scrub a list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from cortesia.cli.context import engine_of
from cortesia.cli.options import AtOption, JsonOption, command_group, one_of
from cortesia.cli.output import emit_json, err, fail_line, say, table, view_rows
from cortesia.domain.registry import KNOWN_REGISTRIES, REGISTRY_FORMATS
from cortesia.domain.vocabulary import Channel, parse_channel
from cortesia.engine.dnc import finding_view, version_view
from cortesia.engine.instants import parse_instant
from cortesia.errors import ValidationError

REGISTRY_HELP = f"Registry: {one_of(KNOWN_REGISTRIES)}, or your own id (e.g. pe-gracias)."
RegistryOption = Annotated[str, typer.Option("--registry", metavar="REGISTRY", help=REGISTRY_HELP)]
ChannelOption = Annotated[
    str | None,
    typer.Option(
        metavar="CHANNEL", help=f"Only this channel's list: {one_of(Channel)} (default: any)."
    ),
]
_VERSION_COLUMNS = ("registry", "version", "snapshot_date", "kind", "numbers", "channels")
_FINDING_COLUMNS = ("registry", "listed", "listed_since", "snapshot_date", "version")


@contextmanager
def _progress_bar(description: str) -> Iterator[Progress]:
    console = err()
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        yield progress


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("as-of", value, "not a date YYYY-MM-DD") from None


def _channel(value: str | None) -> Channel | None:
    return None if value is None else parse_channel(value)


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Registry file (text, CSV or zip).")],
    registry: RegistryOption,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"{one_of(REGISTRY_FORMATS)} (default: ftc for us-dnc, else csv).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Snapshot date of the list, YYYY-MM-DD (default: today).",
        ),
    ] = None,
    changes: Annotated[
        bool,
        typer.Option(
            "--changes", help="The file is a change list: apply it to the newest version."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import a registry file as a new version.

    The file becomes the registry's next version, dated --as-of. The whole file is
    checked first; a bad row refuses it and nothing is stored.
    """
    with engine_of(ctx) as engine, _progress_bar(f"Reading {file.name}") as progress:
        task = progress.add_task(f"Reading {file.name}", total=None)
        version = engine.dnc.import_file(
            file,
            registry,
            fmt=fmt,
            as_of=_date(as_of),
            changes=changes,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if as_json:
        emit_json(version_view(version))
        return
    say(
        f"{version.registry_id} version {version.version}: {version.numbers:,} number(s), "
        f"snapshot {version.snapshot_date} ({version.kind}, from {version.source_name})"
    )


def check(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="Phone number, E.164 (+…).")],
    registry: Annotated[
        str | None, typer.Option("--registry", metavar="REGISTRY", help="Only this registry.")
    ] = None,
    at: AtOption = None,
    channel: ChannelOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a number against the registries.

    Says whether the number is listed in every registry (or the one named), since when,
    and which snapshot answered: the newest one dated on or before the day of --at (now).
    """
    moment = None if at is None else parse_instant(at, "at")
    with engine_of(ctx) as engine:
        findings = engine.dnc.check(number, registry, moment, _channel(channel))
    views = [finding_view(f) for f in findings]
    if as_json:
        emit_json({"number": views[0]["number"] if views else number, "registries": views})
        return
    if not views:
        say("No registry imported yet: cortesia dnc import FILE --registry REGISTRY")
        return
    table(f"{views[0]['number']}", _FINDING_COLUMNS, view_rows(views, _FINDING_COLUMNS))


def scrub(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV file with a number column.")],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write the marked CSV.")
    ],
    registry: Annotated[
        list[str] | None,
        typer.Option(
            "--registry",
            metavar="REGISTRY",
            help="Registry to mark against; repeatable (default: all).",
        ),
    ] = None,
    at: AtOption = None,
    channel: ChannelOption = None,
    column: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="The number column (default: number, phone…)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Mark every number of a CSV list.

    Writes a copy with one column dnc_REGISTRY (true/false) per registry. Numbers that
    cannot be read get empty marks and are reported.
    """
    moment = None if at is None else parse_instant(at, "at")
    with engine_of(ctx) as engine:
        report = engine.dnc.scrub(
            file, out, registry or (), at=moment, channel=_channel(channel), column=column
        )
    for problem in report.problems:
        fail_line(f"row {problem.row}: number={problem.value!r} not marked: {problem.reason}")
    document = {
        "file": str(report.source),
        "out": str(report.out),
        "rows": report.rows,
        "listed": report.listed,
        "unreadable": report.unreadable,
        "versions": {name: version_view(v) for name, v in report.versions.items()},
        "problems": [{"row": p.row, "value": p.value, "reason": p.reason} for p in report.problems],
    }
    if as_json:
        emit_json(document)
        return
    counts = ", ".join(f"{name} {count}" for name, count in report.listed.items())
    say(f"Marked {report.rows} row(s) into {report.out}: listed {counts}")
    if report.unreadable:
        say(f"{report.unreadable} number(s) could not be read and are not marked")


def list_(
    ctx: typer.Context,
    registry: Annotated[
        str | None, typer.Option("--registry", metavar="REGISTRY", help="Only this registry.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the imported registry versions."""
    with engine_of(ctx) as engine:
        views = [version_view(v) for v in engine.dnc.versions(registry)]
    if as_json:
        emit_json({"versions": views})
        return
    if not views:
        say("No registry imported yet: cortesia dnc import FILE --registry REGISTRY")
        return
    table(f"{len(views)} version(s)", _VERSION_COLUMNS, view_rows(views, _VERSION_COLUMNS))


def build() -> typer.Typer:
    """The ``dnc`` command group."""
    return command_group(
        "Do-not-call registries.\n\nImport registry snapshots, check numbers, scrub lists.",
        {"import": import_, "check": check, "scrub": scrub, "list": list_},
    )
