"""Properties over generated input: the loader never fails with anything but a
LaborstatsError, and what laborstats writes as CSV loads again unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborstats import dataset
from laborstats.dataset import load_dataset
from laborstats.encoding import decode
from laborstats.errors import LaborstatsError
from laborstats.render import Lang, OutputFormat, render
from laborstats.stats.outcomes import OUTCOME_COLUMNS, outcome_rows
from laborstats.views import outcomes_view

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells that have tripped CSV readers: quotes, separators, line ends, scale words,
# qualifiers, full-width digits, formula starts, BOMs and NULs.
TRICKY_CELLS = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        ",",
        "\n",
        "\r\n",
        "\r",
        "2024",
        "year",
        "value",
        "disputes_mediated",
        "skilled_talents_total",
        "15.24万",
        "8000余万元",
        "近90",
        "１２３",
        "1,234",
        "1e309",
        "-27%",
        "NaN",
        "—",
        "=1+2",
        "all",
        "\ufeff",
        "\x00",
        "庆阳市",
        "a.__class__",
        "999999999999999999999",
    ]
)
ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "latin-1"]
)


PLAUSIBLE = {
    "year": st.sampled_from(["2023", "2024", "1999", "2099", "2024.0", "+2024"]),
    "region": st.sampled_from(["庆阳市", "西峰区", "all"]),
    "metric": st.sampled_from(
        ["disputes_mediated", "rd_investment_growth", "study_grant_per_child", "unknown"]
    ),
    "value": st.sampled_from(["82", "15.24万", "近90", "-3", "1.5", "120%", "8000余万元"]),
    "qualifier": st.sampled_from(["", "exact", "approx", "at_least"]),
    "period": st.sampled_from(["", "2024", "annual", "3 years"]),
    "entity": st.sampled_from(["", "司机之家"]),
    "programme": st.sampled_from(["", "rights"]),
    "basis": st.sampled_from(["", "reported"]),
    "source": st.text(max_size=20),
}


@st.composite
def csv_like_bytes(draw: st.DrawFn) -> bytes:
    """Text that looks like an outcomes CSV, damaged in generated ways, then encoded."""
    header = draw(
        st.one_of(
            st.just(OUTCOME_COLUMNS),
            st.lists(
                st.sampled_from([*OUTCOME_COLUMNS, "", "qualifer", "x"]), min_size=1, max_size=11
            ),
        )
    )
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, 1, -1]))
        rows.append(
            [
                draw(
                    PLAUSIBLE.get(header[position % len(header)], st.just("q"))
                    if draw(st.integers(0, 19))  # one cell in twenty is hostile
                    else st.one_of(TRICKY_CELLS, st.text(max_size=8))
                )
                for position in range(max(width, 0))
            ]
        )
    lines = [",".join(header), *(",".join(row) for row in rows)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines)
    encoding = draw(ENCODINGS)
    return text.encode(encoding, errors="replace")


@BOUNDED
@given(text=st.text(st.sampled_from('ab,"\r\n'), max_size=40), size=st.integers(1, 8))
def test_text_read_into_lines_a_slice_at_a_time_gives_the_lines_of_a_string_io(
    text: str, size: int
) -> None:
    with mock.patch.object(dataset, "_LINES_SLICE", size):
        assert list(dataset._lines_of(text)) == list(io.StringIO(text, newline=""))


@pytest.mark.parametrize("skip_bad_rows", [False, True], ids=["strict", "skip"])
@BOUNDED
@given(raw=csv_like_bytes())
def test_records_framed_a_few_at_a_time_read_as_all_at_once(
    raw: bytes, skip_bad_rows: bool
) -> None:
    text = raw.decode("utf-8", errors="replace")

    def read(framed: int) -> tuple[pd.DataFrame | str, list[pd.DataFrame]]:
        rejected: list[pd.DataFrame] | None = [] if skip_bad_rows else None
        with mock.patch.object(dataset, "_RECORDS_FRAMED", framed):
            try:
                frame: pd.DataFrame | str = dataset.read_csv_text(text, "x", rejected=rejected)
            except LaborstatsError as error:
                frame = str(error)
        return frame, rejected or []

    (few, few_rejected), (all_, all_rejected) = read(2), read(1 << 20)
    if isinstance(all_, str):
        assert few == all_
        return
    assert isinstance(few, pd.DataFrame)
    pd.testing.assert_frame_equal(few, all_)
    assert few.attrs == all_.attrs
    assert len(few_rejected) == len(all_rejected)
    for mine, theirs in zip(few_rejected, all_rejected, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


@pytest.mark.parametrize("skip_bad_rows", [False, True], ids=["strict", "skip"])
@BOUNDED
@given(raw=st.one_of(st.binary(max_size=512), csv_like_bytes()))
def test_the_loader_loads_or_says_what_is_wrong(
    tmp_path: Path, raw: bytes, skip_bad_rows: bool
) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(raw)
    try:
        dataset = load_dataset(str(path), skip_bad_rows=skip_bad_rows)
    except LaborstatsError as error:
        message = str(error)
    else:
        message = ""
    if message:
        assert "\n" not in message
        return
    assert set(OUTCOME_COLUMNS) <= set(dataset.outcomes.columns)
    assert dataset.outcomes["value"].notna().all()
    if skip_bad_rows:
        # Nothing lost: every record after the header is kept or set aside, never both.
        kept, rejected = set(dataset.outcomes["line"]), set(dataset.rejected["line"])
        assert not kept & rejected
        assert len(kept) + len(rejected) == _records_after_the_header(decode(raw, "x"))


def _records_after_the_header(text: str) -> int:
    """Records that are not blank, as a lenient CSV reader counts them, less the header."""
    records = csv.reader(io.StringIO(text, newline=""))
    return sum(1 for record in records if "".join(record).strip()) - 1


METRICS = [
    "disputes_mediated",
    "losses_recovered",
    "rd_investment_growth",
    "frontline_workers_served",
]
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc"], blacklist_characters=["\u2028", "\u2029"]
    )
    | st.sampled_from(["\n", "\r", '"', ",", "庆", "阳", "万", "＝"]),
    max_size=30,
)


@st.composite
def outcome_tables(draw: st.DrawFn) -> list[dict[str, str]]:
    """Rows of an outcomes table with distinct keys, full-precision values and any text."""
    keys = draw(
        st.lists(
            st.tuples(
                st.integers(1990, 2025),
                st.sampled_from(["庆阳市", "西峰区", "Zürich", "环县 east"]),
                st.sampled_from(["", "司机之家", "王堃工作室", '"quoted", entity']),
                st.sampled_from(METRICS),
            ),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    rows = []
    for year, region, entity, metric in keys:
        value = draw(
            st.floats(min_value=0, max_value=1e15, allow_nan=False)
            if metric != "rd_investment_growth"
            else st.floats(min_value=-100, max_value=1e6, allow_nan=False)
        )
        if metric in ("disputes_mediated", "frontline_workers_served"):
            value = float(int(value))  # counts are whole
        rows.append(
            {
                "year": str(year),
                "region": region,
                "entity": entity,
                "metric": metric,
                "value": repr(value),
                "qualifier": draw(st.sampled_from(["", "exact", "approx", "at_least", "at_most"])),
                "period": draw(st.sampled_from(["", str(year), "annual", "cumulative", "3 years"])),
                "source": draw(TEXT),
            }
        )
    return rows


@BOUNDED
@given(rows=outcome_tables())
def test_csv_written_by_laborstats_loads_again_unchanged(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    first = tmp_path / "first.csv"
    with first.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    dataset = load_dataset(str(first))
    written = render(
        outcomes_view(outcome_rows(dataset.outcomes, dataset.metrics), dataset, Lang.EN),
        OutputFormat.CSV,
        Lang.EN,
    )
    second = tmp_path / "second.csv"
    second.write_text(written, encoding="utf-8", newline="")
    again = load_dataset(str(second))
    columns = [name for name in OUTCOME_COLUMNS if name != "value"]
    before = dataset.outcomes.sort_values("line").reset_index(drop=True)
    after = again.outcomes.sort_values("line").reset_index(drop=True)
    pd.testing.assert_frame_equal(after[columns], before[columns])
    # To full precision: the very same floats, bit for bit.
    assert after["value"].tolist() == before["value"].tolist()
    assert [float(row["value"]) for row in rows] == before["value"].tolist()


def test_the_round_trip_keeps_a_value_beyond_display_precision(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(
        "year,region,metric,value,source\n2024,庆阳市,losses_recovered,0.30000000000000004,"
        '"引号""与,逗号"\n',
        encoding="utf-8",
    )
    dataset = load_dataset(str(path))
    text = render(
        outcomes_view(outcome_rows(dataset.outcomes, dataset.metrics), dataset, Lang.EN),
        OutputFormat.CSV,
        Lang.EN,
    )
    record = next(csv.DictReader(io.StringIO(text)))
    assert (record["value"], record["source"]) == ("0.30000000000000004", '引号"与,逗号')
