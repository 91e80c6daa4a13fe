"""Growth of each series over the years: change, % change, CAGR, index, year on year."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from laborstats.codes import appended, as_codes, as_texts, is_coded, narrowest
from laborstats.errors import SelectionError
from laborstats.stats.groups import groups_of
from laborstats.stats.qualifiers import difference_qualifier
from laborstats.stats.series import (
    DESCRIPTION,
    OWN_YEAR,
    SERIES,
    dictionary_places,
    in_dictionary_order,
    relative_change_defined,
    with_change_on_year_before,
    with_definitions,
    with_span,
)
from laborstats.vocabulary import DERIVED, EXACT

CHUNK = 1 << 18  # rows of outcomes yearly_series works on at a time
YEARLY_COLUMNS = [
    *DESCRIPTION,
    "year",
    "value",
    "qualifier",
    "basis",
    "change",
    "pct_change",
    "change_qualifier",
    "index",
    "index_qualifier",
    "source",
]
# What the summary tells of a series' first figure and of its last.
_ENDS = ["value", "qualifier", "basis", "source"]
GROWTH_COLUMNS = [
    *DESCRIPTION,
    "first_year",
    "last_year",
    "years",
    "first_value",
    "first_qualifier",
    "last_value",
    "last_qualifier",
    "change",
    "pct_change",
    "cagr",
    "change_qualifier",
    "derivation",
]


def yearly_growth(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, names: list[str] | None = None
) -> pd.DataFrame:
    """One row per series and year, with the change on the year before and an index.

    A series is one metric for one region, entity and kind of period. The
    change compares a year with the calendar year before, so the first year,
    and a year after a gap, have none (null, never 0). ``index`` is the value
    against the series' first year (= 100). Percent figures change in
    percentage points and have no % change or index; nor do ranks, nor
    figures against a base of zero or below. Qualifiers of changes follow
    :mod:`laborstats.stats.qualifiers`. ``names`` picks metrics (default: all).
    """
    return as_texts(yearly_series(outcomes, metrics, names))


def yearly_series(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    names: list[str] | None = None,
    *,
    owned: bool = False,
) -> pd.DataFrame:
    """:func:`yearly_growth` with coded texts still coded (see :mod:`laborstats.codes`).

    For :func:`growth_summary` and :func:`growth_wide` of a large table, which
    make text of their own rows only: at 10M rows, the yearly rows made text
    took 0.5 GB, and the summary shows one row for every 25 of them. With
    ``owned``, ``outcomes`` is emptied as it is used (see _chunks).
    """
    outcomes = _named(outcomes, names)
    # A few metrics at a time (no series spans two), put together a column at a time:
    # the working copies are a chunk's (for every row at once, 0.3 GB at 10M rows).
    chunks = _chunks(outcomes, metrics, owned=owned or names is not None)
    return appended(*(_yearly(chunk, metrics) for chunk in chunks))


def growth_table(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    names: list[str] | None = None,
    *,
    owned: bool = False,
) -> tuple[pd.DataFrame, int]:
    """:func:`growth_wide` of the growth summary of every series with a change (of
    every series of the metrics ``names``, if given), and how many were left out.

    Made a few metrics at a time, so that the yearly rows of a large table
    are never all held: with a series for each region, at 10M rows they
    took 1.2 GB, and the table is one row for every 25 of them. With
    ``owned``, ``outcomes`` is emptied as it is used (see _chunks).
    """
    outcomes = _named(outcomes, names)
    years = (int(outcomes["year"].min()), int(outcomes["year"].max())) if len(outcomes) else None
    parts, left_out = [], 0
    for chunk in _chunks(outcomes, metrics, owned=owned or names is not None):
        yearly = _yearly(chunk, metrics)
        summary = growth_summary(yearly)
        shown = summary if names else series_with_change(summary)
        left_out += len(summary) - len(shown)
        parts.append(growth_wide(yearly, shown, years))
    return appended(*parts), left_out  # each part let go a column at a time


def yearly_of(yearly: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``yearly`` (as :func:`yearly_series` makes them, coded) of each metric,
    region and entity in ``summary``, still coded (but quotes, see below): every renderer
    writes codes as their texts (1.7M rows made text took 0.5 GB at 10M rows, as much
    again to join them)."""
    keys = ["metric", "region", "entity"]
    series = pd.MultiIndex.from_frame(as_texts(yearly[keys]))
    kept = yearly[series.isin(pd.MultiIndex.from_frame(summary[keys]))].reset_index(drop=True)
    # But texts more than the rows (quotes, each its own) as text: a renderer takes a
    # slice's texts from every one, 10 s for 1.7M rows of 10M quotes.
    many = [
        name
        for name in kept.columns
        if is_coded(kept[name]) and len(kept[name].cat.categories) > len(kept)
    ]
    return as_texts(kept, many)


