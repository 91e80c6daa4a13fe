"""Checks of a loaded dataset: values that cannot be right, and its consistency rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.codes import as_texts
from laborstats.errors import DataValueError, LaborstatsError
from laborstats.formula import parse_rule
from laborstats.vocabulary import EXACT

PROBLEM_COLUMNS = ["severity", "file", "line", "column", "check", "message"]
ERROR = "error"
WARNING = "warning"
_PLACE = ["year", "region", "entity"]


def value_problems(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, this_year: int, where: str
) -> pd.DataFrame:
    """Figures that cannot be right, one row each: the cheap checks run on every load.

    Counts below zero or not whole; shares outside 0–100 %; years after
    ``this_year``. Rows of ``outcomes`` as the loader typed them, read from
    the file ``where``.
    """
    kinds = outcomes["metric"].map(metrics.set_index("metric")["kind"])
    units = outcomes["metric"].map(metrics.set_index("metric")["unit"])
    value = outcomes["value"]
    found = [
        (kinds.eq("count") & (value < 0), "value", "negative_count", "a count below zero"),
        (kinds.eq("count") & (value % 1 != 0), "value", "fractional_count", "a count not whole"),
        (
            kinds.eq("share") & units.eq("percent") & ((value < 0) | (value > 100)),
            "value",
            "share_range",
            "a share outside 0–100 %",
        ),
        (outcomes["year"] > this_year, "year", "future_year", f"a year after {this_year}"),
    ]
    problems = [
        pd.DataFrame(
            {
                "severity": ERROR,
                "file": where,
                "line": outcomes.loc[bad, "line"],
                "column": column,
                "check": check,
                "message": message
                + "; found "
                + outcomes.loc[bad, column].map(_number).astype("str"),
            }
        )
        for bad, column, check, message in found
    ]
    return combine_problems(problems)


def flow_rules(metrics: pd.DataFrame, rules: pd.DataFrame | None) -> pd.DataFrame:
    """A rule for each flow of the dictionary: a year's flow is no larger than its stock.

    It can be larger only if more left the stock than remained in it, so a
    failure is a warning. A flow that rules.csv already relates to its stock
    gets no second rule.
    """
    covered = {parse_rule(text).metrics for text in ([] if rules is None else rules["check"])}
    flows = metrics[metrics["flow_of"] != ""]
    found = [
        {
            "rule": f"{flow}_within_{stock}",
            "description": f"{flow} adds to {stock}, so it is no larger",
            "check": f"{flow} <= {stock}",
            "severity": WARNING,
        }
        for flow, stock in zip(flows["metric"], flows["flow_of"], strict=True)
        if frozenset({flow, stock}) not in covered
    ]
    return pd.DataFrame(found, columns=["rule", "description", "check", "severity"])


def every_rule(metrics: pd.DataFrame, rules: pd.DataFrame | None) -> pd.DataFrame:
    """The rules of rules.csv and one for each flow of the dictionary (see flow_rules)."""
    return pd.concat([rules, flow_rules(metrics, rules)], ignore_index=True)


def dataset_problems(
    rejected: pd.DataFrame, outcomes: pd.DataFrame, rules: pd.DataFrame, where: str
) -> pd.DataFrame:
    """What check lists: the rows the loader set aside, and each place a rule fails.

    ``outcomes`` includes the derived figures; ``rules`` is every_rule's.
    """
    return combine_problems([rejected_problems(rejected), rule_problems(outcomes, rules, where)])


def rule_problems(outcomes: pd.DataFrame, rules: pd.DataFrame, where: str) -> pd.DataFrame:
    """Each place (year, region, entity) where a consistency rule of rules.csv fails.

    A rule is checked wherever every metric it names has one figure. ``==``
    allows for rounding (a relative 1e-9). A failure among inexact figures
    (≈, ≥, ≤) may be the rounding of the report, so it is a warning.
    """
    problems = []
    for key, description, text, severity in zip(
        rules["rule"], rules["description"], rules["check"], rules["severity"], strict=True
    ):
        rule = parse_rule(text)
        inputs = as_texts(outcomes[outcomes["metric"].isin(rule.metrics)])
        inputs = inputs.drop_duplicates([*_PLACE, "metric"], keep=False)
        wide = inputs.pivot(index=_PLACE, columns="metric", values=["value", "qualifier", "line"])
        if wide.empty or not rule.metrics <= set(wide["value"].columns):
            continue
        names = sorted(rule.metrics)
        wide = wide[pd.DataFrame(wide["value"][names]).notna().all(axis="columns")]
        values = {name: wide["value"][name].astype("float64") for name in names}
        # A side may be a constant; give it the rows of the other.
        left, right = (
            pd.Series(side.evaluate(values), index=wide.index, dtype="float64")
            for side in (rule.left, rule.right)
        )
        if rule.op == "==":
            holds = pd.Series(np.isclose(left, right, rtol=1e-9, atol=0), index=wide.index)
        else:
            holds = pd.Series(rule.compare(left, right), index=wide.index)
        failed = ~holds
        if not failed.any():
            continue
        inexact = (pd.DataFrame(wide["qualifier"][names]) != EXACT).any(axis="columns")
        reported = pd.DataFrame(wide["line"][names]).astype("float64")
        lines = reported.where(reported > 0).min(axis="columns")
        places = wide.index[failed].to_frame(index=False)
        place = places["year"].astype("str") + " " + places["region"]
        place = place + places["entity"].where(places["entity"] == "", " " + places["entity"])
        said = f"{description}: " if description else ""
        problems.append(
            pd.DataFrame(
                {
                    "severity": np.where(inexact[failed], WARNING, severity),
                    "file": where,
                    "line": lines[failed].astype("Int64").to_numpy(),  # none: derived
                    "column": "value",
                    "check": key,
                    "message": said
                    + f"{rule.left.text} = "
                    + left[failed].map(_number).to_numpy()
                    + f", {rule.right.text} = "
                    + right[failed].map(_number).to_numpy()
                    + f"; expected {rule.op} ("
                    + place.to_numpy()
                    + ")",
                }
            )
        )
    return combine_problems(problems)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def combine_problems(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Problem tables as one, ordered by file and line."""
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame({name: pd.Series(dtype="str") for name in PROBLEM_COLUMNS}).astype(
            {"line": "Int64"}
        )
    result = pd.concat(frames, ignore_index=True).astype({"line": "Int64"})
    return result.sort_values(["file", "line"], kind="stable").reset_index(drop=True)[
        PROBLEM_COLUMNS
    ]


def error_problem(error: LaborstatsError) -> pd.DataFrame:
    """A problem that stopped the loading of a dataset, as a row of the problem table."""
    return pd.DataFrame(
        {
            "severity": [ERROR],
            "file": [error.where or ""],
            "line": pd.array([error.line], dtype="Int64"),  # none: a whole file's
            "column": [error.column or ""],
            "check": ["load"],
            "message": [error.detail],
        }
    )


def rejected_problems(rejected: pd.DataFrame) -> pd.DataFrame:
    """Rows the loader set aside (file, line, column, check, problem), as errors."""
    problems = rejected.rename(columns={"problem": "message"}).assign(severity=ERROR)
    return problems[PROBLEM_COLUMNS]


def first_error(problems: pd.DataFrame) -> DataValueError | None:
    """The first error among ``problems`` (ordered by file and line), as the loader stops
    at a bad row; None if there is none."""
    errors = problems[problems["severity"] == ERROR]
    if errors.empty:
        return None
    first = errors.iloc[0]
    return DataValueError(
        str(first["message"]),
        where=str(first["file"]),
        line=None if pd.isna(first["line"]) else int(first["line"]),
        column=str(first["column"]) or None,
    )
