"""What people see of each command's result: columns, headings, captions."""

from __future__ import annotations

import pandas as pd

from laborstats.dataset import Dataset
from laborstats.render import Column, Lang, Style, View
from laborstats.stats.metrics import METRICS_COLUMNS
from laborstats.stats.summary import SUMMARY_COLUMNS
from laborstats.vocabulary import DERIVED, PROGRAMMES, UNITS

_PERIOD_ZH = {"annual": "每年", "cumulative": "累计"}
_PERIOD_EN = {"annual": "per year"}


def summary_view(result: pd.DataFrame, dataset: Dataset, lang: Lang) -> View:
    """The headline table: one section per programme, changes where a year before exists."""
    zh = lang is Lang.ZH
    label = result["label_zh"] if zh else result["label_en"]
    entity = result["entity"].where(result["entity"] == "", " · " + result["entity"])
    derived = (result["basis"] == DERIVED).map({True: " †", False: ""})
    display = result.assign(
        programme_name=result["programme"].map(lambda key: _programme_name(key, lang)),
        figure=label + entity + derived,
        unit_name=result["unit"].map(lambda unit: _unit_name(unit, lang)),
        period_name=[_period_name(period, lang) for period in result["period"]],
    )
    year = int(result["year"].iloc[0]) if len(result) else None
    return View(
        frame=display,
        machine_columns=SUMMARY_COLUMNS,
        columns=(
            Column("programme_name", "Programme", "项目"),
            Column("figure", "Figure", "指标", wraps=True),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
            Column("unit_name", "Unit", "单位"),
            Column("period_name", "Period", "时段"),
            Column("change", "Change", "变化", Style.CHANGE, qualifier="change_qualifier"),
            Column(
                "pct_change",
                "% change",
                "变化率",
                Style.PERCENT_CHANGE,
                qualifier="change_qualifier",
            ),
        ),
        title=(f"{year}年主要数据" if zh else f"Headline figures, {year}") if year else "",
        caption=caption(dataset, lang),
        group_by="programme_name",
    )


def metrics_view(result: pd.DataFrame, dataset: Dataset, lang: Lang) -> View:
    """The metric dictionary with the years each metric covers."""
    zh = lang is Lang.ZH
    first = result["first_year"].astype("str")
    last = result["last_year"].astype("str")
    span = (first + "–" + last).where(first != last, first).where(result["figures"] > 0, "")
    display = result.assign(
        label=(result["label_zh"] if zh else result["label_en"]) + "\n" + result["metric"],
        programme_name=result["programme"].map(lambda key: _programme_name(key, lang)),
        unit_name=result["unit"].map(lambda unit: UNITS[unit].zh if zh else unit),
        span=span,
    )
    return View(
        frame=display,
        machine_columns=METRICS_COLUMNS,
        columns=(
            Column("programme_name", "Programme", "项目"),
            Column("label", "Metric", "指标", wraps=True),
            Column("unit_name", "Unit", "单位"),
            Column("kind", "Kind", "类型"),
            Column("direction", "Better", "方向"),
            Column("formula", "Formula", "公式", wraps=True),
            Column("span", "Years", "年份"),
            Column("figures", "Figures", "数据条数", Style.KEY),
        ),
        title="指标目录" if zh else "Metrics",
        caption=caption(dataset, lang),
        group_by="programme_name",
    )


def caption(dataset: Dataset, lang: Lang) -> str:
    """Name the dataset and its sources, and explain the marks used in the table."""
    sources = "; ".join(dataset.sources)
    if lang is Lang.ZH:
        text = f"数据集：{dataset.title}（{dataset.location}）"
        text += f"。来源：{sources}" if sources else ""
        return text + "。约 = 近似；余、≥ = 至少；不超过、≤ = 至多；† = 推算"
    text = f"Dataset: {dataset.title} ({dataset.location})"
    text += f". Source: {sources}" if sources else ""
    return text + ". ≈ approximate · ≥ at least · ≤ at most · † derived"


def _programme_name(key: str, lang: Lang) -> str:
    names = PROGRAMMES.get(key)
    return key if names is None else names[1] if lang is Lang.ZH else names[0]


def _unit_name(unit: str, lang: Lang) -> str:
    if unit == "percent" or unit not in UNITS:
        return ""
    return UNITS[unit].zh if lang is Lang.ZH else UNITS[unit].en


def _period_name(period: str, lang: Lang) -> str:
    """annual → per year / 每年, 5 years → 5年, 2024 → 2024年 in Chinese."""
    if lang is Lang.EN:
        return _PERIOD_EN.get(period, period)
    if period in _PERIOD_ZH:
        return _PERIOD_ZH[period]
    number, _, span = period.partition(" ")
    if span.startswith("year") or (number.isdigit() and len(number) == 4 and not span):
        return f"{number}年"
    if span.startswith("month"):
        return f"{number}个月"
    return period
