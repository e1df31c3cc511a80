"""Reading a customer file into a Polars frame, with errors a person can act on.

Polars' own messages describe its parser ("could not parse ... as dtype str"), so the
usual faults of hand-made files are recognised here and named instead: an empty file,
columns separated by another character than the one expected, a header naming a
column twice, a quote that never closes (with its line), and rows with more cells
than the header (every one of them, with its row number).
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from cortesia.batch.customer_mapping import CustomerMapping
from cortesia.errors import BatchValidationError, FieldProblem, ValidationError

_OTHER_DELIMITERS = (";", "\t", "|")
_DELIMITER_NAMES = {";": ";", "\t": "\\t", "|": "|"}


def _reason(error: Exception) -> str:
    """The first line of an error, without Polars' advice about schemas."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def unbalanced_quote_line(path: Path, quote: bytes = b'"') -> int | None:
    """The line where a quoted cell opens and never closes; None when every quote closes.

    A record goes on over the next line while its count of quotes is odd (a doubled
    quote inside a cell counts two, so it never changes the parity).
    """
    opened: int | None = None
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.count(quote) % 2:
                opened = number if opened is None else None
    return opened


def ragged_rows(path: Path, delimiter: str = ",") -> list[FieldProblem]:
    """A problem for every row whose count of cells differs from the header's.

    Rows are numbered as everywhere else in a CSV file: the header is row 1. Blank
    lines have no cells to count (Polars reads them as empty rows) and are left alone.
    """
    problems: list[FieldProblem] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        records = csv.reader(handle, delimiter=delimiter)
        header = next((r for r in records if r), [])
        for number, cells in enumerate(records, start=2):
            if cells and len(cells) != len(header):
                cells_text = f"{len(cells)} cell" + ("s" if len(cells) > 1 else "")
                reason = f"has {cells_text}, the header has {len(header)}"
                problems.append(FieldProblem("file", path.name, reason, row=number))
    return problems


def _refuse_ragged(path: Path, delimiter: str) -> None:
    """Polars stops at the first row with too many cells, without saying which: name them all."""
    try:
        problems = ragged_rows(path, delimiter)
    except (csv.Error, UnicodeDecodeError):
        return  # the file's other fault is reported instead
    if problems:
        raise BatchValidationError(problems, what=path.name)


def _read_csv(path: Path, mapping: CustomerMapping) -> pl.DataFrame:
    try:
        return pl.read_csv(
            path, infer_schema=False, separator=mapping.delimiter, raise_if_empty=False
        )
    except pl.exceptions.ComputeError as error:
        if "not properly escaped" in str(error):
            line = unbalanced_quote_line(path)
            where = f"line {line}" if line is not None else "a row"
            reason = f"{where} cannot be read: unbalanced quote (a '\"' that never closes)"
            raise ValidationError("file", path.name, reason) from None
        if "more fields than defined" in str(error):
            _refuse_ragged(path, mapping.delimiter)
        if "utf-8" in str(error).lower():
            reason = "cannot be read: it is not UTF-8 text (save it as UTF-8)"
            raise ValidationError("file", path.name, reason) from None
        raise


def read_frame(path: Path, mapping: CustomerMapping) -> tuple[pl.DataFrame, int]:
    """The file as a frame of its own columns, and the row number of its first record."""
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            frame, first_row = pl.read_parquet(path), 1
        elif suffix in {".csv", ".txt"}:
            frame, first_row = _read_csv(path, mapping), 2
        else:
            raise ValidationError("file", path.name, "must be a .csv or .parquet file")
    except FileNotFoundError:
        raise ValidationError("file", str(path), "does not exist") from None
    except (pl.exceptions.PolarsError, OSError) as error:
        raise ValidationError("file", path.name, f"cannot be read: {_reason(error)}") from None
    if not frame.columns or (first_row == 2 and _blank(frame)):
        raise ValidationError("file", path.name, "the file is empty")
    if first_row == 2:
        _check_header(frame.columns, path, mapping)
    return frame, first_row


def _blank(frame: pl.DataFrame) -> bool:
    """True for a CSV file of spaces and line breaks only (Polars makes a header of them)."""
    if any(column.strip() for column in frame.columns):
        return False
    cells = frame.select(pl.all().str.strip_chars().str.len_chars().fill_null(0).max())
    return not any(cells.row(0)) if frame.height else True


def _check_header(columns: list[str], path: Path, mapping: CustomerMapping) -> None:
    """Refuse a header split on the wrong character, or naming a column twice."""
    if len(columns) == 1:
        found = [d for d in _OTHER_DELIMITERS if d != mapping.delimiter and d in columns[0]]
        if found:
            shown = _DELIMITER_NAMES[found[0]]
            reason = (
                f"columns look separated by '{shown}': "
                f'set delimiter = "{shown}" in a mapping file'
            )
            raise ValidationError("file", path.name, reason)
    # Polars renames the second column of a repeated name to ``<name>_duplicated_0``.
    if any("_duplicated_" in c for c in columns):
        _refuse_repeated(path, mapping)


def _refuse_repeated(path: Path, mapping: CustomerMapping) -> None:
    """Polars renamed a repeated column; read the header as written to name it."""
    header = pl.read_csv(
        path, has_header=False, n_rows=1, infer_schema=False, separator=mapping.delimiter
    ).row(0)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            reason = "appears twice in the header; rename or remove one of them"
            raise ValidationError("column", name, reason)
        seen.add(name)
