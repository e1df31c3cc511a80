"""The pieces ``CheckMemo`` keeps: what a pack asks of a channel and purpose, and what every
question of one channel, purpose and instant shares (the prefix of its reasons)."""

from __future__ import annotations

from dataclasses import dataclass

from cortesia.domain.policy.context import Recipient
from cortesia.domain.policy.pack import GatingRule, RegistryRule
from cortesia.domain.verdict import Reason, Verdict


@dataclass(frozen=True, slots=True)
class Plan:
    """What the pack asks of one channel, purpose and instant: computed once."""

    registry_rules: tuple[RegistryRule, ...]
    registries_read_product: bool
    legal_rules: tuple[tuple[GatingRule, bool, bool], ...]


@dataclass(frozen=True, slots=True)
class Dynamic:
    """A legal rule whose answer depends on the action's subject or group."""

    rule: GatingRule
    subject: bool
    product: bool


@dataclass(frozen=True, slots=True)
class Prefix:
    """What every action of one channel, purpose and instant shares: the consent and registry
    reasons, and the legal layer with slots for the rules that read the action.

    When a registry rule reads the action's group (an exemption for the product of a
    contract), ``reasons`` holds the consent reasons only and ``product_registries`` the
    registry rules, answered per group between them and the legal layer.
    """

    reasons: tuple[Reason, ...]
    legal: tuple[Reason | Dynamic, ...]
    recipient: Recipient
    # When no legal rule reads the action: every shared reason, and whether all allow;
    # ``verdict`` is the answer of a question no company rule has a reason about.
    fixed: tuple[Reason, ...] | None = None
    fixed_allowed: bool = False
    verdict: Verdict | None = None
    product_registries: tuple[RegistryRule, ...] | None = None

    @classmethod
    def of(
        cls,
        reasons: tuple[Reason, ...],
        legal: tuple[Reason | Dynamic, ...],
        recipient: Recipient,
        product_registries: tuple[RegistryRule, ...] | None = None,
    ) -> Prefix:
        if product_registries is not None:
            return cls(reasons, legal, recipient, product_registries=product_registries)
        if any(isinstance(slot, Dynamic) for slot in legal):
            return cls(reasons, legal, recipient)
        fixed = reasons + tuple(r for r in legal if isinstance(r, Reason))
        allowed = all(r.allowed for r in fixed)
        return cls(reasons, legal, recipient, fixed, allowed, Verdict(allowed, fixed))
