"""The reports: opt-out economics, the fatigue curve, recovered opt-ins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cortesia.api.deps import EngineDep, ReportsRead
from cortesia.engine.hub import Engine
from cortesia.engine.reports import GROUPINGS, RULES, ReportPeriod

router = APIRouter(tags=["reports"])

_BOUND = "A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 instant with offset."
From = Annotated[str | None, Query(alias="from", description=f"Decisions from. {_BOUND}")]
To = Annotated[str | None, Query(description=f"Decisions before. {_BOUND}")]
Window = Annotated[
    float, Query(gt=0, le=365, description="Days after a contact an opt-out counts for it.")
]
Attribution = Annotated[
    str, Query(description=f"Who gets an opt-out: {', '.join(RULES)}.", pattern="^(last|even)$")
]
Confidence = Annotated[float, Query(ge=0.5, lt=1, description="Level of the intervals.")]


def _period(
    engine: Engine, start: str | None, end: str | None, window: float, rule: str, level: float
) -> ReportPeriod:
    reports = engine.reports
    return reports.period_from_text(start, end, window_days=window, rule=rule, confidence=level)


@router.get("/v1/reports/optout", summary="Opt-out economics: what contacts add and erode")
def optout(
    engine: EngineDep,
    _: ReportsRead,
    start: From = None,
    to: To = None,
    by: Annotated[str, Query(description=f"One of {', '.join(GROUPINGS)}.")] = "campaign",
    window: Window = 7.0,
    attribution: Attribution = "last",
    confidence: Confidence = 0.95,
) -> dict[str, Any]:
    """Per action, campaign, channel or segment: contacts, responses, incremental responses
    and value against the control groups, opt-outs, the value they eroded (Σ L of those
    who opted out, attributed to the contacts before), the net value and the flag
    ``eroded_exceeds_incremental``, with confidence intervals."""
    period = _period(engine, start, to, window, attribution, confidence)
    return engine.reports.optout(period, by)


@router.get("/v1/reports/fatigue", summary="Opt-out rate against contact pressure, per segment")
def fatigue(
    engine: EngineDep,
    _: ReportsRead,
    start: From = None,
    to: To = None,
    window: Window = 7.0,
    attribution: Attribution = "last",
    confidence: Confidence = 0.95,
) -> dict[str, Any]:
    return engine.reports.fatigue(_period(engine, start, to, window, attribution, confidence))


@router.get("/v1/reports/optins", summary="Opt-ins recovered by touchpoint, and their value")
def optins(engine: EngineDep, _: ReportsRead, start: From = None, to: To = None) -> dict[str, Any]:
    return engine.reports.optins(_period(engine, start, to, 7.0, "last", 0.95))
