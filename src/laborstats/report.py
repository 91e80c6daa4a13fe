"""The annual report: a year's figures by programme with their sources, charts and checks,
as Markdown or as one self-contained HTML file."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from urllib.parse import quote

import pandas as pd

from laborstats import __version__
from laborstats.codes import as_texts
from laborstats.dataset import Dataset
from laborstats.render import (
    MISSING,
    Column,
    Lang,
    Style,
    View,
    aligned_right,
    format_figure,
    format_number,
    markdown_table,
    markdown_text,
)
from laborstats.render import formatted_rows as rows_of
from laborstats.stats.checks import ERROR, dataset_problems, every_rule
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.growth import growth_summary, growth_wide, yearly_growth
from laborstats.stats.report import citations, headline_with_citations
from laborstats.stats.series import OWN_YEAR, with_span
from laborstats.stats.studios import league_table, resolve_column
from laborstats.stats.totals import across_regions
from laborstats.views import (
    caption,
    check_view,
    growth_view,
    region_names,
    studios_view,
    summary_view,
    unit_name,
)
from laborstats.vocabulary import ALL_REGIONS, DERIVED


@dataclass(frozen=True)
class Table:
    """A table for people, each row with the numbers of the notes that say where it is from."""

    headers: tuple[str, ...]
    right: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A chart as SVG; ``name`` names its file beside a Markdown report."""

    name: str
    title: str
    svg: str


Block = str | Table | Chart


class LeftOut(StrEnum):
    """Why a report has no charts."""

    NO_MATPLOTLIB = "charts_none"
    STANDARD_OUTPUT = "charts_stdout"


def left_out_note(reason: LeftOut, lang: Lang) -> str:
    """The sentence saying why the charts were left out."""
    return _WORDS[lang][reason.value]


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    level: int = 2


@dataclass(frozen=True)
class Document:
    """A report ready to write: sections of paragraphs, tables and charts, and the notes."""

    title: str
    lang: Lang
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    notes: tuple[str, ...]


@dataclass
class _Notes:
    """Numbered notes; the same text cited twice keeps its first number."""

    texts: list[str] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, *texts: str | None) -> tuple[int, ...]:
        cited = []
        for text in texts:
            if text is None or pd.isna(text) or not str(text).strip():
                continue
            if text not in self.numbers:
                self.texts.append(str(text))
                self.numbers[str(text)] = len(self.texts)
            cited.append(self.numbers[str(text)])
        return tuple(dict.fromkeys(cited))


# What the reader of a Chinese or an English report reads.
_WORDS = {
    Lang.EN: {
        "title": "{title}: report for {year}",
        "made": "Made by laborstats {version}.",
        "sources": "Every figure is numbered with the note at the end that quotes its source; "
        "a derived figure's note gives its formula and the quotes of its inputs.",
        "over_years": "Over the years",
        "studios": "Innovation studios",
        "derived": "Derived figures",
        "derived_intro": "Figures computed from others by the formulas of the dataset "
        "(metrics.csv); each keeps the qualifier its inputs allow.",
        "checks": "Consistency checks",
        "rules": "Rule",
        "check": "Check",
        "result": "Result",
        "holds": "no problem found",
        "problems": "errors: {errors}, warnings: {warnings}",
        "no_problems": "laborstats check finds no problems in the dataset.",
        "notes": "Notes",
        "formula": "How",
        "charts_none": "Charts left out: matplotlib is not installed "
        '(pip install "laborstats[charts]").',
        "charts_stdout": "Charts left out: Markdown on standard output, or a pipe, has no "
        "place for chart files (give -o report.md, or write HTML).",
        "no_cjk_font": "The charts' Chinese text is drawn with the reader's fonts "
        "(no Chinese font was found where the report was made).",
        "ranked": "Ranked by {column}.",
        "studios_none": "The dataset has no studios table.",
        "benefit": "Savings a year are as reported; a benefit a year † is the economic "
        "benefit divided by the years it covers.",
    },
    Lang.ZH: {
        "title": "{title}：{year}年报告",
        "made": "由 laborstats {version} 生成。",
        "sources": "每个数字都标有注释编号，文末注释引用其出处原文；"
        "推算数字的注释给出公式及其所用数字的出处。",
        "over_years": "历年变化",
        "studios": "创新工作室",
        "derived": "推算数字",
        "derived_intro": "按数据集公式（metrics.csv）由其他数字推算，"
        "保留其输入所允许的限定（约、余、不超过）。",
        "checks": "一致性检查",
        "rules": "规则",
        "check": "检查式",
        "result": "结果",
        "holds": "未发现问题",
        "problems": "错误 {errors} 个，警告 {warnings} 个",
        "no_problems": "laborstats check 未发现数据问题。",
        "notes": "注释",
        "formula": "推算方式",
        "charts_none": '未附图表：未安装 matplotlib（pip install "laborstats[charts]"）。',
        "charts_stdout": "未附图表：输出到标准输出或管道的 Markdown 无法附带图表文件"
        "（请用 -o report.md，或输出 HTML）。",
        "no_cjk_font": "生成报告的机器上没有中文字体，图表中的中文由阅读者的字体显示。",
        "ranked": "按{column}排序。",
        "studios_none": "数据集没有创新工作室表。",
        "benefit": "年节约成本为报告所列；年均经济效益 † = 经济效益 ÷ 所涵盖年数（推算）。",
    },
}


