"""Loading datasets: the bundled data, encodings, and every loader error."""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from laborstats import encoding
from laborstats.dataset import load_dataset
from laborstats.errors import (
    DataEncodingError,
    DataFormatError,
    DataSourceError,
    DataValueError,
    LaborstatsError,
)
from laborstats.render import is_missing
from laborstats.schema import TABLES
from tests.conftest import OUTCOMES_HEADER, WriteFile

REPORT = Path(__file__).parent / "fixtures" / "qingyang_2024_report.txt"
SPAM = ("杨方配资", "万隆优配", "配资", "不代表本站观点")
MakeOutcomes = Callable[[str], Path]


# --- the bundled dataset -----------------------------------------------------------------


def test_bundled_dataset_loads_every_table(bundled: Path) -> None:
    dataset = load_dataset()
    assert dataset.title == "Qingyang trade-union programme outcomes, 2024"
    assert dataset.location == "bundled dataset"
    assert dataset.studios is not None
    assert len(dataset.studios) == 4
    assert (dataset.outcomes["basis"] == "reported").sum() == 53
    defined = dataset.metrics.set_index("metric")["formula"]
    assert set(dataset.outcomes["metric"]) == set(defined[defined == ""].index)


def test_no_injected_spam_anywhere_in_the_data(bundled: Path) -> None:
    for path in (path for path in bundled.rglob("*") if path.is_file()):
        text = path.read_text(encoding="utf-8")
        for token in SPAM:
            assert token not in text, f"{token} in {path.name}"


def test_every_reported_figure_quotes_the_report() -> None:
    report = REPORT.read_text(encoding="utf-8")
    outcomes = load_dataset().outcomes
    reported = outcomes[outcomes["basis"] == "reported"]
    missing = [quote for quote in reported["source"] if quote not in report]
    assert missing == []


def test_values_are_in_base_units() -> None:
    outcomes = load_dataset().outcomes.set_index("metric")
    assert outcomes.loc["study_grant_amount", "value"] == 4_545_000
    assert outcomes.loc["losses_recovered", "value"] == 393_600
    assert outcomes.loc["economic_benefit", "value"] == 80_000_000
    assert outcomes.loc["economic_benefit", "qualifier"] == "at_least"
    assert outcomes.loc["competition_trades", "qualifier"] == "approx"
    assert outcomes.loc["hazard_report_reward", "qualifier"] == "at_most"


def test_the_report_figures_are_all_reported_and_the_flow_is_declared() -> None:
    dataset = load_dataset()
    assert set(dataset.outcomes["basis"]) == {"reported"}
    flows = dataset.metrics.set_index("metric")["flow_of"]
    assert flows[flows != ""].to_dict() == {"skilled_talents_new": "skilled_talents_total"}


