"""Jurisdiction pack files (TOML) into ``Pack`` objects, refusing anything unclear.

Errors name the file's rule and field, e.g. ``CO.rule[CO-3].hours.sat``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cortesia.domain.policy import fields as f
from cortesia.domain.policy.hours import WeeklyHours
from cortesia.domain.policy.pack import (
    ConsentNeed,
    ConsentRule,
    Counting,
    FrequencyRule,
    HoursRule,
    NoticeRule,
    Pack,
    RegistryRule,
    Rule,
)
from cortesia.domain.policy.rules import Confidence, Exemption, ExemptionKind, RuleMeta, Scope
from cortesia.domain.policy.windows import Window
from cortesia.errors import ValidationError

_COMMON = frozenset(
    {
        "id",
        "kind",
        "title",
        "citation",
        "url",
        "confidence",
        "effective_from",
        "effective_to",
        "note",
        "channels",
        "purposes",
        "subdivisions",
        "sectors",
        "exemptions",
    }
)
_KIND_KEYS = {
    "hours": frozenset({"hours", "holidays"}),
    "consent": frozenset({"need"}),
    "frequency": frozenset(
        {"window", "limit", "max_channels", "per_channel", "per_subject", "counting"}
    ),
    "registry": frozenset({"registry", "max_snapshot_age_days", "effect_delay_days"}),
    "notice": frozenset({"duty", "text", "deadline_days", "business_days"}),
}
_EXEMPTION_KEYS = frozenset(
    {
        "kind",
        "purchase_within_months",
        "inquiry_within_months",
        "interaction_within_months",
        "active_contract",
        "same_product",
        "citation",
    }
)
_RULE_ID = re.compile(r"^[A-Z]{2}(-[A-Z0-9]+)+[a-z]?$")
_CONFIDENCE = {c.value: c for c in Confidence}
_EXEMPTION_KINDS = {k.value: k for k in ExemptionKind}


def _meta(table: f.Table, where: str) -> RuleMeta:
    rule_id = f.text(table, "id", where)
    if not _RULE_ID.match(rule_id):
        raise ValidationError(f"{where}.id", rule_id, "rule ids look like CO-3 or US-FL-1")
    meta = RuleMeta(
        rule_id=rule_id,
        title=f.text(table, "title", where),
        citation=f.text(table, "citation", where),
        confidence=f.choice(table, "confidence", where, _CONFIDENCE, "unverified"),
        url=f.optional_text(table, "url", where),
        effective_from=f.day(table, "effective_from", where),
        effective_to=f.day(table, "effective_to", where),
        note=f.optional_text(table, "note", where),
    )
    if meta.effective_from and meta.effective_to and meta.effective_to <= meta.effective_from:
        raise ValidationError(f"{where}.effective_to", meta.effective_to, "must follow the start")
    return meta


def _scope(table: f.Table, where: str) -> Scope:
    return Scope(
        channels=f.channels(table, where),
        purposes=f.purposes(table, where),
        subdivisions=frozenset(f.names(table, "subdivisions", where)),
        sectors=frozenset(f.names(table, "sectors", where)),
    )


def parse_exemption(table: f.Table, where: str) -> Exemption:
    f.check_keys(table, _EXEMPTION_KEYS, where)
    return Exemption(
        kind=f.choice(table, "kind", where, _EXEMPTION_KINDS, ""),
        purchase_within_months=f.whole(table, "purchase_within_months", where),
        inquiry_within_months=f.whole(table, "inquiry_within_months", where),
        interaction_within_months=f.whole(table, "interaction_within_months", where),
        active_contract=f.flag(table, "active_contract", where),
        same_product=f.flag(table, "same_product", where),
        citation=f.optional_text(table, "citation", where),
    )


def _exemptions(table: f.Table, where: str) -> tuple[Exemption, ...]:
    items = f.tables(table, "exemptions", where)
    return tuple(parse_exemption(t, f"{where}.exemptions[{i}]") for i, t in enumerate(items))


def _hours(table: f.Table, meta: RuleMeta, scope: Scope, where: str) -> HoursRule:
    holidays = f.choice(
        table,
        "holidays",
        where,
        {"open": "open", "closed": "closed", "regional": "regional"},
        "open",
    )
    return HoursRule(
        meta,
        scope,
        WeeklyHours.parse(f.subtable(table, "hours", where), f"{where}.hours"),
        closed_on_holidays=holidays != "open",
        regional_holidays=holidays == "regional",
        exemptions=_exemptions(table, where),
    )


def _consent(table: f.Table, meta: RuleMeta, scope: Scope, where: str) -> ConsentRule:
    need = f.choice(table, "need", where, {n.value: n for n in ConsentNeed}, "")
    return ConsentRule(meta, scope, need, _exemptions(table, where))


def _frequency(table: f.Table, meta: RuleMeta, scope: Scope, where: str) -> FrequencyRule:
    rule = FrequencyRule(
        meta,
        scope,
        Window.parse(f.text(table, "window", where), f"{where}.window"),
        limit=f.whole(table, "limit", where),
        max_channels=f.whole(table, "max_channels", where),
        per_channel=f.flag(table, "per_channel", where),
        per_subject=f.flag(table, "per_subject", where),
        counting=f.choice(table, "counting", where, {c.value: c for c in Counting}, "all"),
        exemptions=_exemptions(table, where),
    )
    if rule.limit is None and rule.max_channels is None:
        raise ValidationError(
            f"{where}.limit", None, "a frequency rule needs limit or max_channels"
        )
    return rule


def _registry(table: f.Table, meta: RuleMeta, scope: Scope, where: str) -> RegistryRule:
    age = f.whole(table, "max_snapshot_age_days", where)
    if age is None:
        raise ValidationError(f"{where}.max_snapshot_age_days", None, "is required")
    return RegistryRule(
        meta,
        scope,
        f.text(table, "registry", where),
        max_snapshot_age_days=age,
        effect_delay_days=f.whole(table, "effect_delay_days", where, 0) or 0,
        exemptions=_exemptions(table, where),
    )


def _notice(table: f.Table, meta: RuleMeta, scope: Scope, where: str) -> NoticeRule:
    return NoticeRule(
        meta,
        scope,
        duty=f.text(table, "duty", where),
        text=f.text(table, "text", where),
        deadline_days=f.whole(table, "deadline_days", where),
        business_days=f.flag(table, "business_days", where),
    )


_BUILDERS: dict[str, Callable[[f.Table, RuleMeta, Scope, str], Rule]] = {
    "hours": _hours,
    "consent": _consent,
    "frequency": _frequency,
    "registry": _registry,
    "notice": _notice,
}


def parse_rule(table: f.Table, where: str) -> Rule:
    """One ``[[rule]]`` table."""
    kind = f.choice(table, "kind", where, {k: k for k in _BUILDERS}, "")
    label = f"{where}[{table.get('id', '?')}]"
    f.check_keys(table, _COMMON | _KIND_KEYS[kind], label)
    meta = _meta(table, label)
    return _BUILDERS[kind](table, meta, _scope(table, label), label)


def parse_pack(document: f.Table, name: str) -> Pack:
    """A whole pack file (``name`` is used in errors, e.g. ``CO``)."""
    head = f.subtable(document, "pack", name)
    f.check_keys(
        head, frozenset({"country", "name", "version", "holiday_country", "sources"}), name
    )
    country = f.text(head, "country", f"{name}.pack").upper()
    rules = tuple(parse_rule(t, f"{name}.rule") for t in f.tables(document, "rule", name))
    ids = [r.meta.rule_id for r in rules]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValidationError(f"{name}.rule.id", repeated[0], "rule ids must be unique in a pack")
    return Pack(
        country=country,
        name=f.text(head, "name", f"{name}.pack"),
        version=f.text(head, "version", f"{name}.pack"),
        holiday_country=f.text(head, "holiday_country", f"{name}.pack", country),
        sources=f.text(head, "sources", f"{name}.pack", ""),
        rules=rules,
    )