def build_report(
    dataset: Dataset,
    *,
    year: int | None,
    lang: Lang,
    sort: str = "savings",
    left_out: LeftOut | None = None,
) -> Document:
    """The report of ``year`` (default: the latest), in ``lang``: a section per programme
    (its figures, and their growth where there are several years), the studios ranked by
    ``sort``, the derived figures and the consistency checks; charts unless ``left_out``
    says why not.
    """
    words = _WORDS[lang]
    notes = _Notes()
    outcomes = as_texts(with_derived_metrics(dataset.outcomes, dataset.metrics))
    headline = headline_with_citations(outcomes, dataset.metrics, year)
    shown_year = int(headline["year"].iloc[0])
    draw = left_out is None
    font_note = ""
    if draw:
        from laborstats.charts import cjk_font  # noqa: PLC0415 (matplotlib: only with charts)

        font_note = "" if cjk_font() or lang is Lang.EN else words["no_cjk_font"]
    intro = [
        words["made"].format(version=__version__),
        caption(dataset, lang) + ("。" if lang is Lang.ZH else "."),
        words["sources"],
        *([words[left_out.value]] if left_out else []),
        *([font_note] if font_note else []),
    ]
    series = _series(outcomes, dataset, shown_year)
    sections = []
    for programme, part in headline.groupby("programme", sort=False):
        view = summary_view(part.reset_index(drop=True), dataset, lang)
        cited = [
            notes.cite(now, None if pd.isna(before) else f"{shown_year - 1}: {before}")
            for now, before in zip(part["citation"], part["previous_citation"], strict=True)
        ]
        heading = str(view.frame["programme_name"].iloc[0])
        sections.append(Section(heading, (_table(view, lang, cited),)))
        growth = _growth_blocks(series, str(programme), shown_year, dataset, lang, notes, draw)
        if growth:
            sections.append(Section(words["over_years"], tuple(growth), level=3))
    sections.append(_studios_section(dataset, lang, sort, notes, draw, words))
    derived = headline[headline["basis"] == DERIVED].reset_index(drop=True)
    if not derived.empty:
        sections.append(_derived_section(derived, dataset, lang, notes, words))
    sections.append(_checks_section(dataset, outcomes, lang, words))
    title = words["title"].format(title=dataset.title, year=shown_year)
    return Document(
        title=title,
        lang=lang,
        intro=tuple(intro),
        sections=tuple(sections),
        notes=tuple(notes.texts),
    )


