"""What people see of each command's result: columns, headings, captions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from laborstats.codes import as_texts
from laborstats.dataset import REJECT_COLUMNS, Dataset
from laborstats.render import GAINED, LOST, Column, Lang, Style, View
from laborstats.schema import PROVENANCE_COLUMNS
from laborstats.stats.checks import ERROR, PROBLEM_COLUMNS
from laborstats.stats.extract import PERCENT_WRITTEN
from laborstats.stats.growth import GROWTH_COLUMNS, YEARLY_COLUMNS
from laborstats.stats.metrics import METRICS_COLUMNS
from laborstats.stats.outcomes import OUTCOME_COLUMNS
from laborstats.stats.studios import ANNUAL_BENEFIT
from laborstats.stats.studios import UNITS as STUDIO_UNITS
from laborstats.stats.summary import SUMMARY_COLUMNS
from laborstats.vocabulary import ALL_REGIONS, DERIVED, PROGRAMMES, UNITS

_PERIOD_ZH = {"annual": "每年", "cumulative": "累计"}
_PERIOD_EN = {"annual": "per year"}


def summary_view(result: pd.DataFrame, dataset: Dataset, lang: Lang) -> View:
    """The headline table: one section per programme, changes where a year before exists."""
    zh = lang is Lang.ZH
    display = result.assign(
        programme_name=_programme_names(result["programme"], lang),
        figure=_figure_names(result, result["basis"] == DERIVED, lang),
        unit_name=_each_distinct(result["unit"], lambda unit: unit_name(unit, lang)),
        period_name=_period_names(result["period"], lang),
    )
    year = int(result["year"].iloc[0]) if len(result) else None
    regions = (Column("region", "Region", "地区"),) if result["region"].nunique() > 1 else ()
    return View(
        frame=display,
        machine_columns=SUMMARY_COLUMNS,
        columns=(
            Column("programme_name", "Programme", "项目"),
            *regions,
            Column("figure", "Figure", "指标", wraps=True),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
            Column("unit_name", "Unit", "单位"),
            Column("period_name", "Period", "时段"),
            *CHANGE_COLUMNS,
        ),
        title=(f"{year}年主要数据" if zh else f"Headline figures, {year}") if year else "",
        caption=caption(dataset, lang),
        group_by="programme_name",
        formats=(Column("previous_value", "", "", Style.FIGURE),),
    )


def metrics_view(result: pd.DataFrame, dataset: Dataset, lang: Lang) -> View:
    """The metric dictionary with the years each metric covers."""
    zh = lang is Lang.ZH
    first = result["first_year"].astype("str")
    last = result["last_year"].astype("str")
    span = (first + "–" + last).where(first != last, first).where(result["figures"] > 0, "")
    display = result.assign(
        label=(result["label_zh"] if zh else result["label_en"]) + "\n" + result["metric"],
        programme_name=_programme_names(result["programme"], lang),
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


STUDIO_HEADERS = {
    "national_projects": ("National projects", "国家级项目"),
    "national_benchmark_cases": ("Benchmark cases", "国家级标杆案例"),
    "provincial_achievements": ("Provincial achievements", "省部级成果"),
    "invention_patents": ("Invention patents", "发明专利"),
    "utility_model_patents": ("Utility patents", "实用新型专利"),
    "papers_published": ("Papers", "论文"),
    "software_copyrights": ("Software copyrights", "软著"),
    "research_funding": ("Research funding", "科研经费"),
    "mentoring_agreements": ("Mentoring agreements", "导师带徒协议"),
    "annual_savings": ("Savings a year", "年节约成本"),
    "economic_benefit": ("Benefit, total", "经济效益"),
    "benefit_years": ("Benefit years", "效益年数"),
    "standard_coal_saved": ("Coal saved a year", "年节约标煤"),
    "energy_consumption_reduction": ("Energy use cut", "能耗降低"),
    "innovation_projects_completed": ("Innovation projects", "技术革新项目"),
    "people_trained": ("Trained", "培养骨干"),
    "senior_title_promotions": ("Promoted", "晋升高级职称"),
    "may_day_medals": ("May Day medals", "五一劳动奖章"),
    "pilot_enterprises": ("Pilot enterprises", "试点企业"),
    "labour_cost_saving": ("Labour cost cut", "节约人工成本"),
    "work_efficiency_gain": ("Efficiency gain", "提升工作效率"),
    ANNUAL_BENEFIT: ("Benefit a year †", "年均经济效益 †"),
}
STUDIO_DEFAULT_COLUMNS = (
    "annual_savings",
    ANNUAL_BENEFIT,
    "invention_patents",
    "innovation_projects_completed",
)


def studios_view(
    result: pd.DataFrame, dataset: Dataset, lang: Lang, sort: str, chosen: list[str] | None
) -> View:
    """The league table: rank, studio, the sort column with a bar, then the chosen columns."""
    shown = [sort, *(name for name in (chosen or STUDIO_DEFAULT_COLUMNS) if name != sort)]

    def figure(name: str) -> Column:
        en, zh = STUDIO_HEADERS.get(name, (name, name))
        unit = STUDIO_UNITS.get(name, "count")
        return Column(name, en, zh, Style.FIGURE, qualifier=f"{name}_qualifier", unit=unit)

    zh = lang is Lang.ZH
    note = (
        "。年节约成本：报告所列每年节约的成本；年均经济效益 = 经济效益 ÷ 所涵盖年数（推算）"
        if zh
        else ". Savings: cost savings a year as reported; benefit a year: the economic "
        "benefit divided by the years it covers (derived)"
    )
    return View(
        frame=result,
        machine_columns=list(result.columns),
        columns=(
            Column("rank", "Rank", "排名", Style.KEY),
            Column("studio", "Studio", "工作室", wraps=True),
            figure(sort),
            Column(sort, "", "", Style.BAR),
            *(figure(name) for name in shown[1:]),
        ),
        title="创新工作室排行" if zh else "Innovation studios",
        caption=caption(dataset, lang) + note,
        # Every figure column, shown or not, so that a workbook's cells do not depend on --sort.
        formats=tuple(figure(name) for name in STUDIO_HEADERS if name in result.columns),
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


def _figure_names(result: pd.DataFrame, derived: pd.Series, lang: Lang) -> pd.Series:
    """The metric's label, the entity it is about, and † when derived."""
    label = result["label_zh"] if lang is Lang.ZH else result["label_en"]
    entity = result["entity"].where(result["entity"] == "", " · " + result["entity"])
    return label + entity + derived.map({True: " †", False: ""})


