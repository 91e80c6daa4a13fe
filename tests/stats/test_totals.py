"""Totals over regions: only figures that add up, only complete years."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from laborstats.codes import as_texts, concat_coded, is_coded
from laborstats.stats import totals as totals_module
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.series import reporting
from laborstats.stats.totals import across_regions, partial_totals, regional_totals
from laborstats.vocabulary import ALL_REGIONS
from tests.stats.frames import Row, metrics_frame, outcomes_frame

METRICS = metrics_frame()


def totals(rows: Sequence[Row]) -> pd.DataFrame:
    outcomes = with_derived_metrics(outcomes_frame(rows), METRICS)
    return regional_totals(outcomes, METRICS).sort_values(["metric", "year"])


def test_counts_and_amounts_add_up_with_their_qualifiers() -> None:
    result = totals(
        [
            (2024, "A", "members", 10, "exact"),
            (2024, "B", "members", 5, "at_least"),
            (2024, "A", "grants", 100, "at_least"),
            (2024, "B", "grants", 50, "at_most"),
        ]
    )
    assert result[["metric", "region", "value", "qualifier", "basis"]].values.tolist() == [
        ["grants", ALL_REGIONS, 150, "approx", "total"],
        ["members", ALL_REGIONS, 15, "at_least", "total"],
    ]
    assert set(result["source"]) == {"sum of 2 regions"}


def test_a_year_a_region_misses_has_no_total_rather_than_a_short_one() -> None:
    result = totals(
        [
            (2023, "A", "members", 10, "exact"),
            (2023, "B", "members", 5, "exact"),
            (2024, "A", "members", 12, "exact"),
        ]
    )
    assert result[["year", "value"]].values.tolist() == [[2023, 15]]


def test_rates_ranks_and_ratios_are_never_summed() -> None:
    rows = [
        (2024, region, metric, value, "exact")
        for region in ("A", "B")
        for metric, value in (("coverage", 40), ("place", 2), ("salary", 4000))
    ]
    assert totals(rows).empty
    kept = across_regions(outcomes_frame(rows), METRICS)
    assert sorted(kept["region"].unique()) == ["A", "B"]  # nothing lost
    assert len(kept) == len(rows)


def test_a_ratio_with_a_formula_is_computed_again_from_the_totals() -> None:
    result = totals(
        [
            (2024, "A", "grants", 3000, "exact"),
            (2024, "A", "children", 1, "exact"),
            (2024, "B", "grants", 1000, "exact"),
            (2024, "B", "children", 3, "exact"),
        ]
    ).set_index("metric")
    per_child = result.to_dict(orient="index")["per_child"]
    # (3000 + 1000) / (1 + 3), not 3000 + 333.33.
    assert (per_child["value"], per_child["basis"]) == (1000, "derived")


def test_a_total_of_derived_figures_says_how_they_were_derived() -> None:
    result = totals(
        [
            (2024, "A", "members", 100, "exact"),
            (2024, "A", "joined", 10, "exact"),
            (2024, "B", "members", 50, "exact"),
            (2024, "B", "joined", 5, "exact"),
        ]
    ).set_index(["metric", "year"])
    opening = result.to_dict(orient="index")[("members", 2023)]
    assert (opening["value"], opening["qualifier"], opening["basis"]) == (
        135,
        "at_least",
        "derived",
    )
    assert opening["source"] == ("sum of 2 regions, each derived: members of 2024 − joined of 2024")


def test_one_region_is_left_as_it_is() -> None:
    outcomes = outcomes_frame([(2024, "A", "members", 10, "exact")])
    assert across_regions(outcomes, METRICS) is outcomes


def test_series_without_a_total_keep_their_rows() -> None:
    outcomes = outcomes_frame(
        [
            (2024, "A", "members", 10, "exact"),
            (2024, "B", "members", 5, "exact"),
            (2024, "C", "grants", 70, "exact"),  # one region only: nothing to total
        ]
    )
    station = outcomes_frame([(2024, "A", "members", 3, "exact")]).assign(entity="X站")
    kept = across_regions(pd.concat([outcomes, station], ignore_index=True), METRICS)
    assert sorted(kept[["region", "entity", "metric", "value"]].values.tolist()) == [
        ["A", "X站", "members", 3],
        ["C", "", "grants", 70],
        [ALL_REGIONS, "", "members", 15],
    ]


def test_totals_keep_the_column_types_of_the_outcomes() -> None:
    # Coded texts stay coded, in sorted order, or sorting and joins change meaning.
    outcomes = outcomes_frame(
        [
            (2024, "A", "members", 10, "exact"),
            (2024, "B", "members", 5, "approx"),
            (2024, "A", "coverage", 40, "exact"),
        ]
    )
    kept = across_regions(outcomes, METRICS)
    assert list(kept.columns) == list(outcomes.columns)
    for name in outcomes.columns:
        if is_coded(outcomes[name]):
            assert is_coded(kept[name]), name
            assert list(kept[name].cat.categories) == sorted(kept[name].cat.categories)
        else:
            assert kept[name].dtype == outcomes[name].dtype, name
    assert len(kept) == 2
    texts = across_regions(as_texts(outcomes), METRICS)
    assert texts.dtypes.to_dict() == as_texts(outcomes).dtypes.to_dict()
    pd.testing.assert_frame_equal(as_texts(kept), texts)


def test_partial_totals_of_batches_add_up_to_the_totals_of_every_row() -> None:
    # As a large file is summed while it is read: some metrics' rows are summed
    # batch by batch and let go, in any order; the rest are held.
    rows = outcomes_frame(
        [
            (2023, "A", "grants", 0.1, "exact"),
            (2023, "B", "grants", 0.2, "approx"),
            (2023, "C", "grants", 0.3, "exact"),
            (2024, "A", "grants", 1e16, "at_least"),
            (2024, "B", "grants", 1.0, "exact"),
            (2024, "C", "grants", -1e16, "exact"),
            (2023, "A", "members", 10, "exact"),
            (2023, "B", "members", 5, "exact"),
            (2024, "A", "children", 4, "exact"),
            (2024, "B", "children", 6, "exact"),
            (2024, "A", "coverage", 40, "exact"),
        ]
    )
    derived = {0: "derived: a", 1: "derived: b", 3: "derived: a", 4: "derived: a"}
    rows["basis"] = rows["basis"].cat.add_categories("derived")
    rows["source"] = rows["source"].cat.add_categories(sorted(set(derived.values())))
    rows.loc[list(derived), ["basis", "source"]] = [["derived", text] for text in derived.values()]
    outcomes = with_derived_metrics(rows, METRICS)
    expected = regional_totals(outcomes, METRICS)
    summed = outcomes["metric"] == "grants"
    batches = [outcomes[summed].iloc[at::2] for at in (1, 0)]
    partial = concat_coded([partial_totals(batch) for batch in batches])
    result = regional_totals(outcomes[~summed], METRICS, reporting(outcomes), partial)
    key = ["metric", "year"]
    pd.testing.assert_frame_equal(
        result.sort_values(key).reset_index(drop=True),
        expected.sort_values(key).reset_index(drop=True),
        check_categorical=False,
    )
    grants = expected.set_index(key).loc["grants"]
    assert grants["value"].tolist() == [0.6, 1.0]  # exact sums, rounded once
    assert grants["qualifier"].tolist() == ["approx", "at_least"]
    assert grants["source"].tolist() == ["sum of 3 regions", "sum of 3 regions, each derived: a"]
    assert set(expected["metric"]) == {"grants", "members", "children", "per_child"}


def test_totals_summed_a_slice_of_rows_at_a_time_are_those_of_every_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two rows a slice: each total's figures, qualifiers and derived sources fall in several.
    rows = outcomes_frame(
        [
            (2023, "A", "grants", 0.1, "exact"),
            (2023, "B", "grants", 0.2, "approx"),
            (2024, "A", "members", 10, "exact"),
            (2023, "C", "grants", 0.3, "exact"),
            (2024, "B", "members", 5, "at_least"),
            (2023, "A", "children", 4, "exact"),
            (2023, "B", "children", 6, "exact"),
        ]
    )
    rows["basis"] = rows["basis"].cat.add_categories("derived")
    rows["source"] = rows["source"].cat.add_categories(["derived: a", "derived: b"])
    rows.loc[[1, 3], ["basis", "source"]] = [["derived", "derived: b"], ["derived", "derived: a"]]
    outcomes = with_derived_metrics(rows, METRICS)
    whole = regional_totals(outcomes, METRICS)
    monkeypatch.setattr(totals_module, "_SLICE", 2)
    pd.testing.assert_frame_equal(regional_totals(outcomes, METRICS), whole)
    # And with none held, every row that adds up summed as read.
    adding_up = outcomes[outcomes["metric"] != "per_child"]
    summed = regional_totals(
        outcomes.iloc[0:0], METRICS, reporting(outcomes), partial_totals(adding_up)
    )
    pd.testing.assert_frame_equal(summed, whole, check_categorical=False)
    assert regional_totals(outcomes.iloc[0:0], METRICS).empty
    totals = whole.set_index("metric")
    assert totals["value"].to_dict() == {
        "grants": 0.6,  # exact sums, rounded once
        "members": 15.0,
        "children": 10.0,
        "per_child": 0.06,
    }
    assert totals.loc["grants", "qualifier"] == "approx"
    assert totals.loc["members", "qualifier"] == "at_least"
    assert totals.loc["grants", "source"] == "sum of 3 regions"  # derived two ways