def _series(outcomes: pd.DataFrame, dataset: Dataset, year: int) -> pd.DataFrame:
    """Every year up to ``year`` of each series with two years or more, regions summed where
    they add up, with where each figure comes from."""
    upto = outcomes[outcomes["year"] <= year]
    totals = across_regions(upto, dataset.metrics)
    yearly = yearly_growth(totals, dataset.metrics)
    keyed = with_span(yearly)
    keyed["span"] = keyed["span"].replace(OWN_YEAR, "")
    keyed = keyed[
        keyed.groupby(["metric", "region", "entity", "span"])["year"].transform("size") > 1
    ]
    everything = pd.concat([upto, totals[totals["region"] == ALL_REGIONS]], ignore_index=True)
    return keyed.assign(citation=citations(keyed, everything, dataset.metrics))


def _growth_blocks(
    series: pd.DataFrame,
    programme: str,
    shown_year: int,
    dataset: Dataset,
    lang: Lang,
    notes: _Notes,
    draw: bool,
) -> list[Block]:
    """Growth of the programme's series over the years: a table and a chart per metric.

    Notes name the year of each figure, but for the report's own year.
    """
    own = series[series["programme"] == programme]
    if own.empty:
        return []
    yearly = own.drop(columns=["span", "citation"])
    summary = growth_summary(yearly)
    view = growth_view(growth_wide(yearly, summary), dataset, lang, wide=False, left_out=0)
    keys = ["metric", "region", "entity", "span"]
    cited = {
        key: notes.cite(
            *(
                text if year == shown_year else f"{year}: {text}"
                for year, text in zip(rows["year"], rows["citation"], strict=True)
            )
        )
        for key, rows in own.groupby(keys, sort=False)
    }
    row_notes = [
        cited[key]
        for key in zip(
            summary["metric"], summary["region"], summary["entity"], summary["period"], strict=True
        )
    ]
    blocks: list[Block] = [_table(view, lang, row_notes)]
    if draw:
        blocks += _growth_charts(own, lang)
    return blocks


def _growth_charts(own: pd.DataFrame, lang: Lang) -> list[Block]:
    """A line chart per metric, entity and period: a line per region."""
    from laborstats.charts import line_chart  # noqa: PLC0415

    charts: list[Block] = []
    years = list(range(int(own["year"].min()), int(own["year"].max()) + 1))
    for number, ((metric, entity, _), rows) in enumerate(
        own.groupby(["metric", "entity", "span"], sort=False)
    ):
        label = str(rows["label_zh" if lang is Lang.ZH else "label_en"].iloc[0])
        unit = unit_name(str(rows["unit"].iloc[0]), lang)
        title = label + (f" · {entity}" if entity else "") + (f" ({unit})" if unit else "")
        names = region_names(rows["region"], lang)
        lines = {
            str(name): rows[names == name].set_index("year")["value"].reindex(years).tolist()
            for name in names.unique()
        }
        svg = line_chart(years, lines, title=title, tick=_tick(str(rows["unit"].iloc[0]), lang))
        charts.append(Chart(f"{number + 1:02d}-{metric}", title, svg))
    return charts


def _tick(unit: str, lang: Lang) -> Callable[[float], str]:
    """How a chart's axis writes a number: as tables do, with % for percent figures."""
    percent = "%" if unit == "percent" else ""
    return lambda value: format_number(value, lang) + percent


def _studios_section(
    dataset: Dataset, lang: Lang, sort: str, notes: _Notes, draw: bool, words: dict[str, str]
) -> Section:
    by = resolve_column(sort)
    if dataset.studios is None:
        return Section(words["studios"], (words["studios_none"],))
    result = league_table(dataset.studios, sort=sort)
    view = studios_view(result, dataset, lang, by, None)
    cited = [notes.cite(f"“{text}”" if str(text).strip() else None) for text in result["source"]]
    column = next(column for column in view.columns if column.key == by)
    blocks: list[Block] = [
        words["ranked"].format(column=column.header(lang)) + " " + words["benefit"],
        _table(view, lang, cited),
    ]
    ranked = result[result[by].notna()]
    if draw and not ranked.empty:
        from laborstats.charts import bar_chart  # noqa: PLC0415

        unit = column.unit or "count"
        shown = [
            format_figure(value, qualifier, unit, lang)
            for value, qualifier in zip(ranked[by], ranked[f"{by}_qualifier"], strict=True)
        ]
        title = f"{words['studios']} · {column.header(lang)}"
        svg = bar_chart(
            ranked["studio"].tolist(),
            ranked[by].astype("float64").tolist(),
            shown,
            title=title,
            tick=_tick(unit, lang),
        )
        blocks.append(Chart(f"studios-{by}", title, svg))
    return Section(words["studios"], tuple(blocks))


