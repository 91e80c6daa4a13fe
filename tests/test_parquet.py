"""Parquet input and `laborstats convert`: the same dataset, the same checks, the same results."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from laborstats import columnar, dataset
from laborstats.cli import app
from laborstats.columnar import Years
from laborstats.dataset import Dataset, load_dataset
from laborstats.errors import LaborstatsError
from tests.conftest import OUTCOMES_HEADER
from tests.test_columnar import assert_same_totals, colliding_with
from tests.test_properties import BOUNDED, outcome_tables

COLUMNS = OUTCOMES_HEADER.split(",")


@pytest.fixture(autouse=True)
def many_parts() -> Iterator[None]:
    """Small files are read as large ones are: row groups in parallel, in small batches."""
    with mock.patch.object(columnar, "BATCH", 2), mock.patch.object(columnar, "CORES", 4):
        yield


def loaded(data: str | Path, **options: object) -> Dataset | str:
    """A Dataset, or the message the load stops with."""
    try:
        return load_dataset(str(data), **options)  # type: ignore[arg-type]
    except LaborstatsError as error:
        return str(error)


def exact(data: str | Path, **options: object) -> Dataset | str:
    """The loader with the fast path turned off."""
    with mock.patch("laborstats.dataset.scan_parquet", return_value=None):
        return loaded(data, **options)


def fast_only(data: str | Path) -> Dataset:
    """The loader, failing if the fast path leaves the file to the exact reader."""
    with mock.patch("laborstats.dataset._parquet_text", side_effect=AssertionError("exact")):
        return load_dataset(str(data))


def assert_same(fast: Dataset | str, slow: Dataset | str) -> None:
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
        return
    pd.testing.assert_frame_equal(fast.outcomes, slow.outcomes, check_exact=True)
    pd.testing.assert_frame_equal(fast.rejected, slow.rejected)
    assert fast.years == slow.years


def write_parquet(path: Path, rows: list[dict[str, object]], **types: pa.DataType) -> Path:
    """Rows as another tool would write them: text, except the columns given types."""
    columns = {
        name: pa.array([row.get(name, "") for row in rows], type=types.get(name, pa.string()))
        for name in COLUMNS
        if any(name in row for row in rows)
    }
    pq.write_table(pa.table(columns), path, row_group_size=3)
    return path


def row(**cells: object) -> dict[str, object]:
    base: dict[str, object] = {
        "year": "2024",
        "region": "庆阳市",
        "metric": "disputes_mediated",
        "value": "82",
        "period": "",
        "source": "",
    }
    return base | cells


def convert(runner: CliRunner, source: str, target: Path, *options: str) -> str:
    result = runner.invoke(app, ["convert", source, str(target), *options])
    assert result.exit_code == 0, result.output
    return result.stderr


# --- convert, and loading what it wrote ------------------------------------------------------


@pytest.mark.parametrize("group", [None, 7], ids=["one row group", "row groups of 7"])
@pytest.mark.parametrize("data", ["bundled", "example:qingyang-counties"])
def test_a_converted_dataset_loads_as_its_source_does(
    runner: CliRunner,
    tmp_path: Path,
    bundled: Path,
    data: str,
    group: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if group is not None:  # as a large table is written, a row group at a time
        monkeypatch.setattr(dataset, "_ROW_GROUP", group)
    source = str(bundled) if data == "bundled" else data
    target = tmp_path / "data.parquet"
    stderr = convert(runner, source, target)
    original = load_dataset(source)
    assert f"Wrote {len(original.outcomes):,} rows to {target}." in stderr
    groups = pq.ParquetFile(target).metadata.num_row_groups
    assert groups == (1 if group is None else -(-len(original.outcomes) // group))
    converted = fast_only(target)
    columns = [name for name in original.outcomes.columns if name != "line"]
    pd.testing.assert_frame_equal(converted.outcomes[columns], original.outcomes[columns])
    assert converted.outcomes["line"].tolist() == list(range(1, len(original.outcomes) + 1))
    assert (converted.title, converted.sources, converted.years) == (
        original.title,
        original.sources,
        original.years,
    )
    for name in ("metrics", "rules", "studios"):
        before, after = getattr(original, name), getattr(converted, name)
        assert (before is None) == (after is None)
        if before is not None:
            pd.testing.assert_frame_equal(after, before)


def test_convert_writes_a_row_group_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Never the whole file in memory: a part a row group, then the footer.
    monkeypatch.setattr(dataset, "_ROW_GROUP", 10)
    data = load_dataset("example:qingyang-counties")
    parts = list(dataset.parquet_parts(data))
    assert len(parts) == -(-len(data.outcomes) // 10) + 1
    assert all(parts)
    assert parts[-1].endswith(b"PAR1")
    assert pq.read_table(io.BytesIO(b"".join(parts))).num_rows == len(data.outcomes)
    # No rows: one empty row group, as pyarrow writes a table of none.
    none = replace(data, outcomes=data.outcomes.iloc[:0])
    empty = pq.ParquetFile(io.BytesIO(b"".join(dataset.parquet_parts(none))))
    assert (empty.metadata.num_row_groups, empty.metadata.num_rows) == (1, 0)


def test_the_bundled_dataset_converts_with_its_studios_and_rules(
    runner: CliRunner, tmp_path: Path, bundled: Path
) -> None:
    target = tmp_path / "bundled.parquet"
    convert(runner, str(bundled), target)
    for command in (["summary"], ["studios"], ["check"], ["growth"], ["outcomes"]):
        csv_result = runner.invoke(app, [*command, "-f", "csv"])
        parquet_result = runner.invoke(app, [*command, "-f", "csv", "--data", str(target)])
        assert parquet_result.exit_code == csv_result.exit_code == 0, parquet_result.output
        assert parquet_result.stdout == csv_result.stdout, command


def test_convert_writes_typed_columns_other_tools_read(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "data.parquet"
    convert(runner, "example:qingyang-counties", target)
    schema = pq.read_schema(target)
    assert schema.field("year").type == pa.int64()
    assert schema.field("value").type == pa.float64()
    table = pq.read_table(target)
    assert set(table.column("qualifier").to_pylist()) <= {"exact", "approx", "at_least", "at_most"}
    stored = json.loads(schema.metadata[b"laborstats"])
    assert stored["metrics.csv"].startswith("metric,")


def test_the_fast_and_exact_readers_agree_on_a_converted_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "data.parquet"
    convert(runner, "example:qingyang-counties", target)
    assert_same(loaded(target), exact(target))


def test_convert_refuses_a_target_that_is_not_parquet(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", "example:qingyang-counties", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "name the file .parquet" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_convert_refuses_rejects_written_over_the_target(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "x.parquet"
    result = runner.invoke(
        app, ["convert", "example:qingyang-counties", str(target), "--rejects", str(target)]
    )
    assert result.exit_code == 2
    assert "is the target" in result.stderr


def test_convert_refuses_to_write_over_its_source(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "x.parquet"
    assert runner.invoke(app, ["convert", "example:qingyang-counties", str(target)]).exit_code == 0
    before = target.read_bytes()
    result = runner.invoke(app, ["convert", str(target), str(target)])
    assert result.exit_code == 2
    assert "x.parquet is a file of the dataset" in result.stderr
    assert target.read_bytes() == before


@pytest.fixture
def one_bad_row(outcomes_csv: Callable[[str], Path]) -> Path:
    """An outcomes CSV whose second row (line 3) has no figure."""
    return outcomes_csv(
        "2024,庆阳市,,,disputes_mediated,82,,,,\n2024,西峰区,,,disputes_mediated,x,,,,\n"
    )


def test_convert_stops_at_a_bad_row_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, one_bad_row: Path
) -> None:
    target = tmp_path / "out.parquet"
    result = runner.invoke(app, ["convert", str(one_bad_row), str(target)])
    assert result.exit_code == 1
    assert 'outcomes.csv:3: column "value": not a figure' in result.stderr
    assert not target.exists()


def test_convert_can_set_bad_rows_aside(
    runner: CliRunner, tmp_path: Path, one_bad_row: Path
) -> None:
    target = tmp_path / "out.parquet"
    stderr = convert(runner, str(one_bad_row), target, "--skip-bad-rows")
    assert "Wrote 1 row to" in stderr
    assert "Note: 1 bad row set aside" in stderr
    assert pq.read_table(target).column("region").to_pylist() == ["庆阳市"]


# --- Parquet files written by other tools ---------------------------------------------------


def test_text_columns_are_read_as_the_csv_they_came_from(tmp_path: Path) -> None:
    rows = [
        row(value="15.24万", metric="skilled_talents_total", period="2024"),
        row(value="近90", metric="competition_trades", period="annual", region=" 西峰区 "),
        row(value="8000余万元", metric="economic_benefit", entity="巩怀华劳模创新工作室"),
        row(value=" 82 ", year="2023", qualifier="approx"),
    ]
    path = write_parquet(tmp_path / "text.parquet", rows)
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    csv_path = tmp_path / "outcomes.csv"
    csv_path.write_text(text.getvalue(), encoding="utf-8")
    from_parquet, from_csv = fast_only(path), load_dataset(str(csv_path))
    columns = [name for name in from_csv.outcomes.columns if name != "line"]
    pd.testing.assert_frame_equal(from_parquet.outcomes[columns], from_csv.outcomes[columns])
    assert from_parquet.outcomes["line"].tolist() == [1, 2, 3, 4]
    assert_same(loaded(path), exact(path))


def test_numbers_nulls_and_other_column_orders_are_read(tmp_path: Path) -> None:
    table = pa.table(
        {
            "metric": pa.array(["disputes_mediated"] * 3).dictionary_encode(),
            "value": pa.array([82, 5, 3], type=pa.int32()),
            "year": pa.array([2022, 2023, 2024], type=pa.int16()),
            "region": pa.array(["庆阳市", "庆阳市", "庆阳市"], type=pa.large_string()),
            "entity": pa.array([None, None, None], type=pa.null()),
            "source": pa.array(["a", None, "c"]),
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    dataset = fast_only(path)
    assert dataset.outcomes["value"].tolist() == [82.0, 5.0, 3.0]
    assert dataset.outcomes["year"].tolist() == [2022, 2023, 2024]
    assert dataset.outcomes["source"].tolist() == ["a", "", "c"]
    assert list(dataset.outcomes.columns[:7]) == [*table.column_names, "line"]
    assert_same(loaded(path), exact(path))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), 'typed.parquet:2: column "value": no figure'),
        (float("inf"), 'typed.parquet:2: column "value": not a figure; found "inf"'),
        (2.0**53, 'typed.parquet:2: column "value": too large to hold exactly'),
        (-1.0, 'typed.parquet:2: column "value": a count below zero'),
        (0.5, 'typed.parquet:2: column "value": a count not whole'),
    ],
)
def test_a_bad_number_is_named_by_its_row(tmp_path: Path, value: float, message: str) -> None:
    rows = [row(value=1.0), row(value=value, region="西峰区"), row(value=3.0, region="环县")]
    path = write_parquet(tmp_path / "typed.parquet", rows, value=pa.float64())
    assert_same(loaded(path), exact(path))
    result = loaded(path)
    assert isinstance(result, str)
    assert message in result


def test_bad_rows_in_later_row_groups_are_numbered_from_the_first_row(tmp_path: Path) -> None:
    rows = [row(region=f"r{number}") for number in range(8)]
    rows[6]["value"] = "x"
    path = write_parquet(tmp_path / "many.parquet", rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    result = loaded(path)
    assert isinstance(result, str)
    assert result.startswith(f'{path}:7: column "value": not a figure')
    skipped = loaded(path, skip_bad_rows=True)
    assert not isinstance(skipped, str)
    assert skipped.rejected[["line", "row"]].values.tolist() == [
        [7, "2024,r6,disputes_mediated,x,,"]
    ]
    assert len(skipped.outcomes) == 7


def test_a_bad_row_is_named_from_the_rows_doubted_in_its_row_group(tmp_path: Path) -> None:
    # Row groups of 3, batches of 2: row 15 is in the second batch of the fifth group.
    rows = [row(region=f"r{number}") for number in range(30)]
    rows[14]["value"] = "x"
    rows[25]["metric"] = "nonsense"
    path = write_parquet(tmp_path / "many.parquet", rows)
    doubt = columnar.scan_parquet(
        [path],
        [name for name in COLUMNS if name in rows[0]],
        load_dataset(None).metrics,
        where=str(path),
        years=columnar.ALL_YEARS,
        this_year=datetime.date.today().year,
    )
    assert doubt == columnar.ParquetDoubt(path, group=4, skipped=2, rows=1, first_row=15)
    with mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read:
        result = loaded(path)
    # Row 15 alone, not the whole file.
    assert [call.kwargs["rows"].tolist() for call in read.call_args_list] == [[15]]
    assert isinstance(result, str)
    assert result.startswith(f'{path}:15: column "value": not a figure; found "x"')
    assert result == exact(path)


@pytest.mark.parametrize("other", [4, 14], ids=["in the batch", "in a later group"])
def test_text_not_utf8_is_named_by_its_row_near_rows_doubted(tmp_path: Path, other: int) -> None:
    values = [b"1"] * 16
    values[other] = b"\xff1"
    metrics = ["disputes_mediated"] * 16
    metrics[5] = "nonsense"  # the first doubt, in the second row group
    table = pa.table(
        {
            "year": ["2024"] * 16,
            "region": [f"r{number}" for number in range(16)],
            "metric": metrics,
            "value": pa.array(values, type=pa.binary()).cast(pa.string(), safe=False),
        }
    )
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path, row_group_size=4)
    result = loaded(path)
    assert result == exact(path)
    assert str(result).startswith(f'{path}:{other + 1}: column "value": text that is not UTF-8')


@BOUNDED
@given(rows=outcome_tables(), typed=st.booleans())
def test_clean_tables_take_the_fast_path_to_the_same_result(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]], typed: bool
) -> None:
    folder = tmp_path_factory.mktemp("tables")
    cells: list[dict[str, object]] = [dict(cell) for cell in rows]
    types = {}
    if typed:
        cells = [cell | {"year": int(cell["year"]), "value": float(cell["value"])} for cell in rows]
        types = {"year": pa.int64(), "value": pa.float64()}
    path = write_parquet(folder / "table.parquet", cells, **types)
    fast = fast_only(path)
    assert_same(fast, exact(path))


# --- files that are not what they should be ---------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"year": [2024], "region": ["a"], "metrc": ["x"], "value": [1.0]},
            'column "metrc": unknown column; expected "metric"',
        ),
        (
            {"year": [2024], "region": ["a"], "value": [1.0]},
            "the file lacks metric; expected the outcomes columns year, region, metric, value",
        ),
        (
            {"year": [2024.0], "region": ["a"], "metric": ["x"], "value": [1.0]},
            'column "year": a column of double; expected whole numbers or text',
        ),
        (
            {"year": [2024], "region": ["a"], "metric": ["x"], "value": [True]},
            'column "value": a column of bool; expected numbers or text',
        ),
        (
            {"year": [2024], "region": [1], "metric": ["x"], "value": [1.0]},
            'column "region": a column of int64; expected text',
        ),
    ],
)
def test_a_file_with_the_wrong_columns_is_refused(
    tmp_path: Path, table: dict[str, list[object]], message: str
) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table(table), path)
    assert loaded(path) == f"{path}: {message}"


def test_a_file_named_parquet_that_is_not_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_text(OUTCOMES_HEADER + "\n", encoding="utf-8")
    assert loaded(path) == f"{path}: not a Parquet file; expected a file written as Parquet"


def test_a_parquet_file_is_known_by_its_bytes_whatever_its_name(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "data.bin", [row()])
    dataset = loaded(path)
    assert not isinstance(dataset, str)
    assert dataset.outcomes["value"].tolist() == [82.0]


def test_metadata_not_written_by_convert_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    table = pa.table({name: [cell] for name, cell in row().items()})
    pq.write_table(table.replace_schema_metadata({b"laborstats": b"[1]"}), path)
    result = loaded(path)
    assert isinstance(result, str)
    assert result.startswith(f'{path}: the "laborstats" metadata is not what laborstats convert')


def test_metrics_beside_a_plain_file_are_used(tmp_path: Path, bundled: Path) -> None:
    metrics = (bundled / "metrics.csv").read_text(encoding="utf-8")
    (tmp_path / "metrics.csv").write_text(
        metrics.replace("disputes_mediated,", "disputes_settled,"), encoding="utf-8"
    )
    path = write_parquet(tmp_path / "data.parquet", [row(metric="disputes_settled")])
    dataset = loaded(path)
    assert not isinstance(dataset, str)
    assert dataset.outcomes["metric"].tolist() == ["disputes_settled"]


# --- a folder of Parquet files -----------------------------------------------------------------


def test_a_folder_of_files_is_one_table_in_the_order_of_their_names(tmp_path: Path) -> None:
    write_parquet(tmp_path / "b.parquet", [row(year="2024"), row(year="2024", region="环县")])
    (tmp_path / "2023").mkdir()
    write_parquet(tmp_path / "2023" / "a.parquet", [row(year="2023")])
    dataset = fast_only(tmp_path)
    assert dataset.outcomes[["year", "region", "line"]].values.tolist() == [
        [2023, "庆阳市", 1],
        [2024, "庆阳市", 1],
        [2024, "环县", 2],
    ]
    assert dataset.title == tmp_path.name
    assert_same(loaded(tmp_path), exact(tmp_path))


def test_the_same_figure_in_two_files_is_named_in_both(tmp_path: Path) -> None:
    first = write_parquet(tmp_path / "a.parquet", [row(), row(region="环县")])
    second = write_parquet(tmp_path / "b.parquet", [row(region="西峰区"), row(value="83")])
    result = loaded(tmp_path)
    assert result == (
        f"{second}:2: the same figure twice (first at {first} row 1); found "
        '"2024 / 庆阳市 / disputes_mediated"; expected one row per year, region, entity, '
        "metric, period"
    )
    skipped = loaded(tmp_path, skip_bad_rows=True)
    assert not isinstance(skipped, str)
    assert skipped.outcomes["region"].tolist() == ["环县", "西峰区"]
    assert skipped.rejected[["file", "line"]].values.tolist() == [[str(first), 1], [str(second), 2]]
    assert skipped.rejected["row"].tolist() == [
        "2024,庆阳市,disputes_mediated,82,,",
        "2024,庆阳市,disputes_mediated,83,,",
    ]


def test_a_figure_given_twice_is_named_from_the_rows_whose_keys_may_repeat(
    tmp_path: Path,
) -> None:
    # Row groups of 3: rows 5 (in the second) and 8 of b.parquet hold the key of
    # row 2 of a.parquet.
    first = write_parquet(tmp_path / "a.parquet", [row(region=f"r{at}") for at in range(4)])
    rows = [row(region=f"s{at}") for at in range(9)]
    rows[4], rows[7] = row(region="r1", value="5"), row(region="r1", value="8")
    second = write_parquet(tmp_path / "b.parquet", rows)
    write_parquet(tmp_path / "c.parquet", [row(region=f"t{at}") for at in range(4)])
    with mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read:
        result = loaded(tmp_path)
    assert result == exact(tmp_path)
    assert str(result).startswith(f"{second}:5: the same figure twice (first at {first} row 2)")
    read_rows = [(call.args[0], call.kwargs["rows"].tolist()) for call in read.call_args_list]
    assert read_rows == [(first, [2]), (second, [5])]  # the first copy: not the whole files


@pytest.mark.parametrize(
    ("copy", "bad", "value", "named"),
    [
        (("b", 5), ("b", 7), "lots", ("b", 5)),  # the copy first
        (("b", 5), ("b", 2), "lots", ("b", 2)),  # the bad row first, in the same file
        (("b", 5), ("a", 4), "lots", ("a", 4)),  # in a file before
        (("c", 2), ("b", 8), "lots", ("b", 8)),  # the copy in a file after
        # The copy is bad as well: its own cells are checked before its key, and its
        # key before its value against metrics.csv.
        (("b", 5), ("b", 5), "lots", ("b", 5)),
        (("b", 5), ("b", 5), "-1", ("b", 5)),
    ],
)
def test_the_first_bad_row_of_the_files_is_a_copy_or_a_row_doubted(
    tmp_path: Path,
    copy: tuple[str, int],
    bad: tuple[str, int],
    value: str,
    named: tuple[str, int],
) -> None:
    # A copy of row 2 of a.parquet, and a row whose value is not a figure or is below
    # zero: row groups of 3, in batches of 2 (see many_parts).
    files = {name: [row(region=f"{name}{at}") for at in range(9)] for name in "abc"}
    files[copy[0]][copy[1] - 1] = row(region="a1", value="7")
    bad_row = files[bad[0]][bad[1] - 1]
    files[bad[0]][bad[1] - 1] = bad_row | {"value": value}
    paths = {
        name: write_parquet(tmp_path / f"{name}.parquet", rows) for name, rows in files.items()
    }
    result = loaded(tmp_path)
    assert result == exact(tmp_path)
    assert str(result).startswith(f"{paths[named[0]]}:{named[1]}: ")
    copy_first = named == copy and (copy != bad or value == "-1")
    assert ("the same figure twice" in str(result)) == copy_first


def test_a_first_copy_that_starts_a_file_after_an_empty_one_is_named_in_it(
    tmp_path: Path,
) -> None:
    first = write_parquet(tmp_path / "a.parquet", [row(region="r0"), row(region="r1")])
    empty = write_parquet(tmp_path / "b.parquet", [row(region="r2")])
    pq.write_table(pq.read_table(empty).slice(0, 0), empty)
    third = write_parquet(tmp_path / "c.parquet", [row(region="r1", value="9"), row(region="s")])
    with mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read:
        result = loaded(tmp_path)
    assert result == exact(tmp_path)
    assert str(result).startswith(f"{third}:1: the same figure twice (first at {first} row 2)")
    read_rows = [(call.args[0], call.kwargs["rows"].tolist()) for call in read.call_args_list]
    assert read_rows == [(first, [2]), (third, [1])]


def test_keys_whose_hashes_only_collide_leave_parquet_to_the_exact_reader(
    tmp_path: Path,
) -> None:
    path = write_parquet(tmp_path / "a.parquet", [row(region=f"r{at}") for at in range(10)])
    key = {"year": "2024", "region": "r7", "metric": "disputes_mediated"}
    with (
        colliding_with(key),  # row 8's
        mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read,
    ):
        result = loaded(path)
    # No copy of row 8 is found (see _FirstCopy), and the whole file is read.
    assert [call.kwargs.get("rows") for call in read.call_args_list] == [None]
    assert_same(result, exact(path))


def test_parquet_whose_rows_mostly_repeat_is_named_from_the_first_copy(tmp_path: Path) -> None:
    rows = [row(region=f"r{at}") for at in range(40)]
    path = write_parquet(tmp_path / "a.parquet", [*rows, *rows[5:25], rows[2]])  # 21 in 61
    scan = parquet_scan(path)
    assert isinstance(scan, columnar.ParquetRepeats)
    assert len(scan.hashes) == 21
    with mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read:
        result = loaded(path)
    assert [call.kwargs["rows"].tolist() for call in read.call_args_list] == [[6, 41]]
    assert result == exact(path)
    assert str(result).startswith(f"{path}:41: the same figure twice (first at row 6)")


def bad_rows_in_two_files(tmp_path: Path) -> list[Path]:
    """Bad rows in several row groups (of 3) and batches (of 2) of two files."""
    first = [row(region=f"r{at}", value=str(at)) for at in range(12)]
    first[4]["value"] = "x"  # not a figure
    first[5]["metric"] = "nonsense"
    first[10]["value"] = "-3"  # a count below zero
    second = [row(region=f"s{at}", metric="cost_savings", value=str(at)) for at in range(9)]
    second[7]["year"] = "2099"
    return [
        write_parquet(tmp_path / "a.parquet", first),
        write_parquet(tmp_path / "b.parquet", second),
    ]


@pytest.mark.parametrize(
    "years",
    [columnar.ALL_YEARS, Years(latest=1), Years(summed=True)],
    ids=["all", "latest", "summed"],
)
def test_bad_rows_set_aside_are_read_exactly_from_the_rows_doubted(
    tmp_path: Path, years: Years
) -> None:
    first, second = bad_rows_in_two_files(tmp_path)
    heard: list[str] = []
    progress = mock.Mock(restart=heard.append)
    with (
        mock.patch.object(columnar, "SUMMED_FROM", 0),
        mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read,
    ):
        fast = loaded(tmp_path, skip_bad_rows=True, years=years, progress=progress)
    slow = exact(tmp_path, skip_bad_rows=True, years=years)
    assert isinstance(fast, Dataset)
    assert isinstance(slow, Dataset)
    assert fast.rejected[["file", "line"]].values.tolist() == [
        [str(first), 5],
        [str(first), 6],
        [str(first), 11],
        [str(second), 8],
    ]
    pd.testing.assert_frame_equal(fast.rejected, slow.rejected)
    if years.summed:  # the exact reader keeps the rows the fast path sums
        assert_same_totals(fast, slow, years)
    else:
        assert_same(fast, slow)
    # The rows in doubt alone, not the whole files.
    read_rows = [(call.args[0], call.kwargs["rows"].tolist()) for call in read.call_args_list]
    assert read_rows == [(first, [5, 6, 11]), (second, [8])]
    assert heard == [f"Checking the rows in doubt in {tmp_path} row by row"]


def test_bad_parquet_rows_are_read_exactly_a_group_of_rows_at_a_time(tmp_path: Path) -> None:
    first, second = bad_rows_in_two_files(tmp_path)
    with (
        mock.patch.object(columnar, "EXACT_ROWS", 2),
        mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read,
    ):
        fast = loaded(tmp_path, skip_bad_rows=True)
    assert_same(fast, exact(tmp_path, skip_bad_rows=True))
    read_rows = [(call.args[0], call.kwargs["rows"].tolist()) for call in read.call_args_list]
    assert read_rows == [(first, [5, 6]), (first, [11]), (second, [8])]


@pytest.mark.parametrize(
    ("twin", "again"),
    [
        (row(region="r1", value="9"), [2, 10]),  # a copy of a row in doubt
        (row(region="r3", value="-1"), [2, 4, 10]),  # a row in doubt, a copy of another
    ],
    ids=["copy kept", "copy in doubt"],
)
def test_every_copy_of_a_figure_is_set_aside_from_a_scan_again(
    tmp_path: Path, twin: dict[str, object], again: list[int]
) -> None:
    rows = [row(region=f"r{at}") for at in range(9)]
    rows[1]["value"] = "-2"  # below zero: set aside after keys are looked at
    path = write_parquet(tmp_path / "a.parquet", [*rows, twin])
    heard: list[str] = []
    with mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read:
        fast = loaded(tmp_path, skip_bad_rows=True, progress=mock.Mock(restart=heard.append))
    slow = exact(tmp_path, skip_bad_rows=True)
    assert_same(fast, slow)
    assert isinstance(slow, Dataset)
    assert slow.rejected["problem"].str.startswith("the same figure twice").sum() == 2
    # The rows in doubt, then from a scan again those and the copies: not the file.
    read_rows = [(call.args[0], call.kwargs["rows"].tolist()) for call in read.call_args_list]
    assert read_rows == [(path, [2, 10][: 1 + (twin["value"] == "-1")]), (path, again)]
    assert heard == [
        f"Checking the rows in doubt in {tmp_path} row by row",
        f"Reading {tmp_path} again to set aside every copy of a figure",
        f"Checking the rows in doubt in {tmp_path} row by row",
    ]


def test_copies_across_files_are_read_exactly_together(tmp_path: Path) -> None:
    first, second = bad_rows_in_two_files(tmp_path)
    third = write_parquet(
        tmp_path / "c.parquet",
        [row(region="r0", value="7"), row(region="s2", metric="cost_savings")],
    )
    with (
        mock.patch.object(columnar, "EXACT_ROWS", 2),
        mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read,
    ):
        fast = loaded(tmp_path, skip_bad_rows=True)
    slow = exact(tmp_path, skip_bad_rows=True)
    assert_same(fast, slow)
    assert isinstance(slow, Dataset)
    assert len(slow.rejected) == 4 + 4
    # From the scan again, each key's copies in one group (the order of the keys is
    # their hashes'), then the bad rows two at a time.
    calls = [(call.args[0], call.kwargs["rows"].tolist()) for call in read.call_args_list]
    again = calls[3:]
    groups = [again[:2], again[2:4]]
    assert sorted(groups) == sorted([[(first, [1]), (third, [1])], [(second, [3]), (third, [2])]])
    assert again[4:] == [(first, [5, 6]), (first, [11]), (second, [8])]


def test_a_good_parquet_row_the_checks_doubt_leaves_it_to_the_exact_reader(
    tmp_path: Path,
) -> None:
    bad_rows_in_two_files(tmp_path)
    typed = columnar._Checks._typed

    def doubting(checks: columnar._Checks, batch: pa.RecordBatch) -> object:
        rows = typed(checks, batch)
        named = np.isin(batch.column("region").to_numpy(zero_copy_only=False), ["r0"])
        return (
            rows if not named.any() else named | (0 if isinstance(rows, columnar._Rows) else rows)
        )

    with (
        mock.patch.object(columnar._Checks, "_typed", doubting),
        mock.patch.object(dataset, "_parquet_text", wraps=dataset._parquet_text) as read,
    ):
        fast = loaded(tmp_path, skip_bad_rows=True)
    assert_same(fast, exact(tmp_path, skip_bad_rows=True))
    # Row 1 is kept: then every file whole.
    read_rows = [call.kwargs.get("rows") for call in read.call_args_list]
    assert [None if rows is None else rows.tolist() for rows in read_rows] == [
        [1, 5, 6, 11],
        [8],
        None,
        None,
    ]


def test_the_progress_of_a_scan_follows_its_rows(tmp_path: Path) -> None:
    # Row groups of 3, batches of 2: a tenth of the rows, a tenth of the bytes.
    path = write_parquet(tmp_path / "a.parquet", [row(region=f"r{at}") for at in range(30)])
    reads: list[tuple[int, int]] = []
    progress = mock.Mock(side_effect=lambda read, size: reads.append((read, size)))
    assert isinstance(parquet_scan(path, progress=progress), columnar.Scan)
    size = path.stat().st_size
    assert {total for _, total in reads} == {size}
    assert max(read for read, _ in reads) <= size // 15 + 1
    assert sum(read for read, _ in reads) == pytest.approx(size, rel=0.05)


def parquet_scan(path: Path, **options: object) -> object:
    return columnar.scan_parquet(
        [path],
        [name for name in COLUMNS if name in row()],
        load_dataset(None).metrics,
        where=str(path),
        years=columnar.ALL_YEARS,
        this_year=datetime.date.today().year,
        **options,  # type: ignore[arg-type]
    )


def test_files_of_a_folder_must_hold_the_same_columns(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", [row()])
    second = write_parquet(tmp_path / "b.parquet", [row(entity="x")])
    result = loaded(tmp_path)
    assert isinstance(result, str)
    assert result.startswith(f"{second}: other columns than {tmp_path / 'a.parquet'}")


def test_a_dataset_folder_is_not_read_as_parquet(tmp_path: Path, bundled: Path) -> None:
    (tmp_path / "outcomes.csv").write_text(
        (bundled / "outcomes.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    write_parquet(tmp_path / "stray.parquet", [row(value="x")])
    dataset = loaded(tmp_path)
    assert not isinstance(dataset, str)
    assert len(dataset.outcomes) == len(load_dataset(None).outcomes)


# --- found in review ----------------------------------------------------------------------------


def test_years_no_row_has_are_not_seen(tmp_path: Path) -> None:
    path = tmp_path / "categorical.parquet"
    frame = pd.DataFrame(
        {
            "year": pd.Categorical(["2024", "2024"], categories=["2024", "2026"]),
            "region": ["庆阳市", "环县"],
            "metric": ["disputes_mediated"] * 2,
            "value": [82.0, 3.0],
        }
    )
    frame.to_parquet(path)
    dataset = fast_only(path)
    window = load_dataset(str(path), years=Years(latest=2))
    assert (dataset.years, len(window.outcomes)) == ((2024,), 2)


@pytest.mark.parametrize("kind", [pa.float32(), pa.decimal128(6, 1)])
def test_narrow_and_decimal_numbers_read_as_written_out(tmp_path: Path, kind: pa.DataType) -> None:
    value = 8000.7
    written = decimal.Decimal("8000.7") if pa.types.is_decimal(kind) else value
    rows = [row(metric="losses_recovered", value=written)]
    path = write_parquet(tmp_path / "narrow.parquet", rows, value=kind)
    dataset = loaded(path)
    assert not isinstance(dataset, str)
    assert dataset.outcomes["value"].tolist() == [value]
    assert_same(dataset, exact(path))


def test_every_copy_of_a_figure_is_set_aside_within_and_across_files(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", [row(value="1"), row(value="2")])
    write_parquet(tmp_path / "b.parquet", [row(value="3"), row(region="环县")])
    skipped = loaded(tmp_path, skip_bad_rows=True)
    assert not isinstance(skipped, str)
    assert skipped.outcomes["region"].tolist() == ["环县"]
    first = tmp_path / "a.parquet"
    assert (
        skipped.rejected["problem"]
        .tolist()[0]
        .startswith(f"the same figure twice (row 1, row 2, {tmp_path / 'b.parquet'} row 1)")
    )
    assert loaded(first) == (
        f"{first}:2: the same figure twice (first at row 1); found "
        '"2024 / 庆阳市 / disputes_mediated"; expected one row per year, region, entity, '
        "metric, period"
    )


def test_a_set_aside_row_is_quoted_whole_with_its_line_breaks(tmp_path: Path) -> None:
    rows = [row(source="line one\nline two\x1c"), row(region="环县", value="x")]
    path = write_parquet(tmp_path / "breaks.parquet", rows)
    skipped = loaded(path, skip_bad_rows=True)
    assert not isinstance(skipped, str)
    assert skipped.rejected[["line", "row"]].values.tolist() == [
        [2, "2024,环县,disputes_mediated,x,,"]
    ]


def test_text_that_is_not_utf8_stops_the_load_with_its_row(tmp_path: Path) -> None:
    regions = pa.array(["庆阳市".encode(), "环县".encode("gbk")], type=pa.binary())
    table = pa.table(
        {
            "year": ["2024", "2024"],
            "region": regions.cast(pa.string(), safe=False),
            "metric": ["disputes_mediated"] * 2,
            "value": ["1", "2"],
        }
    )
    path = tmp_path / "gbk.parquet"
    pq.write_table(table, path)
    message = (
        f'{path}:2: column "region": text that is not UTF-8; expected UTF-8, as Parquet keeps text'
    )
    for options in ({}, {"skip_bad_rows": True}):
        assert loaded(path, **options) == message
    # Rows read by number (as in a file changed since its scan) are named so too.
    with pytest.raises(LaborstatsError) as raised:
        dataset._parquet_text(path, ["region"], keep_raw=False, rows=np.array([2]))
    assert str(raised.value) == message


@BOUNDED
@given(wanted=st.sets(st.integers(1, 13)), group=st.integers(1, 6), batch=st.integers(1, 4))
def test_rows_read_by_number_are_those_rows(
    tmp_path_factory: pytest.TempPathFactory, wanted: set[int], group: int, batch: int
) -> None:
    path = tmp_path_factory.mktemp("rows") / "a.parquet"
    table = pa.table({"region": [f"r{at}" for at in range(1, 14)], "value": list(range(1, 14))})
    pq.write_table(table, path, row_group_size=group)
    rows = np.array(sorted(wanted), dtype=np.int64)
    with mock.patch.object(dataset, "_TEXT_ROWS", batch):
        frame = dataset._parquet_text(path, ["value", "region"], keep_raw=True, rows=rows)
    whole = dataset._parquet_text(path, ["value", "region"], keep_raw=True)
    expected = whole[whole["line"].isin(rows)].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected)
    assert frame["region"].tolist() == [f"r{at}" for at in sorted(wanted)]


def test_parquet_changed_since_its_scan_is_left_to_the_exact_reader(tmp_path: Path) -> None:
    regions = pa.array(["庆阳市".encode(), "环县".encode("gbk")], type=pa.binary())
    path = tmp_path / "gbk.parquet"
    pq.write_table(pa.table({"region": regions.cast(pa.string(), safe=False)}), path)
    repeats = columnar.ParquetRepeats([path], ["region"], np.zeros(1, dtype=np.uint64))
    assert columnar.repeated_parquet_rows(repeats) is None  # text not UTF-8
    path.write_bytes(b"not Parquet any more")
    assert columnar.repeated_parquet_rows(repeats) is None


def test_a_folder_takes_parquet_files_whatever_the_case_of_their_suffix(tmp_path: Path) -> None:
    write_parquet(tmp_path / "a.parquet", [row(year="2024")])
    write_parquet(tmp_path / "B.PARQUET", [row(year="2023")])
    dataset = loaded(tmp_path)
    assert not isinstance(dataset, str)
    assert dataset.years == (2023, 2024)


def test_a_folder_leaves_out_the_parquet_files_of_its_hidden_folders(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write_parquet(tmp_path / "data" / "a.parquet", [row(year="2024")])
    (tmp_path / ".venv" / "tests").mkdir(parents=True)  # pyarrow's test files, say
    (tmp_path / ".venv" / "tests" / "v0.7.1.parquet").write_bytes(b"PAR1 not ours")
    dataset = loaded(tmp_path)
    assert not isinstance(dataset, str)
    assert dataset.years == (2024,)


def test_a_copy_made_setting_rows_aside_loads_cleanly_and_ignores_encoding(
    runner: CliRunner, tmp_path: Path, bundled: Path
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("outcomes.csv", "metrics.csv"):
        (source / name).write_text((bundled / name).read_text(encoding="utf-8"), encoding="utf-8")
    with (source / "metrics.csv").open("a", encoding="utf-8") as metrics:
        metrics.write("broken,skills,Broken,坏,person,count,sideways,,\n")
    target = tmp_path / "copy.parquet"
    assert "1 bad row set aside" in convert(runner, str(source), target, "--skip-bad-rows")
    plain = runner.invoke(app, ["summary", "-f", "csv", "--data", str(target)])
    assert plain.exit_code == 0, plain.stderr
    assert "set aside" not in plain.stderr
    other = runner.invoke(app, ["summary", "-f", "csv", "-d", str(target), "-e", "latin-1"])
    assert other.stdout == plain.stdout
