"""The decision's fast lane: ``POST /v1/decisions`` answered at the edge of the app.

A decision is the service's hot path, and FastAPI's way to it — matching every router,
building the request and response objects, its exception layers — cost about 0.2 ms of a
1.4 ms request. This ASGI middleware answers that one request directly with the
route's own function (``decision_answer``), so both give the same answer, and errors go
through the same problem renderer. Everything else goes to the app unchanged, and so
does a decision request the lane does not take plainly: no ``Content-Length`` (chunked),
a body over the limit, another method, or the app mounted under a prefix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi.exceptions import RequestValidationError
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cortesia.api.decision_answer import DECISIONS_PATH, decision_answer
from cortesia.api.problems import ProblemRenderer
from cortesia.errors import CortesiaError

_JSON = b"application/json"


class DecisionLane:
    """ASGI middleware answering ``POST /v1/decisions`` without the app's routing."""

    def __init__(
        self, app: ASGIApp, *, state: State, max_bytes: int, renderer: ProblemRenderer
    ) -> None:
        self.app = app
        self.state = state
        self.max_bytes = max_bytes
        self.renderer = renderer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _taken(scope, self.max_bytes)
        if declared is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: nobody to answer
                return
            chunk = message.get("body", b"")
            chunks.append(chunk)
            seen += len(chunk)
            if seen > self.max_bytes:  # more than declared: the app's limit answers
                await self.app(scope, _replayed(chunks, message, receive), send)
                return
            if not message.get("more_body", False):
                break
        await self._answer(scope, b"".join(chunks), send)

    async def _answer(self, scope: Scope, raw: bytes, send: Send) -> None:
        try:
            state = self.state
            content = await decision_answer(state.engine, state.commits, scope["headers"], raw)
        except CortesiaError as error:
            await self._problem(scope, send, self.renderer.on_domain_error, error)
            return
        except RequestValidationError as error:
            await self._problem(scope, send, self.renderer.on_request_error, error)
            return
        length = str(len(content)).encode()
        headers = [(b"content-length", length), (b"content-type", _JSON)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _problem(
        self,
        scope: Scope,
        send: Send,
        handler: Callable[[Request, Exception], Awaitable[Response]],
        error: Exception,
    ) -> None:
        response = await handler(Request(scope), error)
        await response(scope, _nothing, send)


def _taken(scope: Scope, limit: int) -> int | None:
    """The declared body length of a decision request the lane takes; None for others."""
    if (
        scope["type"] != "http"
        or scope["path"] != DECISIONS_PATH
        or scope["method"] != "POST"
        or scope.get("root_path")
    ):
        return None
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                return None
            return declared if 0 <= declared <= limit else None
    return None


def _replayed(chunks: list[bytes], last: Message, receive: Receive) -> Receive:
    """``receive`` giving back the chunks already read first, then the rest."""
    pending: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks[:-1]
    ]
    pending.append(last)

    async def again() -> Message:
        return pending.pop(0) if pending else await receive()

    return again


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