def _derived_section(
    derived: pd.DataFrame, dataset: Dataset, lang: Lang, notes: _Notes, words: dict[str, str]
) -> Section:
    how = derived["source"].str.removeprefix("derived: ")
    view = summary_view(derived.assign(how=how), dataset, lang)
    view = replace(
        view,
        columns=[
            *(column for column in view.columns if column.key in ("figure", "value", "unit_name")),
            Column("how", words["formula"], words["formula"], wraps=True),
        ],
        group_by=None,
    )
    cited = [notes.cite(text) for text in derived["citation"]]
    return Section(words["derived"], (words["derived_intro"], _table(view, lang, cited)))


def _checks_section(
    dataset: Dataset, outcomes: pd.DataFrame, lang: Lang, words: dict[str, str]
) -> Section:
    rules = every_rule(dataset.metrics, dataset.rules)
    where = str(dataset.outcomes.attrs.get("where", dataset.location))
    problems = dataset_problems(dataset.rejected, outcomes, rules, where)
    found = problems.groupby("check")["severity"]
    rows = []
    for key, description, text in zip(
        rules["rule"], rules["description"], rules["check"], strict=True
    ):
        if key in found.groups:
            severities = found.get_group(key)
            errors = int((severities == ERROR).sum())
            result = words["problems"].format(errors=errors, warnings=len(severities) - errors)
        else:
            result = words["holds"]
        rows.append((str(description or key), str(text), result))
    table = Table(
        headers=(words["rules"], words["check"], words["result"]),
        right=(False, False, False),
        rows=tuple(rows),
        notes=tuple(() for _ in rows),
    )
    blocks: list[Block] = [table]
    if problems.empty:
        blocks.append(words["no_problems"])
    else:
        view = check_view(problems, dataset, None, lang)
        blocks += [view.title, _table(view, lang, [()] * len(problems))]
    return Section(words["checks"], tuple(blocks))


_PICTURES = (Style.BAR, Style.SPARKLINE)


def _table(view: View, lang: Lang, notes: Sequence[tuple[int, ...]]) -> Table:
    """The view's columns for people, without bars and sparklines (a report has charts) and
    without columns that say nothing (every cell empty or —)."""
    columns = [
        column
        for column in view.columns
        if column.key != view.group_by and column.style not in _PICTURES
    ]
    rows = rows_of(replace(view, columns=columns), lang)
    kept = [
        position
        for position in range(len(columns))
        if any(row[position] not in ("", MISSING) for row in rows)
    ]
    return Table(
        headers=tuple(columns[position].header(lang) for position in kept),
        right=tuple(aligned_right(columns[position]) for position in kept),
        rows=tuple(tuple(row[position] for position in kept) for row in rows),
        notes=tuple(notes),
    )


# --- writers ---------------------------------------------------------------------------


# The names a report gives its charts (see _growth_charts, _studios_section): a report
# written again removes those of its folder it no longer draws, and only those.
_CHART_FILE = re.compile(r"(?:\d{2,}|studios)-\w+\.svg")


def is_chart_file(name: str) -> bool:
    """Whether ``name`` is a file name a report gives one of its charts."""
    return _CHART_FILE.fullmatch(name) is not None


