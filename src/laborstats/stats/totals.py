"""Totals over regions: the sum of the figures that add up, never of those that do not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.qualifiers import total_qualifier
from laborstats.stats.series import ADDITIVE_KINDS, every_member, with_span
from laborstats.vocabulary import ALL_REGIONS, DERIVED, TOTAL

_TOTALLED = ["entity", "metric", "span"]


def regional_totals(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per year, entity, metric and period summing the regions, region ``all``.

    Only metrics of a kind that adds up (count, amount) and figures from more
    than one region are totalled. A year is totalled only when every region
    that ever reports the series reports it that year, so a region missing a
    year leaves the total of that year missing rather than short. Metrics
    with a formula that do not add up (a grant per child) are computed again
    from the totals of their inputs. Regions are taken not to overlap.

    The basis of a total is ``total``, or ``derived`` when a summed figure
    was derived; the source says how many regions were summed, and how their
    figures were derived when they all were derived the same way.
    """
    kinds = metrics.set_index("metric")["kind"]
    additive = with_span(outcomes[outcomes["metric"].map(kinds).isin(ADDITIVE_KINDS)])
    several = additive.groupby(_TOTALLED)["region"].transform("nunique") > 1
    complete = additive[several & every_member(additive, "region", _TOTALLED, ["year"])]
    keys = ["year", *_TOTALLED, "period", "programme"]
    derived_source = complete["source"].where(complete["basis"] == DERIVED)
    totals = (
        complete.assign(derived_source=derived_source)
        .groupby(keys, sort=False)
        .agg(
            value=("value", "sum"),
            regions=("region", "nunique"),
            derived_source=("derived_source", "first"),
            derivations=("derived_source", "nunique"),
        )
    )
    totals["qualifier"] = total_qualifier(complete["qualifier"], [complete[key] for key in keys])
    totals = totals.reset_index()
    source = "sum of " + totals["regions"].astype("str") + " regions"
    each = ", each " + totals["derived_source"].fillna("")
    totals = totals.assign(
        region=ALL_REGIONS,
        basis=np.where(totals["derived_source"].isna(), TOTAL, DERIVED),
        source=source.where(totals["derivations"] != 1, source + each),
        line=0,
    )
    return with_derived_metrics(totals[outcomes.columns], metrics)


def across_regions(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Each metric once for the whole area where it can be.

    Where the data cover several regions, a series with a total (see
    :func:`regional_totals`) appears as that total; every other series (a
    rate, or one that only one region reports) keeps its own rows, so that
    nothing is lost.
    """
    if outcomes["region"].nunique() <= 1:
        return outcomes
    totals = with_span(regional_totals(outcomes, metrics))
    regions = with_span(outcomes).merge(
        totals[_TOTALLED].drop_duplicates(), on=_TOTALLED, how="left", indicator=True
    )
    own = regions[regions.pop("_merge") == "left_only"]
    return pd.concat([totals, own], ignore_index=True).drop(columns="span")
