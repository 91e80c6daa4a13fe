"""What summary, growth and compare share: series keys, relative changes, dictionary order."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from laborstats.codes import categories, is_coded, narrowest, places_in
from laborstats.errors import NoFiguresError, SelectionError, closest, one_of
from laborstats.stats.groups import Groups, groups_of
from laborstats.stats.qualifiers import difference_qualifier
from laborstats.vocabulary import ALL_REGIONS

# A series: the figures of one metric for one region and entity, over the same
# kind of period (the year itself, annual, cumulative…), year after year.
SERIES = ["region", "entity", "metric", "span"]
OWN_YEAR = "<year>"
_YEAR = re.compile("[1-9][0-9]*")  # a year as str(year) writes it

# The columns that say what a row of a series is, first in every result about series.
DESCRIPTION = ["programme", "metric", "label_en", "label_zh", "region", "entity", "period", "unit"]
_DEFINITION = ["label_en", "label_zh", "unit", "kind"]

# Kinds whose figures add up across regions or studios (a total is their sum).
ADDITIVE_KINDS = ("count", "amount")


def with_span(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add ``span``: the period, with a period equal to the row's own year read as "that year".

    Coded periods give a coded span (see :mod:`laborstats.codes`).
    """
    period = outcomes["period"]
    if not is_coded(period):
        own_year = period == outcomes["year"].astype("str")
        # Series.mask keeps the Arrow strings; np.where would go through Python objects.
        return outcomes.assign(span=period.mask(own_year, OWN_YEAR).astype("str"))
    # The year each category names, compared with each row's year: no texts per row.
    named = np.array([int(text) if _YEAR.fullmatch(text) else -1 for text in period.cat.categories])
    codes = period.cat.codes.to_numpy()
    own_year = np.append(named, -1)[codes] == outcomes["year"].to_numpy()  # code -1: NaN
    span = period.astype(categories([*period.cat.categories, OWN_YEAR]))
    return outcomes.assign(span=span.mask(own_year, OWN_YEAR))


# Who reports a series: a region with a figure for it, in any year.
REPORTER = ["region", "entity", "metric", "span"]


