"""Reading customer files (CSV or Parquet) into checked columns with Polars.

Everything here works on whole columns: attribute types are inferred or checked
with vectorised casts, repeated ids are found with one group-by. Only the cells
that fail are turned into Python problems. Contact points and codes are checked
row by row afterwards by ``engine.customer_intake``.

Row numbers are the ones the user sees: in a CSV file the header is row 1 and the
first customer row 2 (a spreadsheet's numbering); in a Parquet file the first
record is row 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cortesia.batch.customer_mapping import CANONICAL_FIELDS, REQUIRED_FIELDS, CustomerMapping
from cortesia.batch.file_frames import read_frame
from cortesia.domain.customers import AttributeType, AttributeValue
from cortesia.errors import FieldProblem, ValidationError

_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_ISO_DATE = "%Y-%m-%d"
_SHARED_VALUES = 10_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class CustomerTable:
    """A customer file as checked columns of Python values."""

    name: str
    rows: int
    first_row: int
    fields: dict[str, list[str | None]]
    attributes: dict[str, list[AttributeValue | None]]
    attribute_types: dict[str, AttributeType]
    sources: dict[str, str]
    list_separator: str
    problems: list[FieldProblem]


def _targets(columns: list[str], mapping: CustomerMapping, name: str) -> dict[str, str]:
    """File column -> canonical field or attribute name, with every layout error named."""
    present = set(columns)
    for column in [*mapping.columns, *sorted(mapping.ignore)]:
        if column not in present:
            raise ValidationError("column", column, f"named in the mapping but not in {name}")
    targets: dict[str, str] = {}
    fed_by: dict[str, str] = {}
    for column in columns:
        if column in mapping.ignore:
            continue
        target = mapping.target(column).strip()
        if not target:
            raise ValidationError("column", column, "has no name; name it or ignore it")
        if control := _CONTROL.search(target):
            reason = f"contains the control character U+{ord(control.group()):04X}; rename it"
            raise ValidationError("column", column, reason)
        other = fed_by.get(target)
        if other is not None:
            reason = (
                f"feeds {target!r}, and so does column {other!r}: "
                "rename or ignore one of them in the mapping"
            )
            raise ValidationError("column", column, reason)
        targets[column] = target
        fed_by[target] = column
    fed = set(targets.values()) | set(mapping.defaults)
    for required in REQUIRED_FIELDS:
        if required not in fed:
            raise ValidationError("column", required, f"required column missing from {name}")
    return targets


def _text(column: str) -> pl.Expr:
    """A column as stripped text, empty cells null."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def _native_type(dtype: pl.DataType) -> AttributeType | None:
    if dtype.is_numeric():
        return AttributeType.NUMBER
    if dtype == pl.Boolean:
        return AttributeType.BOOL
    if dtype == pl.Date:
        return AttributeType.DATE
    return None


def _infer_text(series: pl.Series) -> AttributeType:
    """The type every non-empty cell of a text column fits: true/false, a number, an ISO date."""
    values = series.str.strip_chars().drop_nulls()
    values = values.filter(values.str.len_chars() > 0)
    if values.is_empty():
        return AttributeType.STRING
    if values.str.to_lowercase().is_in(["true", "false"]).all():
        return AttributeType.BOOL
    if values.cast(pl.Float64, strict=False).is_finite().fill_null(False).all():
        return AttributeType.NUMBER
    if values.str.to_date(_ISO_DATE, strict=False).is_not_null().all():
        return AttributeType.DATE
    return AttributeType.STRING


def _infer(frame: pl.DataFrame, columns: list[str]) -> dict[str, AttributeType]:
    """The type new attributes get from their columns: the Polars dtype, or the text's shape."""
    types = {}
    for column in columns:
        series = frame[column]
        native = _native_type(series.dtype)
        types[column] = native or _infer_text(series.cast(pl.String))
    return types


def _convert(column: str, dtype: pl.DataType, kind: AttributeType) -> pl.Expr:
    """An expression giving the column's values as ``kind``; null where they do not fit."""
    native = {
        AttributeType.NUMBER: dtype.is_numeric(),
        AttributeType.BOOL: dtype == pl.Boolean,
        AttributeType.DATE: dtype == pl.Date,
    }.get(kind, dtype == pl.String)
    if native and kind is not AttributeType.STRING:
        expr = pl.col(column).cast(pl.Float64) if kind is AttributeType.NUMBER else pl.col(column)
    else:
        text = _text(column)
        if kind is AttributeType.NUMBER:
            expr = text.cast(pl.Float64, strict=False)
        elif kind is AttributeType.BOOL:
            lowered = text.str.to_lowercase()
            expr = pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False)
        elif kind is AttributeType.DATE:
            expr = text.str.to_date(_ISO_DATE, strict=False)
        else:
            expr = text
    if kind is AttributeType.NUMBER:
        expr = pl.when(expr.is_finite()).then(expr)
    return expr


def _python_values(series: pl.Series) -> list[AttributeValue | None]:
    """A column as Python values; repeated values share one object (attribute columns repeat a
    few values, and building a Python object per cell is what costs)."""
    distinct = series.unique()
    if series.dtype == pl.Float64 or len(distinct) > _SHARED_VALUES:
        return series.to_list()
    codes = series.replace_strict(distinct, pl.Series(range(len(distinct)), dtype=pl.UInt32))
    return list(map(distinct.to_list().__getitem__, codes.to_list()))


