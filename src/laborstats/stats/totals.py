"""Totals over regions: the sum of the figures that add up, never of those that do not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.codes import as_codes, as_texts, concat_coded
from laborstats.schema import PROVENANCE_COLUMNS
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.exact import SUM_COLUMNS, exact_sums, exact_total
from laborstats.stats.groups import groups_of
from laborstats.stats.qualifiers import qualifier_of_sum, sum_flags
from laborstats.stats.series import ADDITIVE_KINDS, reporters_of, reporting, with_span
from laborstats.vocabulary import ALL_REGIONS, DERIVED, TOTAL

_TOTALLED = ["entity", "metric", "span"]
# What a total is summed by, besides its region: one group of figures a total.
TOTAL_KEYS = ["year", "entity", "programme", "metric", "period"]
# Sums of figures by TOTAL_KEYS and the source of derived ones (see partial_totals).
PARTIAL_COLUMNS = [
    *TOTAL_KEYS,
    "derived_source",
    *SUM_COLUMNS,
    *("approx", "up", "down", "figures"),
]
PARTIAL_TEXTS = ["entity", "programme", "metric", "period", "derived_source"]
_SUMMED = [*TOTAL_KEYS, "value", "qualifier", "basis", "source"]
_CODED = ["region", "entity", "programme", "metric", "qualifier", "period", "span"]
_SLICE = 1 << 19  # rows summed at a time


def partial_totals(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The figures of ``outcomes`` summed over regions, a row for each group of
    ``TOTAL_KEYS`` and source of derived figures (NaN for reported ones).

    Partial totals of several tables add up (column by column, in
    :func:`regional_totals`) to the partial totals of all their rows: a
    large file is summed batch by batch as it is read (see
    :mod:`laborstats.columnar`). Sums are exact (see
    :mod:`laborstats.stats.exact`); ``approx``, ``up`` and ``down`` count the
    figures with each of :func:`laborstats.stats.qualifiers.sum_flags`;
    ``figures`` counts them, one a region as keys are unique.
    """
    frame = as_codes(outcomes[_SUMMED], _CODED)
    if frame[TOTAL_KEYS].isna().any(axis=None):  # in no group, as in a group-by
        frame = frame.dropna(subset=TOTAL_KEYS)
    frame = frame.assign(derived_source=frame["source"].where(frame["basis"] == DERIVED))
    keys = [*TOTAL_KEYS, "derived_source"]
    groups = groups_of(frame, keys, dropna=False)
    flags = sum_flags(frame["qualifier"]).groupby(groups.numbers).sum()
    return pd.concat(
        [
            frame[keys].iloc[groups.first_rows].reset_index(drop=True),
            exact_sums(frame["value"].to_numpy(), groups.numbers, groups.count),
            flags.reset_index(drop=True),
            pd.Series(np.bincount(groups.numbers, minlength=groups.count), name="figures"),
        ],
        axis=1,
    )


def combined_partials(partials: list[pd.DataFrame]) -> pd.DataFrame:
    """Partial totals (see :func:`partial_totals`) of several tables as those of all
    their rows: a row for each group and source of derived figures, in the order
    they first come."""
    frame = concat_coded(partials)
    keys = [*TOTAL_KEYS, "derived_source"]
    groups = groups_of(frame, keys, dropna=False)
    sums = frame[PARTIAL_COLUMNS[len(keys) :]].groupby(groups.numbers).sum()
    places = frame[keys].iloc[groups.first_rows].reset_index(drop=True)
    return pd.concat([places, sums.reset_index(drop=True)], axis=1)


def regional_totals(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    reporters: pd.DataFrame | None = None,
    partial: pd.DataFrame | None = None,
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
    figures were derived when they all were derived the same way. A total is
    the exact sum of its figures, rounded once (see :mod:`laborstats.stats.exact`).

    Who ever reports a series is judged from ``outcomes``, or from
    ``reporters`` (see :func:`laborstats.stats.series.reporting`) when
    ``outcomes`` hold only some years and the rows derived figures use, or
    only some metrics. ``partial`` are :func:`partial_totals` of figures
    ``outcomes`` do not hold (summed as a file was read).
    """
    additive = metrics.loc[metrics["kind"].isin(ADDITIVE_KINDS), "metric"]
    adding_up = outcomes["metric"].isin(additive).to_numpy()
    # Only the columns a total needs are copied, a slice of rows at a time (partial
    # totals add up): compare's 2.1M rows at 10M, copied and numbered at once, took 97 MB.
    parts = [
        partial_totals(outcomes.iloc[at : at + _SLICE].loc[adding_up[at : at + _SLICE], _SUMMED])
        for at in range(0, max(len(outcomes), 1), _SLICE)
    ]
    if partial is not None:
        parts.append(partial)
    partials = concat_coded(parts)
    if reporters is None:
        reporters = reporting(outcomes)
    # Group-bys that reduce, never transforms back onto every row; the rows
    # are numbered by group once (see groups.py).
    groups = groups_of(partials, TOTAL_KEYS)
    places = with_span(partials[TOTAL_KEYS].iloc[groups.first_rows].reset_index(drop=True))
    sums = partials[[*SUM_COLUMNS, "approx", "up", "down", "figures"]].groupby(groups.numbers).sum()
    derived = partials["derived_source"].groupby(groups.numbers)
    totals = places.assign(
        value=exact_total(sums),
        **{flag: sums[flag].to_numpy() > 0 for flag in ("approx", "up", "down")},
        regions=sums["figures"].to_numpy(),
        derived_source=derived.first().reindex(sums.index).to_numpy(),
        derivations=derived.nunique().reindex(sums.index, fill_value=0).to_numpy(),
    )
    # A year is totalled when every region that ever reports the series reports
    # it that year (one figure a region), and a series when more than one does.
    ever = reporters_of(places[_TOTALLED], reporters)
    totals = totals[(ever > 1) & (totals["regions"].to_numpy() == ever)]
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
    return _with_totals(outcomes, with_span(regional_totals(outcomes, metrics)))


def across_regions_summed(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, reporters: pd.DataFrame, partial: pd.DataFrame
) -> pd.DataFrame | None:
    """:func:`across_regions` of a table whose rows of some metrics were summed as they
    were read (``partial``, see :func:`partial_totals`), with who reports each
    series (``reporters``, see :func:`laborstats.stats.series.reporting`).

    None when a series summed has no total, in any year (one region reports
    it, or never all of them in the same year): its own rows are needed then.
    """
    totals = with_span(regional_totals(outcomes, metrics, reporters, partial))
    summed = with_span(partial[["year", *_TOTALLED[:2], "period"]])
    if not _series_of(summed).isin(_series_of(totals)).all():
        return None
    return _with_totals(outcomes, totals)


def _with_totals(outcomes: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The ``totals`` (with ``span``) and the rows of ``outcomes`` of series they do not
    total."""
    regions = with_span(outcomes)
    # A mask, not a merge: a merge would copy every row of a large table.
    own = regions[~_series_of(regions).isin(_series_of(totals))]
    return concat_coded([totals, own]).drop(columns="span")


def _series_of(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(frame[_TOTALLED])
