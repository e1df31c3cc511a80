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
_MAX_TEXT = 500

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
        return {
            "type": f"urn:cortesia:problem:{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "errors": [
                {"row": p.row, "field": p.field, "value": json_safe(p.value), "reason": p.reason}
                for p in self.errors
            ],
        }


def json_safe(value: object) -> object:
    """``value`` as JSON can carry it; long text is cut so errors never echo a whole body."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in list(value)[:50]]
    return json_safe(str(value))


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
        loc = [part for part in item.get("loc", ()) if part not in BODY_TAGS]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie") and len(loc) > 1:
            loc = loc[1:]
        row = None
        if len(loc) > 1 and loc[0] in ("events", "customers") and isinstance(loc[1], int):
            row, loc = loc[1], loc[2:]
        value = None if item.get("type") == "missing" else item.get("input")
        name = ".".join(str(part) for part in loc) or "body"
        found.append(FieldProblem(name, value, str(item.get("msg", "invalid")), row))
    return found


class ProblemRenderer:
    """Renders problems as JSON for the API and as pages for people."""

    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def respond(self, request: Request, problem: Problem) -> Response:
        if request.url.path.startswith(PUBLIC_PREFIX):
            return self._pages.problem(request, problem.status, problem.slug, problem.headers)
        return JSONResponse(
            problem.document(request.url.path),
            status_code=problem.status,
            media_type=PROBLEM_JSON,
            headers=dict(problem.headers),
        )

    async def on_domain_error(self, request: Request, error: Exception) -> Response:
        if not isinstance(error, CortesiaError):
            return await self.on_unexpected(request, error)
        return self.respond(request, problem_of(error))

    async def on_request_error(self, request: Request, error: Exception) -> Response:
        if not isinstance(error, RequestValidationError):
            return await self.on_unexpected(request, error)
        problems = _request_problems(error)
        detail = f"{len(problems)} problem(s) in the request; first: {problems[0].describe()}"
        return self.respond(request, Problem(422, "validation", "Invalid input", detail, problems))

    async def on_http_error(self, request: Request, error: Exception) -> Response:
        if not isinstance(error, StarletteHTTPException):
            return await self.on_unexpected(request, error)
        slug = "not-found" if error.status_code == 404 else "http"
        text = str(error.detail)
        headers = dict(error.headers or {})
        return self.respond(request, Problem(error.status_code, slug, text, text, (), headers))

    async def on_unexpected(self, request: Request, error: Exception) -> Response:
        # Starlette re-raises after this answer, so the server logs the traceback once.
        detail = "an unexpected error occurred; it has been logged"
        return self.respond(request, Problem(500, "internal", "Internal error", detail))


def install(app: FastAPI, pages: Pages) -> None:
    """Route every error of ``app`` through the problem renderer."""
    renderer = ProblemRenderer(pages)
    app.add_exception_handler(CortesiaError, renderer.on_domain_error)
    app.add_exception_handler(RequestValidationError, renderer.on_request_error)
    app.add_exception_handler(StarletteHTTPException, renderer.on_http_error)
    app.add_exception_handler(Exception, renderer.on_unexpected)
