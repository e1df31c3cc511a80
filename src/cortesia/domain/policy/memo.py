"""The same check, with each layer's reasons memoised by exactly what that layer reads.

Many questions about one customer at one instant share most of their answer: the consent,
registry and legal reasons depend on the channel, the purpose and a few more fields, not on
the action; each company rule reads only the fields its scope names. ``CheckMemo`` keys every
piece by those fields, so a decision over hundreds of actions computes each piece once. The
answer is the one ``check_contact`` gives — a property test compares them on random questions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from cortesia.domain.policy.check import (
    CheckInputs,
    check_contact,
    jurisdiction_reasons,
)
from cortesia.domain.policy.company import CompanyPolicy, CoolOff, CoolOffAfter, Sameness
from cortesia.domain.policy.company_layer import (
    OptOut,
    cap_reason,
    cool_off_reason,
    cool_off_table,
    same_key,
    window_reason,
)
from cortesia.domain.policy.consent_layer import consent_reasons
from cortesia.domain.policy.context import ContactIndex, Question, Recipient
from cortesia.domain.policy.legal import (
    LegalContext,
    applicable,
    reads_product,
    reads_subject,
    rule_reason,
)
from cortesia.domain.policy.memo_pieces import Dynamic, Plan, Prefix
from cortesia.domain.policy.pack import FrequencyRule, GatingRule, HoursRule, Pack, RegistryRule
from cortesia.domain.policy.registry_layer import registry_reasons
from cortesia.domain.verdict import Reason, Verdict

_MISSING = object()


def _legal_key(
    rule: GatingRule, q: Question, base: tuple[object, ...], subject: object, product: object
) -> Hashable:
    """What a legal rule's reason reads. Without exemptions (whose texts name the channel and
    purpose), hours read only the instant and the customer's zones, and a frequency rule adds
    the channel when it counts per channel: such reasons are shared by every channel and
    purpose the rule covers."""
    if not rule.exemptions:
        if isinstance(rule, HoursRule):
            return (rule.meta.rule_id, q.at)
        if isinstance(rule, FrequencyRule):
            channel = q.channel if rule.per_channel else None
            return (rule.meta.rule_id, q.at, channel, subject)
    return (rule.meta.rule_id, *base, subject, product)


class CheckMemo:
    """Memoised layers for one customer, one history, one company policy."""

    def __init__(self) -> None:
        self._pieces: dict[Hashable, object] = {}
        self._prefixes: dict[tuple[object, ...], Prefix] = {}

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
        plan = self._plan(inputs, base)
        product = q.action_group if plan.registries_read_product else None
        consent, findings = inputs.consent, inputs.findings
        shared = self._reasons(
            ("consent", *base),
            lambda: consent_reasons(consent, q, legal.recipient, legal.history),
        )
        registry = self._reasons(
            ("registry", *base, product),
            lambda: registry_reasons(plan.registry_rules, findings, legal),
        )
        reasons = [*shared, *registry]
        if inputs.pack is None:
            reasons += jurisdiction_reasons(inputs)
        else:
            slots = self._legal_slots(inputs, base, plan)
            if plan.registries_read_product:  # registry reasons differ by group: a slot
                prefix = Prefix.of(tuple(shared), slots, legal.recipient, plan.registry_rules)
            else:
                prefix = Prefix.of(tuple(reasons), slots, legal.recipient)
            self._prefixes[base] = prefix
            reasons += self.resolve(slots, q, base, inputs.pack, lambda: legal)
        reasons += self.company(
            inputs.company, q, legal.recipient, legal.history, inputs.opt_outs, base
        )
        return Verdict.of(reasons)

    def product_registry(
        self,
        prefix: Prefix,
        q: Question,
        base: tuple[object, ...],
        inputs: Callable[[], CheckInputs],
    ) -> list[Reason]:
        """The registry reasons of a question whose registries read the action's group."""

        def make() -> list[Reason]:
            found = inputs()  # a session's inputs always carry their registry findings
            rules = prefix.product_registries or ()
            return registry_reasons(rules, found.findings or {}, found.legal)

        return self._reasons(("registry", *base, q.action_group), make)

    def prefix(self, base: tuple[object, ...]) -> Prefix | None:
        """The consent, registry and legal reasons of a (channel, purpose, instant, direction),
        when they depend on nothing else; None until the first full check stored them."""
        return self._prefixes.get(base)

    def _plan(self, inputs: CheckInputs, base: tuple[object, ...]) -> Plan:
        key = ("plan", *base)
        found = self._pieces.get(key)
        if found is None:
            pack, legal = inputs.pack, inputs.legal
            rules = () if pack is None else tuple(applicable(pack, legal))
            registries = tuple(r for r in rules if isinstance(r, RegistryRule))
            found = self._pieces[key] = Plan(
                registries,
                any(reads_product(r) for r in registries),
                tuple(
                    (r, reads_subject(r), reads_product(r))
                    for r in rules
                    if not isinstance(r, RegistryRule)
                ),
            )
        return found  # type: ignore[return-value]  # plans are stored under plan keys only

    def _reasons(self, key: Hashable, make: Callable[[], list[Reason]]) -> list[Reason]:
        found = self._piece(key, make)
        return found  # type: ignore[return-value]  # every piece under these keys is a list

    def _legal_slots(
        self, inputs: CheckInputs, base: tuple[object, ...], plan: Plan
    ) -> tuple[Reason | Dynamic, ...]:
        """The legal layer's reasons in pack order; rules that read the action's subject or
        group stay slots, resolved per question."""
        pack, legal = inputs.pack, inputs.legal
        slots: list[Reason | Dynamic] = []
        for rule, subject, product in plan.legal_rules:
            if subject or product:
                slots.append(Dynamic(rule, subject, product))
                continue
            key = _legal_key(rule, inputs.legal.question, base, None, None)
            reason = self._pieces.get(key, _MISSING)
            if reason is _MISSING and pack is not None:
                reason = self._pieces[key] = rule_reason(pack, rule, legal)
            if isinstance(reason, Reason):
                slots.append(reason)
        return tuple(slots)

    def resolve(
        self,
        slots: Sequence[Reason | Dynamic],
        q: Question,
        base: tuple[object, ...],
        pack: Pack,
        legal_of: Callable[[], LegalContext],
    ) -> list[Reason]:
        """The legal reasons of this question: fixed ones as they are, slots answered by key."""
        found: list[Reason] = []
        legal: LegalContext | None = None
        for slot in slots:
            if isinstance(slot, Reason):
                found.append(slot)
                continue
            key = _legal_key(
                slot.rule,
                q,
                base,
                q.subject_key if slot.subject else None,
                q.action_group if slot.product else None,
            )
            reason = self._pieces.get(key, _MISSING)
            if reason is _MISSING:
                legal = legal or legal_of()
                reason = self._pieces[key] = rule_reason(pack, slot.rule, legal)
            if isinstance(reason, Reason):
                found.append(reason)
        return found

    def company(
        self,
        policy: CompanyPolicy,
        q: Question,
        recipient: Recipient,
        history: ContactIndex,
        opt_outs: Sequence[OptOut],
        base: tuple[object, ...],
    ) -> list[Reason]:
        """The company layer's reasons, each rule memoised by what its scope reads, and the
        whole layer by everything its rules read together."""
        if not (policy.caps or policy.cool_offs or policy.windows):
            return []  # no company rule: nothing to key, nothing to say
        anchors = tuple(self._anchor(cool, q, history) for cool in policy.cool_offs)
        whole = ("company", *base, q.action_group, q.category, q.subject_key, anchors)
        known = self._pieces.get(whole)
        if known is None:
            known = self._pieces[whole] = self._company(
                policy, q, recipient, history, opt_outs, base, anchors
            )
        return known  # type: ignore[return-value]  # whole-layer keys hold reason lists

    def _anchor(self, cool: CoolOff, q: Question, history: ContactIndex) -> Hashable:
        """What this question's cool-off answer depends on besides channel, purpose and
        instant: the earlier contact that starts it (opt-out cool-offs depend on nothing
        more). The cool-off's table is built once per instant."""
        if cool.after is CoolOffAfter.OPT_OUT:
            return None
        wanted = same_key(cool, q)
        if wanted is None and cool.same in (Sameness.ACTION, Sameness.ACTION_GROUP):
            return None
        key = ("anchors", cool.rule_id, q.at)
        table = self._pieces.get(key)
        if table is None:
            table = self._pieces[key] = cool_off_table(cool, q, history)
        found = table.get(wanted)  # type: ignore[attr-defined]  # anchor keys hold tables
        return None if found is None else id(found)

    def _company(
        self,
        policy: CompanyPolicy,
        q: Question,
        recipient: Recipient,
        history: ContactIndex,
        opt_outs: Sequence[OptOut],
        base: tuple[object, ...],
        anchors: tuple[Hashable, ...],
    ) -> list[Reason]:
        pieces, found = self._pieces, []
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
            reason = pieces.get(key, _MISSING)
            if reason is _MISSING:
                reason = pieces[key] = cap_reason(cap, q, recipient, history)
            found.append(reason)
        for cool, anchor in zip(policy.cool_offs, anchors, strict=True):
            # Keyed by the earlier contact that starts the cool-off (None: no such contact),
            # so every action without one shares a single answer.
            key = ("cool", cool.rule_id, *base, anchor)
            reason = pieces.get(key, _MISSING)
            if reason is _MISSING:
                reason = pieces[key] = cool_off_reason(cool, q, history, opt_outs)
            found.append(reason)
        for window in policy.windows:
            key = ("window", window.rule_id, *base, q.action_group, q.category)
            reason = pieces.get(key, _MISSING)
            if reason is _MISSING:
                reason = pieces[key] = window_reason(window, q, recipient)
            found.append(reason)
        return [reason for reason in found if reason is not None]  # type: ignore[misc]
