"""The fast path of the loader reads what the exact reader reads, or leaves the file to it."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import itertools
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from laborstats import columnar, console, dataset, encoding
from laborstats.cli import app
from laborstats.codes import as_texts
from laborstats.columnar import ALL_YEARS, Years, scan_outcomes
from laborstats.dataset import Dataset, bundled_data_path, load_dataset
from laborstats.errors import LaborstatsError
from laborstats.stats.derived import derivation_metrics, with_derived_metrics
from laborstats.stats.series import ADDITIVE_KINDS, reporting
from laborstats.stats.summary import summarise
from laborstats.stats.totals import partial_totals, regional_totals
from tests.conftest import OUTCOMES_HEADER
from tests.test_properties import BOUNDED, csv_like_bytes, outcome_tables

ROW = "2024,庆阳市,,,disputes_mediated,{value},,2024,,{source}"


@pytest.fixture(autouse=True)
def many_parts() -> Iterator[None]:
    """Small files are split as large ones are: four byte ranges of a few bytes each."""
    with mock.patch.object(columnar, "PART", 16), mock.patch.object(columnar, "CORES", 4):
        yield


def exact(data: str | None, **options: object) -> object:
    """The loader with the fast path turned off: a Dataset, or the message it stops with."""
    with mock.patch("laborstats.dataset.scan_outcomes", return_value=None):
        return loaded(data, **options)


def loaded(data: str | None, **options: object) -> object:
    try:
        return load_dataset(data, **options)  # type: ignore[arg-type]
    except LaborstatsError as error:
        return str(error)


def scanned(
    path: Path, years: Years = ALL_YEARS
) -> columnar.Scan | columnar.Doubt | columnar.Repeats | None:
    metrics = load_dataset(None).metrics
    return scan_outcomes(path, metrics, years=years, this_year=datetime.date.today().year)


def assert_same(fast: object, slow: object) -> None:
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
        return
    pd.testing.assert_frame_equal(fast.outcomes, slow.outcomes)  # type: ignore[attr-defined]
    assert fast.years == slow.years  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(fast.rejected, slow.rejected)  # type: ignore[attr-defined]
    if slow.reporters is None:  # type: ignore[attr-defined]
        assert fast.reporters is None  # type: ignore[attr-defined]
    else:
        pd.testing.assert_frame_equal(fast.reporters, slow.reporters)  # type: ignore[attr-defined]


def rows_file(tmp_path: Path, *rows: str, newline: str = "\n") -> Path:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(newline.join([OUTCOMES_HEADER, *rows]).encode() + newline.encode())
    return path


@pytest.mark.parametrize("data", [None, "example:qingyang-counties"])
def test_the_fast_path_reads_the_bundled_data_as_the_exact_reader_does(data: str | None) -> None:
    folder = (
        bundled_data_path()
        if data is None
        else bundled_data_path() / "examples" / "qingyang-counties"
    )
    assert isinstance(scanned(folder / "outcomes.csv"), columnar.Scan)
    assert_same(loaded(data), exact(data))


def test_line_numbers_count_across_byte_ranges(tmp_path: Path) -> None:
    rows = [
        ROW.format(value=number, source=f"row {number}").replace("庆阳市", f"r{number}")
        for number in range(40)
    ]
    scan = scanned(rows_file(tmp_path, *rows, newline="\r\n"))
    assert isinstance(scan, columnar.Scan)
    assert scan.outcomes["line"].tolist() == list(range(2, 42))
    assert scan.outcomes["source"].tolist() == [f"row {number}" for number in range(40)]


def test_texts_beyond_a_byte_of_codes_keep_their_rows(tmp_path: Path) -> None:
    # 300 regions and sources: more than int8 codes hold, in a batch and in the table.
    rows = [
        ROW.format(value=number, source=f"row {number}").replace("庆阳市", f"r{number:03}")
        for number in range(300)
    ]
    path = rows_file(tmp_path, *rows)
    with mock.patch.object(columnar, "CORES", 1):  # one batch
        scan = scanned(path)
    assert isinstance(scan, columnar.Scan)
    assert scan.outcomes["region"].tolist() == [f"r{number:03}" for number in range(300)]
    assert_same(loaded(str(path)), exact(str(path)))


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        (['2024,a,,,disputes_mediated,1,,2024,,"two\nlines"'], "a record on two lines"),
        (
            ["2024,a,,,disputes_mediated,1,,2024,,", "", "2024,b,,,disputes_mediated,1,,2024,,"],
            "a blank line",
        ),
        (
            ["2024,a,,,disputes_mediated,1,,2024,,x\r2024,b,,,disputes_mediated,1,,2024,,"],
            "a lone CR",
        ),
        (['2024,a,,,disputes_mediated,1,,2024,,"x"y'], "text after a closing quote"),
        (['2024,a,,,disputes_mediated,1,,2024,,""y'], "text after an empty quoted field"),
        (['2024,a,,,disputes_mediated,1,,2024,,"x"""y'], "text after an escaped quote"),
        (['2024,a,,,disputes_mediated,1,,2024,,x"y'], "a quote inside an unquoted field"),
        (["2024,a,,,disputes_mediated,1,,2024,,x\x00"], "a NUL"),
        (["2024,a,,,disputes_mediated,1,,2024,,,"], "a trailing comma"),
        (
            ["2024,a,,,disputes_mediated,1,,2024,,", "2024,a,,,disputes_mediated,2,,2024,,"],
            "a key twice",
        ),
        (["2024,a,,,disputes_mediated,近90,at_least,2024,,"], "a qualifier against the value"),
        (["2024,a,,,disputes_mediated,-1,,2024,,"], "a negative count"),
        (["2024,a,,,disputes_mediated,1,,2023,,"], "a period naming another year"),
        (["2024,all,,,disputes_mediated,1,,2024,,"], "the region of totals"),
        (["2024,a,,skills,disputes_mediated,1,,2024,,"], "another programme"),
        (["2024,a,,,disputes_mediated,12%,,2024,,"], "a percentage of a count"),
        (["2024.0,a,,,disputes_mediated,1,,2024,,"], "a year not written as four digits"),
        (["2999,a,,,disputes_mediated,1,,,,"], "a year to come"),
        (["2024,a,,,nonsense,1,,2024,,"], "an unknown metric"),
        (["0024,a,,,disputes_mediated,1,,0024,,"], "a year before 1000"),
        (
            [
                "2024,a,,,disputes_mediated,1,,2024,,x",
                "\ufeff2024,b,,,disputes_mediated,1,,2024,,y",
            ],
            "a BOM starting a line",
        ),
    ],
)
def test_anything_doubtful_is_left_to_the_exact_reader(
    tmp_path: Path, rows: list[str], why: str
) -> None:
    assert not isinstance(scanned(rows_file(tmp_path, *rows)), columnar.Scan), why


def regions_file(tmp_path: Path, count: int, bad: dict[int, str]) -> Path:
    """A row for each of ``count`` regions, the rows of ``bad`` (by line) replaced."""
    rows = [
        ROW.format(value=1, source="").replace("庆阳市", f"r{line}") for line in range(2, 2 + count)
    ]
    for line, row in bad.items():
        rows[line - 2] = row
    return rows_file(tmp_path, *rows)


@contextlib.contextmanager
def first_batch_slowed() -> Iterator[None]:
    """The batch holding line 2 (region r2) checked 0.2 s late: the other byte ranges
    go ahead of the first."""
    add = columnar._Checks.add

    def slow(
        checks: columnar._Checks, batch: pa.RecordBatch, part: columnar._Part
    ) -> np.ndarray | None:
        if "r2" in batch.column("region").to_pylist():
            time.sleep(0.2)
        return add(checks, batch, part)

    with mock.patch.object(columnar._Checks, "add", slow):
        yield


def texts_read(read: mock.MagicMock, path: Path) -> list[str]:
    """The texts a spy on read_csv_text saw read from ``path``."""
    return [call.args[0] for call in read.call_args_list if call.args[1] == str(path)]


def test_a_bad_row_is_named_from_the_rows_doubted_without_reading_the_file_again(
    tmp_path: Path,
) -> None:
    bad = "2024,r,,,disputes_mediated,abc,,2024,,"
    path = regions_file(tmp_path, 200, {150: bad})
    with mock.patch.object(columnar, "BLOCK", 512):  # batches of a few lines
        doubt = scanned(path)
        assert isinstance(doubt, columnar.Doubt)
        rows = columnar.doubted_rows(doubt)
        with mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read:
            message = loaded(str(path))
    assert rows is not None
    text, first = rows
    lines = text.splitlines()
    assert lines[0] == OUTCOMES_HEADER
    assert lines[150 - first + 1] == bad  # the line it is on
    assert 1 < len(lines) < 100
    outcomes = texts_read(read, path)
    assert [text.count("\n") < 100 for text in outcomes] == [True]
    assert message == exact(str(path))
    assert str(message).startswith(f'{path}:150: column "value": not a figure')


