"""``cortesia clv``: customers' lifetime values, and what an opt-out puts at risk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from importlib.resources import as_file
from pathlib import Path
from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import emit_json, say, table
from cortesia.engine.instants import parse_day_or_instant
from cortesia.engine.lifetime_value import SubscriberColumns, TransactionColumns, ValueTerms
from cortesia.engine.samples import sample_folder
from cortesia.errors import ValidationError

MODELS = ("sbg", "bgnbd")
# The telco sample's customers file as a subscriber file: months of tenure, the churn
# flag and the monthly revenue per user as the margin of a period.
_SAMPLE_COLUMNS = SubscriberColumns("customer_id", "tenure", "churn", "arpu")


def fit(
    ctx: typer.Context,
    data: Annotated[
        Path | None, typer.Option("--data", metavar="FILE", help="Subscriber file or log.")
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            metavar="MODEL",
            help="sbg (contractual: a subscriber file) or bgnbd (non-contractual: a "
            "transaction log, with Gamma-Gamma for spend).",
        ),
    ] = "sbg",
    sample: Annotated[
        str | None, typer.Option("--sample", metavar="NAME", help="Fit a sample's customers.")
    ] = None,
    customer_col: Annotated[str, typer.Option(metavar="NAME", help="Customer id column.")] = (
        "customer_id"
    ),
    tenure_col: Annotated[str, typer.Option(metavar="NAME", help="sbg: periods held.")] = (
        "tenure"
    ),
    churned_col: Annotated[str, typer.Option(metavar="NAME", help="sbg: churned flag.")] = (
        "churned"
    ),
    margin_col: Annotated[str, typer.Option(metavar="NAME", help="sbg: margin a period.")] = (
        "margin"
    ),
    date_col: Annotated[str, typer.Option(metavar="NAME", help="bgnbd: purchase date.")] = "date",
    amount_col: Annotated[str, typer.Option(metavar="NAME", help="bgnbd: amount.")] = "amount",
    date_format: Annotated[str, typer.Option(metavar="FORMAT", help="bgnbd: strftime.")] = (
        "%Y-%m-%d"
    ),
    end: Annotated[
        str | None, typer.Option("--end", metavar="DATE", help="bgnbd: end of observation.")
    ] = None,
    discount: Annotated[
        float, typer.Option(metavar="RATE", help="Discount rate per period.")
    ] = 0.01,
    period_days: Annotated[
        float, typer.Option(metavar="DAYS", help="Length of a period in days.")
    ] = 365.25 / 12,
    horizon: Annotated[
        int | None, typer.Option(metavar="PERIODS", help="Count at most this many periods.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Value every customer (lifetime value).

    Keeps each customer's residual value, and measures on the control groups of the last
    90 days what being contactable is worth per segment and channel: together they give
    L, the value an opt-out erodes, which the decisions then use.
    """
    if model not in MODELS:
        raise ValidationError("model", model, f"must be one of {', '.join(MODELS)}")
    terms = ValueTerms(discount, period_days, horizon)
    with engine_of(ctx) as engine, _data(data, sample) as path:
        if model == "sbg":
            columns = (
                _SAMPLE_COLUMNS
                if sample
                else SubscriberColumns(customer_col, tenure_col, churned_col, margin_col)
            )
            found = engine.values.fit_subscribers(path, columns, terms)
        else:
            log = TransactionColumns(customer_col, date_col, amount_col, date_format)
            until = _day(end) if end else engine.clock.now().date()
            found = engine.values.fit_transactions(path, log, terms, until)
        found["contactability"] = engine.measure_contactability()
    if as_json:
        emit_json(found)
        return
    spread = found["residual_value"]
    say(
        f"{found['model']} v{found['version']}: {found['customers_valued']:,} customers valued "
        f"(of {found['customers_fitted']:,}); mean residual value {spread.get('mean', 0):,.2f}"
    )
    measured = found["contactability"]["per_day"]
    say(f"Contactability measured for {len(measured)} segment × channel pair(s).")


@contextmanager
def _data(data: Path | None, sample: str | None) -> Iterator[Path]:
    if (data is None) == (sample is None):
        raise ValidationError("data", data, "give exactly one of --data FILE or --sample NAME")
    if data is not None:
        yield data
        return
    with as_file(sample_folder(str(sample)).joinpath("customers.csv")) as path:
        yield path


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("end", text, "must be a date, YYYY-MM-DD") from None


def show(
    ctx: typer.Context,
    customer: Annotated[
        str | None, typer.Argument(metavar="CUSTOMER", help="A customer (else the model).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A value and its L, or the model.

    With CUSTOMER: their residual value and, per channel, the L of an opt-out there.
    Without: the latest fit, its parameters and the spread of values.
    """
    with engine_of(ctx) as engine:
        found: dict[str, Any] = (
            engine.customer_value(customer) if customer else engine.values.summary()
        )
    if as_json:
        emit_json(found)
        return
    eroded = found.pop("eroded_value", None)
    sources = found.pop("eroded_source", {})
    for key, value in found.items():
        say(f"{key}: {value}")
    if eroded:
        rows = [[c, round(v, 2), sources.get(c)] for c, v in eroded.items()]
        table("L: value eroded by a marketing opt-out", ["channel", "L", "from"], rows)


def measure(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(metavar="DAYS", help="Days of decisions read.")] = 90,
    until: Annotated[
        str | None, typer.Option("--at", metavar="WHEN", help="End of the period (now).")
    ] = None,
    min_control: Annotated[
        int, typer.Option(metavar="N", help="Fewest held-back offers to measure a group.")
    ] = 30,
    as_json: JsonOption = False,
) -> None:
    """Measure what being contactable is worth.

    Per segment and channel, on the control groups of the period: the incremental value
    contacts bring per customer and day. Decisions then use it for L.
    """
    if days < 1 or min_control < 1:
        raise ValidationError("days" if days < 1 else "min-control", min(days, min_control),
                              "must be at least 1")  # fmt: skip
    end = parse_day_or_instant(until, "at") if until else None
    with engine_of(ctx) as engine:
        found = engine.measure_contactability(days, min_control, end)
    if as_json:
        emit_json(found)
        return
    rows = [[k.replace("|", " × "), round(v, 4)] for k, v in found["per_day"].items()]
    table(f"Value of contactability per day, {found['from']} – {found['to']}",
          ["segment × channel", "per customer-day"], rows)  # fmt: skip


def build() -> typer.Typer:
    commands: dict[str, Callable[..., Any]] = {"fit": fit, "show": show, "measure": measure}
    return command_group("Lifetime values and L.", commands)
