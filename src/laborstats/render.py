"""Output formats: one renderer per format, and the only code that formats numbers for people."""

from __future__ import annotations

import io
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from laborstats.vocabulary import APPROX, AT_LEAST, AT_MOST, DERIVED

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa


class OutputFormat(StrEnum):
    """What a command writes: a table for people, or data for other tools."""

    AUTO = "auto"
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    MARKDOWN = "markdown"
    XLSX = "xlsx"


class ReportFormat(StrEnum):
    """What report writes: Markdown (charts as SVG files beside it) or one HTML file."""

    MARKDOWN = "markdown"
    HTML = "html"


REPORT_SUFFIXES = {
    ".md": ReportFormat.MARKDOWN,
    ".markdown": ReportFormat.MARKDOWN,
    ".html": ReportFormat.HTML,
    ".htm": ReportFormat.HTML,
}


class Lang(StrEnum):
    """The language of labels and of numbers written for people."""

    EN = "en"
    ZH = "zh"


class Style(StrEnum):
    """How a column's cells are written for people."""

    TEXT = "text"
    KEY = "key"  # years and codes: never separators
    FIGURE = "figure"  # a value with its row's unit and qualifier
    CHANGE = "change"  # a signed difference in the row's unit
    PERCENT_CHANGE = "percent_change"
    BAR = "bar"  # a bar as long as the value against the column's largest
    SPARKLINE = "sparkline"  # a sequence of values, one block character each


@dataclass(frozen=True)
class Column:
    """A column of the table people see: which frame column, its headers, its style.

    ``qualifier`` names the frame column holding the qualifier of a FIGURE or
    CHANGE cell; the unit is ``unit``, or else the row's ``unit`` column. In
    the Rich table only ``wraps`` columns wrap their cells; headers may wrap.
    A BAR is full at the column's largest value, or at the value in the frame
    column ``scale`` of its row; with ``base`` it shades the change from the
    value in that column (see change_bar).
    """

    key: str
    header_en: str
    header_zh: str
    style: Style = Style.TEXT
    qualifier: str | None = None
    wraps: bool = False
    unit: str | None = None
    scale: str | None = None
    base: str | None = None

    def header(self, lang: Lang) -> str:
        return self.header_zh if lang is Lang.ZH else self.header_en


@dataclass(frozen=True)
class View:
    """A command's result ready to render.

    Machine formats write ``machine_columns`` of ``frame`` as they are; the
    table and Markdown show ``columns`` formatted for people. ``note`` says
    what the reader should know beyond the data (rows left out, say): it ends
    the caption, and goes to standard error beside machine formats.
    """

    frame: pd.DataFrame
    machine_columns: Sequence[str]
    columns: Sequence[Column]
    title: str
    caption: str
    group_by: str | None = None
    note: str = ""
    # On a terminal (and as a table): a bar chart of columns[1] labelled by columns[0].
    chart: bool = False
    # Machine columns the table does not show, described for typed formats (xlsx).
    formats: Sequence[Column] = ()

    def noted(self, note: str) -> View:
        """The view with ``note`` after its own note (if any)."""
        return replace(self, note="\n".join(part for part in (self.note, note) if part))

    @property
    def full_caption(self) -> str:
        return f"{self.caption}\n{self.note}" if self.note else self.caption


_SUFFIXES = {
    ".csv": OutputFormat.CSV,
    ".tsv": OutputFormat.TSV,
    ".json": OutputFormat.JSON,
    ".jsonl": OutputFormat.JSONL,
    ".md": OutputFormat.MARKDOWN,
    ".txt": OutputFormat.TABLE,
    ".xlsx": OutputFormat.XLSX,
}


def resolve_format(
    chosen: OutputFormat, output: Path | None, stdout_is_terminal: bool
) -> OutputFormat:
    """Settle ``auto``: by the output file's suffix, else a table on a terminal, else CSV.

    An output file whose suffix names no format leaves ``auto`` unsettled.
    """
    if chosen is not OutputFormat.AUTO:
        return chosen
    if output is not None:
        return _SUFFIXES.get(output.suffix.lower(), OutputFormat.AUTO)
    return OutputFormat.TABLE if stdout_is_terminal else OutputFormat.CSV


def render(view: View, output_format: OutputFormat, lang: Lang, width: int = 120) -> str:
    """The view as text in ``output_format``; ``auto`` must be settled by resolve_format first."""
    if output_format is OutputFormat.AUTO:
        raise ValueError("resolve_format() settles 'auto' before rendering")
    if output_format in BINARY_FORMATS:
        raise ValueError(f"{output_format.value} is not text; use render_bytes()")
    return _RENDERERS[output_format](view, lang, width)


