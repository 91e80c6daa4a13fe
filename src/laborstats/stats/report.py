"""What an annual report holds beyond the other commands: where each figure comes from."""

from __future__ import annotations

import pandas as pd

from laborstats.stats.derived import formulas_of
from laborstats.stats.series import SERIES, with_span
from laborstats.stats.summary import summarise
from laborstats.vocabulary import DERIVED, REPORTED

_PLACE = ["year", "region", "entity"]


def citations(figures: pd.DataFrame, outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.Series:
    """Where each figure comes from: its source quote (in “”), or for a derived figure how
    it was derived and the quotes of the figures it was derived from.

    ``figures`` has ``year``, ``region``, ``entity``, ``metric``, ``basis``
    and ``source``; ``outcomes`` holds every figure, derived ones included.
    A flow's stock of the year before (see with_derived_metrics) comes from
    the stock and the flow of the year after.
    """
    source = figures["source"].astype("str")
    text = source.where(figures["basis"] != REPORTED, "“" + source + "”")
    derived = figures[figures["basis"] == DERIVED]
    if derived.empty:
        return text
    formulas = formulas_of(metrics)
    flows = metrics[metrics["flow_of"] != ""]
    stocks = dict(zip(flows["flow_of"], flows["metric"], strict=True))
    wanted = []
    for label, year, region, entity, metric in zip(
        derived.index, *(derived[name] for name in [*_PLACE, "metric"]), strict=True
    ):
        if metric in formulas:
            names, when = sorted(formulas[metric].metrics), year
        elif metric in stocks:
            names, when = [metric, stocks[metric]], year + 1
        else:
            continue
        wanted += [(label, when, region, entity, name) for name in names]
    inputs = pd.DataFrame(wanted, columns=["figure", *_PLACE, "metric"]).merge(
        outcomes[[*_PLACE, "metric", "source"]], on=[*_PLACE, "metric"], how="inner"
    )
    quoted = inputs["metric"] + " " + inputs["year"].astype("str") + ": “" + inputs["source"]
    by_figure = (quoted + "”").groupby(inputs["figure"], sort=False).agg("; ".join)
    return text.where(~text.index.isin(by_figure.index), text + " — " + by_figure)


def headline_with_citations(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, year: int | None
) -> pd.DataFrame:
    """The summary of ``year`` with ``citation`` (where each figure comes from) and
    ``previous_citation`` (where the figure of the year before, if any, comes from)."""
    result = summarise(outcomes, metrics, year=year)
    shown_year = int(result["year"].iloc[0])
    before = outcomes[outcomes["year"] == shown_year - 1]
    before = with_span(before).assign(previous_citation=citations(before, outcomes, metrics))
    keyed = with_span(result).reset_index(drop=True)
    merged = keyed.merge(
        before[[*SERIES, "previous_citation"]], on=SERIES, how="left", validate="many_to_one"
    )
    merged["previous_citation"] = merged["previous_citation"].where(
        merged["previous_value"].notna()
    )
    return merged.drop(columns="span").assign(citation=citations(keyed, outcomes, metrics))
