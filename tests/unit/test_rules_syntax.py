"""Loading rules: what the language accepts, and every refusal with its column and reason."""

from __future__ import annotations

import pytest

from cortesia.domain.rules import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Rule,
    RuleError,
    RuleKind,
    constant_rule,
    parse_rule,
)
from cortesia.errors import ValidationError

C = RuleKind.CONDITION
N = RuleKind.NUMBER

ACCEPTED = [
    ('contract == "Month-to-month" and tenure >= 12 and not senior_citizen', C),
    ("0.2 * monthly_charges * 12", N),
    ('plan in ["prepaid", "postpaid"]', C),
    ("contacts_7d < 3", C),
    ("days_since_last_contact is None or days_since_last_contact > 14", C),
    ("coalesce(days_since_last_contact, 999) > 14", C),
    ('consent.email.product_news == "unknown"', C),
    ('context.inbound_reason == "billing"', C),
    ("1.5 if segment == 'premium' else 1", N),
    ('signup_date >= date("2026-05-01")', C),
    ("18 <= age < 65", C),
    ("-balance > -5", C),
    ("round(monthly_charges * 0.1, 2)", N),
    ("min(monthly_charges, 80) + max(tenure, 1) - abs(delta) % 7 / 2", N),
    ('lower(plan) not in ["prepaid"] and upper(country) != "US"', C),
    ("days_since(last_recharge) > 30 and days_until(bill_due_date) <= 3", C),
    ("tenure", N),
    ("is_vip", C),
    ("True", C),
    ("42", N),
    ("contacts_7d in [0, 1.5, -2]", C),
    ("flag in [True]", C),
    ('(plan == "a"\n  or plan == "b")', C),
]


@pytest.mark.parametrize(("text", "kind"), ACCEPTED)
def test_the_documented_syntax_is_accepted(text: str, kind: RuleKind) -> None:
    rule = parse_rule(text, kind)
    assert rule.kind is kind and rule.text == text.strip()


REFUSED = [
    # (text, kind, column, words in the reason)
    ("x[0] > 1", C, 2, "indexing such as `x[0]`"),
    ("f.y() > 1", C, 2, "method calls"),
    ("plan.lower() == 'a'", C, 5, "method calls"),
    ('"a" + 1', N, 5, "`+` needs numbers; the left side is a string"),
    ("tenure + 'x'", N, 8, "the right side is a string"),
    ("(tenure > 1 and plan == 'a'", C, 1, "'(' was never closed"),
    ("tenure > 1)", C, 11, "unmatched ')'"),
    ("tenure >", C, 9, "syntax error"),
    ("tenure = 12", C, 8, "a single `=` assigns; compare with `==`"),
    ("tenure =12", C, 8, "compare with `==`"),
    ("tenure > 12", N, 1, "a number rule cannot be a comparison"),
    ("42", C, 1, "a condition rule must give a condition"),
    ('"yes"', C, 1, "this gives a string"),
    ("None", N, 1, "always null"),
    ("foo(tenure) > 1", C, 1, "unknown function `foo`"),
    ("lowr(plan) == 'a'", C, 1, "did you mean `lower`?"),
    ("tenure ** 2", N, 8, "`**` (power)"),
    ("tenure // 2", N, 8, "`//` is not supported"),
    ("a & b", C, 3, "use `and`"),
    ("~a", C, 1, "use `not`"),
    ("(lambda: 1)()", N, 1, "only the rule functions"),
    ("lambda: 1", N, 1, "lambda"),
    ("[x for x in y]", C, 1, "comprehensions"),
    ("{1: 2}", C, 1, "dictionaries"),
    ("plan in {'a'}", C, 9, "sets are not supported"),
    ("plan in plans", C, 9, "`in` needs a list"),
    ("plan in []", C, 9, "the list after `in` is empty"),
    ("plan in ['a', 1]", C, 9, "mixes kinds"),
    ("plan in ['a', x]", C, 15, "holds only"),
    ("plan in ['a', None]", C, 15, "holds only"),
    ("tenure in ['a'] in ['b']", C, 8, "cannot be chained"),
    ("[1, 2] == x", C, 1, "lists are only allowed after `in`"),
    ("f'{x}' == 'a'", C, 1, "f-strings"),
    ("(x := 1) > 0", C, 2, "`:=`"),
    ("x == None", C, 3, "`is None`"),
    ("x is 3", C, 3, "`is` only tests for None"),
    ("plan == 3 and 'a' == 3", C, 19, "compares a string with a number"),
    ("'a' < 3", C, 5, "values of different kinds never compare"),
    ("True < flag", C, 6, "does not order true/false"),
    ("not 5", C, 5, "`not` needs a condition"),
    ("tenure > 1 and 5", C, 16, "`and` joins conditions"),
    ("1 if 2 else 3", N, 6, "the test after `if`"),
    ("-'a' == x", C, 2, "`-` needs a number"),
    ("lower(3) == 'a'", C, 7, "lower() needs a string"),
    ("days_since(3) > 1", C, 12, "days_since() needs a date"),
    ("abs() > 1", C, 1, "abs() takes 1 argument, got 0"),
    ("min(x) > 1", C, 1, "min() takes at least 2 arguments, got 1"),
    ("round(x, 1, 2)", N, 1, "round() takes 1 to 2 arguments, got 3"),
    ("round(x, 10)", N, 10, "digits must be a whole number from 0 to 9"),
    ("round(x, -1)", N, 10, "digits must be a whole number"),
    ("round(x, digits=2)", N, 1, "without names"),
    ("date(x) < d", C, 6, "date() takes a literal"),
    ("date('2026-02-30') < d", C, 6, "is not a date"),
    ("b'x' == y", C, 1, "bytes values are not supported"),
    ("1j == y", C, 1, "complex values are not supported"),
    ("1e400 > x", C, 1, "number too large"),
    ("99999999999999999999 > x", C, 1, "whole numbers must lie within"),
    ("f(x).y == 1", C, 5, "only variable names can be dotted"),
    ("'año' + 1", N, 7, "`+` needs numbers"),
    ("", C, 1, "empty"),
    ("   ", N, 1, "empty"),
    ("a\0b", C, 2, "null character"),
]


