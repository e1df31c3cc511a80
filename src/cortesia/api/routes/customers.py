"""Customers: upsert (single or batch), list, show, lifetime value, erase."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from cortesia.api.deps import Admin, CustomersRead, CustomersWrite, EngineDep
from cortesia.api.schemas import CustomersBody, rows_of
from cortesia.engine.customers import MAX_LIST, customer_view

router = APIRouter(prefix="/v1/customers", tags=["customers"])
CustomerId = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("", summary="Create or replace customers (one object or {customers: [...]})")
def upsert_customers(body: CustomersBody, engine: EngineDep, _: CustomersWrite) -> dict[str, int]:
    counts = engine.customers.upsert(rows_of(body))
    return {"created": counts.created, "updated": counts.updated}


@router.get("", summary="Customers in id order, a page at a time")
def list_customers(
    engine: EngineDep,
    _: CustomersRead,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 50,
    after: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    page = engine.customers.list(limit=limit, after=after)
    next_after = page[-1].customer_id if len(page) == limit else None
    return {"customers": [customer_view(c) for c in page], "next_after": next_after}


@router.get("/{customer_id}", summary="One customer as stored")
def show_customer(customer_id: CustomerId, engine: EngineDep, _: CustomersRead) -> dict[str, Any]:
    customer = engine.customers.get(customer_id)
    return customer_view(customer, engine.customers.suppressed_points(customer))


@router.get("/{customer_id}/value", summary="Lifetime value, and L of an opt-out per channel")
def customer_value(customer_id: CustomerId, engine: EngineDep, _: CustomersRead) -> dict[str, Any]:
    """The customer's expected residual value (from the latest ``cortesia clv fit``), the
    time it is spread over, and per channel the value a marketing opt-out there would
    erode (L) with where that estimate came from."""
    return engine.customer_value(customer_id)


@router.delete("/{customer_id}", summary="Erase a customer; their contact points stay suppressed")
def erase_customer(customer_id: CustomerId, engine: EngineDep, key: Admin) -> dict[str, Any]:
    receipt = engine.erase(customer_id, actor=f"api-key:{key.key_id}")
    return asdict(receipt)
