"""Whether an exemption waives a rule for this recipient and question."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cortesia.domain.policy.context import Question, Recipient
from cortesia.domain.policy.rules import (
    CONTRACT_ACTIVE,
    CONTRACT_PRODUCT,
    LAST_INQUIRY,
    LAST_INTERACTION,
    LAST_PURCHASE,
    Exemption,
    ExemptionKind,
    attribute_date,
    months_before,
)
from cortesia.domain.vocabulary import ConsentStatus


def _recent(recipient: Recipient, name: str, months: int | None, today: date) -> str | None:
    if months is None:
        return None
    seen = attribute_date(recipient.attributes, name)
    if seen is not None and months_before(today, months) <= seen <= today:
        return f"{name} {seen.isoformat()} is within {months} months"
    return None


def _relationship(exemption: Exemption, recipient: Recipient, question: Question) -> str | None:
    today = question.at.astimezone(recipient.zone).date()
    if exemption.same_product:
        product = recipient.attributes.get(CONTRACT_PRODUCT)
        if not product or product != question.action_group:
            return None
    found = (
        _recent(recipient, LAST_PURCHASE, exemption.purchase_within_months, today)
        or _recent(recipient, LAST_INQUIRY, exemption.inquiry_within_months, today)
        or _recent(recipient, LAST_INTERACTION, exemption.interaction_within_months, today)
    )
    active = recipient.attributes.get(CONTRACT_ACTIVE) is True
    if found is None and exemption.active_contract and active:
        found = "an active contract"
    if found is None:
        return None
    scope = f" for its product {question.action_group}" if exemption.same_product else ""
    return f"existing customer relationship: {found}{scope}"


def exemption_holds(exemption: Exemption, recipient: Recipient, question: Question) -> str | None:
    """What waives the rule, in words, or None when this exemption does not hold."""
    if exemption.kind is ExemptionKind.CONSENT:
        if recipient.consent is ConsentStatus.OPTED_IN:
            since = recipient.consent_since
            when = f" on {since.date().isoformat()}" if since else ""
            return f"the customer opted in to {question.channel} {question.purpose}{when}"
        return None
    if exemption.kind is ExemptionKind.INBOUND:
        return "the customer asked for this contact" if question.direction == "inbound" else None
    return _relationship(exemption, recipient, question)


def first_waiver(
    exemptions: Sequence[Exemption], recipient: Recipient, question: Question
) -> str | None:
    """The first exemption that holds, described, or None."""
    for exemption in exemptions:
        found = exemption_holds(exemption, recipient, question)
        if found is not None:
            return found
    return None
