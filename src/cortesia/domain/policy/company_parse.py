"""Company policy documents (TOML file or the same shape as JSON) into ``CompanyPolicy``.

Errors name the table and field, e.g. ``policy.cap[weekly].window``.
"""

from __future__ import annotations

from datetime import timedelta

from cortesia.domain.policy import fields as f
from cortesia.domain.policy.company import (
    ActionWindow,
    Cap,
    CompanyPolicy,
    Condition,
    CoolOff,
    CoolOffAfter,
    Sameness,
)
from cortesia.domain.policy.counting import CapSpec
from cortesia.domain.policy.hours import WeeklyHours
from cortesia.domain.policy.windows import Window
from cortesia.domain.vocabulary import Channel
from cortesia.errors import ValidationError

_HEAD = frozenset(
    {"name", "version", "sector", "unknown_consent", "apply_needs_review", "reservation_minutes"}
)
_SCOPE = frozenset({"id", "channels", "purposes", "action_groups", "categories"})
_CAP = _SCOPE | {"limit", "max_channels", "window", "per_channel", "per_subject", "when"}
_COOL = frozenset({"id", "after", "days", "hours", "same", "channels", "purposes"})
_WINDOW = _SCOPE | {"hours"}
_TOP = frozenset({"policy", "cap", "cool_off", "window"})


def _condition(table: f.Table, where: str) -> Condition:
    f.check_keys(table, frozenset({"attribute", "in", "within_days", "is"}), where)
    flag = table.get("is")
    if flag is not None and not isinstance(flag, bool):
        raise ValidationError(f"{where}.is", flag, "must be true or false")
    condition = Condition(
        attribute=f.text(table, "attribute", where),
        values=frozenset(f.names(table, "in", where)),
        within_days=f.whole(table, "within_days", where),
        flag=flag,
    )
    if not condition.values and condition.within_days is None and condition.flag is None:
        raise ValidationError(where, dict(table), "a condition needs in, within_days or is")
    return condition


def _cap(table: f.Table, where: str) -> Cap:
    rule_id = f.text(table, "id", where)
    label = f"{where}[{rule_id}]"
    f.check_keys(table, _CAP, label)
    spec = CapSpec(
        key=f"company:{rule_id}",
        window=Window.parse(f.text(table, "window", label), f"{label}.window"),
        channels=f.channels(table, label),
        purposes=f.purposes(table, label),
        limit=f.whole(table, "limit", label),
        max_channels=f.whole(table, "max_channels", label),
        per_channel=f.flag(table, "per_channel", label),
        per_subject=f.flag(table, "per_subject", label),
        action_groups=frozenset(f.names(table, "action_groups", label)),
        categories=frozenset(f.names(table, "categories", label)),
    )
    if spec.limit is None and spec.max_channels is None:
        raise ValidationError(f"{label}.limit", None, "a cap needs limit or max_channels")
    when = table.get("when")
    condition = (
        None if when is None else _condition(f.subtable(table, "when", label), f"{label}.when")
    )
    return Cap(rule_id, spec, condition)


def _cool_off(table: f.Table, where: str) -> CoolOff:
    rule_id = f.text(table, "id", where)
    label = f"{where}[{rule_id}]"
    f.check_keys(table, _COOL, label)
    days, hours = f.whole(table, "days", label, 0) or 0, f.whole(table, "hours", label, 0) or 0
    if days == 0 and hours == 0:
        raise ValidationError(f"{label}.days", 0, "a cool-off needs days or hours > 0")
    return CoolOff(
        rule_id,
        after=f.choice(table, "after", label, {a.value: a for a in CoolOffAfter}, ""),
        duration=timedelta(days=days, hours=hours),
        same=f.choice(table, "same", label, {s.value: s for s in Sameness}, "any"),
        channels=f.channels(table, label),
        purposes=f.purposes(table, label),
    )


def _window(table: f.Table, where: str) -> ActionWindow:
    rule_id = f.text(table, "id", where)
    label = f"{where}[{rule_id}]"
    f.check_keys(table, _WINDOW, label)
    return ActionWindow(
        rule_id,
        WeeklyHours.parse(f.subtable(table, "hours", label), f"{label}.hours"),
        action_groups=frozenset(f.names(table, "action_groups", label)),
        categories=frozenset(f.names(table, "categories", label)),
        purposes=f.purposes(table, label, ()),
        channels=f.channels(table, label) if "channels" in table else frozenset({Channel.ALL}),
    )


def _unique(ids: list[str], where: str) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValidationError(f"{where}.id", repeated[0], "rule ids must be unique in a policy")


def parse_company_policy(document: f.Table, where: str = "policy") -> CompanyPolicy:
    """A whole company policy document."""
    f.check_keys(document, _TOP, where)
    head = f.subtable(document, "policy", where) if "policy" in document else {}
    f.check_keys(head, _HEAD, f"{where}.policy")
    caps = tuple(_cap(t, f"{where}.cap") for t in f.tables(document, "cap", where))
    cools = tuple(_cool_off(t, f"{where}.cool_off") for t in f.tables(document, "cool_off", where))
    wins = tuple(_window(t, f"{where}.window") for t in f.tables(document, "window", where))
    _unique(
        [c.rule_id for c in caps] + [c.rule_id for c in cools] + [w.rule_id for w in wins], where
    )
    minutes = f.whole(head, "reservation_minutes", f"{where}.policy", 15) or 0
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError(f"{where}.policy.reservation_minutes", minutes, "must be 1..1440")
    return CompanyPolicy(
        name=f.text(head, "name", f"{where}.policy", "company policy"),
        version=f.text(head, "version", f"{where}.policy", "unversioned"),
        sector=f.optional_text(head, "sector", f"{where}.policy"),
        unknown_consent_allowed=f.choice(
            head, "unknown_consent", f"{where}.policy", {"allow": True, "deny": False}, "deny"
        ),
        apply_needs_review=f.flag(head, "apply_needs_review", f"{where}.policy"),
        reservation_minutes=minutes,
        caps=caps,
        cool_offs=cools,
        windows=wins,
    )
