"""The only code that reads data: locating, decoding, parsing and validating datasets."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from laborstats.errors import (
    DataEncodingError,
    DataFormatError,
    DataSourceError,
    DataValueError,
    closest,
)
from laborstats.formula import (
    ALLOWED,
    RULE_ALLOWED,
    Formula,
    FormulaError,
    Rule,
    parse_formula,
    parse_rule,
)
from laborstats.quantities import EXAMPLES, parse_quantities
from laborstats.schema import METRICS, OUTCOMES, RULES, STUDIOS, TABLES, Table
from laborstats.vocabulary import ALL_REGIONS, EXACT, REPORTED

STDIN = "-"
DATAPACKAGE = "datapackage.json"
EXAMPLE_PREFIX = "example:"
_PERIOD = re.compile(r"^(?:|\d{4}|annual|cumulative|[1-9]\d* (?:years?|months?))$")


@dataclass(frozen=True)
class Dataset:
    """A loaded, validated dataset: its tables and where they came from."""

    title: str
    location: str
    sources: tuple[str, ...]
    outcomes: pd.DataFrame
    metrics: pd.DataFrame
    studios: pd.DataFrame | None = None
    rules: pd.DataFrame | None = None


def bundled_data_path() -> Path:
    """The folder of the bundled dataset, in an installed wheel or a source checkout."""
    installed = Path(__file__).parent / "data"
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / DATAPACKAGE).is_file():
        return checkout
    raise DataSourceError(
        "the bundled dataset is missing from this installation",
        where=str(installed),
        expected="a reinstall of laborstats, or --data PATH",
    )


def load_dataset(data: str | None = None) -> Dataset:
    """Load a dataset folder, an outcomes CSV, ``-`` (stdin), ``example:NAME`` (an example
    installed with laborstats) or, by default, the bundled data."""
    if not data:  # unset, or LABORSTATS_DATA set to nothing
        return _load_folder(bundled_data_path(), location="bundled dataset")
    if data.startswith(EXAMPLE_PREFIX):
        return _load_example(data.removeprefix(EXAMPLE_PREFIX))
    if data == STDIN:
        outcomes = _read_table(sys.stdin.buffer.read(), "<stdin>", OUTCOMES)
        return _assemble("<stdin>", "standard input", (), outcomes, None, None)
    path = Path(data)
    if path.is_dir():
        return _load_folder(path, location=str(path))
    if path.is_file():
        outcomes = _read_table(_read_bytes(path), str(path), OUTCOMES)
        beside = path.parent / METRICS.path
        metrics = (
            _read_table(_read_bytes(beside), str(beside), METRICS) if beside.is_file() else None
        )
        return _assemble(path.name, str(path), (), outcomes, metrics, None)
    raise DataSourceError(
        "no such file or folder",
        where=str(path),
        expected="a dataset folder, an outcomes CSV file, or - for standard input",
    )


def example_names() -> list[str]:
    """The example datasets installed with laborstats (``--data example:NAME``)."""
    examples = bundled_data_path() / "examples"
    return sorted(package.parent.name for package in examples.glob(f"*/{DATAPACKAGE}"))


def _load_example(name: str) -> Dataset:
    names = example_names()
    if name not in names:
        raise DataSourceError(
            "no such example dataset",
            where=EXAMPLE_PREFIX + name,
            expected="one of " + ", ".join(EXAMPLE_PREFIX + known for known in names),
        )
    folder = bundled_data_path() / "examples" / name
    return _load_folder(folder, location=EXAMPLE_PREFIX + name)


def _load_folder(folder: Path, *, location: str) -> Dataset:
    package_path = folder / DATAPACKAGE
    package = _read_datapackage(package_path)
    paths = {name: folder / path for name, path in _resource_paths(package, package_path).items()}
    for name, path in paths.items():
        if not path.is_file():
            raise DataSourceError(
                f'the {name} resource names a file that does not exist: "{path.name}"',
                where=str(package_path),
                expected="a path relative to the dataset folder",
            )
    outcomes_path = paths.get(OUTCOMES.name, folder / OUTCOMES.path)
    if not outcomes_path.is_file():
        raise DataSourceError(
            "the dataset folder has no outcomes table",
            where=str(folder),
            expected=f"a file {OUTCOMES.path} (or one named in {DATAPACKAGE})",
        )
    tables = {
        table.name: _read_table(_read_bytes(path), str(path), table)
        for table in TABLES
        if (path := paths.get(table.name, folder / table.path)).is_file()
    }
    sources = _source_titles(package, package_path)
    return _assemble(
        str(package.get("title") or folder.name),
        location,
        sources,
        tables[OUTCOMES.name],
        tables.get(METRICS.name),
        tables.get(STUDIOS.name),
        tables.get(RULES.name),
    )


def _resource_paths(package: dict[str, Any], where: Path) -> dict[str, str]:
    """The files a data package names for the tables laborstats reads."""
    resources = package.get("resources", [])
    if not isinstance(resources, list):
        raise DataFormatError('"resources" is not a list', where=str(where), expected="a list")
    paths = {}
    for resource in resources:
        if not isinstance(resource, dict):
            raise DataFormatError("a resource is not an object", where=str(where))
        name, path = resource.get("name"), resource.get("path")
        if name in {table.name for table in TABLES}:
            if not isinstance(path, str):
                raise DataFormatError(
                    f"the {name} resource has no single path",
                    where=str(where),
                    expected='"path": "file.csv"',
                )
            paths[str(name)] = path
    return paths


def _source_titles(package: dict[str, Any], where: Path) -> tuple[str, ...]:
    sources = package.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(source, dict) for source in sources):
        raise DataFormatError('"sources" is not a list of objects', where=str(where))
    return tuple(
        str(source.get("title") or source.get("path"))
        for source in sources
        if source.get("title") or source.get("path")
    )


def _assemble(
    title: str,
    location: str,
    sources: tuple[str, ...],
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame | None,
    studios: pd.DataFrame | None,
    rules: pd.DataFrame | None = None,
) -> Dataset:
    if metrics is None:
        bundled = bundled_data_path() / METRICS.path
        metrics = _read_table(_read_bytes(bundled), str(bundled), METRICS)
    if rules is not None:
        _check_rules(rules, metrics)
    return Dataset(
        title=title,
        location=location,
        sources=sources,
        outcomes=_check_against_metrics(outcomes, metrics),
        metrics=metrics,
        studios=studios,
        rules=rules,
    )


# --- bytes and text -------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataSourceError("no such file", where=str(path)) from None
    except IsADirectoryError:
        raise DataSourceError("is a folder", where=str(path), expected="a CSV file") from None
    except OSError as error:
        raise DataSourceError(f"cannot read: {error.strerror}", where=str(path)) from None


def decode(raw: bytes, where: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 text."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode_as(raw[len(codecs.BOM_UTF8) :], "utf-8", where)
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _decode_as(raw, "utf-32", where)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(raw, "utf-16", where)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise _encoding_error(raw, utf8_error, where, "UTF-8 or GB18030 text") from None


def _decode_as(raw: bytes, encoding: str, where: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise _encoding_error(
            raw, error, where, f"{encoding.upper()} text, as its BOM says"
        ) from None


def _encoding_error(
    raw: bytes, error: UnicodeDecodeError, where: str, expected: str
) -> DataEncodingError:
    line = raw.count(b"\n", 0, error.start) + 1
    bad = raw[error.start : error.start + 4]
    return DataEncodingError(
        f"bytes {bad.hex(' ')} are not valid text",
        where=where,
        line=line,
        expected=expected,
    )


def _read_datapackage(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    text = decode(_read_bytes(path), str(path))
    try:
        package = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFormatError(
            f"invalid JSON: {error.msg} at column {error.colno}", where=str(path), line=error.lineno
        ) from None
    if not isinstance(package, dict):
        raise DataFormatError("not a data package", where=str(path), expected="a JSON object")
    return package


# --- CSV into a frame ------------------------------------------------------------------


def read_csv_text(text: str, where: str) -> pd.DataFrame:
    """Parse CSV text into a frame of stripped strings with a ``line`` column.

    ``line`` is where each record starts, as a text editor counts lines, so
    that every later message can point at it. Blank lines are skipped; a
    record with more or fewer fields than the header stops the load.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 1
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if header is None:
                    header = _check_header(record, where, start)
                    header_line = start
                elif len(record) != len(header):
                    raise DataFormatError(
                        f"{len(record)} fields",
                        where=where,
                        line=start,
                        expected=f"{len(header)} fields, as in the header",
                    )
                else:
                    records.append(record)
                    lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise DataFormatError(f"malformed CSV: {error}", where=where, line=start) from None
    if header is None:
        raise DataFormatError("the file is empty", where=where, expected="a header row")
    columns = list(zip(*records, strict=True)) if records else [() for _ in header]
    frame = pd.DataFrame(
        {
            name: pd.Series(cells, dtype="str").str.strip()
            for name, cells in zip(header, columns, strict=True)
        }
    )
    frame["line"] = pd.Series(lines, dtype="int64")
    frame.attrs.update(header=header, header_line=header_line)
    return frame


