"""Workbooks: typed cells with formats for people, for every command."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from laborstats import spreadsheet
from laborstats.dataset import load_dataset
from laborstats.errors import OutputError
from laborstats.render import Column, Lang, Style, View
from laborstats.spreadsheet import xlsx_workbook
from laborstats.stats.studios import UNITS as STUDIO_UNITS
from tests.test_cli import ENVIRONMENT, run_cli

EXAMPLE = ["--data", "example:qingyang-counties"]
COMMANDS = [
    ["summary"],
    ["summary", *EXAMPLE],
    ["metrics"],
    ["studios"],
    ["growth", *EXAMPLE],
    ["growth", *EXAMPLE, "--wide"],
    ["growth", *EXAMPLE, "--yearly"],
    ["compare", "2023", "2024", *EXAMPLE],
    ["compare", "--by", "region", "西峰区", "环县", *EXAMPLE],
    ["compare", "--by", "studio", "华能", "巩怀华"],
    ["chart", "skilled_talents_total", *EXAMPLE],
    ["check"],
    ["outcomes"],
]
# outcomes has no unit column: the metric's unit is the row's.
UNITS = dict(zip(load_dataset().metrics["metric"], load_dataset().metrics["unit"], strict=True))
# Columns holding a row's figure in the row's unit (growth --wide adds a column a year).
FIGURES = {"value", "previous_value", "first_value", "last_value", "value_a", "value_b"}


def as_csv_text(cell: Cell | MergedCell) -> str:
    """A cell as the CSV writes it: a percent cell's fraction back in percent."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    assert isinstance(value, int | float)
    return repr(float(value * 100 if "%" in cell.number_format else value))


def letters(sheet: Worksheet) -> dict[str, str]:
    """The column letter of each header."""
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    return {str(name): get_column_letter(position) for position, name in enumerate(header, 1)}


def workbook_of(runner: CliRunner, tmp_path: Path, *args: str) -> tuple[Worksheet, Worksheet]:
    path = tmp_path / "out.xlsx"
    code, out, err = run_cli(runner, *args, "-o", str(path))
    assert (code, out) == (0, ""), err
    book = load_workbook(path)
    return book.worksheets[0], book.worksheets[1]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_writes_the_csv_columns_and_values(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    sheet, _ = workbook_of(runner, tmp_path, *command)
    _, csv_text, _ = run_cli(runner, *command, "--format", "csv")
    expected = list(csv.reader(io.StringIO(csv_text)))
    header = expected[0]
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == header
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(expected) - 1
    for cells, texts in zip(rows, expected[1:], strict=True):
        row = dict(zip(header, texts, strict=True))
        for name, cell, text in zip(header, cells, texts, strict=True):
            if _is_number(text) and not name.endswith("period"):
                assert isinstance(cell.value, int | float), (name, cell.value)
                assert as_csv_text(cell) == repr(float(text)) or float(
                    as_csv_text(cell)
                ) == pytest.approx(float(text), rel=1e-14), name
                unit = row.get("unit") or UNITS.get(row.get("metric", ""), "")
                percent = (unit == "percent" and (name in FIGURES or name.isdigit())) or (
                    STUDIO_UNITS.get(name) == "percent"
                )
                assert ("%" in cell.number_format) == (
                    percent or name.startswith(("pct_change", "cagr", "share_a", "share_b"))
                ), (name, cell.number_format)
            else:
                assert as_csv_text(cell) == text, name


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() != "" and text.lower() not in ("nan", "inf", "-inf")


def test_studio_figures_have_their_units_whatever_the_sort(
    runner: CliRunner, tmp_path: Path
) -> None:
    formats = []
    for sort in ("savings", "work_efficiency_gain"):
        sheet, _ = workbook_of(runner, tmp_path, "studios", "--sort", sort)
        column = letters(sheet)["work_efficiency_gain"]
        formats.append(
            {
                sheet[f"{column}{row}"].number_format
                for row in range(2, sheet.max_row + 1)
                if sheet[f"{column}{row}"].value is not None
            }
        )
    assert formats == [{"0.0%"}, {"0.0%"}]


def test_summary_cells_are_typed_and_formatted(runner: CliRunner, tmp_path: Path) -> None:
    sheet, about = workbook_of(runner, tmp_path, "summary", "--format", "xlsx")
    header = next(sheet.iter_rows(max_row=1))
    assert all(cell.font.b for cell in header)
    assert sheet.freeze_panes == "A2"
    column = letters(sheet)
    rows = range(2, sheet.max_row + 1)
    years = [sheet[f"{column['year']}{row}"] for row in rows]
    assert {(type(cell.value), cell.number_format) for cell in years} == {(int, "0")}
    units = [sheet[f"{column['unit']}{row}"].value for row in rows]
    values = [sheet[f"{column['value']}{row}"] for row in rows]
    percent = [cell for cell, unit in zip(values, units, strict=True) if unit == "percent"]
    counts = [cell for cell, unit in zip(values, units, strict=True) if unit == "person"]
    assert percent
    assert {cell.number_format for cell in percent} == {"0.0%"}
    assert all(0 <= cell.value <= 1 for cell in percent)
    assert counts
    assert {cell.number_format for cell in counts} <= {"#,##0", "#,##0.00"}
    assert all(isinstance(cell.value, int | float) for cell in counts)
    qualifiers = {sheet[f"{column['qualifier']}{row}"].value for row in rows}
    assert {"exact", "approx", "at_least"} <= qualifiers
    dataset = load_dataset()
    notes = " ".join(str(cell.value) for row in about.iter_rows() for cell in row)
    assert dataset.title in notes
    assert all(source in notes for source in dataset.sources)
    assert "changes of percent figures are in percentage points (pp)" in notes


def test_chinese_columns_are_wider_than_their_letters(runner: CliRunner, tmp_path: Path) -> None:
    sheet, _ = workbook_of(runner, tmp_path, "summary", "--format", "xlsx")
    header = letters(sheet)
    longest = max(
        len(str(cell.value))
        for (cell,) in sheet[f"{header['label_zh']}2:{header['label_zh']}{sheet.max_row}"]
    )
    assert sheet.column_dimensions[header["label_zh"]].width >= 2 * longest


def small_view(values: list[object]) -> View:
    frame = pd.DataFrame({"name": values, "value": [1.5] * len(values)})
    return View(
        frame=frame,
        machine_columns=["name", "value"],
        columns=(Column("name", "Name", "名称"), Column("value", "V", "值", Style.FIGURE)),
        title="A [test]: title that is far too long for a sheet name",
        caption="Dataset: test\nNote: one row left out",
    )


def test_text_is_never_a_formula_and_control_characters_are_replaced() -> None:
    view = small_view(['=HYPERLINK("http://x")', "a\x07b", None])
    book = load_workbook(io.BytesIO(xlsx_workbook(view, Lang.ZH)))
    sheet = book.worksheets[0]
    assert sheet.title == "A (test)- title that is far too"
    cells = [sheet[f"A{row}"] for row in (2, 3, 4)]
    assert [cell.value for cell in cells] == ['=HYPERLINK("http://x")', "a\ufffdb", None]
    assert cells[0].data_type == "s"
    assert [sheet[f"B{row}"].number_format for row in (2, 3, 4)] == ["#,##0.00##"] * 3
    about = [[cell.value for cell in row] for row in book["说明"].iter_rows()]
    assert ["说明", "Note: one row left out"] in about


def test_a_result_too_long_for_a_sheet_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "XLSX_ROWS", 2)
    with pytest.raises(OutputError, match="at most 2 rows and this result has 3"):
        xlsx_workbook(small_view(["a", "b", "c"]), Lang.EN)