def test_the_first_doubted_rows_in_the_file_are_named_whatever_the_timing(
    tmp_path: Path,
) -> None:
    # A late check fails on line 3, an early one on line 190: both readers name the
    # first bad row in the file, the fast path in the first of four byte ranges even
    # when the last range doubts its rows while the first is still on the batch before.
    path = regions_file(
        tmp_path,
        200,
        {3: "2024,r,,,disputes_mediated,-1,,2024,,", 190: "2024,r,,,nonsense,1,,2024,,"},
    )
    with (
        mock.patch.object(columnar, "PART", 1024),
        mock.patch.object(columnar, "BLOCK", 64),  # a line or two a batch
        first_batch_slowed(),
    ):
        messages = {loaded(str(path)) for _ in range(3)}
    assert messages == {f'{path}:3: column "value": a count below zero; found -1'}
    assert bad_line(exact(str(path))) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("later", "named", "why"),
    [
        (b"2024,r1450,,,disputes_mediated,1,,2024,,,x", 3, "a record of 11 fields (a bad row)"),
        (b"2024,Z\xfcrich,,,disputes_mediated,1,,2024,,", 1450, "Latin-1 bytes"),
        (b"2024,r\x00,,,disputes_mediated,1,,2024,,", 1450, "a NUL"),
        (b"", 3, "a blank line (skipped)"),
    ],
)
def test_a_doubt_about_the_whole_file_anywhere_comes_first_whatever_the_timing(
    tmp_path: Path, later: bytes, named: int, why: str
) -> None:
    # The exact reader decodes the whole file before it checks a row: a problem of the
    # file after the rows doubted is its message; a record of too many fields is a bad
    # row after them. (Four byte ranges: the doubted row is early in the first, the
    # problem late in the third.)
    rows = [f"2024,r{line},,,disputes_mediated,1,,2024,,".encode() for line in range(2, 2002)]
    rows[3 - 2] = b"2024,r,,,disputes_mediated,-1,,2024,,"
    rows[1450 - 2] = later
    path = tmp_path / "outcomes.csv"
    path.write_bytes(OUTCOMES_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n")
    with mock.patch.object(columnar, "PART", 1 << 14), mock.patch.object(columnar, "BLOCK", 4096):
        messages = {loaded(str(path)) for _ in range(3)}
        with first_batch_slowed():
            messages |= {loaded(str(path)) for _ in range(2)}
    assert messages == {exact(str(path))}, why
    assert f"{path}:{named}: " in str(exact(str(path))), why


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ("152 nonsense", "150: the same figure twice (first at line 2)"),
        ("149 nonsense", '149: column "metric": unknown metric'),
        ("3 nonsense", '3: column "metric": unknown metric'),  # before the row copied
        # A copy whose cells are bad too: its key checked after its own cells, and
        # before whatever metrics.csv says of it.
        ("150 weird", '150: column "qualifier": unknown value'),
        ("150 skills", "150: the same figure twice (first at line 2)"),
    ],
)
def test_a_figure_given_twice_before_the_first_bad_row_is_named_first(
    tmp_path: Path, bad: str, named: str
) -> None:
    # Rows doubted, their keys may have a copy elsewhere: the first of these three is
    # on line 2, and the first bad row of the file is the first copy or the row doubted.
    copy = "2024,dup,,,disputes_mediated,1,,2024,,"
    rows = {2: copy, 150: copy, 151: copy}
    line, spoilt = bad.split()
    rows[int(line)] = {
        "nonsense": "2024,r,,,nonsense,1,,2024,,",
        "weird": "2024,dup,,,disputes_mediated,1,weird,2024,,",
        "skills": "2024,dup,,skills,disputes_mediated,1,,2024,,",
    }[spoilt]
    path = regions_file(tmp_path, 200, rows)
    with mock.patch.object(columnar, "BLOCK", 512):
        message = str(loaded(str(path)))
    assert message.startswith(f"{path}:{named}")
    assert message == str(exact(str(path)))


def test_a_figure_given_twice_is_named_from_the_rows_whose_keys_may_repeat(
    tmp_path: Path,
) -> None:
    copy = "2024,dup,,,disputes_mediated,{},,2024,,"
    path = regions_file(tmp_path, 200, {5: copy.format(1), 180: copy.format(2)})
    with mock.patch.object(columnar, "BLOCK", 512):
        repeats = scanned(path)
        assert isinstance(repeats, columnar.Repeats)
        repeated = columnar.repeated_rows(repeats)
        assert repeated is not None
        text, lines = repeated
        with mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read:
            message = loaded(str(path))
    assert text.splitlines() == [OUTCOMES_HEADER, copy.format(1), copy.format(2)]
    assert lines.tolist() == [5, 180]
    outcomes = texts_read(read, path)
    assert [text.count("\n") for text in outcomes] == [3]  # not the whole file
    assert message == exact(str(path))
    assert str(message).startswith(f"{path}:180: the same figure twice (first at line 5)")


def test_a_figure_given_twice_is_named_from_its_first_copy_however_many_rows_repeat(
    tmp_path: Path,
) -> None:
    rows = [f"2024,r{line},,,disputes_mediated,1,,2024,," for line in range(40)]
    # Half the rows again, the first copy of r5's (line 7) before r2's (line 4): a file
    # given twice over was read whole, as were its copies.
    path = rows_file(tmp_path, *rows, rows[5], rows[2], *rows[6:20])
    assert isinstance(scanned(path), columnar.Repeats)
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        message = loaded(str(path))
    assert texts_read(read, path) == ["\n".join([OUTCOMES_HEADER, rows[5], rows[5], ""])]
    assert message == exact(str(path))
    assert str(message).startswith(f"{path}:42: the same figure twice (first at line 7)")


@BOUNDED
@given(batches=st.lists(st.lists(st.integers(0, 9), max_size=8), max_size=4))
def test_the_hashes_that_repeat_are_each_given_once(batches: list[list[int]]) -> None:
    parts = [columnar._Part([], [np.array(batch, dtype=np.uint64)], set()) for batch in batches]
    values, counts = np.unique([key for batch in batches for key in batch], return_counts=True)
    assert columnar._repeated_hashes(parts).tolist() == values[counts > 1].tolist()


@BOUNDED
@given(
    keys=st.lists(st.integers(0, 12), max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=5),
)
def test_the_first_copy_is_the_first_row_whose_key_an_earlier_row_holds(
    keys: list[int], cuts: list[int]
) -> None:
    hashes = np.array(keys, dtype=np.uint64)
    counts = np.unique(hashes, return_counts=True)
    copy = columnar._FirstCopy(counts[0][counts[1] > 1])
    for begin, end in itertools.pairwise([0, *sorted(cuts), len(keys)]):  # batch by batch
        if copy.saw(hashes[begin:end], begin):
            break
    later = [at for at, key in enumerate(keys) if key in keys[:at]]
    assert copy.rows == ((keys.index(keys[later[0]]), later[0]) if later else None)


@BOUNDED
@given(
    values=st.lists(st.integers(0, 20), max_size=30),
    among=st.sets(st.integers(0, 20), max_size=10),
    in_order=st.booleans(),
)
def test_membership_by_binary_search_is_isin(
    values: list[int], among: set[int], in_order: bool
) -> None:
    wanted = np.array(sorted(among), dtype=np.uint64)
    # (Values sorted first for many sorted values: here, with in_order, for any.)
    with mock.patch.object(columnar, "_SORTED_FIRST_FROM", 0 if in_order else 1 << 16):
        found = columnar._among(np.array(values, dtype=np.uint64), wanted)
        positions = columnar._positions(np.array(values, dtype=np.uint64), wanted)
    assert found.tolist() == np.isin(values, list(among)).tolist()
    assert positions.tolist() == [sorted(among).index(at) if at in among else -1 for at in values]


def test_a_file_changed_since_its_scan_is_left_to_the_exact_reader(tmp_path: Path) -> None:
    path = regions_file(tmp_path, 20, {5: "2024,r,,,disputes_mediated,1,,2024,,"})
    repeats = columnar.Repeats(
        path, OUTCOMES_HEADER.split(","), "utf-8", np.zeros(1, dtype=np.uint64)
    )
    path.write_bytes(b"\xff\xfe not text any more")
    assert columnar.repeated_rows(repeats) is None


@contextlib.contextmanager
def colliding_with(key: dict[str, str]) -> Iterator[None]:
    """Scans find the hash of ``key`` (cells by column, others blank) held twice, as
    if another row's key had the same hash."""
    cells = [key.get(name, "") for name in columnar._KEY_COLUMNS]
    one = [columnar._Distinct([cell], np.zeros(1, dtype=np.int32)) for cell in cells]
    real = columnar._repeated_hashes

    def collide(parts: list[columnar._Part]) -> np.ndarray:
        real(parts)
        return columnar._row_hashes(one)

    with mock.patch.object(columnar, "_repeated_hashes", collide):
        yield


