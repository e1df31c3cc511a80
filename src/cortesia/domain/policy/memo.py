"""The same check, with each layer's reasons memoised by exactly what that layer reads.

Many questions about one customer at one instant share most of their answer: the consent,
registry and legal reasons depend on the channel, the purpose and a few more fields, not on
the action; each company rule reads only the fields its scope names. ``CheckMemo`` keys every
piece by those fields, so a decision over hundreds of actions computes each piece once. The
answer is the one ``check_contact`` gives — a property test compares them on random questions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial

from cortesia.domain.policy.check import (
    CheckInputs,
    check_contact,
    jurisdiction_reasons,
    registry_rules,
)
from cortesia.domain.policy.company_layer import (
    cap_reason,
    cool_off_reason,
    same_key,
    window_reason,
)
from cortesia.domain.policy.consent_layer import consent_reasons
from cortesia.domain.policy.legal import applicable, reads_product, reads_subject, rule_reason
from cortesia.domain.policy.registry_layer import registry_reasons
from cortesia.domain.verdict import Reason, Verdict


def _registries_read_product(inputs: CheckInputs) -> bool:
    legal = inputs.legal
    return any(reads_product(rule) for rule in registry_rules(inputs.pack, legal))


class CheckMemo:
    """Memoised layers for one customer, one history, one company policy."""

    def __init__(self) -> None:
        self._pieces: dict[Hashable, object] = {}

    def _piece(self, key: Hashable, make: Callable[[], object]) -> object:
        found = self._pieces.get(key, self)
        if found is self:
            found = self._pieces[key] = make()
        return found

    def check(self, inputs: CheckInputs) -> Verdict:
        if inputs.findings is None or inputs.consent is None:
            return check_contact(inputs)  # bare legal checks are not memoised
        legal, q = inputs.legal, inputs.legal.question
        base = (q.channel, q.purpose, q.at, q.direction)
        product = q.action_group if _registries_read_product(inputs) else None
        reasons: list[Reason] = []
        consent = inputs.consent
        reasons += self._reasons(
            ("consent", *base),
            lambda: consent_reasons(consent, q, legal.recipient, legal.history),
        )
        reasons += self._reasons(
            ("registry", *base, product),
            lambda: registry_reasons(
                registry_rules(inputs.pack, legal), inputs.findings or {}, legal
            ),
        )
        reasons += self._reasons(
            ("legal", *base, product, q.subject_key), lambda: jurisdiction_reasons(inputs)
        )
        reasons += self._company(inputs, base)
        return Verdict.of(reasons)

    def _reasons(self, key: Hashable, make: Callable[[], list[Reason]]) -> list[Reason]:
        found = self._piece(key, make)
        return found  # type: ignore[return-value]  # every piece under these keys is a list

    def _legal(self, inputs: CheckInputs, base: tuple[object, ...]) -> list[Reason]:
        pack, legal, q = inputs.pack, inputs.legal, inputs.legal.question
        if pack is None:
            return jurisdiction_reasons(inputs)
        found: list[Reason | None] = []
        for rule in applicable(pack, legal):
            key = (
                "legal",
                rule.meta.rule_id,
                *base,
                q.subject_key if reads_subject(rule) else None,
                q.action_group if reads_product(rule) else None,
            )
            found.append(self._one(key, partial(rule_reason, pack, rule, legal)))
        return [reason for reason in found if reason is not None]

    def _company(self, inputs: CheckInputs, base: tuple[object, ...]) -> list[Reason]:
        legal, q, policy = inputs.legal, inputs.legal.question, inputs.company
        found: list[Reason | None] = []
        for cap in policy.caps:
            spec = cap.spec
            key = (
                "cap",
                cap.rule_id,
                *base,
                q.action_group if spec.action_groups else None,
                q.category if spec.categories else None,
                q.subject_key if spec.per_subject else None,
            )
            found.append(
                self._one(key, partial(cap_reason, cap, q, legal.recipient, legal.history))
            )
        for cool in policy.cool_offs:
            key = ("cool", cool.rule_id, *base, same_key(cool, q))
            make = partial(cool_off_reason, cool, q, legal.history, inputs.opt_outs)
            found.append(self._one(key, make))
        for window in policy.windows:
            key = ("window", window.rule_id, *base, q.action_group, q.category)
            found.append(self._one(key, partial(window_reason, window, q, legal.recipient)))
        return [reason for reason in found if reason is not None]

    def _one(self, key: Hashable, make: Callable[[], Reason | None]) -> Reason | None:
        return self._piece(key, make)  # type: ignore[return-value]
