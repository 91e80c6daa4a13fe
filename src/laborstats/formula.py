"""Formulas of derived metrics: arithmetic on metric names, parsed and checked, never eval'd.

Dataset files travel between offices, so a formula may hold only metric
names, numbers, + − × ÷ and parentheses, and a consistency rule only two
such formulas joined by one comparison (== <= >= < >). The text is parsed
with the standard ``ast`` parser (parsing runs no code) and every node is
checked against that short list before anything is computed.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 500
ALLOWED = "arithmetic (+ - * / and parentheses) on metric names and numbers"
_SPELLINGS = str.maketrans({"×": "*", "÷": "/", "−": "-", "（": "(", "）": ")"})
_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


RULE_ALLOWED = "two arithmetic formulas joined by one of == <= >= < >"
_COMPARISONS: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Eq: ("==", operator.eq),
    ast.LtE: ("<=", operator.le),
    ast.GtE: (">=", operator.ge),
    ast.Lt: ("<", operator.lt),
    ast.Gt: (">", operator.gt),
}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic on metric names; the message says why."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, its syntax tree and the metrics it uses."""

    text: str
    tree: ast.expr
    metrics: frozenset[str]

    def evaluate(self, values: Mapping[str, Any], number: Callable[[float], Any] = float) -> Any:
        """Compute the formula with ``values`` for metric names; ``number`` wraps constants.

        Values may be floats, pandas Series, or anything with arithmetic.
        """
        return _evaluate(self.tree, values, number)


def parse_formula(text: str) -> Formula:
    """Parse and check a formula, or raise FormulaError naming what is not allowed."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"longer than {MAX_LENGTH} characters")
    source = text.translate(_SPELLINGS).strip()
    if not source:
        raise FormulaError("empty")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"not a valid expression ({error.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("not a valid expression (too deeply nested or not text)") from None
    metrics = frozenset(_check(tree))
    return Formula(text=text, tree=tree, metrics=metrics)


@dataclass(frozen=True)
class Rule:
    """A checked consistency rule: ``left <op> right``, two formulas and a comparison."""

    text: str
    left: Formula
    right: Formula
    op: str
    compare: Callable[[Any, Any], Any]

    @property
    def metrics(self) -> frozenset[str]:
        return self.left.metrics | self.right.metrics


def parse_rule(text: str) -> Rule:
    """Parse and check a rule such as ``gold + silver + bronze == medal_projects``."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"longer than {MAX_LENGTH} characters")
    source = text.translate(_SPELLINGS).replace("≤", "<=").replace("≥", ">=").strip()
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"not a valid rule ({error.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("not a valid rule (too deeply nested or not text)") from None
    if not (
        isinstance(tree, ast.Compare) and len(tree.ops) == 1 and type(tree.ops[0]) in _COMPARISONS
    ):
        raise FormulaError("not one comparison of two formulas")
    left, right = tree.left, tree.comparators[0]
    op, compare = _COMPARISONS[type(tree.ops[0])]
    return Rule(
        text=text,
        left=Formula(ast.unparse(left), left, frozenset(_check(left))),
        right=Formula(ast.unparse(right), right, frozenset(_check(right))),
        op=op,
        compare=compare,
    )


def _check(node: ast.AST) -> list[str]:
    """The metric names in ``node``; FormulaError for any node outside plain arithmetic."""
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _check(node.left) + _check(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _check(node.operand)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        if not math.isfinite(node.value):
            raise FormulaError(f"the number {node.value!r} is too large")
        return []
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise FormulaError(f"'{node.id}' is not a metric name")
        return [node.id]
    raise FormulaError(f"{_describe(node)} is not allowed")


_OPERATOR_NAMES = {ast.Pow: "**", ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@"}


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.BinOp):
        return f"the operator {_OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)}"
    if isinstance(node, ast.Call):
        return "a function call"
    if isinstance(node, ast.Attribute):
        return f"attribute access (.{node.attr})"
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r}"
    return f"a {type(node).__name__} expression"


def _evaluate(node: ast.expr, values: Mapping[str, Any], number: Callable[[float], Any]) -> Any:
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, values, number)
        right = _evaluate(node.right, values, number)
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values, number)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return number(float(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    raise FormulaError(f"{_describe(node)} is not allowed")  # unreachable after _check
