"""Derived metrics: values computed by the formulas of metrics.csv, marked derived."""

from __future__ import annotations

from collections.abc import Iterable
from graphlib import TopologicalSorter

import numpy as np
import pandas as pd

from laborstats.codes import as_codes, as_texts, concat_coded
from laborstats.formula import Formula, parse_formula
from laborstats.stats.groups import groups_of
from laborstats.stats.qualifiers import Bound
from laborstats.stats.series import reporting
from laborstats.vocabulary import AT_LEAST, DERIVED

_PLACE = ["year", "region", "entity"]
_CODED_FROM = 1 << 12  # derived rows of a metric
_INPUT = [*_PLACE, "metric", "value", "qualifier", "period"]


def formulas_of(metrics: pd.DataFrame) -> dict[str, Formula]:
    """The parsed formula of every derived metric, in an order where inputs come first."""
    parsed = {
        str(metric): parse_formula(str(text))
        for metric, text in zip(metrics["metric"], metrics["formula"], strict=True)
        if str(text).strip()
    }
    graph = {metric: formula.metrics & parsed.keys() for metric, formula in parsed.items()}
    return {metric: parsed[metric] for metric in TopologicalSorter(graph).static_order()}


def derivation_metrics(metrics: pd.DataFrame) -> set[str]:
    """The metrics derived figures use or yield: formulas' inputs and results, flows
    and their stocks. Their figures of every year give every derived figure."""
    flows = metrics[metrics["flow_of"] != ""]
    formulas = formulas_of(metrics)
    involved = {*flows["metric"], *flows["flow_of"], *formulas}
    return involved.union(*(formula.metrics for formula in formulas.values()))


