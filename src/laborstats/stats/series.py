"""What summary, growth and compare share: series keys, relative changes, dictionary order."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from laborstats.errors import SelectionError

# A series: the figures of one metric for one region and entity, over the same
# kind of period (the year itself, annual, cumulative…), year after year.
SERIES = ["region", "entity", "metric", "span"]
OWN_YEAR = "<year>"

# Kinds whose figures add up across regions or studios (a total is their sum).
ADDITIVE_KINDS = ("count", "amount")


def with_span(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add ``span``: the period, with a period equal to the row's own year read as "that year"."""
    own_year = outcomes["period"] == outcomes["year"].astype("str")
    return outcomes.assign(span=np.where(own_year, OWN_YEAR, outcomes["period"]).astype("str"))


def relative_change_defined(frame: pd.DataFrame, base: pd.Series) -> pd.Series:
    """Where a percent change against ``base`` means something.

    Not for percent figures (they change in percentage points), not for
    ranks, and not against a base of zero or below.
    """
    return (frame["unit"] != "percent") & (frame["kind"] != "rank") & (base > 0)


def in_dictionary_order(
    frame: pd.DataFrame, metrics: pd.DataFrame, then: list[str]
) -> pd.DataFrame:
    """Rows by programme and metric in the order of metrics.csv, then by ``then``."""
    metric_order = {name: position for position, name in enumerate(metrics["metric"])}
    programmes = metrics["programme"].unique()
    programme_order = {name: position for position, name in enumerate(programmes)}
    ordered = frame.assign(
        _programme=frame["programme"].map(programme_order),
        _metric=frame["metric"].map(metric_order),
    ).sort_values(["_programme", "_metric", *then], kind="stable")
    return ordered.drop(columns=["_programme", "_metric"]).reset_index(drop=True)


def check_metrics(names: list[str] | None, metrics: pd.DataFrame) -> None:
    """Refuse metric names the dictionary does not define, suggesting the closest."""
    known = metrics["metric"].tolist()
    for name in names or []:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise SelectionError(
                f"unknown metric {name}",
                expected=f'"{close[0]}"'
                if close
                else "a metric of metrics.csv (laborstats metrics)",
            )
