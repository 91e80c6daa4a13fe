"""Derived metrics computed from the formulas of the metric dictionary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from laborstats.dataset import load_dataset
from laborstats.stats import derived
from laborstats.stats.derived import with_derived_metrics


def metrics(*rows: tuple[str, str], flows: dict[str, str] | None = None) -> pd.DataFrame:
    """A dictionary of (metric, formula) rows in one programme; ``flows`` maps flow → stock."""
    frame = pd.DataFrame(rows, columns=["metric", "formula"])
    flow_of = [(flows or {}).get(metric, "") for metric in frame["metric"]]
    return frame.assign(programme="aid", flow_of=flow_of).astype("str")


def outcomes(*rows: tuple[int, str, str, float, str, str]) -> pd.DataFrame:
    """Outcome rows of (year, region, metric, value, qualifier, period)."""
    frame = pd.DataFrame(rows, columns=["year", "region", "metric", "value", "qualifier", "period"])
    return frame.assign(
        entity="", programme="aid", basis="reported", source="q", line=np.arange(len(frame)) + 2
    ).astype({"value": "float64", "region": "str", "metric": "str", "qualifier": "str"})


DICTIONARY = metrics(("amount", ""), ("children", ""), ("per_child", "amount / children"))


def derived_rows(frame: pd.DataFrame) -> list[list[object]]:
    rows = frame[frame["basis"] == "derived"].sort_values(["year", "region"], kind="stable")
    return rows[["year", "region", "value", "qualifier", "period"]].values.tolist()


def test_bundled_per_child_and_per_case_figures() -> None:
    dataset = load_dataset()
    result = with_derived_metrics(dataset.outcomes, dataset.metrics)
    values = result[result["basis"] == "derived"].set_index("metric")["value"]
    assert values["study_grant_per_child"] == 4_545_000 / 1515 == 3000
    assert values["recovered_per_dispute"] == 393_600 / 82 == 4800
    assert values["standard_coal_baseline"] == 100_000
    assert values["skilled_talents_total"] == 152_400 - 21_000


STOCKS = metrics(("talents", ""), ("new", ""), flows={"new": "talents"})


def test_a_flow_gives_the_stock_of_the_year_before_as_a_lower_bound() -> None:
    data = outcomes(
        (2024, "A", "talents", 152_400, "exact", "2024"),
        (2024, "A", "new", 21_000, "exact", "2024"),
        (2024, "B", "talents", 900, "approx", "2024"),
        (2024, "B", "new", 100, "exact", "2024"),
    )
    result = with_derived_metrics(data, STOCKS)
    assert derived_rows(result) == [
        [2023, "A", 131_400.0, "at_least", "2023"],
        [2023, "B", 800.0, "approx", "2023"],
    ]
    derived = result[result["basis"] == "derived"]
    assert set(derived["metric"]) == {"talents"}
    assert derived["source"].iloc[0] == "derived: talents of 2024 − new of 2024"


def test_a_reported_stock_wins_and_other_periods_give_nothing() -> None:
    data = outcomes(
        (2024, "A", "talents", 152_400, "exact", "2024"),
        (2024, "A", "new", 21_000, "exact", "2024"),
        (2023, "A", "talents", 140_000, "exact", "2023"),
        (2024, "B", "talents", 900, "exact", "2024"),
        (2024, "B", "new", 100, "exact", "cumulative"),
    )
    result = with_derived_metrics(data, STOCKS)
    assert derived_rows(result) == []


def test_each_year_and_region_with_every_input() -> None:
    data = outcomes(
        (2024, "A", "amount", 3000, "exact", "2024"),
        (2024, "A", "children", 2, "exact", "2024"),
        (2024, "B", "amount", 900, "exact", "2024"),
        (2023, "A", "amount", 100, "at_least", "2023"),
        (2023, "A", "children", 4, "exact", "2023"),
    )
    result = with_derived_metrics(data, DICTIONARY)
    assert derived_rows(result) == [
        [2023, "A", 25.0, "at_least", "2023"],
        [2024, "A", 1500.0, "exact", "2024"],
    ]
    derived = result[result["basis"] == "derived"]
    assert set(derived["source"]) == {"derived: amount / children"}
    assert set(derived["programme"]) == {"aid"}


def test_an_input_with_two_figures_in_a_place_is_ambiguous_and_not_used() -> None:
    data = outcomes(
        (2024, "A", "amount", 3000, "exact", "annual"),
        (2024, "B", "children", 3, "exact", ""),
        (2024, "A", "children", 2, "exact", ""),
        (2024, "A", "amount", 5000, "exact", "cumulative"),
        (2024, "B", "amount", 300, "approx", ""),
    )
    assert derived_rows(with_derived_metrics(data, DICTIONARY)) == [
        [2024, "B", 100.0, "approx", ""]
    ]


def test_a_missing_period_agrees_with_no_other() -> None:
    # The loader writes no period as blank; a caller may give a missing one.
    data = outcomes(
        (2024, "A", "amount", 3000, "exact", "2024"),
        (2024, "A", "children", 2, "exact", "2024"),
        (2024, "B", "amount", 300, "exact", "2024"),
        (2024, "B", "children", 3, "exact", "2024"),
        (2024, "C", "amount", 30, "exact", "2024"),
        (2024, "C", "children", 3, "exact", "2024"),
    )
    data.loc[2, "period"] = None
    data.loc[[4, 5], "period"] = None
    assert derived_rows(with_derived_metrics(data, DICTIONARY)) == [
        [2024, "A", 1500.0, "exact", "2024"]
    ]


def test_derived_figures_come_in_the_order_of_their_places() -> None:
    # As a summary lists a metric's regions: the derived ones, by year and region.
    data = outcomes(
        *((2024, region, "amount", 10, "exact", "") for region in ("C", "A", "B")),
        *((2023, region, "amount", 10, "exact", "") for region in ("B", "C")),
        *((year, region, "children", 2, "exact", "") for year in (2024, 2023) for region in "BCA"),
    )
    result = with_derived_metrics(data, DICTIONARY)
    places = result.loc[result["basis"] == "derived", ["year", "region"]]
    assert places.values.tolist() == [
        [2023, "B"],
        [2023, "C"],
        [2024, "A"],
        [2024, "B"],
        [2024, "C"],
    ]


def test_division_by_zero_gives_no_value() -> None:
    data = outcomes(
        (2024, "A", "amount", 3000, "exact", "2024"), (2024, "A", "children", 0, "exact", "2024")
    )
    assert derived_rows(with_derived_metrics(data, DICTIONARY)) == []


@pytest.mark.parametrize(
    ("formula", "value", "qualifier"),
    [
        ("b * 2 + 1", 11, "at_least"),
        ("b * -1", -5, "at_most"),  # b ≥ 5, so −b ≤ −5
        ("-1 * b", -5, "at_most"),
        ("b / -1", -5, "at_most"),
        ("10 / b", 2, "at_most"),  # a larger b, a smaller quotient
        ("-10 / b", -2, "at_least"),
        ("(0 - b) * (0 - b)", 25, "at_least"),  # by the signs of the values
        ("b * d", -15, "at_most"),  # d = −3 exactly
        ("d / b", -0.6, "at_least"),
        ("(d - b) * b", -40, "at_most"),  # d − b ≤ −8, by the values of a result
        ("b * 0", 0, "exact"),
    ],
)
def test_a_bound_turns_with_the_sign_of_what_multiplies_it(
    formula: str, value: float, qualifier: str
) -> None:
    data = outcomes((2024, "A", "b", 5, "at_least", "2024"), (2024, "A", "d", -3, "exact", "2024"))
    dictionary = metrics(("b", ""), ("d", ""), ("c", formula))
    assert derived_rows(with_derived_metrics(data, dictionary)) == [
        [2024, "A", value, qualifier, "2024"]
    ]


def test_a_reported_value_is_not_overwritten() -> None:
    data = outcomes(
        (2024, "A", "amount", 3000, "exact", "2024"),
        (2024, "A", "children", 2, "exact", "2024"),
        (2024, "A", "per_child", 1499, "exact", "2024"),
    )
    result = with_derived_metrics(data, DICTIONARY)
    assert result["value"].tolist() == [3000, 2, 1499]


@pytest.mark.parametrize("coded", [False, True], ids=["texts", "coded"])
def test_formulas_over_derived_metrics_and_mixed_periods(
    coded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if coded:  # derived rows coded as made, as many are
        monkeypatch.setattr(derived, "_CODED_FROM", 0)
    dictionary = pd.concat([DICTIONARY, metrics(("per_child_k", "per_child / 1000"))])
    data = outcomes(
        (2024, "A", "amount", 3000, "approx", "annual"), (2024, "A", "children", 2, "exact", "")
    )
    result = with_derived_metrics(data, dictionary)
    assert derived_rows(result) == [
        [2024, "A", 1500.0, "approx", "annual"],
        [2024, "A", 1.5, "approx", "annual"],
    ]


def test_a_flow_larger_than_its_stock_gives_no_stock() -> None:
    data = outcomes(
        (2024, "A", "talents", 500, "exact", "2024"),
        (2024, "A", "new", 600, "exact", "2024"),
    )
    assert derived_rows(with_derived_metrics(data, STOCKS)) == []


def test_inputs_of_different_periods_give_no_derived_figure() -> None:
    # A year's grants over the children of every year so far is no grant per child.
    data = outcomes(
        (2024, "A", "amount", 3000, "exact", "annual"),
        (2024, "A", "children", 2, "exact", "cumulative"),
        (2024, "B", "amount", 3000, "exact", ""),
        (2024, "B", "children", 3, "exact", ""),
        (2024, "C", "amount", 3000, "exact", "annual"),
        (2024, "C", "children", 4, "exact", "annual"),
        (2024, "D", "amount", 3000, "exact", "annual"),
        (2024, "D", "children", 5, "exact", ""),
        (2024, "E", "amount", 3000, "exact", "2024"),
        (2024, "E", "children", 6, "exact", "annual"),
        (2024, "F", "amount", 3000, "exact", "2023"),  # a year before: not this one
        (2024, "F", "children", 6, "exact", "annual"),
    )
    assert derived_rows(with_derived_metrics(data, DICTIONARY)) == [
        [2024, "B", 1000.0, "exact", ""],
        [2024, "C", 750.0, "exact", "annual"],
        [2024, "D", 600.0, "exact", "annual"],  # a blank period states none
        [2024, "E", 500.0, "exact", ""],  # the year itself is one year, as annual is
    ]
