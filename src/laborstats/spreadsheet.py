"""The xlsx renderer: typed cells with number formats for people, and a sheet about them."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from rich.cells import cell_len

from laborstats import __version__
from laborstats.errors import OutputError
from laborstats.render import Column, Lang, Style, View, is_missing

# A sheet holds 1,048,576 rows, the header one of them; a cell 32,767 characters.
XLSX_ROWS = 1_048_575
XLSX_CELL = 32_767
_COUNT, _DECIMAL, _INTEGER = "#,##0", "#,##0.00##", "0"
_PERCENT, _PERCENT_CHANGE = "0.0%", "+0.0%;-0.0%;0.0%"
_CHANGE, _DECIMAL_CHANGE = "+#,##0;-#,##0;0", "+#,##0.00;-#,##0.00;0"
_POINTS_CHANGE = '+0.0" pp";-0.0" pp";0" pp"'
# XML has no place for most control characters.
_NOT_IN_XML = str.maketrans(dict.fromkeys((*range(0, 9), 11, 12, *range(14, 32)), "\ufffd"))
_WIDEST = 60
_Value = str | float | None


def xlsx_workbook(view: View, lang: Lang) -> bytes:
    """The machine columns as an Excel workbook, for people to pass on.

    Numbers are stored as numbers at full precision, with formats for people:
    thousands separators; percent figures, % changes and shares as percent
    cells (85.3 % is stored as 0.853, as spreadsheets do); years and ranks as
    plain integers; changes of percent figures in percentage points. Text
    stays text, even when it starts with = (never a formula). The qualifier
    columns stay beside their figures. The header row is bold and frozen,
    each column as wide as its text (a Chinese character counts two), and a
    second sheet holds the title, the dataset, its sources and the notes.
    """
    frame = view.frame[list(view.machine_columns)]
    if len(frame) > XLSX_ROWS:
        raise OutputError(
            f"a sheet holds at most {XLSX_ROWS:,} rows and this result has {len(frame):,}",
            expected="--format csv, or fewer rows (--programme, a metric, --year)",
        )
    about = _about_lines(view, lang)  # checked before the workbook is begun
    # The first description of a column wins: the table's, then the extra ones.
    described = {column.key: column for column in reversed([*view.columns, *view.formats])}
    units = view.frame["unit"].tolist() if "unit" in view.frame.columns else [""] * len(frame)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(view.title) or "laborstats")
    sheet.freeze_panes = "A2"
    columns = []
    for position, name in enumerate(frame.columns, start=1):
        column = described.get(str(name))
        cells = [
            _typed(value, column, column.unit if column and column.unit is not None else unit)
            for value, unit in zip(frame[name].tolist(), units, strict=True)
        ]
        _check_lengths(str(name), cells)
        columns.append(cells)
        shown = (cell_len(_as_shown(value)) for value, _ in cells[:1000])
        width = max(cell_len(str(name)), *shown, 0) + 2
        _set_width(sheet, position, min(width, _WIDEST))
    sheet.append([_bold(sheet, str(name)) for name in frame.columns])
    for row in zip(*columns, strict=True):
        sheet.append([_cell(sheet, value, number_format) for value, number_format in row])
    _about(book.create_sheet(_about_name(lang)), about)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _check_lengths(name: str, cells: list[tuple[_Value, str | None]]) -> None:
    """Refuse a text longer than a cell holds: a spreadsheet would cut it."""
    for row, (value, _) in enumerate(cells, start=2):
        if isinstance(value, str):
            _check_length(value, f'column "{name}" of row {row}')


def _check_length(text: str, where: str) -> None:
    # Counted as spreadsheets count, in UTF-16 units: 𠀀 is two.
    if len(text) > XLSX_CELL // 2 and (units := len(text.encode("utf-16-le")) // 2) > XLSX_CELL:
        beyond = len(text) <= XLSX_CELL  # too long only as a spreadsheet counts
        counted = " (a character beyond U+FFFF counts two)" if beyond else ""
        raise OutputError(
            f"a cell holds at most {XLSX_CELL:,} characters; {where} has {units:,}{counted}",
            expected="CSV, which keeps every character",
        )


def _about_lines(view: View, lang: Lang) -> list[tuple[str, str]]:
    """What the second sheet says, by label: the title, the caption (dataset, sources,
    marks) and the notes, a line each, each checked to fit its cell."""
    zh = lang is Lang.ZH
    lines = [
        ("标题" if zh else "Title", view.title),
        *(("说明" if zh else "Notes", line) for line in view.full_caption.split("\n") if line),
        (
            "格式" if zh else "Formats",
            "百分数、变化率和占比为百分比单元格（0.853 显示为 85.3%）；百分数的变化以百分点（pp）计"
            if zh
            else "Percent figures, % changes and shares are percent cells (0.853 shows as "
            "85.3%); changes of percent figures are in percentage points (pp)",
        ),
        ("生成" if zh else "Made by", f"laborstats {__version__}"),
    ]
    for row, (_, text) in enumerate(lines, start=1):
        _check_length(text, f"row {row} of the {_about_name(lang)} sheet")
    return lines


def _about_name(lang: Lang) -> str:
    return "说明" if lang is Lang.ZH else "About"


def _about(sheet: WriteOnlyWorksheet, lines: list[tuple[str, str]]) -> None:
    """The lines of _about_lines, a row each."""
    _set_width(sheet, 1, 12)
    _set_width(sheet, 2, 100)
    for label, text in lines:
        cell = _cell(sheet, text.translate(_NOT_IN_XML), None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.append([_bold(sheet, label), cell])


def _sheet_name(title: str) -> str:
    """A title as a sheet name: at most 31 characters, none of []:*?/\\."""
    return title.translate(str.maketrans("[]:*?/\\", "()----_"))[:31].strip("' ")


def _set_width(sheet: WriteOnlyWorksheet, position: int, width: float) -> None:
    # A write-only sheet passes column_dimensions on to its worksheet; the stubs miss it.
    sheet.column_dimensions[get_column_letter(position)].width = width  # type: ignore[attr-defined]


def _bold(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: _Value, number_format: str | None) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even "=1+1": never a formula
    elif number_format:
        cell.number_format = number_format
    return cell


def _typed(value: object, column: Column | None, unit: str) -> tuple[_Value, str | None]:
    """A cell's value and number format: numbers stay numbers, anything else is text."""
    if is_missing(value):
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value).translate(_NOT_IN_XML), None
    return _number(value, column.style if column else None, unit)


def _number(value: float, style: Style | None, unit: str) -> tuple[float, str]:
    """A number's cell value and format; percent figures and % changes become fractions."""
    whole = float(value).is_integer()
    if style is Style.KEY or (style is None and isinstance(value, int)):
        number_format = _INTEGER  # years, ranks, counts of years
    elif style is Style.PERCENT_CHANGE:
        value, number_format = value / 100, _PERCENT_CHANGE
    elif style is Style.CHANGE and unit == "percent":
        number_format = _POINTS_CHANGE
    elif style is Style.CHANGE:
        number_format = _CHANGE if whole else _DECIMAL_CHANGE
    elif unit == "percent" and style in (Style.FIGURE, Style.BAR):
        value, number_format = value / 100, _PERCENT
    else:
        number_format = _COUNT if whole else _DECIMAL
    return value, number_format


def _as_shown(value: _Value) -> str:
    """About as wide as a spreadsheet shows the value."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
