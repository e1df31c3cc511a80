"""JSON shapes of contact-policy answers and packs, shared by the CLI and the API."""

from __future__ import annotations

from typing import Any

from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.pack import (
    ConsentRule,
    FrequencyRule,
    HoursRule,
    NoticeRule,
    Pack,
    RegistryRule,
    Rule,
)
from cortesia.domain.policy.rules import Exemption
from cortesia.domain.verdict import Verdict
from cortesia.engine.instants import iso
from cortesia.engine.policy import Reservation


def verdict_view(verdict: Verdict, **context: object) -> dict[str, Any]:
    """``{"allowed", "reasons": [...]}`` plus what was asked (customer, channel, …)."""
    return {**{k: v for k, v in context.items() if v is not None}, **verdict.as_dict()}


def reservation_view(reservation: Reservation, **context: object) -> dict[str, Any]:
    held = reservation.contact
    view = verdict_view(reservation.verdict, **context)
    view["reservation"] = (
        None
        if held is None
        else {"contact_id": held.contact_id, "expires_at": iso(held.expires_at)}
    )
    return view


def _exemption(exemption: Exemption) -> dict[str, Any]:
    found = {
        "kind": exemption.kind.value,
        "purchase_within_months": exemption.purchase_within_months,
        "inquiry_within_months": exemption.inquiry_within_months,
        "interaction_within_months": exemption.interaction_within_months,
        "active_contract": exemption.active_contract or None,
        "same_product": exemption.same_product or None,
        "citation": exemption.citation,
    }
    return {k: v for k, v in found.items() if v is not None}


def _values(rule: Rule) -> dict[str, Any]:
    if isinstance(rule, HoursRule):
        holidays = (
            "regional"
            if rule.regional_holidays
            else "closed"
            if rule.closed_on_holidays
            else "open"
        )
        return {"hours": rule.hours.describe(), "holidays": holidays}
    if isinstance(rule, ConsentRule):
        return {"need": rule.need.value}
    if isinstance(rule, FrequencyRule):
        return {
            "window": rule.window.describe(),
            "limit": rule.limit,
            "max_channels": rule.max_channels,
            "per_channel": rule.per_channel,
            "per_subject": rule.per_subject,
            "counting": rule.counting.value,
        }
    if isinstance(rule, RegistryRule):
        return {
            "registry": rule.registry,
            "max_snapshot_age_days": rule.max_snapshot_age_days,
            "effect_delay_days": rule.effect_delay_days,
        }
    return {
        "duty": rule.duty,
        "text": rule.text,
        "deadline_days": rule.deadline_days,
        "business_days": rule.business_days,
    }


def _kind(rule: Rule) -> str:
    kinds: list[tuple[type, str]] = [
        (HoursRule, "hours"),
        (ConsentRule, "consent"),
        (FrequencyRule, "frequency"),
        (RegistryRule, "registry"),
        (NoticeRule, "notice"),
    ]
    return next(name for cls, name in kinds if isinstance(rule, cls))


def rule_view(rule: Rule) -> dict[str, Any]:
    meta, scope = rule.meta, rule.scope
    exemptions = getattr(rule, "exemptions", ())
    return {
        "id": meta.rule_id,
        "kind": _kind(rule),
        "title": meta.title,
        "channels": sorted(c.value for c in scope.channels),
        "purposes": sorted(scope.purposes),
        "subdivisions": sorted(scope.subdivisions),
        "sectors": sorted(scope.sectors),
        **_values(rule),
        "exemptions": [_exemption(e) for e in exemptions],
        "citation": meta.citation,
        "url": meta.url,
        "confidence": meta.confidence.value,
        "needs_review": meta.needs_review,
        "effective_from": iso_day(meta.effective_from),
        "effective_to": iso_day(meta.effective_to),
        "note": meta.note,
    }


def iso_day(day: object) -> str | None:
    return None if day is None else str(day)


def pack_view(pack: Pack) -> dict[str, Any]:
    return {
        "country": pack.country,
        "name": pack.name,
        "version": pack.version,
        "holiday_country": pack.holiday_country,
        "sources": pack.sources,
        "rules": [rule_view(r) for r in pack.rules],
    }


def company_view(policy: CompanyPolicy) -> dict[str, Any]:
    """The company policy in force, with its version and file digest."""
    return {
        "name": policy.name,
        "version": policy.version,
        "digest": policy.digest,
        "sector": policy.sector,
        "unknown_consent": "allow" if policy.unknown_consent_allowed else "deny",
        "apply_needs_review": policy.apply_needs_review,
        "reservation_minutes": policy.reservation_minutes,
        "caps": [
            {
                "id": cap.rule_id,
                "limit": cap.spec.limit,
                "max_channels": cap.spec.max_channels,
                "window": cap.spec.window.describe(),
                "channels": sorted(c.value for c in cap.spec.channels),
                "purposes": sorted(cap.spec.purposes),
                "action_groups": sorted(cap.spec.action_groups),
                "categories": sorted(cap.spec.categories),
                "when": None if cap.when is None else cap.when.describe(),
            }
            for cap in policy.caps
        ],
        "cool_offs": [
            {
                "id": c.rule_id,
                "after": c.after.value,
                "hours": c.duration.total_seconds() / 3600,
                "same": c.same.value,
            }
            for c in policy.cool_offs
        ],
        "windows": [
            {
                "id": w.rule_id,
                "hours": w.hours.describe(),
                "action_groups": sorted(w.action_groups),
                "categories": sorted(w.categories),
            }
            for w in policy.windows
        ],
    }