def with_derived_metrics(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """``outcomes`` plus a row for every derived figure its inputs allow; coded texts
    stay coded (see :mod:`laborstats.codes`).

    A flow (``flow_of`` in metrics.csv: a year's additions to a stock) gives
    the stock at the end of the year before: at least stock − flow, since
    what left the stock during the year is not known.

    A derived value is computed for each year, region and entity that has a
    figure for every input (inputs with two figures there, for different
    periods, are ambiguous and not used), unless the data report that
    metric there already. Inputs of different stated periods (a year's
    disputes and five years' losses) give no value: they do not measure the
    same time; the year itself and ``annual`` are one year alike. Division by
    zero gives no value, never infinity. The qualifier follows
    :class:`laborstats.stats.qualifiers.Bound`; the period is the inputs'
    common period, blank where none is stated or they differ in words only.
    """
    derived = derived_figures(outcomes, metrics)
    return outcomes if derived is None else concat_coded([outcomes, derived])


def derived_figures(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame | None:
    """The rows :func:`with_derived_metrics` adds to ``outcomes``; None when there are none.

    For a caller that appends them to a large table it lets go of column by
    column (see :func:`laborstats.codes.appended`).
    """
    derived = _derived_rows(outcomes, metrics)
    # Concatenated when the inputs picked from a large table are freed: at 10M rows,
    # they took 0.4 GB.
    return concat_coded(derived) if derived else None


def derived_reporters(outcomes: pd.DataFrame, reporters: pd.DataFrame) -> pd.DataFrame:
    """``reporters`` (see :func:`laborstats.stats.series.reporting`) with the regions of
    the derived figures of ``outcomes``, as :func:`with_derived_metrics` gives them."""
    derived = reporting(
        outcomes.loc[outcomes["basis"] == DERIVED, ["year", *_PLACE[1:], "metric", "period"]]
    )
    return reporting(concat_coded([reporters, derived]))


def _derived_rows(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows of derived figures (see :func:`with_derived_metrics`), metric by metric."""
    programmes = metrics.set_index("metric")["programme"]
    flows = metrics[metrics["flow_of"] != ""]
    formulas = formulas_of(metrics)
    # The figures formulas and flows use or yield, picked from a large table once;
    # what is derived joins them. They stay coded until a formula takes its inputs:
    # as texts, and copied metric by metric, the 1.5M rows picked at 10M took 0.2 GB.
    picked = outcomes.loc[outcomes["metric"].isin(derivation_metrics(metrics)), _INPUT]
    derived: list[pd.DataFrame] = []
    with_figures = {str(name) for name in picked["metric"].unique()}

    def rows_of(names: Iterable[str]) -> pd.DataFrame:
        """The figures of these metrics, reported or derived so far (the columns formulas use)."""
        names = set(names)
        reported = as_texts(picked[picked["metric"].isin(names)], ["metric", "period"])
        added = [
            as_texts(rows[_INPUT], ["metric", "period"])
            for rows in derived
            if rows["metric"].iat[0] in names
        ]
        return pd.concat([reported, *added])

    def add(metric: str, computed: pd.DataFrame) -> None:
        if metric in with_figures:  # not where the data report it already
            there = pd.MultiIndex.from_frame(rows_of([metric])[_PLACE])
            computed = computed[~pd.MultiIndex.from_frame(computed[_PLACE]).isin(there)]
        if computed.empty:
            return
        computed = computed.assign(programme=programmes[metric])
        # Coded when many: as texts, the derived rows at 10M took 0.1 GB. A few stay
        # texts, which costs less time (concat_coded codes them with the table).
        derived.append(as_codes(computed) if len(computed) >= _CODED_FROM else computed)
        with_figures.add(metric)

    for flow, stock in zip(flows["metric"], flows["flow_of"], strict=True):
        add(stock, _opening_stock(rows_of([stock, flow]), stock, flow))
    for metric, formula in formulas.items():
        add(metric, _derive(rows_of(formula.metrics), metric, formula))
    return derived


def _opening_stock(outcomes: pd.DataFrame, stock: str, flow: str) -> pd.DataFrame:
    """The stock at the end of the year before a year's additions: at least stock − flow.

    Only the additions are known, not what left the stock during the year,
    so the stock before them was at least the difference. Both figures must
    be for the year itself (their period is the year), and a flow larger
    than its stock (which contradicts itself) gives nothing.
    """
    yearly = outcomes[outcomes["period"] == outcomes["year"].astype("str")]
    ends = yearly.loc[yearly["metric"] == stock, [*_PLACE, "value", "qualifier"]]
    additions = yearly.loc[yearly["metric"] == flow, [*_PLACE, "value", "qualifier"]]
    both = ends.merge(additions, on=_PLACE, suffixes=("", "_flow"), validate="one_to_one")
    # A flow larger than its stock contradicts the data; derive nothing from it.
    both = both[both["value"] >= both["value_flow"]]
    bound = (
        Bound.of(both["qualifier"])
        - Bound.of(both["qualifier_flow"])
        + Bound.of(pd.Series(AT_LEAST, index=both.index, dtype="str"))
    )
    year = both["year"].astype("str")
    return pd.DataFrame(
        {
            "year": both["year"] - 1,
            "region": both["region"],
            "entity": both["entity"],
            "metric": stock,
            "value": both["value"] - both["value_flow"],
            "qualifier": bound.qualifiers(),
            "period": (both["year"] - 1).astype("str"),
            "basis": DERIVED,
            "source": f"derived: {stock} of " + year + f" − {flow} of " + year,
            "line": 0,
        }
    )


def _derive(outcomes: pd.DataFrame, metric: str, formula: Formula) -> pd.DataFrame:
    """The figures of ``metric`` its formula gives from ``outcomes``, in the order of their
    places (year, region, entity)."""
    names = sorted(formula.metrics)
    inputs = outcomes[outcomes["metric"].isin(names)]
    # Each place's figures of each input, by number (a pivot took 0.3 s at 10M rows).
    places = groups_of(inputs, _PLACE)
    codes, distinct = pd.factorize(inputs["metric"])
    which = pd.Index(names).get_indexer(distinct)[codes]  # each figure's input
    cell = np.where(places.numbers >= 0, places.numbers * len(names) + which, -1)
    # How many figures each place has of each input (a cell each).
    figures = np.bincount(cell[cell >= 0], minlength=places.count * len(names))
    # Places with one figure of every input: two figures of one (for different periods)
    # are ambiguous, and none is used.
    complete = np.flatnonzero((figures.reshape(places.count, len(names)) == 1).all(axis=1))
    if not len(complete):
        return outcomes.iloc[0:0]
    keys = inputs[_PLACE].iloc[places.first_rows[complete]].reset_index(drop=True)
    order = keys.sort_values(_PLACE).index.to_numpy()  # the places in order
    keys = keys.iloc[order].reset_index(drop=True)
    slot = np.full(places.count + 1, -1)  # each place's row in the result; the last, none
    slot[complete[order]] = np.arange(len(order))
    at = slot[places.numbers]  # (a row in no place, numbered −1, takes the last)
    used = np.flatnonzero(at >= 0)
    # The rows of each place of the result (one a row), of each input (one a column).
    grid = used[np.lexsort((which[used], at[used]))].reshape(len(order), len(names))

    def taken(field: str) -> dict[str, pd.Series]:
        """Each input's ``field`` (value, qualifier), a row for each place of the result."""
        column = inputs[field].reset_index(drop=True)
        return {
            name: column.iloc[grid[:, position]].reset_index(drop=True)
            for position, name in enumerate(names)
        }

    inputs_values = {name: value.astype("float64") for name, value in taken("value").items()}
    values = formula.evaluate(inputs_values).replace([np.inf, -np.inf], np.nan)
    # The signs of the inputs turn bounds under × and ÷ (see Bound).
    bound = formula.evaluate(
        {
            name: Bound.of(qualifier, inputs_values[name])
            for name, qualifier in taken("qualifier").items()
        },
        number=float,
    )
    # Periods by number (as texts, 60 ms at 10M rows): a blank one −1; a missing one −2,
    # stated but the same as none, not even another missing one.
    period_codes, period_texts = pd.factorize(inputs["period"])
    texts = period_texts.to_numpy(dtype=object)
    blank = np.append(texts == "", False)[period_codes]
    periods = np.where(blank, -1, np.where(period_codes < 0, -2, period_codes))
    # The year itself and "annual" measure the same time, one year: one code for both.
    named_year = np.array([int(text) if str(text).isdigit() else -1 for text in texts] + [-1])
    one_year = (named_year[period_codes] == inputs["year"].to_numpy()) | np.append(
        texts == "annual", False
    )[period_codes]
    agrees, _ = _agreed(np.where(one_year, len(texts), periods)[grid])
    same, common = _agreed(periods[grid])
    result = keys.assign(
        metric=metric,
        value=values,
        qualifier=bound.qualifiers(),
        # Blank where none is stated, or the year and annual are.
        period=np.append(texts, "")[np.where(same, common, -1)],
        basis=DERIVED,
        source=f"derived: {formula.text}",
        line=0,
    )
    kept: pd.DataFrame = result[result["value"].notna() & agrees]
    return kept.reset_index(drop=True)


def _agreed(periods: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of period codes (one an input; −1 blank, −2 missing): whether every
    stated period is the same, and the first stated one (−1 when none is)."""
    stated = periods != -1
    common = periods[np.arange(len(periods)), stated.argmax(axis=1)]
    agrees = (((periods == common[:, np.newaxis]) & (periods != -2)) | ~stated).all(axis=1)
    return agrees, common