@pytest.mark.parametrize("skip_bad_rows", [False, True], ids=["strict", "skip"])
def test_keys_whose_hashes_only_collide_leave_the_file_to_the_exact_reader(
    tmp_path: Path, skip_bad_rows: bool
) -> None:
    path = regions_file(tmp_path, 200, {})
    key = {"year": "2024", "region": "r7", "metric": "disputes_mediated", "period": "2024"}
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        colliding_with(key),  # row 7's
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=skip_bad_rows)
    outcomes = texts_read(read, path)
    # Setting bad rows aside, row 7 from a scan again that doubts it; then every row
    # (without, no copy of it is found: see _FirstCopy).
    assert [text.count("\n") for text in outcomes] == ([2, 201] if skip_bad_rows else [201])
    assert isinstance(fast, Dataset)
    assert_same(fast, exact(str(path), skip_bad_rows=skip_bad_rows))


def test_doubted_rows_the_exact_reader_takes_leave_it_the_whole_file(tmp_path: Path) -> None:
    # A row of commas alone: the fast path doubts its blank region, the exact reader
    # skips it as a blank record.
    path = regions_file(tmp_path, 200, {120: ",,,,,,,,,"})
    with mock.patch.object(columnar, "BLOCK", 512):
        assert isinstance(scanned(path), columnar.Doubt)
        fast = loaded(str(path))
    assert isinstance(fast, Dataset)
    assert len(fast.outcomes) == 199
    assert_same(fast, exact(str(path)))


@pytest.mark.parametrize(
    ("before", "why"),
    [
        ('2024,a,,,disputes_mediated,1,,2024,,"two\nlines"', "a record on two lines"),
        ("2024,a,,,disputes_mediated,1,,2024,,x\rmore", "a lone CR"),
        ("2024,a,,,disputes_mediated,1,,2024,,\x00", "a NUL"),
    ],
)
def test_doubted_rows_are_not_looked_for_after_lines_that_are_not_one_record(
    tmp_path: Path, before: str, why: str
) -> None:
    path = regions_file(tmp_path, 20, {3: before})
    size = len(OUTCOMES_HEADER) + 1
    doubt = columnar.Doubt(path, size, size, 10, 2)
    assert columnar.doubted_rows(doubt) is None, why
    clean = regions_file(tmp_path, 20, {})
    rows = columnar.doubted_rows(columnar.Doubt(clean, size, size, 10, 2))
    assert rows is not None
    assert rows[1] == 12
    assert rows[0].splitlines()[1:] == clean.read_text().splitlines()[11:13]


def wide_file(tmp_path: Path, rows: list[str], written: str, *, bom: bytes = b"") -> Path:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(bom + "\n".join([OUTCOMES_HEADER, *rows, ""]).encode(written))
    return path


@contextlib.contextmanager
def scans_heard() -> Iterator[list[tuple[Path, str | None, bytes]]]:
    """The files, encodings and first line the fast path is given, as they are scanned
    (a copy is gone once read)."""
    heard: list[tuple[Path, str | None, bytes]] = []

    def scan(path: Path, *args: object, **kwargs: object) -> object:
        with path.open("rb") as file:
            heard.append((path, kwargs.get("encoding"), file.readline()))  # type: ignore[arg-type]
        return scan_outcomes(path, *args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(dataset, "scan_outcomes", scan):
        yield heard


@pytest.mark.parametrize(
    ("written", "bom", "declared"),
    [
        ("utf-16", b"", None),  # the codec writes a BOM
        ("utf-16", b"", "utf-16"),
        ("utf-32", b"", None),
        ("utf-16-le", b"", None),  # found by its zero bytes
        ("utf-16-be", b"", None),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),  # dropped, as asked for
        ("utf-32-be", b"", "utf-32-be"),
    ],
)
def test_a_file_in_utf16_or_utf32_is_scanned_from_a_copy_in_utf8(
    tmp_path: Path, written: str, bom: bytes, declared: str | None
) -> None:
    rows = chinese_rows(300, {150: "2024,r,,,disputes_mediated,-1,,2024,,"})
    path = wide_file(tmp_path, rows, written, bom=bom)
    options = {} if declared is None else {"encoding": declared}
    for skip_bad_rows in (False, True):
        with (
            scans_heard() as heard,
            mock.patch.object(columnar, "BLOCK", 4096),
            mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
        ):
            fast = loaded(str(path), skip_bad_rows=skip_bad_rows, **options)
        # The rows in doubt only are read line by line, not the whole file.
        assert 0 < max(text.count("\n") for text in texts_read(read, path)) < 100
        assert [(encoding, line) for _, encoding, line in heard] == [
            ("utf-8", OUTCOMES_HEADER.encode() + b"\n")
        ]
        copy = heard[0][0]
        assert copy != path
        assert not copy.parent.exists()
        assert_same(fast, exact(str(path), skip_bad_rows=skip_bad_rows, **options))
        assert skip_bad_rows or str(fast).startswith(f"{path}:150: ")


def test_a_utf16_file_is_the_exact_readers_without_a_temporary_folder(tmp_path: Path) -> None:
    path = wide_file(tmp_path, chinese_rows(20), "utf-16")
    with (
        mock.patch("tempfile.TemporaryDirectory", side_effect=OSError(28, "full")),
        scans_heard() as heard,
    ):
        fast = loaded(str(path))
    assert heard == []
    assert_same(fast, exact(str(path)))


@pytest.mark.parametrize("written", ["cp037", "utf-7"])
def test_encodings_not_cut_at_line_feeds_are_left_to_the_exact_reader(
    tmp_path: Path, written: str
) -> None:
    path = tmp_path / "outcomes.csv"
    row = ROW.format(value=1, source="").replace("庆阳市", "Qingyang")
    path.write_bytes((OUTCOMES_HEADER + "\n" + row + "\n").encode(written))
    with scans_heard() as heard:
        assert isinstance(loaded(str(path), encoding=written), Dataset)
    assert heard == []


def gb18030_file(tmp_path: Path, rows: list[str], *, declared: bool = True) -> Path:
    """A dataset folder whose outcomes are in GB18030, the encoding declared or not."""
    folder = tmp_path / "gb"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outcomes.csv").write_bytes("\n".join([OUTCOMES_HEADER, *rows, ""]).encode("gb18030"))
    resource = {"name": "outcomes", "path": "outcomes.csv"}
    if declared:
        resource["encoding"] = "gb18030"
    (folder / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    return folder


def chinese_rows(count: int, bad: dict[int, str] | None = None) -> list[str]:
    rows = [
        f"2024,庆阳市{line}区,司机之家,,disputes_mediated,{line}余,,2024,,调解 p. {line}"
        for line in range(2, 2 + count)
    ]
    for line, row in (bad or {}).items():
        rows[line - 2] = row
    return rows


_WIDE_TEXT = "\n".join([OUTCOMES_HEADER, *chinese_rows(20), ""])


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (codecs.BOM_UTF16_LE + ("\ufeff" + _WIDE_TEXT).encode("utf-16-le"), "a second BOM"),
        (_WIDE_TEXT.encode("utf-16") + "\ud800\n".encode("utf-16-le", "surrogatepass"),
         "a lone surrogate"),
        (_WIDE_TEXT.encode("utf-16") + b"\x00", "an odd byte at the end"),
        (_WIDE_TEXT.replace("调解", "\x00").encode("utf-16"), "a NUL"),
    ],
)  # fmt: skip
def test_what_is_not_text_in_utf16_is_the_exact_readers(
    tmp_path: Path, raw: bytes, why: str
) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(raw)
    fast = loaded(str(path))
    assert isinstance(fast, str), why
    assert fast == exact(str(path)), why


def test_a_file_declared_in_gb18030_takes_the_fast_path(tmp_path: Path) -> None:
    folder = gb18030_file(tmp_path, chinese_rows(200))
    with mock.patch.object(columnar, "BLOCK", 512):
        scan = scan_outcomes(
            folder / "outcomes.csv",
            load_dataset(None).metrics,
            years=ALL_YEARS,
            this_year=datetime.date.today().year,
            encoding="gb18030",
        )
        fast = loaded(str(folder))
    assert isinstance(scan, columnar.Scan)
    assert scan.outcomes["region"].iloc[-1] == "庆阳市201区"
    assert_same(fast, exact(str(folder)))
    # Given on the command line, the encoding is as good as declared.
    undeclared = gb18030_file(tmp_path, chinese_rows(200), declared=False)
    assert_same(loaded(str(undeclared), encoding="gbk"), exact(str(folder)))


def test_a_file_detected_as_gb18030_takes_the_fast_path(tmp_path: Path) -> None:
    # Its first lines are not UTF-8: it is read as GB18030, as the detection reads it.
    folder = gb18030_file(tmp_path, chinese_rows(200), declared=False)
    with mock.patch.object(columnar, "BLOCK", 512):
        scan = scanned(folder / "outcomes.csv")
        fast = loaded(str(folder))
    assert isinstance(scan, columnar.Scan)
    assert scan.outcomes["region"].iloc[-1] == "庆阳市201区"
    assert_same(fast, exact(str(folder)))
    declared = gb18030_file(tmp_path / "declared", chinese_rows(200))
    assert_same(fast, exact(str(declared)))