def region_names(regions: pd.Series, lang: Lang) -> pd.Series:
    """Region names, with the total over regions named for people."""
    return regions.replace(ALL_REGIONS, "全部地区" if lang is Lang.ZH else "All regions")


def _programme_names(keys: pd.Series, lang: Lang) -> pd.Series:
    """Programme keys as people read them; programmes laborstats does not know keep their key."""
    names = {key: names[1] if lang is Lang.ZH else names[0] for key, names in PROGRAMMES.items()}
    return keys.map(names).fillna(keys)


def unit_name(unit: str, lang: Lang) -> str:
    if unit == "percent" or unit not in UNITS:
        return ""
    return UNITS[unit].zh if lang is Lang.ZH else UNITS[unit].en


def _period_names(periods: pd.Series, lang: Lang) -> pd.Series:
    return _each_distinct(periods, lambda period: _period_name(period, lang))


def _each_distinct(values: pd.Series, name: Callable[[str], str]) -> pd.Series:
    """``name`` of each value, called once per distinct value: results have many rows and
    few distinct units or periods."""
    distinct = values.unique()
    return values.map(dict(zip(distinct, map(name, distinct), strict=True)))


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


# The change and % change columns every command with changes shows.
CHANGE_COLUMNS = (
    Column("change", "Change", "变化", Style.CHANGE, qualifier="change_qualifier"),
    Column("pct_change", "% change", "变化率", Style.PERCENT_CHANGE, qualifier="change_qualifier"),
)


