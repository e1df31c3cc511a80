"""What a registry file says once read: per channel, the numbers added and removed."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from cortesia.adapters.dnc.builder import Days, Keys
from cortesia.errors import BatchValidationError, FieldProblem

ALL_CHANNELS = "all"
Progress = Callable[[int, int], None]
MAX_PROBLEMS = 20


@dataclass
class ChannelList:
    """Numbers of one channel list: listed (a full list) or added, and removed (changes)."""

    keys: Keys
    days: Days | None = None
    removed: Keys = field(default_factory=lambda: np.empty(0, np.int64))


@dataclass
class ParsedSource:
    """A whole registry file, read and checked; nothing of it is stored yet."""

    name: str
    sha256: str
    rows: int
    changes: bool
    lists: dict[str, ChannelList]


def no_progress(done: int, total: int) -> None:
    """A progress callback that shows nothing."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in large blocks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def members(path: Path) -> Iterator[tuple[str, IO[bytes], int]]:
    """The text inside a file: its members when it is a zip archive, else the file itself."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    with archive.open(info) as stream:
                        yield f"{path.name}:{info.filename}", stream, info.file_size
        return
    with open(path, "rb") as stream:
        yield path.name, stream, path.stat().st_size


def refuse(problems: list[FieldProblem], where: str) -> BatchValidationError:
    """The error for a file with bad rows; nothing of it was written."""
    return BatchValidationError(problems[:MAX_PROBLEMS], what=f"registry file {where}")
