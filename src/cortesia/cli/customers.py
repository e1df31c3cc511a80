"""``cortesia customers``: import, list, show and erase customers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cortesia.cli.context import engine_of
from cortesia.cli.options import CustomerArg, JsonOption, command_group
from cortesia.cli.output import BAD_INPUT, emit_json, err, fail, say, table, view_rows
from cortesia.engine.customers import MAX_LIST, customer_view

_LIST_COLUMNS = (
    "customer_id",
    "country",
    "subdivision",
    "time_zone",
    "language",
    "phones",
    "emails",
)


@contextmanager
def _progress_bar() -> Iterator[Progress]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    console = err()
    # Only a terminal gets a bar; logs and pipes would keep its leftovers.
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        yield progress


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV or Parquet file of customers.")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Mapping file (TOML) for layouts other than the canonical one."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import customers from a CSV or Parquet file.

    Rows are upserted by customer_id; a file with any bad row is rejected whole.
    Customers with a contact point that an erasure suppressed are counted as suppressed:
    those points are never contacted.
    """
    with engine_of(ctx) as engine, _progress_bar() as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)
        report = engine.customers.import_file(
            file,
            mapping=mapping,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    document = {
        "file": str(file),
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "suppressed": report.suppressed,
    }
    if as_json:
        emit_json(document)
        return
    say(
        f"Imported {report.rows} row(s) from {file}: {report.created} created, "
        f"{report.updated} updated, {report.suppressed} with suppressed contact points"
    )


def list_(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option(metavar="N", min=1, max=MAX_LIST, help="How many customers per page.")
    ] = 50,
    after: Annotated[
        str | None,
        typer.Option(metavar="CUSTOMER", help="Start after this customer id (the next page)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List customers in id order, a page at a time."""
    with engine_of(ctx) as engine:
        page = engine.customers.list(limit=limit, after=after)
        # A full page may be the last one: peek one further so "more" is never a false promise.
        last = page[-1].customer_id if len(page) == limit else None
        next_after = last if last and engine.customers.list(limit=1, after=last) else None
    views = [customer_view(c) for c in page]
    if as_json:
        emit_json({"customers": views, "next_after": next_after})
        return
    table(f"{len(views)} customer(s)", _LIST_COLUMNS, view_rows(views, _LIST_COLUMNS))
    if next_after is not None:
        say(f"showing {len(views)}; more after {next_after}: --after {next_after}")


def show(
    ctx: typer.Context,
    customer_id: CustomerArg,
    as_json: JsonOption = False,
) -> None:
    """Show one stored customer.

    Contact points on the erasure suppression list are marked as suppressed.
    """
    with engine_of(ctx) as engine:
        customer = engine.customers.get(customer_id)
        view = customer_view(customer, engine.customers.suppressed_points(customer))
    if as_json:
        emit_json(view)
        return
    cells = view_rows([view], list(view))[0]
    table(f"Customer {customer_id}", ("field", "value"), zip(view, cells, strict=True))


def erase(
    ctx: typer.Context,
    customer_id: CustomerArg,
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
    actor: Annotated[
        str | None, typer.Option(metavar="ACTOR", help="Who asked for the erasure.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Erase a customer's personal data for good.

    Their consent events stay (blanked) and their contact points stay suppressed.
    """
    if not yes:
        if not sys.stdin.isatty():
            raise fail("customers erase needs --yes when input is not a terminal", BAD_INPUT)
        typer.confirm(f"Erase customer {customer_id} for good?", abort=True)
    with engine_of(ctx) as engine:
        receipt = engine.erase(customer_id, actor=actor)
    document = {
        "customer_id": receipt.customer_id,
        "events_blanked": receipt.events_blanked,
        "contact_points_suppressed": receipt.contact_points_suppressed,
        "contacts_deleted": receipt.contacts_deleted,
        "erasure_event_id": receipt.erasure_event_id,
    }
    if as_json:
        emit_json(document)
        return
    say(
        f"Erased customer {customer_id}: {receipt.events_blanked} event(s) blanked, "
        f"{receipt.contact_points_suppressed} contact point(s) suppressed, "
        f"{receipt.contacts_deleted} contact(s) deleted "
        f"(erasure event {receipt.erasure_event_id})"
    )


def build() -> typer.Typer:
    """The ``customers`` command group."""
    return command_group(
        "Import, list, show and erase customers.",
        {"import": import_, "list": list_, "show": show, "erase": erase},
    )