def test_datapackage_describes_the_tables_the_loader_reads(bundled: Path) -> None:
    package = json.loads((bundled / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in package["resources"]}
    for table in TABLES:
        fields = resources[table.name]["schema"]["fields"]
        assert resources[table.name]["path"] == table.path
        assert [field["name"] for field in fields] == [column.name for column in table.columns]
        for field, column in zip(fields, table.columns, strict=True):
            assert field["type"] == column.type
            constraints = field.get("constraints", {})
            assert constraints.get("required", False) == column.required, column.name
            assert tuple(constraints.get("enum", ())) == column.enum, column.name
    assert package["sources"]


def test_studio_figures_keep_their_qualifiers() -> None:
    studios = load_dataset().studios
    assert studios is not None
    gong = studios.set_index("studio").loc["巩怀华劳模创新工作室"]
    assert gong["economic_benefit"] == 80_000_000
    assert gong["economic_benefit_qualifier"] == "at_least"
    assert gong["benefit_years"] == 5
    assert gong["standard_coal_saved"] == 12_000
    assert is_missing(gong["annual_savings"])


# --- where data comes from ---------------------------------------------------------------


def test_loads_a_single_outcomes_file_with_the_bundled_dictionary(
    outcomes_csv: MakeOutcomes,
) -> None:
    path = outcomes_csv("2024,庆阳市,,,disputes_mediated,82,,2024,,quote\n")
    dataset = load_dataset(str(path))
    row = dataset.outcomes.iloc[0]
    assert (row["programme"], row["value"], row["qualifier"], row["basis"]) == (
        "rights",
        82,
        "exact",
        "reported",
    )
    assert dataset.title == "outcomes.csv"


def test_loads_outcomes_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = OUTCOMES_HEADER + "\n2024,庆阳市,,,disputes_mediated,82,,2024,,quote\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("gb18030"))))
    dataset = load_dataset("-")
    assert dataset.outcomes["region"].tolist() == ["庆阳市"]
    assert dataset.location == "standard input"


def test_a_folder_uses_its_own_metric_dictionary(write_file: WriteFile) -> None:
    write_file(
        "metrics.csv",
        "metric,programme,label_en,label_zh,unit,kind,direction\n"
        "members,unions,Members,会员,person,count,higher\n",
    )
    path = write_file("outcomes.csv", "year,region,metric,value\n2024,A,members,12万\n")
    dataset = load_dataset(str(path.parent))
    assert dataset.outcomes[["programme", "value"]].values.tolist() == [["unions", 120_000]]
    assert dataset.title == path.parent.name


def test_missing_path_is_a_source_error() -> None:
    with pytest.raises(DataSourceError) as caught:
        load_dataset("/no/such/dir")
    assert str(caught.value) == (
        "/no/such/dir: no such file or folder; "
        "expected a dataset folder, an outcomes CSV or Parquet file, or - for standard input"
    )


def test_folder_without_outcomes(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="the dataset folder has no outcomes table"):
        load_dataset(str(tmp_path))


def test_broken_datapackage_names_its_line(write_file: WriteFile) -> None:
    write_file("outcomes.csv", "year,region,metric,value\n")
    path = write_file("datapackage.json", '{\n  "title": "x",\n  oops\n}')
    with pytest.raises(DataFormatError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value).startswith(f"{path}:3: invalid JSON")


# --- encodings ---------------------------------------------------------------------------

ROWS = "2024,庆阳市,司机之家,,frontline_workers_served,1.4万,,2024,,全年为1.4万名一线职工开展服务\n"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("utf-16", b"")],
    ids=["utf-8", "utf-8-bom", "gb18030", "utf-16-bom"],
)
def test_reads_each_encoding_alike(write_file: WriteFile, encoding: str, prefix: bytes) -> None:
    raw = prefix + (OUTCOMES_HEADER + "\n" + ROWS).encode(encoding)
    dataset = load_dataset(str(write_file("outcomes.csv", raw)))
    row = dataset.outcomes.iloc[0]
    assert list(dataset.outcomes.columns[:2]) == ["year", "region"]
    assert (row["entity"], row["value"], row["source"]) == (
        "司机之家",
        14_000,
        "全年为1.4万名一线职工开展服务",
    )


@pytest.mark.parametrize("name", sorted(encoding._LINE_FEEDS_APART))
def test_files_cut_at_line_feeds_are_in_encodings_with_no_other_line_feed_byte(
    name: str,
) -> None:
    # Every character of the BMP, and one in 97 beyond; a line feed is one byte, 0A.
    points = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 97)]
    assert encoding.cut_at_line_feeds(name)
    codec = codecs.lookup(name).incrementalencoder()  # (utf-8-sig: a BOM, only first)
    codec.encode("")
    assert codec.encode("\n") == b"\n"
    for point in points:
        try:
            written = codec.encode(chr(point))
        except UnicodeEncodeError:
            continue
        assert point == 10 or b"\n" not in written, hex(point)


@pytest.mark.parametrize("name", ["utf-16", "utf-32-le", "cp037", "utf_7"])
def test_other_encodings_are_not_cut_at_line_feeds(name: str) -> None:
    assert not encoding.cut_at_line_feeds(name)


def test_undecodable_bytes_name_the_line(write_file: WriteFile) -> None:
    raw = (OUTCOMES_HEADER + "\n" + ROWS).encode() + b"2024,\xff\xfe\xfa,,,x,1,,,,\n"
    path = write_file("outcomes.csv", raw)
    with pytest.raises(DataEncodingError) as caught:
        load_dataset(str(path))
    assert str(caught.value) == (
        f"{path}:3: bytes ff fe fa 2c are not valid text; expected UTF-8 or GB18030 text"
    )


