"""Public pages behind unsubscribe links: one-click (RFC 8058) and the preference centre.

No API key: the signed token in the address is the capability, so the forms need no
CSRF token (a forged request could only withdraw consent for the token's holder).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse

from cortesia.api.deps import EngineDep, PagesDep, client_ip, rate_limit, rate_limit_per_link
from cortesia.api.web.pages import SECURITY_HEADERS
from cortesia.errors import ValidationError

router = APIRouter(prefix="/u", tags=["unsubscribe"])
PerClient = [Depends(rate_limit)]
PerLink = [Depends(rate_limit_per_link)]
ONE_CLICK = "One-Click"


def _evidence(request: Request) -> dict[str, str]:
    return {"ip": client_ip(request), "user_agent": request.headers.get("user-agent", "")[:300]}


@router.get(
    "/{token}", response_class=HTMLResponse, dependencies=PerClient, summary="Preference centre"
)
def preference_centre(
    token: str, request: Request, engine: EngineDep, pages: PagesDep
) -> HTMLResponse:
    claims = engine.unsubscribe.read(token)
    return pages.preferences(request, token, claims)


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
    "/{token}/choice", response_class=HTMLResponse, dependencies=PerClient, summary="Apply a choice"
)
def choose(
    token: str,
    choice: Annotated[str, Form(max_length=32)],
    request: Request,
    engine: EngineDep,
    pages: PagesDep,
) -> HTMLResponse:
    claims = engine.unsubscribe.read(token)
    result = engine.unsubscribe.choose(token, choice, _evidence(request))
    return pages.done(request, claims, choice, result.event.until)
