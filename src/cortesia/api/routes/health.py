"""Liveness, for load balancers and ``make run``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The service is up (no key needed)")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
