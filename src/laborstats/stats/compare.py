"""Two periods, two regions or two studios side by side: change, share of the total, rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.codes import as_codes, as_texts, concat_coded, replaced
from laborstats.errors import SelectionError, one_of
from laborstats.stats.groups import groups_of
from laborstats.stats.qualifiers import difference_qualifier
from laborstats.stats.series import (
    ADDITIVE_KINDS,
    DESCRIPTION,
    OWN_YEAR,
    SERIES,
    check_region,
    in_dictionary_order,
    pooled,
    relative_change_defined,
    reporting,
    select_year,
    with_definitions,
    with_span,
)
from laborstats.stats.studios import ANNUAL_BENEFIT, FIGURES, UNITS, with_annual_benefit
from laborstats.stats.totals import regional_totals
from laborstats.vocabulary import ALL_REGIONS, APPROX, EXACT, REPORTED

# What every comparison has, after the columns that say what a row is.
SIDES = [
    "value_a",
    "qualifier_a",
    "basis_a",
    "value_b",
    "qualifier_b",
    "basis_b",
    "change",
    "pct_change",
    "change_qualifier",
    "share_a",
    "share_qualifier_a",
    "share_b",
    "share_qualifier_b",
    "share_change",
    "share_change_qualifier",
    "rank_a",
    "rank_b",
    "rank_change",
]
YEARS_COLUMNS = ["a", "b", *DESCRIPTION, *SIDES]
REGIONS_COLUMNS = ["a", "b", "year", *(name for name in DESCRIPTION if name != "region"), *SIDES]
STUDIOS_COLUMNS = ["a", "b", "metric", "unit", *SIDES]

_SERIES = ["entity", "metric", "span"]


def compare_years(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    a: int,
    b: int,
    reporters: pd.DataFrame | None = None,
    *,
    coded: bool = False,
) -> pd.DataFrame:
    """Every series in year ``a`` beside the same series in year ``b``.

    With several regions, a total over the regions leads each metric where
    its figures add up (see :mod:`laborstats.stats.totals`); each region has
    its share of that total and its rank among the regions, in each year.
    A series in one year only keeps its row, with the other side empty.

    ``outcomes`` may hold only the rows of ``a`` and ``b`` and the rows
    derived figures use in every year, with ``reporters`` (see
    :func:`laborstats.stats.series.reporting`) telling who reports each
    series in the other years. With ``coded``, coded texts stay coded (see
    :mod:`laborstats.codes`), so that a large table can be let go before
    the result is made text: at 10M rows, the texts of the 0.4M rows
    compared took 0.1 GB.
    """
    ranked = ranked_years(outcomes, metrics, a, b, reporters)
    return years_side_by_side(ranked, metrics, a, b, coded=coded)


def ranked_years(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    a: int,
    b: int,
    reporters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The first step of :func:`compare_years`: the rows of ``a`` and ``b`` and their
    totals, each with its share and rank. :func:`years_side_by_side` of it needs the
    outcomes no more, so that a large table can be let go (at 10M rows, 0.1 GB)."""
    for year in (a, b):
        select_year(outcomes, year)
    return _ranked(outcomes, metrics, [a, b], reporters)


def years_side_by_side(
    ranked: pd.DataFrame, metrics: pd.DataFrame, a: int, b: int, *, coded: bool = False
) -> pd.DataFrame:
    """:func:`compare_years` of the rows :func:`ranked_years` gives for ``a`` and ``b``."""
    merged = _side_by_side(
        ranked[ranked["year"] == a], ranked[ranked["year"] == b], on=["region", *_SERIES]
    )
    lead = merged["region"].ne(ALL_REGIONS).astype("int64")
    merged = _labelled(merged.assign(a=a, b=b, _lead=lead), metrics, then=["_lead", "entity"])
    result = _with_period(merged, own_year="")[YEARS_COLUMNS]
    return result if coded else as_texts(result)


