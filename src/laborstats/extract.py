"""Figures in a report's text: value, unit, qualifier, period, clause and offset of each.

A figure is a number with the unit or measure word a report writes after it
(2.1万人, 8000余万元, 近90个, 12%, 两名, 十五项); a number with none (80后,
5G, a telephone number, an identifier) is not one. Dates (2024年, 5月) are
not figures but periods, and 第3名 is a rank, kept as one. Injected text is
cut out first (laborstats.spam), and every offset points into the original.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from laborstats.quantities import (
    FULL_WIDTH,
    QUALIFIER_PREFIXES,
    QUALIFIER_SUFFIXES,
    SCALES,
    alternation,
    parse_quantities,
)
from laborstats.spam import CleanText
from laborstats.vocabulary import AT_LEAST, EXACT

FIGURE_COLUMNS = [
    "offset",
    "written",
    "value",
    "upper",
    "qualifier",
    "unit",
    "rank",
    "period",
    "period_year",
    "clause",
    "before",
    "after",
    "before_clause",
]

# What a report writes after a figure, longest first where one begins another.
UNITS = (
    "个百分点",
    "个月",
    "人次",
    "家次",
    "小时",
    "公里",
    *"元人名位项个吨起对家篇份枚次件户所座台套场期批条处种亩倍天米部本支",
    "%",
    # 2金1银1铜: medals.
    *"金银铜",
)
# 上 qualifies a scale word alone (上千名), never a number.
_PREFIXES = {**QUALIFIER_PREFIXES, "上": AT_LEAST}
# 最高可获5000元: a few words may stand between an upper bound and its figure.
_BRIDGE = "(?:可获|可达|可得|可|达|为)?"

_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
_CHINESE = rf"[{_NUMERAL}]*[一二两三四五六七八九十][{_NUMERAL}]*(?:点[零〇一二三四五六七八九]+)?"
# Not part of an identifier or a decimal (5G-A, No.3, 0934-8212345), nor 数十 or 上千.
# A scale word alone is a number after a qualifier or before 余 or 多 (近万名, 百余人, 上千名).
_BARE_SCALE = "(?:(?<=[近逾约上])|(?<=超过))[百千万亿]|[百千万亿](?=[余多])"
_NUMBER = rf"(?:(?<![A-Za-z0-9._/#-]){_ARABIC}|(?<![数几若上{_NUMERAL}]){_CHINESE}|{_BARE_SCALE})"
# Between a number and its scale or unit, a space may stand (培训 3000 人).
_SPACE = "[ \u3000]?"
_OPENING_QUOTES = "“‘「『"


_DASH = "(?:至|到|~|-|—|–)"  # full-width ～ and － are read as ~ and -
_FIGURE = re.compile(
    rf"""
    (?:(?<!节)(?P<prefix>{alternation(QUALIFIER_PREFIXES)}|上(?=[百千万亿])){_BRIDGE})?
    (?P<ordinal>第)?
    (?P<percent_words>百分之)?
    (?P<number>{_NUMBER})
    (?P<more>[余多])?
    {_SPACE}(?P<scale>{alternation(SCALES)})?
    (?P<more_after_scale>[余多])?
    (?:{_SPACE}(?P<first_unit>{alternation(UNITS)})(?={_DASH}))?
    (?:
        (?P<dash>{_DASH})
        (?P<number_to>{_NUMBER})
        (?P<scale_to>{alternation(SCALES)})?
    )?
    (?:{_SPACE}(?P<unit>{alternation(UNITS)}))?
    (?P<suffix>{alternation(QUALIFIER_SUFFIXES)})?
    (?![A-Za-z])
    """,
    re.VERBOSE,
)
_CLAUSE_BREAK = re.compile(r"[，；;：:。！？!?\n]|(?<!\d),|,(?!\d{3}(?!\d))")
_QUOTES = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"))
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
# Words that split the text between two figures: what comes before belongs to the first.
_SEPARATOR = re.compile(r"[、和及与并]|以及|同时")

# Period words before a figure in its sentence, the nearest taken: (pattern, period).
_PERIODS = (
    (r"(?P<year>\d{4})年(?P<first>\d{1,2})(?:至|到|-|—|~)(?P<last>\d{1,2})月", "{months} months"),
    (r"(?P<year>\d{4})年\d{1,2}月(?:\d{1,2}日)?", ""),
    (r"(?P<year>\d{4})年(?:以来)?", "{year}"),
    # A span of years is one or two digits: 2024年以来 is since 2024, not 2024 years.
    (r"(?<!\d)(?P<span>\d{1,2}|[一二两三四五六七八九十]+)年(?:来|间|以来)", "{span} years"),
    (r"近(?P<span>\d{1,2}|[一二两三四五六七八九十]+)年", "{span} years"),
    (r"全年|今年|本年度?", "{report_year}"),
    (r"每年|年均|(?:^|(?<=[，,；;。]))年(?=[节增减产创])", "annual"),
    (r"累计|自成立以来|成立以来|历年|至今", "cumulative"),
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    groups: dict[str, str]


def find_figures(clean: CleanText, report_year: int) -> pd.DataFrame:
    """Every figure in ``clean``, in the order of the text, one row each.

    Columns: ``offset`` (in the original text), ``written`` (as the report
    writes it), ``value`` and ``upper`` (base units; ``upper`` for a range,
    whose ``value`` is its lower end), ``qualifier``, ``unit`` (the unit or
    measure word, without a scale word: 元 for 万元), ``rank`` (第N名),
    ``period`` (the year itself, annual, cumulative or 'N years', from the
    period words before it in its sentence; blank when none), ``period_year``
    (the year a date before it names), ``clause``, and the words ``before``
    and ``after`` it in its clause, and ``before_clause`` in its sentence
    (to guess a metric).
    """
    text = clean.text.translate(FULL_WIDTH)
    found = [figure for figure in _figures(text) if _is_figure(figure, text)]
    quantities = [_quantity(figure.groups) for figure in found]
    found = [figure for figure, quantity in zip(found, quantities, strict=True) if quantity]
    parts = [quantity for quantity in quantities if quantity]
    rows: list[dict[str, object]] = []
    clauses = _spans(text, _CLAUSE_BREAK)
    sentences = _spans(text, _SENTENCE_BREAK)
    for index, figure in enumerate(found):
        clause_start, clause_end = _span_at(clauses, figure.start)
        previous = found[index - 1] if index else None
        following = found[index + 1] if index + 1 < len(found) else None
        before = text[clause_start : figure.start]
        if previous is not None and previous.end > clause_start:
            before = text[_split_between(text, previous.end, figure.start) : figure.start]
            if previous.end == figure.start:  # 2金1银1铜: a list shares its words
                before = str(rows[-1]["before"])
        after_end = clause_end
        if following is not None and following.start < clause_end:
            after_end = _split_between(text, figure.end, following.start, keep_end=True)
        sentence_start, _ = _span_at(sentences, figure.start)
        period, period_year = _period(text[sentence_start : figure.start], report_year)
        earlier_start, _ = _span_at(clauses, max(clause_start - 1, 0))
        earlier = text[max(earlier_start, sentence_start) : clause_start]
        rows.append(
            {
                "offset": clean.original_offset(figure.start),
                "written": clean.text[figure.start : figure.end],
                **{k: v for k, v in parts[index].items() if not k.endswith("_text")},
                "period": period,
                "period_year": period_year,
                "clause": _trimmed(clean.text[clause_start:clause_end]),
                "before": before,
                "after": text[figure.end : after_end],
                "before_clause": earlier,
            }
        )
    frame = pd.DataFrame(rows, columns=[c for c in FIGURE_COLUMNS if c not in ("value", "upper")])
    return _with_values(frame, parts)


def _figures(text: str) -> list[_Found]:
    return [
        _Found(match.start(), match.end(), {k: v or "" for k, v in match.groupdict().items()})
        for match in _FIGURE.finditer(text)
    ]


def _is_figure(figure: _Found, text: str) -> bool:
    """A number with a unit; not 一 alone (一个, 一起: an article), not a slogan
    (“两个维护”), not an ordinal but 第N名."""
    groups = figure.groups
    before = text[figure.start - 1] if figure.start else ""
    if before and before in _OPENING_QUOTES and not groups["number"][0].isdigit():
        return False
    unit = groups["unit"] or groups["first_unit"]
    if not unit and not groups["percent_words"]:
        return False
    if groups["ordinal"]:
        return unit in ("名", "位") and not groups["dash"]
    return groups["number"] != "一" or bool(groups["scale"])


def _quantity(groups: dict[str, str]) -> dict[str, object] | None:
    """The figure's parts as written, its qualifier and unit; None if a numeral does not read."""
    low = _arabic(groups["number"])
    high = _arabic(groups["number_to"]) if groups["dash"] else ""
    if low is None or high is None:
        return None
    unit = "%" if groups["percent_words"] else groups["unit"] or groups["first_unit"]
    scale = groups["scale"] or (groups["scale_to"] if not groups["first_unit"] else "")
    if groups["dash"]:
        qualifier = AT_LEAST
    elif groups["prefix"]:
        qualifier = _PREFIXES[groups["prefix"]]
    elif groups["more"] or groups["more_after_scale"]:
        qualifier = AT_LEAST
    else:
        qualifier = QUALIFIER_SUFFIXES.get(groups["suffix"], EXACT)
    return {
        "value_text": low + scale,
        "upper_text": high + (groups["scale_to"] or scale) if high else "",
        "qualifier": qualifier,
        "unit": unit,
        "rank": bool(groups["ordinal"]),
    }


