"""A catalog document (TOML or YAML file, or JSON) into a validated ``Catalog``.

Every problem of the document is gathered before answering, each naming its field path
(``actions[2].channels.sms.cost``), the value found and why it is refused; a rule names
its action, field, text and column. One problem raises that problem's error; several
raise ``CatalogRejected`` with all of them. Nothing is half-accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cortesia.domain.catalog import fields as f
from cortesia.domain.catalog.actions import (
    Action,
    Category,
    ChannelTreatment,
    ConsentAsk,
)
from cortesia.domain.catalog.compiled import Catalog
from cortesia.domain.catalog.parse_economics import parse_economics
from cortesia.domain.rules import Rule, RuleKind, constant_rule, parse_rule
from cortesia.domain.vocabulary import Channel
from cortesia.errors import BatchValidationError, ValidationError

_TOP = frozenset({"catalog", "actions"})
_ACTION = frozenset(
    {
        "id",
        "name",
        "text",
        "group",
        "category",
        "purpose",
        "channels",
        "value",
        "eligibility",
        "levers",
        "valid_from",
        "valid_until",
        "daily_limit",
        "daily_budget",
        "cool_off_days",
        "reject_cool_off_days",
        "consent_ask",
        "propensity_prior",
        "control_share",
    }
)
_TREATMENT = frozenset({"treatment", "cost", "window", "daily_limit"})
_ASK = frozenset({"channel", "purpose", "reward"})
_CATEGORY = f.choice({c.value: c for c in Category})


class CatalogRejected(BatchValidationError):
    """A catalog document refused with every problem found in it; nothing was stored."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        problems = [p for error in errors for p in error.problems]
        super().__init__(problems, "catalog")
        self.errors = list(errors)
        self.args = (
            f"catalog rejected: {len(problems)} problems; first: {problems[0].describe()}",
        )


def parse_catalog(document: Mapping[str, object], *, version: int = 0, digest: str = "") -> Catalog:
    """Validate a whole catalog document and compile it.

    Raises the one ``ValidationError`` (a ``RuleError`` for a rule) when the document
    has one problem, ``CatalogRejected`` with all of them when it has several.
    """
    top = f.table(document, "catalog document")
    problems = f.unknown_keys(top, _TOP, "")
    head = parse_economics(top.get("catalog", {}), problems)
    actions = _actions(top.get("actions", []), problems)
    if problems:
        raise problems[0] if len(problems) == 1 else CatalogRejected(problems)
    if head is None:  # unreachable: a failed head always leaves a problem
        raise ValidationError("catalog", top.get("catalog"), "cannot be read")
    name, economics = head
    return Catalog(version, digest, tuple(actions), economics, name)


def parse_action(document: object, path: str = "action") -> Action:
    """Validate one action document (a table of ``[[actions]]``) alone; errors start at ``path``."""
    problems: list[ValidationError] = []
    action = _action(document, path, problems)
    if problems or action is None:
        raise problems[0] if len(problems) == 1 else CatalogRejected(problems)
    return action


def _actions(value: object, problems: list[ValidationError]) -> list[Action]:
    if not isinstance(value, list | tuple):
        reason = "must be a list of action tables ([[actions]] in TOML, a list in YAML)"
        problems.append(ValidationError("actions", value, reason))
        return []
    parsed = [_action(item, f"actions[{n}]", problems) for n, item in enumerate(value)]
    _refuse_repeated_ids(value, problems)
    return [action for action in parsed if action is not None]


def _refuse_repeated_ids(items: Sequence[object], problems: list[ValidationError]) -> None:
    first: dict[object, int] = {}
    for index, item in enumerate(items):
        key = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(key, str):
            continue
        if key in first:
            reason = f"repeats the id of actions[{first[key]}]; action ids must be unique"
            problems.append(ValidationError(f"actions[{index}].id", key, reason))
        else:
            first[key] = index


def _action(item: object, path: str, problems: list[ValidationError]) -> Action | None:
    try:
        found = f.table(item, path)
    except ValidationError as error:
        problems.append(error)
        return None
    before = len(problems)
    problems += f.unknown_keys(found, _ACTION, path)
    read = f.Fields(found, path, problems)
    read.read("action_id", "id", f.action_id)
    read.read("name", "name", f.texts)
    read.read("text", "text", f.texts)
    read.read("group", "group", f.group)
    read.read("category", "category", _CATEGORY)
    read.read("purpose", "purpose", f.purpose)
    _channels(read)
    _rules(read, f"action {read.values.get('action_id', path)}")
    _limits(read)
    read.read("consent_ask", "consent_ask", _consent_ask, None)
    _across(read)
    if len(problems) > before:
        return None
    return Action(**read.values)


