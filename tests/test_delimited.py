"""CSV, TSV and JSON written a column at a time hold the bytes the csv and json modules
write a cell at a time."""

from __future__ import annotations

import csv
import json
import math
import string
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborstats import render as render_module
from laborstats.render import (
    Lang,
    OutputFormat,
    View,
    delimited_bytes,
    delimited_parts,
    excel_csv,
    excel_csv_parts,
    is_missing,
    json_parts,
    render,
    render_bytes,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def machine_frame(view: View) -> pd.DataFrame:
    """The reference: the machine columns, each number a Python int where it is whole
    (152400, not 152400.0) and an int64 holds it exactly, missing ones None."""

    def number(value: object) -> object:
        if not isinstance(value, float) or math.isnan(value):
            return None if is_missing(value) else value
        return int(value) if value.is_integer() and abs(value) < 2**53 else value

    frame = view.frame[list(view.machine_columns)]
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "f":
            numbers = [number(value) for value in column.tolist()]
            frame = frame.assign(**{name: pd.Series(numbers, index=column.index, dtype=object)})
    return frame


def machine_records(view: View) -> list[dict[str, Any]]:
    """The reference: one dict per row, missing values None, numbers Python ints and floats."""
    return [
        {str(name): None if is_missing(cell) else cell for name, cell in record.items()}
        for record in machine_frame(view).to_dict(orient="records")
    ]


def json_module(view: View, lines: bool) -> bytes:
    """The reference: the machine records through json.dumps."""
    records = machine_records(view)
    if lines:
        return "".join(
            json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n" for row in records
        ).encode()
    return (json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()


def csv_module(view: View, separator: str, line_end: str, inert_formulas: bool) -> bytes:
    """The reference: the machine frame through csv.writer, one cell at a time."""
    frame = machine_frame(view)
    records: list[str] = []

    class Records:
        def write(self, record: str) -> None:
            records.append(record.removesuffix("\r\n") + line_end)

    # "\r\n" as the terminator makes the writer quote a cell holding a lone CR.
    writer = csv.writer(Records(), delimiter=separator, lineterminator="\r\n")
    writer.writerow(frame.columns)
    for row in zip(*(column.tolist() for _, column in frame.items()), strict=True):
        cells = [None if is_missing(cell) else cell for cell in row]
        if inert_formulas:
            cells = [
                "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_START) else cell
                for cell in cells
            ]
        writer.writerow(cells)
    return "".join(records).encode("utf-8")


def view_of(frame: pd.DataFrame) -> View:
    return View(frame=frame, machine_columns=list(frame.columns), columns=(), title="", caption="")


# Characters that quote a cell or make it a formula, beside some that do neither.
TRICKY = [",", "\t", '"', "\r", "\n", "=", "+", "-", "@", "'", " ", "a", "中", "é", "0", "."]
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=6)
floats = st.one_of(
    st.floats(),
    st.floats(allow_nan=False, allow_infinity=False).map(float.__floor__).map(float),
    st.sampled_from([0.0, -0.0, 0.1, 1e-5, 1e16, 2.0**53, 2.0**53 + 2, -(2.0**53), 1e300]),
)


def in_two_chunks(cells: list[object], dtype: str) -> pd.Series:
    """A column held as two Arrow chunks, as pd.concat leaves it."""
    half = len(cells) // 2
    parts = [pd.Series(cells[:half], dtype=dtype), pd.Series(cells[half:], dtype=dtype)]
    return pd.concat(parts, ignore_index=True)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 8))

    def cells(values: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(values, min_size=rows, max_size=rows))

    kinds: dict[str, Callable[[], pd.Series]] = {
        "text": lambda: pd.Series(cells(st.none() | texts), dtype="str"),
        "text in chunks": lambda: in_two_chunks(cells(st.none() | texts), "str"),
        "arrow int in chunks": lambda: in_two_chunks(
            cells(st.none() | st.integers(-(2**63), 2**63 - 1)), "int64[pyarrow]"
        ),
        "categories of text": lambda: pd.Series(cells(st.none() | texts), dtype="category"),
        "categories of numbers": lambda: pd.Series(cells(st.none() | floats), dtype="category"),
        "float": lambda: pd.Series(cells(floats), dtype="float64"),
        "nullable float": lambda: pd.Series(cells(st.none() | floats), dtype="Float64"),
        "nullable int": lambda: pd.Series(cells(st.none() | st.integers(-99, 99)), dtype="Int64"),
        "bool": lambda: pd.Series(cells(st.booleans()), dtype="bool"),
        "mixed": lambda: pd.Series(
            cells(st.none() | texts | floats | st.integers(-99, 99)), dtype="object"
        ),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(kinds)), min_size=1, max_size=4))
    names = draw(st.lists(texts, min_size=len(chosen), max_size=len(chosen), unique=True))
    return pd.DataFrame({name: kinds[kind]() for name, kind in zip(names, chosen, strict=True)})


