"""The generic registry CSV: one number per row, optionally per channel and dated.

Columns (header row, any order, case-blind; other columns are ignored):

- ``number`` (or ``phone``, ``e164``, ``msisdn``): E.164 (``+573001234567``) or the
  registry country's national form (``300 123 4567`` for ``co-rne``);
- ``channel`` (optional): ``sms``, ``voice`` (or ``call``/``calls``), ``email``,
  ``whatsapp``, ``push``, ``in_app``, ``mail``, ``all``; empty = every channel;
- ``added`` (optional): the day the number was listed, ``YYYY-MM-DD``;
- ``removed`` (optional): the day it left the list. In a change list such a row
  removes the number; in a full list the row is skipped (the number is not listed).

Rows are numbered as in every CSV file of Cortesía: the header is row 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import phonenumbers
import polars as pl
from numpy.typing import NDArray

from cortesia.adapters.dnc.builder import distinct, last_wins
from cortesia.adapters.dnc.keys import EPOCH, LAST_DAY
from cortesia.adapters.dnc.parsed import (
    ALL_CHANNELS,
    MAX_PROBLEMS,
    ChannelList,
    ParsedSource,
    Progress,
    file_sha256,
    members,
    no_progress,
    refuse,
)
from cortesia.domain.vocabulary import Channel
from cortesia.errors import FieldProblem, ValidationError

NUMBER_COLUMNS = ("number", "phone", "e164", "msisdn")
CHANNEL_ALIASES = {"call": "voice", "calls": "voice", "": ALL_CHANNELS}
_E164 = r"^\+[1-9][0-9]{6,14}$"


class _Rows:
    """Problems found while reading one file, each with its row number."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[FieldProblem] = []

    def add(self, field: str, value: object, reason: str, index: int) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(FieldProblem(field, value, reason, row=index + 2))

    def check(self) -> None:
        if self.problems:
            raise refuse(sorted(self.problems, key=lambda p: p.row or 0), self.where)


def _frame(data: bytes, where: str) -> pl.DataFrame:
    try:
        frame = pl.read_csv(data, infer_schema=False, raise_if_empty=False)
    except pl.exceptions.PolarsError as error:
        reason = f"cannot be read as CSV: {str(error).splitlines()[0]}"
        raise ValidationError("file", where, reason) from None
    return frame.rename({c: c.strip().lower() for c in frame.columns})


def _number_column(frame: pl.DataFrame, where: str) -> str:
    for name in NUMBER_COLUMNS:
        if name in frame.columns:
            return name
    reason = (
        f"needs a number column (one of {', '.join(NUMBER_COLUMNS)}); header has {frame.columns}"
    )
    raise ValidationError("file", where, reason)


def _national_key(value: str, region: str | None) -> int | str:
    """The key of a number not written in E.164, or why it cannot be read."""
    if "@" in value:
        return "e-mail addresses are not supported: registries here hold phone numbers"
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        where = f" for {region}" if region else " (no default country: write it in E.164)"
        return f"not a phone number{where}"
    if not phonenumbers.is_possible_number(number):
        return "not a possible phone number (wrong length)"
    return int(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])


def _keys(
    column: pl.Series, region: str | None, blank: NDArray[np.bool_], rows: _Rows
) -> NDArray[np.int64]:
    text = column.str.strip_chars().fill_null("")
    e164 = text.str.contains(_E164).to_numpy()
    keys = np.zeros(len(text), np.int64)
    keys[e164] = text.filter(pl.Series(e164)).str.slice(1).cast(pl.Int64).to_numpy()
    for index in np.flatnonzero(~e164 & ~blank):
        value = text[int(index)]
        key = _national_key(value, region) if value else "empty: every row needs a number"
        if isinstance(key, str):
            rows.add(column.name, value, key, int(index))
        else:
            keys[index] = key
    return keys