# --- every loader error names file, line and column --------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "2024,庆阳市,,,disputes_mediated,82x,,2024,,q\n",
            ':2: column "value": not a figure; found "82x"; expected a number such as',
        ),
        (
            "2024,庆阳市,,,disputes_mediatd,82,,2024,,q\n",
            ':2: column "metric": unknown metric; found "disputes_mediatd"; '
            'expected a metric defined in metrics.csv (did you mean "disputes_mediated"?)',
        ),
        (
            "20x4,庆阳市,,,disputes_mediated,82,,2024,,q\n",
            ':2: column "year": not a year; found "20x4"; expected a year such as 2024',
        ),
        (
            "2024,庆阳市,,,disputes_mediated,近82,exact,2024,,q\n",
            ':2: column "qualifier": contradicts the value; found "exact"',
        ),
        (
            "2024,庆阳市,,,disputes_mediated,82,maybe,2024,,q\n",
            ':2: column "qualifier": unknown value; found "maybe"; '
            "expected one of exact, approx, at_least, at_most",
        ),
        (
            "2024,庆阳市,,,disputes_mediated,82,,2023,,q\n",
            ':2: column "period": unknown period; found "2023"',
        ),
        (
            "2024,庆阳市,,,disputes_mediated,82,,weekly,,q\n",
            ':2: column "period": unknown period; found "weekly"',
        ),
        (
            "2024,庆阳市,,safety,disputes_mediated,82,,2024,,q\n",
            ':2: column "programme": disagrees with metrics.csv; found "safety"',
        ),
        (
            "2024,庆阳市,,,disputes_mediated,82,,2024,,q\n2024,庆阳市,,,disputes_mediated,83,,2024,,q\n",
            ":3: the same figure twice (first at line 2); found "
            '"2024 / 庆阳市 / disputes_mediated / 2024"',
        ),
        (
            "2024,庆阳市,,,disputes_mediated,82,,2024,,q\n2024,庆阳市,,,disputes_mediated\n",
            ":3: 5 fields; expected 10 fields, as in the header",
        ),
        (
            '2024,庆阳市,,,disputes_mediated,82,,2024,,"unclosed\n',
            ":2: malformed CSV: unexpected end of data",
        ),
        (
            ",庆阳市,,,disputes_mediated,82,,2024,,q\n",
            ':2: column "year": not a year; found ""',
        ),
        (
            "2024,,,,disputes_mediated,82,,2024,,q\n",
            ':2: column "region": empty cell; found ""; expected a value',
        ),
    ],
    ids=[
        "bad-value",
        "unknown-metric",
        "bad-year",
        "qualifier-contradiction",
        "unknown-qualifier",
        "period-of-another-year",
        "unknown-period",
        "programme-disagrees",
        "duplicate-figure",
        "short-row",
        "unclosed-quote",
        "blank-year",
        "blank-region",
    ],
)
def test_bad_rows_are_reported_with_file_line_and_column(
    outcomes_csv: MakeOutcomes, rows: str, message: str
) -> None:
    path = outcomes_csv(rows)
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path))
    assert str(caught.value).startswith(str(path) + message)
    assert "\n" not in str(caught.value)


# A bad row of each kind the checks find, one check after another: a record that is not
# a row, a cell of its own, a key given before (line 2's), and against metrics.csv.
_BAD_ROWS = {
    "short-row": "2024,{region},,,disputes_mediated",
    "bad-year": "20x4,{region},,,disputes_mediated,82,,2024,,q",
    "copy": "2024,庆阳市,,,disputes_mediated,82,,2024,,q",
    "programme-disagrees": "2024,{region},,skills,disputes_mediated,1,,2024,,q",
    "below-zero": "2024,{region},,,disputes_mediated,-1,,2024,,q",
}