def _check_header(record: list[str], where: str, line: int) -> list[str]:
    names = [name.strip() for name in record]
    for position, name in enumerate(names, start=1):
        if not name:
            raise DataFormatError(
                f"header field {position} is blank",
                where=where,
                line=line,
                expected="a column name",
            )
        if name in names[: position - 1]:
            raise DataFormatError(
                "duplicate column name",
                where=where,
                line=line,
                column=name,
                expected="unique names",
            )
    return names


def _read_table(raw: bytes, where: str, table: Table) -> pd.DataFrame:
    frame = read_csv_text(decode(raw, where), where)
    header, header_line = frame.attrs["header"], frame.attrs["header_line"]
    missing = [name for name in table.required if name not in header]
    if missing:
        raise DataFormatError(
            f"the header lacks {', '.join(missing)}",
            where=where,
            line=header_line,
            expected=f"the {table.name} columns {', '.join(table.required)}",
        )
    known = [column.name for column in table.columns]
    for name in header:
        if name not in known:
            close = closest(name, known)
            raise DataFormatError(
                "unknown column",
                where=where,
                line=header_line,
                column=name,
                expected=f'"{close}"' if close else f"the {table.name} columns of the schema",
            )
    for column in table.columns:
        if column.name not in frame.columns:
            frame[column.name] = pd.Series("", index=frame.index, dtype="str")
    frame.attrs["where"] = where
    checked = _Checker(frame, where)
    for column in table.columns:
        if column.required and column.type == "string" and not column.figure:
            checked.require(column.name)
        if column.enum:
            checked.within(column.name, column.enum)
    if table is OUTCOMES:
        return _typed_outcomes(checked)
    if table is METRICS:
        checked.unique(METRICS.key, "metric defined twice")
        _check_formulas(checked)
        _check_flows(checked)
        return checked.frame
    if table is RULES:
        checked.unique(RULES.key, "rule defined twice")
        frame["severity"] = frame["severity"].where(frame["severity"] != "", "error")
        return checked.frame
    return _typed_studios(checked)


