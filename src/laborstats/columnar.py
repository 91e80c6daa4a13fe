"""The fast path of the loader: an outcomes table read by columns, on every core.

dataset.py reads a file record by record, so that any problem can be named
by its line. That is exact, and slow on a large table. For a file that is
clean, this module reads the same table with Arrow (a CSV file one byte
range per core, a Parquet file one row group per core), checks whole
columns at a time (most checks on each column's distinct values only) and
keeps only the rows of the years a command asks for.

It never reports a problem itself. At the first doubt (a line the exact
reader would read differently, a cell that fails a check, a key that may
repeat, bytes that are not UTF-8) it gives up and returns None, and
dataset.py reads the file again, exactly, to say what is wrong and where.
So what it returns is what the exact reader would have returned.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import csv
import functools
import itertools
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ParamSpec, Protocol, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from laborstats.codes import CODED, as_codes, in_order, narrowest
from laborstats.encoding import (
    WIDE_SAMPLE,
    cut_at_line_feeds,
    is_utf8,
    is_utf8_chinese,
    unlikely_gb18030,
    wide_encoding,
)
from laborstats.quantities import parse_figures
from laborstats.schema import OUTCOMES, PERIOD, PROVENANCE_COLUMNS
from laborstats.stats.derived import derivation_metrics
from laborstats.stats.exact import exact_parts
from laborstats.stats.groups import combined_codes
from laborstats.stats.qualifiers import sum_flags
from laborstats.stats.series import ADDITIVE_KINDS, OWN_YEAR, REPORTER, reporting
from laborstats.stats.totals import PARTIAL_COLUMNS, PARTIAL_TEXTS, combined_partials
from laborstats.vocabulary import ALL_REGIONS, BASES, DERIVED, EXACT, QUALIFIERS, REPORTED

if TYPE_CHECKING:
    import pyarrow.parquet as pq

BLOCK = 4 << 20  # bytes Arrow parses at a time
BATCH = 1 << 18  # rows read from Parquet at a time
AHEAD = 4  # blocks Arrow may read before their batches are checked
TRIM_EVERY = 1 << 19  # rows checked between two hand-backs of freed memory (give_memory_back)
PART = 32 << 20  # the least a core gets to read; a smaller file is read on one
SUMMED_FROM = 1 << 19  # rows of a file from which Years.summed sums rows as they are read
COMBINE_EVERY = 32  # batches' partial totals combined into one frame
CORES = os.cpu_count() or 1
_NEWLINE, _CR, _QUOTE, _COMMA = 10, 13, 34, 44
_KEY_COLUMNS = ("year", "region", "entity", "metric", "period")
# Texts no check reads, kept as Arrow reads them until the rows kept are taken: as
# dictionaries they cost half of Arrow's reading of a file, and a file whose every
# figure quotes its own sentence took twice the time and 1.5 times the memory.
_FREE_TEXTS = ("source", "written", "unit_written")
# What str.strip() strips (as the exact reader strips each cell), for Arrow to find:
# every character whose isspace() holds.
_EDGE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACED = f"^[{re.escape(_EDGE_SPACE)}]|[{re.escape(_EDGE_SPACE)}]$"
_STRINGS = pa.dictionary(pa.int32(), pa.string())
_HASHES_GIVEN_BACK = 1 << 21  # row hashes put together between two hand-backs (16 MB)
# A qualifier's position in QUALIFIERS; a blank cell takes the one written in the value.
_QUALIFIER_IDS = {"": -1} | {name: at for at, name in enumerate(QUALIFIERS)}

# The columns kept from a batch, in order; "row" counts from the first row of the byte range.
# Texts are dictionaries with codes as narrow as each batch's allows, and years are
# int16 (checked to be 1000 to this year): 30 bytes a row where int32 codes and int64
# years took 72, 0.4 GB at 10M rows.
_KEPT = (
    "year",
    *("region", "entity", "programme", "metric", "value"),
    *("qualifier", "period", "basis", "source"),
    *PROVENANCE_COLUMNS,
    "row",
)


class Progress(Protocol):
    """Hears how far a load of a large file has come (see console.LoadProgress)."""

    def __call__(self, read: int, size: int) -> None:
        """``read`` more bytes of a file of ``size`` bytes are read."""

    def restart(self, what: str) -> None:
        """The file is read again from its start, to do ``what``."""


# The partial totals of a batch's rows (see _Checks._partial), by column of
# PARTIAL_COLUMNS: a frame for each batch cost twice the sums.
_Sums = dict[str, np.ndarray]
_Arguments = ParamSpec("_Arguments")
_Result = TypeVar("_Result")


def _gives_memory_back(scan: Callable[_Arguments, _Result]) -> Callable[_Arguments, _Result]:
    """A scan whose freed memory the process can use again, or the system.

    A scan of a large file allocates ten times what it keeps: Arrow's batches
    and, on every core, NumPy's checks and key hashes. Freed, that memory
    stayed with the process (Arrow's mimalloc pool and the C library's
    per-thread arenas keep it for later) where pandas, working in the main
    thread afterwards, could not use it: summary's peak at 10M rows counted
    it twice. So Arrow allocates from the C library (as fast here), from
    the scan on, and the C library's unused memory is given back at its end.
    """

    @functools.wraps(scan)
    def giving_back(*args: _Arguments.args, **kwargs: _Arguments.kwargs) -> _Result:
        pa.set_memory_pool(pa.system_memory_pool())
        try:
            return scan(*args, **kwargs)
        finally:
            give_memory_back()

    return giving_back


def give_memory_back() -> None:
    """Give the memory the C library keeps for later back to the system (malloc_trim).

    Freed memory the C library keeps is reused only by allocations that fit
    its free blocks. Large steps on a large table (a scan, derived metrics)
    free hundreds of MB in pieces the next steps' arrays do not fit; given
    back, the next steps take it again from the system and the peak does
    not count it twice. It takes a few ms.
    """
    pa.system_memory_pool().release_unused()  # malloc_trim(0) on glibc: every thread's arena


@dataclass(frozen=True)
class Years:
    """The outcome rows a command needs: of all years, some, or the latest ``latest``.

    With ``pools``, the rows derived figures use or yield are kept in every
    year too (see :func:`laborstats.stats.derived.derivation_metrics`), and
    the load says who reports each series in any year (see
    :func:`laborstats.stats.series.reporting`): what totals, shares and
    ranks of the years kept need of the others.

    With ``summed``, the rows of a large file (``SUMMED_FROM`` rows) whose metric
    adds up and is none of those are not kept but summed over regions as
    they are read (``Scan.partial``, see
    :func:`laborstats.stats.totals.partial_totals`); the load says who
    reports each series too. Totals over regions need no more of them.

    With ``metrics``, only the rows of those metrics and of the ones derived
    figures use or yield are kept, and the load says who reports each series.

    Without ``quotes``, the rows kept of a large file keep the sources of
    derived figures only (how each was derived), the others blank: for a
    command that shows no quote. Where each figure quotes a sentence of its
    own, 3M quotes took 0.9 GB.
    """

    wanted: frozenset[int] | None = None
    latest: int = 0
    pools: bool = False
    summed: bool = False
    metrics: frozenset[str] | None = None
    quotes: bool = True

    @property
    def reporting(self) -> bool:
        """Whether the load says who reports each series in any year."""
        return self.pools or self.summed or self.metrics is not None

    def keeps(self, year: np.ndarray, latest: int) -> np.ndarray:
        """Which of the rows of ``year`` to keep, with ``latest`` the latest year seen."""
        if self.wanted is not None:
            return np.isin(year, list(self.wanted))
        if self.latest:
            return year > latest - self.latest
        return np.ones(len(year), dtype=bool)

    def kept_metrics(self, metrics: pd.DataFrame) -> np.ndarray:
        """Whether the rows of each metric of ``metrics`` may be kept."""
        if self.metrics is None:
            return np.ones(len(metrics), dtype=bool)
        return np.isin(metrics["metric"], sorted(self.metrics | derivation_metrics(metrics)))


ALL_YEARS = Years()


@dataclass(frozen=True)
class Scan:
    """What a fast read found: the kept rows, typed and checked, and every year seen."""

    outcomes: pd.DataFrame
    years: tuple[int, ...]
    reporters: pd.DataFrame | None = None  # with Years.pools or Years.summed
    partial: pd.DataFrame | None = None  # with Years.summed, of a large file


@dataclass(frozen=True)
class ParquetRepeats:
    """Parquet files whose rows all passed each row's checks, or were set aside, but
    the keys of some may repeat: ``hashes`` (see _row_hashes, ascending) are two rows'
    or more. ``columns`` are the outcome columns the files hold."""

    files: list[Path]
    columns: list[str]
    hashes: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Repeats:
    """A CSV file, one row a line, whose rows all passed each row's checks (in UTF-8),
    or were set aside, but the keys of some may repeat: ``hashes`` (see _row_hashes,
    ascending) are two rows' or more. ``header`` names its columns; ``encoding`` is
    the one it was read in (detected GB18030 is not looked for again)."""

    path: Path
    header: list[str]
    encoding: str
    hashes: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Doubt:
    """The rows of a CSV file the fast read doubted first, in file order: ``rows``
    rows after the first ``skipped`` of the byte range from ``start``. The rows before
    them passed each row's checks, but a key may repeat among them and these rows:
    ``copies`` holds the hashes two of them or more hold, if any, for a copy that
    comes before the first bad row is the problem named."""

    path: Path
    first: int  # where the row after the header starts
    start: int
    skipped: int
    rows: int
    encoding: str = "utf-8"
    copies: Repeats | None = None


@dataclass(frozen=True)
class ParquetDoubt:
    """The rows of Parquet files the fast read doubted first, in the files' order:
    ``rows`` rows after the first ``skipped`` of a row group of a file, the first of
    them its row ``first_row`` (from 1). The rows before passed each row's checks;
    ``copies`` as for a Doubt."""

    path: Path
    group: int
    skipped: int
    rows: int
    first_row: int
    copies: ParquetRepeats | None = None


# The exact reader setting bad rows aside, given the header line and some rows of a
# file as text, and the line each row is on: the lines of the rows it keeps, and the
# keys (year, region, entity, metric, period) of those it set aside after their keys
# were looked at for copies.
KeptRows = Callable[[str, np.ndarray], tuple[np.ndarray, pd.DataFrame]]
# The same for some rows of Parquet files, given by number (from 1) in each file: the
# numbers of those it keeps, by file.
KeptParquetRows = Callable[[dict[Path, np.ndarray]], tuple[dict[Path, np.ndarray], pd.DataFrame]]
EXACT_ROWS = 1 << 16  # rows in doubt the exact reader reads at a time


@_gives_memory_back
def scan_outcomes(
    path: Path,
    metrics: pd.DataFrame,
    *,
    years: Years,
    this_year: int,
    progress: Progress | None = None,
    kept_rows: KeptRows | None = None,
    encoding: str | None = None,
    doubted_keys: np.ndarray | None = None,
    where: str | None = None,
) -> Scan | Doubt | Repeats | None:
    """The outcomes of a CSV file as the exact reader types and checks them, only
    the rows ``years`` keeps; else the file needs the exact reader, which may look
    first at the rows a Doubt or Repeats names (see doubted_rows and repeated_rows).

    A file in another ``encoding`` than UTF-8 (one whose line feeds can be
    found in its bytes: see encoding.cut_at_line_feeds) is read in UTF-8, each
    byte range decoded as it is read. Without ``encoding``, a file that starts
    in UTF-8 is read so, one that does not as GB18030, as encoding.decode
    detects it (see _Detection): if it would refuse to, the exact reader says why.
    A file found not to be UTF-8 further on is scanned again so.

    With ``kept_rows`` (bad rows are set aside), the rows the checks doubt go
    to ``kept_rows`` (see _set_aside). Keys that may repeat are given back as
    Repeats, for a scan again with their hashes as ``doubted_keys``: the checks
    then doubt every row that holds one, and ``kept_rows`` sets every copy aside.

    ``where`` names the file (by default its path) for people.
    """
    where = str(path) if where is None else where
    scan = functools.partial(
        _scan_outcomes,
        path,
        metrics,
        years=years,
        this_year=this_year,
        progress=progress,
        kept_rows=kept_rows,
        encoding=encoding,
        doubted_keys=doubted_keys,
        where=where,
    )
    stop = _Stop(every_batch=kept_rows is not None)
    found = scan(stop)
    if stop.not_utf8 and encoding is None:
        if progress is not None:
            progress.restart(f"Reading {where} again, as GB18030")
        found = scan(_Stop(every_batch=kept_rows is not None), gb18030=True)
    return found


def _scan_outcomes(
    path: Path,
    metrics: pd.DataFrame,
    stop: _Stop,
    *,
    years: Years,
    this_year: int,
    progress: Progress | None,
    kept_rows: KeptRows | None,
    encoding: str | None,
    doubted_keys: np.ndarray | None,
    where: str,
    gb18030: bool = False,
) -> Scan | Doubt | Repeats | None:
    """scan_outcomes, its ranges stopped by ``stop``; with ``gb18030``, a file read
    as GB18030 as encoding.decode detects it, whatever its first bytes."""
    detection, read_as = None, encoding or "utf-8"
    try:
        with path.open("rb") as stream:
            head = stream.read(1 << 16)
            size = os.fstat(stream.fileno()).st_size
            if encoding is None and (gb18030 or not _starts_in_utf8(head)):
                detection, read_as = _Detection(), "gb18030"
            starts = _part_starts(stream, head, size, read_as)
    except OSError:
        starts = None  # the exact reader says what is wrong
    if starts is None:
        return None
    header, bounds = starts[0], [*starts[1], size]
    if detection is not None:  # the header line, which no byte range holds
        detection.saw(head[: bounds[0]], final=True)
        detection.saw_text(head[: bounds[0]].decode(read_as))
    # Rows as many as the first lines' length says (a Parquet file's metadata says).
    lines = max(head.count(b"\n"), 1)
    checks = _Checks(header, metrics, this_year, years, size * lines // len(head), doubted_keys)

    def read(part: int) -> _Part | None:
        byte_range = (part, bounds[part], bounds[part + 1])
        return _read_part(path, header, byte_range, checks, stop, report, read_as, detection)

    def report(count: int) -> None:
        if progress is not None:
            progress(count, size)

    report(bounds[0])
    if len(bounds) == 2:
        parts = [read(0)]
    else:
        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            parts = list(pool.map(read, range(len(bounds) - 1)))
    if stop.everything.is_set() or (detection is not None and detection.refused()):
        return None
    read_parts = [part for part in parts if part is not None]
    line = 2  # line 1 is the header
    for number, (start, part) in enumerate(zip(bounds, read_parts, strict=False)):
        if part.doubted and kept_rows is None:  # the first in the file (see _Stop)
            return _doubt(
                Repeats(path, header, read_as, _repeated_hashes(read_parts[: number + 1])),
                bounds[0],
                start,
                part.doubted[0],
            )
        part.first_line, line = line, line + part.rows
    if kept_rows is not None and not _set_aside(
        path, read_parts, kept_rows, progress, read_as, where, grouped=doubted_keys is not None
    ):
        return None
    repeats = _repeated_hashes(read_parts)
    if not len(repeats):
        return _assembled(read_parts, checks, where)
    # Maybe the same figure twice. Setting bad rows aside, a scan again sets every
    # copy aside (see doubted_keys). Else the exact reader looks first at the first
    # copy (see repeated_rows), or reads a file not in UTF-8 whole.
    whole = kept_rows is None and not is_utf8(read_as)
    return None if whole else Repeats(path, header, read_as, repeats)


@contextlib.contextmanager
def in_utf8(
    path: Path, encoding: str | None, where: str, progress: Progress | None
) -> Iterator[tuple[Path, str | None] | None]:
    """A CSV file as scan_outcomes reads it, and its encoding: a file in UTF-16 or
    UTF-32 (``encoding``, or detected as encoding.decode detects it) copied in UTF-8
    to a temporary folder while it is read; another as it is, if its line feeds can
    be found in its bytes (see encoding.cut_at_line_feeds). None for the exact reader
    to read: a file in another encoding, or one not text in its own (it says where),
    or whose copy cannot be written.

    Read whole, a UTF-16 file of a million rows took the exact reader 8 s and 1.6 GB.
    """
    wide = wide_encoding(b"", encoding) if encoding else None
    if not encoding:  # detected from the file's first bytes
        try:
            with path.open("rb") as stream:
                wide = wide_encoding(stream.read(WIDE_SAMPLE))
        except OSError:
            pass  # the exact reader says what is wrong
    if wide is None:
        yield (path, encoding) if cut_at_line_feeds(encoding or "utf-8") else None
        return
    try:
        folder = tempfile.TemporaryDirectory(prefix="laborstats-")
    except OSError:  # no temporary folder to write in
        yield None
        return
    with folder:
        copy = Path(folder.name) / path.name
        copied = _copied_in_utf8(path, copy, wide, where, progress, declared=bool(encoding))
        yield (copy, "utf-8") if copied else None


def _copied_in_utf8(
    path: Path,
    copy: Path,
    encoding: str,
    where: str,
    progress: Progress | None,
    *,
    declared: bool,
) -> bool:
    """Whether ``path``, text in ``encoding``, is copied in UTF-8 to ``copy`` as
    encoding.decode reads it: a BOM is the codec's, or dropped when the encoding is
    ``declared``. A text that starts with a BOM still is left to the exact reader."""
    decoder = codecs.getincrementaldecoder(encoding)()
    started = False
    if progress is not None:
        progress.restart(f"Reading {where} in {encoding}")
    try:
        with path.open("rb") as source, copy.open("wb") as target:
            size = os.fstat(source.fileno()).st_size
            while raw := source.read(_COPIED):
                text = decoder.decode(raw)
                if text and not started:  # (a whole BOM: the first read is _COPIED bytes)
                    started = True
                    text = text.removeprefix("\ufeff") if declared else text
                    if text.startswith("\ufeff"):
                        return False
                target.write(text.encode("utf-8"))
                if progress is not None:
                    progress(len(raw), size)
            target.write(decoder.decode(b"", final=True).encode("utf-8"))
    except (OSError, UnicodeError):
        return False
    if progress is not None:
        progress.restart(f"Reading {where}")
    return True


_COPIED = 16 << 20  # bytes of a file in UTF-16 or UTF-32 copied at a time


def _set_aside(
    path: Path,
    parts: list[_Part],
    kept_rows: KeptRows,
    progress: Progress | None,
    encoding: str,
    where: str,
    *,
    grouped: bool = False,
) -> bool:
    """Give the rows the scan doubted to ``kept_rows``, which sets the bad ones aside:
    a bad row among ten million costs its exact reading, not the file's (3 minutes
    and 14 GB). False if it keeps one, a good row the checks doubted: the file's
    exact reading keeps it in its place.

    The keys of the rows set aside after their keys were looked at join the
    parts' hashes: one of them and a copy elsewhere are both bad rows. The parts
    are plain, one row a line, so each row's line is known.

    ``grouped`` (a scan again): the rows of a key are given together, for
    ``kept_rows`` to set every copy aside (see _key_groups).
    """
    doubts = [(part.first_line, doubt) for part in parts for doubt in part.doubted]
    if not doubts:
        return True
    lines = np.concatenate([first + doubt.skipped + doubt.which for first, doubt in doubts])
    order, starts = np.arange(len(lines)), np.arange(0, len(lines), EXACT_ROWS)
    if grouped:
        order, starts = _key_groups(_hashes([doubt for _, doubt in doubts]), lines)
    if progress is not None:
        progress.restart(f"Checking the rows in doubt in {where} line by line")
    try:
        with path.open("rb") as stream:
            header = stream.readline().removeprefix(codecs.BOM_UTF8)
            begins, ends = _line_spans(stream, lines)
            size = int((ends - begins).sum())
            lines, begins, ends = lines[order], begins[order], ends[order]
            for at, end in itertools.pairwise([*starts.tolist(), len(lines)]):
                group = slice(at, end)
                spans = zip(begins[group].tolist(), ends[group].tolist(), strict=True)
                rows = [_read_at(stream, begin, end) for begin, end in spans]
                kept, counted = kept_rows(b"".join([header, *rows]).decode(encoding), lines[group])
                if len(kept):
                    return False
                parts[0].hashes.append(_key_hashes(counted))
                if progress is not None:
                    progress(int((ends[group] - begins[group]).sum()), size)
    except (OSError, UnicodeDecodeError):  # changed since the scan
        return False
    return True


def _hashes(doubts: list[_Doubted]) -> np.ndarray:
    """The hashes of the keys of the rows these doubts name, in a scan again."""
    hashes = [doubt.hashes for doubt in doubts if doubt.hashes is not None]
    if len(hashes) != len(doubts):
        raise ValueError("the hashes of keys are known in a scan again only")
    return np.concatenate(hashes)


def _key_groups(hashes: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An order of rows (their key ``hashes``, and ``places`` in the files, ascending)
    and where its groups of EXACT_ROWS rows or so start, each key's rows in one group:
    first the rows whose hashes other rows share, by hash, then the others; each in
    file order."""
    values, counts = np.unique(hashes, return_counts=True)
    shared = _among(hashes, values[counts > 1])
    order = np.lexsort((places, np.where(shared, hashes, 0), ~shared))
    # A key starts at a row whose hash is not the row before's.
    hashes = hashes[order]
    key_starts = np.flatnonzero(np.append(True, hashes[1:] != hashes[:-1]))
    at = np.searchsorted(key_starts, np.arange(0, len(order), EXACT_ROWS))
    return order, np.unique(key_starts[at[at < len(key_starts)]])