@pytest.mark.parametrize("reader", ["file", "stdin"])
@pytest.mark.parametrize(
    ("first", "then"),
    [(first, then) for first in _BAD_ROWS for then in _BAD_ROWS if first != then],
)
def test_the_first_bad_row_in_the_file_stops_the_load(
    outcomes_csv: MakeOutcomes, monkeypatch: pytest.MonkeyPatch, reader: str, first: str, then: str
) -> None:
    # Whichever check finds each, and whichever reader reads the file (the fast path
    # reads a file on disk; standard input, the exact reader).
    rows = [
        "2024,庆阳市,,,disputes_mediated,82,,2024,,q",
        _BAD_ROWS[first].format(region="甲"),
        "2024,乙,,,disputes_mediated,3,,2024,,q",
        _BAD_ROWS[then].format(region="丙"),
    ]
    path = outcomes_csv("\n".join(rows) + "\n")
    if reader == "stdin":
        raw = io.BytesIO(path.read_bytes())
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path) if reader == "file" else "-")
    assert caught.value.line == 3


def test_a_formula_may_name_a_metric_defined_after_a_bad_row(write_file: WriteFile) -> None:
    # The first bad row is the short one, not the formula: what it names is defined.
    path = write_file(
        "metrics.csv",
        METRICS_HEADER
        + "ratio,unions,Ratio,比率,percent,ratio,higher,members / staff\n"
        + "broken,unions\n"
        + "members,unions,Members,会员,person,count,higher,\n"
        + "staff,unions,Staff,职工,person,count,higher,\n",
    )
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,members,12\n")
    with pytest.raises(DataFormatError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value).startswith(f"{path}:3: 2 fields")


def test_line_numbers_count_as_an_editor_does(outcomes_csv: MakeOutcomes) -> None:
    rows = (
        '2024,庆阳市,,,disputes_mediated,82,,2024,,"a quote\nover two lines"\n'
        "\n"
        "2024,庆阳市,,,losses_recovered,39.36万,,2024,,q\n"
        "2024,庆阳市,,,study_grant_amount,lots,,2024,,q\n"
    )
    path = outcomes_csv(rows)
    with pytest.raises(DataValueError) as caught:
        load_dataset(str(path))
    assert caught.value.line == 6
    assert caught.value.column == "value"


def test_crlf_files_load(write_file: WriteFile) -> None:
    text = OUTCOMES_HEADER + "\r\n" + ROWS.replace("\n", "\r\n")
    dataset = load_dataset(str(write_file("outcomes.csv", text)))
    assert dataset.outcomes["source"].tolist() == ["全年为1.4万名一线职工开展服务"]
    assert dataset.outcomes["line"].tolist() == [2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ": the file is empty; expected a header row"),
        ("\n\n", ": the file is empty; expected a header row"),
        ("year,region,value\n", ":1: the header lacks metric; expected the outcomes columns"),
        ("year,region,metric,value,year\n", ':1: column "year": duplicate column name'),
        ("year,region,,metric,value\n", ":1: header field 3 is blank; expected a column name"),
    ],
    ids=["empty", "blank-lines-only", "missing-column", "duplicate-header", "blank-header"],
)
def test_bad_headers_are_reported(write_file: WriteFile, text: str, message: str) -> None:
    path = write_file("outcomes.csv", text)
    with pytest.raises(DataFormatError) as caught:
        load_dataset(str(path))
    assert str(caught.value).startswith(str(path) + message)


PROVENANCE_HEADER = OUTCOMES_HEADER + ",written,unit_written,offset,confidence"


def test_provenance_columns_are_kept_as_written(write_file: WriteFile) -> None:
    rows = [
        "2024,庆阳市,,,skilled_talents_new,21000,,2024,,全年新增技能人才2.1万人,2.1万人,人,683,0.95",
        "2024,庆阳市,,,skilled_talents_total,152400,,2024,,总量达15.24万人,,,,",
    ]
    path = write_file("outcomes.csv", PROVENANCE_HEADER + "\n" + "\n".join(rows) + "\n")
    outcomes = load_dataset(str(path)).outcomes
    assert outcomes[["written", "unit_written", "offset", "confidence"]].values.tolist() == [
        ["2.1万人", "人", "683", "0.95"],
        ["", "", "", ""],
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (",,-3,", ':2: column "offset": not an offset; found "-3"; expected a whole number'),
        (",,12.5,", ':2: column "offset": not an offset; found "12.5"'),
        (",,,1.5", ':2: column "confidence": not a confidence; found "1.5"; expected a number'),
        (",,,high", ':2: column "confidence": not a confidence; found "high"'),
    ],
)
def test_bad_provenance_is_reported(write_file: WriteFile, cells: str, message: str) -> None:
    row = "2024,庆阳市,,,skilled_talents_new,21000,,2024,,quote," + cells
    path = write_file("outcomes.csv", PROVENANCE_HEADER + "\n" + row + "\n")
    with pytest.raises(DataValueError) as caught:
        load_dataset(str(path))
    assert str(caught.value).startswith(str(path) + message)