def _rules(read: f.Fields, label: str) -> None:
    read.read("value", "value", _number_rule(f"{label} value"))
    read.read("eligibility", "eligibility", _condition_rule(f"{label} eligibility"), None)
    read.read("levers", "levers", _number_rule(f"{label} levers", floor=0.0), constant_rule(1.0))


def _limits(read: f.Fields) -> None:
    read.read("valid_from", "valid_from", f.day, None)
    read.read("valid_until", "valid_until", f.day, None)
    read.read("daily_limit", "daily_limit", f.count, None)
    read.read("daily_budget", "daily_budget", f.positive, None)
    read.read("cool_off_days", "cool_off_days", f.count, None)
    read.read("reject_cool_off_days", "reject_cool_off_days", f.count, None)
    read.read("propensity_prior", "propensity_prior", f.prior, None)
    read.read("control_share", "control_share", f.probability, None)


def _number_rule(where: str, floor: float | None = None) -> f.Reader[Rule]:
    def read(value: object, path: str) -> Rule:
        if isinstance(value, str) and _literal(value) is None:
            return parse_rule(value.strip(), RuleKind.NUMBER, where=where)
        amount = _literal(value) if isinstance(value, str) else value
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValidationError(path, value, "must be a number or an expression")
        amount = f.number(amount, path)
        if floor is not None and amount < floor:
            raise ValidationError(path, value, f"must be at least {floor:g}")
        return constant_rule(amount)

    return read


def _literal(text: str) -> float | None:
    """The number a rule's text is, when it is only a number (``"100"``)."""
    try:
        return float(text.strip())
    except ValueError:
        return None


def _condition_rule(where: str) -> f.Reader[Rule]:
    def read(value: object, path: str) -> Rule:
        if not isinstance(value, str):
            raise ValidationError(path, value, 'must be a condition, e.g. "tenure >= 12"')
        return parse_rule(value.strip(), RuleKind.CONDITION, where=where)

    return read


def _channels(read: f.Fields) -> None:
    path = f"{read.path}.channels"
    value = read.table.get("channels")
    if value is None:
        read.problem("channels", None, "is required: at least one channel with its treatment")
        return
    try:
        found = f.table(value, path)
        offered = {f.channel(name, f"{path}.{name}"): name for name in found}
    except ValidationError as error:
        read.problems.append(error)
        return
    if not found:
        read.problem("channels", {}, "must offer at least one channel")
        return
    before = len(read.problems)
    treatments = {
        channel: _treatment(channel, found[name], f"{path}.{name}", read.problems)
        for channel, name in offered.items()
    }
    if len(read.problems) == before:
        # In name order, as the store's sorted JSON gives them back: every process alike.
        read.values["channels"] = dict(sorted(treatments.items()))


def _treatment(
    channel: Channel, value: object, path: str, problems: list[ValidationError]
) -> ChannelTreatment:
    try:
        found = f.table(value, path)
    except ValidationError as error:
        problems.append(error)
        return ChannelTreatment(channel, "")
    problems += f.unknown_keys(found, _TREATMENT, path)
    read = f.Fields(found, path, problems)
    read.read("treatment", "treatment", f.text)
    read.read("cost", "cost", f.at_least_zero, 0.0)
    read.read("window", "window", f.window, None)
    read.read("daily_limit", "daily_limit", f.count, None)
    return ChannelTreatment(channel, **{"treatment": "", **read.values})


def _consent_ask(value: object, path: str) -> ConsentAsk:
    found = f.table(value, path)
    problems = f.unknown_keys(found, _ASK, path)
    read = f.Fields(found, path, problems)
    read.read("channel", "channel", f.channel)
    read.read("purpose", "purpose", f.purpose)
    read.read("reward", "reward", f.texts)
    if problems:
        raise problems[0] if len(problems) == 1 else CatalogRejected(problems)
    return ConsentAsk(**read.values)


def _across(read: f.Fields) -> None:
    """Checks that need several fields, made only when those fields were readable."""
    values = read.values
    start, end = values.get("valid_from"), values.get("valid_until")
    if start is not None and end is not None and end < start:
        read.problem("valid_until", end.isoformat(), f"is before valid_from {start.isoformat()}")
    category, asked = values.get("category"), read.table.get("consent_ask")
    if category is Category.CONSENT_RECOVERY and asked is None:
        read.problem(
            "consent_ask",
            None,
            "a consent_recovery action must say which consent it asks for and the reward",
        )
    elif category not in (None, Category.CONSENT_RECOVERY) and asked is not None:
        read.problem("consent_ask", asked, "only consent_recovery actions ask for consent")
