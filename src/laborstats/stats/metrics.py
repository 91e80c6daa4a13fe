"""The metric dictionary, with where each metric has data."""

from __future__ import annotations

import pandas as pd

METRICS_COLUMNS = [
    "metric",
    "programme",
    "label_en",
    "label_zh",
    "unit",
    "kind",
    "direction",
    "formula",
    "first_year",
    "last_year",
    "years",
    "regions",
    "figures",
]


def metric_coverage(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Every metric of the dictionary, in its order, with the span and count of its figures.

    Metrics without data keep their row, with no years and zero figures.
    """
    present = outcomes[outcomes["value"].notna()]
    coverage = present.groupby("metric").agg(
        first_year=("year", "min"),
        last_year=("year", "max"),
        years=("year", "nunique"),
        regions=("region", "nunique"),
        figures=("value", "size"),
    )
    # (grouped by coded metrics, the index is coded: the join wants texts)
    result = metrics.join(coverage.set_axis(coverage.index.astype("str")), on="metric")
    counts = {
        name: result[name].fillna(0).astype("int64") for name in ("years", "regions", "figures")
    }
    result = result.assign(
        first_year=result["first_year"].astype("Int64"),
        last_year=result["last_year"].astype("Int64"),
        **counts,
    )
    return result[METRICS_COLUMNS].reset_index(drop=True)