def _read_at(stream: BinaryIO, begin: int, end: int) -> bytes:
    """The bytes of a stream from ``begin`` to ``end``, a line break at their end."""
    stream.seek(begin)
    data = stream.read(end - begin)
    return data if data.endswith(b"\n") else data + b"\n"


def _line_spans(stream: BinaryIO, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``lines`` (ascending) of a file starts and ends, ``stream`` at the
    start of line 2."""
    starts = _line_starts(stream, np.column_stack((lines, lines + 1)).ravel())
    return starts[0::2], starts[1::2]


def _key_hashes(keys: pd.DataFrame) -> np.ndarray:
    """The hashes of the keys of typed outcomes, as _row_hashes gives those of the
    cells the scan reads (years as written, four digits)."""
    columns = []
    for name in _KEY_COLUMNS:
        codes, values = pd.factorize(keys[name].astype("str"))
        columns.append(_Distinct([str(value) for value in values] or [""], codes))
    return _row_hashes(columns)


def _line_starts(stream: BinaryIO, lines: np.ndarray) -> np.ndarray:
    """Where each of ``lines`` (ascending) of a file starts, ``stream`` at the start of
    line 2 (the end of the file for a line after its last)."""
    starts = [np.empty(0, dtype=np.int64)]
    found, line, position = 0, 2, stream.tell()  # the line that starts at ``position``
    while found < len(lines):
        block = stream.read(BLOCK)
        if not block:
            break
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == _NEWLINE)
        here = np.searchsorted(lines, line + len(ends), side="right")  # lines starting here
        steps = lines[found:here] - line  # the newlines before each, in the block
        starts.append(position + np.concatenate(([0], ends + 1))[steps])
        found = int(here)
        line += len(ends)
        position += len(block)
    starts.append(np.full(len(lines) - found, position))
    return np.concatenate(starts)


def doubted_rows(doubt: Doubt) -> tuple[str, int] | None:
    """The header line and the rows a Doubt names, as text, and the line the first of
    those rows is on; None unless they are text in the file's encoding and every line
    up to their end holds a whole record (only then does a line count say where a
    row is).

    Found by counting lines: had Arrow skipped a blank line before them, these
    are rows a little earlier, whole records all the same.
    """
    try:
        with doubt.path.open("rb") as stream:
            header = stream.read(doubt.first).removeprefix(codecs.BOM_UTF8)
            stream.seek(doubt.start)
            skipped = _lines_length(stream, doubt.skipped)
            stream.seek(doubt.start + skipped)
            length = _lines_length(stream, doubt.rows)
            stream.seek(doubt.first)
            before, _ = _read_lines(stream, doubt.start + skipped - doubt.first, keep=False)
            rows, data = _read_lines(stream, length, keep=True)
    except OSError:
        return None
    if not (before.plain and rows.plain):
        return None
    try:
        text = (header + data).decode(doubt.encoding)
    except UnicodeDecodeError:
        return None
    return text, 2 + before.lines  # line 1 is the header


def repeated_rows(repeats: Repeats) -> tuple[str, np.ndarray] | None:
    """The header line and two rows of a file, as text, and the line each is on: the
    row it copies, then the first row whose key an earlier row holds (see _FirstCopy). Found by
    reading the key columns again, hashed as the scan did, up to that row. None if the
    file can no longer be read so, or no two keys share a hash any more."""
    header = [name for name in _KEY_COLUMNS if name in repeats.header]
    copy, rows = _FirstCopy(repeats.hashes), 0
    try:
        reader = pcsv.open_csv(
            repeats.path,
            read_options=pcsv.ReadOptions(
                column_names=repeats.header, skip_rows=1, block_size=BLOCK
            ),
            convert_options=pcsv.ConvertOptions(
                include_columns=header, column_types=dict.fromkeys(header, _STRINGS)
            ),
        )
        for batch in reader:
            if copy.saw(_key_hashes_of(batch, header), rows):
                break
            rows += batch.num_rows
        if copy.rows is None:
            return None
        lines = np.array(copy.rows) + 2  # one row a line, after the header's
        with repeats.path.open("rb") as stream:
            first = stream.readline().removeprefix(codecs.BOM_UTF8)
            begins, ends = _line_spans(stream, lines)
            spans = zip(begins.tolist(), ends.tolist(), strict=True)
            read = [_read_at(stream, begin, end) for begin, end in spans]
        return b"".join([first, *read]).decode("utf-8"), lines
    except (OSError, pa.ArrowException, UnicodeDecodeError):  # changed since the scan
        return None


class _FirstCopy:
    """The first row of a file (or files) whose key an earlier row holds, as the exact
    reader names a figure given twice, and that earlier row: found by the hashes of the
    keys, batch by batch in file order, among ``repeated`` (ascending), the hashes two
    rows or more hold. Only these two rows are read then, however many repeat: a file
    of 5M rows given twice over took 61 s and 4.7 GB read whole, 6 s and 0.5 GB so."""

    def __init__(self, repeated: np.ndarray) -> None:
        self.repeated = repeated
        self.first = np.full(len(repeated), -1, dtype=np.int64)  # each hash's first row
        self.rows: tuple[int, int] | None = None  # (numbered from 0 in the files)

    def saw(self, hashes: np.ndarray, first_row: int) -> bool:
        """Take the hashes of a batch that starts at ``first_row``: whether the copy is
        found (then ``rows`` holds it)."""
        which = _positions(hashes, self.repeated)
        at = np.flatnonzero(which >= 0)
        which, row = which[at], first_row + at
        keys, firsts = np.unique(which, return_index=True)
        new = self.first[keys] < 0
        self.first[keys[new]] = row[firsts[new]]
        copies = np.flatnonzero(self.first[which] != row)
        if len(copies):
            copy = copies[0]
            self.rows = int(self.first[which[copy]]), int(row[copy])
        return self.rows is not None


def _among(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is one of ``sorted_values`` (ascending): found by a
    binary search, as np.isin sorts them again at each call."""
    return _positions(values, sorted_values) >= 0


def _positions(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """The position of each of ``values`` in ``sorted_values`` (ascending, distinct), or
    -1. Among many sorted values, the values are sorted first: 37k rows in 5M hashes
    took 20 ms in file order, 6 ms sorted first."""
    if not len(sorted_values):
        return np.full(len(values), -1)
    if len(sorted_values) < _SORTED_FIRST_FROM:
        at = np.searchsorted(sorted_values, values)
    else:
        order = np.argsort(values)
        at = np.empty(len(values), dtype=np.int64)
        at[order] = np.searchsorted(sorted_values, values[order])
    at = np.minimum(at, len(sorted_values) - 1)
    found: np.ndarray = np.where(sorted_values[at] == values, at, -1)
    return found


_SORTED_FIRST_FROM = 1 << 16  # sorted values (512 KiB) from which values are sorted first


def _lines_length(stream: BinaryIO, count: int) -> int:
    """The bytes the next ``count`` lines of ``stream`` take (to its end, if fewer)."""
    length = 0
    while count:
        block = stream.read(BLOCK)
        if not block:
            break
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == _NEWLINE)
        if len(ends) >= count:
            return length + int(ends[count - 1]) + 1
        count -= len(ends)
        length += len(block)
    return length


def _read_lines(stream: BinaryIO, length: int, *, keep: bool) -> tuple[_Lines, bytes]:
    """The next ``length`` bytes of ``stream`` (whole lines) read through a _Lines,
    which counts them and checks that each holds a whole record; and, with ``keep``,
    the bytes."""
    lines = _Lines(stream, length, lambda _: None, records=True)
    blocks = []
    while block := lines.read(BLOCK):
        if keep:
            blocks.append(block)
        lines.room.release()
    return lines, b"".join(blocks)


@_gives_memory_back
def scan_parquet(
    files: list[Path],
    columns: list[str],
    metrics: pd.DataFrame,
    *,
    where: str,
    years: Years,
    this_year: int,
    progress: Progress | None = None,
    kept_rows: KeptParquetRows | None = None,
    doubted_keys: np.ndarray | None = None,
) -> Scan | ParquetDoubt | ParquetRepeats | None:
    """The outcomes of Parquet files as the exact reader types and checks them, only
    the rows ``years`` keeps; else they need the exact reader, which may look first
    at the rows a ParquetDoubt or ParquetRepeats names (see repeated_parquet_rows).

    ``columns`` are the outcome columns the files hold (each file holds them
    all); rows are numbered from 1 in each file.

    With ``kept_rows`` (bad rows are set aside), the rows the checks doubt go
    to ``kept_rows``, and keys that may repeat are given back for a scan again
    with ``doubted_keys``, as for a CSV file (see scan_outcomes).
    """
    import pyarrow.parquet as pq  # noqa: PLC0415 (CSV needs none of it)

    try:
        metadata = {path: pq.ParquetFile(path).metadata for path in files}
        size = sum(path.stat().st_size for path in files)
    except (OSError, pa.ArrowException):
        return None  # the exact reader says what is wrong
    pieces = [
        (path, group, first_line)
        for path, about in metadata.items()
        for group, first_line in _row_groups(about)
    ]
    every_row = sum(about.num_rows for about in metadata.values())
    checks = _Checks(columns, metrics, this_year, years, every_row, doubted_keys)
    stop = _Stop(every_batch=kept_rows is not None)

    def read(number: int) -> _Part | None:
        path, group, first_line = pieces[number]
        part = _Part([], [], set(), first_line=first_line)
        try:
            with pq.ParquetFile(path, read_dictionary=_texts(columns)) as file:
                for batch in file.iter_batches(BATCH, row_groups=[group], columns=columns):
                    if stop.everything.is_set():
                        return None
                    typed = _as_read_from_csv(batch)
                    if not stop.checks(part, number):
                        typed.validate(full=True)  # text that is not UTF-8 (add finds it)
                    elif (doubted := checks.add(typed, part)) is not None:
                        if stop.every_batch:  # the others are kept
                            doubted = checks.add_undoubted(typed, part, doubted)
                        _doubted(typed, part, doubted, checks, stop, number)
                    part.rows += batch.num_rows
                    if progress is not None:  # the bytes of the files, as far as rows go
                        progress(size * batch.num_rows // max(every_row, 1), size)
        except (OSError, pa.ArrowException, UnicodeDecodeError):
            stop.give_up()
            return None
        return part

    with ThreadPoolExecutor(max(1, min(CORES, len(pieces)))) as pool:
        parts = list(pool.map(read, range(len(pieces))))
    if stop.everything.is_set():
        return None
    read_parts = [part for part in parts if part is not None]
    for number, ((path, group, first_line), part) in enumerate(
        zip(pieces, read_parts, strict=True)
    ):
        if part.doubted and kept_rows is None:  # the first in the files (see _Stop)
            doubted = part.doubted[0]
            repeats = _repeated_hashes(read_parts[: number + 1])
            copies = ParquetRepeats(files, columns, repeats) if len(repeats) else None
            first_row = first_line + doubted.skipped
            return ParquetDoubt(path, group, doubted.skipped, doubted.rows, first_row, copies)
    if kept_rows is not None and not _set_aside_parquet(
        pieces, read_parts, kept_rows, progress, where, grouped=doubted_keys is not None
    ):
        return None
    repeats = _repeated_hashes(read_parts)
    if len(repeats):  # maybe the same figure twice (see repeated_parquet_rows)
        return ParquetRepeats(files, columns, repeats)
    return _assembled(read_parts, checks, where)


def _set_aside_parquet(
    pieces: list[tuple[Path, int, int]],
    parts: list[_Part],
    kept_rows: KeptParquetRows,
    progress: Progress | None,
    where: str,
    *,
    grouped: bool = False,
) -> bool:
    """As _set_aside, for the row groups (``pieces``) of Parquet files: the rows the
    scan doubted go to ``kept_rows``, EXACT_ROWS at a time in the files' order, or
    (``grouped``) each key's rows together, from whichever files."""
    doubts = [
        (file, first_line, doubt)
        for (file, _, first_line), part in zip(pieces, parts, strict=True)
        for doubt in part.doubted
    ]
    if not doubts:
        return True
    files = {file: at for at, file in enumerate(dict.fromkeys(file for file, _, _ in doubts))}
    rows = np.concatenate([first + doubt.skipped + doubt.which for _, first, doubt in doubts])
    file_of = np.concatenate([np.full(len(doubt.which), files[file]) for file, _, doubt in doubts])
    order, starts = np.arange(len(rows)), np.arange(0, len(rows), EXACT_ROWS)
    if grouped:
        places = file_of * (int(rows.max()) + 1) + rows  # in the files' order
        order, starts = _key_groups(_hashes([doubt for _, _, doubt in doubts]), places)
    if progress is not None:
        progress.restart(f"Checking the rows in doubt in {where} row by row")
    rows, file_of, paths = rows[order], file_of[order], list(files)
    for at, end in itertools.pairwise([*starts.tolist(), len(rows)]):
        group, group_files = rows[at:end], file_of[at:end]
        numbers = {paths[f]: np.sort(group[group_files == f]) for f in np.unique(group_files)}
        kept, counted = kept_rows(numbers)
        if any(len(numbers) for numbers in kept.values()):
            return False
        parts[0].hashes.append(_key_hashes(counted))
        if progress is not None:
            progress(end - at, len(rows))
    return True


def repeated_parquet_rows(repeats: ParquetRepeats) -> dict[Path, np.ndarray] | None:
    """The rows (numbered from 1) of the first copy of a key in Parquet files, in their
    order, and of the row it copies, by file (see _FirstCopy): found by reading the key
    columns again, hashed as the scan did. None if the files can no longer be read
    so, or no two keys share a hash any more."""
    import pyarrow.parquet as pq  # noqa: PLC0415 (CSV needs none of it)

    header = [name for name in _KEY_COLUMNS if name in repeats.columns]
    copy, rows, starts = _FirstCopy(repeats.hashes), 0, []  # each file's first row
    try:
        for path in repeats.files:
            starts.append(rows)
            with pq.ParquetFile(path, read_dictionary=header) as file:
                for batch in file.iter_batches(BATCH, columns=header):
                    if copy.saw(_key_hashes_of(_as_read_from_csv(batch), header), rows):
                        break
                    rows += batch.num_rows
            if copy.rows is not None:
                break
    except (OSError, pa.ArrowException, UnicodeDecodeError):  # changed since the scan
        return None
    if copy.rows is None:
        return None
    found: dict[Path, list[int]] = {}
    for row in copy.rows:  # (an empty file starts where the next does)
        file = bisect.bisect_right(starts, row) - 1
        found.setdefault(repeats.files[file], []).append(row - starts[file] + 1)
    return {path: np.array(numbers) for path, numbers in found.items()}


def _row_groups(metadata: pq.FileMetaData) -> list[tuple[int, int]]:
    """Each row group of a Parquet file, and the number of its first row (from 1)."""
    groups = []
    first = 1
    for group in range(metadata.num_row_groups):
        groups.append((group, first))
        first += metadata.row_group(group).num_rows
    return groups


def _texts(columns: list[str]) -> list[str]:
    return [name for name in columns if name != "value"]


def _as_read_from_csv(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A Parquet batch in the shapes Arrow's CSV reader gives."""
    columns = [
        _as_from_csv(name, column)
        for name, column in zip(batch.schema.names, batch.columns, strict=True)
    ]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _as_from_csv(name: str, column: pa.Array) -> pa.Array:
    """The value as text or numbers; any other column as a dictionary of text, null
    blank, but the free texts as text unless they are one already (Parquet keeps a
    text column's dictionary: made text, the batches of a 29 MB file took 0.1 GB
    more)."""
    if name == "value":
        # Narrower floats are read as written out (a float32 8000.7 is 8000.7), as the
        # exact reader reads them.
        numbers = pa.types.is_integer(column.type) or column.type == pa.float64()
        return column if numbers else pc.cast(column, pa.string())
    if (
        pa.types.is_dictionary(column.type)
        and column.type == _STRINGS
        and not column.null_count
        and not column.dictionary.null_count
    ):
        return column
    text = pc.fill_null(pc.cast(column, pa.string()), "")
    return text if name in _FREE_TEXTS else pc.dictionary_encode(text)


def _part_starts(
    stream: BinaryIO, head: bytes, size: int, encoding: str
) -> tuple[list[str], list[int]] | None:
    """The header, and where each core's byte range starts (each at a line's start)."""
    bom = head.startswith(codecs.BOM_UTF8)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4]:
        return None  # UTF-16 or UTF-32
    if bom and not is_utf8(encoding):
        return None  # (the exact reader decodes it as the encoding says)
    end = head.find(b"\n")
    if end < 0 or end + 1 >= size:
        return None
    header = _header(head[len(codecs.BOM_UTF8) if bom else 0 : end], encoding)
    if header is None:
        return None
    first = end + 1
    parts = max(1, min(CORES, (size - first) // PART))
    starts = [first]
    for number in range(1, parts):
        stream.seek(first + (size - first) * number // parts)
        ahead = stream.read(1 << 16)
        newline = ahead.find(b"\n")
        if newline < 0:
            break
        start = stream.tell() - len(ahead) + newline + 1
        if start > starts[-1] and start < size:
            starts.append(start)
    return header, starts


def _header(line: bytes, encoding: str) -> list[str] | None:
    """The column names of a plain header line: known, unique, none blank."""
    try:
        text = line.decode(encoding).removesuffix("\r")
    except UnicodeDecodeError:
        return None
    if "\r" in text or "\0" in text or text.startswith("\ufeff"):
        return None
    try:
        names = [name.strip() for name in next(csv.reader([text], strict=True))]
    except csv.Error:
        return None
    known = {column.name for column in OUTCOMES.columns}
    if not all(name in known for name in names) or len(set(names)) != len(names):
        return None
    return names if set(OUTCOMES.required) <= set(names) else None


# --- one byte range ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Doubted:
    """A batch of a part the checks doubted: ``rows`` rows after the part's first
    ``skipped``; the checks doubt the rows at ``which`` (positions in the batch).
    A scan that sets bad rows aside keeps the others."""

    skipped: int
    rows: int
    which: np.ndarray = field(repr=False)
    # In a scan again (see doubted_keys), the hashes of the keys of the rows at ``which``.
    hashes: np.ndarray | None = field(repr=False)


@dataclass
class _Part:
    """The rows kept from one byte range, and what was seen in all of its rows."""

    batches: list[pa.RecordBatch]
    hashes: list[np.ndarray]
    years: set[int]
    rows: int = 0
    first_line: int = 0  # the line (or Parquet row) number of the part's first row
    reporters: list[pa.RecordBatch] = field(default_factory=list)  # with Years.reporting
    # With Years.summed: the partial totals of the batches so far, combined into one
    # frame (or none yet), and those of the batches since, as arrays (see _Checks._partial).
    partial: list[pd.DataFrame] = field(default_factory=list)
    summing: list[_Sums] = field(default_factory=list)
    # The batches the checks doubted: the first only, unless a scan sets bad rows aside.
    doubted: list[_Doubted] = field(default_factory=list)

    def combine_sums(self) -> None:
        """Put the partial totals of the batches since into ``partial``'s one frame."""
        if self.summing:
            self.partial[:] = [combined_partials([*self.partial, _frame_of(self.summing)])]
            self.summing.clear()


class _Stop:
    """What the byte ranges (or row groups) read in parallel stop doing, so that what
    a scan finds is the same whatever the timing of the threads.

    At a doubt about the file as a whole (not plain, not CSV as Arrow reads it,
    not UTF-8), every range stops: the exact reader reads the file. At a doubt
    about a batch's rows, the ranges after stop checking rows, those before check
    on to their first doubt; and all read on to their end, for a doubt about the
    whole file anywhere takes precedence, as in the exact reader.

    With ``every_batch`` (a scan that sets bad rows aside), a doubt about a
    batch's rows stops nothing: every range checks every batch.
    """

    def __init__(self, *, every_batch: bool = False) -> None:
        self.every_batch = every_batch
        self.everything = threading.Event()
        self.not_utf8 = False  # whether a range stopped at text that is not UTF-8
        self.doubted: int | None = None  # the first range with a doubted batch
        self.lock = threading.Lock()

    def give_up(self, *, not_utf8: bool = False) -> None:
        """Stop every range, at a doubt about the whole file (``not_utf8``: text that
        is not UTF-8, which a scan again may read as GB18030)."""
        self.not_utf8 |= not_utf8
        self.everything.set()

    def doubt(self, part: int) -> None:
        with self.lock:
            self.doubted = part if self.doubted is None else min(self.doubted, part)

    def checks(self, part: _Part, number: int) -> bool:
        """Whether range ``number`` still checks its rows."""
        if self.every_batch:
            return True
        return not part.doubted and (self.doubted is None or self.doubted > number)


class _Lines:
    """A byte range of a file, read as Arrow asks, with its lines checked on the way.

    A range is plain when every line holds one whole record as Python's csv
    module (strict) would read it: no CR without LF, quotes only around whole
    fields. Counting its lines then gives each record's line number.
    """

    def __init__(
        self,
        stream: BinaryIO,
        length: int,
        report: Callable[[int], None],
        *,
        records: bool = False,
        encoding: str = "utf-8",
        detection: _Detection | None = None,
    ) -> None:
        self.stream = stream
        self.report = report
        self.left = length
        self.carry = b""  # the start of a line whose end is not read yet
        self.lines = 0
        self.plain = True
        self.first = True
        self.closed = False
        # With records, a line is plain only if it holds whole records: its quotes
        # open and close each field on it. (Arrow's reader finds a record on several
        # lines by its count of rows.)
        self.records = records
        # Arrow reads ahead of the batches it has handed out; each holds a block.
        self.room = threading.Semaphore(AHEAD)
        # Text in another encoding is given to Arrow in UTF-8.
        self.decoder = None if is_utf8(encoding) else codecs.getincrementaldecoder(encoding)()
        self.detection = detection
        self.raw_carry = b""  # with detection, the start of a line whose end is not read yet
        self.finished = False  # reads find the end of the range at once

    def read(self, size: int = -1) -> bytes:
        if self.finished:
            return b""
        self.room.acquire(timeout=0.1)  # wait for a batch to be done, but never for long
        data = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        self.report(len(data))
        if self.decoder is not None:
            data = self._in_utf8(data, self.decoder)
        if self.plain:
            # Text never holds a NUL; and Arrow would drop a BOM that starts a range.
            self.plain = b"\0" not in data and not (self.first and data.startswith(codecs.BOM_UTF8))
            self.first = False
            self._check(data)
        return data

    def _check(self, data: bytes) -> None:
        first = data.find(b"\n")
        last = data.rfind(b"\n")
        if first < 0:
            self.carry += data
        else:
            self._check_lines(self.carry + data[: first + 1])
            self._check_lines(memoryview(data)[first + 1 : last + 1])
            self.carry = data[last + 1 :]
        if not self.left and self.carry:  # a last line without a line break
            self._check_lines(self.carry + b"\n")
            self.carry = b""

    def _check_lines(self, block: bytes | memoryview) -> None:
        """Count the lines of ``block`` (whole lines) and check that they are plain."""
        octets = np.frombuffer(block, dtype=np.uint8)
        if not len(octets):
            return
        self.lines += int(np.count_nonzero(octets == _NEWLINE))
        if _CR in octets:
            crs = np.flatnonzero(octets == _CR)
            self.plain &= bool((octets[crs + 1] == _NEWLINE).all())
        if _QUOTE in octets:
            quotes = np.flatnonzero(octets == _QUOTE)
            self.plain &= _quoted_fields(octets, quotes) or _quoted_fields_escaped(octets, quotes)
            if self.records:  # a line's quotes, in pairs ("" for a quote), close what they open
                lines = np.searchsorted(np.flatnonzero(octets == _NEWLINE), quotes)
                self.plain &= not (np.bincount(lines) % 2).any()

    def _in_utf8(self, raw: bytes, decoder: codecs.IncrementalDecoder) -> bytes:
        """Bytes of the range in its encoding, in UTF-8 (and seen by the detection);
        none if they are not text in the encoding: the range is not plain, and the
        exact reader says where."""
        final = not self.left
        try:
            text = decoder.decode(raw, final=final)
        except UnicodeDecodeError:
            self.plain, self.left = False, 0
            return b""
        if self.detection is not None:
            self.raw_carry = self.detection.saw(self.raw_carry + raw, final=final)
        return text.encode("utf-8")

    def readable(self) -> bool:
        return True

    def finish(self) -> None:
        """Let every read from now on find the end of the range (see _let_go)."""
        self.finished = True

    def close(self) -> None:
        self.closed = True


def _starts_in_utf8(head: bytes) -> bool:
    """Whether the first bytes of a file are UTF-8 (the last character may be cut)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data"
    return True


class _Detection:
    """What encoding.decode looks at to detect GB18030, seen as byte ranges are read:
    whether a line is UTF-8 Chinese (then it refuses a file whose other lines are
    GB18030), and the characters beyond ASCII (some mean another encoding)."""

    def __init__(self) -> None:
        self.wide: set[str] = set()
        self.utf8_line = False
        self.lock = threading.Lock()

    def saw(self, raw: bytes, final: bool) -> bytes:
        """Look at the whole lines of ``raw`` (all of it if ``final``): what is left."""
        end = len(raw) if final else raw.rfind(b"\n") + 1
        # A slice of lines at a time: arrays of a flag a byte for 4 MB took 50 MB.
        if any(map(_utf8_chinese_line, _line_slices(raw[:end], 1 << 20))):
            self.utf8_line = True
        return raw[end:]

    def saw_cells(self, batch: pa.RecordBatch) -> None:
        """Take the characters beyond ASCII of a batch's cells: the distinct cells of
        each text column, and the values that are not ASCII (commas, quotes and line
        breaks, the rest of a row, are ASCII; the header line is seen apart)."""
        texts = [
            column.dictionary
            if isinstance(column, pa.DictionaryArray)
            else pc.unique(column.filter(pc.invert(pc.string_is_ascii(column))))
            for column in batch.columns
        ]
        self.saw_text("".join(cell for text in texts for cell in text.to_pylist()))

    def saw_text(self, text: str) -> None:
        """Take the characters beyond ASCII of ``text``."""
        wide = set(_ASCII.sub("", text))
        with self.lock:
            self.wide |= wide

    def refused(self) -> bool:
        """Whether encoding.decode refuses to read the file as GB18030, the file seen
        whole. Its first bytes are not UTF-8 and it all decodes as GB18030, so one of
        its lines is GB18030 alone: one line UTF-8 Chinese is a mix it refuses."""
        return self.utf8_line or unlikely_gb18030(self.wide)


_ASCII = re.compile("[\x00-\x7f]+")


def _line_slices(lines: bytes, size: int) -> Iterator[bytes]:
    """Whole lines, about ``size`` bytes at a time."""
    start = 0
    while start < len(lines):
        end = lines.find(b"\n", start + size) + 1 or len(lines)
        yield lines[start:end]
        start = end


def _utf8_chinese_line(lines: bytes) -> bool:
    """Whether one of these whole lines is UTF-8 Chinese (see encoding.is_utf8_chinese).

    Only lines with a byte that may start a character of three, and that no
    byte proves not UTF-8, are decoded: in a GB18030 file, few. (A byte that
    starts a character of several not followed by one that goes on with it,
    one that goes on with a character after ASCII, and bytes no character has
    prove it.)
    """
    octets = np.frombuffer(lines, dtype=np.uint8)
    if not (octets >= 0xE0).any():
        return False
    after = np.append(octets[1:], _NEWLINE)
    before = np.insert(octets[:-1], 0, _NEWLINE)
    leads = octets >= 0xC0  # the first byte of a character of several
    goes_on = (octets >= 0x80) & (octets < 0xC0)
    lead_alone = leads & ((after < 0x80) | (after >= 0xC0))
    goes_on_after_ascii = goes_on & (before < 0x80)
    never = (octets >= 0xF5) | (octets == 0xC0) | (octets == 0xC1)
    proof = lead_alone | goes_on_after_ascii | never
    starts = np.concatenate(([0], np.flatnonzero(octets[:-1] == _NEWLINE) + 1))
    three = np.logical_or.reduceat((octets >= 0xE0) & (octets < 0xF0), starts)
    candidates = np.flatnonzero(three & ~np.logical_or.reduceat(proof, starts))
    ends = np.append(starts[1:], len(octets))
    return any(is_utf8_chinese(lines[starts[at] : ends[at]]) for at in candidates.tolist())


def _quoted_fields(octets: np.ndarray, quotes: np.ndarray) -> bool:
    """Whether the quotes of these whole lines only open and close fields, in pairs."""
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = octets[np.maximum(opening - 1, 0)]
    after = octets[closing + 1]
    return bool(
        ((opening == 0) | (before == _COMMA) | (before == _NEWLINE)).all()
        and ((after == _COMMA) | (after == _NEWLINE) | (after == _CR)).all()
    )


def _quoted_fields_escaped(octets: np.ndarray, quotes: np.ndarray) -> bool:
    """Whether every quote in these whole lines opens or closes a field, or doubles one.

    Runs of quotes are read as the csv module reads them: outside a quoted
    field a run must start a field; a run that leaves a quoted field must
    be followed by a comma or the line's end; each line closes what it opens.
    """
    newlines = np.flatnonzero(octets == _NEWLINE)
    starts_run = np.ones(len(quotes), dtype=bool)
    starts_run[1:] = np.diff(quotes) != 1
    first = np.flatnonzero(starts_run)
    begin = quotes[first]
    length = np.diff(np.append(first, len(quotes)))
    end = begin + length  # the byte after the run
    line_starts = np.concatenate(([0], newlines + 1))
    line = np.searchsorted(newlines, begin)  # the line each run is on
    first_in_line = np.searchsorted(quotes, line_starts)
    before = first - first_in_line[line]  # quotes earlier on the same line
    quotes_per_line = np.diff(first_in_line)
    outside = before % 2 == 0
    previous = octets[np.maximum(begin - 1, 0)]
    at_field_start = (begin == 0) | (previous == _COMMA) | (previous == _NEWLINE)
    following = octets[np.minimum(end, len(octets) - 1)]
    at_field_end = (following == _COMMA) | (following == _NEWLINE) | (following == _CR)
    leaves = np.where(outside, length % 2 == 0, length % 2 == 1)
    bad = (outside & ~at_field_start) | (leaves & ~at_field_end)
    return not bad.any() and not (quotes_per_line % 2).any()


def _read_part(
    path: Path,
    header: list[str],
    byte_range: tuple[int, int, int],
    checks: _Checks,
    stop: _Stop,
    report: Callable[[int], None],
    encoding: str,
    detection: _Detection | None,
) -> _Part | None:
    """Read and check the rows of a byte range (its number, start and end) in
    ``encoding``: None at a doubt about the whole file, else the part, its doubted
    batches named if any (see _Stop)."""
    number, start, end = byte_range
    part = _Part([], [], set())
    with path.open("rb", buffering=0) as stream:
        stream.seek(start)
        lines = _Lines(stream, end - start, report, encoding=encoding, detection=detection)
        reader = None
        try:
            reader = _open_csv(lines, header)
            for batch in reader:
                if not lines.plain:
                    stop.give_up()
                if stop.everything.is_set():
                    return None
                if detection is not None:
                    detection.saw_cells(batch)
                if stop.checks(part, number):
                    doubted = checks.add(batch, part)
                    if doubted is not None and stop.every_batch:  # the others are kept
                        doubted = checks.add_undoubted(batch, part, doubted)
                    if doubted is not None:
                        _doubted(batch, part, doubted, checks, stop, number)
                part.rows += batch.num_rows
                lines.room.release()
        except pa.ArrowInvalid as error:  # not CSV as Arrow reads it, or not UTF-8
            # (Arrow's words: were they to change, the exact reader would read the file.)
            stop.give_up(not_utf8="invalid UTF8" in str(error))
            return None
        finally:
            _let_go(reader, lines)
    if not lines.plain or lines.lines != part.rows:  # a blank line, or a record on several
        stop.give_up()
        return None
    return part


def _let_go(reader: pcsv.CSVStreamingReader | None, lines: _Lines) -> None:
    """End Arrow's reading of a byte range, at its end or left before it. Arrow reads
    ahead on a thread of its own, which calls ``lines``: left, it read on for as far
    as it reads ahead (blocks of the range a batch's room at a time); now it finds
    the end of the range at once, and its batches are taken (see also __main__.run)."""
    lines.finish()
    if reader is not None:
        with contextlib.suppress(pa.ArrowInvalid):
            for _ in reader:  # the batches of what it had read
                pass


def _doubt(copies: Repeats, first: int, start: int, doubted: _Doubted) -> Doubt | None:
    """The Doubt of a file whose first doubted batch is ``doubted``, in the byte range from
    ``start``, and whose keys up to its end may repeat as ``copies`` says; None if a copy
    is there in a file only the exact reader names copies of (see repeated_rows)."""
    repeats = len(copies.hashes) > 0
    if repeats and not is_utf8(copies.encoding):
        return None
    return Doubt(
        copies.path,
        first,
        start,
        doubted.skipped,
        doubted.rows,
        copies.encoding,
        copies if repeats else None,
    )


def _doubted(
    batch: pa.RecordBatch,
    part: _Part,
    doubted: np.ndarray,
    checks: _Checks,
    stop: _Stop,
    number: int,
) -> None:
    """Name the rows of a batch the checks doubt (see _Doubted) to the part and ``stop``.
    Stopping at the first doubt, the keys of every row of the batch join the part's
    hashes: a copy among them or before them comes before the first bad row."""
    hashes = checks.hashes_of(batch, doubted)
    part.doubted.append(_Doubted(part.rows, batch.num_rows, doubted, hashes))
    if not stop.every_batch:
        part.hashes.append(_key_hashes_of(batch, checks.header))
    stop.doubt(number)


def _open_csv(source: _Lines, header: list[str]) -> pcsv.CSVStreamingReader:
    """Arrow's reader of CSV rows with columns ``header``, BLOCK bytes a batch: texts
    as dictionaries, but the value (see parse_figures) and the free texts as text."""
    return pcsv.open_csv(
        source,
        read_options=pcsv.ReadOptions(column_names=header, block_size=BLOCK, use_threads=False),
        parse_options=pcsv.ParseOptions(ignore_empty_lines=True),
        convert_options=pcsv.ConvertOptions(
            column_types={
                name: pa.string() if name == "value" or name in _FREE_TEXTS else _STRINGS
                for name in header
            }
        ),
    )


# --- checks of a batch --------------------------------------------------------------------


class _Checks:
    """The checks of the exact reader, on whole columns; and the rows kept."""

    def __init__(
        self,
        header: list[str],
        metrics: pd.DataFrame,
        this_year: int,
        years: Years,
        rows: int,
        doubted_keys: np.ndarray | None = None,
    ) -> None:
        self.header = header
        self.doubted_keys = doubted_keys  # hashes of keys whose rows all are doubted
        self.this_year = this_year
        self.years = years
        self.latest = 0
        self.metric_ids = {name: at for at, name in enumerate(metrics["metric"])}
        self.metric_names = pa.array(list(metrics["metric"]), type=pa.string())
        # The metrics kept in every year, by position, and by name.
        pooled = sorted(derivation_metrics(metrics)) if years.pools else []
        self.every_year = np.isin(metrics["metric"], pooled)
        self.every_year_names = pa.array(pooled, type=pa.string())
        # The metrics whose rows may be kept, and those summed as read, by position (see
        # Years.metrics, Years.summed).
        self.kept_metric = years.kept_metrics(metrics)
        self.summed = (
            (
                metrics["kind"].isin(ADDITIVE_KINDS)
                & ~metrics["metric"].isin(derivation_metrics(metrics))
            ).to_numpy()
            & self.kept_metric
            & (years.summed and rows >= SUMMED_FROM)
        )
        self.reporting = years.reporting
        # Each qualifier's sum_flags, by position in QUALIFIERS; texts by metric position.
        self.flags = sum_flags(pd.Series(QUALIFIERS, dtype="str")).to_numpy()
        self.metric_texts = metrics["metric"].to_numpy(dtype=object)
        self.programme_texts = metrics["programme"].to_numpy(dtype=object)
        programmes = dict.fromkeys(metrics["programme"])
        # A programme's position; a blank cell takes the metric's.
        self.programme_ids = {"": -1} | {name: at for at, name in enumerate(programmes)}
        self.programme_of = np.array([self.programme_ids[name] for name in metrics["programme"]])
        self.programme_names = pa.array(list(metrics["programme"]), type=pa.string())
        kinds, units = metrics["kind"].to_numpy(), metrics["unit"].to_numpy()
        self.count = kinds == "count"
        self.percent_share = (kinds == "share") & (units == "percent")
        self.percent = units == "percent"
        self.lock = threading.Lock()
        self.unreturned = 0  # rows checked since memory was last given back

    def add(
        self, batch: pa.RecordBatch, part: _Part, only: np.ndarray | None = None
    ) -> np.ndarray | None:
        """Check the rows of a batch (those at ``only``, if given) and keep what the
        years ask for; or, if the checks doubt some, keep none and say which (their
        positions in what was checked). The batch's rows follow the part's so far
        (see _Part.rows, which the reader moves on)."""
        if only is not None:
            batch = batch.take(pa.array(only))
        if not batch.num_rows:
            return None
        rows = self._typed(batch)
        if not isinstance(rows, _Rows):
            return np.flatnonzero(rows)
        with self.lock:
            self.latest = max(self.latest, int(rows.year.max()))
            latest = self.latest
            self.unreturned += batch.num_rows
            trim = self.unreturned >= TRIM_EVERY
            if trim:
                self.unreturned = 0
        if trim:
            # What the checks of a batch free stays with each thread's arena, in
            # pieces between the rows kept. Given back every half million rows, the
            # peak of a 1 GB scan is 50-80 MB lower, for 6 ms a time. (Counted in
            # batches, as it was, Parquet's large ones gave it back too seldom.)
            give_memory_back()
        keep = self.years.keeps(rows.year, latest) | self.every_year[rows.metric]
        keep &= self.kept_metric[rows.metric]
        part.hashes.append(_row_hashes(rows.keys()))
        part.years.update(rows.years)
        if self.reporting:
            part.reporters.append(self._reporters(rows))
        summed = self.summed[rows.metric]
        if summed.any():
            part.summing.append(self._partial(rows, np.flatnonzero(summed)))
            if len(part.summing) == COMBINE_EVERY:  # many batches hold the same groups
                part.combine_sums()
            keep &= ~summed
        if keep.any():
            chosen = np.flatnonzero(keep)
            basis = rows.cell("basis")
            filled_basis = pa.array([name or REPORTED for name in basis.values])
            columns = {
                "year": pa.array(rows.year[chosen].astype(np.int16)),
                "region": rows.cell("region").take(chosen),
                "entity": rows.cell("entity").take(chosen),
                "programme": _dictionary(rows.metric[chosen], self.programme_names),
                "metric": rows.cell("metric").take(chosen),
                "value": pa.array(rows.value[chosen]),
                "qualifier": _dictionary(rows.qualifier[chosen], pa.array(QUALIFIERS)),
                "period": rows.cell("period").take(chosen),
                "basis": _dictionary(basis.codes[chosen], filled_basis),
                "source": rows.kept_text("source", chosen)
                if self.years.quotes
                else rows.derivations(chosen),
                **{
                    name: rows.kept_text(name, chosen)
                    if name in _FREE_TEXTS
                    else rows.cell(name).take(chosen)
                    for name in PROVENANCE_COLUMNS
                },
                "row": pa.array(part.rows + (chosen if only is None else only[chosen])),
            }
            part.batches.append(pa.RecordBatch.from_pydict(columns))
        return None

    def add_undoubted(self, batch: pa.RecordBatch, part: _Part, doubted: np.ndarray) -> np.ndarray:
        """Check and keep the rows of a batch not ``doubted`` (see add): the rows
        doubted, or every row if the checks doubt the others still."""
        others = np.setdiff1d(np.arange(batch.num_rows), doubted)
        if len(others) and self.add(batch, part, others) is not None:
            return np.arange(batch.num_rows)
        return doubted

    def hashes_of(self, batch: pa.RecordBatch, rows: np.ndarray) -> np.ndarray | None:
        """In a scan again (see doubted_keys), the hashes of the keys of these rows."""
        if self.doubted_keys is None:
            return None
        hashes: np.ndarray = _key_hashes_of(batch, self.header)[rows]
        return hashes

    def kept(self, batch: pa.RecordBatch, latest: int) -> np.ndarray:
        """Which rows of a kept batch stay, with ``latest`` the latest year of the file."""
        keep = self.years.keeps(batch.column("year").to_numpy(), latest)
        if self.years.pools:
            always = pc.is_in(batch.column("metric"), value_set=self.every_year_names)
            keep |= always.to_numpy(zero_copy_only=False)
        return keep

    def _reporters(self, rows: _Rows) -> pa.RecordBatch:
        """Who reports what in a batch: its distinct region, entity, metric and span."""
        period = rows.cell("period")
        # Checked: a period that names a year names the row's own (see with_span).
        spans = [OWN_YEAR if _year_of(name) >= 0 else name for name in period.values]
        position = {name: at for at, name in enumerate(dict.fromkeys(spans))}
        span = _Distinct(list(position), np.array([position[name] for name in spans])[period.codes])
        region, entity = rows.cell("region"), rows.cell("entity")
        columns = [
            (region.codes, len(region.values)),
            (entity.codes, len(entity.values)),
            (rows.metric, len(self.metric_ids)),
            (span.codes, len(span.values)),
        ]
        key = combined_codes(columns, len(rows.year))
        first = np.unique(key, return_index=True)[1]
        columns = [
            region.take(first),
            entity.take(first),
            _dictionary(rows.metric[first], self.metric_names),
            span.take(first),
        ]
        return pa.RecordBatch.from_arrays(columns, names=REPORTER)

    def _partial(self, rows: _Rows, chosen: np.ndarray) -> _Sums:
        """The partial totals of these rows of a batch (see Years.summed), as
        :func:`laborstats.stats.totals.partial_totals` gives them."""
        entity, period = rows.cell("entity"), rows.cell("period")
        derived = rows.derived(chosen)
        # A source code only for derived figures; the one after the last for the others.
        source = rows.text("source", chosen[derived])
        sources = np.full(len(chosen), len(source.values))
        sources[derived] = source.codes
        columns = [
            (rows.year[chosen] - 1000, self.this_year - 999),  # years are checked: 1000 on
            (entity.codes[chosen], len(entity.values)),
            (rows.metric[chosen], len(self.metric_ids)),
            (period.codes[chosen], len(period.values)),
            (sources, len(source.values) + 1),
        ]
        key = combined_codes(columns, len(chosen))
        _, first, numbers = np.unique(key, return_index=True, return_inverse=True)
        count, picked = len(first), chosen[first]
        flags = self.flags[rows.qualifier[chosen]].T
        return {
            "year": rows.year[picked],
            "entity": entity.texts(picked),
            "programme": self.programme_texts[rows.metric[picked]],
            "metric": self.metric_texts[rows.metric[picked]],
            "period": period.texts(picked),
            "derived_source": np.append(np.array(source.values, dtype=object), np.nan)[
                sources[first]
            ],
            **exact_parts(rows.value[chosen], numbers, count),
            **{
                name: np.bincount(numbers, weights=flag, minlength=count).astype(np.int64)
                for name, flag in zip(("approx", "up", "down"), flags, strict=True)
            },
            "figures": np.bincount(numbers, minlength=count),
        }

    def _typed(self, batch: pa.RecordBatch) -> _Rows | np.ndarray:
        """The rows typed as the exact reader types them; or, if a check may fail,
        which rows it may fail on (most checks are of each distinct cell)."""
        cells = {
            name: _Distinct.of(batch, name)
            for name in self.header
            if name != "value" and name not in _FREE_TEXTS
        }
        blank = _blank(batch.num_rows)
        region, year, period, programme = (
            cells.get(name, blank) for name in ("region", "year", "period", "programme")
        )
        metric_cells, stated_cells = cells.get("metric", blank), cells.get("qualifier", blank)
        doubted = np.zeros(batch.num_rows, dtype=bool)

        def doubt(column: _Distinct, cells_doubted: list[bool] | np.ndarray) -> None:
            flags = np.asarray(cells_doubted, dtype=bool)
            if flags.any():
                doubted[flags[column.codes]] = True

        metric_ids = metric_cells.ids(self.metric_ids)
        stated_ids = stated_cells.ids(_QUALIFIER_IDS)
        year_of = np.array([_year_of(name) for name in year.values])
        doubt(metric_cells, metric_ids < 0)
        doubt(stated_cells, stated_ids < -1)  # -1: blank
        doubt(region, [name in ("", ALL_REGIONS) for name in region.values])
        # (before 1000, 0999 and str(999) differ, as the exact check of periods sees)
        doubt(year, (year_of < 1000) | (year_of > self.this_year))
        basis = cells.get("basis", blank)
        doubt(basis, [name not in ("", *BASES) for name in basis.values])
        doubt(period, [not re.fullmatch(PERIOD, name) for name in period.values])
        for name, plain in _PLAIN_PROVENANCE.items():
            if name in cells:
                doubt(cells[name], [not re.fullmatch(plain, text) for text in cells[name].values])
        metric = np.maximum(metric_ids, 0)[metric_cells.codes]
        stated = np.maximum(stated_ids, -1)[stated_cells.codes]
        years = year_of[year.codes]
        named_year = np.array([_year_of(name) for name in period.values])[period.codes]
        named = np.array([self.programme_ids.get(name, -2) for name in programme.values])
        named = named[programme.codes]
        doubted |= (named_year >= 0) & (named_year != years)
        doubted |= (named != -1) & (named != self.programme_of[metric])
        if self.doubted_keys is not None:
            doubted |= _among(_row_hashes(_keys(cells, blank)), self.doubted_keys)

        figures = parse_figures(batch.column("value"))
        value, written = figures.value, figures.qualifier
        exact = QUALIFIERS.index(EXACT)
        count, share = self.count[metric], self.percent_share[metric]
        with np.errstate(invalid="ignore"):
            doubted |= (
                ~figures.valid
                | np.isnan(value)
                | ((stated >= 0) & (written != exact) & (written != stated))
                | (figures.percent & ~self.percent[metric])
                | (count & ((value < 0) | (value % 1 != 0)))
                | (share & ((value < 0) | (value > 100)))
            )
        if doubted.any():
            return doubted
        # (a Parquet dictionary may hold years no row has)
        seen = set(year_of[np.unique(year.codes)].tolist())
        qualifier = np.where(stated >= 0, stated, written)
        texts = {name: batch.column(name) for name in _FREE_TEXTS if name in self.header}
        return _Rows(cells, blank, texts, years, seen, metric, value, qualifier)


# Offsets and confidences as the exact reader takes them (it says what is wrong).
_PLAIN_PROVENANCE = {"offset": "[0-9]*", "confidence": r"|(?:0|1)(?:\.0*)?|0?\.[0-9]+"}


@dataclass(frozen=True)
class _Rows:
    """A batch as :meth:`_Checks._typed` types it."""

    cells: dict[str, _Distinct]
    blank: _Distinct  # for the columns the file does not have
    texts: dict[str, pa.Array]  # the free texts, as Arrow read them (text, or a dictionary)
    year: np.ndarray
    years: set[int]
    metric: np.ndarray  # each row's position in metrics.csv
    value: np.ndarray
    qualifier: np.ndarray  # each row's position in QUALIFIERS

    def cell(self, name: str) -> _Distinct:
        return self.cells.get(name, self.blank)

    def text(self, name: str, rows: np.ndarray) -> _Distinct:
        """A free text of these rows, as the other texts are (see _Distinct.of)."""
        kept = self.kept_text(name, rows)
        return _Distinct(kept.dictionary.to_pylist() or [""], kept.indices.to_numpy())

    def kept_text(self, name: str, rows: np.ndarray) -> pa.DictionaryArray:
        """A free text of these rows, as the rows kept hold the other texts (see add)."""
        column = self.texts.get(name)
        if column is None:
            return self.blank.take(rows)
        taken = column.take(pa.array(rows, type=pa.int64()))
        if isinstance(taken, pa.DictionaryArray):  # (from Parquet) only the texts taken
            taken = taken.dictionary_decode()
        encoded = pc.dictionary_encode(taken)
        return pa.DictionaryArray.from_arrays(encoded.indices, _stripped(encoded.dictionary))

    def derived(self, rows: np.ndarray) -> np.ndarray:
        """Which of these rows are of derived figures."""
        basis = self.cell("basis")
        derived: np.ndarray = np.array([name == DERIVED for name in basis.values])[
            basis.codes[rows]
        ]
        return derived

    def derivations(self, rows: np.ndarray) -> pa.DictionaryArray:
        """The sources of these rows where they are derived figures, blank elsewhere
        (see Years.quotes)."""
        derived = self.derived(rows)
        sources = self.kept_text("source", rows[derived])
        codes = np.zeros(len(rows), dtype=np.int64)
        codes[derived] = sources.indices.to_numpy() + 1
        blank = pa.array([""], type=sources.dictionary.type)
        return _dictionary(codes, pa.concat_arrays([blank, sources.dictionary]))

    def keys(self) -> list[_Distinct]:
        return _keys(self.cells, self.blank)


def _keys(cells: dict[str, _Distinct], blank: _Distinct) -> list[_Distinct]:
    """The key columns of a batch's cells, ``blank`` for those the file does not have."""
    return [cells.get(name, blank) for name in _KEY_COLUMNS]


def _year_of(text: str) -> int:
    """A year written as four digits, or -1."""
    return int(text) if re.fullmatch("[0-9]{4}", text) else -1


@dataclass(frozen=True)
class _Distinct:
    """A dictionary-encoded column: its distinct cells, stripped, and each row's code."""

    values: list[str]
    codes: np.ndarray

    @classmethod
    def of(cls, batch: pa.RecordBatch, name: str) -> _Distinct:
        column = batch.column(name)
        values = [cell.strip() for cell in column.dictionary.to_pylist()]
        return cls(values or [""], column.indices.to_numpy(zero_copy_only=False))

    def ids(self, ids: dict[str, int]) -> np.ndarray:
        """Each distinct cell's id in ``ids``, -2 for those it has not."""
        return np.array([ids.get(value, -2) for value in self.values], dtype=np.int64)

    def take(self, rows: np.ndarray) -> pa.DictionaryArray:
        return _dictionary(self.codes[rows], pa.array(self.values, type=pa.string()))

    def texts(self, rows: np.ndarray) -> np.ndarray:
        picked: np.ndarray = np.array(self.values, dtype=object)[self.codes[rows]]
        return picked


def _stripped(texts: pa.Array) -> pa.Array:
    """Texts as str.strip leaves them, the few to strip found by Arrow (most cells of a
    free text differ: each stripped by Python costs more than reading it)."""
    spaced = pc.match_substring_regex(texts, _SPACED)
    if not pc.any(spaced).as_py():
        return texts
    stripped = [cell.strip() for cell in texts.filter(spaced).to_pylist()]
    return pc.replace_with_mask(texts, spaced, pa.array(stripped, type=pa.string()))


def _blank(rows: int) -> _Distinct:
    """A column the file does not have: a blank cell in every row."""
    return _Distinct([""], np.zeros(rows, dtype=np.int32))


def _dictionary(codes: np.ndarray, values: pa.Array) -> pa.DictionaryArray:
    kind = pa.from_numpy_dtype(narrowest(len(values)))
    return pa.DictionaryArray.from_arrays(pa.array(codes, type=kind), values)


def _key_hashes_of(batch: pa.RecordBatch, header: list[str]) -> np.ndarray:
    """The hashes of the keys of a batch's rows (see _row_hashes), of a file with the
    columns ``header``."""
    cells = {name: _Distinct.of(batch, name) for name in _KEY_COLUMNS if name in header}
    return _row_hashes(_keys(cells, _blank(batch.num_rows)))


def _row_hashes(columns: list[_Distinct]) -> np.ndarray:
    """A 64-bit hash of each row's key: equal keys, equal hashes (in one process:
    Python's own hash of a text, which takes a third of the time of pandas' for a
    batch's few distinct cells)."""
    combined = np.zeros(len(columns[0].codes), dtype=np.uint64)
    for column in columns:
        count = len(column.values)
        hashed = np.fromiter(map(hash, column.values), np.int64, count).view(np.uint64)
        combined = (combined * np.uint64(0x9E3779B97F4A7C15)) ^ hashed[column.codes]
    return combined


# --- the parts together --------------------------------------------------------------------


def _assembled(parts: list[_Part], checks: _Checks, where: str) -> Scan:
    """The kept rows of every part in file order, as the exact reader types them."""
    seen = sorted(set().union(*(part.years for part in parts)))
    latest = seen[-1] if seen else 0
    # Each column's chunks, so that a column's memory goes as soon as it is converted.
    chunks: dict[str, list[pa.Array]] = {name: [] for name in _KEPT}
    for part in parts:
        while part.batches:  # each batch once: filtered, or as it is when it all stays
            batch = part.batches.pop(0)
            keep = checks.kept(batch, latest)
            kept = batch if keep.all() else batch.filter(pa.array(keep))
            for name in _KEPT:
                chunks[name].append(kept.column(name))
            chunks["row"][-1] = pc.add(chunks["row"][-1], part.first_line)
    chunks["line"] = chunks.pop("row")
    named = [column.name for column in OUTCOMES.columns]
    order = [*checks.header, "line", *(name for name in named if name not in checks.header)]
    # One column a core: the codes of a text column are renumbered (see _categories).
    with ThreadPoolExecutor(min(CORES, len(order))) as pool:
        columns = pool.map(lambda name: _converted(name, chunks.pop(name)), order)
        # Not copied into blocks of a dtype: that copy took 0.17 GB at 10M rows.
        frame = pd.DataFrame(dict(zip(order, columns, strict=True)), copy=False)
    frame.attrs.update(header=checks.header, header_line=1, where=where)
    reporters = _every_reporter(parts) if checks.reporting else None
    return Scan(frame, tuple(seen), reporters, _every_partial(parts))


def _every_reporter(parts: list[_Part]) -> pd.DataFrame:
    """Who reports each series in the parts' rows (see reporting), the batches freed."""
    batches = [batch for part in parts for batch in part.reporters]
    for part in parts:
        part.reporters.clear()
    columns = {name: [batch.column(name) for batch in batches] for name in REPORTER}
    batches.clear()
    return reporting(pd.DataFrame({name: _categories(columns[name]) for name in REPORTER}))


def _every_partial(parts: list[_Part]) -> pd.DataFrame | None:
    """The partial totals of the parts' batches (see Years.summed), in file order; None
    when no row was summed."""
    for part in parts:
        part.combine_sums()
    frames = [frame for part in parts for frame in part.partial]
    for part in parts:
        part.partial.clear()
    return as_codes(combined_partials(frames), PARTIAL_TEXTS) if frames else None


def _frame_of(batches: list[_Sums]) -> pd.DataFrame:
    """The partial totals of several batches in one frame, a row for each group of each."""
    return pd.DataFrame(
        {name: np.concatenate([sums[name] for sums in batches]) for name in PARTIAL_COLUMNS}
    )


def _repeated_hashes(parts: list[_Part]) -> np.ndarray:
    """The hashes of the keys of two rows or more (see _row_hashes): the rows that may
    hold the same figure twice. (The batches' hashes are freed as they are copied.)"""
    hashes = np.empty(sum(len(batch) for part in parts for batch in part.hashes), np.uint64)
    filled = given_back = 0
    for part in parts:
        while part.hashes:
            batch = part.hashes.pop(0)
            hashes[filled : filled + len(batch)] = batch
            filled += len(batch)
            if filled - given_back >= _HASHES_GIVEN_BACK:
                # Else the batches' hashes, freed, stay with the process beside their
                # copy: at 10M rows, 80 MB on top of a scan's peak.
                give_memory_back()
                given_back = filled
    hashes.sort()
    repeated = hashes[1:][hashes[1:] == hashes[:-1]]
    # Sorted: each once (np.unique hashes them again, 3.5 s for 5M rows each twice).
    first = np.ones(len(repeated), dtype=bool)
    first[1:] = repeated[1:] != repeated[:-1]
    distinct: np.ndarray = repeated[first]
    return distinct


def _converted(name: str, chunks: list[pa.Array]) -> pd.Series:
    """A kept column in pandas (see _pandas), the memory of its chunks given back."""
    column = _pandas(name, chunks)
    give_memory_back()  # the chunks freed
    return column


def _pandas(name: str, chunks: list[pa.Array]) -> pd.Series:
    """A kept column as the exact reader types it: numbers as int64 or float64, texts as
    categories (see codes.py): decoded, they would take most of the memory."""
    if name in CODED:
        return _categories(chunks)
    values = np.empty(
        sum(len(chunk) for chunk in chunks), np.float64 if name == "value" else np.int64
    )
    filled = 0
    while chunks:  # each chunk freed once copied
        chunk = chunks.pop(0).to_numpy()
        values[filled : filled + len(chunk)] = chunk
        filled += len(chunk)
    return pd.Series(values)


def _categories(column: list[pa.DictionaryArray]) -> pd.Series:
    """Dictionary chunks as one categorical column of the texts its rows hold, each once,
    in sorted order (as :func:`laborstats.codes.as_codes` codes the exact reader's).

    Found by Arrow, the texts never made Python strings: the quotes of 800,000
    rows, each its own, took 2.4 s and 0.45 GB so. (Sorted as Python sorts texts,
    by code point: their UTF-8 bytes sort alike.) ``column`` is emptied, and each
    chunk freed once its codes are renumbered.
    """
    chunks = [chunk if chunk.type == _STRINGS else chunk.cast(_STRINGS) for chunk in column]
    column.clear()
    if not chunks:
        return pd.Series(pd.Categorical([], categories=pd.Index([], dtype="str")))
    # The texts of every chunk one after another (a text twice where chunks share it, or
    # cells stripped are alike), those some row holds sorted, and each once with its
    # place in that order, from its neighbours. Merged into one dictionary and hashed
    # instead, 10M quotes, each its own, took twice the time and 1.7 GB more. (Joined
    # into one array before the chunks go: Arrow joins a chunked array to take from it.)
    texts = pa.concat_arrays([chunk.dictionary for chunk in chunks])
    starts = np.cumsum([0, *(len(chunk.dictionary) for chunk in chunks)])
    held = np.zeros(len(texts), dtype=bool)
    indices = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks]
    for rows, start in zip(indices, starts, strict=False):
        held[start + rows] = True
    del chunks
    give_memory_back()  # the chunks' dictionaries: 0.7 GB of 10M quotes, in pieces
    if not held.all():
        texts = texts.filter(pa.array(held))
    order = pc.sort_indices(texts)
    ordered = texts.take(order)
    del texts
    first = np.ones(len(ordered), dtype=bool)
    if len(ordered) > 1:
        first[1:] = pc.not_equal(ordered[1:], ordered[:-1]).to_numpy(zero_copy_only=False)
    distinct = ordered if first.all() else ordered.filter(pa.array(first))
    del ordered
    dtype = in_order(pd.Index(pd.array(distinct, dtype="str")))
    del distinct
    kind = narrowest(len(dtype.categories))
    place = np.empty(len(order), dtype=kind)
    place[order.to_numpy()] = np.cumsum(first) - 1
    code = np.full(len(held), -1, dtype=kind)  # each text's position in the categories
    code[held] = place
    codes = np.empty(sum(len(rows) for rows in indices), dtype=kind)
    filled = 0
    for rows, start in zip(indices, starts, strict=False):
        codes[filled : filled + len(rows)] = code[start + rows]
        filled += len(rows)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))