# Formats that are files rather than text: never written to a terminal.
BINARY_FORMATS = frozenset({OutputFormat.XLSX})


def render_bytes(view: View, output_format: OutputFormat, lang: Lang, width: int = 120) -> bytes:
    """The view as the bytes of a file in ``output_format``: text formats in UTF-8."""
    return b"".join(render_parts(view, output_format, lang, width))


def render_parts(
    view: View, output_format: OutputFormat, lang: Lang, width: int = 120
) -> Iterator[bytes]:
    """The bytes of :func:`render_bytes` one part after another, to be written as they come.

    CSV, TSV, JSON, JSON Lines and Markdown come a slice of rows at a time, so
    that a large result is never held as text whole; other formats come in
    one part.
    """
    if output_format is OutputFormat.XLSX:
        from laborstats.spreadsheet import xlsx_workbook  # noqa: PLC0415 (openpyxl: only here)

        yield xlsx_workbook(view, lang)
    elif output_format in _SEPARATORS:
        yield from delimited_parts(view, _SEPARATORS[output_format])
    elif output_format in (OutputFormat.JSON, OutputFormat.JSONL):
        yield from json_parts(view, lines=output_format is OutputFormat.JSONL)
    elif output_format is OutputFormat.MARKDOWN:
        yield from _markdown_parts(view, lang)
    else:
        yield render(view, output_format, lang, width).encode("utf-8")


# --- machine formats: raw values, full precision -----------------------------------------


def is_missing(cell: object) -> bool:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return True
    return type(cell).__name__ == "NAType"


_SEPARATORS = {OutputFormat.CSV: ",", OutputFormat.TSV: "\t"}


def _delimited(separator: str) -> Callable[[View, Lang, int], str]:
    def render_delimited(view: View, lang: Lang, width: int) -> str:
        return delimited_bytes(view, separator).decode("utf-8")

    return render_delimited


# Cells a spreadsheet would run as a formula (=, +, -, @, and tab or CR before them).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_csv(view: View) -> bytes:
    """CSV for Excel and WPS on Chinese Windows: a UTF-8 BOM, CRLF line ends, and text
    cells that a spreadsheet would run as a formula made inert with a leading '.

    Numbers stay numbers: -3 is a value, not a formula.
    """
    return b"".join(excel_csv_parts(view))


def excel_csv_parts(view: View) -> Iterator[bytes]:
    """The bytes of :func:`excel_csv` a slice of rows at a time."""
    yield "\ufeff".encode()
    yield from delimited_parts(view, ",", line_end="\r\n", inert_formulas=True)


def delimited_bytes(
    view: View, separator: str, *, line_end: str = "\n", inert_formulas: bool = False
) -> bytes:
    """The machine columns as CSV (or TSV) in UTF-8: see :func:`delimited_parts`."""
    return b"".join(
        delimited_parts(view, separator, line_end=line_end, inert_formulas=inert_formulas)
    )


# Rows written at a time: a few MB of text. A large result made text whole takes several
# times its file (summary at 10M rows: 0.4 GB for 100 MB of CSV).
ROWS_AT_A_TIME = 1 << 14


def delimited_parts(
    view: View, separator: str, *, line_end: str = "\n", inert_formulas: bool = False
) -> Iterator[bytes]:
    """The machine columns as CSV (or TSV) in UTF-8: missing cells empty, quoting as needed;
    the header line, then the lines of ROWS_AT_A_TIME rows at a time.

    The cells are those of the csv module with minimal quoting: a cell holding
    the separator, a quote, CR or LF is quoted (its quotes doubled), a row of
    one empty cell is "", and numbers are written whole as integers (152400, not
    152400.0), others as repr writes them.
    Arrow's string kernels write whole columns: a writer of one cell at a time
    takes seconds on a million rows.
    """
    frame = view.frame[list(view.machine_columns)]
    if frame.columns.empty:
        yield line_end.encode()
        return
    yield _lines([_texts([str(name)]) for name in frame.columns], separator, line_end)
    for start in range(0, len(frame), ROWS_AT_A_TIME):
        rows = frame.iloc[start : start + ROWS_AT_A_TIME]
        cells = [_cell_texts(column, inert_formulas) for _, column in rows.items()]
        yield _lines(cells, separator, line_end)


def _lines(cells: list[pa.Array], separator: str, line_end: str) -> bytes:
    """Columns of cell texts (null: missing) as the lines of a delimited file."""
    import pyarrow.compute as pc  # noqa: PLC0415 (not for --help)

    columns = [_quoted(column, separator) for column in cells]
    if len(columns) == 1:
        only = pc.fill_null(columns[0], _text(""))
        columns = [pc.if_else(pc.equal(only, _text("")), _text('""'), only)]
    # Each row ends in its last cell, so the rows lie in one buffer as the file's bytes.
    columns[-1] = pc.binary_join_element_wise(
        columns[-1], _text(line_end), _text(""), null_handling="replace"
    )
    lines = pc.binary_join_element_wise(*columns, _text(separator), null_handling="replace")
    return _concatenated(lines)