def test_the_folder_named_dot_is_titled_by_its_name(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file("sent/outcomes.csv", OUTCOMES_HEADER + "\n")
    monkeypatch.chdir(path.parent)
    assert load_dataset(".").title == "sent"  # was blank: Path(".").name is ""
    (path.parent.parent / "latest").symlink_to(path.parent)
    assert load_dataset("../latest").title == "latest"  # the name given, not the target's


def test_a_data_package_file_names_its_folder(bundled: Path) -> None:
    dataset = load_dataset(str(bundled / "datapackage.json"))
    assert (dataset.title, dataset.location) == (load_dataset().title, str(bundled))


def test_header_only_file_loads_empty(write_file: WriteFile) -> None:
    dataset = load_dataset(str(write_file("outcomes.csv", OUTCOMES_HEADER + "\n")))
    assert dataset.outcomes.empty


def test_bad_studio_figure_names_its_column(bundled: Path, write_file: WriteFile) -> None:
    for name in ("outcomes.csv", "metrics.csv"):
        write_file(f"copy/{name}", (bundled / name).read_bytes())
    studios = (bundled / "studios.csv").read_text(encoding="utf-8")
    path = write_file("copy/studios.csv", studios.replace("560万", "560万x"))
    with pytest.raises(DataValueError) as caught:
        load_dataset(str(path.parent))
    assert re.match(
        rf'{re.escape(str(path))}:2: column "annual_savings": not a figure', str(caught.value)
    )


@pytest.mark.parametrize(
    ("count", "message"), [("-3", "a count below zero"), ("2.5", "a count not whole")]
)
def test_a_studio_count_below_zero_or_not_whole_is_refused(
    bundled: Path, write_file: WriteFile, count: str, message: str
) -> None:
    for name in ("outcomes.csv", "metrics.csv"):
        write_file(f"copy/{name}", (bundled / name).read_bytes())
    studios = (bundled / "studios.csv").read_text(encoding="utf-8")
    path = write_file("copy/studios.csv", studios.replace(",2,2,30余,5,", f",2,2,30余,{count},"))
    with pytest.raises(DataValueError) as caught:  # they ranked first in studios --sort
        load_dataset(str(path.parent))
    assert str(caught.value) == (
        f'{path}:2: column "invention_patents": {message}; found "{count}";'
        " expected a whole number, zero or more"
    )
    money = studios.replace(",20万,", ",-20万,")  # an amount is no count
    write_file("copy/studios.csv", money)
    loaded = load_dataset(str(path.parent)).studios
    assert loaded is not None
    assert loaded["research_funding"].iloc[0] == -200_000


# --- formulas in metrics.csv -------------------------------------------------------------

METRICS_HEADER = "metric,programme,label_en,label_zh,unit,kind,direction,formula\n"


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        (
            "\"__import__('os').system('id')\"",
            ':3: column "formula": a function call is not allowed; found "__import__',
        ),
        ("members.__class__", ':3: column "formula": attribute access (.__class__) is not allowed'),
        ("members ** 99", ':3: column "formula": the operator ** is not allowed'),
        ("members / staff", ':3: column "formula": unknown metric staff; found "members / staff"'),
        ("ratio * 2", ':3: column "formula": metrics defined through each other: ratio → ratio'),
    ],
    ids=["call", "dunder-attribute", "power", "unknown-metric", "cycle"],
)
def test_formulas_are_checked_when_loading(
    write_file: WriteFile, formula: str, message: str
) -> None:
    path = write_file(
        "metrics.csv",
        METRICS_HEADER
        + "members,unions,Members,会员,person,count,higher,\n"
        + f"ratio,unions,Ratio,比率,percent,ratio,higher,{formula}\n",
    )
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,members,12\n")
    with pytest.raises(DataValueError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value).startswith(str(path) + message)


