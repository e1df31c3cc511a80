"""The rule language: eligibility conditions, values and levers over a customer's variables.

A rule is a small Python-like expression, parsed by Python's own parser and checked against a
whitelist (nothing is ever evaluated by Python), then compiled into closures for one customer
at a time; :mod:`cortesia.batch.rule_frames` translates the same tree into a Polars expression
for whole tables, and a property test holds the two equal. docs/rule-language.md is the
analyst's guide.

>>> from datetime import date
>>> rule = parse_rule(
...     'contract == "Month-to-month" and tenure >= 12 and not senior_citizen',
...     RuleKind.CONDITION,
...     where="action retention_discount eligibility",
... )
>>> sorted(rule.names)
['contract', 'senior_citizen', 'tenure']
>>> rule.holds({"contract": "Month-to-month", "tenure": 20, "senior_citizen": False})
True

A missing variable is null, and a condition that ends null does not hold:

>>> rule.evaluate({"contract": "Month-to-month", "senior_citizen": False}) is None
True
>>> rule.holds({"contract": "Month-to-month", "senior_citizen": False})
False

Numbers come back as floats; division by zero is null:

>>> value = parse_rule("0.2 * monthly_charges * 12", RuleKind.NUMBER)
>>> value.number({"monthly_charges": 50})
120.0
>>> parse_rule("total_charges / tenure", RuleKind.NUMBER).number({"total_charges": 9, "tenure": 0})

Dates, lists and functions:

>>> due = parse_rule(
...     'days_until(bill_due_date) <= 3 and plan in ["postpaid", "hybrid"]', RuleKind.CONDITION
... )
>>> due.holds({"bill_due_date": date(2026, 5, 3), "today": date(2026, 5, 1), "plan": "postpaid"})
True

Mistakes are caught when the rule is loaded, with where, the column and why:

>>> try:
...     parse_rule("balance[0] > 5", RuleKind.CONDITION, where="action low_balance")
... except RuleError as error:
...     print(error)
action low_balance: rule `balance[0] > 5` at column 8: indexing such as `x[0]` is not supported
"""

from __future__ import annotations

from cortesia.domain.rules.errors import RuleError
from cortesia.domain.rules.functions import FUNCTIONS, Function
from cortesia.domain.rules.nodes import Kind
from cortesia.domain.rules.rule import Rule, RuleKind, constant_rule, parse_rule
from cortesia.domain.rules.syntax import MAX_DEPTH, MAX_LENGTH

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Function",
    "Kind",
    "Rule",
    "RuleError",
    "RuleKind",
    "constant_rule",
    "parse_rule",
]
