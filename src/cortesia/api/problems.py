"""Every error the service answers, as RFC 9457 problem details, in one place.

API routes answer ``application/problem+json``::

    {"type": "urn:cortesia:problem:validation", "title": "Invalid input", "status": 422,
     "detail": "...", "instance": "/v1/consent-events",
     "errors": [{"row": 3, "field": "channel", "value": "fax", "reason": "unknown channel ..."}]}

Public pages (``/u/…``) are read by people, not programs: the same problem is
rendered as an HTML page in the visitor's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cortesia.api.row_checks import engine_row_problems, merged
from cortesia.api.safe_json import json_safe, safe_text
from cortesia.api.schemas import BODY_TAGS
from cortesia.api.web.pages import PUBLIC_PREFIX, Pages
from cortesia.engine.unsubscribe import EXPIRED
from cortesia.errors import (
    AuthError,
    BatchValidationError,
    ConflictError,
    CortesiaError,
    FieldProblem,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    StoreError,
    TokenError,
    ValidationError,
)

PROBLEM_JSON = "application/problem+json"
_MAX_DETAIL = 2000  # our own sentences: longer than an echoed value, still bounded

# Most specific first: the first matching class decides.
_KINDS: tuple[tuple[type[CortesiaError], int, str, str], ...] = (
    (BatchValidationError, 422, "validation", "Invalid input"),
    (ValidationError, 422, "validation", "Invalid input"),
    (NotFoundError, 404, "not-found", "Not found"),
    (ForbiddenError, 403, "forbidden", "Forbidden"),
    (AuthError, 401, "unauthorized", "Unauthorized"),
    (ConflictError, 409, "conflict", "Conflict"),
    (RateLimitedError, 429, "rate-limited", "Too many requests"),
    (TokenError, 400, "bad-token", "Invalid link"),
    (StoreError, 503, "store-unavailable", "Service unavailable"),
)

_HTTP_KINDS = {
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Content too large"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem-details document before it is rendered."""

    status: int
    slug: str
    title: str
    detail: str
    errors: Sequence[FieldProblem] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def document(self, instance: str) -> dict[str, Any]:
        """The JSON document; every part is made safe, so rendering it cannot fail."""
        return {
            "type": f"urn:cortesia:problem:{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": safe_text(self.detail, _MAX_DETAIL),
            "instance": safe_text(instance, _MAX_DETAIL),
            "errors": [_entry(p) for p in self.errors],
        }


def _entry(problem: FieldProblem) -> dict[str, object]:
    row = problem.row if isinstance(problem.row, int) else None
    return {
        "row": row,
        "field": safe_text(problem.field),
        "value": json_safe(problem.value),
        "reason": safe_text(problem.reason, _MAX_DETAIL),
    }


def problem_of(error: CortesiaError) -> Problem:
    """The problem a domain error stands for."""
    status, slug, title = next(
        ((s, g, t) for kind, s, g, t in _KINDS if isinstance(error, kind)),
        (500, "internal", "Internal error"),
    )
    detail, errors, headers = str(error), list[FieldProblem](), dict[str, str]()
    if isinstance(error, ValidationError):
        errors = error.problems
    elif isinstance(error, ConflictError):
        errors = [error.problem]
    elif isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(error.retry_after_s)
    elif isinstance(error, TokenError) and error.reason == EXPIRED:
        status, slug, title = 410, "expired-token", "Expired link"
    elif isinstance(error, StoreError):
        detail = "the store cannot be reached; try again shortly"  # never leak SQL text
    return Problem(status, slug, title, detail, errors, headers)


def _request_problems(error: RequestValidationError) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    for item in error.errors():
        if item.get("type") == "json_invalid":
            found.append(_json_problem(error.body, item))
            continue
        loc = [part for part in item.get("loc", ()) if part not in BODY_TAGS]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie") and len(loc) > 1:
            loc = loc[1:]
        row = None
        if len(loc) > 1 and loc[0] in ("events", "customers") and isinstance(loc[1], int):
            row, loc = loc[1], loc[2:]
        value = None if item.get("type") == "missing" else json_safe(item.get("input"))
        name = ".".join(str(part) for part in loc) or "body"
        found.append(FieldProblem(name, value, str(item.get("msg", "invalid")), row))
    return found


def _json_problem(body: object, item: Mapping[str, Any]) -> FieldProblem:
    """A body that is not JSON, located by line and column (not a byte offset)."""
    loc = item.get("loc", ())
    position = loc[-1] if loc and isinstance(loc[-1], int) else 0
    text = body if isinstance(body, str) else ""
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    near = json_safe(text[max(0, position - 20) : position + 20]) if text else None
    message = str(item.get("ctx", {}).get("error", "JSON decode error"))
    return FieldProblem("body", near, f"not valid JSON at line {line}, column {column}: {message}")


class ProblemRenderer:
    """Renders problems as JSON for the API and as pages for people."""

    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def respond(self, request: Request, problem: Problem) -> Response:
        if request.url.path.startswith(PUBLIC_PREFIX):
            return self._pages.problem(request, problem.status, problem.slug, problem.headers)
        try:
            content = problem.document(request.url.path)
            return JSONResponse(content, problem.status, dict(problem.headers), PROBLEM_JSON)
        except Exception:  # the last resort: an answer without the caller's values
            bare = Problem(problem.status, problem.slug, problem.title, problem.title)
            return JSONResponse(bare.document(""), problem.status, media_type=PROBLEM_JSON)

    async def on_domain_error(self, request: Request, error: Exception) -> Response:
        if not isinstance(error, CortesiaError):
            return await self.on_unexpected(request, error)
        return self.respond(request, problem_of(error))

    async def on_request_error(self, request: Request, error: Exception) -> Response:
        if not isinstance(error, RequestValidationError):
            return await self.on_unexpected(request, error)
        found = _request_problems(error)
        problems = merged(found, engine_row_problems(request, error.body, found))
        first = problems[0]
        # Described from its safe echo: repr() of the raw value may itself fail.
        shown = FieldProblem(first.field, json_safe(first.value), first.reason, first.row)
        detail = f"{len(problems)} problem(s) in the request; first: {shown.describe()}"
        return self.respond(request, Problem(422, "validation", "Invalid input", detail, problems))

    async def on_http_error(self, request: Request, error: Exception) -> Response:
        if not isinstance(error, StarletteHTTPException):
            return await self.on_unexpected(request, error)
        slug, title = _HTTP_KINDS.get(error.status_code, ("http", str(error.detail)))
        headers = dict(error.headers or {})
        problem = Problem(error.status_code, slug, title, str(error.detail), (), headers)
        return self.respond(request, problem)

    async def on_unexpected(self, request: Request, error: Exception) -> Response:
        # Starlette re-raises after this answer, so the server logs the traceback once.
        detail = "an unexpected error occurred; it has been logged"
        return self.respond(request, Problem(500, "internal", "Internal error", detail))


def install(app: FastAPI, pages: Pages) -> ProblemRenderer:
    """Route every error of ``app`` through the problem renderer, and return it."""
    renderer = ProblemRenderer(pages)
    app.add_exception_handler(CortesiaError, renderer.on_domain_error)
    app.add_exception_handler(RequestValidationError, renderer.on_request_error)
    app.add_exception_handler(StarletteHTTPException, renderer.on_http_error)
    app.add_exception_handler(Exception, renderer.on_unexpected)
    return renderer
