"""The engine's own checks on the rows of a body that pydantic refused.

Pydantic checks each field alone; the engine checks a row as a whole (a snooze
needs its end, an instant may not be in the future). When pydantic refuses some
rows of a batch, the engine never sees the body, so its problems with the *other*
rows would only show on the next attempt. Running the engine's parser on the rows
pydantic accepted lists every problem in one answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.requests import Request

from cortesia.api.schemas import MAX_BATCH
from cortesia.engine.consent_input import parse_consent_event
from cortesia.engine.hub import Engine
from cortesia.errors import ConflictError, FieldProblem, ValidationError

CONSENT_EVENTS = "/v1/consent-events"


def engine_row_problems(
    request: Request, body: object, found: Sequence[FieldProblem]
) -> list[FieldProblem]:
    """Problems the engine finds in the rows without a pydantic problem (consent events)."""
    engine: Engine | None = request.app.state.engine
    if request.url.path != CONSENT_EVENTS or engine is None or not isinstance(body, Mapping):
        return []
    batch = "events" in body
    rows = body["events"] if batch else [body]
    if not isinstance(rows, list) or len(rows) > MAX_BATCH:
        return []
    refused = {p.row for p in found}
    now = engine.clock.now()
    problems: list[FieldProblem] = []
    for index, row in enumerate(rows):
        number = index if batch else None
        if number in refused or not isinstance(row, Mapping):
            continue
        try:
            parse_consent_event({k: v for k, v in row.items() if v is not None}, now=now)
        except ValidationError as error:
            problems.extend(
                FieldProblem(p.field, p.value, p.reason, number) for p in error.problems
            )
    return problems


def merged(first: Sequence[FieldProblem], more: Sequence[FieldProblem]) -> list[FieldProblem]:
    """Both lists in row order (a stable sort keeps each row's own order)."""
    return sorted([*first, *more], key=lambda p: -1 if p.row is None else p.row)


def conflicting_row(rows: Sequence[Mapping[str, object]], key: object) -> int | None:
    """The row of a batch that reuses idempotency ``key`` for a different statement.

    Within one customer's rows with that key, the first that differs from the first
    of them (the one the key stands for); failing that, the only row using the key
    (its clash is with a stored event), or the first if one customer sends it only
    in identical rows. None when the rows do not say.

    >>> rows = [{"customer_id": "C1", "idempotency_key": "k", "kind": "opt_in"},
    ...         {"customer_id": "C2", "idempotency_key": "k", "kind": "opt_out"},
    ...         {"customer_id": "C1", "idempotency_key": "k", "kind": "opt_out"}]
    >>> conflicting_row(rows, "k")
    2
    """
    firsts: dict[object, Mapping[str, object]] = {}
    using = [n for n, row in enumerate(rows) if row.get("idempotency_key") == key]
    for number in using:
        row = rows[number]
        first = firsts.setdefault(row.get("customer_id"), row)
        if first is not row and first != row:
            return number
    return using[0] if using and len(firsts) == 1 else None


def with_row(error: ConflictError, row: int | None) -> ConflictError:
    """``error`` naming the row of the batch it is about."""
    if row is None:
        return error
    problem = error.problem
    named = ConflictError(problem.field, problem.value, problem.reason)
    named.problem = FieldProblem(problem.field, problem.value, problem.reason, row)
    named.args = (named.problem.describe(),)
    return named