@pytest.mark.parametrize(
    ("row", "written", "refused"),
    [
        ("2024,西峰区,,,disputes_mediated,1,,2024,,", "utf-8", "mixes encodings"),
        # (read as GB18030, these UTF-8 bytes are 锟斤拷: common characters, not rare)
        ("2024,r\ufffd\ufffd,,,disputes_mediated,1,,2024,,", "utf-8", "mixes encodings"),
        ("2024,臺北,,,disputes_mediated,1,,2024,,", "big5", "likely Big5"),
        ("2024,r\ue000,,,disputes_mediated,1,,2024,,", "gb18030", "U+E000"),
        ("2024,r,,,disputes_mediated,1\ue000,,2024,,", "gb18030", "U+E000"),  # in a value
        # One rare character (ü r is 黵) among many common ones: GB18030 all the same.
        ("2024,Zürich,,,disputes_mediated,1,,2024,,", "latin-1", ""),
    ],
)
def test_the_detection_of_gb18030_refuses_what_the_exact_reader_refuses(
    tmp_path: Path, row: str, written: str, refused: str
) -> None:
    folder = gb18030_file(tmp_path, chinese_rows(200), declared=False)
    path = folder / "outcomes.csv"
    lines = path.read_bytes().split(b"\n")
    lines[150 - 1] = row.encode(written)
    path.write_bytes(b"\n".join(lines))
    with mock.patch.object(columnar, "BLOCK", 512):
        assert isinstance(scanned(path), columnar.Scan) == (not refused)
        fast = loaded(str(folder))
    assert_same(fast, exact(str(folder)))
    assert refused in str(fast)


@pytest.mark.parametrize(
    ("header", "refused"),
    [
        # Spaces the names are stripped of: rare characters, or UTF-8 Chinese.
        ("year\u00a0\u2002".encode("gb18030"), "likely Latin-1"),
        ("year\u3000".encode(), "mixes encodings"),
        ("year\u3000".encode("gb18030"), ""),
    ],
)
def test_the_detection_of_gb18030_reads_the_header_line_too(
    tmp_path: Path, header: bytes, refused: str
) -> None:
    # One character beyond ASCII in the rows: the header's two rare ones are many.
    rows = [
        f"2024,{'庆' if line == 2 else f'r{line}'},,,disputes_mediated,1,,2024,,"
        for line in range(2, 42)
    ]
    folder = gb18030_file(tmp_path, rows, declared=False)
    path = folder / "outcomes.csv"
    path.write_bytes(path.read_bytes().replace(b"year", header, 1))
    assert isinstance(scanned(path), columnar.Scan) == (not refused)
    fast = loaded(str(folder))
    assert_same(fast, exact(str(folder)))
    assert refused in str(fast)


@pytest.mark.parametrize(
    ("after", "written", "refused"),
    [
        (chinese_rows(10), "gb18030", ""),
        (chinese_rows(10), "utf-8", ""),  # UTF-8 after all: one scan
        ([*chinese_rows(5), "2024,r,,,disputes_mediated,1,,2024,,调解"], "mixed", "mixes"),
        (["2024,Zürich,,,disputes_mediated,1,,2024,,"], "latin-1", "likely Latin-1"),
    ],
)
def test_a_file_first_in_ascii_then_in_gb18030_is_scanned_again_as_gb18030(
    tmp_path: Path, after: list[str], written: str, refused: str
) -> None:
    # The first 64 KiB are ASCII: read as UTF-8 until the first row that is not.
    ascii_rows = [f"2024,r{line},,,disputes_mediated,1,,2024,," for line in range(2, 3000)]
    folder = gb18030_file(tmp_path, ascii_rows, declared=False)
    path = folder / "outcomes.csv"
    end = [row.encode(written if written != "mixed" else "gb18030") for row in after]
    if written == "mixed":  # the last row in UTF-8
        end[-1] = after[-1].encode()
    path.write_bytes(path.read_bytes() + b"\n".join(end) + b"\n")
    heard = Heard()
    metrics = load_dataset(None).metrics
    this_year = datetime.date.today().year
    scan = scan_outcomes(path, metrics, years=ALL_YEARS, this_year=this_year, progress=heard)
    assert isinstance(scan, columnar.Scan) == (not refused)
    again = [] if written == "utf-8" else [f"Reading {path} again, as GB18030"]
    assert heard.restarts == again
    fast = loaded(str(folder))
    assert_same(fast, exact(str(folder)))
    assert refused in str(fast)


def test_a_file_found_in_gb18030_late_is_read_so_when_copies_are_set_aside(
    tmp_path: Path,
) -> None:
    ascii_rows = [f"2024,r{line},,,disputes_mediated,1,,2024,," for line in range(2, 3000)]
    folder = gb18030_file(tmp_path, [*ascii_rows, *chinese_rows(10), ascii_rows[5]], declared=False)
    heard = Heard()
    with mock.patch.object(columnar, "_scan_outcomes", wraps=columnar._scan_outcomes) as scan:
        fast = load_dataset(str(folder), skip_bad_rows=True, progress=heard)
    # The first scan starts again as GB18030; the scan again reads the file so at once.
    path = folder / "outcomes.csv"
    assert [call.kwargs.get("gb18030", False) for call in scan.call_args_list] == [
        False,
        True,
        False,
    ]
    assert scan.call_args_list[2].kwargs["encoding"] == "gb18030"
    assert heard.restarts[:2] == [
        f"Reading {path} again, as GB18030",
        f"Reading {path} again to set aside every copy of a figure",
    ]
    assert_same(fast, exact(str(folder), skip_bad_rows=True))
    assert fast.rejected["line"].tolist() == [7, 3010]


def test_a_file_declared_in_utf8_is_not_scanned_again_as_gb18030(tmp_path: Path) -> None:
    folder = gb18030_file(tmp_path, ["2024,r,,,disputes_mediated,1,,2024,,", *chinese_rows(3)])
    (folder / "datapackage.json").write_text(
        json.dumps(
            {"resources": [{"name": "outcomes", "path": "outcomes.csv", "encoding": "utf-8"}]}
        )
    )
    heard = Heard()
    metrics, this_year = load_dataset(None).metrics, datetime.date.today().year
    path = folder / "outcomes.csv"
    scan = scan_outcomes(
        path, metrics, years=ALL_YEARS, this_year=this_year, progress=heard, encoding="utf-8"
    )
    assert scan is None
    assert heard.restarts == []
    assert_same(loaded(str(folder)), exact(str(folder)))
    assert str(loaded(str(folder))).endswith(
        ":3: bytes c7 ec d1 f4 are not valid text; expected utf-8 text"
    )


def test_the_first_bytes_are_utf8_when_only_their_last_character_is_cut() -> None:
    assert columnar._starts_in_utf8("2024,庆阳".encode()[:-1])
    assert not columnar._starts_in_utf8("2024,庆阳".encode("gb18030"))
    assert not columnar._starts_in_utf8(b"2024,\xff,\xe5\xba")


LINE_PIECES = st.sampled_from(
    [
        *(b"2024,", b"r1,", "庆阳".encode(), "庆阳".encode("gb18030"), b"\xe5\xba"),
        *(b"\xc3\xbc", "é".encode(), "𝄞".encode(), b"\x80", b"\xf5\x80\x80\x80", b"\xe0\x80\x80"),
        *("中".encode(), "\u0800".encode(), "\uffff".encode()),
    ]
)


@BOUNDED
@given(lines=st.lists(st.lists(LINE_PIECES | st.binary(max_size=4), max_size=6), max_size=8))
def test_utf8_chinese_lines_are_found_as_the_detection_finds_them(
    lines: list[list[bytes]],
) -> None:
    text = b"\n".join(b"".join(pieces).replace(b"\n", b"") for pieces in lines)
    expected = any(encoding.is_utf8_chinese(line) for line in text.split(b"\n"))
    assert columnar._utf8_chinese_line(text) == expected


@pytest.mark.parametrize("skip_bad_rows", [False, True], ids=["strict", "skip"])
def test_bad_rows_in_gb18030_are_read_exactly_from_the_rows_doubted(
    tmp_path: Path, skip_bad_rows: bool
) -> None:
    bad = {
        60: "2024,西峰区,,,disputes_mediated,许多,,2024,,",
        170: "2024,环县,,,无此指标,1,,2024,,",
    }
    folder = gb18030_file(tmp_path, chinese_rows(200, bad))
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(folder), skip_bad_rows=skip_bad_rows)
    assert_same(fast, exact(str(folder), skip_bad_rows=skip_bad_rows))
    outcomes = texts_read(read, folder / "outcomes.csv")
    if skip_bad_rows:
        assert outcomes == ["\n".join([OUTCOMES_HEADER, *bad.values(), ""])]
    else:
        assert str(fast).startswith(f'{folder / "outcomes.csv"}:60: column "value": not a figure')
        assert [text.count("\n") < 50 for text in outcomes] == [True]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"2024,\x81\x20,,,disputes_mediated,1,,2024,,", "bytes that are not GB18030"),
        (b"2024,r,,,disputes_mediated,1,,2024,,\x00", "a NUL"),
        (codecs.BOM_UTF8 + OUTCOMES_HEADER.encode(), "a BOM: the header is not read so"),
        (b"2024,\xc7\xec\xd1\xf4,,,disputes_mediated,1,,2024,,", "the same figure twice"),
    ],
)
def test_what_is_not_plain_in_gb18030_is_left_to_the_exact_reader(
    tmp_path: Path, raw: bytes, why: str
) -> None:
    folder = gb18030_file(
        tmp_path, chinese_rows(40, {2: "2024,庆阳,,,disputes_mediated,1,,2024,,"})
    )
    path = folder / "outcomes.csv"
    lines = path.read_bytes().split(b"\n")
    if raw.startswith(codecs.BOM_UTF8):
        lines[0] = raw
    else:
        lines[30] = raw
    path.write_bytes(b"\n".join(lines))
    metrics = load_dataset(None).metrics
    this_year = datetime.date.today().year
    scan = scan_outcomes(path, metrics, years=ALL_YEARS, this_year=this_year, encoding="gb18030")
    assert scan is None, why
    for skip_bad_rows in (False, True):
        assert_same(
            loaded(str(folder), skip_bad_rows=skip_bad_rows),
            exact(str(folder), skip_bad_rows=skip_bad_rows),
        )