def _named(outcomes: pd.DataFrame, names: list[str] | None) -> pd.DataFrame:
    """The rows of the metrics ``names`` (all if None); each must have some."""
    if names is None:
        return outcomes
    outcomes = outcomes[outcomes["metric"].isin(names)]
    present = set(outcomes["metric"].unique())  # once, each name once: not every row a name
    missing = [name for name in names if name not in present]
    if missing:
        raise SelectionError(
            f"no figures for {', '.join(missing)}",
            expected="metrics with figures (laborstats metrics shows the years)",
        )
    return outcomes


def _chunks(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, *, owned: bool
) -> Iterator[pd.DataFrame]:
    """The rows of ``outcomes`` in chunks of whole places in the dictionary (see
    dictionary_places), about ``CHUNK`` rows each, in the order of their places;
    a small table whole.

    Each is copied as it is asked for; or, when nothing else holds ``outcomes``
    (``owned``), all are copied at once, ``outcomes`` emptied a column at a
    time, and each let go once used: the table and what is made of its chunks
    are never both held whole (growth --by region at 10M rows, 0.2 GB less).
    """
    if len(outcomes) <= CHUNK:
        yield outcomes
        return
    places = dictionary_places(outcomes, metrics)
    sizes = np.bincount(places)
    chunk_of = (np.cumsum(sizes) - sizes) // CHUNK  # by the rows of the places before
    row_chunk = chunk_of.astype(narrowest(int(chunk_of.max()) + 1))[places]  # int64: 80 MB
    order = np.argsort(row_chunk, kind="stable")  # the rows of each chunk in file order
    ends = np.cumsum(np.bincount(row_chunk))
    rows = [rows for rows in np.split(order, ends[:-1]) if len(rows)]
    if not owned:
        for taken in rows:
            yield outcomes.take(taken)
        return
    # A column's values taken, not the column: a Series takes its index too, a copy a
    # column (0.8 GB more at 10M rows).
    indexes = [outcomes.index.take(taken) for taken in rows]
    columns: list[dict[str, object]] = [{} for _ in rows]
    for name in list(outcomes.columns):
        values = outcomes[name].array
        for chunk, taken in zip(columns, rows, strict=True):
            chunk[name] = values.take(taken)
        del values, outcomes[name]
    del rows
    while columns:
        yield pd.DataFrame(columns.pop(0), index=indexes.pop(0), copy=False)


