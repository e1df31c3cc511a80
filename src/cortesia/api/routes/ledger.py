"""The ledger's tamper evidence."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from cortesia.api.deps import Admin, EngineDep

router = APIRouter(tags=["ledger"])


@router.get("/v1/ledger/verify", summary="Walk the hash chain; report every altered event")
def verify_ledger(engine: EngineDep, _: Admin) -> dict[str, Any]:
    report = engine.verify_ledger()
    return {
        "intact": report.intact,
        "events_checked": report.events_checked,
        "problems": [asdict(p) for p in report.problems],
    }