def test_quoted_fields_and_escaped_quotes_are_read(tmp_path: Path) -> None:
    path = rows_file(tmp_path, ROW.format(value='"1,234"', source='"he said ""yes"", then left"'))
    scan = scanned(path)
    assert isinstance(scan, columnar.Scan)
    assert scan.outcomes["value"].tolist() == [1234.0]
    assert scan.outcomes["source"].tolist() == ['he said "yes", then left']


def test_free_texts_are_stripped_as_the_exact_reader_strips_them(tmp_path: Path) -> None:
    # Read as Arrow reads them, not as dictionaries: what str.strip strips, Arrow finds.
    every_space = "".join(filter(str.isspace, map(chr, range(0x110000))))
    assert every_space == columnar._EDGE_SPACE
    spaces = [space for space in columnar._EDGE_SPACE if space not in "\r\n"]  # (a record)
    header = OUTCOMES_HEADER + ",written,unit_written"
    rows = [
        ROW.format(value=at, source=f'"{space}quote {at}{space}"').replace("庆阳市", f"r{at}")
        + f',"{space}{at}万{space}",{space}人'
        for at, space in enumerate([*spaces, "", "\u200b"])  # (no space: a zero width)
    ]
    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with mock.patch.object(columnar, "BLOCK", 256):
        scan = scanned(path)
    assert isinstance(scan, columnar.Scan)
    every = exact(str(path))
    assert isinstance(every, Dataset)
    for name in ("source", "written", "unit_written"):
        assert scan.outcomes[name].tolist() == every.outcomes[name].tolist()
    assert scan.outcomes["source"].tolist()[:2] == ["quote 0", "quote 1"]
    assert scan.outcomes["source"].tolist()[-1] == f"\u200bquote {len(spaces) + 1}\u200b"
    assert scan.outcomes["unit_written"].tolist()[:-2] == ["人"] * len(spaces)


def test_only_the_years_asked_for_are_kept_but_every_year_is_checked_and_seen(
    tmp_path: Path,
) -> None:
    rows = [ROW.format(value=1, source="").replace("2024", str(year)) for year in range(2015, 2025)]
    path = rows_file(tmp_path, *rows)
    latest = scanned(path, Years(latest=2))
    assert isinstance(latest, columnar.Scan)
    assert latest.outcomes["year"].tolist() == [2023, 2024]
    assert latest.years == tuple(range(2015, 2025))
    assert_same(loaded(str(path), years=Years(latest=2)), exact(str(path), years=Years(latest=2)))
    wanted = Years(wanted=frozenset({2016, 2030}))
    assert_same(loaded(str(path), years=wanted), exact(str(path), years=wanted))
    late = ROW.format(value=-1, source="").replace("2024", "2016").replace("庆阳市", "西峰区")
    bad = rows_file(tmp_path, *rows, late)
    assert "a count below zero" in str(loaded(str(bad), years=Years(latest=2)))


def test_pools_keep_the_rows_of_derived_figures_and_say_who_reports_in_any_year(
    tmp_path: Path,
) -> None:
    rows = [
        f"{year},{region},,,{metric},{year % 7 + 1},,{period},,"
        for year in range(2015, 2025)
        for region in ("西峰区", "环县")
        # a derivation input, a metric no formula uses, and a series of another span
        for metric, period in [
            ("study_grant_amount", year),
            ("frontline_workers_served", year),
            ("frontline_workers_served", "cumulative"),
        ]
        if region == "西峰区" or year == 2016
    ]
    path = rows_file(tmp_path, *rows)
    pools = Years(frozenset({2020}), pools=True)
    fast = loaded(str(path), years=pools)
    assert_same(fast, exact(str(path), years=pools))
    kept = fast.outcomes  # type: ignore[attr-defined]
    years = kept.groupby("metric", observed=True)["year"].unique().map(set).to_dict()
    assert years == {
        "study_grant_amount": set(range(2015, 2025)),
        "frontline_workers_served": {2020},
    }
    every = load_dataset(str(path)).outcomes
    reporters = fast.reporters  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(as_texts(reporters), as_texts(reporting(every)))
    assert ("环县", "frontline_workers_served", "cumulative") in set(
        zip(reporters["region"], reporters["metric"], reporters["span"], strict=True)
    )
    assert load_dataset(str(path), years=Years(frozenset({2020}))).reporters is None


QUOTED = [
    f'{year},{region},,,{metric},{value},,{year},{basis},"{source}"'
    for year in (2022, 2023, 2024)
    for region, value in (("西峰区", 3), ("环县", 5))
    for metric, basis, source in [
        ("skilled_talents_total", "", f"“{region}{year}年技能人才总量达{value}万人”"),
        ("skilled_talents_new", "", f"{region} {year}: 新增{value}万人, as quoted"),
        ("study_grant_amount", "derived", f"derived: {region} grants of {year}"),
        ("study_grant_children", "reported", ""),
        ("graduate_monthly_salary", "", f"{region}毕业生月薪{value}千元"),  # not summed
    ]
]


def test_commands_that_quote_none_keep_how_derived_figures_were_derived(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = rows_file(tmp_path, *QUOTED)
    every = load_dataset(str(path)).outcomes
    sources = as_texts(loaded(str(path), years=Years(quotes=False)).outcomes)["source"]  # type: ignore[attr-defined]
    derived = every["basis"] == "derived"
    assert sources[derived].tolist() == as_texts(every)["source"][derived].tolist()
    assert set(sources[~derived]) == {""}
    # Each command gives what it gives from every quote (the exact reader keeps them):
    # a region's figure is quoted in its summary and its yearly series (a ratio's
    # series stays a region's when regions are summed), and the others read none.
    for command, quotes in [
        (["growth"], False),
        (["growth", "--by", "region"], False),
        (["growth", "--yearly"], True),
        (["growth", "--by", "region", "--yearly"], True),
        (["compare", "2023", "2024"], False),
        (["compare", "--by", "region", "西峰区", "环县"], False),
        (["chart", "skilled_talents_total", "--by", "region"], False),
        (["metrics"], False),
        (["check"], False),
        (["summary"], True),
        (["outcomes"], True),
    ]:
        args = [*command, "--data", str(path), "--format", "csv"]
        with mock.patch.object(dataset, "scan_outcomes", wraps=scan_outcomes) as scan:
            fast = runner.invoke(app, args)
        assert {call.kwargs["years"].quotes for call in scan.call_args_list} == {quotes}
        with mock.patch("laborstats.dataset.scan_outcomes", return_value=None):
            slow = runner.invoke(app, args)
        assert (fast.exit_code, fast.stdout) == (slow.exit_code, slow.stdout) == (0, fast.stdout)
        assert ("西峰区毕业生月薪3千元" in fast.stdout) == quotes, command


# --- setting bad rows aside ---------------------------------------------------------------

# Bad rows of several kinds, each with a problem the exact reader sets the row aside for.
# Good rows of a metric summed as read with Years(summed=True).
SUMMED = {line: f"2023,r{line},,,cost_savings,{line},,2023,," for line in range(2, 201, 3)}
SET_ASIDE = {
    5: "2024,r,,,disputes_mediated,abc,,2024,,",  # not a figure
    6: "2024,r,,,nonsense,1,,2024,,",  # an unknown metric
    90: "2024,r,,,disputes_mediated,-1,,2024,,",  # a count below zero
    91: "2099,r,,,disputes_mediated,1,,2099,,",  # a year to come
    150: "2024,,,,disputes_mediated,1,,2024,,",  # no region
    151: "2024,r,,,disputes_mediated,1,,2023,,",  # a period of another year
    152: "2024,r,,,disputes_mediated,1,,2024,guessed,",  # an unknown basis
    199: "2024,r,,,disputes_mediated,1,sometimes,2024,,",  # an unknown qualifier
}


# Each way a scan keeps rows: every year, the latest, summed as read, one metric.
EVERY_WAY_OF_KEEPING = pytest.mark.parametrize(
    "years",
    [ALL_YEARS, Years(latest=1), Years(summed=True), Years(metrics=frozenset({"cost_savings"}))],
    ids=["all", "latest", "summed", "one metric"],
)


@EVERY_WAY_OF_KEEPING
def test_bad_rows_set_aside_are_read_exactly_from_the_rows_doubted(
    tmp_path: Path, years: Years
) -> None:
    # Bad rows in batches of a few lines, in each of four byte ranges.
    path = regions_file(tmp_path, 200, SUMMED | SET_ASIDE)
    fast, heard, texts = setting_aside_as_the_exact_reader(path, years)
    assert fast.rejected["line"].tolist() == sorted(SET_ASIDE)
    # The exact reader read the header and the bad rows, once, and nothing else.
    [text] = texts
    assert text.splitlines() == [OUTCOMES_HEADER, *SET_ASIDE.values()]
    assert heard.restarts == [f"Checking the rows in doubt in {path} line by line"]
    size = sum(len(row) + 1 for row in SET_ASIDE.values())  # their bytes
    assert heard.reads == [(size, size)]


def setting_aside_as_the_exact_reader(path: Path, years: Years) -> tuple[Dataset, Heard, list[str]]:
    """The file loaded setting bad rows aside, in batches of a few lines, summing rows as
    read where ``years`` asks, as the exact reader loads it (see assert_same_totals): the
    Dataset, what the progress heard, and the texts the exact reader was given."""
    heard = Heard()
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(columnar, "SUMMED_FROM", 0),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=True, years=years, progress=heard)
    slow = exact(str(path), skip_bad_rows=True, years=years)
    assert isinstance(fast, Dataset)
    assert isinstance(slow, Dataset)
    assert_same_totals(fast, slow, years)
    return fast, heard, texts_read(read, path)


