"""Terminal charts: bars that fit the width, from zero, in colour only where allowed."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from laborstats.render import Column, Lang, Style, View, chart_lines, print_chart
from tests.test_cli import metrics_held, run_cli, run_with_every_metric


def lines(values: list[float], width: int = 60) -> list[str]:
    labels = [f"p{position}" for position in range(len(values))]
    shown = ["—" if math.isnan(value) else f"{value:g}" for value in values]
    return [line.plain for line in chart_lines(labels, values, shown, width)]


@pytest.mark.parametrize("width", [30, 60, 120])
def test_lines_fit_the_width_and_the_largest_bar_fills_it(width: int) -> None:
    drawn = lines([5.0, 10.0, 2.5], width)
    assert all(cell_len(line) == width for line in drawn)
    bars = [line.count("█") for line in drawn]
    assert bars[1] == width - len("p1 ") - len(" 2.5")  # figures right-aligned to the widest
    assert bars[0] == pytest.approx(bars[1] / 2, abs=1)


def test_chinese_labels_count_double() -> None:
    drawn = chart_lines(["西峰区", "宁县"], [2.0, 1.0], ["2", "1"], 40)
    assert [cell_len(line.plain) for line in drawn] == [40, 40]


def test_no_points_no_lines() -> None:
    assert lines([]) == []


def test_one_point_is_a_full_bar() -> None:
    (line,) = lines([7.0], 20)
    assert line == "p0 " + "█" * 15 + " 7"


def test_negative_values_grow_left_of_zero() -> None:
    drawn = lines([-5.0, 5.0, float("nan")], 25)
    # 19 cells of bars: zero sits in the middle, the negative bar ends there.
    negative, positive, missing = drawn
    zero = negative.rindex("█") + 1
    assert positive.index("█") == zero
    assert negative[3:zero].strip("█") == negative[3 : negative.index("█")]
    assert "█" not in missing
    assert missing.endswith(" —")


def test_all_zero_values_draw_no_bars() -> None:
    assert all("█" not in line for line in lines([0.0, 0.0]))


def view() -> View:
    frame = pd.DataFrame({"point": ["2023", "2024"], "value": [10.0, -4.0], "q": ["exact", None]})
    return View(
        frame=frame,
        machine_columns=["point", "value"],
        columns=(Column("point", "", ""), Column("value", "", "", Style.FIGURE, qualifier="q")),
        title="Members",
        caption="Dataset: test",
        chart=True,
    )


def test_colour_only_where_the_console_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = Console(file=io.StringIO(), width=40, force_terminal=True, color_system="standard")
    print_chart(view(), Lang.EN, coloured)
    assert "\x1b[" in coloured.file.getvalue()  # type: ignore[attr-defined]
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Console(file=io.StringIO(), width=40, force_terminal=True, color_system="standard")
    print_chart(view(), Lang.EN, plain)
    text = plain.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[3" not in text  # no colours (bold may stay)
    assert "Members" in text
    assert "-4" in text


def test_chart_command_draws_each_year(runner: CliRunner) -> None:
    args = ["chart", "skilled_talents_total", "--data", "example:qingyang-counties"]
    code, out, err = run_cli(runner, *args, "--format", "table")
    assert (code, err) == (0, "")
    title, *rest = out.splitlines()
    assert "Skilled talents (total) (persons), 2018–2024" in title
    bars = [line for line in rest if "█" in line]
    assert [line.split()[0] for line in bars] == [str(year) for year in range(2018, 2025)]
    assert bars[0].split()[1] == "†"  # 2018 is derived from the flow into the stock
    _, csv_text, _ = run_cli(runner, *args, "--format", "csv")
    points = pd.read_csv(io.StringIO(csv_text))
    assert points["year"].tolist() == list(range(2018, 2025))
    assert bars[-1].endswith(f"{points['value'].iloc[-1]:,.0f}")


def test_a_chart_names_the_region_of_a_series_one_region_alone_reports(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(
        "year,region,entity,metric,value\n"
        "2023,A,,disputes_mediated,10\n2024,A,,disputes_mediated,20\n"
        "2023,B,,disputes_mediated,5\n2024,B,,disputes_mediated,6\n"
        "2024,B,Studio X,disputes_mediated,4\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(runner, "chart", "disputes_mediated", "-d", str(path), "-f", "table")
    assert (code, err) == (0, "")
    title, *lines = out.splitlines()
    assert title.strip() == "Labour disputes mediated (cases), 2023–2024"
    assert [line.split("█")[0].strip() for line in lines[:3]] == [
        "2023",
        "2024",
        "2024 · B · Studio X",
    ]
    assert [line.split()[-1] for line in lines[:3]] == ["15", "26", "4"]


def test_a_year_without_a_total_is_named_not_left_out_in_silence(runner: CliRunner) -> None:
    args = ["chart", "disputes_mediated", "--data", "example:qingyang-counties"]
    code, out, err = run_cli(runner, *args, "--format", "table")
    assert (code, err) == (0, "")
    years = [line.split()[0] for line in out.splitlines() if "█" in line]
    assert years == ["2019", "2020", "2022", "2023", "2024"]  # 环县 has no 2021
    note = "No total for 2021: not every region reports it (--region shows one region's)"
    assert out.splitlines()[-1] == note
    code, out, err = run_cli(runner, *args, "--format", "csv")
    assert (code, err) == (0, f"Note: {note}\n")
    code, out, err = run_cli(runner, *args, "--region", "西峰区", "--format", "csv")
    assert (code, err) == (0, "")


def test_chart_by_region_and_its_usage_errors(runner: CliRunner) -> None:
    base = ["chart", "skilled_talents_total", "--data", "example:qingyang-counties"]
    code, out, _ = run_cli(runner, *base, "--by", "region", "--format", "csv")
    assert code == 0
    points = pd.read_csv(io.StringIO(out))
    assert points["value"].is_monotonic_decreasing
    assert len(points) == 8
    code, _, err = run_cli(runner, *base, "--year", "2023")
    assert code == 2
    assert "applies to --by region only" in err
    code, _, err = run_cli(runner, "chart", "skilled_talent")
    assert code == 1
    assert 'unknown metric skilled_talent; expected "skilled_talents' in err


@pytest.mark.parametrize(
    "args",
    [
        ["frontline_workers_served"],
        ["accident_rate_reduction", "--region", "环县"],
        ["recovered_per_dispute", "--by", "region"],
        ["skilled_talents_total"],
        ["frontline_workers_served", "--region", "东峰区"],
    ],
)
def test_a_chart_holds_only_its_metric_and_what_derives_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    command = ["chart", *args, "--data", "example:qingyang-counties", "--format", "csv"]
    expected = run_with_every_metric(runner, monkeypatch, *command)
    loads = metrics_held(monkeypatch)
    assert run_cli(runner, *command) == expected
    (held,) = loads
    assert args[0] in held or args[0] == "recovered_per_dispute"  # (derived)
    assert "accident_rate_reduction" not in held - {args[0]}
    assert expected[0] == (1 if "东峰区" in args else 0)


def test_a_region_with_other_metrics_only_is_known_to_a_chart(
    runner: CliRunner, outcomes_csv: Callable[[str], Path]
) -> None:
    path = outcomes_csv(
        "2024,A,,,frontline_workers_served,10,,2024,,q\n2024,B,,,accident_rate_reduction,5,,2024,,q\n"
    )
    code, _, err = run_cli(
        runner, "chart", "frontline_workers_served", "--region", "B", "-d", str(path)
    )
    assert code == 1
    assert "no figures to chart" in err
