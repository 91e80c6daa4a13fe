"""Formulas of derived metrics: plain arithmetic on metric names, nothing else."""

from __future__ import annotations

import pytest

from laborstats.formula import FormulaError, parse_formula, parse_rule


def test_arithmetic_on_metric_names() -> None:
    formula = parse_formula("(a + b) × 2 ÷ c − 1")
    assert formula.metrics == {"a", "b", "c"}
    assert formula.evaluate({"a": 3, "b": 5, "c": 4}) == 3.0


def test_unary_minus_and_numbers() -> None:
    assert parse_formula("-a + 1.5").evaluate({"a": 2}) == -0.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('__import__("os").system("id")', "a function call is not allowed"),
        ("().__class__.__bases__", "attribute access (.__bases__) is not allowed"),
        ("a.real", "attribute access (.real) is not allowed"),
        ("open('x')", "a function call is not allowed"),
        ("__builtins__", "'__builtins__' is not a metric name"),
        ("_private", "'_private' is not a metric name"),
        ("9 ** 9 ** 9", "the operator ** is not allowed"),
        ("a % b", "the operator % is not allowed"),
        ("a // b", "the operator // is not allowed"),
        ("a[0]", "a Subscript expression is not allowed"),
        ("[x for x in a]", "a ListComp expression is not allowed"),
        ("lambda: 1", "a Lambda expression is not allowed"),
        ("a if b else c", "a IfExp expression is not allowed"),
        ("a < b", "a Compare expression is not allowed"),
        ("'text'", "the constant 'text' is not allowed"),
        ("True", "the constant True is not allowed"),
        ("1j", "the constant 1j is not allowed"),
        ("(x := 1)", "a NamedExpr expression is not allowed"),
        ("a +", "not a valid expression (invalid syntax)"),
        ("a\x00b", "not a valid expression"),
        ("", "empty"),
        ("a + " * 200 + "a", "longer than 500 characters"),
    ],
)
def test_anything_but_arithmetic_is_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    assert str(caught.value).startswith(message)


def test_rules_compare_two_formulas() -> None:
    rule = parse_rule("gold + silver + bronze == medals")
    assert (rule.op, rule.left.text, rule.right.text) == ("==", "gold + silver + bronze", "medals")
    assert rule.metrics == {"gold", "silver", "bronze", "medals"}
    assert rule.compare(rule.left.evaluate({"gold": 2, "silver": 1, "bronze": 1}), 4)
    assert parse_rule("new ≤ total").op == "<="


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a", "not one comparison of two formulas"),
        ("a < b < c", "not one comparison of two formulas"),
        ("a != b", "not one comparison of two formulas"),
        ("__import__('os').system('id') == 0", "a function call is not allowed"),
        ("a.__class__ == b", "attribute access (.__class__) is not allowed"),
        ("a ** 999999 == b", "the operator ** is not allowed"),
        ("a == 1e999", "the number inf is too large"),
        ("__builtins__ == a", "'__builtins__' is not a metric name"),
        ("a ==", "not a valid rule"),
    ],
)
def test_rules_refuse_anything_but_arithmetic(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_rule(text)
    assert str(caught.value).startswith(message)