def _type_problems(
    raw: pl.Series,
    given: pl.Series,
    values: pl.Series,
    name: str,
    kind: AttributeType,
    first_row: int,
) -> list[FieldProblem]:
    bad = (given & values.is_null()).arg_true()
    column = raw.name
    cells = raw.gather(bad).to_list()
    reason = f"is not a {kind.value}" + (" (YYYY-MM-DD)" if kind is AttributeType.DATE else "")
    reason += f"; attribute {name!r} holds {kind.value} values"
    return [
        FieldProblem(column, value, reason, row=index + first_row)
        for index, value in zip(bad.to_list(), cells, strict=True)
    ]


def _nul_problems(raw: pl.Series, first_row: int) -> list[FieldProblem]:
    """Text cells holding NUL, which no store keeps (tabs and line breaks are fine in text)."""
    text = raw.cast(pl.String)
    bad = text.str.contains("\x00", literal=True).fill_null(False).arg_true()
    reason = "contains the control character U+0000; remove it"
    return [
        FieldProblem(raw.name, value, reason, row=index + first_row)
        for index, value in zip(bad.to_list(), text.gather(bad).to_list(), strict=True)
    ]


def _attribute_columns(
    frame: pl.DataFrame,
    targets: Mapping[str, str],
    mapping: CustomerMapping,
    known: Mapping[str, AttributeType],
    first_row: int,
) -> tuple[dict[str, list[AttributeValue | None]], dict[str, AttributeType], list[FieldProblem]]:
    """Attribute columns as typed values; every cell that does not fit its type is a problem.

    All columns are converted in one ``select`` so Polars spreads them over the cores."""
    columns = {c: n for c, n in targets.items() if n not in CANONICAL_FIELDS}
    declared = {c: known.get(n) or mapping.attributes.get(n) for c, n in columns.items()}
    inferred = _infer(frame, [c for c, kind in declared.items() if kind is None])
    kinds = {c: declared[c] or inferred[c] for c in columns}
    converted = frame.select([_convert(c, frame[c].dtype, kinds[c]).alias(c) for c in columns])
    given = frame.select([_text(c).is_not_null().alias(c) for c in columns])
    filled = given.select(pl.all().sum()).row(0, named=True) if columns else {}
    kept = converted.select(pl.all().count()).row(0, named=True) if columns else {}
    problems: list[FieldProblem] = []
    for c, name in columns.items():
        if filled[c] != kept[c]:
            problems += _type_problems(frame[c], given[c], converted[c], name, kinds[c], first_row)
        if kinds[c] is AttributeType.STRING:
            problems += _nul_problems(frame[c], first_row)
    values = {n: _python_values(converted[c]) for c, n in columns.items()}
    return values, {n: kinds[c] for c, n in columns.items()}, problems


def _field_columns(
    frame: pl.DataFrame, targets: Mapping[str, str], mapping: CustomerMapping
) -> dict[str, list[str | None]]:
    by_field = {name: column for column, name in targets.items() if name in CANONICAL_FIELDS}
    exprs = []
    for field in CANONICAL_FIELDS:
        column = by_field.get(field)
        expr = _text(column) if column is not None else pl.lit(None, dtype=pl.String)
        if field in mapping.defaults:
            expr = expr.fill_null(pl.lit(mapping.defaults[field]))
        exprs.append(expr.alias(field))
    selected = frame.select(exprs)
    return {field: selected[field].to_list() for field in CANONICAL_FIELDS}


def _repeated_ids(ids: list[str | None], column: str, first_row: int) -> list[FieldProblem]:
    frame = pl.DataFrame({"id": ids}, schema={"id": pl.String}).with_row_index("i")
    repeated = frame.filter(pl.col("id").is_not_null() & pl.col("id").is_duplicated())
    first: dict[str, int] = {}
    problems = []
    for index, value in repeated.iter_rows():
        if value in first:
            reason = f"repeats the customer of row {first[value] + first_row}"
            problems.append(FieldProblem(column, value, reason, row=index + first_row))
        else:
            first[value] = index
    return problems


def read_customer_file(
    path: Path, mapping: CustomerMapping, known_types: Mapping[str, AttributeType]
) -> CustomerTable:
    """Read and column-check a customer file; layout errors raise, cell errors are listed."""
    frame, first_row = read_frame(path, mapping)
    targets = _targets(frame.columns, mapping, path.name)
    fields = _field_columns(frame, targets, mapping)
    attributes, types, problems = _attribute_columns(
        frame, targets, mapping, known_types, first_row
    )
    sources = {name: column for column, name in targets.items()}
    id_column = sources.get("customer_id", "customer_id")
    problems += _repeated_ids(fields["customer_id"], id_column, first_row)
    return CustomerTable(
        name=path.name,
        rows=frame.height,
        first_row=first_row,
        fields=fields,
        attributes=attributes,
        attribute_types=types,
        sources=sources,
        list_separator=mapping.list_separator,
        problems=problems,
    )
