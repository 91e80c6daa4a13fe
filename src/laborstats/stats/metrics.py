"""The metric dictionary, with where each metric has data."""

from __future__ import annotations

import pandas as pd

from laborstats.codes import as_texts

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


def metric_coverage(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    reporters: pd.DataFrame | None = None,
    partial: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every metric of the dictionary, in its order, with the span and count of its figures.

    Metrics without data keep their row, with no years and zero figures.
    ``partial`` are the partial totals of figures ``outcomes`` do not hold
    (summed as a large file was read, see
    :func:`laborstats.stats.totals.partial_totals`), and ``reporters`` who
    reports each series (see :func:`laborstats.stats.series.reporting`),
    from which their regions are counted.
    """
    present = outcomes.loc[outcomes["value"].notna(), ["metric", "year", "region"]]
    # Each metric's years and regions, each once, and its figures in each year.
    years = (
        present.groupby(["metric", "year"], observed=True).size().rename("figures").reset_index()
    )
    regions = present[["metric", "region"]].drop_duplicates()
    if partial is not None and reporters is not None:
        years = pd.concat([as_texts(years), as_texts(partial[["metric", "year", "figures"]])])
        regions = pd.concat([as_texts(regions), as_texts(reporters[["metric", "region"]])])
    by_metric = years.groupby("metric", observed=True)
    coverage = pd.DataFrame(
        {
            "first_year": by_metric["year"].min(),
            "last_year": by_metric["year"].max(),
            "years": by_metric["year"].nunique(),
            "regions": regions.groupby("metric", observed=True)["region"].nunique(),
            "figures": by_metric["figures"].sum(),
        }
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
