"""The hostile-input suite: what users really feed laborstats, and the exact answer to each.

Every input is generated here, not kept as a binary blob. Each case either
loads with the right values or stops with a message naming the file, the
line and what is wrong; none shows a traceback.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborstats.cli import app
from laborstats.dataset import load_dataset
from laborstats.errors import DataEncodingError, LaborstatsError
from tests.conftest import OUTCOMES_HEADER, WriteFile

HEADER = OUTCOMES_HEADER + "\n"
ROW = "2024,庆阳市,司机之家,,frontline_workers_served,1.4万,,2024,,全年为1.4万名一线职工开展服务\n"
TRADITIONAL = "year,region,metric,value,source\n2024,慶陽市,disputes_mediated,82,勞動爭議調解成功\n"


def load_error(path: Path, encoding: str | None = None) -> str:
    """The message a load stops with, without the file name in front."""
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path), encoding=encoding)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "\n" not in message
    return message.removeprefix(str(path))


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised_by_its_zero_bytes(
    write_file: WriteFile, encoding: str
) -> None:
    path = write_file("outcomes.csv", (HEADER + ROW).encode(encoding))
    assert load_dataset(str(path)).outcomes["entity"].tolist() == ["司机之家"]


def test_a_file_mixing_utf8_and_gb18030_lines_is_refused(write_file: WriteFile) -> None:
    second = "2024,庆阳市,,,disputes_mediated,82,,2024,,调解劳动争议案件82起\n"
    path = write_file("outcomes.csv", (HEADER + ROW).encode() + second.encode("gb18030"))
    assert load_error(path) == (
        ":3: the file mixes encodings: line 2 is UTF-8, this line GB18030; "
        "expected one encoding for the whole file (save it again as UTF-8)"
    )


def test_big5_is_not_misread_as_gb18030(write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", TRADITIONAL.encode("big5"))
    message = load_error(path)
    assert message.startswith(":2: read as GB18030 this gives rare or unassigned characters (")
    assert message.endswith(
        "so the file is likely Big5; expected --encoding with the file's encoding, such as "
        "--encoding big5 (or --encoding gb18030 if it is right)"
    )
    outcomes = load_dataset(str(path), encoding="big5").outcomes
    assert outcomes[["region", "value", "source"]].values.tolist() == [
        ["慶陽市", 82, "勞動爭議調解成功"]
    ]


def test_latin1_is_not_misread_as_gb18030(write_file: WriteFile) -> None:
    text = "year,region,metric,value\n2024,Zürich,disputes_mediated,82\n"
    text += "2024,Genève,disputes_mediated,3\n"
    path = write_file("outcomes.csv", text.encode("latin-1"))
    assert "so the file is likely Latin-1 or Windows-1252" in load_error(path)
    outcomes = load_dataset(str(path), encoding="cp1252").outcomes
    assert outcomes["region"].tolist() == ["Zürich", "Genève"]


def test_a_rare_name_in_gb18030_text_still_loads(write_file: WriteFile) -> None:
    # 堃 is outside GB2312, as names sometimes are; one among common characters is fine.
    rows = ROW + "2024,庆阳市,王堃工作室,,disputes_mediated,82,,2024,,调解劳动争议案件82起\n"
    path = write_file("outcomes.csv", (HEADER + rows).encode("gb18030"))
    assert "王堃工作室" in load_dataset(str(path)).outcomes["entity"].tolist()


def test_the_encoding_a_data_package_names_is_used(write_file: WriteFile) -> None:
    write_file("outcomes.csv", TRADITIONAL.encode("big5"))
    write_file(
        "datapackage.json",
        '{"resources": [{"name": "outcomes", "path": "outcomes.csv", "encoding": "big5"}]}',
    )
    folder = write_file("metrics.csv", "metric\n").parent
    (folder / "metrics.csv").unlink()
    assert load_dataset(str(folder)).outcomes["region"].tolist() == ["慶陽市"]


def test_an_unknown_encoding_in_a_data_package(write_file: WriteFile) -> None:
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,disputes_mediated,1\n")
    path = write_file(
        "datapackage.json",
        '{"resources": [{"name": "outcomes", "path": "outcomes.csv", "encoding": "rot13"}]}',
    )
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value) == (
        f'{path}: the outcomes resource names an unknown encoding; found "rot13"; '
        'expected an encoding such as "utf-8" or "gb18030"'
    )


def test_bytes_invalid_in_the_encoding_asked_for(write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", (HEADER + ROW).encode("gb18030"))
    assert load_error(path, encoding="utf-8").startswith(
        ":2: bytes c7 ec d1 f4 are not valid text; expected utf-8 text"
    )


# --- structure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", ": the file is empty; expected a header row"),
        (b" \r\n\n,,,\n", ": the file is empty; expected a header row"),
        (
            (HEADER + "2024,庆阳市,,,disputes_mediated,82,,2024,,q\x00\n").encode(),
            ":2: a NUL character: this is not a text file, or it is damaged; "
            "expected a CSV text file",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(128, 256)),
            ":3: a NUL character: this is not a text file, or it is damaged; "
            "expected a CSV text file",
        ),
        (
            (HEADER + "2024,庆阳市,,,disputes_mediated,1,234,,2024,,q\n").encode(),
            ":2: 11 fields; expected 10 fields, as in the header (quote a cell that holds a "
            'comma, such as "1,234")',
        ),
        (
            (HEADER + '2024,庆阳市,,,disputes_mediated,82,,2024,,"a "quoted" word"\n').encode(),
            ":2: malformed CSV: ',' expected after '\"'",
        ),
    ],
    ids=["empty", "blank-lines-only", "nul-byte", "binary", "unquoted-comma", "stray-quote"],
)
def test_broken_structure_is_named(write_file: WriteFile, raw: bytes, message: str) -> None:
    assert load_error(write_file("outcomes.csv", raw)) == message


def test_random_bytes_never_pass_for_text(write_file: WriteFile) -> None:
    noise = random.Random(4).randbytes(64 * 1024)
    message = load_error(write_file("outcomes.csv", noise))
    assert "not valid text" in message or "NUL character" in message


def test_trailing_commas_of_a_spreadsheet_export_are_dropped(write_file: WriteFile) -> None:
    other_year = ROW.replace("2024,", "2023,").replace(",2023,,", ",2023,,")
    text = HEADER.replace("\n", ",,\n") + ROW.replace("\n", ",,\n") + other_year
    outcomes = load_dataset(str(write_file("outcomes.csv", text))).outcomes
    assert outcomes["year"].tolist() == [2024, 2023]
    assert outcomes["source"].tolist() == ["全年为1.4万名一线职工开展服务"] * 2


def test_a_cell_beyond_a_trailing_blank_header_is_not_dropped(write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", HEADER.replace("\n", ",\n") + ROW.replace("\n", ",x\n"))
    assert load_error(path).startswith(":2: 11 fields; expected 10 fields")


def test_an_unquoted_thousands_comma_before_a_blank_last_cell_is_a_field_too_many(
    write_file: WriteFile,
) -> None:
    text = "year,region,metric,value,source\n2024,R,losses_recovered,1,234,\n"
    path = write_file("outcomes.csv", text)  # was read as 1, with a source of 234
    assert load_error(path) == (
        ":2: 6 fields; expected 5 fields, as in the header"
        ' (quote a cell that holds a comma, such as "1,234"; if every line ends in a comma,'
        " end the header with one too)"
    )
    header = text.replace("source\n", "source,\n")  # a spreadsheet's: a comma on every line
    assert load_dataset(str(write_file("commas.csv", header))).outcomes["value"].tolist() == [1]


@pytest.mark.parametrize(
    ("name", "kind"), [("o.json", "JSON"), ("o.JSONL", "JSON Lines"), ("o.xlsx", "Excel")]
)
def test_a_format_laborstats_writes_but_does_not_read_is_named(
    write_file: WriteFile, name: str, kind: str
) -> None:
    path = write_file(name, b'[{"year": 2024}]')  # was "column \"[\": unknown column"
    assert load_error(path) == (
        f": {kind} files are not read as data; expected an outcomes CSV or Parquet file"
        " (write one with -f csv, or convert)"
    )


def test_a_year_before_1000_is_no_year(write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", HEADER + ROW.replace("2024,", "0024,", 1))
    assert load_error(path) == (  # 0024 was read as 24, written back as no year
        ':2: column "year": not a year; found "0024"; expected a year such as 2024'
    )


def test_mixed_newlines_count_lines_as_an_editor_does(write_file: WriteFile) -> None:
    rows = "2024,A,,,disputes_mediated,82,,2024,,q\r\n2024,B,,,disputes_mediated,3,,2024,,q\r"
    rows += "2024,C,,,disputes_mediated,lots,,2024,,q\n"
    path = write_file("outcomes.csv", HEADER + rows)
    assert load_error(path).startswith(':4: column "value": not a figure; found "lots"')


def test_a_one_megabyte_cell_loads_whole(write_file: WriteFile) -> None:
    quote = "调解" * (1 << 19)
    path = write_file("outcomes.csv", HEADER + ROW.replace("全年为1.4万名一线职工开展服务", quote))
    assert load_dataset(str(path)).outcomes["source"].tolist() == [quote]


def test_a_million_rows_load_with_their_line_numbers(write_file: WriteFile) -> None:
    count = 1_000_000
    rows = "".join(f"{2000 + i % 25},区{i // 25},disputes_mediated,{i}\n" for i in range(count))
    path = write_file("outcomes.csv", "year,region,metric,value\n" + rows)
    outcomes = load_dataset(str(path)).outcomes
    assert len(outcomes) == count
    assert outcomes["value"].sum() == count * (count - 1) // 2
    last = outcomes.iloc[-1]
    assert (last["line"], last["region"], last["year"]) == (
        count + 1,
        f"区{(count - 1) // 25}",
        2024,
    )


# --- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value", "qualifier"),
    [
        ('"1,234"', 1234, "exact"),
        ("1 234", 1234, "exact"),
        ("1\u00a0234\u00a0567", 1234567, "exact"),
        ("１２３", 123, "exact"),
        ("１，２３４", 1234, "exact"),
        ("15.24万", 152_400, "exact"),
        ("1.2亿", 120_000_000, "exact"),
        ("8000余万元", 80_000_000, "at_least"),
        ("近90", 90, "approx"),
        ("+5", 5, "exact"),
    ],
)
def test_figures_as_people_write_them(
    outcomes_csv: Callable[[str], Path], cell: str, value: float, qualifier: str
) -> None:
    path = outcomes_csv(f"2024,庆阳市,,,disputes_mediated,{cell},,2024,,q\n")
    row = load_dataset(str(path)).outcomes.iloc[0]
    assert (row["value"], row["qualifier"]) == (value, qualifier)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("—", ':2: column "value": no figure; found "—"; expected a figure for every row'),
        ("-", ':2: column "value": no figure; found "-"; expected a figure for every row'),
        ("N/A", ':2: column "value": no figure; found "N/A"; expected a figure for every row'),
        ("不详", ':2: column "value": no figure; found "不详"; expected a figure for every row'),
        ("", ':2: column "value": no figure; found ""; expected a figure for every row'),
        ("NaN", ':2: column "value": no figure; found "NaN"; expected a figure for every row'),
        (
            "-27%",
            ':2: column "value": a percentage for a metric that is not counted in percent; '
            'found "-27%"',
        ),
        ("1e309", ':2: column "value": too large to hold exactly; found "1e309"'),
        ("=1+2", ':2: column "value": not a figure; found "=1+2"'),
        ("@SUM(A1)", ':2: column "value": not a figure; found "@SUM(A1)"'),
        ("1 23", ':2: column "value": not a figure; found "1 23"'),
        ("-3", ':2: column "value": a count below zero; found -3'),
    ],
)
def test_cells_that_are_no_figure_are_never_zero(
    outcomes_csv: Callable[[str], Path], cell: str, message: str
) -> None:
    path = outcomes_csv(f"2024,庆阳市,,,disputes_mediated,{cell},,2024,,q\n")
    assert load_error(path).startswith(message)


def test_missing_studio_figures_stay_missing(write_file: WriteFile) -> None:
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,disputes_mediated,1\n")
    folder = write_file(
        "studios.csv",
        "studio,kind,invention_patents,annual_savings\n甲工作室,innovation_team,—,不详\n",
    ).parent
    studios = load_dataset(str(folder)).studios
    assert studios is not None
    assert studios[["invention_patents", "annual_savings"]].isna().all(axis=None)


def test_a_negative_percentage_is_a_fall_for_a_rate(outcomes_csv: Callable[[str], Path]) -> None:
    path = outcomes_csv("2024,庆阳市,,,rd_investment_growth,-27%,,2024,,q\n")
    row = load_dataset(str(path)).outcomes.iloc[0]
    assert (row["value"], row["qualifier"]) == (-27, "exact")


# --- no traceback, whatever the input ----------------------------------------------------

SUITE = {
    "empty": b"",
    "nul": (HEADER + ROW.replace("全年", "全\x00年")).encode(),
    "binary": bytes(range(256)) * 4,
    "big5": TRADITIONAL.encode("big5"),
    "mixed": (HEADER + ROW).encode() + ROW.encode("gb18030"),
    "ragged": (HEADER + "2024,庆阳市\n").encode(),
    "unclosed-quote": (HEADER + '2024,庆阳市,,,x,1,,2024,,"open\n').encode(),
    "bad-values": (HEADER + ROW.replace("1.4万", "1e309") + ROW.replace("1.4万", "-3")).encode(),
    "header-only": HEADER.encode(),
    "year-spelt-twice": (HEADER + ROW + ROW.replace("2024,", "2024.0,", 1)).encode(),
    "cr-only": (HEADER + ROW + ROW.replace("2024", "2023")).replace("\n", "\r").encode(),
}
COMMANDS = [
    ["summary"],
    ["metrics"],
    ["growth"],
    ["compare", "2023", "2024"],
    ["studios"],
    ["outcomes"],
    ["check"],
    ["report"],
    [
        "extract",
        str(Path(__file__).parent / "fixtures" / "qingyang_2024_report_scraped.txt"),
        "--year",
        "2024",
        "--region",
        "庆阳市",
    ],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda args: args[0])
@pytest.mark.parametrize("name", sorted(SUITE))
def test_no_command_shows_a_traceback(
    runner: CliRunner, write_file: WriteFile, name: str, command: list[str]
) -> None:
    path = write_file("outcomes.csv", SUITE[name])
    machine = "markdown" if command == ["report"] else "csv"
    result = runner.invoke(app, [*command, "-d", str(path), "-f", machine])
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "internal error" not in result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith(("Error: ", "Note: ")) or command == ["check"]


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["summary"], ["[bold]x"]),
        (["growth"], ["[bold]x"]),
        (["compare", "2023", "2024"], ["[bold]x"]),
        (["outcomes"], ["a[/]b", "[bold]x", ":fire:"]),
        (["check"], []),
    ],
    ids=["summary", "growth", "compare", "outcomes", "check"],
)
def test_names_that_look_like_rich_markup_are_shown_as_written(
    runner: CliRunner, write_file: WriteFile, command: list[str], shown: list[str]
) -> None:
    row = ROW.replace("庆阳市", "a[/]b").replace("司机之家", "[bold]x").replace("全年", ":fire:")
    path = write_file("outcomes.csv", (HEADER + row + row.replace("2024", "2023")).encode())
    result = runner.invoke(app, [*command, "-d", str(path), "-f", "table"])
    assert (result.exit_code, result.exception) == (0, None), result.stderr  # a[/]b crashed
    assert [text for text in shown if text in result.stdout] == shown


def test_debug_shows_the_traceback_when_asked(runner: CliRunner, write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", SUITE["big5"])
    result = runner.invoke(app, ["summary", "-d", str(path), "--debug"])
    assert isinstance(result.exception, DataEncodingError)


def test_a_bom_is_read_whatever_encoding_is_asked(write_file: WriteFile) -> None:
    path = write_file("outcomes.csv", codecs.BOM_UTF8 + (HEADER + ROW).encode())
    assert load_dataset(str(path), encoding="utf-8").outcomes.columns[0] == "year"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "studios.csv",
            "studio,kind\n,innovation_team\n",
            ':2: column "studio": empty cell; found ""; expected a value',
        ),
        (
            "metrics.csv",
            "metric,programme,label_en,label_zh,unit,kind,direction\n"
            "a,skills,A,甲,people,count,higher\n",
            ':2: column "unit": unknown value; found "people"; expected one of person, yuan,',
        ),
    ],
    ids=["studio-without-a-name", "unknown-unit"],
)
def test_other_tables_name_their_bad_rows(
    write_file: WriteFile, name: str, text: str, message: str
) -> None:
    write_file("outcomes.csv", "year,region,metric,value\n2024,A,disputes_mediated,1\n")
    path = write_file(name, text)
    with pytest.raises(LaborstatsError) as caught:
        load_dataset(str(path.parent))
    assert str(caught.value).startswith(str(path) + message)


# --- found by review: spellings that hide a duplicate, positions, small files ------------


@pytest.mark.parametrize("year", ["2024.0", "+2024", "2.024e3", " 2024x", "２０２４"])
def test_a_year_is_four_digits_as_written(outcomes_csv: Callable[[str], Path], year: str) -> None:
    path = outcomes_csv(
        f"2024,庆阳市,,,disputes_mediated,82,,,,q\n{year},庆阳市,,,disputes_mediated,83,,,,q\n"
    )
    assert load_error(path).startswith(f':3: column "year": not a year; found "{year.strip()}"')


def test_a_half_downloaded_gb18030_file_names_where_it_breaks(write_file: WriteFile) -> None:
    rows = "".join(
        f"2024,庆阳市,第{number}站,,frontline_workers_served,{number},,2024,,全年服务\n"
        for number in range(1, 30)
    )
    raw = (HEADER + rows).encode("gb18030")
    cut = raw[: raw.rindex("全".encode("gb18030")) + 1]  # half of the last character
    assert load_error(write_file("outcomes.csv", cut)) == (
        ":30: bytes c8 are not valid text; expected UTF-8 or GB18030 text"
    )


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ((HEADER + ROW).replace("\n", "\r").encode() + b"2024,\xff\xfe\r", 3),
        ((HEADER + ROW + ROW).replace("\n", "\r").encode().replace("全年".encode(), b"\x00", 1), 2),
    ],
    ids=["bad-byte", "nul"],
)
def test_lines_ending_in_a_lone_cr_are_counted(
    write_file: WriteFile, raw: bytes, line: int
) -> None:
    assert load_error(write_file("outcomes.csv", raw)).startswith(f":{line}: ")


def test_one_rare_name_in_a_small_gb18030_file_loads(write_file: WriteFile) -> None:
    text = "year,region,entity,metric,value\n2024,庆阳市,王喆,disputes_mediated,82\n"
    path = write_file("outcomes.csv", text.encode("gb18030"))
    assert load_dataset(str(path)).outcomes["entity"].tolist() == ["王喆"]


def test_one_latin1_word_is_not_read_as_chinese(write_file: WriteFile) -> None:
    text = "year,region,metric,value\n2024,Zürich,disputes_mediated,82\n"
    path = write_file("outcomes.csv", text.encode("latin-1"))
    assert "so the file is likely Latin-1 or Windows-1252" in load_error(path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8"])
def test_a_bom_is_dropped_whatever_encoding_is_named(write_file: WriteFile, encoding: str) -> None:
    path = write_file("outcomes.csv", ("\ufeff" + HEADER + ROW).encode(encoding))
    assert load_dataset(str(path), encoding=encoding).outcomes.columns[0] == "year"


def test_rows_of_commas_alone_are_skipped_as_blank_lines_are(
    outcomes_csv: Callable[[str], Path],
) -> None:
    rows = (
        "2024,庆阳市,,,disputes_mediated,82,,2024,,a\n,,,,,,,,,\n\n,,\n"
        "2023,庆阳市,,,disputes_mediated,80,,2023,,c\n"
    )
    dataset = load_dataset(str(outcomes_csv(rows)), skip_bad_rows=True)
    assert dataset.outcomes["line"].tolist() == [2, 6]  # the lines of the file
    assert dataset.rejected.empty


def test_a_stray_quote_is_one_bad_row_when_skipping(outcomes_csv: Callable[[str], Path]) -> None:
    rows = (
        "2024,庆阳市,,,disputes_mediated,82,,2024,,a\n"
        '2024,庆阳市,,,losses_recovered,1,,2024,,"a "quoted" word"\n'
        "2023,庆阳市,,,disputes_mediated,80,,2023,,c\n"
        "2024,庆阳市,,,study_grant_amount,x,,2024,,d\n"
    )
    dataset = load_dataset(str(outcomes_csv(rows)), skip_bad_rows=True)
    assert dataset.outcomes["line"].tolist() == [2, 4]
    assert dataset.rejected["line"].tolist() == [3, 5]
    assert dataset.rejected["problem"][0] == "malformed CSV: ',' expected after '\"'"
    assert dataset.rejected["row"][0] == rows.splitlines()[1]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("9007199254740993", "too large to hold exactly"),
        ("9007199254740992", "too large to hold exactly"),
        ("-1e400", "too large to hold exactly"),
        ("1e20元", "too large to hold exactly"),
        ("100000000万亿", "too large to hold exactly"),
        ("1e-400", "not a figure"),
    ],
)
def test_numbers_that_a_float_cannot_keep(
    outcomes_csv: Callable[[str], Path], cell: str, message: str
) -> None:
    path = outcomes_csv(f"2024,庆阳市,,,losses_recovered,{cell},,2024,,q\n")
    assert load_error(path).startswith(f':2: column "value": {message}; found "{cell}"')