def growth_view(
    result: pd.DataFrame, dataset: Dataset, lang: Lang, *, wide: bool, left_out: int
) -> View:
    """Growth of each series: its ends, change, % change, CAGR, and a sparkline or the years.

    ``result`` is the wide growth frame (a column per year); ``wide`` shows
    the years as columns, otherwise a sparkline stands for them.
    """
    zh = lang is Lang.ZH
    years = [name for name in result.columns if name.isdigit()]
    derivation = result["derivation"] != ""
    display = result.assign(
        programme_name=_programme_names(result["programme"], lang),
        figure=_figure_names(result, derivation, lang),
        region_name=region_names(result["region"], lang),
        # One character a year, so that the trends of all rows line up: each row's values
        # a view of one array (a tuple of floats a row took 0.3 GB for 385,000 series).
        trend=pd.Series(
            list(result[years].to_numpy(dtype="float64", na_value=np.nan)),
            index=result.index,
            dtype="object",
        ),
    )
    regions = (Column("region_name", "Region", "地区"),) if result["region"].nunique() > 1 else ()
    if wide:
        middle: tuple[Column, ...] = tuple(
            Column(year, year, year, Style.FIGURE, qualifier=f"{year}_qualifier") for year in years
        )
    else:
        middle = (
            Column("first_year", "From", "起", Style.KEY),
            Column("first_value", "", "", Style.FIGURE, qualifier="first_qualifier"),
            Column("last_year", "To", "止", Style.KEY),
            Column("last_value", "", "", Style.FIGURE, qualifier="last_qualifier"),
        )
    trend = () if wide else (Column("trend", "Trend", "走势", Style.SPARKLINE),)
    span = f"{years[0]}–{years[-1]}" if years else ""
    return View(
        frame=display,
        machine_columns=[
            *GROWTH_COLUMNS,
            *(name for year in years for name in (year, f"{year}_qualifier") if wide),
        ],
        columns=(
            Column("programme_name", "Programme", "项目"),
            Column("figure", "Figure", "指标", wraps=True),
            *regions,
            *middle,
            *CHANGE_COLUMNS,
            Column(
                "cagr", "CAGR", "年均增长率", Style.PERCENT_CHANGE, qualifier="change_qualifier"
            ),
            *trend,
        ),
        title=f"增长，{span}" if zh else f"Growth, {span}",
        caption=_growth_caption(result, dataset, lang),
        group_by="programme_name",
        note=_left_out_note(left_out, lang),
        formats=(
            Column("first_value", "", "", Style.FIGURE),
            Column("last_value", "", "", Style.FIGURE),
        ),
    )


def yearly_view(result: pd.DataFrame, dataset: Dataset, lang: Lang, *, left_out: int) -> View:
    """Every year of every series, with its change on the year before and its index."""
    zh = lang is Lang.ZH
    several = result["region"].nunique() > 1
    # The series is named on its first row only, so that its years read as a block: the
    # rows where its name changes, found by codes (a name for every row took 0.25 GB
    # for 1.7M rows).
    named = np.arange(len(result)) == 0
    label = result["label_zh"] if zh else result["label_en"]
    for column in (label, result["entity"], *([result["region"]] if several else [])):
        codes = pd.factorize(column)[0]
        named[1:] |= codes[1:] != codes[:-1]
    first = as_texts(result[named])
    figure = _figure_names(first, pd.Series(False, index=first.index), lang)
    names = figure + (" · " + region_names(first["region"], lang) if several else "")
    display = result.assign(
        series=names.reindex(result.index, fill_value=""),
        mark=(result["basis"] == DERIVED).map({True: "†", False: ""}),
    )
    return View(
        frame=display,
        machine_columns=YEARLY_COLUMNS,
        columns=(
            Column("series", "Series", "序列", wraps=True),
            Column("year", "Year", "年份", Style.KEY),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
            Column("mark", "", ""),
            *CHANGE_COLUMNS,
            Column("index", "Index", "指数", Style.FIGURE, qualifier="index_qualifier", unit=""),
        ),
        title="逐年变化" if zh else "Year on year",
        caption=_growth_caption(result, dataset, lang),
        note=_left_out_note(left_out, lang),
    )


def _growth_caption(result: pd.DataFrame, dataset: Dataset, lang: Lang) -> str:
    """The dataset caption, what "all regions" means, and how derived ends were derived."""
    zh = lang is Lang.ZH
    text = caption(dataset, lang)
    if (result["region"] == ALL_REGIONS).any():
        text += (
            "。全部地区 = 各地区之和，仅计各地区均有数据的年份"
            if zh
            else ". All regions: the sum of the regions, for the years every region reports"
        )
    if "derivation" in result.columns:
        label = result["label_zh"] if zh else result["label_en"]
        notes = (label + ("：" if zh else ": ") + result["derivation"])[result["derivation"] != ""]
        text += "".join(f"\n† {note}" for note in notes.drop_duplicates())
    return text


