"""Public pages behind unsubscribe links: one-click (RFC 8058) and the preference centre.

No API key: the signed token in the address is the capability, so the forms need no
CSRF token (a forged request could only withdraw consent for the token's holder).
"""

from __future__ import annotations

import contextlib
import ipaddress
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from cortesia.api.deps import EngineDep, PagesDep, client_ip, rate_limit, rate_limit_per_link
from cortesia.api.web.pages import SECURITY_HEADERS, Pages
from cortesia.engine.unsubscribe import CHOICES
from cortesia.errors import ValidationError

router = APIRouter(prefix="/u", tags=["unsubscribe"])
PerClient = [Depends(rate_limit)]
PerLink = [Depends(rate_limit_per_link)]
ONE_CLICK = "One-Click"


def _evidence(request: Request) -> dict[str, str]:
    # Keep only what is really there: a proxy may hide the address, a client the agent.
    evidence: dict[str, str] = {}
    address = client_ip(request)
    with contextlib.suppress(ValueError):
        evidence["ip"] = str(ipaddress.ip_address(address))
    agent = request.headers.get("user-agent", "").strip()[:300]
    if agent and agent.isprintable():
        evidence["user_agent"] = agent
    return evidence


@router.get(
    "/{token}", response_class=HTMLResponse, dependencies=PerClient, summary="Preference centre"
)
def preference_centre(
    token: str, request: Request, engine: EngineDep, pages: PagesDep
) -> HTMLResponse:
    return pages.preferences(request, token, engine.unsubscribe.standing(token))


# Mail scanners check links with HEAD before delivering: same answer as GET, no body,
# limited per link (they speak for many recipients, like one-click senders).
router.add_api_route(
    "/{token}",
    preference_centre,
    methods=["HEAD"],
    dependencies=PerLink,
    include_in_schema=False,
    response_class=HTMLResponse,
)


@router.post(
    "/{token}", response_class=PlainTextResponse, dependencies=PerLink, summary="RFC 8058 one-click"
)
async def one_click(token: str, request: Request, engine: EngineDep) -> PlainTextResponse:
    async with request.form(max_files=0, max_fields=4) as form:
        pairs = list(form.multi_items())
    if pairs != [("List-Unsubscribe", ONE_CLICK)]:
        shown = "&".join(f"{k}={v}" for k, v in pairs if isinstance(v, str))
        raise ValidationError("body", shown, "one-click needs exactly List-Unsubscribe=One-Click")
    await run_in_threadpool(engine.unsubscribe.one_click, token, _evidence(request))
    return PlainTextResponse("unsubscribed\n", headers=SECURITY_HEADERS)


@router.post(
    "/{token}/choice",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=PerClient,
    summary="Apply a choice, then see what it did (303 to the confirmation)",
)
def choose(
    token: str,
    choice: Annotated[str, Form(max_length=32)],
    request: Request,
    engine: EngineDep,
) -> RedirectResponse:
    engine.unsubscribe.choose(token, choice, _evidence(request))
    # POST-redirect-GET: refreshing the confirmation never submits the choice again.
    url = Pages.done_url(request, token, choice)
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


@router.get(
    "/{token}/done", response_class=HTMLResponse, dependencies=PerClient, summary="Confirmation"
)
def confirmation(
    token: str,
    choice: Annotated[str, Query(max_length=32)],
    request: Request,
    engine: EngineDep,
    pages: PagesDep,
) -> HTMLResponse:
    if choice not in CHOICES:
        raise ValidationError("choice", choice, f"use one of {', '.join(CHOICES)}")
    return pages.done(request, token, engine.unsubscribe.standing(token), choice)
