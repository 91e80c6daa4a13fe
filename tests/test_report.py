"""laborstats report: every figure with its source, charts or a note why not, one file."""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from laborstats import charts
from laborstats.cli import app
from tests.conftest import OUTCOMES_HEADER, WriteFile

EXAMPLE = "example:qingyang-counties"


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


class _Report(HTMLParser):
    """The tables (each row: its cells and the notes it cites), notes, images and links."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[tuple[list[str], list[int]]]] = []
        self.notes: dict[int, str] = {}
        self.sources: list[str] = []  # every src and href
        self._cells: list[str] | None = None
        self._cited: list[int] = []
        self._text: list[str] | None = None
        self._note: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.sources += [value or "" for name, value in attrs if name in ("src", "href")]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._cells, self._cited = [], []
        elif tag in ("td", "th") and found.get("class") != "notes":
            self._text = []
        elif tag == "a" and (found.get("href") or "").startswith("#note-"):
            self._cited.append(int((found["href"] or "").removeprefix("#note-")))
        elif tag == "li" and (found.get("id") or "").startswith("note-"):
            self._note, self._text = int((found["id"] or "").removeprefix("note-")), []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._text is not None and self._cells is not None:
            self._cells.append("".join(self._text))
            self._text = None
        elif tag == "tr" and self._cells is not None:
            self.tables[-1].append((self._cells, self._cited))
            self._cells = None
        elif tag == "li" and self._note is not None and self._text is not None:
            self.notes[self._note] = "".join(self._text)
            self._note, self._text = None, None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _parsed(path: Path) -> _Report:
    report = _Report()
    report.feed(path.read_text(encoding="utf-8"))
    return report


def test_every_figure_of_the_zh_html_report_cites_its_source(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    code, out, err = run(runner, "report", "--lang", "zh", "-o", str(path))
    assert (code, out, err) == (0, "", "")
    report = _parsed(path)
    rows = {cells[0]: cited for table in report.tables for cells, cited in table[1:]}
    summary = json.loads(run(runner, "summary", "-f", "json")[1])
    assert len(summary) > 40
    for record in summary:
        name = record["label_zh"] + (f" · {record['entity']}" if record["entity"] else "")
        name += " †" if record["basis"] == "derived" else ""
        cited = [report.notes[number] for number in rows[name]]
        assert any(record["source"] in note for note in cited), name
        if record["previous_value"] is not None:  # the change cites the year before too
            assert any(note.startswith(f"{record['year'] - 1}: ") for note in cited)
    # Every row of a table of figures cites at least one note; the checks table has none.
    figure_tables = [table for table in report.tables if table[0][0][0] != "规则"]
    assert all(cited for table in figure_tables for _, cited in table[1:])
    assert "“总量达15.24万人”" in report.notes.values()


def test_the_html_report_is_one_file_that_opens_offline(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    assert run(runner, "report", "-o", str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "<link" not in text
    assert "<script" not in text
    report = _parsed(path)
    assert all(
        source.startswith(("#note-", "data:image/svg+xml;base64,")) for source in report.sources
    )
    images = [source for source in report.sources if source.startswith("data:")]
    assert len(images) == 2  # skilled talents over the years, and the studios ranked
    for image in images:
        svg = base64.b64decode(image.split(",", 1)[1]).decode("utf-8")
        assert svg.startswith("<svg")
        assert "http://www.w3.org/2000/svg" in svg  # its namespace, not something to fetch
    assert re.search(r'font-family: "Noto Sans CJK SC", .*sans-serif;', text, re.DOTALL)


def test_a_markdown_report_writes_its_charts_beside_it(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "annual.md"
    code, _, err = run(runner, "report", "-d", EXAMPLE, "-o", str(path))
    assert (code, err) == (0, "")
    text = path.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\((annual-charts/[^)]+\.svg)\)", text)
    assert len(links) >= 2
    for link in links:
        assert (tmp_path / link).read_text(encoding="utf-8").startswith("<svg")
    assert sorted(p.name for p in (tmp_path / "annual-charts").iterdir()) == sorted(
        Path(link).name for link in links
    )
    numbers = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    defined = set(re.findall(r"^\[\^(\d+)\]:", text, re.MULTILINE))
    assert numbers == defined
    assert numbers


def test_markdown_on_standard_output_leaves_the_charts_out_and_says_so(runner: CliRunner) -> None:
    code, out, err = run(runner, "report")
    assert code == 0
    assert out.startswith("# Qingyang trade-union programme outcomes, 2024: report for 2024\n")
    assert "![" not in out
    assert "Charts left out: Markdown on standard output" in out
    assert err.startswith("Note: Charts left out")


def test_markdown_into_a_pipe_leaves_the_charts_out_and_keeps_those_beside(
    runner: CliRunner, tmp_path: Path
) -> None:
    stale = tmp_path / "annual-charts" / "01-skills.svg"  # named as a chart is
    stale.parent.mkdir()
    stale.write_text("<svg/>", encoding="utf-8")
    pipe = tmp_path / "annual.md"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run(runner, "report", "-o", str(pipe))
        text = b"".join(iter(lambda: os.read(reader, 1 << 16), b"")).decode("utf-8")
    finally:
        os.close(reader)
    assert code == 0
    assert "Charts left out: Markdown on standard output, or a pipe" in text
    assert err.startswith("Note: Charts left out")
    assert stale.read_text(encoding="utf-8") == "<svg/>"  # an earlier report's, left alone
    assert sorted(path.name for path in tmp_path.iterdir()) == ["annual-charts", "annual.md"]


def test_without_matplotlib_the_report_is_written_and_says_charts_were_left_out(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    assert not charts.charts_available()
    path = tmp_path / "report.html"
    code, _, err = run(runner, "report", "--lang", "zh", "-o", str(path))
    assert code == 0
    text = path.read_text(encoding="utf-8")
    assert "未附图表：未安装 matplotlib" in text
    assert "<img" not in text
    assert "Note: 未附图表" in err
    assert len(_parsed(path).notes) > 40


def test_without_a_cjk_font_charts_leave_text_to_the_readers_fonts(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    path = tmp_path / "report.html"
    assert run(runner, "report", "--lang", "zh", "-o", str(path))[0] == 0
    report = _parsed(path)
    svgs = [
        base64.b64decode(source.split(",", 1)[1]).decode("utf-8")
        for source in report.sources
        if source.startswith("data:")
    ]
    assert svgs
    assert all("技能人才总量" in svg or "工作室" in svg for svg in svgs)  # text, not shapes
    assert "没有中文字体" in path.read_text(encoding="utf-8")


def test_with_a_font_chart_text_is_drawn_as_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: "DejaVu Sans")  # any font matplotlib has
    svg = charts.bar_chart(["a"], [1.0], ["1"], title="Title", tick=str)
    assert "<text" not in svg
    assert "<path" in svg


@pytest.mark.parametrize(
    ("values", "shown"),
    [([5.0], ["5"]), ([3.0, -2.0, float("nan")], ["3", "-2", "—"]), ([], [])],
)
def test_bar_charts_of_one_negative_missing_or_no_values(
    values: list[float], shown: list[str]
) -> None:
    labels = [f"studio {number}" for number in range(len(values))]
    svg = charts.bar_chart(labels, values, shown, title="Ranked", tick=str)
    assert svg.startswith("<svg")


def test_a_line_chart_keeps_a_gap_for_a_missing_year() -> None:
    svg = charts.line_chart(
        [2022, 2023, 2024], {"A": [1.0, float("nan"), 3.0], "B": [2.0, 2.0, 2.0]},
        title="Members", tick=str,
    )  # fmt: skip
    assert svg.startswith("<svg")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-o", "report.pdf"], 2, 'cannot tell a format from "report.pdf": name it .md or .html'),
        (["--year", "2031"], 1, "2031"),
        (["--sort", "fame"], 1, "unknown studio column fame"),
        (["--format", "pdf"], 2, "Invalid value for '--format'"),
    ],
)
def test_report_mistakes(
    runner: CliRunner, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = run(runner, "report", *args)
    assert result[0] == code
    assert message in result[2]
    assert not (tmp_path / "report.pdf").exists()


def test_a_single_outcomes_file_of_one_year_reports_without_growth_or_studios(
    runner: CliRunner, write_file: WriteFile, tmp_path: Path
) -> None:
    data = write_file(
        "outcomes.csv",
        OUTCOMES_HEADER + "\n2024,兰州市,,,disputes_mediated,15,,2024,,调解<b>15</b>起 | 全年\n",
    )
    path = tmp_path / "one year.md"
    code, _, err = run(runner, "report", "-d", str(data), "-o", str(path))
    assert (code, err) == (0, "")
    text = path.read_text(encoding="utf-8")
    assert "| Labour disputes mediated | 15 | cases | 2024 | [^1] |" in text
    assert "[^1]: “调解\\<b\\>15\\</b\\>起 \\| 全年”" in text  # shown as written, never HTML
    assert "Over the years" not in text
    assert "The dataset has no studios table." in text
    assert "![" not in text  # no series and no studios: nothing to chart


def test_chart_links_of_a_markdown_report_work_with_spaces_in_its_name(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "annual report.md"
    assert run(runner, "report", "-o", str(path))[0] == 0
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", path.read_text(encoding="utf-8"))
    assert links
    assert all(link.startswith("annual%20report-charts/") for link in links)
    assert all((tmp_path / unquote(link)).is_file() for link in links)


def test_a_report_again_under_its_name_removes_the_charts_it_no_longer_draws(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "annual.md"
    assert run(runner, "report", "-d", EXAMPLE, "-o", str(path))[0] == 0
    assert len(list((tmp_path / "annual-charts").glob("*.svg"))) > 2
    assert run(runner, "report", "-d", EXAMPLE, "--year", "2019", "-o", str(path))[0] == 0
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", path.read_text(encoding="utf-8"))
    assert sorted(links) == sorted(
        f"annual-charts/{chart.name}" for chart in (tmp_path / "annual-charts").glob("*.svg")
    )


def test_a_report_leaves_alone_what_it_did_not_draw_and_html_leaves_the_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "annual.md"
    assert run(runner, "report", "-d", EXAMPLE, "-o", str(path))[0] == 0
    folder = tmp_path / "annual-charts"
    drawn = sorted(folder.glob("*.svg"))
    (folder / "logo.svg").write_text("<svg/>", encoding="utf-8")  # the user's own
    assert run(runner, "report", "-d", EXAMPLE, "-o", str(tmp_path / "annual.html"))[0] == 0
    assert sorted(folder.glob("*.svg")) == sorted([*drawn, folder / "logo.svg"])  # were removed
    assert run(runner, "report", "-d", EXAMPLE, "--year", "2019", "-o", str(path))[0] == 0
    assert (folder / "logo.svg").is_file()


def test_a_file_where_the_charts_go_is_one_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "annual-charts").write_text("", encoding="utf-8")
    code, _, err = run(runner, "report", "-d", EXAMPLE, "-o", str(tmp_path / "annual.md"))
    assert (code, err) == (  # was an internal error (FileExistsError)
        1,
        f"Error: {tmp_path / 'annual-charts'}: cannot make the charts' folder (File exists)\n",
    )


def test_a_report_into_a_folder_that_does_not_exist_is_one_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "missing" / "report.md"
    code, _, err = run(runner, "report", "-o", str(path))
    assert (code, err) == (1, f"Error: {path}: cannot write here: no such folder\n")
    assert not (tmp_path / "missing").exists()
