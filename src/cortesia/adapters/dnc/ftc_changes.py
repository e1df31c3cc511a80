"""US National Do Not Call Registry change lists (FTC).

The FTC describes its change list only as "comma-delimited, several data items per
record": numbers added to or deleted from the registry since the last download.
The exact field order is unverified, so each record is read by what its fields
look like, in any order:

- the number: its digits (``202,5551234`` or ``2025551234``, punctuation allowed),
  10 digits or 11 starting with 1;
- an add/delete flag: ``A``, ``ADD``, ``ADDED``, ``+`` or ``D``, ``DEL``, ``DELETE``,
  ``DELETED``, ``-`` (any case);
- optionally a date: ``2026-03-01``, ``03/01/2026`` or ``20260301``; for an added
  number it is kept as the day it was listed.

A first line without digits is a header and is skipped, as are blank lines. When
a number appears several times, its last record wins.

>>> rows = read_records(["AREA,PHONE,DATE,FLAG", "202,5551234,2026-03-01,A", "303,5551234,,D"])
>>> [(r.key, r.added, r.day) for r in rows]
[(12025551234, True, 20513), (13035551234, False, 0)]
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from cortesia.adapters.dnc.builder import last_wins
from cortesia.adapters.dnc.ftc import US_BASE, US_NUMBER
from cortesia.adapters.dnc.keys import day_number
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
from cortesia.errors import FieldProblem, ValidationError

_ADD = frozenset({"A", "ADD", "ADDED", "+"})
_DELETE = frozenset({"D", "DEL", "DELETE", "DELETED", "-"})
_DATES = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"),
    re.compile(r"(?P<m>\d\d?)/(?P<d>\d\d?)/(?P<y>\d{4})"),
    re.compile(r"(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)"),
)
_NOT_DIGIT = re.compile(r"[\s\-().+\"']")


@dataclass(frozen=True, slots=True)
class Record:
    """One change: the number's key, added (True) or deleted, and the day (0 = none)."""

    key: int
    added: bool
    day: int


def _date(field: str) -> int | None:
    """The day number of a date field, None when the field is not a date."""
    for pattern in _DATES:
        if found := pattern.fullmatch(field):
            try:
                day = date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                raise ValidationError("date", field, "not a calendar date") from None
            return day_number(day)
    return None


def _record(line: str) -> Record:
    """The change on one line; a bad line raises ValidationError."""
    fields = [f.strip() for f in line.split(",")]
    flags = [f.upper() for f in fields if f.upper() in _ADD | _DELETE]
    if len(flags) != 1:
        raise ValidationError("flag", line, "needs exactly one add/delete flag (A or D)")
    day, digits = 0, ""
    for field in fields:
        if not field or field.upper() in _ADD | _DELETE:
            continue
        found = _date(field)
        if found is not None:
            day = found
            continue
        if not _NOT_DIGIT.sub("", field).isdigit():
            raise ValidationError("number", field, "not a number, a date or a flag")
        digits += _NOT_DIGIT.sub("", field)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise ValidationError("number", digits, US_NUMBER)
    return Record(US_BASE + int(digits), flags[0] in _ADD, day if flags[0] in _ADD else 0)


def read_records(lines: Iterable[str], where: str = "") -> list[Record]:
    """Every change in ``lines``; every bad line is named (row = line number)."""
    records: list[Record] = []
    problems: list[FieldProblem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number == 1 and not any(c.isdigit() for c in line)):
            continue
        try:
            records.append(_record(line))
        except ValidationError as error:
            problem = error.problem
            problems.append(FieldProblem(problem.field, line.strip(), problem.reason, row=number))
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise refuse(problems, where)
    return records


def read_ftc_changes(path: Path, progress: Progress = no_progress) -> ParsedSource:
    """The adds and deletes of an FTC change list (plain text or zip)."""
    records: list[Record] = []
    for name, stream, _ in members(path):
        text = io.TextIOWrapper(stream, "latin-1", newline=None)
        try:
            records.extend(read_records(text, name))
        finally:
            text.detach()  # the stream is closed by its owner, not by the wrapper
    keys = np.fromiter((r.key for r in records), np.int64, len(records))
    added = np.fromiter((r.added for r in records), bool, len(records))
    days = np.fromiter((r.day for r in records), np.uint16, len(records))
    keys, added, rows = last_wins(keys, added)
    days = days[rows]
    dated = bool(days[added].any())
    listed = ChannelList(keys[added], days[added] if dated else None, keys[~added])
    progress(1, 1)
    return ParsedSource(path.name, file_sha256(path), len(records), True, {ALL_CHANNELS: listed})