class _Checker:
    """Vectorised cell checks that raise for the first bad row, naming its line."""

    def __init__(self, frame: pd.DataFrame, where: str) -> None:
        self.frame = frame
        self.where = where

    def fail_first(self, bad: pd.Series, column: str, problem: str, expected: str) -> None:
        if bad.any():
            self.fail_at(bad[bad].index[0], column, problem, expected)

    def fail_at(self, index: Any, column: str, problem: str, expected: str) -> NoReturn:
        row = self.frame.loc[index]
        raise DataValueError(
            problem,
            where=self.where,
            line=int(row["line"]),
            column=column,
            found=str(row[column]),
            expected=expected,
        )

    def metrics_of(
        self,
        at: Any,
        column: str,
        parse: Callable[[str], Formula | Rule],
        allowed: str,
        known: set[str],
    ) -> frozenset[str]:
        """The metrics a formula or rule in a cell names; fail at its row if it is not allowed."""
        try:
            parsed = parse(str(self.frame.at[at, column]))
        except FormulaError as error:
            self.fail_at(at, column, str(error), allowed)
        unknown = sorted(parsed.metrics - known)
        if unknown:
            self.fail_at(
                at, column, f"unknown metric {', '.join(unknown)}", "metrics of metrics.csv"
            )
        return parsed.metrics

    def require(self, column: str) -> None:
        self.fail_first(self.frame[column] == "", column, "empty cell", "a value")

    def within(self, column: str, allowed: tuple[str, ...]) -> None:
        cells = self.frame[column]
        bad = (cells != "") & ~cells.isin(allowed)
        self.fail_first(bad, column, "unknown value", "one of " + ", ".join(allowed))

    def integers(self, column: str, *, required: bool) -> pd.Series:
        cells = self.frame[column]
        numbers = pd.to_numeric(cells.where(cells != ""), errors="coerce")
        year = (numbers == np.floor(numbers)) & numbers.between(1000, 9999)
        bad = (cells != "") & ~year
        if required:
            bad |= cells == ""
        self.fail_first(bad, column, "not a year", "a year such as 2024")
        return numbers.where(year).astype("Int64")

    def figures(self, column: str) -> pd.DataFrame:
        parsed = parse_quantities(self.frame[column])
        self.fail_first(~parsed["valid"], column, "not a figure", EXAMPLES)
        return parsed

    def unique(self, key: tuple[str, ...], problem: str) -> None:
        keys = self.frame[list(key)]
        repeated = keys.duplicated(keep="first").to_numpy()
        if repeated.any():
            position = int(repeated.argmax())
            again = keys.iloc[position]
            first = int((keys == again).all(axis=1).to_numpy().argmax())
            lines = self.frame["line"].to_numpy()
            raise DataValueError(
                f"{problem} (first at line {lines[first]})",
                where=self.where,
                line=int(lines[position]),
                found=" / ".join(str(cell) for cell in again if str(cell)),
                expected="one row per " + ", ".join(key),
            )


