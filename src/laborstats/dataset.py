"""The only code that reads data: locating, decoding, parsing and validating datasets."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from laborstats.codes import as_codes, as_texts
from laborstats.columnar import (
    ALL_YEARS,
    Doubt,
    KeptParquetRows,
    KeptRows,
    ParquetDoubt,
    ParquetRepeats,
    Progress,
    Repeats,
    Scan,
    Years,
    doubted_rows,
    in_utf8,
    repeated_parquet_rows,
    repeated_rows,
    scan_outcomes,
    scan_parquet,
)
from laborstats.encoding import decode, is_encoding
from laborstats.errors import (
    DataEncodingError,
    DataFormatError,
    DataSourceError,
    DataValueError,
    LaborstatsError,
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
from laborstats.schema import METRICS, OUTCOMES, PERIOD, RULES, STUDIOS, TABLES, Table
from laborstats.stats.checks import ERROR, first_error, value_problems
from laborstats.stats.derived import derivation_metrics
from laborstats.stats.series import REPORTER, reporting
from laborstats.vocabulary import ALL_REGIONS, EXACT, REPORTED

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

STDIN = "-"
DATAPACKAGE = "datapackage.json"
_Repeats = TypeVar("_Repeats", Repeats, ParquetRepeats)  # what a scan again is given
EXAMPLE_PREFIX = "example:"
# Rows set aside by --skip-bad-rows: where each was, what was wrong, and the row as written.
REJECT_COLUMNS = ["file", "line", "column", "check", "problem", "row"]
_LINES_SLICE = 1 << 20  # characters of text read into lines at a time
_RECORDS_FRAMED = 1 << 16  # records read_csv_text holds as Python lists at a time
_LARGEST_WRITTEN = "a figure of less than 2^53 (9,007,199,254,740,992) in size"
_RAW = "raw"  # the verbatim text of each record, kept while rows may still be set aside
_TEXT_ROWS = 1 << 16  # rows of a Parquet row group read at a time for some of them
PARQUET_MAGIC = b"PAR1"
# The key of what `laborstats convert` stores beside the rows of a Parquet file:
# the dataset's title, sources and metrics.csv, as JSON.
PARQUET_METADATA = b"laborstats"
# Rows of each row group of the Parquet file convert writes.
_ROW_GROUP = 1 << 20


def no_rejects() -> pd.DataFrame:
    """An empty table of rejected rows."""
    frame = pd.DataFrame({name: pd.Series(dtype="str") for name in REJECT_COLUMNS})
    return frame.astype({"line": "int64"})


@dataclass(frozen=True)
class Dataset:
    """A loaded, validated dataset: its tables, where they came from, and rows set aside."""

    title: str
    location: str
    sources: tuple[str, ...]
    outcomes: pd.DataFrame
    metrics: pd.DataFrame
    studios: pd.DataFrame | None = None
    rules: pd.DataFrame | None = None
    rejected: pd.DataFrame = field(default_factory=no_rejects)
    # Every year with outcomes, including those whose rows were not kept.
    years: tuple[int, ...] = ()
    # With Years(pools=True) or Years(summed=True): who reports each series in any
    # year (see laborstats.stats.series.reporting), including rows not kept.
    reporters: pd.DataFrame | None = None
    # With Years(summed=True), of a large file: the partial totals of the rows summed
    # as they were read, not kept (see laborstats.stats.totals.partial_totals).
    partial: pd.DataFrame | None = None
    # The text of each other table (metrics.csv, rules.csv, studios.csv) as read.
    texts: dict[str, str] = field(default_factory=dict)


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


def load_dataset(
    data: str | None = None,
    *,
    encoding: str | None = None,
    skip_bad_rows: bool = False,
    years: Years = ALL_YEARS,
    progress: Progress | None = None,
) -> Dataset:
    """Load a dataset folder, an outcomes CSV, a Parquet file or folder of them, ``-``
    (stdin), ``example:NAME`` (an example installed with laborstats) or, by
    default, the bundled data.

    ``encoding`` overrides detection for every file read. By default the first
    bad row stops the load with a LaborstatsError naming its file and line;
    with ``skip_bad_rows`` bad rows are set aside in ``Dataset.rejected``
    instead, verbatim, and only problems of a whole file stop the load.
    Only the outcome rows of ``years`` are kept (every row is checked);
    ``progress`` hears of the bytes of a large outcomes file as they are read.
    """
    reader = _Reader(encoding, skip_bad_rows, years, progress)
    if not data:  # unset, or LABORSTATS_DATA set to nothing
        return reader.folder(bundled_data_path(), location="bundled dataset")
    if data.startswith(EXAMPLE_PREFIX):
        return reader.folder(_example_folder(data.removeprefix(EXAMPLE_PREFIX)), location=data)
    if data == STDIN:
        outcomes = _File("<stdin>", raw=sys.stdin.buffer.read())
        return reader.assemble("<stdin>", "standard input", (), {}, outcomes)
    path = Path(data)
    if path.name == DATAPACKAGE and path.is_file():  # the package file names its folder
        path = path.parent
    files = _parquet_files(path)
    if files:
        return reader.parquet(path, files)
    if path.is_dir():
        return reader.folder(path, location=str(path))
    if path.is_file():
        _check_readable(path)
        beside = path.parent / METRICS.path
        tables = {}
        if beside.is_file():
            tables[METRICS.name] = reader.table(_read_bytes(beside), str(beside), METRICS)
        return reader.assemble(path.name, str(path), (), tables, _File(str(path), path=path))
    raise DataSourceError(
        "no such file or folder",
        where=str(path),
        expected="a dataset folder, an outcomes CSV or Parquet file, or - for standard input",
    )


def dataset_files(data: str | None) -> tuple[list[Path], Path | None]:
    """The files a load of ``data`` (as load_dataset takes it) reads, and the folder of
    Parquet files it reads, if it does (a Parquet file put there is read too): no
    result may be written over, or into, them."""
    if data == STDIN:
        return [], None
    if not data:
        folder = bundled_data_path()
    elif data.startswith(EXAMPLE_PREFIX):
        folder = bundled_data_path() / "examples" / data.removeprefix(EXAMPLE_PREFIX)
    else:
        folder = Path(data)
        if folder.name == DATAPACKAGE and folder.is_file():
            folder = folder.parent
        files = _parquet_files(folder)
        if files and folder.is_dir():  # a dataset's files there would make it one
            dataset = [folder / name for name in (DATAPACKAGE, OUTCOMES.path, METRICS.path)]
            return [*files, *dataset], folder
        if files:
            return [*files, folder.parent / METRICS.path], None
        if folder.is_file():
            return [folder, folder.parent / METRICS.path], None
    package_path = folder / DATAPACKAGE
    try:
        resources = _resources(_read_datapackage(package_path), package_path)
    except LaborstatsError:  # the load says what is wrong
        resources = {}
    tables = [folder / resources.get(table.name, (table.path, None))[0] for table in TABLES]
    return [package_path, *tables], None


def example_names() -> list[str]:
    """The example datasets installed with laborstats (``--data example:NAME``)."""
    examples = bundled_data_path() / "examples"
    return sorted(package.parent.name for package in examples.glob(f"*/{DATAPACKAGE}"))


def _example_folder(name: str) -> Path:
    names = example_names()
    if name not in names:
        raise DataSourceError(
            "no such example dataset",
            where=EXAMPLE_PREFIX + name,
            expected="one of " + ", ".join(EXAMPLE_PREFIX + known for known in names),
        )
    return bundled_data_path() / "examples" / name


@dataclass(frozen=True)
class _File:
    """An outcomes file: where it is on disk or, for stdin, its bytes; and the encoding
    it declares."""

    where: str
    path: Path | None = None
    raw: bytes = b""
    encoding: str | None = None


class _Reader:
    """Reads the tables of one dataset with one encoding setting and one way with bad rows."""

    def __init__(
        self,
        encoding: str | None,
        skip_bad_rows: bool,
        years: Years = ALL_YEARS,
        progress: Progress | None = None,
    ) -> None:
        self.encoding = encoding
        # Rows set aside, one table per check; None while bad rows stop the load.
        self.rejected: list[pd.DataFrame] | None = [] if skip_bad_rows else None
        self.years = years
        self.progress = progress
        self.texts: dict[str, str] = {}  # each table's text, by file name
        self.first: _FirstBadRow | None = None  # in a load that stops at the first bad row

    def checker(self, frame: pd.DataFrame, where: str) -> _Checker:
        return _Checker(frame, where, self.rejected, self.first)

    @contextlib.contextmanager
    def first_bad_row(self, files: list[str] | None = None) -> Iterator[_FirstBadRow | None]:
        """Checks made inside stop the load at the first bad row in file order, once
        they are all made (see _FirstBadRow; ``files`` in their order). Setting bad
        rows aside, they stop nothing (and there is no first)."""
        if self.rejected is not None:
            yield None
            return
        outer, self.first = self.first, _FirstBadRow(files)
        first = self.first
        try:
            yield first
        finally:
            self.first = outer
        if first.error is not None:
            raise first.error

    def folder(self, folder: Path, *, location: str) -> Dataset:
        package_path = folder / DATAPACKAGE
        package = _read_datapackage(package_path)
        resources = _resources(package, package_path)
        for name, (path_text, _) in resources.items():
            if not (folder / path_text).is_file():
                raise DataSourceError(
                    f'the {name} resource names a file that does not exist: "{path_text}"',
                    where=str(package_path),
                    expected="a path relative to the dataset folder",
                )
        path_text, encoding = resources.get(OUTCOMES.name, (OUTCOMES.path, None))
        if not (folder / path_text).is_file():
            raise DataSourceError(
                "the dataset folder has no outcomes table",
                where=str(folder),
                expected=f"a file {OUTCOMES.path}, or a CSV or Parquet file named in {DATAPACKAGE}",
            )
        outcomes = _File(str(folder / path_text), path=folder / path_text, encoding=encoding)
        tables = {}
        for table in TABLES:
            path_text, encoding = resources.get(table.name, (table.path, None))
            path = folder / path_text
            if table is not OUTCOMES and path.is_file():
                tables[table.name] = self.table(_read_bytes(path), str(path), table, encoding)
        # The folder's name as given (resolve() would name a link's target); . and .. too.
        named = Path(os.path.abspath(folder)).name  # noqa: PTH100
        title = str(package.get("title") or named or folder)
        sources = _source_titles(package, package_path)
        return self.assemble(title, location, sources, tables, outcomes)

    def parquet(self, path: Path, files: list[Path]) -> Dataset:
        """A Parquet file, or a folder of them (``files``), with the tables ``convert``
        stored in it; without them, a metrics.csv beside the file (in the folder), or the
        bundled one."""
        stored = _stored_metadata(files[0])
        tables = {}
        for table in (METRICS, RULES, STUDIOS):
            if table.path in stored:
                where = f"{files[0]} ({table.path} stored in it)"
                tables[table.name] = self.table_text(str(stored[table.path]), where, table)
        beside = (path if path.is_dir() else path.parent) / METRICS.path
        if not stored and beside.is_file():
            tables[METRICS.name] = self.table(_read_bytes(beside), str(beside), METRICS)
        title = str(stored.get("title") or path.name)
        sources = tuple(str(source) for source in stored.get("sources", []))
        return self.assemble(title, str(path), sources, tables, _File(str(path), path=path))

    def table(
        self, raw: bytes, where: str, table: Table, encoding: str | None = None
    ) -> pd.DataFrame:
        """One table read, checked and typed; the encoding asked for wins over the file's."""
        return self.table_text(decode(raw, where, self.encoding or encoding), where, table)

    def table_text(self, text: str, where: str, table: Table) -> pd.DataFrame:
        """One table read from text, checked and typed."""
        self.texts[table.path] = text
        with self.first_bad_row() as first:
            frame = read_csv_text(text, where, rejected=self.rejected, first=first)
            checker = self.checker(_with_schema_columns(frame, where, table), where)
            return _typed_table(checker, table)

    def assemble(
        self,
        title: str,
        location: str,
        sources: tuple[str, ...],
        tables: dict[str, pd.DataFrame],
        outcomes_file: _File,
    ) -> Dataset:
        """The dataset of ``tables`` (all but outcomes) and its outcomes, read last."""
        metrics = tables.get(METRICS.name)
        if metrics is None:
            bundled = bundled_data_path() / METRICS.path
            fallback = _Reader(None, skip_bad_rows=False)
            metrics = fallback.table(_read_bytes(bundled), str(bundled), METRICS)
            self.texts.update(fallback.texts)
        rules = tables.get(RULES.name)
        if rules is not None:
            with self.first_bad_row():
                rules = _check_rules(self.checker(rules, rules.attrs["where"]), metrics)
        scan = self.outcomes(outcomes_file, metrics)
        studios = tables.get(STUDIOS.name)
        checked = {METRICS.path: metrics, RULES.path: rules, STUDIOS.path: studios}
        return Dataset(
            title=title,
            location=location,
            sources=sources,
            outcomes=_without_raw(scan.outcomes),
            metrics=_without_raw(metrics),
            studios=None if studios is None else _without_raw(studios),
            rules=None if rules is None else _without_raw(rules),
            rejected=self.rejects(),
            years=scan.years,
            reporters=scan.reporters,
            partial=scan.partial,
            texts={path: _as_kept(text, checked.get(path)) for path, text in self.texts.items()},
        )

    def outcomes(self, file: _File, metrics: pd.DataFrame) -> Scan:
        """The checked outcomes of the years asked for, every year in the file, (with
        Years.pools or Years.summed) who reports each series in any year, and (with
        Years.summed, by the fast path) the partial totals of the rows summed as read.

        A Parquet file or a CSV file on disk is read by the fast path of
        columnar.py (see in_utf8 for the encodings it reads); when that has
        doubts, or for other files, the exact reader reads it.
        """
        this_year = datetime.date.today().year
        files = _parquet_files(file.path) if file.path is not None else None
        if files:
            columns = _parquet_columns(files)
            fast = self.parquet_scanned(files, columns, file.where, metrics, this_year)
            if fast is not None:
                return fast
            # As for one CSV file: the checks of each row, one row per key (across
            # the files), then the checks against metrics.csv.
            with self.first_bad_row([str(path) for path in files]):
                typed = [
                    self.typed(
                        _parquet_text(path, columns, self.rejected is not None), unique=False
                    )
                    for path in files
                ]
                every = [self.valued(frame, metrics) for frame in self.unique_across(typed)]
            outcomes = pd.concat(every, ignore_index=True)
            outcomes.attrs.update(header=columns, header_line=None, where=file.where)
        else:
            encoding = self.encoding or file.encoding
            if file.path is not None:
                fast = self.scanned(file.path, file.where, metrics, this_year, encoding)
                if fast is not None:
                    return fast
            # Neither the bytes nor the text are held beyond their use: at 10M rows,
            # 1 and 2 GB.
            raw = file.raw if file.path is None else _read_bytes(file.path)
            text = decode(raw, file.where, self.encoding or file.encoding)
            read = None
            if self.progress is not None:  # the bytes read, as far as the text is read
                self.progress.restart(f"Checking {file.where} line by line")
                read = _text_progress(self.progress, len(raw), len(text))
            del raw
            with self.first_bad_row() as first:
                frame = read_csv_text(
                    text,
                    file.where,
                    rejected=self.rejected,
                    first=first,
                    read_on=False,
                    progress=read,
                )
                del text
                outcomes = self.valued(self.typed(frame), metrics)
        years = outcomes["year"].to_numpy()
        seen = tuple(sorted(set(years.tolist())))
        kept = self.years.keeps(years, max(seen, default=0))
        reporters = None
        if self.years.pools:
            kept |= outcomes["metric"].isin(derivation_metrics(metrics)).to_numpy()
        kept_metric = self.years.kept_metrics(metrics)
        if not kept_metric.all():
            kept &= outcomes["metric"].isin(metrics["metric"][kept_metric]).to_numpy()
        if self.years.reporting:
            reporters = as_codes(reporting(outcomes), REPORTER)
        if not kept.all():
            outcomes = outcomes[kept].reset_index(drop=True)
        return Scan(as_codes(outcomes), seen, reporters)

    def parquet_scanned(
        self,
        files: list[Path],
        columns: list[str],
        where: str,
        metrics: pd.DataFrame,
        this_year: int,
    ) -> Scan | None:
        """As scanned, for Parquet files holding ``columns``."""

        def scan(
            doubted: _Reader | None, repeats: ParquetRepeats | None
        ) -> Scan | ParquetDoubt | ParquetRepeats | None:
            unique = repeats is not None
            return scan_parquet(
                files,
                columns,
                metrics,
                where=where,
                years=self.years,
                this_year=this_year,
                progress=self.progress,
                kept_rows=None
                if doubted is None
                else doubted.kept_parquet_rows(columns, metrics, unique=unique),
                doubted_keys=None if repeats is None else repeats.hashes,
            )

        if self.rejected is not None:
            return self.setting_aside(scan, where)
        fast = scan(None, None)
        if isinstance(fast, Scan):
            return fast
        if fast is not None:
            self.check_parquet_first(fast, columns, metrics)
        return None

    def scanned(
        self,
        path: Path,
        where: str,
        metrics: pd.DataFrame,
        this_year: int,
        encoding: str | None,
    ) -> Scan | None:
        """The outcomes of a CSV file as the fast path reads them (a file in UTF-16 or
        UTF-32 from a copy in UTF-8: see in_utf8); or None, and the exact reader
        reads the file (if it finds a problem where the fast read says, that is
        raised first: see check_first)."""
        with in_utf8(path, encoding, where, self.progress) as readable:
            if readable is None:
                return None
            return self._scanned(*readable, where, metrics, this_year)

    def _scanned(
        self, path: Path, encoding: str | None, where: str, metrics: pd.DataFrame, this_year: int
    ) -> Scan | None:
        """scanned, of a file the fast path reads in ``encoding``."""

        def scan_file(
            doubted: _Reader | None, repeats: Repeats | None
        ) -> Scan | Doubt | Repeats | None:
            # A scan again reads the file in the encoding the first found (see Repeats).
            return scan_outcomes(
                path,
                metrics,
                years=self.years,
                this_year=this_year,
                progress=self.progress,
                kept_rows=None
                if doubted is None
                else doubted.kept_rows(where, metrics, unique=repeats is not None),
                encoding=encoding if repeats is None else repeats.encoding,
                doubted_keys=None if repeats is None else repeats.hashes,
                where=where,
            )

        if self.rejected is not None:
            return self.setting_aside(scan_file, where)
        fast = scan_file(None, None)
        if isinstance(fast, Scan):
            return fast
        if fast is not None:
            self.check_first(fast, where, metrics)
        return None

    def setting_aside(
        self,
        scan: Callable[[_Reader, _Repeats | None], Scan | Doubt | ParquetDoubt | _Repeats | None],
        where: str,
    ) -> Scan | None:
        """What a fast read (``scan``) of outcomes gives setting bad rows aside; or
        None, and the exact reader reads the files.

        The fast read leaves the rows it doubts to an exact reader (see kept_rows):
        what that sets aside counts only if the scan succeeds. When keys may repeat,
        every copy is set aside: the files are scanned again with those keys
        doubted, and each key's rows are given to the exact reader together (a
        million rows with 50 keys twice: 1.7 s and 0.3 GB; the whole file read
        exactly took 12 s and 1.7 GB).
        """
        doubted = _Reader(None, skip_bad_rows=True)
        fast = scan(doubted, None)
        if isinstance(fast, Repeats | ParquetRepeats):
            if self.progress is not None:
                self.progress.restart(f"Reading {where} again to set aside every copy of a figure")
            doubted = _Reader(None, skip_bad_rows=True)
            fast = scan(doubted, fast)  # (a key that repeats still: the exact reader's)
        if not isinstance(fast, Scan):
            return None
        if self.rejected is not None:
            self.rejected += doubted.rejected or []
        return fast

    def check_first(self, rows: Doubt | Repeats, where: str, metrics: pd.DataFrame) -> None:
        """Raise the problem of the rows the fast read left to the exact reader, if the
        exact reader finds one there: then it need not read the whole file to say where
        (a bad row at the end of ten million took it 2 minutes and 14 GB).

        The rows it doubted first (see doubted_rows), their keys not checked as a copy
        may be elsewhere; but a copy of a key up to them that comes before their first
        bad row is named instead. Or, in a file whose rows all passed each row's
        checks, the first copy of a key and the row it copies (see repeated_rows).
        Nothing is raised when only the exact reader reading the whole file can say.
        """
        if isinstance(rows, Repeats):
            copy = repeated_rows(rows)
            if copy is not None:
                self.name_copy(*copy, where, metrics)
            return
        doubted = doubted_rows(rows)
        if doubted is None:
            return
        text, line = doubted
        try:
            with self.first_bad_row() as first:
                frame = read_csv_text(text, where, first=first, lines_before=line - 2)
                self.valued(self.typed(frame, unique=False), metrics)
        except LaborstatsError as error:
            if rows.copies is None:
                raise
            copy = repeated_rows(rows.copies)
            if copy is not None:
                if copy[1][-1] > (error.line or 0):  # (a problem of no row: line 0)
                    raise  # the first copy comes after the first bad row
                self.name_copy(*copy, where, metrics)

    def name_copy(self, text: str, lines: np.ndarray, where: str, metrics: pd.DataFrame) -> None:
        """Raise the problem of a row whose key an earlier row holds, and of that row, as
        the exact reader names them (``text``: the header line and the two rows, on
        ``lines``); nothing if their keys only share a hash."""
        with self.first_bad_row() as first:
            frame = read_csv_text(text, where, first=first)
            frame["line"] = lines  # the rows' own lines in the file
            self.valued(self.typed(frame), metrics)

    def check_parquet_first(
        self, rows: ParquetDoubt | ParquetRepeats, columns: list[str], metrics: pd.DataFrame
    ) -> None:
        """As check_first, for the rows of Parquet files: the rows the fast read doubted
        first, or the first copy of a key and the row it copies (a figure given twice in
        a million rows is named in 1 s and 0.5 GB, where the files read whole took 4 s
        and 1.5 GB)."""
        if isinstance(rows, ParquetRepeats):
            self.name_parquet_copy(rows, repeated_parquet_rows(rows), metrics)
            return
        doubted = np.arange(rows.first_row, rows.first_row + rows.rows)
        try:
            with self.first_bad_row():
                text = _parquet_text(rows.path, columns, keep_raw=False, rows=doubted)
                self.valued(self.typed(text, unique=False), metrics)
        except LaborstatsError as error:
            copies = rows.copies
            if copies is None:
                raise
            copy = repeated_parquet_rows(copies)
            if copy:  # the two rows by file: the copy is the last of the last file
                path, lines = max(copy.items(), key=lambda item: copies.files.index(item[0]))
                bad = (copies.files.index(rows.path), error.line or 0)
                if (copies.files.index(path), int(lines[-1])) > bad:
                    raise
            self.name_parquet_copy(copies, copy, metrics)

    def name_parquet_copy(
        self, repeats: ParquetRepeats, copy: dict[Path, np.ndarray] | None, metrics: pd.DataFrame
    ) -> None:
        """As name_copy, for the two rows of Parquet files ``copy`` names (see
        repeated_parquet_rows); nothing without them."""
        if not copy:
            return
        with self.first_bad_row([str(path) for path in repeats.files]):
            typed = [
                self.typed(
                    _parquet_text(path, repeats.columns, keep_raw=False, rows=lines), unique=False
                )
                for path, lines in copy.items()
            ]
            for frame in self.unique_across(typed):
                self.valued(frame, metrics)

    def kept_rows(self, where: str, metrics: pd.DataFrame, *, unique: bool = False) -> KeptRows:
        """Some rows of an outcomes file (each on its line, given) read, checked and
        set aside here as in the whole file (see scan_outcomes): the lines of those
        kept, and the keys of those set aside after their keys were looked at for
        copies (a copy elsewhere makes both bad rows). With ``unique``, the rows
        hold every copy of their keys, and the copies are set aside."""

        def kept(text: str, lines: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
            misread: list[pd.DataFrame] = []
            frame = read_csv_text(text, where, rejected=misread)
            for rows in [frame, *misread]:  # the rows' lines in the file
                rows["line"] = lines[rows["line"].to_numpy() - 2]
            if self.rejected is not None:
                self.rejected += misread
            return self.kept_of(self.typed(frame, unique=unique), metrics)

        return kept

    def kept_parquet_rows(
        self, columns: list[str], metrics: pd.DataFrame, *, unique: bool = False
    ) -> KeptParquetRows:
        """As kept_rows, for rows of Parquet files given by number (from 1), copies
        looked for across the files."""

        def kept(rows: dict[Path, np.ndarray]) -> tuple[dict[Path, np.ndarray], pd.DataFrame]:
            typed = [
                self.typed(_parquet_text(path, columns, keep_raw=True, rows=numbers), unique=False)
                for path, numbers in rows.items()
            ]
            frames = self.unique_across(typed) if unique else typed
            found = [self.kept_of(frame, metrics) for frame in frames]
            kept_rows = {path: lines for path, (lines, _) in zip(rows, found, strict=True)}
            return kept_rows, pd.concat([counted for _, counted in found])

        return kept

    def kept_of(
        self, typed: pd.DataFrame, metrics: pd.DataFrame
    ) -> tuple[np.ndarray, pd.DataFrame]:
        """Some rows of an outcomes file, read and typed, checked and set aside (see
        kept_rows): the lines of those kept, and the keys of those set aside after
        their keys were looked at for copies."""
        checked = self.valued(typed, metrics)
        kept_lines: np.ndarray = checked["line"].to_numpy()
        set_aside = ~typed["line"].isin(kept_lines)
        return kept_lines, typed.loc[set_aside, list(OUTCOMES.key)]

    def typed(self, frame: pd.DataFrame, *, unique: bool = True) -> pd.DataFrame:
        """Outcomes as read (text, a line and perhaps the raw row), typed and checked row
        by row; and, with ``unique``, one row per key."""
        where = frame.attrs["where"]
        checker = self.checker(_with_schema_columns(frame, where, OUTCOMES), where)
        return _typed_table(checker, OUTCOMES, unique=unique)

    def valued(self, outcomes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
        """Typed outcomes checked against the metrics and for impossible values."""
        where = outcomes.attrs["where"]
        outcomes = _check_against_metrics(self.checker(outcomes, where), metrics)
        return _check_values(self.checker(outcomes, where), metrics, datetime.date.today().year)

    def unique_across(self, frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
        """One row per key in the rows of Parquet files: the second copy stops the
        load, or every copy is set aside. Rows are named by file and row number."""
        key = list(OUTCOMES.key)
        every = pd.concat(
            [
                frame[key]
                .astype("str")
                .assign(file=frame.attrs["where"], line=frame["line"], part=part)
                for part, frame in enumerate(frames)
            ],
            ignore_index=True,
        )
        repeated = every.duplicated(key, keep=False)
        if not repeated.any():
            return frames
        expected = "one row per " + ", ".join(key)
        # The copies of each key, in file order (records made once: a frame of each
        # group made into records took 0.3-0.7 ms a key).
        copies = every[repeated]
        numbers = copies.groupby(key, sort=False, dropna=False).ngroup().tolist()
        groups: list[list[dict[str, Any]]] = [[] for _ in range(max(numbers) + 1)]
        for number, record in zip(numbers, copies.to_dict("records"), strict=True):
            groups[number].append(record)  # type: ignore[arg-type]

        def at(row: dict[str, Any], beside: dict[str, Any]) -> str:
            """A row as a message names it: in its file, or in another."""
            place = "" if row["file"] == beside["file"] else f"{row['file']} "
            return f"{place}row {row['line']}"

        def error(row: dict[str, Any], problem: str) -> DataValueError:
            return DataValueError(
                f"the same figure twice ({problem})",
                where=str(row["file"]),
                line=int(row["line"]),
                found=" / ".join(str(row[name]) for name in key if row[name]),
                expected=expected,
            )

        if self.rejected is None:  # the copy that comes first in file order
            first, second = min(groups, key=lambda same: (same[1]["part"], same[1]["line"]))[:2]
            _stop_at(self.first, error(second, f"first at {at(first, second)}"))
            # The copies, not the row each copies: its own checks still count.
            copies = copies[copies.duplicated(key)]
        else:
            raws = [dict(zip(frame["line"], frame[_RAW], strict=True)) for frame in frames]
            rejected = [
                _reject(
                    error(row, ", ".join(at(other, row) for other in same)),
                    "load",
                    str(raws[row["part"]][row["line"]]),
                )
                for same in groups
                for row in same
            ]
            self.rejected.append(pd.DataFrame(rejected, columns=REJECT_COLUMNS))
        return [
            frame[~frame["line"].isin(copies.loc[copies["part"] == part, "line"])].reset_index(
                drop=True
            )
            for part, frame in enumerate(frames)
        ]

    def rejects(self) -> pd.DataFrame:
        frames = [frame for frame in self.rejected or [] if not frame.empty]
        if not frames:
            return no_rejects()
        rejected = pd.concat(frames, ignore_index=True)[REJECT_COLUMNS]
        return rejected.sort_values(["file", "line"], kind="stable").reset_index(drop=True)


def _as_kept(text: str, frame: pd.DataFrame | None) -> str:
    """A table's text with only the rows its checks kept, where rows may have been set
    aside (the raw rows are kept then)."""
    if frame is None or _RAW not in frame.columns:
        return text
    header = _OneWrite()
    csv.writer(header, lineterminator="").writerow(frame.attrs["header"])
    return "\n".join([*header, *frame[_RAW]]) + "\n"


def _without_raw(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=_RAW) if _RAW in frame.columns else frame


def _resources(package: dict[str, Any], where: Path) -> dict[str, tuple[str, str | None]]:
    """The file and, where given, the encoding a data package names for each table."""
    resources = package.get("resources", [])
    if not isinstance(resources, list):
        raise DataFormatError('"resources" is not a list', where=str(where), expected="a list")
    found: dict[str, tuple[str, str | None]] = {}
    for resource in resources:
        if not isinstance(resource, dict):
            raise DataFormatError("a resource is not an object", where=str(where))
        name, path = resource.get("name"), resource.get("path")
        if name not in {table.name for table in TABLES}:
            continue
        if not isinstance(path, str):
            raise DataFormatError(
                f"the {name} resource has no single path",
                where=str(where),
                expected='"path": "file.csv"',
            )
        encoding = resource.get("encoding")
        if encoding is not None and not (isinstance(encoding, str) and is_encoding(encoding)):
            raise DataFormatError(
                f"the {name} resource names an unknown encoding",
                where=str(where),
                found=str(encoding),
                expected='an encoding such as "utf-8" or "gb18030"',
            )
        found[str(name)] = (path, encoding)
    return found


def _source_titles(package: dict[str, Any], where: Path) -> tuple[str, ...]:
    sources = package.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(source, dict) for source in sources):
        raise DataFormatError('"sources" is not a list of objects', where=str(where))
    return tuple(
        str(source.get("title") or source.get("path"))
        for source in sources
        if source.get("title") or source.get("path")
    )


# --- bytes and text -------------------------------------------------------------------


# What laborstats writes but does not read: named by their suffix, since JSON read as
# CSV was "column "[": unknown column", and a workbook's bytes no encoding.
_WRITTEN_ONLY = {
    ".json": "JSON",
    ".jsonl": "JSON Lines",
    ".tsv": "TSV",
    ".xlsx": "Excel",
    ".xls": "Excel",
    ".md": "Markdown",
    ".html": "HTML",
}


def _check_readable(path: Path) -> None:
    """Refuse a file of a format laborstats writes but does not read, saying what it reads."""
    kind = _WRITTEN_ONLY.get(path.suffix.lower())
    if kind is not None:
        raise DataSourceError(
            f"{kind} files are not read as data",
            where=str(path),
            expected="an outcomes CSV or Parquet file (write one with -f csv, or convert)",
        )


def _read_bytes(path: Path, what: str = "a CSV file") -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataSourceError("no such file", where=str(path)) from None
    except IsADirectoryError:
        raise DataSourceError("is a folder", where=str(path), expected=what) from None
    except OSError as error:
        raise DataSourceError(f"cannot read: {error.strerror}", where=str(path)) from None


def read_text(source: str, encoding: str | None = None) -> str:
    """A text file such as a report, or standard input for ``-``, decoded as
    data files are (``encoding``, or detected: UTF-8, UTF-16, GB18030…)."""
    what = "a text file"
    if source == "-":
        return decode(sys.stdin.buffer.read(), "standard input", encoding, what=what)
    return decode(_read_bytes(Path(source), what=what), source, encoding, what=what)


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


# --- Parquet ---------------------------------------------------------------------------


def joins_parquet_files(folder: Path, path: Path) -> bool:
    """Whether a Parquet file written at ``path`` would be read with the Parquet files of
    ``folder`` (see _parquet_files)."""
    try:
        inside = path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    hidden = any(part.startswith(".") for part in inside.parts[:-1])
    return path.name.lower().endswith(".parquet") and not hidden  # .parquet alone too


def _parquet_files(path: Path) -> list[Path]:
    """The Parquet files ``path`` names: itself, or every one in a folder that is not a
    dataset folder, and in its folders but hidden ones (in order of their paths; a
    project's .venv holds pyarrow's test files); none if it names none."""
    if path.is_dir():
        if (path / DATAPACKAGE).is_file() or (path / OUTCOMES.path).is_file():
            return []
        found = []
        for folder, folders, files in os.walk(path):
            folders[:] = [name for name in folders if not name.startswith(".")]
            found += [Path(folder, name) for name in files if name.lower().endswith(".parquet")]
        return sorted(found)
    if not path.is_file():
        return []
    if path.suffix.lower() == ".parquet":
        return [path]
    with contextlib.suppress(OSError), path.open("rb") as stream:
        if stream.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC:
            return [path]
    return []


def _parquet_schema(path: Path) -> pa.Schema:
    import pyarrow as pa  # noqa: PLC0415 (Parquet needs it; CSV on the exact path does not)
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        return pq.read_schema(path)
    except OSError as error:
        raise DataSourceError(f"cannot read: {error.strerror or error}", where=str(path)) from None
    except pa.ArrowException:
        raise DataFormatError(
            "not a Parquet file", where=str(path), expected="a file written as Parquet"
        ) from None


def _stored_metadata(path: Path) -> dict[str, Any]:
    """What `laborstats convert` stored in a Parquet file: title, sources, metrics.csv."""
    stored = (_parquet_schema(path).metadata or {}).get(PARQUET_METADATA)
    if stored is None:
        return {}
    try:
        found = json.loads(stored)
    except (json.JSONDecodeError, UnicodeDecodeError):
        found = None
    if not isinstance(found, dict) or not isinstance(found.get("sources", []), list):
        raise DataFormatError(
            f'the "{PARQUET_METADATA.decode()}" metadata is not what laborstats convert writes',
            where=str(path),
            expected="a file written by laborstats convert, or without that metadata",
        )
    return found


def _parquet_columns(files: list[Path]) -> list[str]:
    """The outcome columns of Parquet files, each holding the same ones: text, except
    years (whole numbers or text) and values (numbers or text)."""
    import pyarrow as pa  # noqa: PLC0415

    names: list[str] = []
    for path in files:
        schema = _parquet_schema(path)
        found = list(schema.names)
        _check_columns(found, OUTCOMES, str(path), None, holder="file")
        for name in found:
            if found.count(name) > 1:
                raise DataFormatError(
                    "duplicate column name", where=str(path), column=name, expected="unique names"
                )
            kind = schema.field(name).type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
            allowed = {
                "year": ("whole numbers or text", text or pa.types.is_integer(kind)),
                "value": (
                    "numbers or text",
                    text
                    or pa.types.is_integer(kind)
                    or pa.types.is_floating(kind)
                    or pa.types.is_decimal(kind),
                ),
            }.get(name, ("text", text or pa.types.is_null(kind)))
            if not allowed[1]:
                raise DataFormatError(
                    f"a column of {kind}", where=str(path), column=name, expected=allowed[0]
                )
        if not names:
            names = found
        elif set(found) != set(names):
            raise DataFormatError(
                f"other columns than {files[0]}",
                where=str(path),
                found=", ".join(found),
                expected="the same columns in every file of the folder",
            )
    return names


def _parquet_text(
    path: Path, columns: list[str], keep_raw: bool, rows: np.ndarray | None = None
) -> pd.DataFrame:
    """A Parquet file as read_csv_text gives a CSV file: stripped text, nulls blank, and
    the row number (from 1) as its line; with ``keep_raw``, each row as a CSV record.
    With ``rows`` (ascending numbers), only those rows of the file, from the row groups
    that hold them."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        if rows is None:
            table = pq.read_table(path, columns=columns)
            numbers = np.arange(1, table.num_rows + 1)
        else:
            with pq.ParquetFile(path) as file:
                groups, start = [], 1
                for group in range(file.metadata.num_row_groups):
                    count = file.metadata.row_group(group).num_rows
                    if ((rows >= start) & (rows < start + count)).any():
                        groups += _rows_of(file, group, columns, rows - start)
                    start += count
                table = pa.Table.from_batches(groups) if groups else file.schema_arrow.empty_table()
            table = table.select(columns)
            numbers = rows
    except OSError as error:
        raise DataSourceError(f"cannot read: {error.strerror or error}", where=str(path)) from None
    except pa.ArrowException as error:
        first = next(iter(str(error).splitlines()), "")
        raise DataFormatError(f"cannot read: {first}", where=str(path)) from None
    cells = {
        name: _stripped_text(pc.fill_null(pc.cast(column, pa.string()), ""), path, name, numbers)
        for name, column in zip(columns, table.columns, strict=True)
    }
    frame = pd.DataFrame({name: pd.Series(text, dtype="str") for name, text in cells.items()})
    frame["line"] = pd.Series(numbers, dtype="int64")
    if keep_raw:
        records = _OneWrite()
        csv.writer(records, lineterminator="").writerows(zip(*cells.values(), strict=True))
        frame[_RAW] = pd.Series(records, dtype="str")
    frame.attrs.update(header=columns, header_line=None, where=str(path))
    return frame


def _rows_of(
    file: pq.ParquetFile, group: int, columns: list[str], rows: np.ndarray
) -> list[pa.RecordBatch]:
    """The rows at ``rows`` (positions in the row group; others are ignored) of a row
    group, read a batch at a time: a group of a million rows decoded whole took 0.3 GB."""
    batches, start = [], 0
    for batch in file.iter_batches(_TEXT_ROWS, row_groups=[group], columns=columns):
        here = rows[(rows >= start) & (rows < start + batch.num_rows)] - start
        if len(here):
            batches.append(batch.take(here))
        start += batch.num_rows
    return batches


def _stripped_text(
    column: pa.ChunkedArray, path: Path, name: str, numbers: np.ndarray
) -> list[str]:
    """A text column's cells, stripped; text that is not UTF-8 stops the load (with the
    row number of the cell, from ``numbers``)."""
    try:
        return [cell.strip() for cell in column.to_pylist()]
    except UnicodeDecodeError:
        import pyarrow as pa  # noqa: PLC0415

        cells = column.cast(pa.binary()).to_pylist()
        for row, cell in zip(numbers.tolist(), cells, strict=True):
            try:
                cell.decode("utf-8")
            except UnicodeDecodeError:
                raise DataEncodingError(
                    "text that is not UTF-8",
                    where=str(path),
                    line=row,
                    column=name,
                    expected="UTF-8, as Parquet keeps text",
                ) from None
        raise


class _OneWrite(list[str]):
    """A csv writer's file that keeps each record (one write call) as it is."""

    def write(self, record: str) -> None:
        self.append(record)


def parquet_parts(dataset: Dataset) -> Iterator[bytes]:
    """The outcomes of ``dataset`` as a Parquet file, typed as loaded, with the dataset's
    title, sources and other tables (as read) stored in it: what `laborstats convert`
    writes, in parts to write one after another.

    A row group at a time, its texts made from the codes of its rows alone:
    every row's texts, and the file whole in memory, took 1.8 GB more than
    the load at 10M rows (4.4 GB with a quote a figure).
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    outcomes = dataset.outcomes[[column.name for column in OUTCOMES.columns]]
    stored = {"title": dataset.title, "sources": list(dataset.sources), **dataset.texts}
    metadata = {PARQUET_METADATA: json.dumps(stored, ensure_ascii=False).encode("utf-8")}

    def group(start: int) -> pa.Table:
        rows = as_texts(outcomes.iloc[start : start + _ROW_GROUP])
        return pa.Table.from_pandas(rows, preserve_index=False).replace_schema_metadata(metadata)

    written = _Written()
    schema = group(len(outcomes)).schema  # of no rows
    with pq.ParquetWriter(pa.PythonFile(written, mode="w"), schema, compression="zstd") as writer:
        for start in range(0, max(len(outcomes), 1), _ROW_GROUP):  # no rows: one empty group
            writer.write_table(group(start), row_group_size=_ROW_GROUP)
            yield written.taken()
    yield written.taken()  # the footer


class _Written:
    """A file that keeps what is written to it until it is taken."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def taken(self) -> bytes:
        """What was written since the last time, let go of."""
        parts = b"".join(self.parts)
        self.parts.clear()
        return parts

    def tell(self) -> int:
        return self.size

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


# --- CSV into a frame ------------------------------------------------------------------


def read_csv_text(
    text: str,
    where: str,
    *,
    rejected: list[pd.DataFrame] | None = None,
    first: _FirstBadRow | None = None,
    read_on: bool = True,
    lines_before: int = 0,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Parse CSV text into a frame of stripped strings with a ``line`` column.

    ``line`` is where each record starts, as a text editor counts lines, so
    that every later message can point at it (counting ``lines_before``
    lines of the file after the header that ``text`` leaves out). Blank
    lines are skipped. A record that is not CSV, or has more or fewer fields
    than the header, stops the load or, when ``rejected`` is a list, is set
    aside there; then a ``raw`` column keeps each record as written, for
    later checks to set aside. ``progress`` hears of the characters read.

    With ``first``, the first such record stops the load only once the rows
    before it are checked too (see _FirstBadRow): it is told of it, and the
    records after are read on, or, unless ``read_on``, not read (no later row
    can make an earlier one good, as a metric defined further on makes good a
    formula that names it).
    """
    keep_raw = rejected is not None
    header: list[str] | None = None
    header_line = 1
    records: list[list[str]] = []
    lines: list[int] = []
    raws: list[str] = []
    bad: list[dict[str, Any]] = []
    # Framed a slice at a time: as Python lists, a million records took 1.1 GB.
    frames: list[pd.DataFrame] = []
    for line, record, problem, raw in _records(text, keep_raw, progress):
        start = line if header is None else line + lines_before
        if header is None:
            if record is None:
                raise DataFormatError(problem, where=where, line=start)
            header, header_line = _check_header(record, where, start), start
            header_width = len(record)
        elif record is not None and (
            len(record) == len(header) or _trimmed(record, len(header), header_width)
        ):
            records.append(record)
            lines.append(start)
            raws.append(raw)
            if len(records) == _RECORDS_FRAMED:
                frames.append(_records_frame(header, records, lines, raws if keep_raw else None))
                records, lines, raws = [], [], []
        else:
            error = (
                DataFormatError(problem, where=where, line=start)
                if record is None
                else _field_count_error(record, header, where, start)
            )
            if rejected is None:
                _stop_at(first, error)
                if read_on:
                    continue
                break
            bad.append(_reject(error, "load", raw))
    if header is None:
        raise DataFormatError("the file is empty", where=where, expected="a header row")
    if bad and rejected is not None:
        rejected.append(pd.DataFrame(bad, columns=REJECT_COLUMNS))
    if records or not frames:
        frames.append(_records_frame(header, records, lines, raws if keep_raw else None))
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    frame.attrs.update(header=header, header_line=header_line, where=where)
    return frame


def _records_frame(
    header: list[str], records: list[list[str]], lines: list[int], raws: list[str] | None
) -> pd.DataFrame:
    """Records as read_csv_text frames them: stripped text, their lines, and their raws."""
    columns = list(zip(*records, strict=True)) if records else [() for _ in header]
    stripped = {
        name: [cell.strip() for cell in cells] for name, cells in zip(header, columns, strict=True)
    }
    # One conversion for all the columns: a Series a column costs four times more.
    frame = pd.DataFrame(stripped, dtype="str")
    frame["line"] = pd.Series(lines, dtype="int64")
    if raws is not None:
        frame[_RAW] = pd.Series(raws, dtype="str")
    return frame


def _records(
    text: str, keep_raw: bool, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str] | None, str, str]]:
    """Each record but blank ones: the line it starts on; its fields, or None with the
    problem when it is not CSV; and, with ``keep_raw``, its text as written."""
    # The lines as the csv reader meets them, kept to quote records as written.
    physical = list(_lines_of(text, progress)) if keep_raw else []
    reader = csv.reader(physical if keep_raw else _lines_of(text, progress), strict=True)
    start = 1
    with _no_field_size_limit():
        while True:
            try:
                record: list[str] | None = next(reader)
                problem = ""
            except StopIteration:
                return
            except csv.Error as error:  # the reader goes on with the next line
                record, problem = None, f"malformed CSV: {error}"
            if record is None or "".join(record).strip():  # not blank, nor commas only
                raw = "".join(physical[start - 1 : reader.line_num]) if keep_raw else ""
                yield start, record, problem, raw.rstrip("\r\n")
            start = reader.line_num + 1


def _lines_of(text: str, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them, a slice
    of text at a time: its buffer takes four bytes a character (0.4 GB for 100 MB).
    ``progress`` hears of each slice's characters as its lines are taken."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + _LINES_SLICE)
        end = len(text) if end < 0 else end + 1
        yield from io.StringIO(text[start:end], newline="")
        if progress is not None:
            progress(end - start)
        start = end


def _text_progress(progress: Progress, size: int, length: int) -> Callable[[int], None]:
    """``progress`` told of the bytes of a file of ``size`` bytes as its text of
    ``length`` characters is read (in proportion: characters take 1 to 4 bytes)."""
    told = read = 0

    def hear(characters: int) -> None:
        nonlocal told, read
        read += characters
        now = size * read // max(length, 1)
        progress(now - told, size)
        told = now

    return hear


@contextlib.contextmanager
def _no_field_size_limit() -> Iterator[None]:
    """Let a cell be as long as it is (the csv module stops at 128 KiB)."""
    limit = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _trimmed(record: list[str], width: int, header_width: int) -> bool:
    """Drop blank fields beyond ``width`` up to ``header_width``: the trailing commas a
    spreadsheet writes on every line, the header's too. A field beyond the header's
    is one too many, blank or not: a row ``2024,R,m,1,234,`` is an unquoted 1,234."""
    if not width < len(record) <= header_width or "".join(record[width:]).strip():
        return False
    del record[width:]
    return True


def _field_count_error(
    record: list[str], header: list[str], where: str, line: int
) -> DataFormatError:
    expected = f"{len(header)} fields, as in the header"
    if len(record) > len(header) and not "".join(record[len(header) :]).strip():
        # Trailing commas the header lacks, or an unquoted 1,234 before a blank last cell.
        expected += (
            ' (quote a cell that holds a comma, such as "1,234"; if every line ends in'
            " a comma, end the header with one too)"
        )
    elif len(record) > len(header):
        expected += ' (quote a cell that holds a comma, such as "1,234")'
    return DataFormatError(f"{len(record)} fields", where=where, line=line, expected=expected)


def _reject(error: LaborstatsError, check: str, row: str) -> dict[str, Any]:
    """A rejected row as a record of the rejects table."""
    return {
        "file": error.where,
        "line": error.line,
        "column": error.column or "",
        "check": check,
        "problem": error.detail,
        "row": row,
    }


def _check_header(record: list[str], where: str, line: int) -> list[str]:
    """The column names; blank names at the end (a spreadsheet's trailing commas) are dropped."""
    names = [name.strip() for name in record]
    while not names[-1]:
        names.pop()
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


def _with_schema_columns(frame: pd.DataFrame, where: str, table: Table) -> pd.DataFrame:
    """The frame with every column of the schema; a missing or unknown column stops the load."""
    _check_columns(frame.attrs["header"], table, where, frame.attrs["header_line"])
    for column in table.columns:
        if column.name not in frame.columns:
            frame[column.name] = pd.Series("", index=frame.index, dtype="str")
    return frame


def _check_columns(
    names: list[str], table: Table, where: str, line: int | None, holder: str = "header"
) -> None:
    """Every column named is one of ``table``'s, and none it requires is missing."""
    known = [column.name for column in table.columns]
    for name in names:
        if name not in known:
            close = closest(name, known)
            raise DataFormatError(
                "unknown column",
                where=where,
                line=line,
                column=name,
                expected=f'"{close}"' if close else f"the {table.name} columns of the schema",
            )
    missing = [name for name in table.required if name not in names]
    if missing:
        raise DataFormatError(
            f"the {holder} lacks {', '.join(missing)}",
            where=where,
            line=line,
            expected=f"the {table.name} columns {', '.join(table.required)}",
        )


def _typed_table(checked: _Checker, table: Table, *, unique: bool = True) -> pd.DataFrame:
    """The checks of each row of ``table``, and its keys unique unless told otherwise."""
    for column in table.columns:
        if column.required and column.type == "string" and not column.figure:
            checked.require(column.name)
        if column.enum:
            checked.within(column.name, column.enum)
    if table is OUTCOMES:
        return _typed_outcomes(checked, unique=unique)
    if table is METRICS:
        checked.unique(METRICS.key, "metric defined twice")
        _check_formulas(checked)
        _check_flows(checked)
        metrics = checked.kept()
        # Figures of a metric whose definition was set aside say so, not "unknown metric".
        aside = checked.frame[~checked.ok]
        metrics.attrs["set_aside"] = dict(zip(aside["metric"], aside["line"], strict=True))
        return metrics
    if table is RULES:
        checked.unique(RULES.key, "rule defined twice")
        rules = checked.kept()
        rules["severity"] = rules["severity"].where(rules["severity"] != "", "error")
        return rules
    return _typed_studios(checked)


class _FirstBadRow:
    """The problem of the first bad row in file order a load has found so far, which
    stops it once every check is made (see _Reader.first_bad_row).

    The checks go column by column, then key by key, then against metrics.csv;
    the load stops at the earliest line any of them finds, so a row given twice
    at line 3 is named before an unknown metric at line 4, whatever the size of
    the file. ``files`` orders the files of a load of several (Parquet files, by
    the ``where`` of their rows; a file not among them counts as the first).

    A problem of a whole file (its encoding or its header, even where it names
    a line) is raised at once, before any row's, as --skip-bad-rows stops at it.
    """

    def __init__(self, files: list[str] | None = None) -> None:
        self.error: LaborstatsError | None = None
        self.files = {where: at for at, where in enumerate(files or [])}

    def found(self, error: LaborstatsError) -> None:
        """Take a problem: the first of a row its checks find (see _Checker)."""
        if self.error is None or self.place(error) < self.place(self.error):
            self.error = error

    def place(self, error: LaborstatsError) -> tuple[int, int]:
        """Where a problem is in the load: its file's turn, its line (none first)."""
        return self.files.get(error.where or "", 0), error.line or 0


def _stop_at(first: _FirstBadRow | None, error: LaborstatsError) -> None:
    """A bad row that stops the load: told to ``first``, or raised at once without it."""
    if first is None:
        raise error
    first.found(error)


class _Checker:
    """Vectorised cell checks of one table.

    Every bad row is set aside (with its first problem), and ``kept()`` gives
    the rest: when ``rejected`` is a list, they are listed there; otherwise the
    first in file order stops the load, as ``first`` hears of each check's first
    (or, without ``first``, at once).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        where: str,
        rejected: list[pd.DataFrame] | None = None,
        first: _FirstBadRow | None = None,
    ) -> None:
        self.frame = frame
        self.where = where
        self.rejected = rejected
        self.first = first
        self.ok = pd.Series(True, index=frame.index)

    def kept(self) -> pd.DataFrame:
        """The rows no check set aside."""
        if self.ok.all():
            return self.frame
        kept = self.frame[self.ok].reset_index(drop=True)
        kept.attrs = self.frame.attrs
        return kept

    def valid(self, column: str) -> pd.Series:
        """A column of the rows no check has set aside so far."""
        return self.frame.loc[self.ok, column]

    def fail_first(
        self,
        bad: pd.Series,
        column: str,
        problem: str,
        expected: str,
        *,
        found_in: str | None = None,
    ) -> None:
        """Set aside every row where ``bad`` holds: each listed in ``rejected``, or the
        first told to ``first`` (or raised, without it).

        The message quotes the cell of ``column``, or of ``found_in`` when the
        cell as written is kept there.
        """
        if not bad.any():  # the common case, and the cheap test of it
            return
        bad = bad.reindex(self.frame.index).fillna(False).astype("bool") & self.ok
        if not bad.any():
            return
        if self.rejected is None:
            self.stop_at(self._error(bad.idxmax(), column, problem, expected, found_in))
            self.ok &= ~bad
            return
        rows = self.frame.loc[bad]
        self.rejected.append(
            pd.DataFrame(
                [
                    _reject(self._error(index, column, problem, expected, found_in), "load", raw)
                    for index, raw in rows[_RAW].items()
                ],
                columns=REJECT_COLUMNS,
            )
        )
        self.ok &= ~bad

    def reject_at(self, index: Any, column: str, problem: str, expected: str) -> None:
        """Set the row ``index`` aside (see fail_first)."""
        self.fail_first(
            pd.Series(self.frame.index == index, index=self.frame.index), column, problem, expected
        )

    def stop_at(self, error: LaborstatsError) -> None:
        _stop_at(self.first, error)

    def _error(
        self, index: Any, column: str, problem: str, expected: str, found_in: str | None = None
    ) -> DataValueError:
        row = self.frame.loc[index]
        return DataValueError(
            problem,
            where=self.where,
            line=int(row["line"]),
            column=column,
            found=str(row[found_in or column]),
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
        """The metrics a formula or rule in a cell names; a row not allowed names none."""
        try:
            parsed = parse(str(self.frame.at[at, column]))
        except FormulaError as error:
            self.reject_at(at, column, str(error), allowed)
            return frozenset()
        unknown = sorted(parsed.metrics - known)
        if unknown:
            self.reject_at(
                at, column, f"unknown metric {', '.join(unknown)}", "metrics of metrics.csv"
            )
            return frozenset()
        return parsed.metrics

    def require(self, column: str) -> None:
        self.fail_first(self.frame[column] == "", column, "empty cell", "a value")

    def within(self, column: str, allowed: tuple[str, ...]) -> None:
        cells = self.frame[column]
        bad = (cells != "") & ~cells.isin(allowed)
        self.fail_first(bad, column, "unknown value", "one of " + ", ".join(allowed))

    def integers(self, column: str, *, required: bool) -> pd.Series:
        """Years: four digits as written (2024.0 or +2024 would hide a duplicate), from 1000
        (0024 would be written back as 24, which no longer reads as a year)."""
        cells = self.frame[column]
        year = cells.str.fullmatch(r"[1-9][0-9]{3}")
        bad = (cells != "") & ~year
        if required:
            bad |= cells == ""
        self.fail_first(bad, column, "not a year", "a year such as 2024")
        return pd.to_numeric(cells.where(year), errors="coerce").astype("Int64")

    def figures(self, *columns: str) -> list[pd.DataFrame]:
        """The figures of these columns, parsed in one pass (one call per column costs more
        than parsing a small table)."""
        rows = len(self.frame)
        parsed = parse_quantities(pd.concat([self.frame[name] for name in columns]))
        each = [parsed.iloc[rows * at : rows * (at + 1)] for at in range(len(columns))]
        for name, figures in zip(columns, each, strict=True):
            # A number refused for its size is one: say so (1e20 is no typing slip).
            too_large = figures["too_large"]
            self.fail_first(too_large, name, "too large to hold exactly", _LARGEST_WRITTEN)
            self.fail_first(~figures["valid"] & ~too_large, name, "not a figure", EXAMPLES)
        return each

    def unique(self, key: tuple[str, ...], problem: str) -> None:
        """One row per key: the second stops the load, or every copy is set aside."""
        keys = self.frame.loc[self.ok, list(key)].astype("str")
        lines = self.frame.loc[self.ok, "line"]
        expected = "one row per " + ", ".join(key)
        repeated = keys.duplicated(keep=False)
        if not repeated.any():
            return
        if self.rejected is None:
            later = keys.duplicated(keep="first")
            position = int(later.to_numpy().argmax())
            matches = (keys == keys.iloc[position]).all(axis="columns").to_numpy()
            self.stop_at(
                DataValueError(
                    f"{problem} (first at line {lines.to_numpy()[matches][0]})",
                    where=self.where,
                    line=int(lines.iloc[position]),
                    found=" / ".join(cell for cell in keys.iloc[position] if cell),
                    expected=expected,
                )
            )
            # The copies, not the row each copies: its own checks still count.
            self.ok &= ~later.reindex(self.frame.index, fill_value=False)
            return
        # Each copy names the lines of all: found by whole columns, as a row at a time
        # (a group of copies, then each copy's raw row) took 0.3 ms a key.
        copies, copy_lines = keys.loc[repeated], lines[repeated]
        group = copies.groupby(list(key), sort=False, dropna=False).ngroup().tolist()
        # (by a dict of lists: a groupby's agg calls join through pandas, 19 µs a group)
        lines_of: dict[int, list[str]] = {}
        for number, line in zip(group, copy_lines.tolist(), strict=True):
            lines_of.setdefault(number, []).append(str(line))
        listed = [", ".join(lines_of[number]) for number in group]
        cells = zip(*(copies[name].tolist() for name in key), strict=True)
        found = [" / ".join(filter(None, row)) for row in cells]
        raws = self.frame.loc[copies.index, _RAW].tolist()
        rejected = [
            _reject(
                DataValueError(
                    f"{problem} (lines {named})",
                    where=self.where,
                    line=int(line),
                    found=found_cells,
                    expected=expected,
                ),
                "load",
                str(raw),
            )
            for line, named, found_cells, raw in zip(
                copy_lines.tolist(), listed, found, raws, strict=True
            )
        ]
        self.rejected.append(pd.DataFrame(rejected, columns=REJECT_COLUMNS))
        self.ok &= ~repeated.reindex(self.frame.index, fill_value=False)


def _typed_outcomes(checked: _Checker, *, unique: bool) -> pd.DataFrame:
    frame = checked.frame
    years = checked.integers("year", required=True)
    [figures] = checked.figures("value")
    checked.fail_first(figures["value"].isna(), "value", "no figure", "a figure for every row")
    written = figures["qualifier"]
    stated = frame["qualifier"]
    contradicts = (stated != "") & written.notna() & (written != EXACT) & (written != stated)
    checked.fail_first(
        contradicts,
        "qualifier",
        "contradicts the value",
        "the qualifier written in the value, or a blank cell",
    )
    period = frame["period"]
    bad_period = ~period.str.fullmatch(PERIOD) | (
        period.str.fullmatch(r"[0-9]{4}") & (period != years.astype("str"))
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
    _check_provenance(checked)
    frame["year"] = years
    if unique:
        checked.unique(OUTCOMES.key, "the same figure twice")
    frame["percent_written"] = figures["percent"]
    frame["value_written"] = frame["value"]
    frame["qualifier"] = stated.where(stated != "", written.fillna(EXACT))
    frame["value"] = figures["value"]
    frame["basis"] = frame["basis"].where(frame["basis"] != "", REPORTED)
    kept = checked.kept()
    kept["year"] = kept["year"].astype("int64")
    return kept


def _check_provenance(checked: _Checker) -> None:
    """Offsets are whole numbers and confidences run from 0 to 1, where given."""
    frame = checked.frame
    checked.fail_first(
        ~frame["offset"].str.fullmatch("[0-9]*"),
        "offset",
        "not an offset",
        "a whole number of characters, or a blank cell",
    )
    given = frame["confidence"] != ""
    confidence = pd.to_numeric(frame["confidence"].where(given), errors="coerce")
    checked.fail_first(
        given & ~confidence.between(0, 1),
        "confidence",
        "not a confidence",
        "a number from 0 to 1, or a blank cell",
    )


def _check_formulas(checked: _Checker) -> None:
    """Formulas are arithmetic on defined metrics, with no metric defined through itself."""
    frame = checked.frame
    known = set(checked.valid("metric"))
    graph: dict[str, set[str]] = {}
    for at in frame.index[checked.ok & (frame["formula"] != "")]:
        names = checked.metrics_of(at, "formula", parse_formula, ALLOWED, known)
        if checked.ok[at]:
            graph[str(frame.at[at, "metric"])] = set(names)
    while True:
        try:
            tuple(TopologicalSorter(graph).static_order())
        except CycleError as error:
            cycle = list(error.args[1])
            checked.reject_at(
                frame.index[frame["metric"] == cycle[0]][0],
                "formula",
                "metrics defined through each other: " + " → ".join(cycle),
                "formulas without a cycle",
            )
            del graph[cycle[0]]
        else:
            return


def _check_rules(checked: _Checker, metrics: pd.DataFrame) -> pd.DataFrame:
    """Rules are comparisons of arithmetic on the dictionary's metrics."""
    known = set(metrics["metric"])
    for at in checked.frame.index:
        checked.metrics_of(at, "check", parse_rule, RULE_ALLOWED, known)
    return checked.kept()


def _check_flows(checked: _Checker) -> None:
    """A flow adds to another metric of the dictionary, counted in the same unit."""
    frame = checked.frame
    units = pd.Series(checked.valid("unit").to_numpy(), index=checked.valid("metric"))
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
    checked.unique(STUDIOS.key, "studio listed twice")
    founded = checked.integers("founded", required=False)
    names = [column.name for column in STUDIOS.columns if column.figure]
    parsed = checked.figures(*names)
    for name, figures in zip(names, parsed, strict=True):
        if STUDIOS.column(name).count:  # checked as written, as outcomes' counts are
            value = figures["value"]
            whole = "a whole number, zero or more"
            checked.fail_first(value < 0, name, "a count below zero", whole)
            checked.fail_first(value % 1 > 0, name, "a count not whole", whole)
    frame = checked.frame
    frame["founded"] = founded
    for name, figures in zip(names, parsed, strict=True):
        frame[name] = figures["value"]
        frame[f"{name}_qualifier"] = figures["qualifier"]
    return checked.kept()


def _check_against_metrics(checked: _Checker, metrics: pd.DataFrame) -> pd.DataFrame:
    """Every outcome names a defined metric and agrees with its programme and unit."""
    outcomes = checked.frame
    unknown = outcomes.loc[~outcomes["metric"].isin(metrics["metric"]), "metric"].unique()
    if checked.rejected is None:  # the first stops the load: a name at a time, 0.1 s each
        unknown = unknown[:1]
    set_aside = metrics.attrs.get("set_aside", {})
    for name in unknown:
        if name in set_aside:
            problem = (
                f"a metric whose definition (metrics.csv line {set_aside[name]}) was set aside"
            )
            expected = "a metric defined in metrics.csv without problems"
        else:
            close = closest(name, metrics["metric"])
            problem = "unknown metric"
            expected = "a metric defined in metrics.csv" + (
                f' (did you mean "{close}"?)' if close else ""
            )
        checked.fail_first(outcomes["metric"] == name, "metric", problem, expected)
    defined = outcomes["metric"].map(metrics.set_index("metric")["programme"])
    checked.fail_first(
        (outcomes["programme"] != "") & (outcomes["programme"] != defined),
        "programme",
        "disagrees with metrics.csv",
        "the metric's programme in metrics.csv, or a blank cell",
    )
    units = outcomes["metric"].map(metrics.set_index("metric")["unit"])
    checked.fail_first(
        outcomes["percent_written"] & (units != "percent"),
        "value",
        "a percentage for a metric that is not counted in percent",
        "a figure in the metric's unit, as metrics.csv defines it",
        found_in="value_written",
    )
    outcomes["programme"] = defined
    kept = checked.kept()
    return kept.drop(columns=["percent_written", "value_written"])


def _check_values(checked: _Checker, metrics: pd.DataFrame, this_year: int) -> pd.DataFrame:
    """The cheap checks of values (stats.checks): stop at the first error, or set aside."""
    outcomes = checked.frame
    problems = value_problems(outcomes, metrics, this_year, checked.where)
    if checked.rejected is None:
        error = first_error(problems)
        if error is not None:
            checked.stop_at(error)
        return outcomes
    errors = problems[problems["severity"] == ERROR].drop_duplicates("line")
    raws = pd.Series(outcomes[_RAW].to_numpy(), index=outcomes["line"])
    rejected = errors.rename(columns={"message": "problem"}).assign(row=errors["line"].map(raws))
    checked.rejected.append(rejected[REJECT_COLUMNS])
    checked.ok &= ~outcomes["line"].isin(errors["line"])
    return checked.kept()
