"""compare: two years, two regions or two studios side by side."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from laborstats.dataset import load_dataset
from laborstats.errors import SelectionError
from laborstats.stats.compare import (
    REGIONS_COLUMNS,
    STUDIOS_COLUMNS,
    YEARS_COLUMNS,
    compare_regions,
    compare_studios,
    compare_years,
    only_metrics,
)
from laborstats.stats.derived import with_derived_metrics
from tests.stats.frames import metrics_frame, outcomes_frame

METRICS = metrics_frame()

COUNTIES = outcomes_frame(
    [
        (2023, "A", "members", 60, "exact"),
        (2023, "B", "members", 40, "exact"),
        (2024, "A", "members", 60, "exact"),
        (2024, "B", "members", 90, "exact"),
        (2023, "A", "place", 2, "exact"),
        (2023, "B", "place", 1, "exact"),
        (2024, "A", "place", 1, "exact"),
        (2024, "B", "place", 2, "exact"),
        (2024, "A", "grants", 500, "at_least"),
        (2024, "B", "grants", 500, "exact"),
        (2023, "A", "coverage", 40, "exact"),
        (2023, "B", "coverage", 50, "exact"),
        (2024, "A", "coverage", 45, "exact"),
    ]
)


def by_place(frame: pd.DataFrame, *keys: str) -> dict[Any, dict[str, Any]]:
    indexed = frame.set_index(list(keys))
    return {
        place: {str(name): value for name, value in record.items()}
        for place, record in indexed.to_dict(orient="index").items()
    }


def test_two_years_with_change_share_and_rank() -> None:
    result = compare_years(COUNTIES, METRICS, 2023, 2024)
    assert list(result.columns) == YEARS_COLUMNS
    rows = by_place(result, "metric", "region")
    total = rows[("members", "all")]
    assert (total["value_a"], total["value_b"], total["change"]) == (100, 150, 50)
    assert total["pct_change"] == 50
    b = rows[("members", "B")]
    assert (b["share_a"], b["share_b"], b["share_change"]) == (40, 60, 20)
    assert (b["rank_a"], b["rank_b"], b["rank_change"]) == (2, 1, 1)  # one place gained
    assert (b["share_qualifier_a"], b["share_qualifier_b"]) == ("exact", "exact")
    assert b["share_change_qualifier"] == "exact"
    # The total leads each metric.
    assert result[result["metric"] == "members"]["region"].tolist() == ["all", "A", "B"]


def test_ranks_follow_the_better_direction() -> None:
    rows = by_place(compare_years(COUNTIES, METRICS, 2023, 2024), "metric", "region")
    assert (rows[("place", "A")]["rank_a"], rows[("place", "A")]["rank_b"]) == (2, 1)
    assert ("place", "all") not in rows  # ranks never add up
    assert math.isnan(rows[("place", "A")]["share_b"])


def test_a_figure_on_one_side_only_keeps_its_row() -> None:
    rows = by_place(compare_years(COUNTIES, METRICS, 2023, 2024), "metric", "region")
    grants = rows[("grants", "A")]
    assert math.isnan(grants["value_a"])
    assert grants["value_b"] == 500
    assert math.isnan(grants["change"])
    coverage = rows[("coverage", "B")]
    assert coverage["value_a"] == 50
    assert math.isnan(coverage["value_b"])


def test_a_region_missing_a_year_leaves_that_years_shares_empty() -> None:
    rows = by_place(compare_years(COUNTIES, METRICS, 2023, 2024), "metric", "region")
    assert math.isnan(rows[("coverage", "A")]["share_b"])  # percent: never shared
    result = compare_years(
        pd.concat(
            [COUNTIES, outcomes_frame([(2023, "C", "members", 100, "exact")])],
            ignore_index=True,
        ),
        METRICS,
        2023,
        2024,
    )
    members = by_place(result, "metric", "region")
    assert members[("members", "A")]["share_a"] == 30  # 60 of 200
    assert members[("members", "A")]["rank_a"] == 2
    # C is missing in 2024: neither shares nor ranks against a smaller pool.
    assert math.isnan(members[("members", "A")]["share_b"])
    assert pd.isna(members[("members", "A")]["rank_b"])
    assert ("members", "all") in members
    assert math.isnan(members[("members", "all")]["value_b"])


def test_a_region_reporting_in_another_year_only_still_counts_in_the_pool() -> None:
    # C reports members in 2022 only: the pool of 2023 and 2024 lacks it, so
    # neither year has shares or ranks, though the years compared are complete.
    earlier = outcomes_frame([(2022, "C", "members", 100, "exact")])
    result = compare_years(pd.concat([COUNTIES, earlier], ignore_index=True), METRICS, 2023, 2024)
    members = by_place(result, "metric", "region")
    assert all(
        math.isnan(members[("members", region)][f"share_{side}"])
        for region in "AB"
        for side in "ab"
    )
    assert pd.isna(members[("members", "B")]["rank_b"])
    # Without it, both years are shared.
    assert (
        by_place(compare_years(COUNTIES, METRICS, 2023, 2024), "metric", "region")[
            ("members", "B")
        ]["share_b"]
        == 60
    )


def test_shares_of_inexact_figures_are_approximate() -> None:
    rows = by_place(compare_years(COUNTIES, METRICS, 2023, 2024), "metric", "region")
    grants = rows[("grants", "B")]
    assert grants["share_b"] == 50
    assert grants["share_qualifier_b"] == "approx"  # A's 500 is at least 500
    assert pd.isna(grants["share_qualifier_a"])
    assert rows[("members", "B")]["share_qualifier_b"] == "exact"  # each side its own


def test_percent_figures_change_in_points() -> None:
    result = compare_regions(COUNTIES, METRICS, "A", "B", 2023)
    coverage = by_place(result, "metric")["coverage"]
    assert coverage["change"] == 10
    assert math.isnan(coverage["pct_change"])


def test_two_regions_in_a_year() -> None:
    result = compare_regions(COUNTIES, METRICS, "A", "B", 2024)
    assert list(result.columns) == REGIONS_COLUMNS
    members = by_place(result, "metric")["members"]
    assert (members["value_a"], members["value_b"], members["change"]) == (60, 90, 30)
    assert (members["share_a"], members["share_b"], members["share_change"]) == (40, 60, 20)
    assert (members["rank_a"], members["rank_b"], members["rank_change"]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("a", "b", "year", "message"),
    [
        ("A", "Z", 2024, "unknown region Z; expected one of A, B"),
        ("A", "B", 2030, "no figures for 2030; expected one of the years in the data: 2023, 2024"),
    ],
)
def test_unknown_regions_and_years(a: str, b: str, year: int, message: str) -> None:
    with pytest.raises(SelectionError) as caught:
        compare_regions(COUNTIES, METRICS, a, b, year)
    assert str(caught.value) == message


def test_derived_figures_are_compared_and_marked() -> None:
    dataset = load_dataset()
    outcomes = with_derived_metrics(dataset.outcomes, dataset.metrics)
    result = compare_years(outcomes, dataset.metrics, 2023, 2024)
    talents = by_place(result, "metric")["skilled_talents_total"]
    assert (talents["value_a"], talents["basis_a"], talents["basis_b"]) == (
        131_400,
        "derived",
        "reported",
    )
    assert talents["change_qualifier"] == "at_most"
    assert by_place(result, "metric")["study_grant_per_child"]["value_b"] == 3000


def test_two_studios_by_part_of_their_names() -> None:
    studios = load_dataset().studios
    assert studios is not None
    result = compare_studios(studios, "华能", "巩怀华")
    assert list(result.columns) == STUDIOS_COLUMNS
    assert result["a"].iloc[0] == "华能庆阳煤电科技创新工作室"
    rows = by_place(result, "metric")
    assert rows["annual_savings"]["value_a"] == 5_600_000
    assert math.isnan(rows["annual_savings"]["value_b"])  # one-sided, kept
    assert rows["annual_benefit"]["value_b"] == 16_000_000
    assert rows["annual_benefit"]["basis_b"] == "derived"
    # One studio alone reports savings: no share of a total of one, no rank among one.
    assert math.isnan(rows["annual_savings"]["share_a"])
    assert pd.isna(rows["annual_savings"]["rank_a"])


def test_studios_share_and_rank_among_those_reporting() -> None:
    studios = load_dataset().studios
    assert studios is not None
    studios = studios.copy()
    studios.loc[studios["studio"] == "梁东平工作室", "annual_savings"] = 2_800_000
    studios.loc[studios["studio"] == "梁东平工作室", "annual_savings_qualifier"] = "exact"
    savings = by_place(compare_studios(studios, "华能", "梁东平"), "metric")["annual_savings"]
    assert savings["share_a"] == pytest.approx(200 / 3)
    assert (savings["rank_a"], savings["rank_b"], savings["rank_change"]) == (1, 2, -1)
    assert savings["pct_change"] == -50


def test_a_total_with_a_figure_below_zero_has_no_shares() -> None:
    rows = [(2023, "A", "members", 60, "exact"), (2023, "B", "members", 40, "exact")]
    rows += [(2024, "A", "members", 50, "exact"), (2024, "B", "members", -30, "exact")]
    result = by_place(compare_years(outcomes_frame(rows), METRICS, 2023, 2024), "region")
    assert (result["A"]["share_a"], result["B"]["share_a"]) == (60, 40)
    assert math.isnan(result["A"]["share_b"])  # not 250 % of 20
    assert math.isnan(result["B"]["share_b"])
    assert (result["A"]["rank_b"], result["B"]["rank_b"]) == (1, 2)  # ranks stand


def test_a_single_region_has_no_shares_or_ranks() -> None:
    result = compare_years(
        outcomes_frame([(2023, "A", "members", 1, "exact"), (2024, "A", "members", 2, "exact")]),
        METRICS,
        2023,
        2024,
    )
    assert result[["share_a", "share_b", "rank_a", "rank_b"]].isna().all().all()


def test_a_studio_compared_with_itself_is_refused() -> None:
    studios = load_dataset().studios
    assert studios is not None
    with pytest.raises(SelectionError, match="A and B both name 华能庆阳煤电科技创新工作室"):
        compare_studios(studios, "华能", "华能庆阳")


def test_nothing_left_to_compare_is_refused() -> None:
    result = compare_years(COUNTIES, METRICS, 2023, 2024)
    assert only_metrics(result, ["members"])["metric"].unique().tolist() == ["members"]
    with pytest.raises(SelectionError, match="no figures for salary on either side"):
        only_metrics(result, ["salary"])


def test_a_studio_name_matching_several_is_refused() -> None:
    studios = load_dataset().studios
    assert studios is not None
    with pytest.raises(SelectionError, match='"工作室" matches several studios'):
        compare_studios(studios, "工作室", "华能")


def test_any_index_and_a_missing_key_are_taken_as_they_come() -> None:
    # Shares and ranks pick rows by label: a repeated index must not matter,
    # and a row with a missing entity, which no group holds, is not shared.
    outcomes = outcomes_frame(
        [
            (2023, "A", "members", 10, "exact"),
            (2023, "B", "members", 5, "exact"),
            (2024, "A", "members", 12, "exact"),
            (2024, "B", "members", 6, "exact"),
        ]
    )
    repeated = outcomes.set_axis([0, 0, 1, 1])
    expected = compare_years(outcomes, METRICS, 2023, 2024)
    pd.testing.assert_frame_equal(compare_years(repeated, METRICS, 2023, 2024), expected)
    one_region = outcomes[outcomes["region"] == "A"].set_axis([0, 0])
    assert compare_years(one_region, METRICS, 2023, 2024)["value_b"].tolist() == [12]
    unknown = outcomes.astype({"entity": "object"})
    unknown.loc[0, "entity"] = None
    result = compare_years(unknown, METRICS, 2023, 2024)
    alone = result[result["entity"].isna()]  # A's 2023 figure: nothing to pair or share with
    assert alone[["value_a", "value_b", "share_a"]].values.tolist() == [
        [10, pytest.approx(math.nan, nan_ok=True), pytest.approx(math.nan, nan_ok=True)]
    ]
    assert result["value_b"].dropna().tolist() == [18, 12, 6]
