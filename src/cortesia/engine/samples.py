"""Sample workspaces shipped in the package, installed by one use case.

A sample is a folder of package data, ``engine/data/samples/<name>/``:

- ``customers.csv``: customers in the canonical import layout, upserted by id;
- ``catalog.toml``: the action catalog;
- ``company_policy.toml``: the company contact policy;
- ``consent.csv``: consent events, one a row, each with its own idempotency key;
- ``registries/<registry>.csv`` (generic CSV) and ``registries/snapshot.toml``
  (``snapshot_date``): do-not-call snapshots.

Installing twice changes nothing: customers are upserted with the same values, the
catalog's digest is unchanged so its version is too, consent events replay their keys,
and registries and the policy file are written only when missing. What the workspace's
people changed is kept: a registry that has a version is not imported again, a policy file
that differs stays, and a catalog last loaded from elsewhere than this sample stays (a
catalog the sample loaded itself is brought up to date).
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from itertools import islice
from pathlib import Path

from cortesia.domain.catalog import catalog_document, document_digest, parse_catalog
from cortesia.engine.catalog import read_catalog_file
from cortesia.engine.hub import Engine
from cortesia.errors import ValidationError

CONSENT_BATCH = 5_000
POLICY_FILE = "company-policy.toml"
STEPS = ("customers", "catalog", "registries", "consent", "policy")

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: a step of ``STEPS`` moved on."""


@dataclass(frozen=True, slots=True)
class RegistryInstall:
    """One registry of the sample: imported now, or already in the workspace."""

    registry: str
    imported: bool
    version: int
    snapshot_date: date
    numbers: int


@dataclass(frozen=True, slots=True)
class SampleReport:
    """What installing a sample did.

    ``catalog`` is ``loaded`` (a new version), ``unchanged`` (the same digest, the same
    version) or ``kept`` (the workspace's own catalog stays); ``policy`` is ``written``,
    ``unchanged`` or ``kept`` (a different file stays).
    """

    sample: str
    customers_rows: int
    customers_created: int
    customers_updated: int
    catalog: str
    catalog_version: int
    registries: tuple[RegistryInstall, ...]
    consent_new: int
    consent_replayed: int
    policy: str
    policy_file: Path

    @property
    def registries_imported(self) -> int:
        return sum(r.imported for r in self.registries)


def _root() -> Traversable:
    return files("cortesia.engine").joinpath("data/samples")


def sample_names() -> list[str]:
    """The samples shipped in the package.

    >>> "telco" in sample_names()
    True
    """
    return sorted(item.name for item in _root().iterdir() if item.is_dir())


def sample_folder(name: str) -> Traversable:
    """The package folder of sample ``name``; a ``ValidationError`` lists the samples."""
    names = sample_names()
    if name not in names:
        raise ValidationError("sample", name, f"unknown sample; samples: {', '.join(names)}")
    return _root().joinpath(name)


def install_sample(
    engine: Engine,
    name: str,
    workspace_dir: Path,
    *,
    policy_file: Path | None = None,
    progress: Progress | None = None,
) -> SampleReport:
    """Install sample ``name`` into the engine's workspace; safe to run again.

    ``policy_file`` is where the company policy goes (default
    ``<workspace_dir>/company-policy.toml``, the file the settings read by default).
    """
    folder = sample_folder(name)
    step = progress or _quiet
    with as_file(folder.joinpath("customers.csv")) as path:
        people = engine.customers.import_file(
            path, progress=lambda done, total: step("customers", done, total)
        )
    catalog, version = _catalog(engine, name, folder.joinpath("catalog.toml"))
    step("catalog", 1, 1)
    registries = _registries(engine, folder.joinpath("registries"), step)
    new, replayed = _consent(engine, folder.joinpath("consent.csv"), step)
    target = policy_file or workspace_dir / POLICY_FILE
    policy = _policy(folder.joinpath("company_policy.toml"), target)
    step("policy", 1, 1)
    return SampleReport(
        name, people.rows, people.created, people.updated, catalog, version,
        registries, new, replayed, policy, target,
    )  # fmt: skip


def _quiet(step: str, done: int, total: int) -> None:
    """No progress to show."""


