"""Normalising a checked customer file: chunks of rows, in parallel processes for big files.

Phones and e-mails cost microseconds each, so a million rows are split into chunks
normalised in fresh processes while this one builds the attribute maps. Rows cross
processes as plain tuples, which pickle cheaply.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cortesia.batch.customer_files import CustomerTable
from cortesia.domain.customers import AttributeValue, Customer
from cortesia.engine.collector import collector_paused
from cortesia.engine.customer_intake import RawCustomer, RowCheck, build_customer
from cortesia.errors import FieldProblem

CHUNK = 25_000
PARALLEL_ROWS = 100_000
Progress = Callable[[int, int], None]


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
    str,
    str,
    str,
    str | None,
    tuple[str, ...],
    str | None,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
]


def _normalise_chunk(chunk: _Chunk) -> tuple[list[_Fields | None], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    rows: list[_Fields | None] = []
    f, sep = chunk.fields, chunk.separator
    for i, ident in enumerate(f["customer_id"]):
        raw = RawCustomer(
            ident,
            f["country"][i],
            f["subdivision"][i],
            f["time_zone"][i],
            f["language"][i],
            _split(f["phone"][i], sep),
            _split(f["email"][i], sep),
            _split(f["push_id"][i], sep),
        )
        c = build_customer(raw, RowCheck(chunk.first_row + i, chunk.sources, problems))
        rows.append(
            None
            if c is None
            else (
                c.customer_id,
                c.country,
                c.time_zone,
                c.subdivision,
                c.time_zone_candidates,
                c.language,
                c.phones,
                c.emails,
                c.push_ids,
            )
        )
    return rows, problems


def _customer(fields: _Fields, attributes: dict[str, AttributeValue]) -> Customer:
    ident, country, zone, subdivision, candidates, language, phones, emails, push_ids = fields
    return Customer(
        ident,
        country,
        zone,
        subdivision,
        candidates,
        language,
        phones,
        emails,
        push_ids,
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
    return max(
        1,
        min(
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
            8,
        ),
    )


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
    table: CustomerTable,
    progress: Progress | None = None,
    total: int | None = None,
    workers: int = 1,
) -> tuple[list[Customer], list[FieldProblem]]:
    """Every row of a checked file as a customer, and every problem of every row.

    Phones and e-mails cost microseconds each, so chunks of rows are normalised in
    ``workers`` processes while this one builds the attribute maps.
    """
    chunks = [
        _Chunk(
            start + table.first_row,
            {k: v[start : start + CHUNK] for k, v in table.fields.items()},
            table.sources,
            table.list_separator,
        )
        for start in range(0, table.rows, CHUNK)
    ]
    customers: list[Customer] = []
    problems = list(table.problems)
    with _mapper(workers) as run, collector_paused():
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