def assert_same_totals(fast: Dataset, slow: Dataset, years: Years) -> None:
    """assert_same; or, where the fast path summed rows as it read them (which the exact
    reader keeps), the same rejects and regional totals."""
    if not years.summed:
        assert_same(fast, slow)
        return
    pd.testing.assert_frame_equal(fast.rejected, slow.rejected)
    assert fast.partial is not None
    keys = ["metric", "year", "entity", "period"]
    totals = regional_totals(fast.outcomes, fast.metrics, fast.reporters, fast.partial)
    assert len(totals) > 1
    pd.testing.assert_frame_equal(
        as_texts(totals).sort_values(keys).reset_index(drop=True),
        as_texts(regional_totals(slow.outcomes, slow.metrics))
        .sort_values(keys)
        .reset_index(drop=True),
    )


def test_bad_rows_are_read_exactly_a_group_of_rows_at_a_time(tmp_path: Path) -> None:
    path = regions_file(tmp_path, 200, SET_ASIDE)
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(columnar, "EXACT_ROWS", 2),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=True)
    assert_same(fast, exact(str(path), skip_bad_rows=True))
    texts = texts_read(read, path)
    assert 2 < len(texts) <= len(SET_ASIDE)
    rows = [row for text in texts for row in text.splitlines()[1:]]
    assert rows == list(SET_ASIDE.values())


@contextlib.contextmanager
def doubted_once(*regions: str) -> Iterator[None]:
    """The checks doubt the rows of ``regions`` (good rows) the first time they see them."""
    typed = columnar._Checks._typed
    left = set(regions)

    def doubting(checks: columnar._Checks, batch: pa.RecordBatch) -> object:
        rows = typed(checks, batch)
        named = np.isin(batch.column("region").to_numpy(zero_copy_only=False), list(left))
        left.difference_update(batch.column("region").to_pylist())
        if not named.any():
            return rows
        return named if isinstance(rows, columnar._Rows) else rows | named

    with mock.patch.object(columnar._Checks, "_typed", doubting):
        yield


def test_a_good_row_the_checks_doubt_leaves_the_file_to_the_exact_reader(
    tmp_path: Path,
) -> None:
    # The exact reader keeps row 150, which it reads first with the bad row 151.
    path = regions_file(tmp_path, 200, {151: SET_ASIDE[151]})
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        doubted_once("r150"),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=True)
    assert isinstance(fast, Dataset)
    assert_same(fast, exact(str(path), skip_bad_rows=True))
    assert [text.count("\n") for text in texts_read(read, path)] == [3, 201]  # then the file


@pytest.mark.parametrize(
    "bad",
    [
        "2024,dup,,,disputes_mediated,-1,,2024,,",  # a count below zero
        "2024,dup,,,disputes_mediated,1.5,,2024,,",  # a count not whole
        "2024,dup,,skills,disputes_mediated,1,,2024,,",  # another programme's metric
        "2024,dup,,,disputes_mediated,1%,,2024,,",  # a percentage of a count
    ],
)
@pytest.mark.parametrize("twin", [3, 180], ids=["same batch", "other range"])
def test_a_bad_row_whose_key_has_a_copy_makes_the_copy_bad_too(
    tmp_path: Path, bad: str, twin: int
) -> None:
    # The exact reader looks for copies of a key before it checks figures against
    # the metrics: both rows are set aside as the same figure twice.
    path = regions_file(tmp_path, 200, {2: bad, twin: "2024,dup,,,disputes_mediated,1,,2024,,"})
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=True)
    slow = exact(str(path), skip_bad_rows=True)
    assert_same(fast, slow)
    # The bad row, then both from a scan again: not the file.
    assert [text.count("\n") for text in texts_read(read, path)] == [2, 3]
    assert isinstance(slow, Dataset)
    assert slow.rejected["line"].tolist() == [2, twin]
    assert set(slow.rejected["problem"].str[:21]) == {"the same figure twice"}


def test_bad_rows_with_copies_in_doubt_and_beyond_are_all_copies(tmp_path: Path) -> None:
    # Rows 2 and 3 are doubted (counts below zero), row 180 is not: all three are the
    # same figure, as the exact reader finds in the whole file.
    copy = "2024,dup,,,disputes_mediated,{},,2024,,"
    path = regions_file(
        tmp_path, 200, {2: copy.format(-1), 3: copy.format(-2), 180: copy.format(1)}
    )
    with mock.patch.object(columnar, "BLOCK", 512):
        fast = loaded(str(path), skip_bad_rows=True)
    slow = exact(str(path), skip_bad_rows=True)
    assert_same(fast, slow)
    assert isinstance(slow, Dataset)
    assert set(slow.rejected["problem"].str[:39]) == {"the same figure twice (lines 2, 3, 180)"}


def test_a_key_that_still_repeats_after_a_scan_again_is_the_exact_readers(
    tmp_path: Path,
) -> None:
    path = regions_file(tmp_path, 200, {151: SET_ASIDE[151]})
    scans = []

    def held_twice(parts: list[columnar._Part]) -> np.ndarray:
        scans.append(len(parts))
        assert len(scans) <= 2, "scanned again and again"
        return np.ones(1, dtype=np.uint64)  # a hash no row holds

    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(columnar, "_repeated_hashes", held_twice),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=True)
    assert len(scans) == 2
    assert [text.count("\n") for text in texts_read(read, path)] == [2, 2, 201]
    assert_same(fast, exact(str(path), skip_bad_rows=True))


COPIES = {
    5: "2024,dup,,,disputes_mediated,1,,2024,,",
    40: "2023,twice,,,cost_savings,5,,2023,,",
    151: SET_ASIDE[151],
    180: "2024,dup,,,disputes_mediated,2,,2024,,",
    190: "2023,twice,,,cost_savings,5,,2023,,",
    195: "2024,dup,,,disputes_mediated,3,,2024,,",
}


@EVERY_WAY_OF_KEEPING
def test_every_copy_of_a_figure_given_twice_is_set_aside_from_a_scan_again(
    tmp_path: Path, years: Years
) -> None:
    # The rows the fast path summed or kept are left out by a scan again that doubts
    # the keys seen twice; their rows go to the exact reader together, not the file.
    path = regions_file(tmp_path, 200, SUMMED | COPIES)
    fast, heard, texts = setting_aside_as_the_exact_reader(path, years)
    assert fast.rejected["line"].tolist() == sorted(COPIES)
    first, again = [text.splitlines()[1:] for text in texts]
    assert first == [COPIES[151]]
    # The copies, a key's together in file order, then the other rows in doubt.
    dup, twice = ([COPIES[line] for line in lines] for lines in ([5, 180, 195], [40, 190]))
    assert again in ([*dup, *twice, COPIES[151]], [*twice, *dup, COPIES[151]])
    assert heard.restarts == [
        f"Checking the rows in doubt in {path} line by line",
        f"Reading {path} again to set aside every copy of a figure",
        f"Checking the rows in doubt in {path} line by line",
    ]


