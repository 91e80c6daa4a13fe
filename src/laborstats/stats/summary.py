"""Headline figures of one year, by programme, with the change on the year before."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.errors import SelectionError
from laborstats.stats.qualifiers import difference_qualifier

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
_SERIES = ["region", "entity", "metric", "span"]


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
    Percent metrics change in percentage points and get no percent change;
    a base of zero or below gives no percent change. Qualifiers of changes
    follow :mod:`laborstats.stats.qualifiers`.
    """
    year = select_year(outcomes, year)
    current = _with_span(outcomes[outcomes["year"] == year])
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

    previous = _with_span(outcomes[outcomes["year"] == year - 1])[[*_SERIES, "value", "qualifier"]]
    merged = current.merge(
        previous.rename(columns={"value": "previous_value", "qualifier": "previous_qualifier"}),
        on=_SERIES,
        how="left",
        validate="one_to_one",
    )
    definitions = metrics[["metric", "label_en", "label_zh", "unit"]]
    merged = merged.merge(definitions, on="metric", how="left", validate="many_to_one")

    merged["change"] = merged["value"] - merged["previous_value"]
    relative = (merged["unit"] != "percent") & (merged["previous_value"] > 0)
    merged["pct_change"] = (merged["change"] / merged["previous_value"] * 100).where(relative)
    merged["change_qualifier"] = difference_qualifier(
        merged["qualifier"], merged["previous_qualifier"]
    )

    order = {name: position for position, name in enumerate(metrics["metric"])}
    programme_order = {
        name: position for position, name in enumerate(metrics["programme"].unique())
    }
    merged = merged.assign(
        _programme=merged["programme"].map(programme_order),
        _metric=merged["metric"].map(order),
    ).sort_values(["_programme", "_metric", "entity", "line"], kind="stable")
    return merged[SUMMARY_COLUMNS].reset_index(drop=True)


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


def _with_span(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add ``span``: the period with the row's own year read as "that year"."""
    own_year = outcomes["period"] == outcomes["year"].astype("str")
    return outcomes.assign(span=np.where(own_year, "<year>", outcomes["period"]))