def _channels(frame: pl.DataFrame, rows: _Rows) -> NDArray[np.str_]:
    if "channel" not in frame.columns:
        return np.full(frame.height, ALL_CHANNELS)
    names = frame["channel"].str.strip_chars().str.to_lowercase().fill_null("").to_numpy()
    known = {c.value for c in Channel}
    for value in np.unique(names):
        if CHANNEL_ALIASES.get(value, value) not in known:
            reason = f"unknown channel; use one of {', '.join(sorted(known | {'call'}))}"
            for index in np.flatnonzero(names == value)[:MAX_PROBLEMS]:
                rows.add("channel", value, reason, int(index))
    return np.array([CHANNEL_ALIASES.get(v, v) for v in names.tolist()], dtype=str)


def _days(frame: pl.DataFrame, name: str, rows: _Rows) -> NDArray[np.uint16] | None:
    """Day numbers of a date column (0 where empty); None when the column is absent."""
    if name not in frame.columns:
        return None
    text = frame[name].str.strip_chars().fill_null("")
    dates = text.str.to_date("%Y-%m-%d", strict=False)
    bad = ((text != "") & dates.is_null()) | (dates <= EPOCH).fill_null(False)
    bad |= (dates > LAST_DAY).fill_null(False)
    for index in np.flatnonzero(bad.to_numpy())[:MAX_PROBLEMS]:
        rows.add(
            name, text[int(index)], f"not a date YYYY-MM-DD from {EPOCH} to {LAST_DAY}", int(index)
        )
    days = dates.cast(pl.Int32).fill_null(0).to_numpy()
    return np.where(bad.to_numpy(), 0, days).astype(np.uint16)


def _lists(
    keys: NDArray[np.int64],
    channels: NDArray[np.str_],
    added: NDArray[np.uint16] | None,
    removed: NDArray[np.bool_],
    changes: bool,
) -> dict[str, ChannelList]:
    lists: dict[str, ChannelList] = {}
    for channel in sorted(set(channels.tolist())):
        mine = channels == channel
        if not changes:
            mine &= ~removed
            days = added[mine] if added is not None else None
            listed, listed_days = distinct(keys[mine].copy(), days)
            lists[channel] = ChannelList(listed, listed_days)
            continue
        chosen, gone, rows = last_wins(keys[mine], removed[mine])
        days = added[mine][rows][~gone] if added is not None else None
        lists[channel] = ChannelList(chosen[~gone], days, chosen[gone])
    return lists


def read_registry_csv(
    path: Path, region: str | None, changes: bool, progress: Progress = no_progress
) -> ParsedSource:
    """Every row of a registry CSV (plain or zipped), checked; a bad row refuses the file."""
    parts: list[
        tuple[NDArray[np.int64], NDArray[np.str_], NDArray[np.uint16] | None, NDArray[np.bool_]]
    ] = []
    height = 0
    for name, stream, _ in members(path):
        frame = _frame(stream.read(), name)
        rows = _Rows(name)
        number = _number_column(frame, name)
        # Blank lines (every cell empty) are skipped; their row numbers still count.
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series().to_numpy()
        keys = _keys(frame[number], region, blank, rows)
        channels = _channels(frame, rows)
        added = _days(frame, "added", rows)
        gone = _days(frame, "removed", rows)
        rows.check()
        removed = gone > 0 if gone is not None else np.zeros(frame.height, bool)
        kept = ~blank
        parts.append(
            (keys[kept], channels[kept], None if added is None else added[kept], removed[kept])
        )
        height += int(kept.sum())
    progress(1, 1)
    dated = any(p[2] is not None and p[2].any() for p in parts)
    lists = _lists(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([_zeros(p[2], p[0].size) for p in parts]) if dated else None,
        np.concatenate([p[3] for p in parts]),
        changes,
    )
    return ParsedSource(path.name, file_sha256(path), height, changes, lists)


def _zeros(days: NDArray[np.uint16] | None, size: int) -> NDArray[np.uint16]:
    return days if days is not None else np.zeros(size, np.uint16)
