"""Figures as reports write them → value + qualifier."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborstats.quantities import parse_figures, parse_quantities
from laborstats.render import Lang, format_figure, is_missing
from laborstats.vocabulary import QUALIFIERS


def parse_one(cell: str | None) -> tuple[float, object, bool]:
    row = parse_quantities(pd.Series([cell], dtype="str")).iloc[0]
    return row["value"], row["qualifier"], row["valid"]


@pytest.mark.parametrize(
    ("cell", "value", "qualifier"),
    [
        ("152400", 152400, "exact"),
        ("15.24万", 152400, "exact"),
        ("8000余万元", 80_000_000, "at_least"),
        ("近90", 90, "approx"),
        ("约1.5万", 15_000, "approx"),
        ("110多", 110, "at_least"),
        ("110多个", 110, "at_least"),
        ("140余人", 140, "at_least"),
        ("1,234", 1234, "exact"),
        ("1,234,567.5", 1_234_567.5, "exact"),
        ("12%", 12, "exact"),
        ("-27%", -27, "exact"),
        ("1.2亿", 120_000_000, "exact"),
        ("1.2万亿元", 1_200_000_000_000, "exact"),
        ("3千亿", 300_000_000_000, "exact"),
        ("15.24萬", 152_400, "exact"),
        ("8000余萬元", 80_000_000, "at_least"),
        ("1.2億", 120_000_000, "exact"),
        ("39.36万元", 393_600, "exact"),
        ("454.5万", 4_545_000, "exact"),
        ("0.07万", 700, "exact"),
        ("1.2万吨", 12_000, "exact"),
        ("超过30项", 30, "at_least"),
        ("30项以上", 30, "at_least"),
        ("最高5000元", 5000, "at_most"),
        ("不超过5000", 5000, "at_most"),
        ("100左右", 100, "approx"),
        ("将近90", 90, "approx"),
        ("至少30项", 30, "at_least"),
        ("不足20家", 20, "at_most"),
        ("30人以内", 30, "at_most"),
        ("≥ 80,000,000", 80_000_000, "at_least"),
        ("≈ 90", 90, "approx"),
        ("１２３", 123, "exact"),
        ("１５．２４万", 152_400, "exact"),
        (" 42 ", 42, "exact"),
        (".5", 0.5, "exact"),
        ("1e3", 1000, "exact"),
    ],
)
def test_parses_figures_as_reports_write_them(cell: str, value: float, qualifier: str) -> None:
    parsed_value, parsed_qualifier, valid = parse_one(cell)
    assert valid
    assert parsed_value == value
    assert parsed_qualifier == qualifier


@pytest.mark.parametrize("cell", ["", "  ", "—", "-", "N/A", "NA", "不详", "NaN", None])
def test_missing_cells_are_missing_not_zero(cell: str | None) -> None:
    value, qualifier, valid = parse_one(cell)
    assert valid
    assert math.isnan(value)
    assert is_missing(qualifier)


@pytest.mark.parametrize(
    "cell", ["abc", "12x", "inf", "1e309", "%", "万", "约100余", "近90以上", "1,23", "12..5", "--5"]
)
def test_rejects_what_is_not_a_figure(cell: str) -> None:
    value, qualifier, valid = parse_one(cell)
    assert not valid
    assert math.isnan(value)
    assert is_missing(qualifier)


def test_keeps_the_index_of_the_input() -> None:
    cells = pd.Series(["1", "2万", "bad"], index=[10, 20, 30], dtype="str")
    parsed = parse_quantities(cells)
    assert parsed.index.tolist() == [10, 20, 30]
    assert parsed["valid"].tolist() == [True, True, False]
    assert parsed["value"].iloc[:2].tolist() == [1.0, 20_000.0]


whole_numbers = st.integers(min_value=-(10**12), max_value=10**12).map(Decimal)
small_decimals = st.decimals(
    min_value=Decimal("-9999.99"), max_value=Decimal("9999.99"), places=2, allow_nan=False
)


@given(
    number=st.one_of(whole_numbers, small_decimals),
    qualifier=st.sampled_from(QUALIFIERS),
    lang=st.sampled_from(list(Lang)),
    unit=st.sampled_from(["person", "yuan", "percent"]),
)
def test_formatting_for_people_then_parsing_gives_the_value_back(
    number: Decimal, qualifier: str, lang: Lang, unit: str
) -> None:
    written = format_figure(float(number), qualifier, unit, lang)
    value, parsed_qualifier, valid = parse_one(written)
    assert valid, written
    assert value == float(number), written
    assert parsed_qualifier == qualifier, written


@pytest.mark.parametrize("cell", ["10²", "1e20", "-1e16", "12345678901234567"])
def test_rejects_superscripts_and_numbers_beyond_exact_floats(cell: str) -> None:
    assert not parse_one(cell)[2]


def test_says_which_cells_are_refused_for_their_size_alone() -> None:
    cells = ["1e20", "1e20元", "约1e20", "100000000万亿", "9,007,199,254,740,993", "-1e400"]
    others = ["9007199254740991", "1e-400", "inf", "abc", "近110多", "", "15.24万"]
    parsed = parse_quantities(pd.Series([*cells, *others], dtype="str"))
    assert parsed["too_large"].tolist() == [True] * len(cells) + [False] * len(others)
    assert not parsed["valid"][: len(cells)].any()
    typed = parse_figures(pa.array([2.0**53, -(2.0**60), 1.0, float("nan")]))
    assert typed.too_large.tolist() == [True, True, False, False]


def test_says_where_a_percent_sign_was_written() -> None:
    parsed = parse_quantities(pd.Series(["12%", "12", "约12%", "1.2万"], dtype="str"))
    assert parsed["percent"].tolist() == [True, False, True, False]


# Cells of every kind the parser tells apart: digits alone, other plain numbers,
# missing, written out, not a figure.
any_cells = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**17).map(str),
        st.sampled_from(["0", "007", " 42 ", "1.5", "-3", ".5", "1e-400", "0.000", "1e3"]),
        st.sampled_from(["", "—", "N/A", "不详", "15.24万", "近90", "1,234", "12%", "１２"]),
        st.sampled_from(["bad", "1.2.3", "近110多", "10²"]),
        st.none(),
    ),
    max_size=30,
)


@given(cells=any_cells)
def test_a_column_parses_as_each_of_its_cells_alone(cells: list[str | None]) -> None:
    parsed = parse_quantities(pd.Series(cells, dtype="str"))
    alone = [parse_one(cell) for cell in cells]
    assert [math.isnan(value) for value, _, _ in alone] == parsed["value"].isna().tolist()
    assert [value for value, _, _ in alone if not math.isnan(value)] == (
        parsed["value"].dropna().tolist()
    )
    assert [str(qualifier) for _, qualifier, _ in alone] == (
        parsed["qualifier"].astype("object").map(str).tolist()
    )
    assert [valid for _, _, valid in alone] == parsed["valid"].tolist()
    assert [
        parse_quantities(pd.Series([cell], dtype="str"))["percent"].iloc[0] for cell in cells
    ] == (parsed["percent"].tolist())
    # Digits alone (the fast path) read as Python reads them, below 2**53.
    for cell, (value, qualifier, valid) in zip(cells, alone, strict=True):
        if cell is not None and cell.isascii() and cell.isdigit():
            assert valid == (int(cell) < 2**53)
            assert not valid or (value, qualifier) == (float(cell), "exact")