def _left_out_note(left_out: int, lang: Lang) -> str:
    """How many series with a single year are not shown."""
    if not left_out:
        return ""
    if lang is Lang.ZH:
        return (
            f"另有 {left_out} 个序列只有一年数据，未列出；"
            "指明指标即可查看（laborstats growth 指标名）"
        )
    series = "series has" if left_out == 1 else "series have"
    return (
        f"{left_out} more {series} a single year and no growth; name a metric to see it "
        "(laborstats growth METRIC)"
    )


def compare_view(result: pd.DataFrame, dataset: Dataset, lang: Lang, by: str) -> View:
    """Two sides of a comparison: values, change, shares and ranks.

    ``by`` is ``year``, ``region`` or ``studio``. Shares and ranks are shown
    where there is more than one region or studio to share and rank among.
    """
    zh = lang is Lang.ZH
    a, b = (str(result[side].iloc[0]) if len(result) else "" for side in ("a", "b"))
    derived = (result["basis_a"] == DERIVED) | (result["basis_b"] == DERIVED)
    if by == "studio":
        headers = {name: STUDIO_HEADERS.get(name, (name, name)) for name in result["metric"]}
        label = result["metric"].map(lambda name: headers[name][1 if zh else 0])
        display = result.assign(figure=label)
        side_a, side_b = "A", "B"
    else:
        display = result.assign(
            figure=_figure_names(result, derived, lang),
            programme_name=_programme_names(result["programme"], lang),
        )
        side_a, side_b = a, b
    several = by != "year" or result["region"].nunique() > 1
    if by == "year" and several:
        display = display.assign(region_name=region_names(result["region"], lang))
    regions = (Column("region_name", "Region", "地区"),) if by == "year" and several else ()
    shares = (
        (
            Column(
                "share_a",
                f"Share {side_a}",
                f"{side_a}占比",
                Style.FIGURE,
                qualifier="share_qualifier_a",
                unit="percent",
            ),
            Column(
                "share_b",
                f"Share {side_b}",
                f"{side_b}占比",
                Style.FIGURE,
                qualifier="share_qualifier_b",
                unit="percent",
            ),
            Column(
                "share_change",
                "Share Δ",
                "占比变化",
                Style.CHANGE,
                qualifier="share_change_qualifier",
                unit="percent",
            ),
            Column("rank_a", f"Rank {side_a}", f"{side_a}排名", Style.KEY),
            Column("rank_b", f"Rank {side_b}", f"{side_b}排名", Style.KEY),
            Column("rank_change", "Rank Δ", "名次变化", Style.CHANGE, unit="place"),
        )
        if several
        else ()
    )
    display = display.assign(bar_scale=_bar_scale(result))
    bars = display["bar_scale"].notna().any()
    programme = () if by == "studio" else (Column("programme_name", "Programme", "项目"),)
    columns = (
        *programme,
        Column("figure", "Figure", "指标", wraps=True),
        *regions,
        Column("value_a", side_a, side_a, Style.FIGURE, qualifier="qualifier_a"),
        Column("value_b", side_b, side_b, Style.FIGURE, qualifier="qualifier_b"),
        *(
            (Column("value_b", "", "", Style.BAR, scale="bar_scale", base="value_a"),)
            if bars
            else ()
        ),
        *CHANGE_COLUMNS,
        *shares,
    )
    pool = "the studios reporting the figure" if by == "studio" else "all regions"
    pool_zh = "报告该项的各工作室" if by == "studio" else "各地区"
    note = (
        f"。占比：占{pool_zh}合计的比例；排名：在{pool_zh}中的名次（1 = 最好）；名次变化：上升为正"
        if zh
        else f". Share: of the total of {pool}; rank: among {pool}, 1 = best; rank Δ: places gained"
    )
    bar_note = (
        f"。条形：{side_b}，以同一指标两边的最大值为满格；"
        f"{GAINED} = 较 {side_a} 增加，{LOST} = 减少"
        if zh
        else f". Bar: {side_b} against the largest value of the figure on either side; "
        f"{GAINED} more than {side_a}, {LOST} less"
    )
    bar_note = bar_note if bars else ""
    names = f"A = {a}; B = {b}. " if by == "studio" else ""
    year = int(result["year"].iloc[0]) if by == "region" and len(result) else None
    when, when_zh = (f", {year}", f"（{year}年）") if year else ("", "")
    return View(
        frame=display,
        machine_columns=list(result.columns),
        columns=columns,
        title=f"{a} 与 {b} 对比{when_zh}" if zh else f"{a} compared with {b}{when}",
        caption=names + caption(dataset, lang) + bar_note + (note if several else ""),
        group_by=None if by == "studio" else "programme_name",
    )