def compare_regions(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    a: str,
    b: str,
    year: int,
    reporters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Region ``a`` beside region ``b`` in ``year``: shares of the total and ranks among all.

    ``outcomes`` may hold only the rows of ``year`` and those derived figures
    use, with ``reporters`` as for :func:`compare_years`; a region is known
    when it reports anything in any year.
    """
    select_year(outcomes, year)
    for name in (a, b):
        check_region(outcomes if reporters is None else reporters, name)
    frame = _ranked(outcomes, metrics, [year], reporters)
    merged = _side_by_side(
        frame[frame["region"] == a], frame[frame["region"] == b], on=["year", *_SERIES]
    )
    merged = _labelled(merged.assign(a=a, b=b), metrics, then=["entity"])
    return as_texts(_with_period(merged, own_year=str(year))[REGIONS_COLUMNS])


def compare_studios(studios: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Studio ``a`` beside studio ``b``, figure by figure, with shares and ranks among all.

    A name may be given in part, as long as it matches one studio only.
    Shares are of the total of the studios reporting that figure.
    """
    names = studios["studio"].tolist()
    a, b = _one_studio(a, names), _one_studio(b, names)
    if a == b:
        raise SelectionError(f"A and B both name {a}", expected="two different studios")
    wide = with_annual_benefit(studios)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "region": wide["studio"],
                    "metric": column,
                    "value": wide[column],
                    "qualifier": wide[f"{column}_qualifier"],
                    "basis": wide.get(f"{column}_basis", REPORTED),
                }
            )
            for column in [*FIGURES, ANNUAL_BENEFIT]
        ],
        ignore_index=True,
    )
    long = long[long["value"].notna()].assign(year=0, entity="", span="")
    kinds = pd.DataFrame({"metric": long["metric"].unique()})
    kinds["unit"] = kinds["metric"].map(UNITS).fillna("count")
    additive = ~kinds["unit"].isin(["percent", "year"])
    kinds = kinds.assign(kind=np.where(additive, "count", "rate"), direction="higher")
    frame = _standing(long, kinds, within=_SERIES)
    merged = _side_by_side(frame[frame["region"] == a], frame[frame["region"] == b], on=_SERIES)
    merged = _with_pct_change(merged.merge(kinds[["metric", "unit", "kind"]], on="metric"))
    order = {name: position for position, name in enumerate([*FIGURES, ANNUAL_BENEFIT])}
    merged = merged.assign(a=a, b=b).sort_values("metric", key=lambda names: names.map(order))
    return merged.reset_index(drop=True)[STUDIOS_COLUMNS]


def only_metrics(result: pd.DataFrame, names: list[str] | None) -> pd.DataFrame:
    """The rows of the metrics (or studio columns) ``names``; all without names.

    A comparison with no rows left is refused, naming what had no figures.
    """
    if names:
        result = result[result["metric"].isin(names)].reset_index(drop=True)
    if result.empty:
        raise SelectionError(
            f"no figures for {', '.join(names)} on either side"
            if names
            else "no figures to compare",
            expected="metrics with figures for A or B (laborstats metrics shows the years)",
        )
    return result


def _ranked(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    years: list[int],
    reporters: pd.DataFrame | None,
) -> pd.DataFrame:
    """The rows of ``years`` and their totals over regions, with each region's share of
    the total and rank (see :func:`_standing`).

    Who reports a series is judged from every year: a share needs to know
    which regions ever report it. Only the rows of ``years`` are copied: at
    10M rows, the table with its totals took 0.4 GB.
    """
    reporters = reporting(outcomes) if reporters is None else reporters
    # What a comparison shows of a row (see _side_by_side): as texts, the rest of the
    # columns of 0.8M rows took 0.3 GB at 10M.
    shown = ["year", *SERIES[:3], "period", "value", "qualifier", "basis"]
    chosen = outcomes.loc[outcomes["year"].isin(years), shown]
    if reporters["region"].nunique() > 1:
        totals = regional_totals(outcomes, metrics, reporters)
        chosen = concat_coded([chosen, totals.loc[totals["year"].isin(years), shown]])
    return _standing(chosen, metrics, within=["year", *_SERIES], reporters=reporters)


