"""The FastAPI application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cortesia.api import docs, problems
from cortesia.api.bodylimit import BodyLimit
from cortesia.api.decision_commits import DecisionCommits
from cortesia.api.decision_lane import DecisionLane
from cortesia.api.ratelimit import SlidingWindowLimiter
from cortesia.api.routes import (
    catalog,
    consent,
    contacts,
    customers,
    decisions,
    health,
    ledger,
    models,
    policy,
    reports,
    unsubscribe,
)
from cortesia.api.web.pages import Pages
from cortesia.bootstrap import build_engine
from cortesia.config import Settings
from cortesia.engine.hub import Engine

DESCRIPTION = """\
Consent & preference ledger of Cortesía.

Authenticate with `Authorization: Bearer <key>` (or `X-API-Key: <key>`); create keys
with `cortesia keys create --scope ...`. Errors are RFC 9457 problem details whose
`errors` name the row, field, value and reason of every problem.
"""


def create_app(
    settings: Settings,
    engine: Engine | None = None,
    *,
    max_body_bytes: int | None = None,
    service_process: bool = False,
) -> FastAPI:
    """The HTTP service over ``engine``, or over the workspace ``settings`` name.

    An engine built here is closed when the app shuts down; an engine passed in
    belongs to the caller, who closes it. Bodies over ``max_body_bytes`` (default:
    the ``max_body_bytes`` setting) are refused with 413. ``service_process``: the app
    is the process's whole work (``cortesia serve``), so what it holds once started is
    set aside from garbage collection.
    """
    owned = engine is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.engine is None:
            app.state.engine = build_engine(settings, serving=True)
        if service_process:
            # The engine, its catalog, policy packs and models live as long as the
            # process; a full collection walking them took 80-100 ms, a pause every
            # request then in flight waited out (see docs/decision-throughput.md).
            gc.freeze()
        try:
            yield
        finally:
            if owned and app.state.engine is not None:
                app.state.engine.close()
                app.state.engine = None

    app = FastAPI(
        title="Cortesía",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by cortesia.api.docs, without a CDN
        redoc_url=None,
    )
    app.state.engine = engine
    # Read at each flush: a worker's engine is built when the app starts (lifespan).
    app.state.commits = DecisionCommits(lambda kept: app.state.engine.decisions.record_many(kept))
    app.state.pages = Pages()
    app.state.limiter = SlidingWindowLimiter(settings.public_rate_limit_per_minute)
    renderer = problems.install(app, app.state.pages)
    limit = max_body_bytes or settings.max_body_bytes
    app.add_middleware(BodyLimit, max_bytes=limit, renderer=renderer)
    # Added last, so outermost of ours: decisions skip the routing (see decision_lane).
    app.add_middleware(DecisionLane, state=app.state, max_bytes=limit, renderer=renderer)
    docs.install(app)
    for module in (health, customers, consent, ledger, policy, contacts, decisions, unsubscribe):
        app.include_router(module.router)
    app.include_router(catalog.router)
    app.include_router(models.router)
    app.include_router(reports.router)
    return app


def app_from_environment() -> FastAPI:
    """The service over the workspace the environment names: the factory each worker
    process calls when the service runs several (``cortesia serve --workers N``)."""
    from cortesia.config import get_settings

    return create_app(get_settings(), service_process=True)
