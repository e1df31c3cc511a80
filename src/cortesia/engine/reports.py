"""The reports of what contacts bring and what they destroy.

Read the decision log, its outcomes and the consent ledger of a period into frames
(``report_frames``) and hand them to the columnar computations of ``cortesia.batch``:
the opt-out economics per action, campaign, channel or segment; the fatigue curve; the
opt-ins recovered by touchpoint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from cortesia.batch.fatigue_curve import fatigue_curve
from cortesia.batch.ih_export import write_ih
from cortesia.batch.optout_report import optout_report
from cortesia.batch.recovered_optins import recovered_optins
from cortesia.engine.catalog import CatalogService
from cortesia.engine.instants import parse_day_or_instant
from cortesia.engine.ports import Clock, Store
from cortesia.engine.report_frames import ReportFrames, report_frames
from cortesia.errors import NotFoundError, ValidationError

DEFAULT_PERIOD = timedelta(days=30)
GROUPINGS = ("action", "campaign", "channel", "segment")
RULES = ("last", "even")


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Decisions made in ``[start, end)``; opt-outs up to ``window_days`` after a contact
    count against it, by ``rule``."""

    start: datetime
    end: datetime
    window_days: float = 7.0
    rule: str = "last"
    confidence: float = 0.95

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            if getattr(self, name).utcoffset() is None:
                raise ValidationError(name, getattr(self, name).isoformat(), "needs a UTC offset")
        if self.end <= self.start:
            reason = f"must come after the start {self.start.isoformat()}"
            raise ValidationError("to", self.end.isoformat(), reason)
        if not 0 < self.window_days <= 365:
            raise ValidationError("window", self.window_days, "must be 1 to 365 days")
        if self.rule not in RULES:
            raise ValidationError("rule", self.rule, f"must be one of {', '.join(RULES)}")
        if not 0.5 <= self.confidence < 1:
            raise ValidationError("confidence", self.confidence, "must be from 0.5 to below 1")

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "window_days": self.window_days,
            "attribution": self.rule,
            "confidence": self.confidence,
        }


class ReportService:
    """Opt-out economics, fatigue and recovered opt-ins of a period."""

    def __init__(self, store: Store, clock: Clock, catalog: CatalogService) -> None:
        self._store = store
        self._clock = clock
        self._catalog = catalog

    def period(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        window_days: float = 7.0,
        rule: str = "last",
        confidence: float = 0.95,
    ) -> ReportPeriod:
        """A period ending now (or at ``end``) and lasting 30 days unless ``start`` says."""
        until = end or self._clock.now()
        return ReportPeriod(start or until - DEFAULT_PERIOD, until, window_days, rule, confidence)

    def period_from_text(
        self,
        start: str | None,
        end: str | None,
        *,
        window_days: float = 7.0,
        rule: str = "last",
        confidence: float = 0.95,
    ) -> ReportPeriod:
        """``period`` from the bounds as callers write them: a date (midnight UTC) or an
        ISO 8601 instant with offset; a bad one is a ValidationError naming from or to."""
        return self.period(
            parse_day_or_instant(start, "from") if start else None,
            parse_day_or_instant(end, "to") if end else None,
            window_days=window_days,
            rule=rule,
            confidence=confidence,
        )

    def frames(self, period: ReportPeriod) -> ReportFrames:
        return report_frames(
            self._store,
            period.start,
            period.end,
            timedelta(days=period.window_days),
            self._segment_attribute(),
        )

    def optout(self, period: ReportPeriod, by: str = "campaign") -> dict[str, Any]:
        """The opt-out economics per ``by``, with the flag ``eroded_exceeds_incremental``."""
        if by not in GROUPINGS:
            raise ValidationError("by", by, f"must be one of {', '.join(GROUPINGS)}")
        found = self.frames(period)
        table = optout_report(
            found.offers,
            found.consent,
            by=by,
            start=period.start,
            end=period.end,
            window_days=period.window_days,
            rule=period.rule,
            confidence=period.confidence,
        )
        if "group" in table.columns and by not in table.columns:
            table = table.rename({"group": by})  # the key under the dimension's own name
        return {"period": period.as_dict(), "by": by, "rows": _rows(table)}

    def optout_table(self, period: ReportPeriod, by: str = "campaign") -> pl.DataFrame:
        """The same report as a frame (for CSV)."""
        rows = self.optout(period, by)["rows"]
        return pl.DataFrame(rows) if rows else pl.DataFrame()

    def fatigue(self, period: ReportPeriod) -> dict[str, Any]:
        """Opt-out rate against recent contacts and days since the last, per segment."""
        found = self.frames(period)
        curve = fatigue_curve(
            found.offers,
            found.consent,
            start=period.start,
            end=period.end,
            window_days=period.window_days,
            rule=period.rule,
            confidence=period.confidence,
        )
        return {"period": period.as_dict(), **curve}

    def optins(self, period: ReportPeriod) -> dict[str, Any]:
        """Opt-ins won back (after an opt-out) by touchpoint, and the value they bring."""
        found = self.frames(period)
        table = recovered_optins(found.consent, start=period.start, end=period.end)
        return {"period": period.as_dict(), "rows": _rows(table)}

    def export_ih(self, period: ReportPeriod, path: Path, include_controls: bool) -> int:
        """Write the period's offers and outcomes as Pega's interaction history."""
        return write_ih(self.frames(period).answers, path, include_controls=include_controls)

    def _segment_attribute(self) -> str:
        try:
            return self._catalog.current().economics.eroded_value_attribute
        except NotFoundError:  # no catalog yet: the default attribute
            return "segment"


def _rows(table: pl.DataFrame) -> list[dict[str, Any]]:
    """JSON-able rows: NaN and infinities become null."""
    return [{k: _clean(v) for k, v in row.items()} for row in table.iter_rows(named=True)]


def _clean(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return value
