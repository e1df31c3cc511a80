"""Reading lifetime-value inputs: transaction logs into RFM summaries, subscriber files.

A **transaction log** (one row per purchase: customer, date, amount) becomes, at an
observation end date and in a time unit (days or weeks), the summary BG/NBD and Gamma-Gamma
are fitted on — one row per customer:

- ``x``: repeat purchases — distinct purchase days after the first (purchases on one day
  are one purchase, their amounts summed);
- ``t_x``: time from the first to the last purchase day; ``T``: from the first purchase day
  to the observation end;
- ``monetary``: mean value of the repeat purchases (the first is left out, as it often
  differs in kind), 0 when there are none.

Purchases after the observation end are ignored. Logs come as CSV or as whitespace-aligned
text (the CDNOW files); columns are found by name, and files without a header are given
their column names.

A **subscriber file** (one row per customer: id, tenure in whole periods, churned flag,
optionally the margin per period) is read for the shifted-beta-geometric model. Flags may
be ``yes/no``, ``true/false``, ``y/n``, ``t/f`` or ``1/0`` in any case.

Every bad value is refused with its row (a header is row 1), as a
:class:`~cortesia.errors.BatchValidationError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import polars as pl

from cortesia.errors import BatchValidationError, FieldProblem, ValidationError

TimeUnit = Literal["days", "weeks"]
WHITESPACE = "whitespace"
_UNIT_DAYS = {"days": 1, "weeks": 7}
_TRUE = ("yes", "true", "y", "t", "1")
_FALSE = ("no", "false", "n", "f", "0")
_ROW = "__row"
_LINE = "__line"
_MAX_PROBLEMS = 20  # enough to see the pattern of a bad file without flooding the screen


def read_transactions(
    path: Path | str,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    date_format: str = "%Y-%m-%d",
    separator: str = ",",
    column_names: Sequence[str] | None = None,
) -> pl.DataFrame:
    """A transaction log as ``customer`` (text), ``date`` (Date), ``amount`` (Float64 ≥ 0).

    Parameters
    ----------
    separator : str
        One character, or ``"whitespace"`` for columns aligned with spaces.
    column_names : sequence of str, optional
        Names of the file's columns when it has no header row.
    """
    raw = _read_table(Path(path), separator, column_names)
    _require(raw, (customer_col, date_col, amount_col), Path(path))
    parsed = raw.select(
        pl.col(_ROW),
        pl.col(customer_col).str.strip_chars().alias("customer"),
        pl.col(date_col)
        .str.strip_chars()
        .str.strptime(pl.Date, date_format, strict=False)
        .alias("date"),
        pl.col(amount_col).str.strip_chars().cast(pl.Float64, strict=False).alias("amount"),
    )
    checks = [
        _bad(raw, parsed, customer_col, "customer", "must not be empty", pl.col("customer") != ""),
        _bad(raw, parsed, date_col, "date", f"must be a date like {date_format!r}", None),
        _bad(raw, parsed, amount_col, "amount", "must be a number ≥ 0", pl.col("amount") >= 0),
    ]
    _refuse([p for problems in checks for p in problems], Path(path))
    return parsed.drop(_ROW)


def rfm_summary(
    transactions: pl.DataFrame | pl.LazyFrame, *, observation_end: date, unit: TimeUnit = "weeks"
) -> pl.DataFrame:
    """One row per customer: ``customer, x, t_x, T, monetary`` (see the module docstring).

    ``transactions`` has the columns :func:`read_transactions` returns.
    """
    if isinstance(observation_end, datetime) or not isinstance(observation_end, date):
        raise ValidationError("observation_end", observation_end, "must be a date (no time)")
    if unit not in _UNIT_DAYS:
        raise ValidationError("unit", unit, f"must be one of {sorted(_UNIT_DAYS)}")
    frame = transactions.lazy()
    schema = frame.collect_schema()
    for column, kind in (("customer", pl.String), ("date", pl.Date), ("amount", pl.Float64)):
        if schema.get(column) != kind:
            raise ValidationError(column, schema.get(column), f"must be a {kind} column")
    days = float(_UNIT_DAYS[unit])
    daily = (
        frame.filter(pl.col("date") <= observation_end)
        .group_by("customer", "date")
        .agg(pl.col("amount").sum())
    )
    per_customer = daily.group_by("customer").agg(
        pl.col("date").min().alias("first"),
        pl.col("date").max().alias("last"),
        (pl.len() - 1).cast(pl.Int64).alias("x"),
        pl.col("amount").sum().alias("total"),
        pl.col("amount").sort_by("date").first().alias("first_amount"),
    )
    return (
        per_customer.select(
            "customer",
            "x",
            ((pl.col("last") - pl.col("first")).dt.total_days() / days).alias("t_x"),
            ((pl.lit(observation_end) - pl.col("first")).dt.total_days() / days).alias("T"),
            pl.when(pl.col("x") > 0)
            .then((pl.col("total") - pl.col("first_amount")) / pl.col("x"))
            .otherwise(0.0)
            .alias("monetary"),
        )
        .sort("customer")
        .collect()
    )


def read_subscribers(
    path: Path | str,
    *,
    customer_col: str = "customer_id",
    tenure_col: str = "tenure",
    churned_col: str = "churned",
    margin_col: str | None = "margin",
    separator: str = ",",
) -> pl.DataFrame:
    """A subscriber file as ``customer``, ``tenure`` (Int64), ``churned`` (Boolean), ``margin``.

    ``margin`` (Float64, the margin per period) is present when ``margin_col`` is given. A
    churned customer must have a tenure ≥ 1 (they stayed at least one period); a customer
    appears once.
    """
    raw = _read_table(Path(path), separator, None)
    wanted = [customer_col, tenure_col, churned_col, *([margin_col] if margin_col else [])]
    _require(raw, wanted, Path(path))
    flag = pl.col(churned_col).str.strip_chars().str.to_lowercase()
    columns = [
        pl.col(_ROW),
        pl.col(customer_col).str.strip_chars().alias("customer"),
        pl.col(tenure_col).str.strip_chars().cast(pl.Int64, strict=False).alias("tenure"),
        pl.when(flag.is_in(_TRUE)).then(True).when(flag.is_in(_FALSE)).then(False).alias("churned"),
    ]
    if margin_col:
        margin = pl.col(margin_col).str.strip_chars().cast(pl.Float64, strict=False)
        columns.append(margin.alias("margin"))
    parsed = raw.select(columns)
    problems = [
        *_bad(raw, parsed, customer_col, "customer", "must not be empty", pl.col("customer") != ""),
        *_bad(
            raw, parsed, tenure_col, "tenure", "must be a whole number ≥ 0", pl.col("tenure") >= 0
        ),
        *_bad(raw, parsed, churned_col, "churned", f"must be one of {_TRUE + _FALSE}", None),
        *_churned_at_zero(raw, parsed, tenure_col),
        *_repeated(parsed, customer_col),
    ]
    if margin_col:
        finite = pl.col("margin").is_finite()
        problems += _bad(raw, parsed, margin_col, "margin", "must be a finite number", finite)
    _refuse(problems, Path(path))
    return parsed.drop(_ROW)


def _read_table(path: Path, separator: str, names: Sequence[str] | None) -> pl.DataFrame:
    """Every column as text, with each row's number in the file."""
    first_row = 1 if names is not None else 2
    try:
        if separator == WHITESPACE:
            frame = _read_aligned(path, names)
        else:
            frame = pl.read_csv(
                path,
                separator=separator,
                has_header=names is None,
                new_columns=list(names) if names is not None else None,
                infer_schema=False,
            )
    except (OSError, pl.exceptions.PolarsError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValidationError("file", str(path), reason) from exc
    if frame.height == 0:
        raise ValidationError("file", str(path), "has no rows")
    return frame.with_row_index(_ROW, offset=first_row)


def _read_aligned(path: Path, names: Sequence[str] | None) -> pl.DataFrame:
    """Columns separated by runs of spaces or tabs (blank lines skipped)."""
    lines = pl.read_csv(
        path,
        has_header=False,
        new_columns=[_LINE],
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
    ).select(pl.col(_LINE).cast(pl.String).str.strip_chars().str.replace_all(r"\s+", " "))
    cells = lines.filter(pl.col(_LINE) != "")[_LINE].str.split(" ")
    if names is None:
        if cells.len() == 0:
            return pl.DataFrame()
        names, cells = list(cells[0]), cells.slice(1)
    widths = cells.list.len()
    if (widths != len(names)).any():
        row = int((widths != len(names)).arg_true()[0])
        raise ValidationError(
            "file", str(path), f"line {row + 1} does not have {len(names)} columns"
        )
    return pl.DataFrame({name: cells.list.get(i) for i, name in enumerate(names)})


def _require(raw: pl.DataFrame, columns: Sequence[str], path: Path) -> None:
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        found = ", ".join(c for c in raw.columns if c != _ROW)
        raise ValidationError(missing[0], str(path.name), f"no such column (found: {found})")


def _bad(
    raw: pl.DataFrame,
    parsed: pl.DataFrame,
    source: str,
    target: str,
    reason: str,
    valid: pl.Expr | None,
) -> list[FieldProblem]:
    """A problem for each row whose ``source`` cell did not parse or is not ``valid``."""
    ok = pl.col(target).is_not_null()
    if valid is not None:
        ok = ok & valid.fill_null(False)
    bad_rows = parsed.with_columns(raw[source].alias("__raw")).filter(~ok)
    return [
        FieldProblem(source, value, reason, row=row)
        for row, value in bad_rows.select(_ROW, "__raw").head(_MAX_PROBLEMS).iter_rows()
    ]


def _churned_at_zero(
    raw: pl.DataFrame, parsed: pl.DataFrame, tenure_col: str
) -> list[FieldProblem]:
    bad = parsed.filter(pl.col("churned").fill_null(False) & (pl.col("tenure") == 0))
    return [
        FieldProblem(tenure_col, 0, "a churned customer must have stayed ≥ 1 period", row=row)
        for row in bad[_ROW].head(_MAX_PROBLEMS)
    ]


def _repeated(parsed: pl.DataFrame, customer_col: str) -> list[FieldProblem]:
    again = parsed.filter(
        pl.col("customer").is_duplicated() & ~pl.col("customer").is_first_distinct()
    )
    return [
        FieldProblem(customer_col, customer, "appears on an earlier row", row=row)
        for row, customer in again.select(_ROW, "customer").head(_MAX_PROBLEMS).iter_rows()
    ]


def _refuse(problems: list[FieldProblem], path: Path) -> None:
    if problems:
        raise BatchValidationError(sorted(problems, key=lambda p: p.row or 0), what=path.name)
