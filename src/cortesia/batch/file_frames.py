"""Reading a customer file into a Polars frame, with errors a person can act on.

Polars' own messages describe its parser ("could not parse ... as dtype str"), so the
usual faults of hand-made files are recognised here and named instead: an empty file,
columns separated by another character than the one expected, a header naming a
column twice, and a quote that never closes (with its line).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cortesia.batch.customer_mapping import CustomerMapping
from cortesia.errors import ValidationError

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
    if not frame.columns:
        raise ValidationError("file", path.name, "the file is empty")
    if first_row == 2:
        _check_header(frame.columns, path, mapping)
    return frame, first_row


def _check_header(columns: list[str], path: Path, mapping: CustomerMapping) -> None:
    """Refuse a header split on the wrong character, or naming a column twice."""
    if len(columns) == 1:
        found = [d for d in _OTHER_DELIMITERS if d != mapping.delimiter and d in columns[0]]
        if found:
            shown = _DELIMITER_NAMES[found[0]]
            reason = (f"columns look separated by '{shown}': "
                      f'set delimiter = "{shown}" in a mapping file')
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
