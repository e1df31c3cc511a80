"""Drafts of consent events for the storage tests and their worker processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cortesia.domain.consent import NewConsentEvent
from cortesia.domain.vocabulary import Channel, ConsentKind, Source

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def draft(
    key: str,
    customer: str = "C1",
    *,
    kind: ConsentKind = ConsentKind.OPT_IN,
    channel: Channel = Channel.EMAIL,
    purpose: str = "marketing",
    minutes: int = 0,
    evidence: dict[str, str] | None = None,
    actor: str | None = None,
) -> NewConsentEvent:
    """One valid draft, ``minutes`` after T0."""
    return NewConsentEvent(
        customer_id=customer,
        channel=channel,
        purpose=purpose,
        kind=kind,
        occurred_at=T0 + timedelta(minutes=minutes),
        source=Source.WEB,
        idempotency_key=key,
        evidence=evidence if evidence is not None else {"text": "signup form", "ip": "192.0.2.1"},
        actor=actor,
    )


def drafts(prefix: str, count: int, customers: int = 50) -> list[NewConsentEvent]:
    """``count`` drafts with keys ``prefix-0..``, spread over ``customers`` customers."""
    return [draft(f"{prefix}-{i}", f"C{i % customers}", minutes=i % 600) for i in range(count)]
