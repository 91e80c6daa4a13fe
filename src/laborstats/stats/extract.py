"""Candidate outcome rows from the figures of a report: a metric guessed for each.

A figure's metric is guessed from the words beside it, matched against the
Chinese labels of the metric dictionary, among the metrics whose unit fits
the unit the report writes (人 is persons, 元 yuan, % a rate, 第3名 a rank).
A report states each figure once, so each metric goes to the figure it
suits best. Where no label stands out, the metric stays blank: a person
fills it in.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from laborstats.stats.outcomes import OUTCOME_COLUMNS
from laborstats.vocabulary import REPORTED, UNITS

# A guess needs this share of its label's words beside the figure…
LEAST_SCORE = 0.3
# …and this lead over the next metric that could fit.
LEAST_LEAD = 0.1
# The clause before counts for this much (总量达15.24万人 after 新增技能人才2.1万人).
EARLIER_CLAUSE_WEIGHT = 0.25
# A label read in order with gaps (软著 in 软件著作权) counts for this much,
# when two of its characters or more are found.
IN_ORDER_WEIGHT = 0.8

# Units that count things, for measure words no unit's name is (件, 场, 次…).
_THINGS = frozenset(
    {
        "item",
        "project",
        "award",
        "trade",
        "team",
        "studio",
        "institution",
        "enterprise",
        "case",
        "paper",
        "agreement",
        "medal",
        "pair",
    }
)
# Measure words that fit units beyond the one they name in vocabulary.UNITS.
_ALSO_FITS = {
    "名": {"person"},
    "位": {"person"},
    "人次": {"person"},
    "项": {"project"},
    "篇": {"item"},
    "个": {"item", "enterprise"},
    "家": {"institution"},
    "金": {"medal"},
    "银": {"medal"},
    "铜": {"medal"},
}
# Rates and their changes: 12%, 2.3个百分点.
PERCENT_WRITTEN = frozenset({"%", "个百分点"})
# Measure words that name the thing itself (2金1银1铜): the label must hold them.
_NAMING = frozenset("金银铜")

CANDIDATE_COLUMNS = OUTCOME_COLUMNS


def units_fitting(unit_written: str) -> frozenset[str]:
    """The base units a figure written with ``unit_written`` may be in."""
    named = {key for key, unit in UNITS.items() if unit.zh == unit_written}
    fits = named | _ALSO_FITS.get(unit_written, set())
    return frozenset(fits) if fits else _THINGS


def guess_metrics(figures: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """The metric each figure most likely gives, and how well its label matched (0–1).

    ``figures`` as :func:`laborstats.extract.find_figures` returns them;
    ``metrics`` the dictionary. Derived metrics are never guessed. The
    result has ``metric`` (blank when no label stands out by LEAST_LEAD with
    at least LEAST_SCORE) and ``score``, on the index of ``figures``.
    """
    reported = metrics[metrics["formula"].fillna("") == ""]
    keys = ("unit", "rank", "before", "after", "before_clause")
    records = [
        dict(zip(keys, values, strict=True))
        for values in zip(*(figures[key].tolist() for key in keys), strict=True)
    ]
    scores = pd.DataFrame(
        {
            metric: [
                _score(label, figure) if _fits(figure, label, unit, kind) else float("nan")
                for figure in records
            ]
            for metric, label, unit, kind in zip(
                *(reported[key].tolist() for key in ("metric", "label_zh", "unit", "kind")),
                strict=True,
            )
        },
        index=figures.index,
        dtype="float64",
    )
    return _assign(scores)


def _fits(figure: dict[str, Any], label: str, unit: str, kind: str) -> bool:
    """Whether the figure's unit fits the metric's: 元 yuan, % a rate, 第3名 a rank…"""
    written = figure["unit"]
    if written in _NAMING and written not in label:
        return False
    if figure["rank"] != (kind == "rank"):
        return False
    if (written in PERCENT_WRITTEN) != (unit == "percent"):
        return False
    return kind == "rank" or unit in units_fitting(written)


def _score(label: str, figure: dict[str, Any]) -> float:
    """The share of ``label``'s words beside the figure (pairs of characters,
    or its characters in order), and a little for the clause before."""
    beside = figure["before"] + figure["unit"] + figure["after"]
    pairs = {label[start : start + 2] for start in range(len(label) - 1)} or {label}
    found = sum(pair in beside for pair in pairs) / len(pairs)
    common = _common_subsequence(label, beside)
    in_order = common / len(label) if common >= 2 else 0.0
    found_earlier = sum(pair in figure["before_clause"] for pair in pairs) / len(pairs)
    return max(found, IN_ORDER_WEIGHT * in_order) + EARLIER_CLAUSE_WEIGHT * found_earlier


def _common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of ``a`` and ``b``."""
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for position, other in enumerate(b):
            current.append(
                previous[position] + 1
                if char == other
                else max(previous[position + 1], current[position])
            )
        previous = current
    return previous[-1]


def _assign(scores: pd.DataFrame) -> pd.DataFrame:
    """Each metric to one figure at most, best matches first; a guess needs a lead."""
    result = pd.DataFrame({"metric": "", "score": 0.0}, index=scores.index)
    values = scores.to_numpy()
    rows, columns = np.unravel_index(np.argsort(-values, axis=None, kind="stable"), values.shape)
    taken_figures: set[object] = set()
    taken_metrics: set[str] = set()
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        figure, metric, score = scores.index[row], scores.columns[column], values[row, column]
        if np.isnan(score):
            break
        if figure in taken_figures or metric in taken_metrics or score < LEAST_SCORE:
            continue
        others = scores.loc[figure].drop([metric, *taken_metrics], errors="ignore")
        runner_up = others.max() if others.notna().any() else 0.0
        taken_figures.add(figure)
        if score - runner_up >= LEAST_LEAD:
            taken_metrics.add(metric)
            result.loc[figure, ["metric", "score"]] = [metric, min(float(score), 1.0)]
    return result


def candidate_rows(
    figures: pd.DataFrame,
    guesses: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    year: int,
    region: str,
) -> pd.DataFrame:
    """The figures as rows of outcomes.csv, with the evidence a person curates them by.

    ``year`` is the report's year; a figure after a date (2023年…) takes that
    date's year. ``confidence`` is the guess's score (0 where the metric is
    blank); ``written`` and ``unit_written`` say how the report wrote it.
    """
    programme = guesses["metric"].map(metrics.set_index("metric")["programme"]).fillna("")
    years = figures["period_year"].fillna(year).astype("int64")
    return pd.DataFrame(
        {
            "year": years,
            "region": region,
            "entity": "",
            "programme": programme,
            "metric": guesses["metric"],
            "value": figures["value"],
            "qualifier": figures["qualifier"],
            "period": figures["period"],
            "basis": REPORTED,
            "source": figures["clause"],
            "written": figures["written"],
            "unit_written": figures["unit"],
            "offset": figures["offset"],
            "confidence": guesses["score"].round(2),
        },
        index=figures.index,
    )[CANDIDATE_COLUMNS]
