"""What an annual report holds beyond the other commands: where each figure comes from."""

from __future__ import annotations

import pandas as pd

from laborstats.codes import as_texts
from laborstats.stats.derived import formulas_of
from laborstats.stats.series import SERIES, with_span
from laborstats.stats.summary import summarise
from laborstats.vocabulary import ALL_REGIONS, DERIVED, REPORTED, TOTAL

_PLACE = ["year", "region", "entity"]


def citations(figures: pd.DataFrame, outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.Series:
    """Where each figure comes from: its source quote (in “”); for a derived figure, how it
    was derived and where its inputs come from; for a total over regions, the quotes of
    the regions' figures.

    ``figures`` has ``year``, ``region``, ``entity``, ``metric``, ``period``,
    ``basis`` and ``source``; ``outcomes`` holds every figure they may come
    from: the regions', derived ones and totals. A flow's stock of the year
    before (see with_derived_metrics) comes from the stock and the flow of
    the year after. A figure without a source cites nothing ("").
    """
    figures, outcomes = as_texts(figures), as_texts(outcomes)
    text = _quoted(figures)
    derived = _derivation_inputs(figures[figures["basis"] == DERIVED], outcomes, metrics)
    # An input may itself be derived, or a total: it cites where it comes from in turn.
    inputs = citations(derived, outcomes, metrics) if len(derived) else _quoted(derived)
    quoted = derived["metric"] + " " + derived["year"].astype("str") + ": " + inputs
    summed = _summed_figures(figures[figures["basis"] == TOTAL], outcomes)
    parts = pd.concat([quoted, _quoted(summed)], ignore_index=True)
    owners = pd.concat([derived["figure"], summed["figure"]], ignore_index=True)
    kept = parts != ""
    joined = (
        parts[kept]
        .groupby(owners[kept], sort=False)
        .agg(lambda texts: "; ".join(dict.fromkeys(texts)))
    )
    cited = text.index.isin(joined.index)
    return text.where(~cited, text + " — " + joined.reindex(text.index).fillna(""))


def _quoted(frame: pd.DataFrame) -> pd.Series:
    """Reported sources in “”, others (derived: …, sum of …) as they are; none for none."""
    source = frame["source"].fillna("").astype("str")
    quoted = source.where(frame["basis"] != REPORTED, "“" + source + "”")
    return quoted.where(source.str.strip() != "", "")


def _derivation_inputs(
    derived: pd.DataFrame, outcomes: pd.DataFrame, metrics: pd.DataFrame
) -> pd.DataFrame:
    """The figures each derived figure was computed from, ``figure`` naming its row."""
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
    return pd.DataFrame(wanted, columns=["figure", *_PLACE, "metric"]).merge(
        outcomes[[*_PLACE, "metric", "period", "basis", "source"]],
        on=[*_PLACE, "metric"],
        how="inner",
    )


def _summed_figures(totals: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The regions' figures each total over regions adds up, ``figure`` naming its row."""
    keys = ["year", "entity", "metric", "span"]
    regional = with_span(outcomes[outcomes["region"] != ALL_REGIONS])
    wanted = with_span(totals)[keys].rename_axis("figure").reset_index()
    return wanted.merge(regional[[*keys, "basis", "source"]], on=keys, how="inner")


def headline_with_citations(
    outcomes: pd.DataFrame, metrics: pd.DataFrame, year: int | None
) -> pd.DataFrame:
    """The summary of ``year`` with ``citation`` (where each figure comes from) and
    ``previous_citation`` (where the figure of the year before, if any, comes from)."""
    outcomes = as_texts(outcomes)  # a report's tables are small
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
