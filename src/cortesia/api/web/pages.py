"""Rendering the public pages: Jinja2 templates (autoescaped), Spanish or English."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from cortesia.api.web.texts import TEXTS, channel_label, choose_language, purpose_label
from cortesia.api.web.wording import done_message, marketing_line, scope_line
from cortesia.domain.vocabulary import ConsentStatus
from cortesia.engine.unsubscribe import LinkStanding

PUBLIC_PREFIX = "/u/"
TEMPLATES = Path(__file__).parent / "templates"

# The token in the address is a capability: never send it on as a Referer, never cache
# or index the page, and load nothing from elsewhere.
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
_KNOWN_PROBLEMS = frozenset({"bad-token", "expired-token", "rate-limited", "validation"})


class Pages:
    """The templates of the public pages, loaded once per app."""

    def __init__(self) -> None:
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @staticmethod
    def language(request: Request) -> str:
        return choose_language(
            request.headers.get("accept-language", ""), request.query_params.get("lang")
        )

    def render(
        self,
        request: Request,
        template: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: object,
    ) -> HTMLResponse:
        lang = self.language(request)
        html = self._env.get_template(template).render(
            lang=lang, t=TEXTS[lang], path=request.url.path, **context
        )
        merged = {**SECURITY_HEADERS, **(headers or {})}
        return HTMLResponse(html, status_code=status, headers=merged)

    def preferences(self, request: Request, token: str, standing: LinkStanding) -> HTMLResponse:
        """The preference centre: where the person stands, and the choices still open."""
        lang = self.language(request)
        claims = standing.claims
        scope_out = standing.scope.status is ConsentStatus.OPTED_OUT
        return self.render(
            request,
            "preferences.html",
            action=f"{PUBLIC_PREFIX}{token}/choice?lang={lang}",
            channel=channel_label(lang, claims.channel.value),
            purpose=purpose_label(lang, claims.purpose),
            erased=standing.erased,
            scope_line=scope_line(lang, standing),
            marketing_line=marketing_line(lang, standing),
            offer_topic=not scope_out,
            offer_all=standing.all_marketing.status is not ConsentStatus.OPTED_OUT,
            offer_snooze=not scope_out,
        )

    def done(
        self, request: Request, token: str, standing: LinkStanding, choice: str
    ) -> HTMLResponse:
        """What a choice did, in words, with the way back to the preference centre."""
        lang = self.language(request)
        return self.render(
            request,
            "done.html",
            message=done_message(lang, standing, choice),
            back=f"{PUBLIC_PREFIX}{token}?lang={lang}",
        )

    @staticmethod
    def done_url(request: Request, token: str, choice: str) -> str:
        """Where a choice's POST sends the browser (POST-redirect-GET)."""
        lang = Pages.language(request)
        return f"{PUBLIC_PREFIX}{token}/done?{urlencode({'choice': choice, 'lang': lang})}"

    def problem(
        self, request: Request, status: int, slug: str, headers: Mapping[str, str]
    ) -> HTMLResponse:
        """A page saying what went wrong and that nothing changed."""
        kind = slug if slug in _KNOWN_PROBLEMS else "other"
        if status == 422:
            status = 400  # a person's form, not an API body: plain Bad Request
        return self.render(request, "problem.html", status=status, headers=headers, kind=kind)
