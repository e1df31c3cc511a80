"""The consent ledger: record events, state now or as of an instant, proof, history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from cortesia.api.deps import ConsentRead, ConsentWrite, EngineDep
from cortesia.api.query import parse_at
from cortesia.api.row_checks import conflicting_row, with_row
from cortesia.api.schemas import ConsentBatchIn, ConsentBody, rows_of
from cortesia.engine.views import append_view, event_view, proof_view, snapshot_view
from cortesia.errors import ConflictError

router = APIRouter(tags=["consent"])
CustomerId = Annotated[str, Path(min_length=1, max_length=128)]
At = Annotated[
    str | None,
    Query(description="ISO 8601 instant with offset, '+' written %2B; now when absent"),
]


@router.post(
    "/v1/consent-events",
    status_code=201,
    summary="Record consent events (one object or {events: [...]}); 200 when all were replays",
)
def record_consent(
    body: ConsentBody, response: Response, engine: EngineDep, _: ConsentWrite
) -> dict[str, Any]:
    if isinstance(body, ConsentBatchIn):
        rows = rows_of(body)
        try:
            results = engine.consent.record_batch(rows)
        except ConflictError as error:
            row = error.problem.row
            found = conflicting_row(rows, error.problem.value) if row is None else row
            raise with_row(error, found) from None
    else:
        results = [engine.consent.record(rows_of(body)[0])]
    created = sum(r.created for r in results)
    response.status_code = 201 if created else 200
    if not isinstance(body, ConsentBatchIn):
        return append_view(results[0])
    views = [append_view(r) for r in results]
    return {"created": created, "replayed": len(results) - created, "events": views}


@router.get("/v1/customers/{customer_id}/consent", summary="Consent state, now or as of `at`")
def consent_state(
    customer_id: CustomerId, engine: EngineDep, _: ConsentRead, at: At = None
) -> dict[str, Any]:
    moment = parse_at(at)
    return snapshot_view(engine.consent.state(customer_id, moment))


@router.get(
    "/v1/customers/{customer_id}/consent/proof",
    summary="Proof of consent: a receipt of every event behind the state",
)
def consent_proof(
    customer_id: CustomerId, engine: EngineDep, _: ConsentRead, at: At = None
) -> dict[str, Any]:
    moment = parse_at(at)
    return proof_view(engine.consent.proof(customer_id, moment))


@router.get("/v1/customers/{customer_id}/consent/history", summary="Every event, oldest first")
def consent_history(customer_id: CustomerId, engine: EngineDep, _: ConsentRead) -> dict[str, Any]:
    events = engine.consent.history(customer_id)
    return {"customer": customer_id, "events": [event_view(e) for e in events]}