def _bar_scale(result: pd.DataFrame) -> pd.Series:
    """Where compare's bar is full: the largest value of the figure on either side, among
    the regions (or among the totals over regions); none for a figure with one value only,
    which a bar would not compare with anything."""
    keys = [result[name] for name in ("metric", "entity", "period", "unit") if name in result]
    if "region" in result:
        keys.append(result["region"] == ALL_REGIONS)
    sides = result[["value_a", "value_b"]]
    figures = sides.max(axis=1).groupby(keys, dropna=False)
    values = sides.notna().sum(axis=1).groupby(keys, dropna=False).transform("sum")
    return figures.transform("max").where(values > 1)


def chart_view(
    result: pd.DataFrame,
    dataset: Dataset,
    lang: Lang,
    *,
    by_region: bool,
    without_total: Sequence[int] = (),
) -> View:
    """One metric as bars: a bar a year (with its entity and period where several), or a
    bar a region; a note names the years ``without_total`` (see years_without_total)."""
    zh = lang is Lang.ZH
    first = result.iloc[0]
    if by_region:
        point = region_names(result["region"], lang)
        when = f"{int(first['year'])}年，各地区" if zh else f"{int(first['year'])}, by region"
        note = ""
    else:
        point = result["year"].astype("str")
        regions = result["region"]
        if regions.nunique() > 1:  # the area's totals, and series one region alone reports
            point += regions.where(regions == ALL_REGIONS, " · " + regions).replace(ALL_REGIONS, "")
        point += result["entity"].where(result["entity"] == "", " · " + result["entity"])
        periods = _period_names(result["period"], lang)
        point += periods.where(periods == "", " (" + periods + ")")
        years = result["year"]
        when = f"{years.min()}–{years.max()}" if years.nunique() > 1 else str(years.min())
        if regions.nunique() == 1 and first["region"] != ALL_REGIONS:
            when += f"，{first['region']}" if zh else f", {first['region']}"
        note = _missing_totals_note(without_total, lang)
    point += (result["basis"] == DERIVED).map({True: " †", False: ""})
    unit = unit_name(str(first["unit"]), lang)
    label = str(first["label_zh"] if zh else first["label_en"])
    unit_note = (f"（{unit}）" if zh else f" ({unit})") if unit else ""
    return View(
        frame=result.assign(point=point),
        machine_columns=list(result.columns),
        columns=(
            Column("point", "Point", "数据点"),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
        ),
        title=f"{label}{unit_note}，{when}" if zh else f"{label}{unit_note}, {when}",
        caption=caption(dataset, lang),
        note=note,
        chart=True,
    )


def _missing_totals_note(years: Sequence[int], lang: Lang) -> str:
    """Name the years with no bar for the total: a bar missing without a word reads as
    no gap at all."""
    if not years:
        return ""
    if lang is Lang.ZH:
        named = "、".join(map(str, years))
        return f"{named}年无合计：并非每个地区都有该年数据（--region 可看单个地区）"
    named = ", ".join(map(str, years))
    return f"No total for {named}: not every region reports it (--region shows one region's)"


# Where a problem is, and which check found it: in check's table and the rejects file.
_PLACE_OF_A_PROBLEM = (
    Column("file", "File", "文件", wraps=True),
    Column("line", "Line", "行", Style.KEY),
    Column("column", "Column", "列"),
    Column("check", "Check", "检查项"),
)


def check_view(
    problems: pd.DataFrame, dataset: Dataset | None, data: str | None, lang: Lang
) -> View:
    """The problems found in a dataset, or a line saying there are none."""
    zh = lang is Lang.ZH
    errors = int((problems["severity"] == ERROR).sum())
    warnings = len(problems) - errors
    if zh:
        title = (
            f"数据检查：{errors} 个错误，{warnings} 个警告"
            if len(problems)
            else "数据检查：未发现问题"
        )
    else:
        title = (
            f"Check: {errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
            if len(problems)
            else "Check: no problems found"
        )
    if dataset is not None:
        text = caption(dataset, lang)
    else:
        text = ("数据集：" if zh else "Dataset: ") + (data or "bundled dataset")
    return View(
        frame=problems,
        machine_columns=PROBLEM_COLUMNS,
        columns=(
            Column("severity", "Severity", "级别"),
            *_PLACE_OF_A_PROBLEM,
            Column("message", "Problem", "问题", wraps=True),
        ),
        title=title,
        caption=text,
    )


