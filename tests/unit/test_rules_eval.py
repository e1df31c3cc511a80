"""Evaluating rules for one customer: nulls, kinds, Kleene logic, arithmetic and functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

import pytest

from cortesia.domain.rules import RuleKind, parse_rule

C = RuleKind.CONDITION
N = RuleKind.NUMBER
NAN = float("nan")


class Plan(StrEnum):
    PREPAID = "prepaid"


CONDITIONS = [
    # comparisons
    ("tenure >= 12", {"tenure": 12}, True),
    ("tenure >= 12", {"tenure": 11.5}, False),
    ("tenure >= 12", {}, None),
    ("tenure >= 12", {"tenure": None}, None),
    ("tenure >= 12", {"tenure": "12"}, None),
    ("tenure >= 12", {"tenure": True}, None),
    ("tenure >= 12", {"tenure": NAN}, None),
    ("tenure >= 12", {"tenure": Decimal("12.0")}, True),
    ("12 <= tenure", {"tenure": 12}, True),
    ("1 == flag", {"flag": True}, None),
    ("flag == True", {"flag": True}, True),
    ("flag != False", {"flag": True}, True),
    ("flag == True", {"flag": 1}, None),
    ('plan == "prepaid"', {"plan": "prepaid"}, True),
    ('plan == "prepaid"', {"plan": Plan.PREPAID}, True),
    ('plan != "prepaid"', {"plan": 3}, None),
    ('plan < "q"', {"plan": "prepaid"}, True),
    ('plan < "Q"', {"plan": "prepaid"}, False),
    ("a < b", {"a": 1, "b": 2.5}, True),
    ("a == b", {"a": 2, "b": 2.0}, True),
    ("a == b", {"a": "2", "b": 2}, None),
    ("a < b", {"a": True, "b": False}, None),
    ("a == b", {"a": True, "b": True}, True),
    ("18 <= age < 65", {"age": 30}, True),
    ("18 <= age < 65", {"age": 70}, False),
    ("18 <= age < 65", {}, None),
    ('d >= date("2026-05-01")', {"d": date(2026, 5, 1)}, True),
    ('d >= date("2026-05-01")', {"d": datetime(2026, 4, 30, 23, tzinfo=UTC)}, False),
    ('d >= date("2026-05-01")', {"d": "2026-05-01"}, None),
    # in / not in
    ('plan in ["prepaid", "postpaid"]', {"plan": "postpaid"}, True),
    ('plan in ["prepaid", "postpaid"]', {"plan": "hybrid"}, False),
    ('plan not in ["prepaid", "postpaid"]', {"plan": "hybrid"}, True),
    ('plan in ["prepaid"]', {}, None),
    ('plan not in ["prepaid"]', {}, None),
    ('plan in ["1"]', {"plan": 1}, None),
    ("n in [1, 2.5]", {"n": 2.5}, True),
    ("n in [1, 2]", {"n": 1.0}, True),
    ("n in [1, 2]", {"n": True}, None),
    ("n in [1, 2]", {"n": NAN}, None),
    ("flag in [True]", {"flag": 1}, None),
    ("(n + 0) in [1, 2]", {"n": 2}, True),
    # is None
    ("x is None", {}, True),
    ("x is None", {"x": NAN}, True),
    ("x is None", {"x": [1, 2]}, True),
    ("x is not None", {"x": 0}, True),
    ("(x + 1) is None", {"x": "a"}, True),
    # Kleene logic
    ("a and b", {"a": True, "b": None}, None),
    ("a and b", {"a": None, "b": False}, False),
    ("a and b", {"a": False}, False),
    ("a or b", {"a": None, "b": True}, True),
    ("a or b", {"a": None, "b": False}, None),
    ("a or b", {"a": False, "b": False}, False),
    ("a and b and c", {"a": True, "b": True, "c": True}, True),
    ("a and b and c", {"a": True, "b": None, "c": True}, None),
    ("a and b and c", {"a": True, "b": None, "c": False}, False),
    ("a or b or c", {"a": None, "b": None, "c": True}, True),
    ("a or b or c", {"a": False, "b": None, "c": False}, None),
    ("a or b or c", {"a": False, "b": False, "c": False}, False),
    ("not a", {"a": None}, None),
    ("not a", {"a": False}, True),
    ("not a", {"a": 0}, None),
    ("a and b", {"a": 1, "b": True}, None),
    ("a", {"a": "yes"}, None),
    ("a", {"a": True}, True),
    # if / else
    ("a if t else b", {"t": True, "a": True, "b": False}, True),
    ("a if t else b", {"t": None, "a": True, "b": False}, False),
    ("a if t else b", {"t": True, "a": 5, "b": False}, None),
    # functions
    ("coalesce(days_since_last_contact, 999) > 14", {}, True),
    ("coalesce(days_since_last_contact, 999) > 14", {"days_since_last_contact": 3}, False),
    ("coalesce(a, b) == 'x'", {"b": "x"}, True),
    ("coalesce(a, 1) > 0", {"a": "text"}, None),
    ('lower(plan) == "prepaid"', {"plan": "PrePaid"}, True),
    ('upper(country) == "CO"', {"country": "co"}, True),
    ('lower(plan) == "x"', {"plan": 3}, None),
    ("days_since(last) > 30", {"last": date(2026, 1, 1), "today": date(2026, 3, 1)}, True),
    ("days_since(last) > 30", {"last": date(2026, 1, 1)}, None),
    ("days_since(last) > 30", {"last": "2026-01-01", "today": date(2026, 3, 1)}, None),
    ("days_until(due) == 2", {"due": date(2026, 3, 3), "today": date(2026, 3, 1)}, True),
    (
        "days_until(due) == 2",
        {"due": date(2026, 3, 3), "today": datetime(2026, 3, 1, 22, tzinfo=UTC)},
        True,
    ),
    ("min(a, b) < 2", {"a": 1, "b": None}, None),
    ("max(a, b, c) == 3", {"a": 1, "b": 3, "c": 2.5}, True),
]


@pytest.mark.parametrize(("text", "env", "expected"), CONDITIONS)
def test_conditions_give_true_false_or_null(
    text: str, env: dict[str, object], expected: bool | None
) -> None:
    rule = parse_rule(text, C)
    assert rule.evaluate(env) is expected
    assert rule.holds(env) is (expected is True)


NUMBERS = [
    ("0.2 * monthly_charges * 12", {"monthly_charges": 50}, 120.0),
    ("0.2 * monthly_charges * 12", {}, None),
    ("0.2 * monthly_charges * 12", {"monthly_charges": "50"}, None),
    ("0.2 * monthly_charges * 12", {"monthly_charges": True}, None),
    ("tenure", {"tenure": 7}, 7.0),
    ("tenure", {"tenure": "7"}, None),
    ("tenure", {"tenure": False}, None),
    ("a / b", {"a": 7, "b": 2}, 3.5),
    ("a / b", {"a": 7, "b": 0}, None),
    ("a / b", {"a": 7, "b": 0.0}, None),
    ("a / b", {"a": 7, "b": -0.0}, None),
    ("a % b", {"a": -7, "b": 3}, 2.0),
    ("a % b", {"a": 7, "b": -3}, -2.0),
    ("a % b", {"a": 7.5, "b": -2}, -0.5),
    ("a % b", {"a": 7, "b": 0}, None),
    ("-a", {"a": 3}, -3.0),
    ("-a", {"a": "3"}, None),
    ("+a", {"a": 3}, 3.0),
    ("a - b", {"a": 1e308, "b": -1e308}, float("inf")),
    ("(a * b) - (a * b)", {"a": 1e308, "b": 10}, None),
    ("1.5 if segment == 'premium' else 1", {"segment": "premium"}, 1.5),
    ("1.5 if segment == 'premium' else 1", {}, 1.0),
    ("x if t else 'no'", {"t": False}, None),
    ("abs(x)", {"x": -2.5}, 2.5),
    ("min(x, 80)", {"x": 100}, 80.0),
    ("min(x, 80)", {"x": None}, None),
    ("max(x, y)", {"x": 1, "y": "2"}, None),
    ("round(x)", {"x": 2.5}, 3.0),
    ("round(x)", {"x": -2.5}, -3.0),
    ("round(x)", {"x": 0.49999999999999994}, 0.0),
    ("round(x, 2)", {"x": 0.125}, 0.13),
    ("round(x, 1)", {"x": 7}, 7.0),
    ("coalesce(arpu, 10) * 2", {}, 20.0),
    ("coalesce(arpu, 10) * 2", {"arpu": 4}, 8.0),
    ("days_since(d)", {"d": date(2026, 3, 1), "today": date(2026, 3, 2)}, 1.0),
    ("42", {}, 42.0),
    ("2 * 3 + 1", {}, 7.0),
]


@pytest.mark.parametrize(("text", "env", "expected"), NUMBERS)
def test_numbers_give_floats_or_null(
    text: str, env: dict[str, object], expected: float | None
) -> None:
    rule = parse_rule(text, N)
    value = rule.number(env)
    assert value == expected and type(value) is type(expected)
    assert rule.evaluate(env) == expected


def test_huge_integers_from_the_environment_give_null_rather_than_an_error() -> None:
    assert parse_rule("a * a", N).number({"a": 10**200}) is None
    assert parse_rule("a / 3", N).number({"a": 10**400}) is None


def test_holds_is_for_conditions_and_number_for_numbers() -> None:
    with pytest.raises(TypeError, match="number rule"):
        parse_rule("1", N).holds({})
    with pytest.raises(TypeError, match="condition"):
        parse_rule("True", C).number({})


def test_constant_sub_expressions_are_computed_once_with_the_same_result() -> None:
    rule = parse_rule("x > 2 * 3 and 'a' < 'b' and 1 / 0 is None", C)
    assert rule.holds({"x": 7}) and not rule.holds({"x": 6})


def test_a_rule_never_reads_beyond_the_names_it_lists() -> None:
    class Strict(dict[str, object]):
        def get(self, key: str, default: object = None) -> object:
            assert key in rule.names
            return super().get(key, default)

    rule = parse_rule("coalesce(a, b) > 1 and days_since(c) > 0 or d in [1]", C)
    env = Strict(a=None, b=2, c=date(2026, 1, 1), today=date(2026, 1, 2), d=1)
    assert rule.holds(env)