def _concatenated(texts: pa.Array) -> bytes:
    """The UTF-8 bytes of a large_string array's texts one after another."""
    import numpy as np  # noqa: PLC0415

    _, offsets, data = texts.buffers()
    bounds = np.frombuffer(offsets, np.int64)[[texts.offset, texts.offset + len(texts)]]
    return bytes(data.slice(int(bounds[0]), int(bounds[1] - bounds[0])))


def _cell_texts(column: pd.Series, inert_formulas: bool) -> pa.Array:
    """A column's cells as the csv module writes them, missing cells null."""
    import pandas as pd  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    if column.dtype.kind == "f":
        return _number_texts(column.to_numpy(dtype="float64", na_value=math.nan))
    if column.dtype.kind in "iu":
        return _arrow(column).cast(pa.large_string())
    if isinstance(column.dtype, pd.StringDtype):
        texts = _arrow(column).cast(pa.large_string())
        return _inert_texts(texts) if inert_formulas else texts
    if _text_categories(column):
        # Each text once: cell by cell, growth --wide's qualifiers took 1.5 s at 10M rows.
        codes = column.cat.codes.to_numpy()
        written = _cell_texts(pd.Series(column.cat.categories), inert_formulas)
        return written.take(pa.array(codes, mask=codes < 0))
    # Anything else (booleans, mixed objects) cell by cell, as the csv module does.
    cells = (None if is_missing(cell) else cell for cell in column.tolist())
    if inert_formulas:
        cells = (_inert(cell) for cell in cells)
    return _texts([cell if cell is None or isinstance(cell, str) else str(cell) for cell in cells])


def _text_categories(column: pd.Series) -> bool:
    import pandas as pd  # noqa: PLC0415

    return isinstance(column.dtype, pd.CategoricalDtype) and column.cat.categories.dtype == "str"


