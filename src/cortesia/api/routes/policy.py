"""Contact policy: may we contact this customer, and what the law of a place says."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from cortesia.api.deps import Decide, EngineDep
from cortesia.api.policy_schemas import LegalCheckIn, PolicyCheckIn
from cortesia.domain.vocabulary import ConsentStatus, parse_channel, parse_purpose
from cortesia.engine.instants import iso, parse_instant, parse_wall_instant
from cortesia.engine.policy import ActionRef
from cortesia.engine.policy_views import (
    company_view,
    pack_view,
    reservation_view,
    verdict_view,
)

router = APIRouter(tags=["policy"])
Country = Annotated[str, Path(min_length=2, max_length=2, examples=["CO"])]


@router.post("/v1/policy/check", summary="Allowed or not, with every reason; optionally reserve")
def check(body: PolicyCheckIn, engine: EngineDep, _: Decide) -> dict[str, Any]:
    at = parse_instant(body.at, "at") if body.at else engine.clock.now()
    channel, purpose = parse_channel(body.channel), parse_purpose(body.purpose)
    ref = ActionRef(body.action, body.action_group, body.category, body.subject)
    context = {
        "customer": body.customer,
        "channel": channel.value,
        "purpose": purpose,
        "at": iso(at),
    }
    if body.reserve:
        held = engine.policy.reserve(body.customer, channel, purpose, at, ref, body.direction)
        return reservation_view(held, **context)
    verdict = engine.policy.check(body.customer, channel, purpose, at, ref, body.direction)
    return verdict_view(verdict, **context)


@router.post("/v1/policy/legal", summary="The bare legal check for a place and local time")
def legal(body: LegalCheckIn, engine: EngineDep, _: Decide) -> dict[str, Any]:
    at = parse_wall_instant(body.at, "at")
    channel, purpose = parse_channel(body.channel), parse_purpose(body.purpose)
    verdict = engine.policy.legal(
        body.country,
        channel,
        purpose,
        at,
        body.subdivision,
        body.time_zone,
        ConsentStatus(body.consent),
    )
    context = {
        "country": body.country.upper(),
        "subdivision": body.subdivision,
        "channel": channel.value,
        "purpose": purpose,
        "at": at.isoformat(),
    }
    return verdict_view(verdict, **context)


@router.get("/v1/policy/packs", summary="The jurisdiction packs shipped")
def packs(engine: EngineDep, _: Decide) -> dict[str, Any]:
    views = [pack_view(engine.policy.pack(c)) for c in engine.policy.countries()]
    return {
        "packs": [
            {
                "country": v["country"],
                "name": v["name"],
                "version": v["version"],
                "rules": len(v["rules"]),
            }
            for v in views
        ]
    }


@router.get("/v1/policy/packs/{country}", summary="One country's pack, with citations")
def pack(country: Country, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return pack_view(engine.policy.pack(country))


@router.get("/v1/policy/company", summary="The company contact policy in force")
def company(engine: EngineDep, _: Decide) -> dict[str, Any]:
    return company_view(engine.policy.company())