def test_the_copies_of_a_key_are_read_exactly_in_one_group(tmp_path: Path) -> None:
    path = regions_file(tmp_path, 200, COPIES | {90: SET_ASIDE[90], 91: SET_ASIDE[91]})
    with (
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(columnar, "EXACT_ROWS", 2),
        mock.patch.object(dataset, "read_csv_text", wraps=dataset.read_csv_text) as read,
    ):
        fast = loaded(str(path), skip_bad_rows=True)
    assert_same(fast, exact(str(path), skip_bad_rows=True))
    # Two rows a group: the bad rows (90, 91; 151). Then, cut where a key starts from
    # rows 0, 2, 4 and 6 on: the copies of each key (3 rows; 2), and the bad rows again.
    groups = [text.splitlines()[1:] for text in texts_read(read, path)]
    dup, twice = ([COPIES[line] for line in lines] for lines in ([5, 180, 195], [40, 190]))
    bad = [[SET_ASIDE[90], SET_ASIDE[91]], [COPIES[151]]]
    again = [[SET_ASIDE[90]], [SET_ASIDE[91], COPIES[151]]]
    assert groups in ([*bad, dup, twice, *again], [*bad, twice, dup, *again])


@BOUNDED
@given(
    keys=st.lists(st.integers(0, 6), max_size=40),
    group=st.integers(1, 5),
)
def test_rows_in_doubt_are_grouped_with_every_copy_of_their_key(
    keys: list[int], group: int
) -> None:
    hashes = np.array(keys, dtype=np.uint64)
    lines = np.arange(len(keys)) * 3 + 2
    with mock.patch.object(columnar, "EXACT_ROWS", group):
        order, starts = columnar._key_groups(hashes, lines)
    assert sorted(order.tolist()) == list(range(len(keys)))
    counts = {key: keys.count(key) for key in keys}
    shared = [counts[keys[at]] > 1 for at in order]
    assert shared == sorted(shared, reverse=True)  # the copies first
    # Each key of copies together, in file order; the other rows in file order.
    runs = [keys[at] if counts[keys[at]] > 1 else -1 - at for at in order]
    starting = [at == 0 or runs[at] != runs[at - 1] for at in range(len(runs))]
    assert len({run for run, first in zip(runs, starting, strict=True) if first}) == sum(starting)
    assert all(
        lines[order[at - 1]] < lines[order[at]] for at in range(1, len(order)) if not starting[at]
    )
    assert [at for at in order if counts[keys[at]] == 1] == sorted(
        at for at in order if counts[keys[at]] == 1
    )
    # Groups start where a key does, and are no larger than EXACT_ROWS and one key.
    key_starts = [at for at, first in enumerate(starting) if first]
    bounds = [*starts.tolist(), len(keys)]
    assert set(bounds[:-1]) <= set(key_starts)
    assert bounds[0] == 0 or not keys
    largest = max(counts.values(), default=1)
    assert all(end - begin < group + largest for begin, end in itertools.pairwise(bounds))
    # ... and no more groups than EXACT_ROWS at a time would give, nor fewer than needed.
    assert -(-len(keys) // (group + largest - 1)) <= len(bounds) - 1 <= -(-len(keys) // group)


def test_rows_read_exactly_are_named_by_their_lines_in_the_file() -> None:
    reader = dataset._Reader(None, skip_bad_rows=True)
    kept_rows = reader.kept_rows("big.csv", load_dataset(None).metrics)
    rows = [
        "2024,a,,,disputes_mediated,1,,2024,,",
        "2024,b,,,disputes_mediated,1,,2024,,,one field too many",
        ",,,,,,,,,",  # blank: skipped
        "2024,c,,,nonsense,1,,2024,,",
        "2024,d,,,disputes_mediated,1,,2024,,",
    ]
    kept, counted = kept_rows(
        "\n".join([OUTCOMES_HEADER, *rows, ""]), np.array([7, 40, 41, 900, 1200])
    )
    assert kept.tolist() == [7, 1200]
    assert reader.rejects()[["line", "column"]].values.tolist() == [[40, ""], [900, "metric"]]
    # Row c was set aside after its key was looked at for copies.
    assert counted.astype("str").values.tolist() == [["2024", "c", "", "nonsense", "2024"]]


@BOUNDED
@given(
    lines=st.lists(st.binary(max_size=30).map(lambda line: line.replace(b"\n", b"")), min_size=1),
    wanted=st.lists(st.integers(1, 40)),
    block=st.integers(1, 64),
)
def test_line_starts_are_where_the_lines_start(
    lines: list[bytes], wanted: list[int], block: int
) -> None:
    data = b"header\n" + b"\n".join(lines)
    starts = [0]
    for line in data.split(b"\n"):
        starts.append(starts[-1] + len(line) + 1)
    numbers = np.array(sorted(wanted), dtype=np.int64) + 1  # line 2 on
    stream = io.BytesIO(data)
    stream.readline()
    with mock.patch.object(columnar, "BLOCK", block):
        found = columnar._line_starts(stream, numbers)
    expected = [min(starts[min(number, len(starts)) - 1], len(data)) for number in numbers]
    assert found.tolist() == expected


@pytest.mark.parametrize("skip_bad_rows", [False, True], ids=["strict", "skip"])
@BOUNDED
@given(raw=csv_like_bytes())
def test_damaged_tables_load_as_the_exact_reader_loads_them(
    tmp_path: Path, raw: bytes, skip_bad_rows: bool
) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(raw)
    fast = loaded(str(path), skip_bad_rows=skip_bad_rows)
    slow = exact(str(path), skip_bad_rows=skip_bad_rows)
    if isinstance(fast, str) and isinstance(slow, str) and fast != slow:
        # A file with several bad rows stops at one of them: the fast path names the
        # first of the rows it doubted first, the exact reader the first row to fail
        # its first failing check; each a row the exact reader would set aside.
        assert not skip_bad_rows
        assert bad_line(fast) in set(exact(str(path), skip_bad_rows=True).rejected["line"])  # type: ignore[attr-defined]
    else:
        assert_same(fast, slow)


def bad_line(message: str) -> int:
    """The line of a message about a row ("file:line: column …")."""
    return int(message.rsplit(": column ", 1)[0].rsplit(":", 1)[1])


@BOUNDED
@given(rows=outcome_tables(), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_clean_tables_take_the_fast_path_to_the_same_result(
    tmp_path: Path, rows: list[dict[str, str]], quoting: int
) -> None:
    path = tmp_path / "outcomes.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), quoting=quoting)  # type: ignore[arg-type]
        writer.writeheader()
        writer.writerows(rows)
    multiline = any("\n" in cell or "\r" in cell for row in rows for cell in row.values())
    assert (scanned(path) is None) == multiline
    every = exact(str(path))
    assert_same(loaded(str(path)), every)
    # Pools: the year asked for, the rows of derived figures, and who reports in any year.
    pools = loaded(str(path), years=Years(frozenset({2024}), pools=True))
    assert isinstance(every, Dataset)
    assert isinstance(pools, Dataset)
    table = every.outcomes
    kept = table[(table["year"] == 2024) | table["metric"].isin(derivation_metrics(every.metrics))]
    pd.testing.assert_frame_equal(as_texts(pools.outcomes), as_texts(kept.reset_index(drop=True)))
    assert pools.reporters is not None
    pd.testing.assert_frame_equal(as_texts(pools.reporters), as_texts(reporting(table)))
    # One metric: its rows and those of derived figures, and who reports in any year.
    years = Years(metrics=frozenset({"frontline_workers_served"}))
    one = loaded(str(path), years=years)
    assert_same(one, exact(str(path), years=years))
    assert isinstance(one, Dataset)
    chosen = {"frontline_workers_served", *derivation_metrics(every.metrics)}
    wanted = table[table["metric"].isin(chosen)].reset_index(drop=True)
    pd.testing.assert_frame_equal(as_texts(one.outcomes), as_texts(wanted))
    assert one.reporters is not None
    pd.testing.assert_frame_equal(as_texts(one.reporters), as_texts(reporting(table)))
    # Without quotes: the same rows, each source blank (none is a derived figure's);
    # the exact reader (of a record on several lines) keeps them.
    unquoted = loaded(str(path), years=Years(quotes=False))
    assert isinstance(unquoted, Dataset)
    blank = as_texts(table) if multiline else as_texts(table).assign(source="")
    pd.testing.assert_frame_equal(as_texts(unquoted.outcomes), blank)
    # Summed as read: the rows of other metrics held, totals over regions as from every row.
    with (
        mock.patch.object(columnar, "SUMMED_FROM", 0),
        mock.patch.object(columnar, "COMBINE_EVERY", 1),
    ):
        summed = loaded(str(path), years=Years(summed=True))
    assert isinstance(summed, Dataset)
    assert summed.reporters is not None
    pd.testing.assert_frame_equal(as_texts(summed.reporters), as_texts(reporting(table)))
    metrics = every.metrics
    adding_up = metrics.loc[metrics["kind"].isin(ADDITIVE_KINDS), "metric"]
    summed_metrics = set(adding_up) - derivation_metrics(metrics)
    # The exact reader (of a record on several lines) keeps every row.
    summed_rows = table["metric"].isin(set() if multiline else summed_metrics)
    held = table[~summed_rows].reset_index(drop=True)
    pd.testing.assert_frame_equal(as_texts(summed.outcomes), as_texts(held))
    assert (summed.partial is None) == (not summed_rows.any())

    def ordered(totals: pd.DataFrame) -> pd.DataFrame:
        return (
            as_texts(totals)
            .sort_values(["metric", "year", "entity", "period"])
            .reset_index(drop=True)
        )

    pd.testing.assert_frame_equal(
        ordered(regional_totals(summed.outcomes, metrics, summed.reporters, summed.partial)),
        ordered(regional_totals(table, metrics)),
    )


def test_partial_totals_summed_batch_by_batch_are_those_of_every_row(tmp_path: Path) -> None:
    # Batches of a few lines in four byte ranges, combined three by three as they come:
    # figures that need exact sums, every qualifier, and derived figures of two sources.
    def value(metric: str, share: float) -> float:
        if metric == "worker_deputies":
            return int(share * 10)
        return 1e15 if metric == "economic_benefit" and share < 0.2 else share  # total 1e15 + 0.5

    rows = [
        f"{year},{region},{entity},,{metric},{value(metric, share)},{qualifier},{period},"
        f"{basis},{source}"
        for year in (2022, 2023, 2024)
        for entity in ("", "司机之家")
        for metric in ("cost_savings", "economic_benefit", "worker_deputies")
        for qualifier, period, basis, source in (
            ("", year, "", '"a report, p. 2"'),
            ("approx", "annual", "derived", "derived: a − b"),
            ("at_least", "3 years", "derived", "derived: c"),
            ("at_most", "cumulative", "", "q"),
        )
        # The regions of a total side by side, in a batch or across two.
        for region, share in (("庆阳市", 0.1), ("西峰区", 0.2), ("环县", 0.3))
    ]
    path = rows_file(tmp_path, *rows)
    with (
        mock.patch.object(columnar, "SUMMED_FROM", 0),
        mock.patch.object(columnar, "BLOCK", 256),
        mock.patch.object(columnar, "COMBINE_EVERY", 3),
    ):
        summed = loaded(str(path), years=Years(summed=True))
    every = exact(str(path))
    assert isinstance(summed, Dataset)
    assert isinstance(every, Dataset)
    assert summed.outcomes.empty  # every row summed

    def ordered(partial: pd.DataFrame) -> pd.DataFrame:
        keys = ["year", "entity", "metric", "period", "derived_source"]
        return as_texts(partial).sort_values(keys).reset_index(drop=True)

    assert summed.partial is not None
    pd.testing.assert_frame_equal(
        ordered(summed.partial), ordered(partial_totals(every.outcomes)), check_dtype=False
    )


@pytest.mark.parametrize("data", [None, "example:qingyang-counties"])
def test_summary_of_the_years_it_needs_is_the_summary_of_every_row(data: str | None) -> None:
    full = load_dataset(data)
    every_row = with_derived_metrics(full.outcomes, full.metrics)
    for year in [None, *sorted(set(every_row["year"]))]:
        window = Years(latest=2) if year is None else Years(frozenset({year - 1, year, year + 1}))
        kept = load_dataset(data, years=window)
        assert len(kept.outcomes) < len(full.outcomes) or len(full.years) <= 2
        pd.testing.assert_frame_equal(
            summarise(with_derived_metrics(kept.outcomes, kept.metrics), kept.metrics, year=year),
            summarise(every_row, full.metrics, year=year),
        )


@pytest.mark.parametrize("terminal", [True, False])
def test_a_slow_load_shows_a_progress_bar_on_a_terminal_only(
    terminal: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        mock.patch.object(sys.stderr, "isatty", return_value=terminal),
        mock.patch.object(console, "PROGRESS_AFTER", 0.0),
        console.LoadProgress("Reading big.csv") as progress,
    ):
        progress(10, 100)
        progress(40, 100)
        assert (progress.bar is not None) == terminal
        if terminal:
            assert progress.bar.tasks[0].completed == 50
            assert progress.bar.tasks[0].total == 100
    assert capsys.readouterr().out == ""


def test_the_bar_shows_a_file_name_as_it_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    name = "Reading [bold]a[/]b.csv"  # no Rich markup: one of these crashed the bar
    with (
        mock.patch.object(sys.stderr, "isatty", return_value=True),
        mock.patch.object(console, "PROGRESS_AFTER", 0.0),
        console.LoadProgress(name) as progress,
    ):
        progress(10, 100)
        assert progress.bar is not None
        [task] = progress.bar.tasks
        assert progress.bar.columns[0].render(task).plain == name


def test_a_second_read_of_the_file_starts_the_bar_again(capsys: pytest.CaptureFixture[str]) -> None:
    with (
        mock.patch.object(sys.stderr, "isatty", return_value=True),
        mock.patch.object(console, "PROGRESS_AFTER", 0.0),
        console.LoadProgress("Reading big.csv") as progress,
    ):
        progress(100, 100)
        progress.restart("Checking big.csv line by line")
        progress(30, 100)
        assert progress.bar is not None
        [task] = progress.bar.tasks
        assert (task.description, task.completed, task.total) == (
            "Checking big.csv line by line",
            30,
            100,
        )
        progress.restart("Checking the rows in doubt in big.csv line by line")
        progress(3, 10)  # some of the file
        assert (task.completed, task.total) == (3, 10)
    assert capsys.readouterr().out == ""


class Heard:
    """A Progress that keeps what it hears."""

    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []
        self.restarts: list[str] = []

    def __call__(self, read: int, size: int) -> None:
        self.reads.append((read, size))

    def restart(self, what: str) -> None:
        self.restarts.append(what)
        self.reads.clear()


def test_the_exact_reader_tells_how_far_it_has_read(tmp_path: Path) -> None:
    # Its bytes, as its text is read.
    rows = [
        ROW.format(value=line, source="调解").replace("庆阳市", f"r{line}") for line in range(50)
    ]
    path = tmp_path / "outcomes.csv"
    path.write_bytes("\n".join([OUTCOMES_HEADER, *rows, ""]).encode("gb18030"))
    heard = Heard()
    with (
        mock.patch.object(dataset, "_LINES_SLICE", 200),
        mock.patch.object(dataset, "scan_outcomes", return_value=None),
    ):
        load_dataset(str(path), progress=heard)
    assert heard.restarts == [f"Checking {path} line by line"]
    size = path.stat().st_size
    assert len(heard.reads) > 5
    assert {total for _, total in heard.reads} == {size}
    assert all(read >= 0 for read, _ in heard.reads)
    assert sum(read for read, _ in heard.reads) == size


def test_a_copy_in_utf8_tells_how_far_it_has_read(tmp_path: Path) -> None:
    path = wide_file(tmp_path, chinese_rows(50), "utf-16")
    heard = Heard()
    with mock.patch.object(columnar, "_COPIED", 256), mock.patch.object(columnar, "PART", 1 << 30):
        load_dataset(str(path), progress=heard)
    # The copy in UTF-16, then the scan of the copy (a part of it, on one core).
    assert heard.restarts == [f"Reading {path} in utf-16", f"Reading {path}"]
    assert heard.reads
    assert all(read >= 0 for read, _ in heard.reads)
    assert sum(read for read, _ in heard.reads) == heard.reads[0][1] < path.stat().st_size


def test_a_quick_load_shows_no_progress_bar() -> None:
    with (
        mock.patch.object(sys.stderr, "isatty", return_value=True),
        console.LoadProgress() as progress,
    ):
        progress(10, 100)
        assert progress.bar is None


def test_a_scan_leaves_arrow_allocating_from_the_c_library(tmp_path: Path) -> None:
    # Memory freed there serves pandas afterwards, and a scan's end gives it back.
    path = rows_file(tmp_path, ROW.format(value="12", source="q"))
    with mock.patch.object(pa, "set_memory_pool", wraps=pa.set_memory_pool) as chosen:
        assert isinstance(scanned(path), columnar.Scan)
    assert {pool.backend_name for (pool,), _ in chosen.call_args_list} == {"system"}
    assert pa.default_memory_pool().backend_name == "system"


def test_a_scan_gives_memory_back_as_it_goes(tmp_path: Path) -> None:
    rows = [ROW.format(value=1, source="").replace("2024", str(year)) for year in range(2015, 2025)]
    path = rows_file(tmp_path, *rows)
    never = len(rows) + 1

    def given_back(checked: int, hashed: int) -> int:
        """How often memory is given back, every ``checked`` rows checked and every
        ``hashed`` row hashes put together."""
        with (
            mock.patch.object(columnar, "TRIM_EVERY", checked),
            mock.patch.object(columnar, "_HASHES_GIVEN_BACK", hashed),
            mock.patch.object(columnar, "BLOCK", 64),  # a batch of a line or two
            mock.patch.object(columnar, "give_memory_back") as given,
        ):
            scan = scanned(path)
        assert isinstance(scan, columnar.Scan)
        assert len(scan.outcomes) == len(rows)
        return given.call_count

    # Once a batch (a line or two), on top of the end of the scan and each column converted.
    assert given_back(1, never) - given_back(never, never) >= 4
    assert given_back(never, 1) - given_back(never, never) >= 4