def _arrow(column: pd.Series) -> pa.Array:
    """The column as one Arrow array (pandas may hold it in chunks)."""
    import pyarrow as pa  # noqa: PLC0415

    array = pa.array(column, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _number_texts(values: np.ndarray) -> pa.Array:
    """Numbers as machine formats write them: whole ones as integers, others as repr does."""
    import numpy as np  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    whole = _whole_numbers(values)
    texts = pa.array(np.where(whole, values, 0).astype(np.int64), mask=~whole)
    texts = texts.cast(pa.large_string())
    fractional = ~whole & ~np.isnan(values)
    if not fractional.any():
        return texts
    # Arrow writes the shortest digits that read back, as repr does, and the same way
    # where repr writes no exponent and Arrow none either (from 1e-4 to 1e10, checked
    # on millions of numbers and by test_delimited): ten times faster than repr.
    magnitude = np.abs(values)
    plain = fractional & (magnitude >= 1e-4) & (magnitude < 1e10)
    if plain.any():
        written = pc.cast(pa.array(values[plain]), pa.large_string())
        texts = pc.replace_with_mask(texts, pa.array(plain), written)
    rest = fractional & ~plain
    if rest.any():
        reprs = _texts([repr(value) for value in values[rest].tolist()])
        texts = pc.replace_with_mask(texts, pa.array(rest), reprs)
    return texts


def _whole_numbers(values: np.ndarray) -> np.ndarray:
    """Where the floats are whole numbers an int64 and a float64 both hold exactly."""
    import numpy as np  # noqa: PLC0415

    exact = np.abs(values) < 2**53
    whole: np.ndarray = np.isfinite(values) & (np.trunc(values) == values) & exact
    return whole


def _inert_texts(texts: pa.Array) -> pa.Array:
    """Text cells a spreadsheet would run as a formula, with a leading '."""
    import pyarrow.compute as pc  # noqa: PLC0415

    formula = pc.match_substring_regex(texts, "^" + _one_of("".join(_FORMULA_START)))
    return pc.if_else(formula, pc.binary_join_element_wise(_text("'"), texts, _text("")), texts)


def _inert(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, with a leading '; else the cell."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _quoted(texts: pa.Array, separator: str) -> pa.Array:
    """Cells holding the separator, a quote, CR or LF in quotes, their quotes doubled."""
    import pyarrow.compute as pc  # noqa: PLC0415

    marks = separator + '"\r\n'
    held = _concatenated(texts)  # a tenth of the regex's time, and most columns hold none
    if not any(mark.encode() in held for mark in marks):
        return texts
    special = pc.match_substring_regex(texts, _one_of(marks))
    doubled = pc.replace_substring(pc.filter(texts, special), '"', '""')
    quoted = pc.binary_join_element_wise(_text('"'), doubled, _text('"'), _text(""))
    return pc.replace_with_mask(texts, special, quoted)


def _one_of(marks: str) -> str:
    """A regular expression (RE2) matching any one of the characters ``marks``."""
    return "[" + "".join(f"\\x{{{ord(mark):x}}}" for mark in marks) + "]"


def _texts(cells: Sequence[str | None]) -> pa.Array:
    import pyarrow as pa  # noqa: PLC0415

    return pa.array(cells, pa.large_string())


def _text(text: str) -> pa.Scalar:
    import pyarrow as pa  # noqa: PLC0415

    return pa.scalar(text, pa.large_string())


def _json(view: View, lang: Lang, width: int) -> str:
    return b"".join(json_parts(view, lines=False)).decode("utf-8")


def _jsonl(view: View, lang: Lang, width: int) -> str:
    return b"".join(json_parts(view, lines=True)).decode("utf-8")


def json_parts(view: View, *, lines: bool) -> Iterator[bytes]:
    """The machine columns as a JSON list of objects (indented by two spaces) or as JSON
    Lines, in UTF-8, ROWS_AT_A_TIME rows at a time.

    An object for each row, its keys the column names, as ``json.dumps``
    (``ensure_ascii=False``) writes a dict of the row's cells: missing cells
    null, numbers as the CSV writes them. Written a column at a time, as the
    CSV is: with a dict made of each row, summary at 10M rows took 15-20 s and
    1.6-2.8 GB.
    """
    import numpy as np  # noqa: PLC0415

    frame = view.frame[list(view.machine_columns)]
    for _, column in frame.items():  # refused before anything is written, as json's would be
        if column.dtype.kind == "f" and np.isinf(column.to_numpy(dtype="float64")).any():
            raise ValueError("Out of range float values are not JSON compliant")
    # How an object starts, what comes between its members, how it ends, and what follows.
    marks = ("{", ", ", "}", "\n") if lines else ("  {\n    ", ",\n    ", "\n  }", ",\n")
    if not lines:
        yield b"[\n" if len(frame) else b"[]\n"
    keys = [json.dumps(str(name), ensure_ascii=False) + ": " for name in frame.columns]
    for first in range(0, len(frame), ROWS_AT_A_TIME):
        rows = frame.iloc[first : first + ROWS_AT_A_TIME]
        values = [_json_texts(column) for _, column in rows.items()]
        part = _concatenated(_objects(values, keys, marks, len(rows)))
        if not lines and first + len(rows) == len(frame):  # the last object: no comma
            part = part.removesuffix(b",\n") + b"\n]\n"
        yield part


def _objects(
    values: list[pa.Array], keys: list[str], marks: tuple[str, str, str, str], rows: int
) -> pa.Array:
    """Each row's object, each key and its value, between the ``marks`` of json_parts."""
    import pyarrow.compute as pc  # noqa: PLC0415

    start, between, end, after = marks
    if not keys:  # {}, indented as any object
        return _texts([start[: start.index("{")] + "{}" + after] * rows)
    pieces: list[pa.Array | pa.Scalar] = []
    for at, (key, value) in enumerate(zip(keys, values, strict=True)):
        pieces += [_text((between if at else start) + key), value]
    return pc.binary_join_element_wise(*pieces, _text(end + after), _text(""))


def _json_texts(column: pd.Series) -> pa.Array:
    """A column's cells as JSON values (null where missing)."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    if column.dtype.kind in "fiu":  # no infinity: see json_parts
        texts = _cell_texts(column, inert_formulas=False)
    elif isinstance(column.dtype, pd.StringDtype) or _text_categories(column):
        texts = _json_strings(_cell_texts(column, inert_formulas=False))
    else:  # anything else (booleans, mixed objects) cell by cell, as json.dumps does
        cells = (cell.item() if isinstance(cell, np.generic) else cell for cell in column.tolist())
        return _texts(
            [
                json.dumps(None if is_missing(cell) else cell, ensure_ascii=False, allow_nan=False)
                for cell in cells
            ]
        )
    return pc.fill_null(texts, _text("null"))


# What json.dumps escapes in a string: control characters, quotes and backslashes.
_JSON_ESCAPED = '[\\x00-\\x1f"\\\\]'


def _json_strings(texts: pa.Array) -> pa.Array:
    """Texts as JSON strings: in quotes, escaped as json.dumps escapes them."""
    import pyarrow.compute as pc  # noqa: PLC0415

    quoted = pc.binary_join_element_wise(_text('"'), texts, _text('"'), _text(""))
    if not re.search(_JSON_ESCAPED.encode(), _concatenated(texts)):
        return quoted  # most columns hold none
    escaped = pc.fill_null(pc.match_substring_regex(texts, _JSON_ESCAPED), False)
    cells = pc.filter(texts, escaped).to_pylist()
    return pc.replace_with_mask(
        quoted, escaped, _texts([json.dumps(cell, ensure_ascii=False) for cell in cells])
    )


# --- formats for people ------------------------------------------------------------------

_SYMBOLS_EN = {APPROX: "≈ ", AT_LEAST: "≥ ", AT_MOST: "≤ "}
_PREFIXES_ZH = {APPROX: "约", AT_MOST: "不超过"}
MISSING = "—"
_ZH_SCALES = ((12, "万亿"), (8, "亿"), (4, "万"))  # the largest first


def format_number(value: float, lang: Lang, *, signed: bool = False) -> str:
    """A number for people: 152,400 in English; 15.24万 and 1.2亿 in Chinese."""
    if math.isnan(value):
        return MISSING
    sign = "+" if signed and value > 0 else "-" if value < 0 else ""
    magnitude = abs(value)
    if 0 < magnitude < 0.005:  # two decimals would show 0: two significant digits
        if magnitude < 1e-6:  # past six zeros, an exponent reads better
            return sign + f"{magnitude:.2g}"
        return sign + _trimmed(magnitude, 1 - math.floor(math.log10(magnitude)), grouped=False)
    if lang is Lang.ZH and math.isfinite(magnitude):
        # A scale shows whole units, rounded half up (四舍五入): as many decimals as it
        # has zeros. It applies once the number as shown reaches it: 1亿, not 10000万;
        # 9,999.5 is shown as it is, with two decimals, and 9,999.996 as 1万.
        whole = math.floor(magnitude)
        whole += magnitude - whole >= 0.5  # (magnitude + 0.5 is inexact from 2**52)
        for digits, word in _ZH_SCALES:
            if whole >= 10**digits and (digits > 4 or round(magnitude, 2) >= 10**digits):
                return sign + _trimmed(whole / 10**digits, digits, grouped=False) + word
        return sign + _trimmed(magnitude, 2, grouped=False)
    return sign + _trimmed(magnitude, 2, grouped=True)


def _trimmed(value: float, decimals: int, *, grouped: bool) -> str:
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_figure(value: float, qualifier: str | None, unit: str, lang: Lang) -> str:
    """A figure with its qualifier as a reader expects: ≥ 80,000,000 or 8000余万."""
    if math.isnan(value):
        return MISSING
    number = format_number(value, lang) + ("%" if unit == "percent" else "")
    if lang is Lang.EN:
        return _SYMBOLS_EN.get(qualifier or "", "") + number
    if qualifier != AT_LEAST:
        return _PREFIXES_ZH.get(qualifier or "", "") + number
    if unit == "percent":
        return number + "以上"
    scale = next((word for _, word in _ZH_SCALES if number.endswith(word)), "")
    if scale and "." not in number:
        return number.removesuffix(scale) + "余" + scale  # 8000余万
    return number + "余"  # 110余, 1.2万余


def format_change(value: float, qualifier: str | None, unit: str, lang: Lang) -> str:
    """A signed change; percent figures change in percentage points."""
    if math.isnan(value):
        return MISSING
    number = format_number(value, lang, signed=True)
    if unit == "percent":
        number += "个百分点" if lang is Lang.ZH else " pp"
    return _qualified_change(number, qualifier, lang)


def _qualified_change(text: str, qualifier: str | None, lang: Lang) -> str:
    """Changes take ≈ ≥ ≤ in both languages (约 for approximate in Chinese)."""
    if qualifier == APPROX and lang is Lang.ZH:
        return "约" + text
    return _SYMBOLS_EN.get(qualifier or "", "") + text


_BAR_WIDTH = 10
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, largest: float, width: int = _BAR_WIDTH) -> str:
    """A bar of block characters, ``width`` long for the largest value, in eighths."""
    if math.isnan(value) or not largest > 0 or value <= 0:
        return ""
    eighths = round(min(value / largest, 1.0) * width * 8)
    return ("█" * (eighths // 8) + _EIGHTHS[eighths % 8]).rstrip()


GAINED, LOST = "▒", "░"


def change_bar(value: float, base: float, largest: float, width: int = _BAR_WIDTH) -> str:
    """A bar of ``value`` in whole cells, ``width`` long for ``largest``, with the change
    from ``base`` shaded: ▒ where the value is above the base, ░ where it is below
    (for a rank, ▒ is a worse place: the bar shows the figure, not whether it is better).

    Without a base (nan) it is the plain bar.
    """
    if math.isnan(base):
        return bar(value, largest, width)
    if math.isnan(value) or not largest > 0 or value < 0:
        return ""

    def cells(number: float) -> int:
        return round(min(max(number, 0.0) / largest, 1.0) * width)

    kept, reached = cells(min(value, base)), cells(max(value, base))
    return "█" * kept + (GAINED if value > base else LOST) * (reached - kept)


_LEVELS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One block per value, from the lowest (▁) to the highest (█); a gap is a space."""
    present = [value for value in values if not math.isnan(value)]
    if not present:
        return ""
    low, high = min(present), max(present)
    top = len(_LEVELS) - 1

    def level(value: float) -> str:
        if math.isnan(value):
            return " "
        if high == low:
            return _LEVELS[top // 2]
        return _LEVELS[round((value - low) / (high - low) * top)]

    return "".join(map(level, values))


def format_percent_change(value: float, qualifier: str | None, unit: str, lang: Lang) -> str:
    """A signed percent change, with the qualifier of the change it comes from."""
    if math.isnan(value):
        return MISSING
    return _qualified_change(format_number(value, lang, signed=True) + "%", qualifier, lang)


_NUMBER_STYLES: dict[Style, Callable[[float, str | None, str, Lang], str]] = {
    Style.FIGURE: format_figure,
    Style.CHANGE: format_change,
    Style.PERCENT_CHANGE: format_percent_change,
}


def _people_cells(frame: pd.DataFrame, column: Column, lang: Lang, largest: float) -> list[str]:
    """The column's cells in ``frame`` written for people, a whole column at a time: a
    dict of each row and a call per cell took three times as long as the formatting."""
    values = frame[column.key]
    if column.style is Style.SPARKLINE:
        return [sparkline(value) for value in values.tolist()]
    if column.style is Style.TEXT and _text_categories(values):
        # Each text once, as _cell_texts does.
        texts = ["", *map(str, values.cat.categories)]
        return [texts[code + 1] for code in values.cat.codes.tolist()]
    if column.style is Style.TEXT:
        return ["" if is_missing(value) else str(value) for value in values.tolist()]
    if column.style is Style.KEY:
        return ["" if is_missing(value) else str(int(value)) for value in values.tolist()]
    numbers = _numbers_in(frame, column.key)
    if column.style is Style.BAR:
        scales = _numbers_in(frame, column.scale) if column.scale else itertools.repeat(largest)
        bases = _numbers_in(frame, column.base) if column.base else itertools.repeat(math.nan)
        return list(map(change_bar, numbers, bases, scales))
    qualifiers: Iterable[Any] = itertools.repeat(None)
    if column.qualifier and column.qualifier in frame:
        qualifiers = (None if is_missing(q) else q for q in frame[column.qualifier].tolist())
    units: Iterable[str] = itertools.repeat(column.unit or "")
    if not column.unit and "unit" in frame:
        units = map(str, frame["unit"].tolist())
    style = _NUMBER_STYLES[column.style]
    return [
        style(number, qualifier, unit, lang)
        for number, qualifier, unit in zip(numbers, qualifiers, units, strict=False)
    ]


def _numbers_in(frame: pd.DataFrame, key: str) -> list[float]:
    """The numbers in the frame's ``key`` column, nan where missing."""
    return [math.nan if is_missing(value) else float(value) for value in frame[key].tolist()]


def formatted_rows(view: View, lang: Lang) -> list[list[str]]:
    """Each row of the view as its columns' cells, written for people."""
    return list(_formatted(view, lang))


def _formatted(view: View, lang: Lang) -> Iterator[list[str]]:
    """:func:`formatted_rows` one after another: see :func:`_formatted_columns`."""
    for columns in _formatted_columns(view, lang):
        yield from map(list, zip(*columns, strict=True))


def _formatted_columns(view: View, lang: Lang) -> Iterator[list[list[str]]]:
    """The view's columns written for people, ROWS_AT_A_TIME rows at a time: the cells of
    every row of summary's 422,641 at 10M rows took 1 GB."""
    largest = {
        column.key: float(view.frame[column.key].max(skipna=True) or math.nan)
        for column in view.columns
        if column.style is Style.BAR
    }
    for start in range(0, len(view.frame), ROWS_AT_A_TIME):
        rows = view.frame.iloc[start : start + ROWS_AT_A_TIME]
        yield [
            _people_cells(rows, column, lang, largest.get(column.key, math.nan))
            for column in view.columns
        ]


_MIN_WRAPPING_WIDTH = 16
_LEFT_ALIGNED = (Style.TEXT, Style.BAR, Style.SPARKLINE)


def table_renderable(view: View, lang: Lang) -> Table:
    """The view as a Rich table; ``view.group_by`` becomes a heading row over each group.

    Every text is shown as written, never read as markup: a region named
    ``a[/]b`` or ``[bold]x`` is data (see _literal).
    """
    table = Table(
        title=Text(view.title, style="table.title"),
        caption=Text(view.full_caption, style="table.caption"),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        header_style="bold",
    )
    shown = [
        position for position, column in enumerate(view.columns) if column.key != view.group_by
    ]
    grouped = len(shown) < len(view.columns)
    rows = formatted_rows(view, lang)
    for position in shown:
        column = view.columns[position]
        widest = max((cell_len(row[position]) for row in rows), default=0)
        table.add_column(
            Text(column.header(lang)),
            justify="left" if column.style in _LEFT_ALIGNED else "right",
            overflow="fold",
            # Cells never break below these widths (a cut 80,000,00 reads as another
            # figure); headers may wrap to make room.
            min_width=_MIN_WRAPPING_WIDTH if column.wraps else widest,
        )
    group_position = next(
        (i for i, column in enumerate(view.columns) if column.key == view.group_by), 0
    )
    previous_group: str | None = None
    bases = view.frame["basis"].tolist() if "basis" in view.frame else itertools.repeat(None)
    for basis, cells in zip(bases, rows, strict=False):
        group = cells[group_position]
        if grouped and group != previous_group:
            if previous_group is not None:
                table.add_section()
            table.add_row(Text(group), *[""] * (len(shown) - 1), style="bold")
            previous_group = group
        style = "italic" if basis == DERIVED else None
        table.add_row(*(_literal(cells[position]) for position in shown), style=style)
    return table


def _literal(cell: str) -> str | Text:
    """A cell Rich shows as written: a Text where markup ([) or an emoji code (:) could be
    read in it; a plain str, lighter, elsewhere."""
    return Text(cell) if "[" in cell or ":" in cell else cell


# Rows a table on a terminal shows: Rich took 27 s to lay out 42,000 rows, so a national
# table's 400,000 would take minutes, and no one reads them on a screen.
TERMINAL_ROWS = 1_000


def first_rows(view: View, rows: int, lang: Lang) -> View:
    """``view`` cut to its first ``rows`` rows, with a note of how many it has, if more."""
    total = len(view.frame)
    if total <= rows:
        return view
    if lang is Lang.ZH:
        note = f"只显示前 {rows:,} 行（共 {total:,} 行）；用 -o 文件或管道可写出全部"
    else:
        note = f"The first {rows:,} of {total:,} rows are shown: -o FILE or a pipe writes them all"
    return replace(view, frame=view.frame.iloc[:rows]).noted(note)


def print_table(view: View, lang: Lang, console: Console) -> None:
    """Print the view as a Rich table on ``console``.

    A table that cannot fit the width without cutting numbers is printed
    wider than the console (the terminal wraps it) rather than cropped.
    """
    if view.chart:
        print_chart(view, lang, console)
        return
    table = table_renderable(view, lang)
    # Wrapping columns fold even words without spaces (Chinese names), so they
    # share what the other columns leave, never less than their minimum.
    shown = [column for column in view.columns if column.key != view.group_by]
    wrapping = [
        rich_column
        for column, rich_column in zip(shown, table.columns, strict=True)
        if column.wraps
    ]
    for column in wrapping:
        column.max_width = _MIN_WRAPPING_WIDTH
    unbounded = console.options.update(max_width=10_000)
    needed = Measurement.get(console, unbounded, table).minimum
    spare = max(0, console.width - needed)
    for column in wrapping:
        column.max_width = _MIN_WRAPPING_WIDTH + spare // len(wrapping)
    console.width = max(console.width, needed)
    console.print(table, crop=False)


def print_chart(view: View, lang: Lang, console: Console) -> None:
    """A bar per row, as wide as the console allows: the label, the bar, the figure.

    Bars start at zero, so negative values grow to the left of it; a missing
    value has no bar. Colour goes as the console allows (none with NO_COLOR).
    """
    label_column, value_column = view.columns[0], view.columns[1]
    rows = formatted_rows(replace(view, columns=(label_column, value_column)), lang)
    values = [
        math.nan if is_missing(value) else float(value)
        for value in view.frame[value_column.key].tolist()
    ]
    if view.title:
        console.print(Text(view.title, style="bold"), justify="center")
    for line in chart_lines(
        [row[0] for row in rows], values, [row[1] for row in rows], console.width
    ):
        console.print(line, crop=False, soft_wrap=True)
    if view.full_caption:
        console.print(Text(view.full_caption, style="dim"))


def chart_lines(
    labels: Sequence[str], values: Sequence[float], shown: Sequence[str], width: int
) -> list[Text]:
    """One line per point, at most ``width`` cells: label, bar from zero, figure as shown.

    The longest bar fills what the labels and figures leave (at least
    ``_BAR_WIDTH``); negative values get bars to the left of zero.
    """
    if not labels:
        return []
    figure_width = max(cell_len(text) for text in shown)
    label_width = min(max(cell_len(label) for label in labels), max(8, width // 3))
    bar_width = max(width - label_width - figure_width - 2, _BAR_WIDTH)
    present = [value for value in values if not math.isnan(value)]
    low, high = min([0.0, *present]), max([0.0, *present])
    scale = bar_width / (high - low) if high > low else 0.0
    zero = round(-low * scale)  # cells left of zero, for the negative bars
    lines = []
    for label, value, text in zip(labels, values, shown, strict=True):
        line = Text(set_cell_size(label, label_width) + " ")
        if math.isnan(value) or scale == 0:
            line.append(" " * bar_width)
        elif value < 0:
            cells = round(-value * scale)
            line.append(" " * (zero - cells))
            line.append("█" * cells, style="red")
            line.append(" " * (bar_width - zero))
        else:
            drawn = bar(value, high, width=bar_width - zero) if high > 0 else ""
            line.append(" " * zero)
            line.append(drawn, style="cyan")
            line.append(" " * (bar_width - zero - cell_len(drawn)))
        line.append(" " + text.rjust(figure_width - cell_len(text) + len(text)))
        lines.append(line)
    return lines


def _table(view: View, lang: Lang, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    print_table(view, lang, console)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


_MARKDOWN_MARKS = "\\|<>[]`*"  # escaped with a backslash, the backslash first


def markdown_text(text: str) -> str:
    """Text as Markdown shows it, on one line: never HTML, a link, a footnote or a new cell."""
    for mark in _MARKDOWN_MARKS:
        text = text.replace(mark, "\\" + mark)
    return text.replace("\n", " ")


def aligned_right(column: Column) -> bool:
    """Whether people read the column's cells aligned right: numbers, years, changes."""
    return column.style not in _LEFT_ALIGNED


def markdown_table(
    headers: Sequence[str], right: Sequence[bool], rows: Iterable[Sequence[str]]
) -> Iterator[str]:
    """The lines of a Markdown table of cells already made Markdown (see markdown_text)."""
    yield "| " + " | ".join(headers) + " |"
    yield "| " + " | ".join("---:" if aligned else "---" for aligned in right) + " |"
    for row in rows:
        yield "| " + " | ".join(row) + " |"


def _markdown(view: View, lang: Lang, width: int) -> str:
    return b"".join(_markdown_parts(view, lang)).decode("utf-8")


def _markdown_parts(view: View, lang: Lang) -> Iterator[bytes]:
    """The view as a Markdown table and its captions, ROWS_AT_A_TIME lines at a time."""
    head = markdown_table(
        [markdown_text(column.header(lang)) for column in view.columns],
        [aligned_right(column) for column in view.columns],
        (),
    )
    yield "".join(line + "\n" for line in head).encode("utf-8")
    for columns in _formatted_columns(view, lang):
        yield _markdown_lines(columns)
    yield "".join(f"\n{markdown_text(text)}\n" for text in view.full_caption.split("\n")).encode()


def _markdown_lines(columns: list[list[str]]) -> bytes:
    """Columns of cells for people as the lines of a Markdown table, escaped as
    :func:`markdown_text` does, by Arrow's string kernels a whole column at a time."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    cells = [
        pc.replace_substring(
            pc.replace_substring_regex(
                pa.array(column, pa.large_string()), f"([{re.escape(_MARKDOWN_MARKS)}])", r"\\\1"
            ),
            "\n",
            " ",
        )
        for column in columns
    ]
    cells[0] = pc.binary_join_element_wise(_text("| "), cells[0], _text(""))
    cells[-1] = pc.binary_join_element_wise(cells[-1], _text(" |\n"), _text(""))
    return _concatenated(pc.binary_join_element_wise(*cells, _text(" | ")))


_RENDERERS: dict[OutputFormat, Callable[[View, Lang, int], str]] = {
    OutputFormat.TABLE: _table,
    OutputFormat.CSV: _delimited(_SEPARATORS[OutputFormat.CSV]),
    OutputFormat.TSV: _delimited(_SEPARATORS[OutputFormat.TSV]),
    OutputFormat.JSON: _json,
    OutputFormat.JSONL: _jsonl,
    OutputFormat.MARKDOWN: _markdown,
}
