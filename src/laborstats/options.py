"""Options shared by every command, as Annotated types."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
        "file, - to read CSV from standard input, or example:qingyang-counties for the "
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
        "are for people.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        dir_okay=False,
        help="Write to FILE (replaced atomically) instead of standard output.",
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
