"""Next-best-action decisions, their explanations, and their outcomes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from cortesia.api.decision_schemas import DecisionIn, OutcomeIn
from cortesia.api.deps import KEY_SECURITY, Decide, EngineDep, presented_key
from cortesia.api.fast_json import FastJSON
from cortesia.domain.access import Scope
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.decision_input import parse_context, parse_decision_channel
from cortesia.engine.decision_views import decision_view, stored_decision_view
from cortesia.engine.hub import Engine
from cortesia.engine.instants import parse_instant

router = APIRouter(tags=["decisions"])
DecisionId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "/v1/decisions",
    summary="The next best actions for a customer on a channel",
    response_class=FastJSON,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": DecisionIn.model_json_schema()}},
        },
        "security": KEY_SECURITY,
    },
)
async def decide(request: Request) -> FastJSON:
    # The hot path of the service: the key and the body are read here rather than through
    # dependency injection (a tenth of a request's time), and it runs on the event loop,
    # not in the thread pool, since a decision is about a millisecond of CPU and local I/O.
    engine: Engine = request.app.state.engine
    engine.access.authenticate(presented_key(request), Scope.DECIDE)
    body = parsed(DecisionIn, await request.body())
    asked = DecisionRequest(
        body.customer,
        parse_decision_channel(body.channel),
        body.direction,
        parse_context(body.context),
        parse_instant(body.at, "at") if body.at else None,
        body.limit,
    )
    return FastJSON(decision_view(engine.decisions.decide(asked)))


def parsed(model: type[DecisionIn], raw: bytes) -> DecisionIn:
    """The body validated by pydantic straight from JSON; its errors as the API's others."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False), body=raw) from None


@router.get("/v1/decisions/{decision_id}", summary="A stored decision, explained")
def show(decision_id: DecisionId, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return stored_decision_view(engine.decisions.find(decision_id))


@router.get("/v1/customers/{customer_id}/decisions", summary="A customer's latest decisions")
def of_customer(
    customer_id: Annotated[str, Path(min_length=1, max_length=128)],
    engine: EngineDep,
    _: Decide,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    found = engine.decisions.of_customer(customer_id, limit)
    return {"customer": customer_id, "decisions": [stored_decision_view(r) for r in found]}


@router.post("/v1/outcomes", summary="Report what came of an offered action (idempotent)")
def outcome(body: OutcomeIn, engine: EngineDep, _: Decide) -> dict[str, Any]:
    at = parse_instant(body.at, "at") if body.at else None
    receipt = engine.outcomes.record(
        body.decision_id, body.action, body.outcome, key=body.key, at=at
    )
    return receipt.as_dict()
