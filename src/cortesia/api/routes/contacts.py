"""Contact history: record contacts made, confirm or release reservations, outcomes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from cortesia.api.contact_schemas import ContactBatchIn, ContactBody, OutcomeIn
from cortesia.api.deps import Decide, EngineDep
from cortesia.api.query import parse_at
from cortesia.engine.contact_views import contact_view

router = APIRouter(tags=["contacts"])
ContactId = Annotated[str, Path(min_length=1, max_length=64)]
CustomerId = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("/v1/contacts", status_code=201, summary="Record contacts made (one or {contacts})")
def record(body: ContactBody, response: Response, engine: EngineDep, _: Decide) -> dict[str, Any]:
    if isinstance(body, ContactBatchIn):
        rows = [c.model_dump(exclude_none=True) for c in body.contacts]
        created = engine.contacts.record_batch(rows)
        response.status_code = 201 if created else 200
        return {"created": created, "replayed": len(rows) - created}
    recorded = engine.contacts.record(body.model_dump(exclude_none=True))
    response.status_code = 201 if recorded.created else 200
    return contact_view(recorded.contact)


@router.get("/v1/contacts/{contact_id}", summary="One contact")
def show(contact_id: ContactId, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return contact_view(engine.contacts.get(contact_id))


@router.post("/v1/contacts/{contact_id}/confirm", summary="A reserved contact was sent")
def confirm(contact_id: ContactId, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return contact_view(engine.contacts.confirm(contact_id))


@router.post("/v1/contacts/{contact_id}/release", summary="A reserved contact was called off")
def release(contact_id: ContactId, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return contact_view(engine.contacts.release(contact_id))


@router.post("/v1/contacts/{contact_id}/outcome", summary="What came of a sent contact")
def outcome(contact_id: ContactId, body: OutcomeIn, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return contact_view(engine.contacts.outcome(contact_id, body.outcome, body.at))


@router.get("/v1/customers/{customer_id}/contacts", summary="A customer's contacts, oldest first")
def history(
    customer_id: CustomerId,
    engine: EngineDep,
    _: Decide,
    since: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
) -> dict[str, Any]:
    found = engine.contacts.history(customer_id, parse_at(since, "since"), parse_at(until, "until"))
    return {"customer": customer_id, "contacts": [contact_view(c) for c in found]}
