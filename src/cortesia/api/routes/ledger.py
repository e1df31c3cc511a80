"""The ledger's tamper evidence."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from cortesia.api.deps import Admin, EngineDep
from cortesia.domain.chain_check import Anchor

router = APIRouter(tags=["ledger"])


@router.get("/v1/ledger/head", summary="The end of the chain, to keep outside as an anchor")
def ledger_head(engine: EngineDep, _: Admin) -> dict[str, Any]:
    end = engine.ledger_head()
    return {**asdict(end), "anchor": f"{end.last_seq}:{end.last_hash}"}


@router.get("/v1/ledger/verify", summary="Walk the hash chain; report every altered event")
def verify_ledger(
    engine: EngineDep,
    _: Admin,
    anchor: Annotated[list[str] | None, Query(description="SEQ:HASH from /v1/ledger/head")] = None,
) -> dict[str, Any]:
    report = engine.verify_ledger([Anchor.parse(text) for text in anchor or []])
    return {
        "intact": report.intact,
        "events_checked": report.events_checked,
        "problems": [asdict(p) for p in report.problems],
    }
