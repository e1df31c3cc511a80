"""US National Do Not Call Registry files (FTC), full lists.

The FTC serves a flat text file per area code, state or the whole registry,
usually zipped. Guides disagree on the line layout (``202,5551234`` or
``2025551234``), so a line is read as its digits: it must hold the 10 digits of a
US number (area code and 7-digit number), or 11 starting with the country code 1;
spaces, tabs, commas, dots, hyphens, brackets, quotes and ``+`` may punctuate it.
Blank lines are skipped. A zip archive is read member by member.

The exact ``AAA,NNNNNNN`` layout takes a vectorised fast path: the file's bytes are
viewed as a matrix of 12-byte rows and the digits summed column by column; any
other layout takes the general path (digits picked out and summed per line).

>>> parse_block(b"202,5551234\\n(303) 555-1234\\n", 1).tolist()
[12025551234, 13035551234]
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

from cortesia.adapters.dnc.builder import distinct
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
from cortesia.errors import FieldProblem

BLOCK = 48 * 1024 * 1024
US_BASE = 10_000_000_000
US_NUMBER = "not a US number: 10 digits, area code and exchange each starting 2-9"
_FIXED = np.frombuffer(b"000,0000000\n", np.uint8)
_DIGIT_COLUMNS = (0, 1, 2, 4, 5, 6, 7, 8, 9, 10)
_PUNCTUATION = np.zeros(256, bool)
_PUNCTUATION[list(b" \t\r,.-()\"'+")] = True
_POWERS = 10 ** np.arange(12, dtype=np.int64)


def _fixed_width(data: NDArray[np.uint8]) -> NDArray[np.int64] | None:
    """Keys of a block made only of ``AAA,NNNNNNN\\n`` lines, or None for other layouts."""
    if data.size % 12:
        return None
    rows = data.reshape(-1, 12)
    if not (rows[:, 3] == 44).all() or not (rows[:, 11] == 10).all():
        return None
    area = np.zeros(rows.shape[0], np.int32)
    line = np.zeros(rows.shape[0], np.int32)
    for at, column in enumerate(_DIGIT_COLUMNS):
        digit = rows[:, column] - np.uint8(48)
        if (digit > 9).any():
            return None
        target = area if at < 3 else line
        target *= 10
        target += digit
    keys = area.astype(np.int64)
    keys *= 10_000_000
    keys += line
    keys += US_BASE
    return keys


def _line(data: NDArray[np.uint8], ends: NDArray[np.intp], index: int) -> str:
    start = int(ends[index - 1]) + 1 if index else 0
    return bytes(data[start : int(ends[index])]).decode("latin-1").strip()


class BadLines(Exception):
    """Lines of a block that are not US numbers (named with their line numbers)."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems[0].describe())
        self.problems = problems


def _bad_lines(
    data: NDArray[np.uint8], ends: NDArray[np.intp], bad: NDArray[np.bool_], reason: str, first: int
) -> BadLines:
    return BadLines(
        [
            FieldProblem("number", _line(data, ends, int(i)), reason, row=first + int(i))
            for i in np.flatnonzero(bad)[:MAX_PROBLEMS]
        ]
    )


def _general(data: NDArray[np.uint8], first: int) -> NDArray[np.int64]:
    """Keys of any block of lines (each ends with a newline), or the lines that are wrong."""
    newline = data == 10
    ends = np.flatnonzero(newline)
    line_of = np.cumsum(newline)
    line_of -= newline
    digit = (data - np.uint8(48)) < 10
    stray = ~digit & ~_PUNCTUATION[data] & ~newline
    if stray.any():
        bad = np.zeros(ends.size, bool)
        bad[line_of[stray]] = True
        raise _bad_lines(data, ends, bad, "has characters other than digits and punctuation", first)
    counts = np.bincount(line_of[digit], minlength=ends.size)
    used = counts > 0
    values = data[digit].astype(np.int64) - 48
    line_ends = np.cumsum(counts)
    values *= _POWERS[np.minimum(np.repeat(line_ends, counts) - np.arange(1, values.size + 1), 11)]
    keys = np.add.reduceat(values, (line_ends - counts)[used]) if values.size else values
    keys += np.where(counts[used] == 10, US_BASE, 0)
    wrong = ~np.isin(counts, (0, 10, 11))
    wrong[used] |= (keys // US_BASE != 1) | (keys % US_BASE < 2_000_000_000)
    wrong[used] |= (keys // 10_000) % 1000 < 200
    if wrong.any():
        raise _bad_lines(data, ends, wrong, US_NUMBER, first)
    return keys


def parse_block(block: bytes, first_line: int) -> NDArray[np.int64]:
    """Keys of a block of whole lines; ``first_line`` numbers its first line in errors."""
    data = np.frombuffer(block, np.uint8)
    if data.size and data[-1] != 10:
        data = np.append(data, np.uint8(10))
    fixed = _fixed_width(data)
    return fixed if fixed is not None else _general(data, first_line)


class _Keys:
    """A growing key array, allocated once from the expected number of lines."""

    def __init__(self, expected: int) -> None:
        self.array = np.empty(max(expected, 1024), np.int64)
        self.size = 0

    def extend(self, keys: NDArray[np.int64]) -> None:
        if self.size + keys.size > self.array.size:
            grown = np.empty(max(2 * self.array.size, self.size + keys.size), np.int64)
            grown[: self.size] = self.array[: self.size]
            self.array = grown
        self.array[self.size : self.size + keys.size] = keys
        self.size += keys.size


class _Ticker:
    """Progress over several members: bytes done in this member plus those before it."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.base = progress, total, 0

    def __call__(self, done: int) -> None:
        self.progress(self.base + done, self.total)


def _read_member(
    stream: IO[bytes], name: str, keys: _Keys, digest: hashlib._Hash | None, tick: _Ticker
) -> int:
    """Parse one text stream into ``keys``; returns its line count."""
    lines, rest, done = 0, b"", 0
    while block := stream.read(BLOCK):
        done += len(block)
        if digest is not None:
            digest.update(block)
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            rest += block
            continue
        whole, rest = rest + block[:cut], block[cut:]
        keys.extend(_parse(whole, lines + 1, name))
        lines += whole.count(b"\n")
        tick(done)
    if rest.strip():
        keys.extend(_parse(rest, lines + 1, name))
        lines += 1
    return lines


def _parse(block: bytes, first: int, name: str) -> NDArray[np.int64]:
    try:
        return parse_block(block, first)
    except BadLines as bad:
        raise refuse(bad.problems, name) from None


def read_ftc_full(path: Path, progress: Progress = no_progress) -> ParsedSource:
    """Every number of an FTC full list (plain text or zip), sorted and distinct."""
    total = sum(size for _, _, size in _sizes(path))
    keys = _Keys(total // 11 + 1)
    plain = not zipfile.is_zipfile(path)
    digest = hashlib.sha256() if plain else None
    rows, tick = 0, _Ticker(progress, total)
    for name, stream, size in members(path):
        rows += _read_member(stream, name, keys, digest, tick)
        tick.base += size
    sha = digest.hexdigest() if digest is not None else file_sha256(path)
    listed, _ = distinct(keys.array[: keys.size])
    return ParsedSource(path.name, sha, rows, False, {ALL_CHANNELS: ChannelList(listed)})


def _sizes(path: Path) -> list[tuple[str, None, int]]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return [(i.filename, None, i.file_size) for i in archive.infolist() if not i.is_dir()]
    return [(path.name, None, path.stat().st_size)]
