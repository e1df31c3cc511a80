"""Next-best-action decisions, their explanations, and their outcomes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from cortesia.api.decision_answer import DECISIONS_PATH, decision_answer
from cortesia.api.decision_schemas import DecisionIn, OutcomeIn
from cortesia.api.deps import KEY_SECURITY, Decide, EngineDep
from cortesia.api.fast_json import FastJSON
from cortesia.engine.decision_views import stored_decision_view
from cortesia.engine.hub import Engine
from cortesia.engine.instants import parse_instant

router = APIRouter(tags=["decisions"])
DecisionId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    DECISIONS_PATH,
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
async def decide(request: Request) -> Response:
    # The hot path of the service; the fast lane (``decision_lane``) answers most of these
    # requests before they reach here, with the same function.
    state = request.app.state
    engine: Engine = state.engine
    raw = await request.body()
    content = await decision_answer(engine, state.commits, request.scope["headers"], raw)
    return Response(content, media_type="application/json")


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
