"""Headline figures of one year, by programme, with the change on the year before."""

from __future__ import annotations

import pandas as pd

from laborstats.errors import SelectionError
from laborstats.stats.qualifiers import difference_qualifier
from laborstats.stats.series import (
    SERIES,
    in_dictionary_order,
    relative_change_defined,
    with_span,
)

SUMMARY_COLUMNS = [
    "year",
    "programme",
    "metric",
    "label_en",
    "label_zh",
    "region",
    "entity",
    "period",
    "value",
    "unit",
    "qualifier",
    "basis",
    "previous_value",
    "previous_qualifier",
    "change",
    "change_qualifier",
    "pct_change",
    "source",
]


def summarise(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    year: int | None = None,
    programmes: list[str] | None = None,
) -> pd.DataFrame:
    """Every figure of ``year`` (default: the latest), grouped by programme.

    Where the same series (region, entity, metric, period) has a figure for
    the year before, adds ``previous_value``, ``change`` and ``pct_change``.
    Percent metrics change in percentage points and get no percent change,
    nor do ranks; a base of zero or below gives no percent change. Qualifiers of changes
    follow :mod:`laborstats.stats.qualifiers`.
    """
    year = select_year(outcomes, year)
    current = with_span(outcomes[outcomes["year"] == year])
    if programmes:
        known = metrics["programme"].unique().tolist()
        unknown = [name for name in programmes if name not in known]
        if unknown:
            raise SelectionError(
                f"unknown programme {', '.join(unknown)}", expected="one of " + ", ".join(known)
            )
        current = current[current["programme"].isin(programmes)]
        if current.empty:
            raise SelectionError(
                f"no figures for {', '.join(programmes)} in {year}",
                expected="a programme with figures that year",
            )

    previous = with_span(outcomes[outcomes["year"] == year - 1])[[*SERIES, "value", "qualifier"]]
    merged = current.merge(
        previous.rename(columns={"value": "previous_value", "qualifier": "previous_qualifier"}),
        on=SERIES,
        how="left",
        validate="one_to_one",
    )
    definitions = metrics[["metric", "label_en", "label_zh", "unit", "kind"]]
    merged = merged.merge(definitions, on="metric", how="left", validate="many_to_one")

    merged["change"] = merged["value"] - merged["previous_value"]
    relative = relative_change_defined(merged, merged["previous_value"])
    merged["pct_change"] = (merged["change"] / merged["previous_value"] * 100).where(relative)
    merged["change_qualifier"] = difference_qualifier(
        merged["qualifier"], merged["previous_qualifier"]
    )
    merged = in_dictionary_order(merged, metrics, then=["entity", "line"])
    return merged[SUMMARY_COLUMNS]


def select_year(outcomes: pd.DataFrame, year: int | None) -> int:
    """The requested year, checked against the data, or the latest year in it."""
    years = sorted(outcomes["year"].unique().tolist())
    if not years:
        raise SelectionError("the dataset holds no figures", expected="at least one outcome row")
    if year is None:
        return int(years[-1])
    if year not in years:
        raise SelectionError(
            f"no figures for {year}",
            expected="one of the years in the data: " + ", ".join(map(str, years)),
        )
    return year