@pytest.mark.parametrize(
    ("flow_of", "message"),
    [
        ("staff", ':3: column "flow_of": unknown metric; found "staff"; expected a metric'),
        ("joined", ':3: column "flow_of": a flow of itself; found "joined"; expected another'),
        ("rate", ':3: column "flow_of": a stock in another unit; found "rate"; expected a stock'),
    ],
    ids=["unknown", "itself", "unit"],
)
def test_flows_are_checked_when_loading(write_file: WriteFile, flow_of: str, message: str) -> None:
    path = write_file(
        "metrics.csv",
        METRICS_HEADER.replace("\n", ",flow_of\n")
        + "members,unions,Members,会员,person,count,higher,,\n"
        + f"joined,unions,Joined,新会员,person,count,higher,,{flow_of}\n"
        + "rate,unions,Rate,比率,percent,rate,higher,,\n",
    )
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,members,12\n")
    with pytest.raises(DataValueError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value).startswith(str(path) + message)


def test_utf32_with_bom(write_file: WriteFile) -> None:
    raw = (OUTCOMES_HEADER + "\n" + ROWS).encode("utf-32")
    dataset = load_dataset(str(write_file("outcomes.csv", raw)))
    assert dataset.outcomes["entity"].tolist() == ["司机之家"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "year,region,metric,value,qualifer\n2024,A,disputes_mediated,82,at_least\n",
            ':1: column "qualifer": unknown column; expected "qualifier"',
        ),
        (
            "year,region,metric,value\n2024,A,disputes_mediated,\n",
            ':2: column "value": no figure; found ""; expected a figure for every row',
        ),
        (
            "year,region,metric,value\n2024,A,disputes_mediated,12%\n",
            ':2: column "value": a percentage for a metric that is not counted in percent',
        ),
        (
            "year,region,metric,value\n1e20,A,disputes_mediated,12\n",
            ':2: column "year": not a year; found "1e20"',
        ),
        (
            "\n\nyear,region,metric\n",
            ":3: the header lacks value",
        ),
    ],
    ids=["misspelt-column", "blank-value", "percent-for-a-count", "huge-year", "header-line"],
)
def test_silent_misreadings_are_refused(write_file: WriteFile, text: str, message: str) -> None:
    path = write_file("outcomes.csv", text)
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path))
    assert str(caught.value).startswith(str(path) + message)


@pytest.mark.parametrize(
    ("package", "message"),
    [
        ('{"sources": 5}', '"sources" is not a list of objects'),
        ('{"resources": null}', '"resources" is not a list; expected a list'),
        (
            '{"resources": [{"name": "outcomes", "path": ["a.csv", "b.csv"]}]}',
            'the outcomes resource has no single path; expected "path": "file.csv"',
        ),
        (
            '{"resources": [{"name": "metrics", "path": "gone.csv"}]}',
            'the metrics resource names a file that does not exist: "gone.csv"',
        ),
    ],
    ids=["sources", "resources", "path-list", "missing-file"],
)
def test_malformed_datapackage(write_file: WriteFile, package: str, message: str) -> None:
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,disputes_mediated,1\n")
    path = write_file("datapackage.json", package)
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value).startswith(f"{path}: {message}")


def test_empty_data_option_means_the_bundled_dataset() -> None:
    assert load_dataset("").location == "bundled dataset"