def _typed_outcomes(checked: _Checker) -> pd.DataFrame:
    frame = checked.frame
    frame["year"] = checked.integers("year", required=True).astype("int64")
    figures = checked.figures("value")
    checked.fail_first(figures["value"].isna(), "value", "no figure", "a figure for every row")
    frame["percent_written"] = figures["percent"]
    written = figures["qualifier"]
    stated = frame["qualifier"]
    contradicts = (stated != "") & written.notna() & (written != EXACT) & (written != stated)
    checked.fail_first(
        contradicts,
        "qualifier",
        "contradicts the value",
        "the qualifier written in the value, or a blank cell",
    )
    frame["qualifier"] = stated.where(stated != "", written.fillna(EXACT))
    frame["value"] = figures["value"]
    frame["basis"] = frame["basis"].where(frame["basis"] != "", REPORTED)
    period = frame["period"]
    bad_period = ~period.str.fullmatch(_PERIOD.pattern) | (
        period.str.fullmatch(r"\d{4}") & (period != frame["year"].astype("str"))
    )
    checked.fail_first(
        bad_period, "period", "unknown period", "the row's year, annual, cumulative or 'N years'"
    )
    checked.fail_first(
        frame["region"] == ALL_REGIONS,
        "region",
        "a name laborstats keeps for totals over regions",
        "another name for the region",
    )
    checked.unique(OUTCOMES.key, "the same figure twice")
    return frame


def _check_formulas(checked: _Checker) -> None:
    """Formulas are arithmetic on defined metrics, with no metric defined through itself."""
    frame = checked.frame
    known = set(frame["metric"])
    graph: dict[str, set[str]] = {}
    for at, metric, text in zip(frame.index, frame["metric"], frame["formula"], strict=True):
        if not text:
            continue
        graph[metric] = set(checked.metrics_of(at, "formula", parse_formula, ALLOWED, known))
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = list(error.args[1])
        checked.fail_at(
            frame.index[frame["metric"] == cycle[0]][0],
            "formula",
            "metrics defined through each other: " + " → ".join(cycle),
            "formulas without a cycle",
        )


def _check_rules(rules: pd.DataFrame, metrics: pd.DataFrame) -> None:
    """Rules are comparisons of arithmetic on the dictionary's metrics."""
    checked = _Checker(rules, rules.attrs["where"])
    known = set(metrics["metric"])
    for at in rules.index:
        checked.metrics_of(at, "check", parse_rule, RULE_ALLOWED, known)


def _check_flows(checked: _Checker) -> None:
    """A flow adds to another metric of the dictionary, counted in the same unit."""
    frame = checked.frame
    units = frame.set_index("metric")["unit"]
    flows = frame[frame["flow_of"] != ""]
    checked.fail_first(
        ~flows["flow_of"].isin(units.index), "flow_of", "unknown metric", "a metric of metrics.csv"
    )
    checked.fail_first(
        flows["flow_of"] == flows["metric"], "flow_of", "a flow of itself", "another metric"
    )
    checked.fail_first(
        flows["flow_of"].map(units) != flows["unit"],
        "flow_of",
        "a stock in another unit",
        "a stock counted in the flow's unit",
    )


def _typed_studios(checked: _Checker) -> pd.DataFrame:
    frame = checked.frame
    checked.unique(STUDIOS.key, "studio listed twice")
    frame["founded"] = checked.integers("founded", required=False)
    for column in STUDIOS.columns:
        if column.figure:
            parsed = checked.figures(column.name)
            frame[column.name] = parsed["value"]
            frame[f"{column.name}_qualifier"] = parsed["qualifier"]
    return frame


def _check_against_metrics(outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Every outcome names a defined metric and agrees with its programme."""
    where = str(outcomes.attrs.get("where", "outcomes"))
    known = outcomes["metric"].isin(metrics["metric"])
    if not known.all():
        row = outcomes.loc[~known].iloc[0]
        close = closest(row["metric"], metrics["metric"])
        hint = f' (did you mean "{close}"?)' if close else ""
        raise DataValueError(
            "unknown metric",
            where=where,
            line=int(row["line"]),
            column="metric",
            found=row["metric"],
            expected="a metric defined in metrics.csv" + hint,
        )
    defined = outcomes["metric"].map(metrics.set_index("metric")["programme"])
    checked = _Checker(outcomes, where)
    checked.fail_first(
        (outcomes["programme"] != "") & (outcomes["programme"] != defined),
        "programme",
        "disagrees with metrics.csv",
        "the metric's programme in metrics.csv, or a blank cell",
    )
    outcomes["programme"] = defined
    units = outcomes["metric"].map(metrics.set_index("metric")["unit"])
    checked.fail_first(
        outcomes.pop("percent_written") & (units != "percent"),
        "value",
        "a percentage for a metric that is not counted in percent",
        "a figure in the metric's unit, as metrics.csv defines it",
    )
    return outcomes
