"""The jurisdiction layer: a pack's hours, holidays, consent and frequency rules.

Rules below high confidence need counsel's review. Unless the workspace applies them,
they are still evaluated and, when they would deny, reported as an allowing reason that
says so, so nobody is surprised when they are switched on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from cortesia.domain.policy.context import ContactIndex, HolidayCalendar, Question, Recipient
from cortesia.domain.policy.counting import CapSpec, cap_finding
from cortesia.domain.policy.exemptions import first_waiver
from cortesia.domain.policy.hours import DAY_NAMES
from cortesia.domain.policy.pack import (
    ConsentNeed,
    ConsentRule,
    Counting,
    FrequencyRule,
    GatingRule,
    HoursRule,
    Pack,
    RegistryRule,
)
from cortesia.domain.verdict import Layer, Reason
from cortesia.domain.vocabulary import ConsentStatus


@dataclass(frozen=True, slots=True)
class LegalContext:
    """Everything the jurisdiction layer reads besides the pack."""

    question: Question
    recipient: Recipient
    history: ContactIndex
    holidays: HolidayCalendar
    apply_review: bool = False


def applicable(pack: Pack, ctx: LegalContext) -> Iterator[GatingRule]:
    """Gating rules of the pack that cover this question and are in force that local day."""
    q, r = ctx.question, ctx.recipient
    today = q.at.astimezone(r.zone).date()
    yield from pack.applicable(q.channel, q.purpose, r.subdivision, r.sector, today)


def legal_reasons(pack: Pack, ctx: LegalContext) -> list[Reason]:
    """One reason per applicable hours, consent and frequency rule (registries elsewhere)."""
    found = [rule_reason(pack, rule, ctx) for rule in applicable(pack, ctx)]
    return [reason for reason in found if reason is not None]


def rule_reason(pack: Pack, rule: GatingRule, ctx: LegalContext) -> Reason | None:
    """One rule's reason; None for registries (their own layer) and for a rule under review
    that is not applied and would allow anyway."""
    if isinstance(rule, RegistryRule):
        return None
    found = _judge(pack, rule, ctx)
    if rule.meta.needs_review and not ctx.apply_review:
        return None if found.allowed else _not_applied(found)
    return found


def reads_subject(rule: GatingRule) -> bool:
    """True when the rule's answer depends on the question's subject."""
    return isinstance(rule, FrequencyRule) and rule.per_subject


def reads_product(rule: GatingRule) -> bool:
    """True when an exemption of the rule compares the action's group to the contract's."""
    return any(e.same_product for e in rule.exemptions)


def _not_applied(found: Reason) -> Reason:
    detail = f"not applied, needs counsel review (would deny: {found.detail})"
    return Reason(found.layer, found.rule, True, detail, found.citation)


def _judge(pack: Pack, rule: HoursRule | ConsentRule | FrequencyRule, ctx: LegalContext) -> Reason:
    if isinstance(rule, HoursRule):
        allowed, detail = _hours(pack, rule, ctx)
    elif isinstance(rule, ConsentRule):
        allowed, detail = _consent(rule, ctx)
    else:
        allowed, detail = cap_finding(_cap(rule), ctx.question, ctx.recipient, ctx.history)
    if not allowed:
        waiver = first_waiver(rule.exemptions, ctx.recipient, ctx.question)
        if waiver is not None:
            allowed, detail = True, f"waived ({waiver}): {detail}"
    return Reason(Layer.JURISDICTION, rule.meta.rule_id, allowed, detail, rule.meta.citation)


def _hours(pack: Pack, rule: HoursRule, ctx: LegalContext) -> tuple[bool, str]:
    r = ctx.recipient
    for zone in r.zones:
        local = ctx.question.at.astimezone(zone)
        second = local.hour * 3600 + local.minute * 60 + local.second
        if not rule.hours.open_at(local.weekday(), second):
            return False, f"{_moment(local, zone)} is outside {rule.hours.describe()}"
        if rule.closed_on_holidays:
            region = r.subdivision if rule.regional_holidays else None
            holiday = ctx.holidays(pack.holiday_country, region, local.date())
            if holiday is not None:
                return False, f"{_moment(local, zone)} is a public holiday ({holiday})"
    return True, f"within {rule.hours.describe()} in {_zones_text(r)}"


def _moment(local: datetime, zone: ZoneInfo) -> str:
    return f"{DAY_NAMES[local.weekday()].title()} {local:%Y-%m-%d %H:%M} {zone.key}"


def _zones_text(r: Recipient) -> str:
    if len(r.zones) <= 3:
        return ", ".join(z.key for z in r.zones)
    return f"{r.zone.key} and {len(r.zones) - 1} other zones"


def _consent(rule: ConsentRule, ctx: LegalContext) -> tuple[bool, str]:
    q, status = ctx.question, ctx.recipient.consent
    scope = f"{q.channel} {q.purpose}"
    if rule.need is ConsentNeed.OPT_OUT:
        if status in (ConsentStatus.OPTED_OUT, ConsentStatus.SNOOZED):
            return False, f"the customer objected to {scope}"
        return True, f"{scope} is allowed until the customer objects"
    if status is ConsentStatus.OPTED_IN:
        return True, f"prior consent to {scope} is on record"
    return False, f"{scope} needs prior consent; consent on record: {status.value}"


@lru_cache(maxsize=2048)
def _cap(rule: FrequencyRule) -> CapSpec:
    return CapSpec(
        key=f"legal:{rule.meta.rule_id}",
        window=rule.window,
        channels=rule.scope.channels,
        purposes=rule.scope.purposes,
        limit=rule.limit,
        max_channels=rule.max_channels,
        per_channel=rule.per_channel,
        per_subject=rule.per_subject,
        reached_only=rule.counting is Counting.REACHED,
    )
