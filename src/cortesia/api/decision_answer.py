"""``POST /v1/decisions`` as one function: raw headers and body in, JSON bytes out.

Both the route and the fast lane (``decision_lane``) call it, so they cannot drift apart.
It reads the key and the body itself rather than through dependency injection (a tenth
of a request's time) and runs on the event loop: a decision is about a millisecond of
CPU and local I/O, and a hop to the thread pool costs more than it saves. The decision is
stored with the others of its loop turn (``decision_commits``) before it is answered.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from cortesia.api.decision_commits import DecisionCommits
from cortesia.api.decision_schemas import DecisionIn
from cortesia.domain.access import Scope
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.decision_input import parse_context, parse_decision_channel
from cortesia.engine.decision_ports import DecisionRecord
from cortesia.engine.decision_views import decision_view
from cortesia.engine.hub import Engine
from cortesia.engine.instants import parse_instant

DECISIONS_PATH = "/v1/decisions"


async def decision_answer(
    engine: Engine, commits: DecisionCommits, headers: Iterable[tuple[bytes, bytes]], raw: bytes
) -> bytes:
    """The decision for the request with ``headers`` (ASGI's raw pairs) and body ``raw``,
    as the answer's JSON once the decision is stored (``commits``); raises the errors the
    problem renderer answers."""
    engine.access.authenticate(key_of(headers), Scope.DECIDE)
    body = parsed(DecisionIn, raw)
    asked = DecisionRequest(
        body.customer,
        parse_decision_channel(body.channel),
        body.direction,
        parse_context(body.context),
        parse_instant(body.at, "at") if body.at else None,
        body.limit,
    )
    kept: list[DecisionRecord] = []
    # The answer is made before the wait and the decision let go: while a loop turn's
    # decisions wait for their commit, what they leave alive is what the collector sees.
    content = orjson.dumps(decision_view(engine.decisions.decide(asked, keep=kept.append)))
    await commits.stored(kept[0])
    return content


def key_of(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The key a request carries: ``Authorization: Bearer <key>`` or ``X-API-Key`` (the
    first of each header, as ``Request.headers.get`` reads them)."""
    authorization: bytes | None = None
    api_key: bytes | None = None
    for name, value in headers:
        if name == b"authorization" and authorization is None:
            authorization = value
        elif name == b"x-api-key" and api_key is None:
            api_key = value
    if authorization:
        kind, _, credentials = authorization.decode("latin-1").partition(" ")
        if kind.lower() == "bearer" and credentials:
            return credentials
    return None if api_key is None else api_key.decode("latin-1")


def parsed(model: type[DecisionIn], raw: bytes) -> DecisionIn:
    """The body validated by pydantic straight from JSON; its errors as the API's others."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False), body=raw) from None