def _yearly(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """:func:`yearly_series` of some whole metrics."""
    frame = with_definitions(with_span(outcomes), metrics)
    # In the order shown, sorted once (each sort took 0.1 s at 10M rows).
    frame = in_dictionary_order(frame, metrics, then=["region", "entity", "span", "year", "metric"])
    frame = with_change_on_year_before(frame)
    first = _firsts(frame, ["year", "value", "qualifier"])
    frame["index"] = (frame["value"] / first["value"] * 100).where(
        relative_change_defined(frame, first["value"])
    )
    base_year = frame["year"] == first["year"]  # 100 by definition, whatever its figure
    qualifier = difference_qualifier(frame["qualifier"], first["qualifier"])
    frame["index_qualifier"] = qualifier.mask(base_year, EXACT).where(frame["index"].notna())
    # Coded too, the qualifiers of changes: each as text took 25 MB at 10M rows.
    return as_codes(frame[YEARLY_COLUMNS], ["change_qualifier", "index_qualifier"])


def _firsts(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of the first year of each row's series (NaN where a key is missing):
    ``groupby(SERIES).transform("first")`` of rows in order of year, every row having
    a figure, without a sort."""
    series = groups_of(frame, SERIES)
    year = frame["year"].to_numpy()
    inside = series.numbers >= 0
    first_year = np.full(series.count + 1, np.iinfo(np.int64).max)  # the last: no series
    np.minimum.at(first_year, series.numbers[inside], year[inside])
    first = inside & (year == first_year[series.numbers])  # (−1 takes the last)
    row = np.full(series.count + 1, -1)  # each series' first row; the last, none
    row[series.numbers[first]] = np.flatnonzero(first)
    firsts: pd.DataFrame = frame[columns].reset_index(drop=True).reindex(row[series.numbers])
    firsts.index = frame.index
    return firsts


def growth_summary(yearly: pd.DataFrame) -> pd.DataFrame:
    """One row per series: first and last year, change, % change and CAGR between them.

    CAGR is over the actual span, last year − first year, so a missing year
    in between changes nothing: (last / first) ** (1 / span) − 1, in percent.
    A series with one year has no change. ``period`` is blank for a series of
    figures for each year itself. ``derivation`` tells how a derived first or
    last figure was computed. The first and last figures are those of each
    series' first and last rows (by year), as :func:`yearly_series` makes
    them: every row has a value and a qualifier.
    """
    keys = ["programme", "metric", "region", "entity", "span"]
    keyed = with_span(yearly)
    # Each series' first and last rows taken, not a group-by of every row for each
    # column: that took 1.2 s of growth --by region's 6 s at 10M rows.
    series = groups_of(keyed, keys)
    first = keyed.iloc[series.first_rows].reset_index(drop=True)
    last = keyed.iloc[series.last_rows].reset_index(drop=True)
    ends = first[[*keys, "label_en", "label_zh", "unit"]].assign(
        first_year=first["year"],
        last_year=last["year"],
        years=np.bincount(series.numbers[series.numbers >= 0], minlength=series.count),
        **{f"first_{name}": first[name] for name in _ENDS},
        **{f"last_{name}": last[name] for name in _ENDS},
        index=last["index"],
    )
    ends = as_texts(ends)  # one row a series: text from here
    several = ends["years"] > 1
    ends["change"] = (ends["last_value"] - ends["first_value"]).where(several)
    relative = ends.pop("index").notna() & several  # the last year has an index
    ends["pct_change"] = (ends["change"] / ends["first_value"] * 100).where(relative)
    span = (ends["last_year"] - ends["first_year"]).astype("float64")
    ratio = (ends["last_value"] / ends["first_value"]).where(ends["pct_change"].notna())
    ends["cagr"] = ((ratio ** (1 / span.where(span > 0)) - 1) * 100).where(ratio >= 0)
    ends["change_qualifier"] = difference_qualifier(
        ends["last_qualifier"], ends["first_qualifier"]
    ).where(several)
    ends["derivation"] = _derivations(ends)
    ends["period"] = ends.pop("span").replace(OWN_YEAR, "")
    return ends[GROWTH_COLUMNS]


def _derivations(ends: pd.DataFrame) -> pd.Series:
    """How derived end figures were computed: "2023: derived: a of 2024 − b of 2024",
    or the derivation alone when both ends share it."""

    def note(end: str, shown: pd.Series) -> pd.Series:
        text = ends[f"{end}_year"].astype("str") + ": " + ends[f"{end}_source"]
        return text.where(shown & (ends[f"{end}_basis"] == DERIVED), "")

    first = note("first", ends["years"] > 0)
    last = note("last", ends["years"] > 1)
    same = (first != "") & (last != "") & (ends["first_source"] == ends["last_source"])
    joined = first.where(last == "", first + "; " + last).where(first != "", last)
    return joined.mask(same, ends["first_source"])


def growth_wide(
    yearly: pd.DataFrame, summary: pd.DataFrame, years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """The growth summary with a column per year holding its value, and its qualifier.

    Year columns are named by the year ("2019", with "2019_qualifier"), every
    year from the first to the last in ``yearly`` (or of ``years``, first and
    last); a year a series lacks is empty. The qualifiers stay categories:
    every renderer writes them as their texts.
    """
    if yearly.empty:
        return summary
    keys = ["metric", "region", "entity", "span"]
    keyed = with_span(yearly)
    # Each series' values and qualifiers laid out a year a column, from the first year
    # to the last: at 10M rows a pivot of the yearly rows took 0.2 GB, this 20 MB.
    series = groups_of(keyed, keys, dropna=False)
    first, last = years or (int(yearly["year"].min()), int(yearly["year"].max()))
    width = last - first + 1
    cell = series.numbers * width + (yearly["year"].to_numpy() - first)
    values = np.full(series.count * width, np.nan)
    values[cell] = yearly["value"].to_numpy(dtype=np.float64)
    qualifier = pd.Categorical(yearly["qualifier"])
    marks = np.full(series.count * width, -1, dtype=qualifier.codes.dtype)
    marks[cell] = qualifier.codes
    value_of, mark_of = values.reshape(-1, width), marks.reshape(-1, width)  # series × year
    columns: dict[str, object] = {}
    for at, year in enumerate(map(str, range(first, last + 1))):
        columns[year] = value_of[:, at]
        # Coded: as text, the qualifiers of 385,000 series over 26 years took 0.15 GB.
        columns[f"{year}_qualifier"] = pd.Categorical.from_codes(
            mark_of[:, at], dtype=qualifier.dtype
        )
    keys_of = keyed[keys].iloc[series.first_rows].reset_index(drop=True)
    # One row a series: its keys as text from here (yearly may come coded).
    by_year = pd.concat([as_texts(keys_of), pd.DataFrame(columns)], axis=1)
    by_year.insert(3, "period", by_year.pop("span").replace(OWN_YEAR, ""))
    keys = ["metric", "region", "entity", "period"]
    return summary.merge(by_year, on=keys, how="left", validate="one_to_one")


def series_with_change(summary: pd.DataFrame) -> pd.DataFrame:
    """The series with figures for at least two years."""
    return summary[summary["years"] > 1].reset_index(drop=True)
