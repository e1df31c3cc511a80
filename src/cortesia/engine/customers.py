"""Use cases of customers: upsert (API), import a file, read, and what stays suppressed."""

from __future__ import annotations

import builtins
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cortesia.batch.customer_files import CustomerTable, read_customer_file
from cortesia.batch.customer_mapping import load_mapping
from cortesia.domain.customers import (
    AttributeType,
    AttributeValue,
    Customer,
    UpsertCounts,
    contact_point_digest,
)
from cortesia.engine.customer_intake import (
    RawCustomer,
    RowCheck,
    attribute_value,
    build_customer,
    infer_type,
)
from cortesia.engine.erasure import suppression_salt
from cortesia.engine.ports import Clock, Store
from cortesia.errors import BatchValidationError, FieldProblem, NotFoundError, ValidationError

MAX_BATCH = 10_000
MAX_LIST = 10_000
CHUNK = 25_000
PARALLEL_ROWS = 100_000
_KEYS = frozenset({
    "customer_id", "country", "subdivision", "time_zone", "language", "phone", "phones",
    "email", "emails", "push_id", "push_ids", "attributes",
})
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a file import did: rows read, customers created and replaced."""

    rows: int
    created: int
    updated: int


def _texts(data: Mapping[str, object], one: str, many: str) -> list[str]:
    """A contact field given as one text or a list of texts."""
    values: list[object] = []
    for key in (one, many):
        value = data.get(key)
        if isinstance(value, list | tuple):
            values.extend(value)
        elif value is not None and value != "":
            values.append(value)
    if not all(isinstance(v, str) for v in values):
        given = data.get(many, data.get(one))
        raise ValidationError(many, given, "must be text or a list of texts")
    return [str(v) for v in values]


def _optional_text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(key, value, "must be text")
    return value


class _Attributes:
    """Types attribute values against the workspace's schema and names first seen here."""

    def __init__(self, known: Mapping[str, AttributeType]) -> None:
        self.known = dict(known)
        self.new: dict[str, AttributeType] = {}

    def typed(self, data: object) -> dict[str, AttributeValue]:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            raise ValidationError("attributes", data, "must be an object of name: value")
        typed: dict[str, AttributeValue] = {}
        for name, value in data.items():
            if not isinstance(name, str) or not name.strip() or len(name) > 100:
                raise ValidationError("attributes", name, "names are text of 1 to 100 characters")
            kind = self.known.get(name) or self.new.get(name) or infer_type(value)
            if kind is None:
                if value is None:
                    continue
                raise ValidationError(f"attributes.{name}", value, "must be text, number, bool")
            typed[name] = attribute_value(name, value, kind)
            if name not in self.known:
                self.new.setdefault(name, kind)
        return typed


def _raw_from_mapping(data: Mapping[str, object], attributes: _Attributes) -> RawCustomer:
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise ValidationError(unknown[0], data[unknown[0]], "unknown field")
    return RawCustomer(
        customer_id=data.get("customer_id"),
        country=_optional_text(data, "country"),
        subdivision=_optional_text(data, "subdivision"),
        time_zone=_optional_text(data, "time_zone"),
        language=_optional_text(data, "language"),
        phones=_texts(data, "phone", "phones"),
        emails=_texts(data, "email", "emails"),
        push_ids=_texts(data, "push_id", "push_ids"),
        attributes=attributes.typed(data.get("attributes")),
    )


def _split(cell: str | None, separator: str) -> list[str]:
    if cell is None:
        return []
    return [part for part in (p.strip() for p in cell.split(separator)) if part]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """The canonical cells of consecutive rows of a file: one process's unit of work."""

    first_row: int
    fields: dict[str, list[str | None]]
    sources: Mapping[str, str]
    separator: str


# A normalised customer without attributes, as plain tuples (they cross processes cheaply).
_Fields = tuple[
    str, str, str, str | None, tuple[str, ...], str | None,
    tuple[str, ...], tuple[str, ...], tuple[str, ...],
]


def _normalise_chunk(chunk: _Chunk) -> tuple[list[_Fields | None], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    rows: list[_Fields | None] = []
    f, sep = chunk.fields, chunk.separator
    for i, ident in enumerate(f["customer_id"]):
        raw = RawCustomer(
            ident, f["country"][i], f["subdivision"][i], f["time_zone"][i], f["language"][i],
            _split(f["phone"][i], sep), _split(f["email"][i], sep), _split(f["push_id"][i], sep),
        )
        c = build_customer(raw, RowCheck(chunk.first_row + i, chunk.sources, problems))
        rows.append(None if c is None else (
            c.customer_id, c.country, c.time_zone, c.subdivision, c.time_zone_candidates,
            c.language, c.phones, c.emails, c.push_ids,
        ))
    return rows, problems


def _customer(fields: _Fields, attributes: dict[str, AttributeValue]) -> Customer:
    ident, country, zone, subdivision, candidates, language, phones, emails, push_ids = fields
    return Customer(
        ident, country, zone, subdivision, candidates, language, phones, emails, push_ids,
        attributes,
    )


def _attribute_rows(table: CustomerTable) -> list[dict[str, AttributeValue]]:
    names = list(table.attributes)
    columns = [table.attributes[n] for n in names]
    if not columns:
        return [{} for _ in range(table.rows)]
    return [
        {n: v for n, v in zip(names, values, strict=True) if v is not None}
        for values in zip(*columns, strict=True)
    ]


def default_workers(rows: int) -> int:
    """Processes for normalising ``rows`` rows: one for small files, else one per core."""
    if rows < PARALLEL_ROWS:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1, 8))


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Millions of new containers that all stay alive: full collections would rescan them
    again and again for nothing, so the cyclic collector waits until they are built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _mapper(workers: int) -> Iterator[Callable[..., Iterator[Any]]]:
    """``map`` in this process, or over ``workers`` fresh processes (spawned: the parent may
    hold threads and connections that must not be forked)."""
    if workers <= 1:
        yield map
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool.map


