"""One contact check: every layer evaluated, every reason kept, any denial denies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.company_layer import OptOut, company_reasons
from cortesia.domain.policy.consent_layer import ConsentFacts, consent_reasons
from cortesia.domain.policy.legal import LegalContext, applicable, legal_reasons
from cortesia.domain.policy.pack import Pack, RegistryRule
from cortesia.domain.policy.registry_layer import FindingLike, registry_reasons
from cortesia.domain.verdict import Layer, Reason, Verdict


@dataclass(frozen=True, slots=True)
class CheckInputs:
    """What one check reads. ``consent`` and ``findings`` are None for a bare legal check."""

    legal: LegalContext
    pack: Pack | None
    company: CompanyPolicy
    consent: ConsentFacts | None = None
    findings: Mapping[str, Sequence[FindingLike]] | None = None
    opt_outs: Sequence[OptOut] = ()


def registry_rules(pack: Pack | None, legal: LegalContext) -> list[RegistryRule]:
    """Registry rules of the pack that cover the question (to know which lists to consult)."""
    if pack is None:
        return []
    return [r for r in applicable(pack, legal) if isinstance(r, RegistryRule)]


def check_contact(inputs: CheckInputs) -> Verdict:
    legal, q, r = inputs.legal, inputs.legal.question, inputs.legal.recipient
    reasons: list[Reason] = []
    if inputs.consent is not None:
        reasons += consent_reasons(inputs.consent, q, r, legal.history)
    rules = registry_rules(inputs.pack, legal)
    if inputs.findings is not None:
        reasons += registry_reasons(rules, inputs.findings, legal)
    else:
        reasons += [_to_consult(rule) for rule in rules]
    reasons += jurisdiction_reasons(inputs)
    reasons += company_reasons(inputs.company, q, r, legal.history, inputs.opt_outs)
    return Verdict.of(reasons)


def jurisdiction_reasons(inputs: CheckInputs) -> list[Reason]:
    """The pack's reasons, or one saying that no pack covers the country."""
    if inputs.pack is None:
        country = inputs.legal.recipient.country
        detail = f"no jurisdiction pack for {country}: no legal rules are encoded for it"
        return [Reason(Layer.JURISDICTION, "pack.missing", True, detail)]
    return legal_reasons(inputs.pack, inputs.legal)


def _to_consult(rule: RegistryRule) -> Reason:
    delay = (
        f", listings in effect after {rule.effect_delay_days} days"
        if rule.effect_delay_days
        else ""
    )
    detail = (
        f"consult {rule.registry} before contacting (snapshot at most "
        f"{rule.max_snapshot_age_days} days old{delay}); no number given"
    )
    return Reason(Layer.REGISTRY, rule.meta.rule_id, True, detail, rule.meta.citation)