def reporting(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Who reports each series: one row per region, entity, metric and span with a
    figure in ``outcomes`` (which may have ``span`` already), in any year; in the
    order of their texts.

    Totals, shares and ranks need it from every year (see :func:`pooled`),
    even when only some years' rows are held.
    """
    if "span" not in outcomes.columns:
        outcomes = with_span(outcomes[["year", "period", *REPORTER[:3]]])
    keys = outcomes[REPORTER]
    keys = keys.iloc[groups_of(keys, REPORTER).first_rows]
    return keys.sort_values(REPORTER).reset_index(drop=True)


def with_definitions(
    frame: pd.DataFrame, metrics: pd.DataFrame, extra: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Add each row's labels, unit and kind (and ``extra`` columns) from the dictionary.

    A coded metric column (see :mod:`laborstats.codes`) gives coded columns:
    written out for each of summary's 0.8M rows at 10M, the texts took
    120 MB, more than the rest of the table. Either way the index is new, as
    a merge makes it.
    """
    definitions = metrics[["metric", *extra, *_DEFINITION]]
    metric = frame["metric"]
    if not is_coded(metric):
        return frame.merge(definitions, on="metric", how="left", validate="many_to_one")
    # Each category's row of the dictionary (-1: none), then each row's by its code.
    place = pd.Index(definitions["metric"]).get_indexer(metric.cat.categories)
    row = np.append(place, -1)[metric.cat.codes.to_numpy()]  # code -1: NaN
    added = {}
    for name in definitions.columns[1:]:
        dtype = categories(definitions[name].dropna())
        codes = np.append(dtype.categories.get_indexer(pd.Index(definitions[name])), -1)[row]
        added[name] = pd.Categorical.from_codes(codes, dtype=dtype)
    return frame.reset_index(drop=True).assign(**added)


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
    ordered = frame.assign(_place=dictionary_places(frame, metrics)).sort_values(
        ["_place", *then], kind="stable"
    )
    return ordered.drop(columns="_place").reset_index(drop=True)


def dictionary_places(frame: pd.DataFrame, metrics: pd.DataFrame) -> np.ndarray:
    """Each row's place by programme and metric in the order of metrics.csv: what
    :func:`in_dictionary_order` sorts by first."""
    # A name the dictionary lacks goes last; one it defines twice, by its last place.
    # Looked up once a name, narrow: at 10M rows, lookups of every row and their int64
    # arithmetic took 0.6 s and 0.3 GB.
    named = pd.Index(metrics["metric"]).drop_duplicates(keep="last")
    programmes = pd.Index(metrics["programme"].unique())
    width = len(metrics) + 1
    places = places_in(frame["programme"], programmes, width - 1).astype(narrowest(width**2))
    places *= width
    places += places_in(frame["metric"], named, width - 1)
    return places


def check_metrics(names: list[str] | None, metrics: pd.DataFrame) -> None:
    """Refuse metric names the dictionary does not define, suggesting the closest."""
    known = metrics["metric"].tolist()
    for name in names or []:
        if name not in known:
            close = closest(name, known)
            raise SelectionError(
                f"unknown metric {name}",
                expected=f'"{close}" (laborstats metrics lists them)'
                if close
                else "a metric of metrics.csv (laborstats metrics lists them)",
            )


def check_region(outcomes: pd.DataFrame, region: str) -> None:
    """Refuse a region the data do not hold (the total over regions is none), naming the
    closest."""
    known = sorted(outcomes.loc[outcomes["region"] != ALL_REGIONS, "region"].unique())
    if region not in known:
        raise SelectionError(f"unknown region {region}", expected=one_of(region, known))


def select_year(outcomes: pd.DataFrame, year: int | None) -> int:
    """The requested year, checked against the data, or the latest year in it."""
    return choose_year(outcomes["year"].unique().tolist(), year)


def choose_year(years_with_figures: Iterable[int], year: int | None) -> int:
    """The requested year, checked against the years with figures, or the latest of them."""
    years = sorted(years_with_figures)
    if not years:
        raise NoFiguresError("the dataset holds no figures", expected="at least one outcome row")
    if year is None:
        return int(years[-1])
    if year not in years:
        raise SelectionError(
            f"no figures for {year}",
            expected="one of the years in the data: " + ", ".join(map(str, years)),
        )
    return year


def with_change_on_year_before(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the same series' figure of the calendar year before, and the change from it.

    ``frame`` has the series keys, ``year``, ``value``, ``qualifier``,
    ``unit`` and ``kind``. Adds ``previous_value``, ``previous_qualifier``,
    ``change``, ``pct_change`` (see :func:`relative_change_defined`) and
    ``change_qualifier``; a year whose year before is missing gets none.
    """
    frame = with_span(frame) if "span" not in frame.columns else frame
    # The position of each row's year before, looked up on a number made of its series
    # and year: a merge would copy every column of a large table to add two, and an
    # index of the keys themselves took 0.5 s of growth --by region at 10M rows. Keys
    # are unique (else this raises), and NaN keys match NaN keys, as in a merge.
    year = frame["year"].to_numpy(dtype=np.int64)
    first, last = (int(year.min()), int(year.max())) if len(year) else (0, 0)
    series = groups_of(frame, SERIES, dropna=False).numbers.astype(np.int64)
    key = series * (last - first + 2) + (year - first)  # a series' years never meet the next's
    before = pd.Index(key + 1).get_indexer(key)
    merged = frame.reset_index(drop=True)
    merged["previous_value"] = merged["value"].array.take(before, allow_fill=True)
    merged["previous_qualifier"] = merged["qualifier"].array.take(before, allow_fill=True)
    merged["change"] = merged["value"] - merged["previous_value"]
    relative = relative_change_defined(merged, merged["previous_value"])
    merged["pct_change"] = (merged["change"] / merged["previous_value"] * 100).where(relative)
    merged["change_qualifier"] = difference_qualifier(
        merged["qualifier"], merged["previous_qualifier"]
    )
    return merged


def pooled(
    groups: Groups,
    places: pd.DataFrame,
    members: pd.Series,
    series: list[str],
    period: list[str],
    reporters: pd.DataFrame | None = None,
) -> np.ndarray:
    """Which groups more than one member reports, with a figure from every member that
    ever reports their series in their period.

    A total, share or rank over members means what it says only then: a
    member missing a year would make that year's total short. ``groups``
    are rows of one series and period at least, ``places`` their first rows
    (their keys), ``members`` the member of every row. Who ever reports a
    series is judged from these rows, or from ``reporters`` (see
    :func:`reporting`; members are regions) when they hold some years only.
    """
    now = groups_of(places, [*period, *series])
    now_count = groups.within(now).distinct(members)[now.numbers]
    if reporters is None:
        ever = groups_of(places, series)
        ever_count = groups.within(ever).distinct(members)[ever.numbers]
    else:
        ever_count = reporters_of(places[series], reporters)
    fair: np.ndarray = (ever_count > 1) & (now_count == ever_count)
    return fair


def reporters_of(keys: pd.DataFrame, reporters: pd.DataFrame) -> np.ndarray:
    """How many regions of ``reporters`` (see :func:`reporting`) report the series of
    each row of ``keys`` (some of entity, metric and span)."""
    counts = reporters.groupby(list(keys.columns), observed=True).size()
    position = pd.MultiIndex.from_frame(counts.index.to_frame()).get_indexer(
        pd.MultiIndex.from_frame(keys)
    )
    found: np.ndarray = np.append(counts.to_numpy(), 0)[position]  # -1: none reports it
    return found
