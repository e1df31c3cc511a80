"""Do-not-call registries: import a snapshot, check a number, scrub a list.

The registries themselves (files, indexes, versions) sit behind the
``DncRegistries`` port; this module turns callers' input into its terms: registry
ids, E.164 numbers, snapshot dates and instants.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import TextIO

import phonenumbers

from cortesia.domain.registry import (
    REGISTRY_FORMATS,
    RegistryFinding,
    RegistryVersion,
    default_format,
    registry_id,
    registry_region,
)
from cortesia.domain.vocabulary import Channel
from cortesia.engine.ports import Clock, DncRegistries
from cortesia.errors import FieldProblem, StoreError, ValidationError

NUMBER_COLUMNS = ("number", "phone", "e164", "msisdn", "telefono", "mobile")
SCRUB_BATCH = 50_000
MAX_REPORTED = 20
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def e164(value: str, region: str | None, field: str = "number") -> str:
    """The E.164 form of a number, national ones read in ``region``.

    >>> e164("+57 300 123 4567", None), e164("(202) 555-0123", "US")
    ('+573001234567', '+12025550123')
    """
    text = value.strip()
    if _E164.fullmatch(text):
        return text
    hint = f" of {region}" if region else "; write it in E.164 (+ and country code)"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(field, value, f"not a phone number{hint}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(field, value, f"not a possible phone number{hint}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@dataclass(frozen=True, slots=True)
class ScrubReport:
    """What a scrub wrote: rows, listed rows per registry, and the unreadable numbers."""

    source: Path
    out: Path
    rows: int
    listed: dict[str, int]
    versions: dict[str, RegistryVersion]
    unreadable: int
    problems: list[FieldProblem] = field(default_factory=list)


class DncService:
    """Use cases over the workspace's do-not-call registries."""

    def __init__(self, registries: DncRegistries | None, clock: Clock) -> None:
        self._registries = registries
        self._clock = clock

    @property
    def registries(self) -> DncRegistries:
        if self._registries is None:
            raise StoreError("this engine has no do-not-call registries configured")
        return self._registries

    def import_file(
        self,
        path: Path,
        registry: str,
        *,
        fmt: str | None = None,
        as_of: date | None = None,
        changes: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> RegistryVersion:
        """Import a registry file as the registry's next version, dated ``as_of`` (today)."""
        name = registry_id(registry)
        chosen = (fmt or default_format(name)).strip().lower()
        if chosen not in REGISTRY_FORMATS:
            raise ValidationError("format", fmt, f"use one of {', '.join(REGISTRY_FORMATS)}")
        now = self._clock.now()
        snapshot = as_of or now.astimezone(UTC).date()
        if snapshot > now.astimezone(UTC).date():
            raise ValidationError(
                "as_of", snapshot.isoformat(), "a snapshot cannot be dated after today"
            )
        return self.registries.import_version(
            name, path, fmt=chosen, snapshot_date=snapshot, imported_at=now,
            changes=changes, progress=progress,
        )  # fmt: skip

    def versions(self, registry: str | None = None) -> list[RegistryVersion]:
        """Imported versions, by registry then version number."""
        return self.registries.versions(registry_id(registry) if registry else None)

    def known(self) -> list[str]:
        """Registries with at least one imported version."""
        return sorted({v.registry_id for v in self.registries.versions()})

    def check(
        self,
        number: str,
        registry: str | None = None,
        at: datetime | None = None,
        channel: Channel | None = None,
    ) -> list[RegistryFinding]:
        """What every registry (or the one named) says about ``number`` at ``at`` (now)."""
        names = [registry_id(registry)] if registry else self.known()
        normalised = e164(number, registry_region(names[0]) if registry else None)
        moment = at or self._clock.now()
        return [self.registries.find(n, normalised, channel, moment) for n in names]

    def scrub(
        self,
        source: Path,
        out: Path,
        registries: Sequence[str] = (),
        *,
        at: datetime | None = None,
        channel: Channel | None = None,
        column: str | None = None,
    ) -> ScrubReport:
        """Copy the CSV ``source`` to ``out`` with a ``dnc_<registry>`` column per registry."""
        moment = at or self._clock.now()
        names = self._in_force([registry_id(r) for r in registries] or self.known(), moment)
        if source.resolve() == out.resolve():
            raise ValidationError("out", str(out), "must differ from the input file")
        regions = {registry_region(n) for n in names}
        scrubber = _Scrubber(self.registries, names, moment, channel)
        scrubber.region = regions.pop() if len(regions) == 1 else None
        with open(source, newline="", encoding="utf-8-sig") as reader, _replacing(out) as writer:
            scrubber.run(reader, writer, source.name, column)
        return scrubber.report(source, out)

    def _in_force(self, names: list[str], at: datetime) -> list[str]:
        if not names:
            raise ValidationError("registry", None, "no registry imported yet: cortesia dnc import")
        day = at.astimezone(UTC).date()
        for name in names:
            if not any(v.snapshot_date <= day for v in self.registries.versions(name)):
                reason = f"has no snapshot dated on or before {day}: import one first"
                raise ValidationError("registry", name, reason)
        return names


@contextmanager
def _replacing(out: Path) -> Iterator[TextIO]:
    """Write ``out`` through a temporary file renamed into place only when complete."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", newline="", encoding="utf-8") as writer:
            yield writer
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


class _Scrubber:
    """One scrub: reads rows in batches, marks them, writes them with the added columns."""

    def __init__(
        self, registries: DncRegistries, names: list[str], at: datetime, channel: Channel | None
    ) -> None:
        self.registries, self.names, self.at, self.channel = registries, names, at, channel
        self.region: str | None = None
        self.rows = self.unreadable = 0
        self.listed = dict.fromkeys(names, 0)
        self.versions: dict[str, RegistryVersion] = {}
        self.problems: list[FieldProblem] = []

    def run(self, reader: TextIO, writer: TextIO, where: str, column: str | None) -> None:
        rows = csv.reader(reader)
        header = next(rows, None)
        if not header:
            raise ValidationError("file", where, "the file is empty")
        at = _number_column(header, column, where)
        added = [f"dnc_{name}" for name in self.names]
        if clash := sorted(set(added) & set(header)):
            raise ValidationError("file", where, f"already has the column {clash[0]}")
        output = csv.writer(writer)
        output.writerow([*header, *added])
        while batch := list(islice(rows, SCRUB_BATCH)):
            output.writerows(self._marked(batch, at))

    def _marked(self, batch: list[list[str]], at: int) -> list[list[str]]:
        numbers: list[str | None] = []
        for offset, row in enumerate(batch):
            numbers.append(self._number(row[at] if at < len(row) else "", self.rows + offset + 2))
        readable = [n for n in numbers if n is not None]
        flags = {}
        for name in self.names:
            marks = self.registries.mark(name, readable, self.channel, self.at)
            if marks.version is not None:
                self.versions[name] = marks.version
            flags[name] = iter(marks.listed.tolist())
            self.listed[name] += int(marks.listed.sum())
        self.rows += len(batch)
        return [
            [*row, *(("true" if next(flags[n]) else "false") if num else "" for n in self.names)]
            for row, num in zip(batch, numbers, strict=True)
        ]

    def _number(self, value: str, row: int) -> str | None:
        try:
            return e164(value, self.region) if value.strip() else _empty(value)
        except ValidationError as error:
            self.unreadable += 1
            if len(self.problems) < MAX_REPORTED:
                self.problems.append(FieldProblem("number", value, error.problem.reason, row=row))
            return None

    def report(self, source: Path, out: Path) -> ScrubReport:
        return ScrubReport(
            source, out, self.rows, self.listed, self.versions, self.unreadable, self.problems
        )


def _empty(value: str) -> str:
    raise ValidationError("number", value, "empty")


def _number_column(header: list[str], column: str | None, where: str) -> int:
    names = [h.strip().lower() for h in header]
    wanted = [column.strip().lower()] if column else list(NUMBER_COLUMNS)
    for name in wanted:
        if name in names:
            return names.index(name)
    reason = f"has no number column ({', '.join(wanted)}); name it with --column"
    raise ValidationError("file", where, reason)


def version_view(version: RegistryVersion) -> dict[str, object]:
    """A version as JSON-ready data."""
    return {
        "registry": version.registry_id,
        "version": version.version,
        "snapshot_date": version.snapshot_date.isoformat(),
        "imported_at": version.imported_at.isoformat(),
        "kind": version.kind,
        "numbers": version.numbers,
        "channels": list(version.channels),
        "source_name": version.source_name,
        "source_sha256": version.source_sha256,
    }


def finding_view(finding: RegistryFinding) -> dict[str, object]:
    """A finding as JSON-ready data."""
    version = finding.version
    return {
        "registry": finding.registry_id,
        "number": finding.number,
        "channel": finding.channel.value if finding.channel else None,
        "listed": finding.listed,
        "listed_since": finding.listed_since.isoformat() if finding.listed_since else None,
        "snapshot_date": version.snapshot_date.isoformat() if version else None,
        "version": version.version if version else None,
    }
