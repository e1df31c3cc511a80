"""The registry layer: do-not-call registries a pack says must be consulted.

For each registry rule that covers the question and each of the customer's numbers:

- no snapshot imported by the day of the contact denies (nobody scrubbed);
- a snapshot older than ``max_snapshot_age_days`` on the contact's local day denies (the
  safe harbour is lost: US 31 days, AU 30, UK 28…);
- a listed number denies once ``effect_delay_days`` have passed since it was listed
  (a number listed on an unknown date is in effect at once), unless an exemption holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol

from cortesia.domain.policy.exemptions import first_waiver
from cortesia.domain.policy.legal import LegalContext
from cortesia.domain.policy.pack import RegistryRule
from cortesia.domain.verdict import Layer, Reason


class SnapshotLike(Protocol):
    @property
    def version(self) -> int: ...
    @property
    def snapshot_date(self) -> date: ...


class FindingLike(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def listed(self) -> bool: ...
    @property
    def listed_since(self) -> date | None: ...
    @property
    def version(self) -> SnapshotLike | None: ...


def registry_reasons(
    rules: Sequence[RegistryRule],
    findings: Mapping[str, Sequence[FindingLike]],
    ctx: LegalContext,
) -> list[Reason]:
    """One reason per registry rule: the worst finding over the customer's numbers."""
    reasons: list[Reason] = []
    today = ctx.question.at.astimezone(ctx.recipient.zone).date()
    for rule in rules:
        found = findings.get(rule.registry, ())
        reason = _judge(rule, found, today, ctx)
        if rule.meta.needs_review and not ctx.apply_review:
            if reason.allowed:
                continue
            reason = Reason(
                reason.layer,
                reason.rule,
                True,
                f"not applied, needs counsel review (would deny: {reason.detail})",
                reason.citation,
            )
        reasons.append(reason)
    return reasons


def _judge(
    rule: RegistryRule, findings: Sequence[FindingLike], today: date, ctx: LegalContext
) -> Reason:
    def reason(allowed: bool, detail: str) -> Reason:
        return Reason(Layer.REGISTRY, rule.meta.rule_id, allowed, detail, rule.meta.citation)

    if not findings:
        return reason(True, f"{rule.registry}: no number on file to consult")
    for finding in findings:
        allowed, detail = _one(rule, finding, today)
        if not allowed:
            waiver = first_waiver(rule.exemptions, ctx.recipient, ctx.question)
            if waiver is not None and finding.version is not None and _fresh(rule, finding, today):
                return reason(True, f"waived ({waiver}): {detail}")
            return reason(False, detail)
    numbers = ", ".join(f.number for f in findings)
    snapshot = findings[0].version
    shown = f" (snapshot v{snapshot.version} of {snapshot.snapshot_date})" if snapshot else ""
    return reason(True, f"{numbers} not in effect on {rule.registry}{shown}")


def _fresh(rule: RegistryRule, finding: FindingLike, today: date) -> bool:
    version = finding.version
    return (
        version is not None and (today - version.snapshot_date).days <= rule.max_snapshot_age_days
    )


def _one(rule: RegistryRule, finding: FindingLike, today: date) -> tuple[bool, str]:
    version = finding.version
    if version is None:
        return False, f"no snapshot of {rule.registry} imported on or before {today}; cannot scrub"
    age = (today - version.snapshot_date).days
    if age > rule.max_snapshot_age_days:
        return False, (
            f"{rule.registry} snapshot v{version.version} of {version.snapshot_date} is {age} days "
            f"old; at most {rule.max_snapshot_age_days} allowed"
        )
    if not finding.listed:
        return True, f"{finding.number} not listed"
    since = finding.listed_since
    if since is not None and rule.effect_delay_days:
        effective = since + timedelta(days=rule.effect_delay_days)
        if today < effective:
            return True, (
                f"{finding.number} listed on {since}, in effect from {effective} "
                f"({rule.effect_delay_days}-day delay)"
            )
    listed = f" since {since}" if since else ""
    snapshot = f"snapshot v{version.version} of {version.snapshot_date}"
    return False, f"{finding.number} is listed on {rule.registry}{listed} ({snapshot})"