def _arabic(numeral: str) -> str | None:
    """A numeral in Arabic digits (十五 → 15, 两万 → 20000, 三点五 → 3.5); None if unreadable."""
    if not numeral or numeral[0].isdigit():
        return numeral.replace(",", "")
    if numeral in _BARE:
        return _BARE[numeral]
    import cn2an  # type: ignore[import-untyped]  # noqa: PLC0415 - only extract needs it

    try:
        number = cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError):  # 百十五, 一亿五: not a numeral
        return None
    return repr(number)


_BARE = {"百": "100", "千": "1000", "万": "10000", "亿": "100000000"}


def _with_values(frame: pd.DataFrame, parts: list[dict[str, object]]) -> pd.DataFrame:
    texts = pd.DataFrame(parts, columns=["value_text", "upper_text"], index=frame.index)
    frame["value"] = parse_quantities(texts["value_text"].astype("str"))["value"]
    upper = parse_quantities(texts["upper_text"].astype("str"))["value"]
    frame["upper"] = upper
    frame["period_year"] = frame["period_year"].astype("Int64")
    return frame[FIGURE_COLUMNS]


def _trimmed(clause: str) -> str:
    """A clause without spaces or the quotation marks it does not close or open."""
    clause = clause.strip()
    for opening, closing in _QUOTES:
        if clause.startswith(closing) or (clause.startswith(opening) and closing not in clause):
            clause = clause[1:]
        if clause.endswith(opening) or (clause.endswith(closing) and opening not in clause):
            clause = clause[:-1]
    return clause.strip()