def test_the_name_kept_for_totals_is_refused_as_a_region(write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", "year,region,metric,value\n2024,all,disputes_mediated,3\n")
    with pytest.raises(DataValueError) as caught:
        load_dataset(str(path))
    assert str(caught.value) == (
        f'{path}:2: column "region": a name laborstats keeps for totals over regions; '
        'found "all"; expected another name for the region'
    )


# --- --skip-bad-rows: bad rows set aside, verbatim, never lost ---------------------------


def test_bad_rows_are_set_aside_with_line_reason_and_text(outcomes_csv: MakeOutcomes) -> None:
    rows = (
        "2024,庆阳市,,,disputes_mediated,82,,2024,,q\n"
        '2024,庆阳市,,,losses_recovered,lots,,2024,,"a quote\nover two lines"\n'
        "2024,庆阳市,,,disputes_mediated\n"
        "2024,兰州市,,,disputes_mediated,-3,,2024,,q\n"
        "2024,庆阳市,,,study_grant_amount,5万,,2024,,q\n"
    )
    path = outcomes_csv(rows)
    dataset = load_dataset(str(path), skip_bad_rows=True)
    assert dataset.outcomes["line"].tolist() == [2, 7]
    assert dataset.outcomes["value"].tolist() == [82, 50_000]
    rejected = dataset.rejected
    assert rejected["line"].tolist() == [3, 5, 6]
    assert rejected["row"].tolist() == [
        '2024,庆阳市,,,losses_recovered,lots,,2024,,"a quote\nover two lines"',
        "2024,庆阳市,,,disputes_mediated",
        "2024,兰州市,,,disputes_mediated,-3,,2024,,q",
    ]
    assert rejected["problem"].tolist()[1:] == [
        "5 fields; expected 10 fields, as in the header",
        "a count below zero; found -3",
    ]
    assert rejected["problem"][0].startswith('not a figure; found "lots"')
    assert rejected[["column", "check"]].values.tolist() == [
        ["value", "load"],
        ["", "load"],
        ["value", "negative_count"],
    ]
    assert set(rejected["file"]) == {str(path)}


def test_a_figure_given_twice_sets_aside_both(outcomes_csv: MakeOutcomes) -> None:
    rows = (
        "2024,庆阳市,,,disputes_mediated,82,,2024,,q\n"
        "2024,庆阳市,,,losses_recovered,5万,,2024,,q\n"
        "2024,庆阳市,,,disputes_mediated,83,,2024,,q\n"
    )
    dataset = load_dataset(str(outcomes_csv(rows)), skip_bad_rows=True)
    assert dataset.outcomes["metric"].tolist() == ["losses_recovered"]
    assert dataset.rejected["line"].tolist() == [2, 4]
    assert (
        dataset.rejected["problem"].tolist()
        == [
            'the same figure twice (lines 2, 4); found "2024 / 庆阳市 / disputes_mediated / 2024"; '
            "expected one row per year, region, entity, metric, period"
        ]
        * 2
    )


def test_each_unknown_metric_gets_its_own_suggestion(outcomes_csv: MakeOutcomes) -> None:
    rows = (
        "2024,庆阳市,,,disputes_mediatd,82,,2024,,q\n2024,庆阳市,,,losses_recoverd,5万,,2024,,q\n"
    )
    rejected = load_dataset(str(outcomes_csv(rows)), skip_bad_rows=True).rejected
    assert [problem.split("(did you mean ")[1] for problem in rejected["problem"]] == [
        '"disputes_mediated"?)',
        '"losses_recovered"?)',
    ]


def test_a_bad_metric_definition_sets_aside_its_figures(write_file: WriteFile) -> None:
    write_file(
        "metrics.csv",
        "metric,programme,label_en,label_zh,unit,kind,direction,formula\n"
        "a,skills,A,甲,person,count,higher,\n"
        "b,skills,B,乙,person,count,higher,a.__class__\n",
    )
    path = write_file("outcomes.csv", "year,region,metric,value\n2024,X,a,1\n2024,X,b,2\n")
    dataset = load_dataset(str(path.parent), skip_bad_rows=True)
    assert dataset.metrics["metric"].tolist() == ["a"]
    assert dataset.outcomes["metric"].tolist() == ["a"]
    assert dataset.rejected[["file", "line"]].values.tolist() == [
        [str(path.parent / "metrics.csv"), 3],
        [str(path), 3],
    ]


def test_without_skipping_the_first_bad_row_still_stops(outcomes_csv: MakeOutcomes) -> None:
    path = outcomes_csv(
        "2024,庆阳市,,,disputes_mediated\n2024,兰州市,,,disputes_mediated,-3,,,,q\n"
    )
    with pytest.raises(DataFormatError) as caught:
        load_dataset(str(path))
    assert caught.value.line == 2
    assert load_dataset(str(path), skip_bad_rows=True).outcomes.empty
