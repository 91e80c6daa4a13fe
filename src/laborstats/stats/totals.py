"""Totals over regions: the sum of the figures that add up, never of those that do not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.codes import as_codes, as_texts, concat_coded
from laborstats.schema import PROVENANCE_COLUMNS
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.groups import groups_of
from laborstats.stats.qualifiers import qualifier_of_sum, sum_flags
from laborstats.stats.series import ADDITIVE_KINDS, pooled, with_span
from laborstats.vocabulary import ALL_REGIONS, DERIVED, TOTAL

_TOTALLED = ["entity", "metric", "span"]
_SUMMED = ["year", "region", "entity", "programme", "metric", "value", "qualifier", "period"]
_CODED = ["region", "entity", "programme", "metric", "qualifier", "period", "span"]


def regional_totals(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, reporters: pd.DataFrame | None = None
) -> pd.DataFrame:
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

    Who ever reports a series is judged from ``outcomes``, or from
    ``reporters`` (see :func:`laborstats.stats.series.reporting`) when
    ``outcomes`` hold only some years and the rows derived figures use.
    """
    adding_up = metrics.loc[metrics["kind"].isin(ADDITIVE_KINDS), "metric"]
    # The columns a total needs, their texts as categories: filters and
    # group-bys of a large table then move small codes (twice as fast at
    # 10M rows as with the texts, whose copies cost more than the sums).
    summed = outcomes["metric"].isin(adding_up)
    additive = as_codes(with_span(outcomes[_SUMMED]), _CODED)[summed]
    keys = ["year", *_TOTALLED, "period", "programme"]
    # Group-bys that reduce, never transforms back onto every row; the rows
    # are numbered by group once, as pandas' group-by on these keys with a
    # count of regions took longer than the sums (see groups.py).
    groups = groups_of(additive, keys)
    first = groups.first_rows
    sums = (
        sum_flags(additive["qualifier"])
        .assign(value=additive["value"])
        .groupby(groups.numbers)
        .agg(
            value=("value", "sum"), approx=("approx", "any"), up=("up", "any"), down=("down", "any")
        )
        .drop(index=-1, errors="ignore")
    )
    # A year is totalled when every region that ever reports the series
    # reports it that year, and a series when more than one region does.
    places = additive[keys].iloc[first]
    sums = sums.assign(regions=groups.distinct(additive["region"]))
    totals = sums[pooled(groups, places, additive["region"], _TOTALLED, ["year"], reporters)]
    # How summed figures were derived: the sources of the derived ones.
    derived_rows = summed & (outcomes["basis"] == DERIVED)
    sources = (
        outcomes.loc[derived_rows, "source"]
        .groupby(groups.numbers[derived_rows[summed].to_numpy()])
        .agg(derived_source="first", derivations="nunique")
    )
    totals = places.set_axis(sums.index).join(totals, how="inner").join(sources)
    totals["qualifier"] = qualifier_of_sum(totals)
    totals = as_texts(totals.reset_index(drop=True))
    source = "sum of " + totals["regions"].astype("str") + " regions"
    each = ", each " + totals["derived_source"].fillna("")
    totals = totals.assign(
        region=ALL_REGIONS,
        basis=np.where(totals["derived_source"].isna(), TOTAL, DERIVED),
        source=source.where(totals["derivations"] != 1, source + each),
        line=0,
        # A total stands nowhere in a source text.
        **dict.fromkeys(PROVENANCE_COLUMNS, ""),
    )
    return with_derived_metrics(totals[outcomes.columns], metrics)


def across_regions(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Each metric once for the whole area where it can be.

    Where the data cover several regions, a series with a total (see
    :func:`regional_totals`) appears as that total; every other series (a
    rate, or one that only one region reports) keeps its own rows, so that
    nothing is lost. Coded texts stay coded (see :mod:`laborstats.codes`).
    """
    if outcomes["region"].nunique() <= 1:
        return outcomes
    totals = with_span(regional_totals(outcomes, metrics))
    regions = with_span(outcomes)
    # A mask, not a merge: a merge would copy every row of a large table.
    totalled = pd.MultiIndex.from_frame(regions[_TOTALLED]).isin(
        pd.MultiIndex.from_frame(totals[_TOTALLED])
    )
    own = regions[~totalled]
    return concat_coded([totals, own]).drop(columns="span")
