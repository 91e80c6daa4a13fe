"""Workbooks: typed cells with formats for people, for every command."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
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
from tests.test_cli import ENVIRONMENT, run_cli

COMMANDS = [
    ["summary"],
    ["metrics"],
    ["studios"],
    ["growth", "--data", "example:qingyang-counties"],
    ["compare", "2023", "2024", "--data", "example:qingyang-counties"],
    ["chart", "skilled_talents_total", "--data", "example:qingyang-counties"],
    ["check"],
    ["outcomes"],
]


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


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_every_command_writes_the_csv_columns_and_values(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    sheet, _ = workbook_of(runner, tmp_path, *command)
    _, csv_text, _ = run_cli(runner, *command, "--format", "csv")
    expected = list(csv.reader(io.StringIO(csv_text)))
    written = [[as_csv_text(cell) for cell in row] for row in sheet.iter_rows()]
    assert written[0] == expected[0]
    assert len(written) == len(expected)
    for written_row, expected_row in zip(written[1:], expected[1:], strict=True):
        for name, cell, text in zip(expected[0], written_row, expected_row, strict=True):
            if cell != text:  # a number: the same one, to the last bits percent cells lose
                assert float(cell) == pytest.approx(float(text), rel=1e-14, abs=0), name


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
    assert [sheet[f"B{row}"].number_format for row in (2, 3, 4)] == ["#,##0.00"] * 3
    about = [[cell.value for cell in row] for row in book["说明"].iter_rows()]
    assert ["说明", "Note: one row left out"] in about


def test_a_result_too_long_for_a_sheet_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "XLSX_ROWS", 2)
    with pytest.raises(OutputError, match="at most 2 rows and this result has 3"):
        xlsx_workbook(small_view(["a", "b", "c"]), Lang.EN)


def test_a_workbook_is_not_written_to_a_terminal() -> None:
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "laborstats", "summary", "--format", "xlsx"],
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