def test_a_text_too_long_for_a_cell_is_refused_not_cut() -> None:
    longest = "长" * spreadsheet.XLSX_CELL
    book = load_workbook(io.BytesIO(xlsx_workbook(small_view(["a", longest]), Lang.EN)))
    assert book.worksheets[0]["A3"].value == longest
    with pytest.raises(OutputError, match='column "name" of row 3 has 32,768; expected CSV'):
        xlsx_workbook(small_view(["a", longest + "!"]), Lang.EN)
    with pytest.raises(OutputError, match="has 32,769; expected"):  # too long either way
        xlsx_workbook(small_view(["a", longest + "𠀀"]), Lang.EN)
    with pytest.raises(OutputError, match='column "name" of row 3 has 32,768; expected CSV'):
        xlsx_workbook(small_view(["a", longest + "!"]), Lang.EN)
    with pytest.raises(OutputError, match=r"row 2 has 32,768 \(a character beyond U\+FFFF"):
        xlsx_workbook(small_view(["𠀀" * (spreadsheet.XLSX_CELL // 2 + 1)]), Lang.EN)
    titled = small_view(["a"])
    with pytest.raises(OutputError, match="row 1 of the About sheet has 40,000"):
        xlsx_workbook(replace(titled, title="t" * 40_000), Lang.EN)


@pytest.mark.parametrize("output", [[], ["-o", "/dev/stdout"]])
def test_a_workbook_is_not_written_to_a_terminal(output: list[str]) -> None:
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "laborstats", "summary", "--format", "xlsx", *output],
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env=ENVIRONMENT,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert "xlsx is a file, not text for a terminal: give -o FILE.xlsx" in result.stderr


def test_a_workbook_goes_down_a_pipe(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "laborstats", "summary", "--format", "xlsx"],
        capture_output=True,
        env=ENVIRONMENT,
        check=True,
    )
    assert result.stdout.startswith(b"PK")
    assert load_workbook(io.BytesIO(result.stdout)).sheetnames == [
        "Headline figures, 2024",
        "About",
    ]


def test_excel_csv_does_not_go_with_a_workbook(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run_cli(runner, "summary", "--excel", "-o", str(tmp_path / "out.xlsx"))
    assert code == 2
    assert 'writes CSV, so it does not go with "out.xlsx"' in err
    assert not (tmp_path / "out.xlsx").exists()


def test_rejects_follow_the_suffix_of_their_file(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "outcomes.csv"
    data.write_text(
        "year,region,entity,programme,metric,value,qualifier,period,basis,source\n"
        "2024,庆阳市,,,disputes_mediated,82,,,,\n2024,西峰区,,,disputes_mediated,x,,,,\n",
        encoding="utf-8",
    )
    rejects, clean = tmp_path / "bad.xlsx", tmp_path / "clean.xlsx"
    code, _, err = run_cli(
        runner, "outcomes", "--data", str(data), "--rejects", str(rejects), "-o", str(clean)
    )
    assert code == 0, err
    sheet = load_workbook(rejects).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("file", "line", "column", "check", "problem", "row")
    assert len(rows) == 2