def _catalog(engine: Engine, name: str, file: Traversable) -> tuple[str, int]:
    """Load the sample catalog unless the workspace's latest came from somewhere else."""
    source = f"sample {name}"
    with as_file(file) as path:
        document = read_catalog_file(path)
    latest = engine.catalog.latest_number()
    if latest is not None:
        saved = engine.catalog.version(latest)
        digest = document_digest(catalog_document(parse_catalog(document)))
        if saved.digest != digest and saved.source != source:
            return "kept", saved.version
    loaded = engine.catalog.load_document(document, source=source)
    return ("unchanged" if loaded.version == latest else "loaded"), loaded.version


def _registries(engine: Engine, folder: Traversable, step: Progress) -> tuple[RegistryInstall, ...]:
    """Import every registry snapshot whose registry has no version yet."""
    snapshot = _snapshot_date(folder.joinpath("snapshot.toml"))
    files_ = sorted((f for f in folder.iterdir() if f.name.endswith(".csv")), key=lambda f: f.name)
    done: list[RegistryInstall] = []
    for count, file in enumerate(files_, start=1):
        done.append(_registry(engine, file, snapshot))
        step("registries", count, len(files_))
    return tuple(done)


def _registry(engine: Engine, file: Traversable, snapshot: date) -> RegistryInstall:
    # A registry with any version is the workspace's own business: a newer snapshot must
    # never be shadowed by the sample's, nor an old one be added behind it.
    registry = file.name.removesuffix(".csv")
    versions = engine.dnc.versions(registry)
    if versions:
        latest = versions[-1]
        return RegistryInstall(
            registry, False, latest.version, latest.snapshot_date, latest.numbers
        )
    with as_file(file) as path:
        made = engine.dnc.import_file(path, registry, fmt="csv", as_of=snapshot)
    return RegistryInstall(registry, True, made.version, made.snapshot_date, made.numbers)


def _snapshot_date(file: Traversable) -> date:
    found = tomllib.loads(file.read_text("utf-8")).get("snapshot_date")
    if not isinstance(found, date) or isinstance(found, datetime):
        raise ValidationError("snapshot_date", found, "must be a TOML date in snapshot.toml")
    return found


def _consent(engine: Engine, file: Traversable, step: Progress) -> tuple[int, int]:
    """Record every consent event in batches; replayed keys count as replayed."""
    text = io.StringIO(file.read_text("utf-8"), newline="")
    rows = [_event(row) for row in csv.DictReader(text)]
    new = 0
    for start, batch in _batches(rows, CONSENT_BATCH):
        new += sum(result.created for result in engine.consent.record_batch(batch))
        step("consent", start + len(batch), len(rows))
    return new, len(rows) - new


def _event(row: Mapping[str, str]) -> dict[str, object]:
    """A CSV row as the consent use case takes it: empty cells are absent fields."""
    return {key: value for key, value in row.items() if value}


def _batches(
    rows: list[dict[str, object]], size: int
) -> Iterator[tuple[int, list[dict[str, object]]]]:
    it = iter(rows)
    start = 0
    while batch := list(islice(it, size)):
        yield start, batch
        start += len(batch)


def _policy(file: Traversable, target: Path) -> str:
    """Write the sample's company policy where none is; never replace another one."""
    content = file.read_bytes()
    if target.is_file():
        return "unchanged" if target.read_bytes() == content else "kept"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(target)  # a reader never sees half a policy
    return "written"


def sample_report_view(report: SampleReport) -> dict[str, object]:
    """The report as JSON-ready data."""
    return {
        "sample": report.sample,
        "customers": {
            "rows": report.customers_rows,
            "created": report.customers_created,
            "updated": report.customers_updated,
        },
        "catalog": {"status": report.catalog, "version": report.catalog_version},
        "registries": [
            {
                "registry": r.registry,
                "imported": r.imported,
                "version": r.version,
                "snapshot_date": r.snapshot_date.isoformat(),
                "numbers": r.numbers,
            }
            for r in report.registries
        ],
        "registries_imported": report.registries_imported,
        "consent_events": {"new": report.consent_new, "replayed": report.consent_replayed},
        "policy": {"status": report.policy, "file": str(report.policy_file)},
    }
