"""Derived metrics: values computed by the formulas of metrics.csv, marked derived."""

from __future__ import annotations

from graphlib import TopologicalSorter

import numpy as np
import pandas as pd

from laborstats.formula import Formula, parse_formula
from laborstats.stats.qualifiers import Bound
from laborstats.vocabulary import DERIVED

_PLACE = ["year", "region", "entity"]


def formulas_of(metrics: pd.DataFrame) -> dict[str, Formula]:
    """The parsed formula of every derived metric, in an order where inputs come first."""
    parsed = {
        str(metric): parse_formula(str(text))
        for metric, text in zip(metrics["metric"], metrics["formula"], strict=True)
        if str(text).strip()
    }
    graph = {metric: formula.metrics & parsed.keys() for metric, formula in parsed.items()}
    return {metric: parsed[metric] for metric in TopologicalSorter(graph).static_order()}


def with_derived_metrics(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """``outcomes`` plus a row for every derived metric its inputs allow.

    A derived value is computed for each year, region and entity that has a
    figure for every input (inputs with two figures there, for different
    periods, are ambiguous and not used), unless the data report that
    metric there already. Division by zero gives no value, never infinity.
    The qualifier follows :class:`laborstats.stats.qualifiers.Bound`; the
    period is the inputs' common period, blank where they differ.
    """
    programmes = metrics.set_index("metric")["programme"]
    frame = outcomes
    for metric, formula in formulas_of(metrics).items():
        derived = _derive(frame, metric, formula)
        reported = frame.loc[frame["metric"] == metric, _PLACE]
        derived = derived.merge(reported, on=_PLACE, how="left", indicator=True)
        derived = derived[derived.pop("_merge") == "left_only"]
        if not derived.empty:
            frame = pd.concat(
                [frame, derived.assign(programme=programmes[metric])], ignore_index=True
            )
    return frame


def _derive(outcomes: pd.DataFrame, metric: str, formula: Formula) -> pd.DataFrame:
    inputs = outcomes[outcomes["metric"].isin(formula.metrics)]
    inputs = inputs.drop_duplicates([*_PLACE, "metric"], keep=False)
    wide = inputs.pivot(index=_PLACE, columns="metric", values=["value", "qualifier", "period"])
    if wide.empty or not formula.metrics <= set(wide["value"].columns):
        return outcomes.iloc[0:0]
    values = formula.evaluate(
        {name: wide["value"][name].astype("float64") for name in formula.metrics}
    )
    values = values.replace([np.inf, -np.inf], np.nan)
    bound = formula.evaluate(
        {name: Bound.of(wide["qualifier"][name]) for name in formula.metrics}, number=float
    )
    periods = pd.DataFrame(wide["period"][sorted(formula.metrics)])
    stated = periods.where(periods != "")
    common = stated.max(axis=1).fillna("")
    agrees = (stated.nunique(axis=1) <= 1) & common.ne("")
    result = pd.DataFrame(
        {
            "metric": metric,
            "value": values,
            "qualifier": bound.qualifiers(),
            "period": common.where(agrees, ""),  # blank where the inputs' periods differ
            "basis": DERIVED,
            "source": f"derived: {formula.text}",
            "line": 0,
        }
    )
    return result[result["value"].notna()].reset_index()