def _spans(text: str, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    """The spans of ``text`` between breaks."""
    edges = [0, *(found.end() for found in breaks.finditer(text)), len(text) + 1]
    return [(start, end - 1) for start, end in itertools.pairwise(edges)]


def _span_at(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    return next(span for span in spans if span[0] <= position <= span[1])


def _split_between(text: str, end: int, start: int, *, keep_end: bool = False) -> int:
    """Where the words between two figures divide: after the last separator
    (11个劳模创新工作室和19个创新型班组); with none, both figures take them all."""
    between = list(_SEPARATOR.finditer(text, end, start))
    if not between:
        return start if keep_end else end
    return between[-1].start() if keep_end else between[-1].end()


def _period(before: str, report_year: int) -> tuple[str, int | None]:
    """The period the nearest period words before a figure name, and the year
    the nearest date names (2023年5月 names 2023, and no span).

    累计 after a span of years (成立5年来,累计…) keeps the span.
    """
    found = []
    for pattern, period in _PERIODS:
        for match in re.finditer(pattern, before):
            named = match.groupdict()
            if "span" in named:
                named["span"] = _arabic(named["span"]) or named["span"]
            if "first" in named:
                named["months"] = str(int(named["last"]) - int(named["first"]) + 1)
            text = period.format(report_year=report_year, **named)
            year = int(named["year"]) if "year" in named else None
            found.append((match.end(), text, year))
    if not found:
        return "", None
    found.sort(key=lambda item: item[0])
    dated = [year for _, _, year in found if year is not None]
    period = found[-1][1]
    spans = [text for _, text, _ in found if text.endswith(" years")]
    if period == "cumulative" and spans:
        period = spans[-1]
    return period, dated[-1] if dated else None


def report_year(text: str, this_year: int) -> int | None:
    """The year a report is about: the one it names most, up to ``this_year``
    (力争到2027年 is a target), the latest on a tie; None if it names none."""
    named = Counter(
        int(year) for year in re.findall(r"(?<!\d)(\d{4})年", text) if int(year) <= this_year
    )
    return max(named, key=lambda year: (named[year], year)) if named else None


def region_named(text: str, regions: list[str]) -> str | None:
    """Of ``regions``, the one the text names most (None if it names none)."""
    counts = {region: text.count(region) for region in regions if region}
    named = {region: count for region, count in counts.items() if count}
    return max(named, key=lambda region: named[region]) if named else None