def outcomes_view(result: pd.DataFrame, dataset: Dataset, lang: Lang) -> View:
    """The outcome rows as loaded; machine formats write the columns of outcomes.csv."""
    zh = lang is Lang.ZH
    display = result.assign(
        figure=_figure_names(result, result["basis"] == DERIVED, lang),
        period_name=_period_names(result["period"], lang),
    )
    return View(
        frame=display,
        machine_columns=[
            name
            for name in OUTCOME_COLUMNS
            if name not in PROVENANCE_COLUMNS or (result[name] != "").any()
        ],
        columns=(
            Column("year", "Year", "年份", Style.KEY),
            Column("region", "Region", "地区"),
            Column("figure", "Figure", "指标", wraps=True),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
            Column("period_name", "Period", "时段"),
            Column("source", "Source", "出处", wraps=True),
        ),
        title="结果数据" if zh else "Outcome rows",
        caption=caption(dataset, lang),
    )


def rejects_view(rejected: pd.DataFrame) -> View:
    """Rows set aside by --skip-bad-rows, for the --rejects file: where, why, and the row."""
    return View(
        frame=rejected,
        machine_columns=REJECT_COLUMNS,
        columns=(
            *_PLACE_OF_A_PROBLEM,
            Column("problem", "Problem", "问题", wraps=True),
            Column("row", "Row", "原始行", wraps=True),
        ),
        title="Rows set aside",
        caption="",
    )


def set_aside_note(rejected: pd.DataFrame, rejects: str | None, lang: Lang) -> str:
    """How many bad rows were set aside, and where they went."""
    count = len(rejected)
    if not count:
        return ""
    if lang is Lang.ZH:
        kept = f"，已写入 {rejects}" if rejects else "；用 --rejects FILE 保存这些行"
        return f"已跳过 {count} 行有问题的数据{kept}。"
    rows = "row" if count == 1 else "rows"
    kept = f", written to {rejects}" if rejects else "; --rejects FILE keeps them"
    return f"{count} bad {rows} set aside{kept}."


def extract_view(
    result: pd.DataFrame, dataset: Dataset, lang: Lang, *, report: str, cut: int
) -> View:
    """Candidate outcome rows found in a report; machine formats load as outcomes.csv."""
    zh = lang is Lang.ZH
    labels = dataset.metrics.set_index("metric")["label_zh" if zh else "label_en"]
    display = result.assign(
        figure=result["metric"].map(labels).fillna("？" if zh else "?"),
        unit=np.where(result["unit_written"].isin(PERCENT_WRITTEN), "percent", ""),
        period_name=_period_names(result["period"], lang),
    )
    found, guessed = len(result), int((result["metric"] != "").sum())
    if zh:
        text = f"{report}：{found} 个数字，其中 {guessed} 个猜出了指标（？ = 待人工填写）"
        text += f"；删去 {cut} 处非原文文字（见标准错误输出）" if cut else ""
        text += f"。指标取自：{dataset.title}（{dataset.location}）"
    else:
        text = (
            f"{report}: {found} {'figure' if found == 1 else 'figures'}, {guessed} with a "
            "metric guessed (? = for a person to fill in)"
        )
        text += f"; {cut} {'piece' if cut == 1 else 'pieces'} of injected text cut " if cut else ""
        text += "(listed on standard error)" if cut else ""
        text += f". Metrics from: {dataset.title} ({dataset.location})"
    return View(
        frame=display,
        machine_columns=OUTCOME_COLUMNS,
        columns=(
            Column("offset", "Offset", "位置", Style.KEY),
            Column("written", "Written", "原文"),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
            Column("figure", "Metric guessed", "猜测的指标", wraps=True),
            Column("confidence", "Confidence", "把握"),
            Column("period_name", "Period", "时段"),
            Column("source", "Clause", "所在分句", wraps=True),
        ),
        title="从报告中提取的数字" if zh else "Figures found in the report",
        caption=text,
    )
