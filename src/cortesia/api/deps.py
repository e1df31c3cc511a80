"""Dependencies of the routes, as ``Annotated`` aliases."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from cortesia.api.ratelimit import SlidingWindowLimiter
from cortesia.api.web.pages import Pages
from cortesia.domain.access import ApiKeyRecord, Scope
from cortesia.engine.hub import Engine

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <key>")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the key, bare")


# Plain lookups and one indexed read: ``async`` keeps them on the event loop, off the
# thread pool (a hop there costs more than the work).
async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


EngineDep = Annotated[Engine, Depends(get_engine)]
PagesDep = Annotated[Pages, Depends(get_pages)]


def client_ip(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request) -> None:
    """Spend one of the client's public-page tokens, or refuse with 429."""
    limiter: SlidingWindowLimiter = request.app.state.limiter
    limiter.take(client_ip(request))


def rate_limit_per_link(request: Request, token: str) -> None:
    """Like ``rate_limit``, with one bucket per client and link.

    RFC 8058 one-click requests come from the mailbox provider's servers, so one
    address speaks for many recipients: a bucket per address alone would refuse
    their unsubscribes in the middle of a campaign. Forged tokens cost no store access.
    """
    limiter: SlidingWindowLimiter = request.app.state.limiter
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    limiter.take(f"{client_ip(request)} {digest}")


# How a route that reads its key itself (``presented_key``) shows it in the OpenAPI document.
KEY_SECURITY: list[dict[str, list[str]]] = [{"HTTPBearer": []}, {"APIKeyHeader": []}]


def require(scope: Scope) -> Callable[..., Awaitable[ApiKeyRecord]]:
    """A dependency that authenticates the caller's key and checks ``scope``."""

    async def authenticated(
        engine: EngineDep,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        api_key: Annotated[str | None, Depends(_api_key)],
    ) -> ApiKeyRecord:
        presented = bearer.credentials if bearer is not None else api_key
        return engine.access.authenticate(presented, scope)

    return authenticated


Admin = Annotated[ApiKeyRecord, Depends(require(Scope.ADMIN))]
ConsentRead = Annotated[ApiKeyRecord, Depends(require(Scope.CONSENT_READ))]
ConsentWrite = Annotated[ApiKeyRecord, Depends(require(Scope.CONSENT_WRITE))]
CustomersRead = Annotated[ApiKeyRecord, Depends(require(Scope.CUSTOMERS_READ))]
CustomersWrite = Annotated[ApiKeyRecord, Depends(require(Scope.CUSTOMERS_WRITE))]
Decide = Annotated[ApiKeyRecord, Depends(require(Scope.DECIDE))]
ReportsRead = Annotated[ApiKeyRecord, Depends(require(Scope.REPORTS_READ))]