def _standing(
    frame: pd.DataFrame,
    metrics: pd.DataFrame,
    within: list[str],
    reporters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add each member's share of the total and its rank, within groups ``within``.

    Members are the rows whose region is not the total. Shares and ranks
    need more than one member and a period where every member that ever
    reports the series reports it, so that both sides are measured against
    the same pool; otherwise they are empty. Ranks go by the metric's
    direction (1 = best; the largest first where neither is better); ties
    share the better rank. Shares need a metric that adds up, and a total of
    no figure below zero (of 50 and −30, 50 would be 250 %). A share is
    exact only when every figure in its total is exact, otherwise approx.
    Who ever reports a series is judged from the members in ``frame``, or
    from ``reporters`` (see :func:`laborstats.stats.series.reporting`),
    which may know of more years than ``frame`` holds.
    """
    frame = (with_span(frame) if "span" not in frame.columns else frame).reset_index(drop=True)
    is_member = frame["region"] != ALL_REGIONS
    # Who reports what, when (categories: see laborstats.codes)
    period = [name for name in within if name not in _SERIES]
    reporting = as_codes(frame.loc[is_member, ["region", *period, *_SERIES]], ["region", *_SERIES])
    reports = groups_of(reporting, [*period, *_SERIES])
    places = reporting.iloc[reports.first_rows]
    fair = pooled(reports, places, reporting["region"], _SERIES, period, reporters)
    members = frame[is_member]
    # Each member's group (none for a NaN key, as in groups_of).
    in_pool = pd.Series(np.append(fair, False)[reports.numbers], index=members.index)
    keys = [members[name] for name in within]
    lower_better = members["metric"].isin(metrics.loc[metrics["direction"] == "lower", "metric"])
    key = members["value"].where(lower_better, -members["value"])
    rank = key.groupby(keys).rank(method="min").where(in_pool)

    total = members["value"].groupby(keys).transform("sum")
    inexact = (members["qualifier"] != EXACT).groupby(keys).transform("any")
    additive = members["metric"].isin(metrics.loc[metrics["kind"].isin(ADDITIVE_KINDS), "metric"])
    whole = (members["value"] >= 0).groupby(keys).transform("all")  # no part below zero
    shared = in_pool & additive & whole & (total > 0)
    members = members.assign(
        rank=rank.astype("Int64"),
        share=(members["value"] / total * 100).where(shared),
        share_qualifier=pd.Series(EXACT, index=members.index, dtype="str")
        .mask(inexact.fillna(True).astype("bool"), APPROX)  # no group (a NaN key): not shared
        .where(shared),
    )
    return pd.concat([members, frame[~is_member]], ignore_index=True)


def _side_by_side(side_a: pd.DataFrame, side_b: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Outer-join two sides, so that a row in one only keeps its place, and compare them."""
    kept = [*on, "value", "qualifier", "basis", "share", "share_qualifier", "rank"]
    merged = side_a.reindex(columns=kept).merge(
        side_b.reindex(columns=kept), on=on, how="outer", suffixes=("_a", "_b"), sort=False
    )
    merged["change"] = merged["value_b"] - merged["value_a"]
    merged["change_qualifier"] = difference_qualifier(merged["qualifier_b"], merged["qualifier_a"])
    merged["share_change"] = merged["share_b"] - merged["share_a"]
    both_exact = (merged["share_qualifier_a"] == EXACT) & (merged["share_qualifier_b"] == EXACT)
    merged["share_change_qualifier"] = pd.Series(
        np.where(both_exact, EXACT, APPROX), index=merged.index
    ).where(merged["share_change"].notna())
    merged["rank_change"] = merged["rank_a"] - merged["rank_b"]  # places gained
    return merged


def _labelled(merged: pd.DataFrame, metrics: pd.DataFrame, then: list[str]) -> pd.DataFrame:
    """Compared series with their definitions and % change, in the dictionary's order
    and then by ``then``."""
    labelled = _with_pct_change(with_definitions(merged, metrics, extra=("programme",)))
    return in_dictionary_order(labelled, metrics, then=then)


def _with_period(merged: pd.DataFrame, own_year: str) -> pd.DataFrame:
    """Add ``period``: the span, with the row's own year written ``own_year``."""
    return merged.assign(period=replaced(merged["span"], OWN_YEAR, own_year))


def _with_pct_change(merged: pd.DataFrame) -> pd.DataFrame:
    """% change from side a to side b, where it means something (see relative_change_defined)."""
    relative = relative_change_defined(merged, merged["value_a"])
    return merged.assign(pct_change=(merged["change"] / merged["value_a"] * 100).where(relative))


def _one_studio(name: str, names: list[str]) -> str:
    if name in names:
        return name
    matches = [studio for studio in names if name in studio]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SelectionError(
            f'"{name}" matches several studios', expected="one of " + "; ".join(matches)
        )
    raise SelectionError(f"unknown studio {name}", expected=one_of(name, names))