def normalise_table(
    table: CustomerTable, progress: Progress | None = None, total: int | None = None,
    workers: int = 1,
) -> tuple[list[Customer], list[FieldProblem]]:
    """Every row of a checked file as a customer, and every problem of every row.

    Phones and e-mails cost microseconds each, so chunks of rows are normalised in
    ``workers`` processes while this one builds the attribute maps.
    """
    chunks = [
        _Chunk(start + table.first_row,
               {k: v[start:start + CHUNK] for k, v in table.fields.items()},
               table.sources, table.list_separator)
        for start in range(0, table.rows, CHUNK)
    ]
    customers: list[Customer] = []
    problems = list(table.problems)
    with _mapper(workers) as run, _no_gc_pauses():
        results = run(_normalise_chunk, chunks)
        attributes = _attribute_rows(table)
        done = 0
        for rows, found in results:
            problems += found
            for fields in rows:
                if fields is not None:
                    customers.append(_customer(fields, attributes[done]))
                done += 1
            if progress is not None:
                progress(done, total or table.rows)
    problems.sort(key=lambda p: p.row or 0)
    return customers, problems


class CustomerService:
    """Create, replace, import and read customers."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def upsert(self, rows: Sequence[Mapping[str, object]]) -> UpsertCounts:
        """Validate the whole batch (rows numbered from 0), then create or replace all of it."""
        if len(rows) > MAX_BATCH:
            raise ValidationError("customers", len(rows), f"at most {MAX_BATCH} per batch")
        attributes = _Attributes(self._store.attribute_types())
        customers: list[Customer] = []
        problems: list[FieldProblem] = []
        for index, data in enumerate(rows):
            check = RowCheck(index, {}, problems)
            raw = check.run(_raw_from_mapping, data, attributes)
            customer = build_customer(raw, check) if raw is not None else None
            if customer is not None:
                customers.append(customer)
        if problems:
            raise BatchValidationError(problems, what="customers")
        return self._write(customers, attributes.new)

    def import_file(
        self, path: Path, *, mapping: Path | None = None, progress: Progress | None = None
    ) -> ImportReport:
        """Import a CSV or Parquet file whole or not at all; every bad row is reported.

        ``progress(done, total)`` counts each row twice: once checked, once written.
        """
        known = self._store.attribute_types()
        table = read_customer_file(Path(path), load_mapping(mapping), known)
        workers = default_workers(table.rows)
        customers, problems = normalise_table(table, progress, 2 * table.rows, workers)
        if problems:
            raise BatchValidationError(problems, what=table.name)
        new = {n: k for n, k in table.attribute_types.items() if n not in known}
        counts = self._write(customers, new)
        if progress is not None:
            progress(2 * table.rows, 2 * table.rows)
        return ImportReport(table.rows, counts.created, counts.updated)

    def _write(self, customers: list[Customer], new: Mapping[str, AttributeType]) -> UpsertCounts:
        # Types first: a customer must never hold an attribute whose type is unknown.
        if new:
            self._store.register_attribute_types(new)
        return self._store.upsert_customers(customers)

    def get(self, customer_id: str) -> Customer:
        customer = self._store.get_customer(customer_id)
        if customer is None:
            raise NotFoundError("customer", customer_id)
        return customer

    def list(self, limit: int = 50, after: str | None = None) -> list[Customer]:
        """Customers in id order, ``limit`` at a time, starting after the id ``after``."""
        if not 1 <= limit <= MAX_LIST:
            raise ValidationError("limit", limit, f"must be 1 to {MAX_LIST}")
        return self._store.list_customers(limit, after)

    def suppressed_points(self, customer: Customer) -> builtins.list[str]:
        """The customer's contact points that an erasure put on the suppression list."""
        salt = suppression_salt(self._store)
        digests = {contact_point_digest(salt, p): p for p in customer.contact_points()}
        found = self._store.suppressed(digests)
        return [point for digest, point in digests.items() if digest in found]


def _plain(value: AttributeValue) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def customer_view(customer: Customer, suppressed: Sequence[str] = ()) -> dict[str, Any]:
    """The customer as JSON-ready data (dates as ISO text, whole numbers without ``.0``)."""
    return {
        "customer_id": customer.customer_id,
        "country": customer.country,
        "subdivision": customer.subdivision,
        "time_zone": customer.time_zone,
        "time_zone_candidates": list(customer.time_zone_candidates),
        "language": customer.language,
        "phones": list(customer.phones),
        "emails": list(customer.emails),
        "push_ids": list(customer.push_ids),
        "attributes": {k: _plain(v) for k, v in sorted(customer.attributes.items())},
        "suppressed": list(suppressed),
    }
