"""A ceiling on request bodies: 413 before a huge body is read into memory.

A declared ``Content-Length`` over the limit is refused before any byte is read;
a body sent without one (chunked) is counted as it streams and refused once it
passes the limit, so neither way fills the server's memory.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cortesia.api.problems import Problem, ProblemRenderer


def too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit:,} bytes"


class BodyLimit:
    """ASGI middleware refusing bodies over ``max_bytes`` with 413 problem details."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, renderer: ProblemRenderer) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.renderer = renderer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            problem = Problem(413, "too-large", "Content too large", too_large(self.max_bytes))
            response = self.renderer.respond(Request(scope), problem)
            await response(scope, receive, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Raised where the route reads its body, so the error handlers answer.
                    raise HTTPException(413, too_large(self.max_bytes))
            return message

        return counted


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
