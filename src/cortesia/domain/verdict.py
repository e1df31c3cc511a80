"""Verdicts: may we contact this customer, and every reason why or why not.

A contact check evaluates every layer and keeps every reason, allowing or denying,
so that a compliance officer reads the whole argument. Any denying reason denies.

>>> ok = Reason(Layer.JURISDICTION, "CO-3", True, "Tuesday 10:00 America/Bogota is in hours")
>>> no = Reason(Layer.CONSENT, "consent.opted_out", False, "opted out of sms marketing")
>>> verdict = Verdict.of([ok, no])
>>> verdict.allowed, [r.rule for r in verdict.denials()]
(False, ['consent.opted_out'])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Layer(StrEnum):
    """Where a reason comes from, in the order a check evaluates them."""

    CONSENT = "consent"
    REGISTRY = "registry"
    JURISDICTION = "jurisdiction"
    COMPANY = "company"


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule's finding: which layer, which rule, allowed or not, what it saw, and the law."""

    layer: Layer
    rule: str
    allowed: bool
    detail: str
    citation: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "layer": self.layer.value,
            "rule": self.rule,
            "allowed": self.allowed,
            "detail": self.detail,
            "citation": self.citation,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to one contact question: allowed only when no reason denies."""

    allowed: bool
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, reasons: Iterable[Reason]) -> Verdict:
        kept = tuple(reasons)
        return cls(all(r.allowed for r in kept), kept)

    def denials(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.allowed)

    def as_dict(self) -> dict[str, object]:
        return {"allowed": self.allowed, "reasons": [r.as_dict() for r in self.reasons]}
