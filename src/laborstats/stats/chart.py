"""The points of a quick chart: one metric across the years, or across the regions."""

from __future__ import annotations

import pandas as pd

from laborstats.codes import as_texts
from laborstats.errors import SelectionError
from laborstats.stats.series import (
    OWN_YEAR,
    check_region,
    choose_year,
    with_definitions,
    with_span,
)
from laborstats.stats.totals import across_regions
from laborstats.vocabulary import ALL_REGIONS

CHART_COLUMNS = [
    "metric",
    "label_en",
    "label_zh",
    "year",
    "region",
    "entity",
    "period",
    "value",
    "unit",
    "qualifier",
    "basis",
]


def over_years(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    metric: str,
    region: str | None = None,
    reporters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A point per year of ``metric``: for ``region``, or for the whole area.

    Without ``region``, several regions are summed where the metric adds up
    (see :func:`laborstats.stats.totals.across_regions`); a metric that does
    not add up (a rate) needs ``region``. Entities and kinds of period
    (annual, cumulative) of the metric stay apart, each its own point a year,
    with its region where only one region reports it.
    ``outcomes`` may hold only some metrics' rows, with ``reporters`` (see
    :func:`laborstats.stats.series.reporting`) telling which regions the data
    have.
    """
    rows = as_texts(outcomes[outcomes["metric"] == metric])
    if region is not None:
        check_region(outcomes if reporters is None else reporters, region)
        rows = rows[rows["region"] == region]
    else:
        rows = across_regions(rows, metrics)
        # A series one region alone reports (a studio's, say) keeps its region's name.
        regions = with_span(rows).groupby(["entity", "span"], dropna=False)["region"].nunique()
        if regions.max() > 1:
            raise SelectionError(
                f"{metric} does not add up over regions, so each region has its own series",
                expected="--region, one of " + ", ".join(sorted(rows["region"].unique())),
            )
    return _described(rows.sort_values(["year", "entity", "period"], kind="stable"), metrics)


def across_region_points(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, metric: str, year: int | None = None
) -> pd.DataFrame:
    """A point per region for ``metric`` in ``year`` (default: its latest), largest first."""
    rows = as_texts(outcomes[(outcomes["metric"] == metric) & (outcomes["region"] != ALL_REGIONS)])
    chosen = choose_year(rows["year"].unique().tolist(), year)
    points = rows[rows["year"] == chosen].sort_values(
        ["value", "region"], ascending=[False, True], kind="stable"
    )
    return _described(points, metrics)


def _described(points: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    if points.empty:
        raise SelectionError(
            "no figures to chart", expected="a metric with figures (laborstats metrics)"
        )
    described = with_definitions(with_span(points), metrics)
    period = described["span"].replace(OWN_YEAR, "")  # blank for the year itself
    return described.assign(period=period)[CHART_COLUMNS].reset_index(drop=True)


def years_without_total(outcomes: pd.DataFrame, metric: str, points: pd.DataFrame) -> list[int]:
    """The years between the first and the last total over the regions in ``points``
    (see :func:`over_years`) that have no total though a region reports ``metric`` then,
    for an entity the totals are of: not every region reports those years."""
    totals = points.loc[points["region"] == ALL_REGIONS, ["year", "entity"]]
    if totals.empty:
        return []
    rows = outcomes.loc[outcomes["metric"] == metric, ["year", "entity"]]
    reported = as_texts(rows)["entity"].isin(set(totals["entity"]))
    years = set(rows.loc[reported.to_numpy(), "year"].tolist()) - set(totals["year"].tolist())
    first, last = int(totals["year"].min()), int(totals["year"].max())
    return sorted(int(year) for year in years if first < year < last)
