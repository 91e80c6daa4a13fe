"""Chart points: a metric across the years (summed over regions where it adds up) or regions."""

from __future__ import annotations

import pandas as pd
import pytest

from laborstats.errors import SelectionError
from laborstats.stats.chart import (
    CHART_COLUMNS,
    across_region_points,
    over_years,
    years_without_total,
)
from laborstats.vocabulary import ALL_REGIONS
from tests.stats.frames import metrics_frame, outcomes_frame

METRICS = metrics_frame()
ROWS = [
    (2023, "A", "members", 10, "exact"),
    (2023, "B", "members", 5, "exact"),
    (2024, "A", "members", 12, "exact"),
    (2024, "B", "members", 20, "approx"),
    (2024, "A", "coverage", 40, "exact"),
    (2024, "B", "coverage", 55, "exact"),
]


def test_years_of_a_metric_that_adds_up_are_summed_over_regions() -> None:
    points = over_years(outcomes_frame(ROWS), METRICS, "members")
    assert list(points.columns) == CHART_COLUMNS
    assert points[["year", "region", "value", "qualifier"]].values.tolist() == [
        [2023, ALL_REGIONS, 15, "exact"],
        [2024, ALL_REGIONS, 32, "approx"],
    ]
    assert set(points["period"]) == {""}  # each figure is for its own year


def test_a_rate_needs_a_region() -> None:
    with pytest.raises(SelectionError, match="coverage does not add up over regions") as error:
        over_years(outcomes_frame(ROWS), METRICS, "coverage")
    assert "--region, one of A, B" in str(error.value)
    points = over_years(outcomes_frame(ROWS), METRICS, "coverage", region="B")
    assert points[["year", "value"]].values.tolist() == [[2024, 55]]


def test_a_series_one_region_alone_reports_keeps_its_region_beside_the_totals() -> None:
    studio = outcomes_frame([(2024, "B", "members", 4, "exact")]).assign(entity="Studio X")
    outcomes = pd.concat([outcomes_frame(ROWS), studio], ignore_index=True)
    points = over_years(outcomes, METRICS, "members")  # was refused as not adding up
    assert points[["year", "region", "entity", "value"]].values.tolist() == [
        [2023, ALL_REGIONS, "", 15],
        [2024, ALL_REGIONS, "", 32],
        [2024, "B", "Studio X", 4],
    ]


def test_a_rate_of_regions_in_different_years_still_needs_a_region() -> None:
    # Each row's period is its year (outcomes_frame writes it so): one series a region.
    rows = [(2023, "A", "coverage", 40, "exact"), (2024, "B", "coverage", 55, "exact")]
    with pytest.raises(SelectionError, match="coverage does not add up over regions"):
        over_years(outcomes_frame(rows), METRICS, "coverage")


def test_the_years_without_a_total_are_those_some_region_reports() -> None:
    rows = [(year, region, "members", 1, "exact") for year in (2020, 2022) for region in "AB"]
    rows += [(2021, "A", "members", 1, "exact")]  # 2023: only a studio's, no gap to name
    rows += [(2024, region, "members", 1, "exact") for region in "AB"]
    studio = outcomes_frame([(2023, "B", "members", 4, "exact")]).assign(entity="Studio X")
    outcomes = pd.concat([outcomes_frame(rows), studio], ignore_index=True)
    points = over_years(outcomes, METRICS, "members")
    assert points["year"].tolist() == [2020, 2022, 2023, 2024]  # 2023: the studio's
    assert years_without_total(outcomes, "members", points) == [2021]
    one_region = over_years(outcomes, METRICS, "members", region="A")
    assert years_without_total(outcomes, "members", one_region) == []


def test_an_unknown_region_is_named_with_the_closest() -> None:
    with pytest.raises(SelectionError, match="unknown region C") as error:
        over_years(outcomes_frame(ROWS), METRICS, "members", region="C")
    assert "one of A, B" in str(error.value)


def test_regions_of_a_year_come_largest_first() -> None:
    points = across_region_points(outcomes_frame(ROWS), METRICS, "members")
    assert points[["year", "region", "value"]].values.tolist() == [[2024, "B", 20], [2024, "A", 12]]
    earlier = across_region_points(outcomes_frame(ROWS), METRICS, "members", year=2023)
    assert earlier["region"].tolist() == ["A", "B"]


def test_a_year_or_metric_without_figures_is_refused() -> None:
    with pytest.raises(SelectionError, match="no figures for 2020"):
        across_region_points(outcomes_frame(ROWS), METRICS, "members", year=2020)
    with pytest.raises(SelectionError, match="no figures to chart"):
        over_years(outcomes_frame(ROWS), METRICS, "grants")
