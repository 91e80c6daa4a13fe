"""Options shared by every command, as Annotated types."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from laborstats.encoding import is_encoding
from laborstats.render import Lang, OutputFormat

DataOption = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        envvar="LABORSTATS_DATA",
        metavar="PATH",
        show_default="the bundled Qingyang 2024 dataset",
        help="A dataset folder (with datapackage.json or outcomes.csv), one outcomes CSV "
        "file, a Parquet file or a folder of them (see convert; rows are numbered from 1 in "
        "messages), - to read CSV from standard input, or example:qingyang-counties for the "
        "synthetic multi-year example.",
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="auto is a table on a terminal and CSV in a pipe or file (or what -o's suffix "
        "says). csv, tsv, json and jsonl carry raw values in base units; table and markdown "
        "are for people (a table on a terminal shows the first 1,000 rows); xlsx is a "
        "workbook with typed cells (with -o FILE.xlsx).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        dir_okay=False,
        help="Write to FILE (replaced atomically; never a file of the dataset) instead of "
        "standard output.",
    ),
]
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel and WPS: a UTF-8 BOM and CRLF, so that Chinese opens right on a "
        "double-click, and text cells starting with = + - @ made inert with a leading '.",
    ),
]
LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        case_sensitive=False,
        help="Labels and numbers for people: en (152,400) or zh (15.24万, Chinese labels).",
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback when something goes wrong.")
]


def _known_encoding(name: str | None) -> str | None:
    if name is not None and not is_encoding(name):
        raise typer.BadParameter(f'"{name}" is not an encoding Python knows (try gb18030, big5)')
    return name


EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        "-e",
        metavar="NAME",
        callback=_known_encoding,
        show_default="a BOM, else UTF-8, else GB18030",
        help="The encoding of every data file read, when detection is not enough: gb18030, "
        "big5, utf-16, cp1252…",
    ),
]
SkipBadRowsOption = Annotated[
    bool,
    typer.Option(
        "--skip-bad-rows",
        help="Set malformed rows aside and go on, instead of stopping at the first; the "
        "caption (or a note on standard error) says how many.",
    ),
]
RejectsOption = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        metavar="FILE",
        dir_okay=False,
        help="Write the rows set aside to FILE (CSV, or TSV, JSON or xlsx by its suffix): file, "
        "line, column, check, problem and the row as written. Implies --skip-bad-rows.",
    ),
]
