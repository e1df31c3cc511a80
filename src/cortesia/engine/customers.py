"""Use cases of customers: upsert (API), import a file, read, and what stays suppressed."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cortesia.batch.customer_files import read_customer_file
from cortesia.batch.customer_mapping import load_mapping
from cortesia.domain.customers import (
    AttributeType,
    AttributeValue,
    Customer,
    UpsertCounts,
    contact_point_digest,
)
from cortesia.engine.customer_import import Progress, default_workers, normalise_table
from cortesia.engine.customer_input import AttributeSchema, raw_customer
from cortesia.engine.customer_intake import RowCheck, build_customer
from cortesia.engine.erasure import suppression_salt
from cortesia.engine.ports import Clock, Store
from cortesia.errors import BatchValidationError, FieldProblem, NotFoundError, ValidationError

MAX_BATCH = 10_000
MAX_LIST = 10_000


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a file import did: rows read, customers created and replaced, and how many of
    them have a contact point on the erasure suppression list (never contacted there)."""

    rows: int
    created: int
    updated: int
    suppressed: int


def _repeated_ids(customers: Sequence[tuple[int, Customer]]) -> builtins.list[FieldProblem]:
    """A problem for every row whose customer id an earlier row of the batch already has."""
    first: dict[str, int] = {}
    problems: builtins.list[FieldProblem] = []
    for row, customer in customers:
        ident = customer.customer_id
        if ident in first:
            reason = f"repeats the customer of row {first[ident]}"
            problems.append(FieldProblem("customer_id", ident, reason, row))
        else:
            first[ident] = row
    return problems


class CustomerService:
    """Create, replace, import and read customers."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def upsert(self, rows: Sequence[Mapping[str, object]]) -> UpsertCounts:
        """Validate the whole batch (rows numbered from 0), then create or replace all of it."""
        if len(rows) > MAX_BATCH:
            raise ValidationError("customers", len(rows), f"at most {MAX_BATCH} per batch")
        attributes = AttributeSchema(self._store.attribute_types())
        built: list[tuple[int, Customer]] = []
        problems: list[FieldProblem] = []
        for index, data in enumerate(rows):
            check = RowCheck(index, {}, problems)
            raw = check.run(raw_customer, data, attributes)
            customer = build_customer(raw, check) if raw is not None else None
            if customer is not None:
                built.append((index, customer))
        # Like a file, a batch names each customer once: a second row would silently win.
        problems += _repeated_ids(built)
        if problems:
            problems.sort(key=lambda p: p.row or 0)
            raise BatchValidationError(problems, what="customers")
        return self._write([c for _, c in built], attributes.new)

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
        # Looked up before the write: a store that fails here leaves nothing half done.
        suppressed = self._count_suppressed(customers)
        counts = self._write(customers, new)
        if progress is not None:
            progress(2 * table.rows, 2 * table.rows)
        return ImportReport(table.rows, counts.created, counts.updated, suppressed)

    def _write(self, customers: list[Customer], new: Mapping[str, AttributeType]) -> UpsertCounts:
        # One transaction for types and rows: a customer never holds an attribute whose
        # type is unknown, and a failed write leaves no orphan types behind.
        return self._store.upsert_customers(customers, new)

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

    def _count_suppressed(self, customers: Sequence[Customer]) -> int:
        """How many of ``customers`` have a contact point on the suppression list."""
        if self._store.suppression_size() == 0:
            return 0  # nobody was ever erased: skip a million digests
        salt = suppression_salt(self._store)
        owners: dict[str, builtins.list[int]] = {}
        for index, customer in enumerate(customers):
            for point in customer.contact_points():
                owners.setdefault(contact_point_digest(salt, point), []).append(index)
        if not owners:
            return 0
        found = self._store.suppressed(owners)
        return len({index for digest in found for index in owners[digest]})

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