def markdown_report(document: Document, chart_folder: str) -> tuple[str, dict[str, str]]:
    """The report as Markdown, and its charts as SVG files by their paths under
    ``chart_folder`` (relative to the Markdown file), which the Markdown links to."""
    files: dict[str, str] = {}
    lines = [f"# {markdown_text(document.title)}", ""]
    lines += [line for paragraph in document.intro for line in (markdown_text(paragraph), "")]
    for section in document.sections:
        lines += [f"{'#' * section.level} {markdown_text(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines += [*_markdown_table(block), ""]
            elif isinstance(block, Chart):
                path = f"{chart_folder}/{block.name}.svg"
                files[path] = block.svg
                lines += [f"![{markdown_text(block.title)}]({quote(path)})", ""]
            else:
                lines += [markdown_text(block), ""]
    lines += [f"## {_WORDS[document.lang]['notes']}", ""]
    lines += [
        f"[^{number}]: {markdown_text(text)}" for number, text in enumerate(document.notes, 1)
    ]
    return "\n".join(lines) + "\n", files


def _markdown_table(table: Table) -> list[str]:
    """The table, and a last column of its rows' footnote references where any cites."""
    cited = any(table.notes)
    marks = [
        ["".join(f"[^{number}]" for number in notes)] if cited else [] for notes in table.notes
    ]
    return list(
        markdown_table(
            [*map(markdown_text, table.headers), *([""] if cited else [])],
            [*table.right, *([False] if cited else [])],
            [
                [*map(markdown_text, row), *mark]
                for row, mark in zip(table.rows, marks, strict=True)
            ],
        )
    )


_STYLE = """
body { margin: 0; background: #fff; color: #1d1d1f;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", "Segoe UI", Arial, sans-serif;
  line-height: 1.55; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 1rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .6rem; }
p.intro { color: #444; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .92rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
th { text-align: left; border-bottom: 2px solid #bbb; }
td.number, th.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.notes a, sup a { color: #2a7ab0; text-decoration: none; font-size: .8em; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #555; }
ol.notes { font-size: .88rem; color: #333; padding-left: 2.2rem; }
ol.notes li { margin: .2rem 0; }
"""


def html_report(document: Document) -> str:
    """The report as one HTML file that opens offline: styles inline, charts as data URLs,
    Chinese set in the first CJK font the reader's system has."""
    lang = "zh-CN" if document.lang is Lang.ZH else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(document.title)}</title>",
        f'<meta name="generator" content="laborstats {_h(__version__)}">',
        f"<style>{_STYLE}</style></head>",
        "<body><main>",
        f"<h1>{_h(document.title)}</h1>",
        *(f'<p class="intro">{_h(paragraph)}</p>' for paragraph in document.intro),
    ]
    for section in document.sections:
        level = section.level
        parts.append(f"<section><h{level}>{_h(section.heading)}</h{level}>")
        for block in section.blocks:
            if isinstance(block, Table):
                parts.append(_html_table(block))
            elif isinstance(block, Chart):
                data = base64.b64encode(block.svg.encode("utf-8")).decode("ascii")
                parts.append(
                    f'<figure><img alt="{_h(block.title)}" src="data:image/svg+xml;base64,{data}">'
                    "</figure>"
                )
            else:
                parts.append(f"<p>{_h(block)}</p>")
        parts.append("</section>")
    parts.append(f'<section><h2>{_h(_WORDS[document.lang]["notes"])}</h2><ol class="notes">')
    parts += [
        f'<li id="note-{number}">{_h(text)}</li>' for number, text in enumerate(document.notes, 1)
    ]
    parts.append("</ol></section></main></body></html>")
    return "\n".join(parts) + "\n"


def _html_table(table: Table) -> str:
    cited = any(table.notes)

    def cell(tag: str, text: str, right: bool) -> str:
        return (
            f'<{tag} class="number">{_h(text)}</{tag}>' if right else f"<{tag}>{_h(text)}</{tag}>"
        )

    head = "".join(
        cell("th", text, right) for text, right in zip(table.headers, table.right, strict=True)
    )
    head += "<th></th>" if cited else ""
    body = []
    for row, notes in zip(table.rows, table.notes, strict=True):
        cells = "".join(
            cell("td", text, right) for text, right in zip(row, table.right, strict=True)
        )
        if cited:
            links = " ".join(f'<a href="#note-{number}">[{number}]</a>' for number in notes)
            cells += f'<td class="notes">{links}</td>'
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _h(text: str) -> str:
    return html.escape(text, quote=True)