@settings(max_examples=300, deadline=None)
@given(
    frame=frames(),
    separator=st.sampled_from([",", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    inert_formulas=st.booleans(),
)
def test_columns_at_a_time_write_the_bytes_of_the_csv_module(
    frame: pd.DataFrame, separator: str, line_end: str, inert_formulas: bool
) -> None:
    view = view_of(frame)
    written = delimited_bytes(view, separator, line_end=line_end, inert_formulas=inert_formulas)
    assert written == csv_module(view, separator, line_end, inert_formulas)


def test_render_and_render_bytes_agree_and_excel_adds_bom_and_crlf() -> None:
    frame = pd.DataFrame({"name": ["=SUM(A1)", "a,b", 'say "hi"'], "value": [-3.0, 0.5, None]})
    view = view_of(frame)
    assert render(view, OutputFormat.CSV, Lang.EN) == (
        'name,value\n=SUM(A1),-3\n"a,b",0.5\n"say ""hi""",\n'
    )
    assert render_bytes(view, OutputFormat.TSV, Lang.EN) == (
        b'name\tvalue\n=SUM(A1)\t-3\na,b\t0.5\n"say ""hi"""\t\n'
    )
    assert excel_csv(view) == (
        '\ufeffname,value\r\n\'=SUM(A1),-3\r\n"a,b",0.5\r\n"say ""hi""",\r\n'.encode()
    )


def test_a_row_of_one_empty_cell_is_quoted_so_it_is_not_a_blank_line() -> None:
    frame = pd.DataFrame({"name": pd.Series(["", None, "x"], dtype="str")})
    assert render(view_of(frame), OutputFormat.CSV, Lang.EN) == 'name\n""\n""\nx\n'


def test_a_view_of_no_columns_is_one_empty_line() -> None:
    assert render(view_of(pd.DataFrame(index=range(3))), OutputFormat.CSV, Lang.EN) == "\n"


def test_many_cells_of_many_sizes_keep_their_order() -> None:
    words = [string.ascii_letters[: n % 50] + "中" * (n % 3) for n in range(20_000)]
    frame = pd.DataFrame({"word": words, "n": range(20_000)})
    lines = render(view_of(frame), OutputFormat.TSV, Lang.EN).splitlines()
    assert lines[0] == "word\tn"
    assert lines[1:] == [f"{word}\t{n}" for n, word in enumerate(words)]


@settings(max_examples=100, deadline=None)
@given(frame=frames(), rows=st.integers(1, 3), inert_formulas=st.booleans())
def test_rows_a_slice_at_a_time_write_the_same_bytes(
    frame: pd.DataFrame, rows: int, inert_formulas: bool
) -> None:
    view = view_of(frame)
    with mock.patch.object(render_module, "ROWS_AT_A_TIME", rows):
        parts = list(excel_csv_parts(view) if inert_formulas else delimited_parts(view, ","))
    # The BOM, then the header, then a part for each slice of rows.
    assert len(parts) == int(inert_formulas) + 1 + -(-len(frame) // rows)
    line_end = "\r\n" if inert_formulas else "\n"
    whole = csv_module(view, ",", line_end, inert_formulas)
    assert b"".join(parts) == ("\ufeff".encode() if inert_formulas else b"") + whole


def test_numbers_on_both_sides_of_where_repr_writes_an_exponent() -> None:
    rng = np.random.default_rng(7)
    scales = 10.0 ** rng.integers(-12, 20, 20_000)
    edges = [1e-4, 0.99999e-4, 1.00001e-4, 9_999_999_999.5, 1e10 + 0.5, 1e16 + 2, 1.5e-5]
    values = np.concatenate([rng.random(20_000) * scales, edges, [-value for value in edges]])
    view = view_of(pd.DataFrame({"value": values}))
    assert delimited_bytes(view, ",") == csv_module(view, ",", "\n", inert_formulas=False)


@settings(max_examples=300, deadline=None)
@given(frame=frames(), rows=st.integers(1, 9), lines=st.booleans())
def test_json_a_slice_of_rows_at_a_time_holds_the_bytes_of_the_json_module(
    frame: pd.DataFrame, rows: int, lines: bool
) -> None:
    view = view_of(frame)
    with mock.patch.object(render_module, "ROWS_AT_A_TIME", rows):
        try:
            expected = json_module(view, lines)
        except ValueError:  # an infinity, which JSON cannot write
            with pytest.raises(ValueError, match="not JSON compliant"):
                b"".join(json_parts(view, lines=lines))
            return
        parts = list(json_parts(view, lines=lines))
    assert b"".join(parts) == expected
    assert len(parts) == int(not lines) + -(-len(frame) // rows)  # JSON's [ first


def test_json_of_no_columns_is_an_empty_object_a_row() -> None:
    view = view_of(pd.DataFrame(index=range(2)))
    assert (
        render(view, OutputFormat.JSON, Lang.EN)
        == "[\n  {},\n  {}\n]\n"
        == (json.dumps([{}, {}], indent=2) + "\n")
    )
    assert render(view, OutputFormat.JSONL, Lang.EN) == "{}\n{}\n"
    assert render(view_of(pd.DataFrame()), OutputFormat.JSON, Lang.EN) == "[]\n"


@pytest.mark.parametrize("lines", [False, True], ids=["json", "jsonl"])
def test_json_refuses_an_infinity_as_the_json_module_does(lines: bool) -> None:
    view = view_of(pd.DataFrame({"value": [1.5, math.inf]}))
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_module(view, lines)
    with pytest.raises(ValueError, match="not JSON compliant"):
        b"".join(json_parts(view, lines=lines))


def test_json_writes_numpy_numbers_in_a_column_of_objects_as_numbers() -> None:
    frame = pd.DataFrame(
        {"a": pd.Series([np.int64(3), np.float64(0.5), np.bool_(True)], dtype=object)}
    )
    assert (
        b"".join(json_parts(view_of(frame), lines=True)) == b'{"a": 3}\n{"a": 0.5}\n{"a": true}\n'
    )


def test_json_refuses_an_infinity_before_writing_any_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module, "ROWS_AT_A_TIME", 1)
    parts = json_parts(view_of(pd.DataFrame({"value": [1.5, 2.5, math.inf]})), lines=True)
    with pytest.raises(ValueError, match="not JSON compliant"):
        next(parts)
