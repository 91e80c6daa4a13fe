"""Checks of a dataset: impossible values, and the consistency rules kept as data."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from laborstats.dataset import load_dataset
from laborstats.stats.checks import (
    PROBLEM_COLUMNS,
    first_error,
    flow_rules,
    rule_problems,
    value_problems,
)
from laborstats.stats.derived import with_derived_metrics
from tests.stats.frames import Row, metrics_frame, outcomes_frame

METRICS = metrics_frame()


def rules(*checks: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rule": [f"rule{number}" for number in range(len(checks))],
            "description": "",
            "check": list(checks),
            "severity": "error",
        }
    )


def broken(rows: Sequence[Row], *checks: str) -> list[list[object]]:
    found = rule_problems(outcomes_frame(rows), rules(*checks), "outcomes.csv")
    return found[["severity", "line", "check", "message"]].values.tolist()


def test_the_bundled_dataset_is_consistent() -> None:
    dataset = load_dataset()
    assert dataset.rules is not None
    outcomes = with_derived_metrics(dataset.outcomes, dataset.metrics)
    assert rule_problems(outcomes, dataset.rules, "outcomes.csv").empty
    assert value_problems(dataset.outcomes, dataset.metrics, 2026, "outcomes.csv").empty
    assert len(dataset.rules) == 3


def test_a_changed_medal_count_breaks_the_rule_with_its_line() -> None:
    dataset = load_dataset()
    assert dataset.rules is not None
    outcomes = dataset.outcomes.copy()
    gold = outcomes["metric"] == "invention_expo_gold"
    outcomes.loc[gold, "value"] = 3
    (problem,) = rule_problems(outcomes, dataset.rules, "outcomes.csv").to_dict(orient="records")
    assert list(problem) == PROBLEM_COLUMNS
    assert (problem["severity"], problem["check"]) == ("error", "medals_add_up")
    assert (
        problem["line"]
        == outcomes.loc[outcomes["metric"].str.startswith("invention_expo"), "line"].min()
    )
    assert problem["message"].endswith(
        "invention_expo_gold + invention_expo_silver + invention_expo_bronze = 5, "
        "invention_expo_medal_projects = 4; expected == (2024 庆阳市)"
    )


def test_each_place_is_checked_where_it_has_every_metric() -> None:
    rows = [
        (2024, "A", "members", 10, "exact"),
        (2024, "A", "joined", 12, "exact"),
        (2024, "B", "members", 10, "exact"),
        (2024, "B", "joined", 3, "exact"),
        (2024, "C", "joined", 99, "exact"),  # no members in C: nothing to check
    ]
    assert broken(rows, "joined <= members") == [
        ["error", 2, "rule0", "joined = 12, members = 10; expected <= (2024 A)"]
    ]


def test_a_rule_broken_by_derived_figures_alone_names_no_line() -> None:
    outcomes = outcomes_frame(
        [(2024, "A", "members", 10, "exact"), (2024, "A", "joined", 12, "exact")]
    ).assign(line=0)  # derived figures are on no line of the file
    found = rule_problems(outcomes, rules("joined <= members"), "outcomes.csv")
    assert found["line"].isna().tolist() == [True]
    assert str(first_error(found)) == (
        'outcomes.csv: column "value": joined = 12, members = 10; expected <= (2024 A)'
    )


def test_equality_allows_for_rounding_only() -> None:
    rows = [(2024, "A", "grants", 1, "exact"), (2024, "A", "children", 3, "exact")]
    assert broken(rows, "grants / children * 3 == 1") == []
    assert broken(rows, "grants / children == 0.3333") != []


def test_a_rule_broken_by_inexact_figures_is_a_warning() -> None:
    rows = [(2024, "A", "members", 10, "approx"), (2024, "A", "joined", 12, "exact")]
    assert broken(rows, "joined <= members")[0][0] == "warning"


def test_impossible_values() -> None:
    outcomes = outcomes_frame(
        [
            (2024, "A", "members", -1, "exact"),
            (2024, "A", "children", 2.5, "exact"),
            (2030, "A", "grants", 1, "exact"),
            (2024, "A", "coverage", 140, "exact"),  # a rate may pass 100 %
        ]
    )
    found = value_problems(outcomes, METRICS, 2026, "outcomes.csv")
    assert found[["line", "check", "message"]].values.tolist() == [
        [2, "negative_count", "a count below zero; found -1"],
        [3, "fractional_count", "a count not whole; found 2.5"],
        [4, "future_year", "a year after 2026; found 2030"],
    ]
    assert str(first_error(found)) == (
        'outcomes.csv:2: column "value": a count below zero; found -1'
    )
    assert first_error(found.iloc[0:0]) is None


def test_a_flow_larger_than_its_stock_is_a_warning() -> None:
    implied = flow_rules(METRICS, None)
    assert implied[["rule", "check", "severity"]].values.tolist() == [
        ["joined_within_members", "joined <= members", "warning"]
    ]
    rows = [(2024, "A", "members", 10, "exact"), (2024, "A", "joined", 25, "exact")]
    found = rule_problems(outcomes_frame(rows), implied, "outcomes.csv")
    assert found[["severity", "line", "check", "message"]].values.tolist() == [
        [
            "warning",
            2,
            "joined_within_members",
            "joined adds to members, so it is no larger: joined = 25, members = 10; "
            "expected <= (2024 A)",
        ]
    ]


def test_a_flow_related_to_its_stock_by_rules_csv_gets_no_second_rule() -> None:
    assert flow_rules(METRICS, rules("members >= joined")).empty
    assert len(flow_rules(METRICS, rules("members >= children"))) == 1