@pytest.mark.parametrize(("text", "kind", "column", "reason"), REFUSED)
def test_each_refused_construct_names_its_column_and_reason(
    text: str, kind: RuleKind, column: int, reason: str
) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(text, kind, where="action data_pack_5gb eligibility")
    error = caught.value
    assert reason in error.reason
    assert error.column == column, (error.column, str(error))
    assert error.where == "action data_pack_5gb eligibility"
    assert error.text == text.strip()


def test_the_message_reads_where_rule_column_reason() -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule('plan == "prepaid" and x[0] > 1', C, where="action data_pack_5gb eligibility")
    assert str(caught.value) == (
        'action data_pack_5gb eligibility: rule `plan == "prepaid" and x[0] > 1` at column 24: '
        "indexing such as `x[0]` is not supported"
    )


def test_a_rule_error_is_a_validation_error_naming_where_and_the_text() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_rule("tenure >", C, where="action a eligibility")
    problem = caught.value.problems[0]
    assert problem.field == "action a eligibility"
    assert problem.value == "tenure >"
    assert problem.reason.startswith("at column 9: syntax error")


def test_columns_count_characters_not_bytes() -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule("nombre == 'Año' and x[0]", C)
    assert caught.value.column == 22


def test_overlong_rules_are_refused() -> None:
    text = " or ".join(["tenure > 1"] * 200)
    assert len(text) > MAX_LENGTH
    with pytest.raises(RuleError) as caught:
        parse_rule(text, C)
    assert caught.value.column == MAX_LENGTH + 1
    assert f"longer than {MAX_LENGTH} characters" in caught.value.reason


def test_deep_nesting_is_refused() -> None:
    text = "not " * (MAX_DEPTH + 5) + "flag"
    with pytest.raises(RuleError) as caught:
        parse_rule(text, C)
    assert "nested too deeply" in caught.value.reason
    with pytest.raises(RuleError, match="nested too deeply"):
        parse_rule("(1 + " * 60 + "x" + ")" * 60 + " > 1", C)
    with pytest.raises(RuleError, match="too many nested parentheses"):
        parse_rule("(" * 300 + "x" + ")" * 300 + " > 1", C)
    # Parentheses alone build nothing: harmless however many.
    assert parse_rule("(" * 150 + "x" + ")" * 150 + " > 1", C).holds({"x": 2})


def test_a_rule_lists_every_name_it_reads_dotted_names_whole_and_today_for_dates() -> None:
    rule = parse_rule("consent.sms.marketing == 'opted_in' and days_since(last_visit) > 3", C)
    assert rule.names == frozenset({"consent.sms.marketing", "last_visit", "today"})
    assert parse_rule("1 + 2", N).names == frozenset()


def test_rules_are_equal_by_text_and_kind() -> None:
    first = parse_rule("tenure > 1", C)
    assert first == parse_rule("  tenure > 1 ", C)
    assert hash(first) == hash(parse_rule("tenure > 1", C))
    assert first != parse_rule("tenure", N)
    assert len({first, parse_rule("tenure > 1", C)}) == 1
    assert isinstance(first, Rule) and "tenure > 1" in repr(first)


def test_constant_rule_is_a_number_rule_with_the_number_as_text() -> None:
    rule = constant_rule(1.2)
    assert rule.kind is N and rule.text == "1.2" and rule.names == frozenset()
    assert constant_rule(-3).number({}) == -3.0
    assert constant_rule(1e20).number({}) == 1e20
    with pytest.raises(RuleError, match="finite"):
        constant_rule(float("inf"))


def test_the_function_table_lists_the_documented_functions() -> None:
    assert sorted(FUNCTIONS) == [
        "abs",
        "coalesce",
        "date",
        "days_since",
        "days_until",
        "lower",
        "max",
        "min",
        "round",
        "upper",
    ]
    assert all(function.summary for function in FUNCTIONS.values())


def test_python_builtins_and_dunders_are_only_names() -> None:
    # Nothing reaches Python: `__import__` is an unknown function, `__class__` a plain name.
    with pytest.raises(RuleError, match="unknown function `__import__`"):
        parse_rule("__import__('os') == 1", C)
    rule = parse_rule("x.__class__ == 'a'", C)
    assert rule.names == frozenset({"x.__class__"})
    assert rule.evaluate({"x": "a"}) is None
