"""Renderers: exact machine output, and numbers written for people."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborstats import render as render_module
from laborstats.render import (
    BINARY_FORMATS,
    Column,
    Lang,
    OutputFormat,
    Style,
    View,
    bar,
    change_bar,
    excel_csv,
    first_rows,
    format_change,
    format_figure,
    format_number,
    markdown_text,
    render,
    render_bytes,
    render_parts,
    resolve_format,
    sparkline,
    table_renderable,
)
from laborstats.vocabulary import DERIVED


def small_view() -> View:
    frame = pd.DataFrame(
        {
            "year": pd.Series([2024, 2024], dtype="int64"),
            "metric": ["members", "share"],
            "label": ["Members, all", "Share | of total"],
            "value": [152_400.0, 0.1 + 0.2],
            "unit": ["person", "percent"],
            "qualifier": pd.Series(["at_least", pd.NA], dtype="str"),
            "change": [21_000.0, np.nan],
        }
    )
    return View(
        frame=frame,
        machine_columns=["year", "metric", "value", "qualifier", "change"],
        columns=(
            Column("year", "Year", "年份", Style.KEY),
            Column("label", "Figure", "指标"),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
            Column("change", "Change", "变化", Style.CHANGE),
        ),
        title="Test",
        caption="Dataset: test",
    )


def test_csv_is_raw_full_precision() -> None:
    assert render(small_view(), OutputFormat.CSV, Lang.EN) == (
        "year,metric,value,qualifier,change\n"
        "2024,members,152400,at_least,21000\n"
        "2024,share,0.30000000000000004,,\n"
    )


def test_tsv() -> None:
    assert render(small_view(), OutputFormat.TSV, Lang.ZH).splitlines()[1] == (
        "2024\tmembers\t152400\tat_least\t21000"
    )


def test_json_records_with_nulls() -> None:
    records = json.loads(render(small_view(), OutputFormat.JSON, Lang.EN))
    assert records == [
        {
            "year": 2024,
            "metric": "members",
            "value": 152400.0,
            "qualifier": "at_least",
            "change": 21000,
        },
        {
            "year": 2024,
            "metric": "share",
            "value": 0.30000000000000004,
            "qualifier": None,
            "change": None,
        },
    ]


def test_jsonl_is_one_record_per_line() -> None:
    lines = render(small_view(), OutputFormat.JSONL, Lang.EN).splitlines()
    assert [json.loads(line)["metric"] for line in lines] == ["members", "share"]


def test_whole_number_columns_are_written_as_integers() -> None:
    view = small_view()
    frame = view.frame.assign(value=[152_400.0, 12.0])
    text = render(
        View(frame, view.machine_columns, view.columns, "", ""), OutputFormat.CSV, Lang.EN
    )
    assert text.splitlines()[1:] == ["2024,members,152400,at_least,21000", "2024,share,12,,"]


def test_markdown_is_for_people() -> None:
    assert render(small_view(), OutputFormat.MARKDOWN, Lang.EN) == (
        "| Year | Figure | Value | Change |\n"
        "| ---: | --- | ---: | ---: |\n"
        "| 2024 | Members, all | ≥ 152,400 | +21,000 |\n"
        "| 2024 | Share \\| of total | 0.3% | — |\n"
        "\n"
        "Dataset: test\n"
    )


def test_a_note_ends_the_caption_of_formats_for_people_only() -> None:
    view = dataclasses.replace(small_view(), note="3 rows left out")
    assert render(view, OutputFormat.MARKDOWN, Lang.EN).endswith(
        "\n\nDataset: test\n\n3 rows left out\n"
    )
    assert render(view, OutputFormat.TABLE, Lang.EN).rstrip().endswith("3 rows left out")
    assert "left out" not in render(view, OutputFormat.CSV, Lang.EN)


def test_table_has_title_rows_and_caption() -> None:
    text = render(small_view(), OutputFormat.TABLE, Lang.ZH, width=80)
    assert "Test" in text
    assert "15.24万余" in text
    assert "+2.1万" in text
    assert text.rstrip().endswith("Dataset: test")
    assert "\x1b[" not in text


TEXT_FORMATS = [
    member for member in OutputFormat if member not in (OutputFormat.AUTO, *BINARY_FORMATS)
]


@pytest.mark.parametrize("member", TEXT_FORMATS)
def test_every_format_renders_text(member: OutputFormat) -> None:
    text = render(small_view(), member, Lang.EN)
    assert "members" in text or "Members" in text
    assert text.endswith("\n")
    assert render_bytes(small_view(), member, Lang.EN) == text.encode("utf-8")


@pytest.mark.parametrize("member", sorted(BINARY_FORMATS))
def test_binary_formats_are_files_not_text(member: OutputFormat) -> None:
    with pytest.raises(ValueError, match="not text"):
        render(small_view(), member, Lang.EN)
    assert render_bytes(small_view(), member, Lang.EN).startswith(b"PK")  # a zip container


def test_auto_must_be_resolved_first() -> None:
    with pytest.raises(ValueError, match="settles 'auto'"):
        render(small_view(), OutputFormat.AUTO, Lang.EN)


@pytest.mark.parametrize(
    ("chosen", "output", "terminal", "expected"),
    [
        (OutputFormat.AUTO, None, True, OutputFormat.TABLE),
        (OutputFormat.AUTO, None, False, OutputFormat.CSV),
        (OutputFormat.AUTO, Path("out.json"), True, OutputFormat.JSON),
        (OutputFormat.AUTO, Path("out.JSONL"), True, OutputFormat.JSONL),
        (OutputFormat.AUTO, Path("out.md"), False, OutputFormat.MARKDOWN),
        (OutputFormat.AUTO, Path("out.xlsx"), True, OutputFormat.XLSX),
        (OutputFormat.AUTO, Path("out.ods"), True, OutputFormat.AUTO),
        (OutputFormat.TSV, Path("out.json"), True, OutputFormat.TSV),
    ],
)
def test_resolve_format(
    chosen: OutputFormat, output: Path | None, terminal: bool, expected: OutputFormat
) -> None:
    assert resolve_format(chosen, output, terminal) is expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (152_400, Lang.EN, "152,400"),
        (152_400, Lang.ZH, "15.24万"),
        (80_000_000, Lang.ZH, "8000万"),
        (120_000_000, Lang.ZH, "1.2亿"),
        (1.2e12, Lang.ZH, "1.2万亿"),
        (1e14, Lang.ZH, "100万亿"),  # was 1000000亿
        (99_999_999.99, Lang.ZH, "1亿"),  # rounds up to the next scale: not 10000万
        (9_999.999, Lang.ZH, "1万"),
        (999_999_999_999.6, Lang.ZH, "1万亿"),
        (9_999.5, Lang.ZH, "9999.5"),  # no scale at all: its half kept
        (99_999_999.4, Lang.ZH, "9999.9999万"),
        (999_999_999_999.5, Lang.ZH, "1万亿"),  # a tie, rounded once for scale and digits
        (12_086.5, Lang.ZH, "1.2087万"),  # 四舍五入, not to the even
        (15_319.5, Lang.ZH, "1.532万"),
        (-15_000.5, Lang.ZH, "-1.5001万"),
        (float("inf"), Lang.ZH, "inf"),
        (2**52 + 1, Lang.ZH, "4503.599627370497万亿"),  # whole, where + 0.5 is inexact
        (float("-inf"), Lang.EN, "-inf"),
        (1515, Lang.ZH, "1515"),
        (15.981735, Lang.EN, "15.98"),
        (0.5, Lang.EN, "0.5"),
        (0.004, Lang.EN, "0.004"),  # not 0
        (-0.00123, Lang.ZH, "-0.0012"),
        (0.0000123, Lang.EN, "0.000012"),
        (0.00001, Lang.ZH, "0.00001"),
        (0.0049999, Lang.EN, "0.005"),
        (1e-300, Lang.EN, "1e-300"),
        (-27, Lang.EN, "-27"),
        (math.nan, Lang.EN, "—"),
    ],
)
def test_format_number(value: float, lang: Lang, expected: str) -> None:
    assert format_number(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "unit", "lang", "expected"),
    [
        (80_000_000, "at_least", "yuan", Lang.ZH, "8000余万"),
        (8e15, "at_least", "yuan", Lang.ZH, "8000余万亿"),
        (80_000_000, "at_least", "yuan", Lang.EN, "≥ 80,000,000"),
        (110, "at_least", "award", Lang.ZH, "110余"),
        (90, "approx", "trade", Lang.ZH, "约90"),
        (90, "approx", "trade", Lang.EN, "≈ 90"),
        (5000, "at_most", "yuan", Lang.EN, "≤ 5,000"),
        (5000, "at_most", "yuan", Lang.ZH, "不超过5000"),
        (12, "exact", "percent", Lang.EN, "12%"),
        (12, "at_least", "percent", Lang.ZH, "12%以上"),
    ],
)
def test_format_figure(value: float, qualifier: str, unit: str, lang: Lang, expected: str) -> None:
    assert format_figure(value, qualifier, unit, lang) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "unit", "lang", "expected"),
    [
        (21_000, "exact", "person", Lang.EN, "+21,000"),
        (21_000, "exact", "person", Lang.ZH, "+2.1万"),
        (-3, "exact", "percent", Lang.EN, "-3 pp"),
        (5, "approx", "percent", Lang.ZH, "约+5个百分点"),
        (5, "at_least", "person", Lang.EN, "≥ +5"),
    ],
)
def test_format_change(value: float, qualifier: str, unit: str, lang: Lang, expected: str) -> None:
    assert format_change(value, qualifier, unit, lang) == expected


@pytest.mark.parametrize(
    ("value", "largest", "expected"),
    [
        (10, 10, "█" * 10),
        (5, 10, "█" * 5),
        (1, 10, "█"),
        (1, 12, "▉"),  # 10/12 of a cell: seven eighths, rounded
        (0, 10, ""),
        (-3, 10, ""),
        (math.nan, 10, ""),
        (3, 0, ""),
    ],
)
def test_bar_is_scaled_to_the_largest_value(value: float, largest: float, expected: str) -> None:
    assert bar(value, largest) == expected


@pytest.mark.parametrize(
    ("value", "base", "largest", "expected"),
    [
        (8, 5, 10, "█████▒▒▒"),  # gained three tenths on the base
        (5, 8, 10, "█████░░░"),  # lost three tenths
        (10, 10, 10, "█" * 10),  # no change: all kept
        (0, 10, 10, "░" * 10),  # all lost
        (10, 0, 10, "▒" * 10),  # all gained
        (12, 5, 10, "█████▒▒▒▒▒"),  # never longer than the width
        (5, -3, 10, "▒▒▒▒▒"),  # a negative base counts from zero
        (5, math.nan, 10, "█" * 5),  # no base: the plain bar
        (1, math.nan, 12, "▉"),  # which keeps its eighths
        (math.nan, 5, 10, ""),
        (-2, 5, 10, ""),
        (5, 3, math.nan, ""),  # nothing to scale to
    ],
)
def test_change_bar_shades_the_change_from_the_base(
    value: float, base: float, largest: float, expected: str
) -> None:
    assert change_bar(value, base, largest) == expected


def test_a_bar_column_with_a_scale_and_a_base_per_row() -> None:
    frame = pd.DataFrame(
        {
            "name": ["a", "b", "c"],
            "before": [4.0, 10.0, math.nan],
            "after": [6.0, 5.0, 3.0],
            "full": [10.0, 10.0, 6.0],
        }
    )
    view = View(
        frame=frame,
        machine_columns=["name"],
        columns=(
            Column("name", "Name", "名称"),
            Column("after", "", "", Style.BAR, scale="full", base="before"),
        ),
        title="",
        caption="",
    )
    assert render(view, OutputFormat.MARKDOWN, Lang.EN).splitlines()[2:5] == [
        "| a | ████▒▒ |",
        "| b | █████░░░░░ |",
        "| c | █████ |",  # no base: the plain bar, 3 of 6
    ]


def test_a_number_exactly_as_wide_as_a_wrapping_column_is_not_folded() -> None:
    frame = pd.DataFrame(
        {
            "label": ["A rather long label that has to wrap somewhere"],
            "value": [16_000_000_000.0],
            "qualifier": ["at_least"],
            "unit": ["yuan"],
        }
    )
    view = View(
        frame=frame,
        machine_columns=["value"],
        columns=(
            Column("label", "Figure", "指标", wraps=True),
            Column("value", "Value", "数值", Style.FIGURE, qualifier="qualifier"),
        ),
        title="",
        caption="",
    )
    assert len("≥ 16,000,000,000") == 16
    assert "≥ 16,000,000,000" in render(view, OutputFormat.TABLE, Lang.EN, width=30)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], "▁▂▃▄▅▆▇█"),
        ([10, math.nan, 30], "▁ █"),  # a missing year is a gap, not a fall
        ([math.nan, 5, 10], " ▁█"),  # a later start keeps years aligned across rows
        ([-5, 0, 5], "▁▅█"),  # negative values scale like any other
        ([3, 3, 3], "▄▄▄"),  # flat: the middle, neither top nor bottom
        ([7], "▄"),  # one point
        ([], ""),
        ([math.nan, math.nan], ""),
    ],
)
def test_sparkline(values: list[float], expected: str) -> None:
    assert sparkline(values) == expected


def test_sparkline_column_in_a_table() -> None:
    frame = pd.DataFrame({"name": ["a"], "trend": [(1.0, 2.0, 3.0)]})
    view = View(
        frame=frame,
        machine_columns=["name"],
        columns=(Column("name", "Name", "名称"), Column("trend", "Trend", "走势", Style.SPARKLINE)),
        title="",
        caption="",
    )
    assert "▁▅█" in render(view, OutputFormat.TABLE, Lang.EN)
    assert "| a | ▁▅█ |" in render(view, OutputFormat.MARKDOWN, Lang.EN)


def test_excel_csv_makes_formula_cells_inert_and_keeps_numbers() -> None:
    view = dataclasses.replace(
        small_view(),
        frame=small_view().frame.assign(
            metric=["=1+2", "\tcmd"], qualifier=pd.Series(["@x", pd.NA], dtype="str")
        ),
    )
    view.frame.loc[0, "change"] = -21_000.0
    assert excel_csv(view).decode("utf-8") == (
        "\ufeffyear,metric,value,qualifier,change\r\n"
        "2024,'=1+2,152400,'@x,-21000\r\n"
        "2024,'\tcmd,0.30000000000000004,,\r\n"
    )


def test_csv_quotes_a_cell_holding_a_carriage_return() -> None:
    view = dataclasses.replace(
        small_view(), frame=small_view().frame.assign(metric=["a\rb", "c\r\nd"])
    )
    assert render(view, OutputFormat.CSV, Lang.EN) == (
        "year,metric,value,qualifier,change\n"
        '2024,"a\rb",152400,at_least,21000\n'
        '2024,"c\r\nd",0.30000000000000004,,\n'
    )


def test_first_rows_leave_a_short_view_and_cut_a_long_one_saying_so_in_its_language() -> None:
    view = View(pd.DataFrame({"a": range(5)}), ["a"], (Column("a", "A", "甲"),), "", "", note="n")
    assert first_rows(view, 5, Lang.EN) is view
    english, chinese = first_rows(view, 2, Lang.EN), first_rows(view, 2, Lang.ZH)
    assert english.frame["a"].tolist() == chinese.frame["a"].tolist() == [0, 1]
    assert english.note == "n\nThe first 2 of 5 rows are shown: -o FILE or a pipe writes them all"
    assert chinese.note == "n\n只显示前 2 行（共 5 行）；用 -o 文件或管道可写出全部"
    assert len(view.frame) == 5  # the view itself is left whole


def test_a_table_shows_texts_as_written_never_as_rich_markup() -> None:
    texts = ["[bold]x[/bold]", "a[/]b", ":thumbs_up:"]  # a[/]b crashed the table
    frame = pd.DataFrame({"name": texts, "group": texts})
    columns = (Column("group", "[i]G", "组"), Column("name", "[red]Name", "名称"))
    view = View(frame, [], columns, "[b]Title", "[dim]caption", group_by="group")
    lines = [line.strip() for line in render(view, OutputFormat.TABLE, Lang.EN).splitlines()]
    assert lines[0] == "[b]Title"
    assert lines[2] == "[red]Name"
    assert [line for line in lines if line in texts] == [text for text in texts for _ in "gn"]
    assert lines[-1] == "[dim]caption"


def test_a_table_shows_derived_rows_in_italics() -> None:
    frame = pd.DataFrame({"name": ["a", "b", "c"], "basis": ["reported", DERIVED, None]})
    view = View(frame, [], (Column("name", "Name", "名称"),), "", "")
    assert [row.style for row in table_renderable(view, Lang.EN).rows] == [None, "italic", None]


def test_markdown_made_a_slice_of_rows_at_a_time_is_the_whole_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pd.DataFrame(
        {"name": [f"r{n}" for n in range(7)], "value": [n * 1e4 for n in range(7)]}
    )
    columns = (Column("name", "Name", "名称"), Column("value", "Value", "数值", Style.FIGURE))
    view = View(frame, ["name", "value"], columns, "T", "a caption", note="a note")
    whole = render(view, OutputFormat.MARKDOWN, Lang.EN)
    assert whole.splitlines()[:3] == ["| Name | Value |", "| --- | ---: |", "| r0 | 0 |"]
    assert whole.endswith("| r6 | 60,000 |\n\na caption\n\na note\n")
    monkeypatch.setattr(render_module, "ROWS_AT_A_TIME", 3)
    parts = list(render_parts(view, OutputFormat.MARKDOWN, Lang.EN))
    assert b"".join(parts).decode() == whole
    assert len(parts) == 5  # the header, the 7 rows 3 at a time, then the captions


@given(
    texts=st.lists(
        st.none()
        | st.text(
            st.sampled_from("a 地\\|<>[]`*\n\r_#") | st.characters(exclude_categories=["Cs"])
        ),
        max_size=9,
    ),
    categories=st.booleans(),
)
def test_markdown_cells_are_escaped_as_markdown_text_escapes_them(
    texts: list[str | None], categories: bool
) -> None:
    column = pd.Series(texts, dtype="category" if categories else "str")
    view = View(pd.DataFrame({"name": column}), ["name"], (Column("name", "N", "名"),), "", "")
    lines = render(view, OutputFormat.MARKDOWN, Lang.EN).split("\n")[2 : 2 + len(texts)]
    assert lines == [f"| {markdown_text(text or '')} |" for text in texts]
