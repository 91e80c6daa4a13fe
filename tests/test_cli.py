"""The command line as a user meets it: stdout, stderr and exit codes."""

from __future__ import annotations

import builtins
import gc
import io
import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from laborstats import __main__ as script
from laborstats import __version__, columnar
from laborstats import dataset as dataset_module
from laborstats import render as render_module
from laborstats.__main__ import main
from laborstats.cli import app
from laborstats.codes import as_texts
from laborstats.columnar import Years
from laborstats.dataset import Dataset, bundled_data_path, load_dataset
from laborstats.errors import DataSourceError, OutputError
from laborstats.output import write_stdout
from laborstats.render import (
    TERMINAL_ROWS,
    Column,
    Lang,
    OutputFormat,
    View,
    change_bar,
    render,
)
from laborstats.stats import compare as compare_module
from laborstats.stats import metrics as metrics_module
from laborstats.stats import totals as totals_module
from laborstats.stats.compare import compare_regions, compare_years
from laborstats.stats.derived import derivation_metrics, with_derived_metrics
from laborstats.stats.growth import yearly_growth
from laborstats.stats.summary import SUMMARY_COLUMNS, summarise
from laborstats.views import compare_view, region_names, yearly_view
from tests.conftest import OUTCOMES_HEADER, WriteFile
from tests.test_delimited import machine_records

MakeOutcomes = Callable[[str], Path]


def run_cli(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_summary_in_a_pipe_is_csv_with_every_reported_figure(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "summary")
    assert (code, err) == (0, "")
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(frame.columns) == SUMMARY_COLUMNS
    outcomes = load_dataset().outcomes
    reported = outcomes[outcomes["basis"] == "reported"]
    printed = frame[frame["basis"] == "reported"]
    assert set(zip(printed["metric"], printed["entity"], printed["value"], strict=True)) == set(
        zip(reported["metric"], reported["entity"], reported["value"], strict=True)
    )
    derived = frame[frame["basis"] == "derived"].set_index("metric")["value"].to_dict()
    assert derived == {
        "study_grant_per_child": 3000,
        "recovered_per_dispute": 4800,
        "standard_coal_baseline": 100_000,
    }


def test_json_output_equals_the_library_result(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "summary", "--format", "json", "--programme", "skills,aid")
    dataset = load_dataset()
    outcomes = with_derived_metrics(dataset.outcomes, dataset.metrics)
    result = summarise(outcomes, dataset.metrics, programmes=["skills", "aid"])
    view = View(result, SUMMARY_COLUMNS, (Column("metric", "", ""),), "", "")
    assert code == 0
    assert json.loads(out) == machine_records(view)
    assert len(json.loads(out)) == len(result)


def test_json_has_one_record_per_csv_row(runner: CliRunner) -> None:
    _, csv_out, _ = run_cli(runner, "summary", "--format", "csv")
    _, jsonl_out, _ = run_cli(runner, "summary", "--format", "jsonl")
    assert len(csv_out.splitlines()) - 1 == len(jsonl_out.splitlines()) == 53 + 3


def test_table_for_people(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "summary", "--format", "table", "--programme", "skills")
    assert code == 0
    assert "Headline figures, 2024" in out
    assert "Skilled talents (total)" in out
    assert "152,400" in out
    assert "+21,000" in out
    assert "+15.98%" in out
    assert "≈ 90" in out
    assert "Dataset: Qingyang trade-union programme outcomes, 2024 (bundled dataset)" in out
    assert "Workers' Daily" in out
    assert "\x1b[" not in out


def test_table_in_chinese_scales_to_wan(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "summary", "-f", "table", "--lang", "zh")
    assert code == 0
    assert "2024年主要数据" in out
    assert "15.24万" in out
    assert "8000余万" in out
    assert "技能人才总量" in out


def test_markdown(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "summary", "-f", "markdown", "-p", "aid")
    assert code == 0
    assert (
        out.splitlines()[0] == "| Programme | Figure | Value | Unit | Period | Change | % change |"
    )
    assert "| Aid | Study grants paid | 4,545,000 | yuan |  | — | — |" in out
    assert "| Aid | Study grant per child † | 3,000 | yuan |  | — | — |" in out


def test_missing_data_is_one_line_and_exit_1(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "summary", "--data", "/no/such/dir")
    assert code == 1
    assert out == ""
    assert err == (
        "Error: /no/such/dir: no such file or folder; expected a dataset folder, "
        "an outcomes CSV or Parquet file, or - for standard input\n"
    )


def test_bad_row_names_file_line_and_column(runner: CliRunner, outcomes_csv: MakeOutcomes) -> None:
    path = outcomes_csv(
        "2024,庆阳市,,,disputes_mediated,82,,2024,,q\n2024,庆阳市,,,losses_recovered,n/a?,,2024,,q\n"
    )
    code, _, err = run_cli(runner, "summary", "--data", str(path))
    assert code == 1
    assert err.startswith(f'Error: {path}:3: column "value": not a figure; found "n/a?"')
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_bad_row_deep_in_a_large_file_is_named_from_the_rows_around_it(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    rows = [f"2024,r{line},,,disputes_mediated,{line},,2024,,q" for line in range(2, 402)]
    rows[350 - 2] = "2024,r350,,,disputes_mediated,n/a?,,2024,,q"
    path = outcomes_csv("\n".join(rows) + "\n")
    with (
        mock.patch.object(columnar, "BLOCK", 1024),  # batches of a few lines, as a large file's
        mock.patch.object(columnar, "PART", 1024),
        mock.patch.object(dataset_module, "_read_bytes", wraps=dataset_module._read_bytes) as read,
    ):
        code, out, err = run_cli(runner, "summary", "--data", str(path))
    assert code == 1
    assert out == ""
    assert err.startswith(f'Error: {path}:350: column "value": not a figure; found "n/a?"')
    assert err.count("\n") == 1
    assert path not in [call.args[0] for call in read.call_args_list]  # not read again whole


def test_debug_shows_the_traceback(runner: CliRunner) -> None:
    result = runner.invoke(app, ["summary", "--data", "/no/such/dir", "--debug"])
    assert result.exit_code == 1
    assert isinstance(result.exception, DataSourceError)


def test_unknown_year_is_a_data_problem(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "summary", "--year", "2030")
    assert code == 1
    assert err == "Error: no figures for 2030; expected one of the years in the data: 2023, 2024\n"


def test_unknown_programme(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "summary", "-p", "sport")
    assert code == 1
    assert err.startswith("Error: unknown programme sport; expected one of skills, innovation,")


def test_usage_problems_exit_2(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "summary", "--format", "xml")
    assert code == 2
    assert "Invalid value for '--format' / '-f'" in err


def test_previous_year_gives_change(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "summary", "--year", "2023", "-f", "jsonl")
    assert code == 0
    record = json.loads(out)
    assert (record["metric"], record["value"], record["basis"]) == (
        "skilled_talents_total",
        131400,
        "derived",
    )


def test_data_from_stdin(runner: CliRunner) -> None:
    stdin = OUTCOMES_HEADER + "\n2024,庆阳市,,,disputes_mediated,82,,2024,,q\n"
    code, out, _ = run_cli(runner, "summary", "--data", "-", "-f", "jsonl", stdin=stdin)
    assert code == 0
    assert json.loads(out)["value"] == 82


def test_data_from_the_environment(
    runner: CliRunner, outcomes_csv: MakeOutcomes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = outcomes_csv("2022,兰州市,,,disputes_mediated,7,,2022,,q\n")
    monkeypatch.setenv("LABORSTATS_DATA", str(path))
    code, out, _ = run_cli(runner, "summary", "-f", "jsonl")
    assert code == 0
    assert json.loads(out)["region"] == "兰州市"


def test_output_file_takes_its_format_from_the_suffix(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    code, out, _ = run_cli(runner, "summary", "-o", str(target))
    assert (code, out) == (0, "")
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 53 + 3
    assert [path.name for path in tmp_path.iterdir()] == ["summary.json"]


def test_a_failed_run_leaves_an_existing_output_file_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "summary.csv"
    target.write_text("precious\n", encoding="utf-8")
    code, _, _ = run_cli(runner, "summary", "--data", "/no/such/dir", "-o", str(target))
    assert code == 1
    assert target.read_text(encoding="utf-8") == "precious\n"


def test_output_into_a_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.csv"
    code, _, err = run_cli(runner, "summary", "-o", str(target))
    assert code == 1
    assert err.startswith(f"Error: {target}: cannot write here")


def test_version(runner: CliRunner) -> None:
    assert run_cli(runner, "--version")[:2] == (0, f"laborstats {__version__}\n")


def test_every_command_has_help(runner: CliRunner) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert group.commands
    for name, command in group.commands.items():
        assert command.help, name
        code, out, _ = run_cli(runner, name, "--help")
        assert code == 0
        assert "Examples:" in out
        # convert reads what --data names and writes Parquet, not a --format
        for option in ("SOURCE", "TARGET") if name == "convert" else ("--format", "--data"):
            assert option in out


def test_every_output_format_is_offered(runner: CliRunner) -> None:
    _, out, _ = run_cli(runner, "summary", "--help")
    for member in OutputFormat:
        assert member.value in out


# --- as a separate process, the way a shell runs it --------------------------------------

ENVIRONMENT = {**os.environ, "NO_COLOR": "1", "LABORSTATS_DATA": ""}


def test_help_does_not_import_pandas() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    commands = [[], *([name] for name in group.commands)]
    code = (
        "import sys\n"
        "from laborstats.__main__ import main\n"
        f"for command in {commands!r}:\n"
        "    sys.argv = ['laborstats', *command, '--help']\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "imported = ('pandas', 'numpy', 'pyarrow', 'openpyxl', 'matplotlib')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in imported))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENVIRONMENT
    )
    assert result.stdout.splitlines()[-1] == "[]"


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "laborstats", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"laborstats {__version__}\n"


class _Ended(Exception):
    """os._exit, called by a test: the status it was given."""


@pytest.mark.parametrize(
    ("ending", "status", "said"),
    [
        (None, 0, ""),
        (SystemExit(0), 0, ""),
        (SystemExit(None), 0, ""),
        (SystemExit(2), 2, ""),
        (SystemExit("cannot go on"), 1, "cannot go on\n"),
        (ValueError("a bug"), 1, "ValueError: a bug"),
    ],
)
def test_the_script_ends_with_the_status_main_gives(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ending: BaseException | None,
    status: int,
    said: str,
) -> None:
    def ran() -> None:
        sys.stdout.write("the output\n")
        if ending is not None:
            raise ending

    def exited(code: int) -> None:
        raise _Ended(code)

    monkeypatch.setattr(script, "main", ran)
    monkeypatch.setattr(os, "_exit", exited)
    with pytest.raises(_Ended) as caught:
        script.run()
    assert caught.value.args == (status,)
    out, err = capsys.readouterr()
    assert out == "the output\n"
    assert said in err


def test_the_script_flushes_what_is_written_before_it_ends() -> None:
    code = (
        "from laborstats import __main__ as script\n"
        "script.main = lambda: print('all of it', end='')\n"  # in the buffer of a pipe
        "script.run()\n"
    )
    buffered = {name: value for name, value in ENVIRONMENT.items() if name != "PYTHONUNBUFFERED"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=buffered
    )
    assert result.stdout == "all of it"


def test_the_script_writes_every_row_before_it_ends(write_file: WriteFile) -> None:
    # It ends without the interpreter's teardown (see run): all it wrote is out first.
    rows = "".join(
        f"2024,region {region},,,disputes_mediated,{region},,2024,,quote {region}\n"
        for region in range(20000)
    )
    path = write_file("big.csv", OUTCOMES_HEADER + "\n" + rows)
    target = path.parent / "summary.json"
    result = subprocess.run(
        [sys.executable, "-m", "laborstats", "summary", "--data", str(path), "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
        env=ENVIRONMENT,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 20000  # the header, a row a region
    assert lines[-1].endswith(",quote 19999")
    written = subprocess.run(
        [sys.executable, "-m", "laborstats", "summary", "-d", str(path), "-o", str(target)],
        capture_output=True,
        text=True,
        check=True,
        env=ENVIRONMENT,
    )
    assert written.stdout == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 20000


def test_a_closed_pipe_ends_quietly(write_file: WriteFile) -> None:
    rows = "".join(
        f"{year},region {region},,,disputes_mediated,{region},,{year},,quote {region}\n"
        for year in (2023, 2024)
        for region in range(3000)
    )
    path = write_file("big.csv", OUTCOMES_HEADER + "\n" + rows)
    script = (
        f'"{sys.executable}" -m laborstats summary --data "{path}" --format csv | head -1; '
        'echo "status=${PIPESTATUS[0]}"'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True, env=ENVIRONMENT
    )
    assert result.stdout.splitlines() == [",".join(SUMMARY_COLUMNS), "status=0"]
    assert result.stderr == ""


def test_metrics_lists_the_dictionary_with_coverage(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "metrics", "--format", "csv")
    assert (code, err) == (0, "")
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False).set_index("metric")
    assert len(frame) == len(load_dataset().metrics)
    talents = frame.loc["skilled_talents_total"]
    assert (talents["first_year"], talents["last_year"], talents["figures"]) == (2023, 2024, 2)
    per_child = frame.loc["study_grant_per_child"]
    assert per_child["formula"] == "study_grant_amount / study_grant_children"
    assert per_child["figures"] == 1


def test_metrics_table(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "metrics", "-f", "table")
    assert code == 0
    assert "Skilled talents (total)" in out
    assert "skilled_talents_total" in out
    assert "2023–2024" in out


def test_output_dash_is_standard_output(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(runner, "summary", "-p", "aid", "-o", "-")
    assert code == 0
    assert out.startswith("year,programme,")
    assert list(tmp_path.iterdir()) == []


def test_output_suffix_without_a_format_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run_cli(runner, "summary", "-o", str(tmp_path / "out.ods"))
    assert code == 2
    assert "cannot tell a format from" in err
    assert ".txt or .xlsx, or give --format" in err
    assert list(tmp_path.iterdir()) == []


def test_output_keeps_a_link_and_the_file_mode(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    code, _, _ = run_cli(runner, "summary", "-p", "aid", "-o", str(link))
    assert code == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("year,programme,")
    assert target.stat().st_mode & 0o777 == 0o600


def test_with_standard_output_closed_a_file_is_still_written(tmp_path: Path) -> None:
    def run_closed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "laborstats", "summary", "-p", "aid", "-f", "csv", *args],
            stdout=None,
            stderr=subprocess.PIPE,
            text=True,
            env=ENVIRONMENT,
            preexec_fn=lambda: os.close(1),  # >&-
            check=False,
        )

    result = run_closed("-o", str(tmp_path / "out.csv"))
    assert (result.returncode, result.stderr) == (0, "")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("year,programme,")
    for closed in (run_closed(), run_closed("-f", "table")):  # (the last -f wins)
        assert (closed.returncode, closed.stderr) == (
            1,
            "Error: standard output: cannot write: it is closed\n",
        )


def test_output_to_dev_stdout_goes_where_standard_output_goes(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("kept\n", encoding="utf-8")
    with log.open("ab") as appended:  # >> log.txt
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "laborstats",
                "summary",
                "-p",
                "aid",
                "-f",
                "csv",
                "-o",
                "/dev/stdout",
            ],
            stdout=appended,
            stderr=subprocess.PIPE,
            env=ENVIRONMENT,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").startswith("kept\nyear,programme,")


@pytest.mark.parametrize(
    ("option", "written"), [("-o", b"year,region,entity,"), ("--rejects", b"file,line,column,")]
)
def test_output_to_a_named_pipe_goes_through_it(
    runner: CliRunner, tmp_path: Path, option: str, written: bytes
) -> None:
    data = tmp_path / "outcomes.csv"
    data.write_text("year,region,metric,value\n2024,A,disputes_mediated,x\n", encoding="utf-8")
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # the pipe holds what is written
    try:
        code, _, _ = run_cli(
            runner, "outcomes", "-d", str(data), "--skip-bad-rows", "-f", "csv", option, str(pipe)
        )
        read = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert code == 0
    assert read.startswith(written)  # through the pipe, not into a file put in its place
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["outcomes.csv", "pipe.csv"]


def test_programme_option_naming_nothing(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "summary", "-p", ",")
    assert code == 2
    assert "names nothing" in err


def test_programme_without_figures_that_year(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "summary", "-y", "2023", "-p", "aid")
    assert code == 1
    assert err == "Error: no figures for aid in 2023; expected a programme with figures that year\n"


def test_unexpected_failures_are_one_line_without_debug(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("laborstats.stats.summary.summarise", broken)
    code, _, err = run_cli(runner, "summary")
    assert code == 1
    assert err == (
        "Error: internal error (RuntimeError: boom); please report it with the output of --debug\n"
    )


def test_a_narrow_terminal_never_cuts_a_number(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = run_cli(runner, "summary", "-f", "table", "-p", "innovation,skills")
    assert code == 0
    assert "≥ 80,000,000" in out
    assert "≤ +15.98%" in out
    assert "Economic benefit" in out


def test_studios_csv_is_sorted_and_raw(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "studios", "--sort", "savings", "--format", "csv")
    assert (code, err) == (0, "")
    frame = pd.read_csv(io.StringIO(out))
    assert frame["studio"].iloc[0] == "华能庆阳煤电科技创新工作室"
    assert frame["annual_savings"].iloc[0] == 5_600_000
    assert frame["rank"].iloc[0] == 1
    assert frame["rank"].iloc[1:].isna().all()
    assert frame["annual_savings"].iloc[1:].isna().all()


def test_studios_table_has_a_bar_and_the_definition(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "studios", "-f", "table", "--sort", "benefit")
    assert code == 0
    assert "≥ 16,000,000" in out
    assert "██████████" in out
    assert "Savings: cost savings a year as reported" in out


def test_studios_unknown_sort_column(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "studios", "--sort", "wealth")
    assert code == 1
    assert err.startswith("Error: unknown studio column wealth; expected one of savings, benefit")


def test_studios_without_a_studios_table(runner: CliRunner, outcomes_csv: MakeOutcomes) -> None:
    path = outcomes_csv("2024,庆阳市,,,disputes_mediated,82,,2024,,q\n")
    code, _, err = run_cli(runner, "studios", "--data", str(path))
    assert code == 1
    assert err == (
        f"Error: the dataset at {path} has no studios table; "
        "expected a studios.csv in the dataset folder\n"
    )


# --- growth ------------------------------------------------------------------------------

EXAMPLE = "example:qingyang-counties"


def test_growth_of_the_bundled_data_is_the_skilled_talent_growth(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "growth", "-f", "json")
    assert code == 0
    (record,) = json.loads(out)
    assert record["metric"] == "skilled_talents_total"
    assert (record["first_year"], record["first_value"], record["last_value"]) == (
        2023,
        131400,
        152400,
    )
    assert round(record["pct_change"], 2) == 15.98
    assert record["change_qualifier"] == "at_most"
    assert record["derivation"].startswith("2023: derived: skilled_talents_total of 2024")
    assert err == (
        "Note: 55 more series have a single year and no growth; name a metric to see it "
        "(laborstats growth METRIC)\n"
    )


def test_growth_table_shows_the_derivation_and_a_sparkline(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "growth", "-f", "table")
    assert (code, err) == (0, "")
    assert "≤ +15.98%" in out
    assert "▁█" in out
    flat = " ".join(out.split())
    assert "† Skilled talents (total): 2023: derived: skilled_talents_total of 2024 − " in flat
    assert "55 more series have a single year" in flat


def test_growth_by_county_has_cagr_and_a_null_first_year(runner: CliRunner) -> None:
    code, out, _ = run_cli(
        runner, "growth", "disputes_mediated", "--by", "region", "--yearly", "-d", EXAMPLE
    )
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    assert sorted(frame["region"].unique()) == sorted(
        load_dataset(EXAMPLE).outcomes["region"].unique()
    )
    first = frame[frame["year"] == 2019]
    assert first["change"].isna().all()
    assert (first["index"] == 100).all()
    huan = frame[frame["region"] == "环县"].set_index("year").to_dict(orient="index")
    assert 2021 not in huan  # the gap year
    assert math.isnan(huan[2022]["change"])  # and no change across it

    code, out, _ = run_cli(runner, "growth", "disputes_mediated", "--by", "region", "-d", EXAMPLE)
    summary = pd.read_csv(io.StringIO(out)).set_index("region")
    assert len(summary) == 8
    huan_cagr = (huan[2024]["value"] / huan[2019]["value"]) ** (1 / 5) * 100 - 100
    assert summary.to_dict(orient="index")["环县"]["cagr"] == pytest.approx(huan_cagr)


def test_growth_totals_the_regions_where_figures_add_up(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "growth", "study_grant_amount", "--wide", "-d", EXAMPLE)
    assert code == 0
    (record,) = pd.read_csv(io.StringIO(out)).to_dict(orient="records")
    outcomes = load_dataset(EXAMPLE).outcomes
    grants = outcomes[outcomes["metric"] == "study_grant_amount"]
    assert record["region"] == "all"
    assert record["2024"] == grants.loc[grants["year"] == 2024, "value"].sum()
    assert record["2019_qualifier"] == "exact"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["skiled_talents_total"], 1, 'unknown metric skiled_talents_total; expected "skilled'),
        (["--wide", "--yearly"], 2, "choose one of --wide and --yearly"),
        (["--by", "county"], 2, "Invalid value for '--by'"),
        (["competition_trades", "-d", EXAMPLE], 1, "no figures for competition_trades"),
    ],
)
def test_growth_mistakes(runner: CliRunner, args: list[str], code: int, message: str) -> None:
    result = run_cli(runner, "growth", *args)
    assert result[0] == code
    assert message in result[2]


# --- compare -----------------------------------------------------------------------------


def test_compare_two_years_of_the_example(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "compare", "2023", "2024", "-d", EXAMPLE, "-f", "json")
    assert (code, err) == (0, "")
    records = json.loads(out)
    talents = [record for record in records if record["metric"] == "skilled_talents_total"]
    assert talents[0]["region"] == "all"
    xifeng = next(record for record in talents if record["region"] == "西峰区")
    assert xifeng["change"] == xifeng["value_b"] - xifeng["value_a"]
    assert xifeng["share_b"] == pytest.approx(xifeng["value_b"] / talents[0]["value_b"] * 100)
    assert xifeng["rank_b"] == 1
    assert sum(record["share_b"] for record in talents[1:]) == pytest.approx(100)


def test_compare_two_regions_table(runner: CliRunner) -> None:
    code, out, _ = run_cli(
        runner, "compare", "--by", "region", "西峰区", "环县", "-d", EXAMPLE, "-f", "table"
    )
    assert code == 0
    assert "西峰区 compared with 环县, 2024" in out
    for header in ("西峰区", "环县", "Change", "% change", "Share", "Rank"):
        assert header in out
    assert "Share: of the total of all regions" in " ".join(out.split())


def test_compare_bars_are_scaled_within_a_figure(runner: CliRunner) -> None:
    args = ("compare", "2023", "2024", "-d", EXAMPLE, "-m", "disputes_mediated", "--lang", "zh")
    records = json.loads(run_cli(runner, *args, "-f", "json")[1])
    code, table, _ = run_cli(runner, *args, "-f", "table")
    assert code == 0
    total, regions = records[0], records[1:]
    assert total["region"] == "all"
    # Regions against the largest region on either side, the total against itself.
    largest = max(max(record["value_a"], record["value_b"]) for record in regions)
    scales = [(total, max(total["value_a"], total["value_b"]))] + [(r, largest) for r in regions]
    lines = table.splitlines()
    for record, scale in scales:
        name = "全部地区" if record is total else record["region"]
        (line,) = (line for line in lines if f" {name} " in line)
        expected = change_bar(record["value_b"], record["value_a"], scale)
        assert re.findall("[█▒░▏▎▍▌▋▊▉]+", line) == ([expected] if expected else [])
    assert "▒" in table
    assert "░" in table
    assert "▒=较2023增加，░=减少" in "".join(table.split())


def test_compare_draws_no_bars_where_each_figure_has_one_value(runner: CliRunner) -> None:
    for lang, word in (("en", "Bar:"), ("zh", "条形")):
        args = ("compare", "--by", "studio", "华能", "巩怀华", "-f", "table", "--lang", lang)
        code, out, _ = run_cli(runner, *args)
        assert code == 0
        assert "█" not in out
        assert word not in out


def test_compare_studios_csv(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "compare", "--by", "studio", "华能", "巩怀华", "-m", "savings")
    assert code == 0
    (record,) = pd.read_csv(io.StringIO(out)).to_dict(orient="records")
    assert (record["metric"], record["value_a"]) == ("annual_savings", 5_600_000)


# Two regions; C reports worker deputies in 2021 only, D its study grants in 2020 only (from
# which a grant per child is derived), so neither series is pooled in 2023 or 2024;
# the baseline of coal is derived for A and B only, and pooled.
POOLS = "\n".join(
    [
        *(
            f"{year},{region},,,{metric},{value + year - 2023},,{year},,"
            for year in (2023, 2024)
            for region, metric, value in [
                ("A", "worker_deputies", 10),
                ("B", "worker_deputies", 5),
                ("A", "frontline_workers_served", 100),
                ("B", "frontline_workers_served", 70),
                ("A", "study_grant_amount", 3000),
                ("A", "study_grant_children", 3),
                ("B", "study_grant_amount", 4000),
                ("B", "study_grant_children", 2),
                ("B", "skilled_talents_total", 800),
                ("A", "standard_coal_saved", 50),
                ("A", "energy_consumption_reduction", 10),
                ("B", "standard_coal_saved", 40),
                ("B", "energy_consumption_reduction", 20),
            ]
        ),
        "2024,A,,,skilled_talents_total,1000,,2024,,",
        "2024,A,,,skilled_talents_new,100,,2024,,",
        "2021,C,,,worker_deputies,7,,2021,,",
        "2020,D,,,study_grant_amount,500,,2020,,",
        "2020,D,,,study_grant_children,1,,2020,,",
    ]
)


def test_compare_of_two_years_read_alone_is_that_of_every_row(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    path = str(outcomes_csv(POOLS))
    code, out, err = run_cli(runner, "compare", "2023", "2024", "-d", path, "-f", "csv")
    assert (code, err) == (0, "")
    full = load_dataset(path)
    every_row = with_derived_metrics(full.outcomes, full.metrics)
    result = compare_years(every_row, full.metrics, 2023, 2024)
    assert out == render(compare_view(result, full, Lang.EN, "year"), OutputFormat.CSV, Lang.EN)
    # Ranks where every region that ever reports a series reports it (derived or not),
    # and only there.
    ranked = set(result.loc[result["rank_b"].notna(), "metric"])
    assert "worker_deputies" not in ranked
    assert "study_grant_per_child" not in ranked
    assert {"frontline_workers_served", "standard_coal_baseline"} <= ranked
    code, _, err = run_cli(runner, "compare", "2010", "2024", "-d", path)
    assert code == 1
    assert "one of the years in the data: 2020, 2021, 2023, 2024" in err


@pytest.mark.parametrize(
    ("regions", "year"), [(("A", "B"), None), (("A", "C"), None), (("B", "D"), 2023)]
)
def test_compare_of_two_regions_read_alone_is_that_of_every_row(
    runner: CliRunner, outcomes_csv: MakeOutcomes, regions: tuple[str, str], year: int | None
) -> None:
    path = str(outcomes_csv(POOLS))
    chosen = [] if year is None else ["--year", str(year)]
    args = ("compare", "--by", "region", *regions, *chosen, "-d", path, "-f", "csv")
    code, out, err = run_cli(runner, *args)
    assert (code, err) == (0, "")
    full = load_dataset(path)
    every_row = with_derived_metrics(full.outcomes, full.metrics)
    result = compare_regions(every_row, full.metrics, *regions, year or 2024)
    assert out == render(compare_view(result, full, Lang.EN, "region"), OutputFormat.CSV, Lang.EN)
    code, _, err = run_cli(runner, *args[:5], "--year", "2010", "-d", path)
    assert code == 1
    assert "one of the years in the data: 2020, 2021, 2023, 2024" in err


# Two regions, every figure that adds up reported by both in every year, one derived
# and approximate.
SUMMED = "\n".join(
    [
        *(
            f"{year},{region},,,{metric},{value + year - 2023},,{year},,"
            for year in (2022, 2023, 2024)
            for region, metric, value in [
                ("A", "frontline_workers_served", 100),
                ("A", "worker_deputies", 10),
                ("B", "worker_deputies", 5),
                ("A", "study_grant_amount", 3000),
                ("A", "study_grant_children", 3),
                ("B", "study_grant_amount", 4000),
                ("B", "study_grant_children", 2),
                ("A", "labour_cost_saving", 12),
                ("B", "labour_cost_saving", 9),
            ]
        ),
        "2022,B,,,frontline_workers_served,69,,2022,,",
        "2023,B,,,frontline_workers_served,70,,2023,,",
        "2024,B,,,frontline_workers_served,约71,,2024,derived,estimated from 2023",
        *(f"{year},A,,,research_funding,1234567.89,,{year},," for year in (2022, 2023, 2024)),
        *(f"{year},B,,,research_funding,0.01,,{year},," for year in (2022, 2023, 2024)),
    ]
)


@pytest.mark.parametrize(
    ("rows", "loads"),
    [(SUMMED, 1), (SUMMED + "\n2021,C,,,worker_deputies,1,,2021,,", 2), (POOLS, 2)],
    ids=["summed", "one-year-of-C", "pools"],
)
@pytest.mark.parametrize("shape", [[], ["--wide"], ["--yearly"], ["worker_deputies"]])
def test_growth_summed_as_read_is_that_of_every_row(
    runner: CliRunner,
    outcomes_csv: MakeOutcomes,
    monkeypatch: pytest.MonkeyPatch,
    rows: str,
    loads: int,
    shape: list[str],
) -> None:
    # Figures that add up are summed as a large file is read, their rows let go; a series
    # of them with no total (C reports one year only) needs the file read again.
    path = str(outcomes_csv(rows))
    if shape == ["--wide"]:  # and from Parquet
        assert run_cli(runner, "convert", path, path + ".parquet")[0] == 0
        path += ".parquet"
    args = ("growth", *shape, "-d", path, "-f", "csv")
    monkeypatch.setattr(columnar, "SUMMED_FROM", 1 << 62)
    expected = run_cli(runner, *args)
    assert expected[0] == 0
    monkeypatch.setattr(columnar, "SUMMED_FROM", 0)
    counted = mock.Mock(wraps=dataset_module.load_dataset)
    monkeypatch.setattr(dataset_module, "load_dataset", counted)
    summed = mock.Mock(wraps=totals_module.across_regions_summed)
    monkeypatch.setattr(totals_module, "across_regions_summed", summed)
    assert run_cli(runner, *args) == expected
    assert (counted.call_count, summed.call_count) == (loads, 1)
    if rows == SUMMED and not shape:
        totals = pd.read_csv(io.StringIO(expected[1])).set_index("metric")
        assert totals.loc["research_funding", "first_value"] == 1234567.9
        assert totals.loc["frontline_workers_served", "last_qualifier"] == "approx"


def run_with_every_metric(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """run_cli with every metric's rows kept, whatever metrics a command asks for."""
    with monkeypatch.context() as every_row:
        every_row.setattr(Years, "kept_metrics", lambda _, metrics: np.ones(len(metrics), bool))
        return run_cli(runner, *args)


def metrics_held(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The metrics whose rows each load from now on holds, load by load (before the
    derived figures join them, and the rows are let go)."""
    held: list[set[str]] = []

    def load(*given: Any, **options: Any) -> Dataset:
        dataset = load_dataset(*given, **options)
        held.append(set(dataset.outcomes["metric"]))
        return dataset

    monkeypatch.setattr(dataset_module, "load_dataset", load)
    return held


@pytest.mark.parametrize("summed_from", [0, 1 << 62])
@pytest.mark.parametrize(
    "shape",
    [
        ["worker_deputies"],
        ["worker_deputies", "--yearly"],
        ["study_grant_per_child", "--by", "region"],
        ["frontline_workers_served", "worker_deputies", "--by", "region", "--wide"],
    ],
)
def test_growth_of_some_metrics_holds_only_their_rows(
    runner: CliRunner,
    outcomes_csv: MakeOutcomes,
    monkeypatch: pytest.MonkeyPatch,
    shape: list[str],
    summed_from: int,
) -> None:
    # The rows of the metrics named, and of those derived figures use; no other.
    args = ("growth", *shape, "-d", str(outcomes_csv(SUMMED)), "-f", "csv")
    monkeypatch.setattr(columnar, "SUMMED_FROM", summed_from)
    expected = run_with_every_metric(runner, monkeypatch, *args)
    assert expected[0] == 0
    held = metrics_held(monkeypatch)
    assert run_cli(runner, *args) == expected
    assert "labour_cost_saving" not in set().union(*held)
    assert "research_funding" not in set().union(*held)


def test_growth_of_some_metrics_sums_only_theirs(
    runner: CliRunner, outcomes_csv: MakeOutcomes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # C's one figure of worker_deputies leaves that series without a total, which
    # needs every row; not when only frontline_workers_served is asked for.
    path = str(outcomes_csv(SUMMED + "\n2021,C,,,worker_deputies,1,,2021,,"))
    monkeypatch.setattr(columnar, "SUMMED_FROM", 0)
    held = metrics_held(monkeypatch)
    assert run_cli(runner, "growth", "frontline_workers_served", "-d", path)[0] == 0
    assert len(held) == 1
    assert run_cli(runner, "growth", "worker_deputies", "-d", path)[0] == 0
    assert len(held) == 3
    assert "worker_deputies" in held[2]  # read again for it, and no other metric
    assert "labour_cost_saving" not in held[2]


@pytest.mark.parametrize(
    "rows", [SUMMED, SUMMED + "\n2021,C,,,worker_deputies,1,,2021,,"], ids=["summed", "C"]
)
def test_metrics_summed_as_read_are_those_of_every_row(
    runner: CliRunner, outcomes_csv: MakeOutcomes, monkeypatch: pytest.MonkeyPatch, rows: str
) -> None:
    # The figures, years and regions of counts and amounts summed as a large file is
    # read come from their partial totals and who reports them.
    path = str(outcomes_csv(rows))
    monkeypatch.setattr(columnar, "SUMMED_FROM", 1 << 62)
    expected = run_cli(runner, "metrics", "-d", path, "-f", "csv")
    assert expected[0] == 0
    monkeypatch.setattr(columnar, "SUMMED_FROM", 0)
    coverage = mock.Mock(wraps=metrics_module.metric_coverage)
    monkeypatch.setattr(metrics_module, "metric_coverage", coverage)
    assert run_cli(runner, "metrics", "-d", path, "-f", "csv") == expected
    (held, _, reporters, partial), _ = coverage.call_args
    assert "worker_deputies" not in set(held["metric"])
    assert partial is not None
    assert reporters is not None
    coverage_of = pd.read_csv(io.StringIO(expected[1])).set_index("metric")
    deputies = coverage_of.loc["worker_deputies", ["first_year", "years", "regions", "figures"]]
    assert list(deputies) == ([2021, 4, 3, 7] if "C" in rows else [2022, 3, 2, 6])


@pytest.mark.parametrize(
    "args",
    [
        ["2023", "2024", "-m", "frontline_workers_served"],
        ["2023", "2024", "-m", "recovered_per_dispute,accident_rate_reduction"],
        ["--by", "region", "西峰区", "环县", "-m", "frontline_workers_served"],
        ["2018", "2024", "-m", "skilled_talents_total"],  # 2018 derived
        ["2010", "2024", "-m", "frontline_workers_served"],  # no 2010: read again, every year
    ],
)
def test_compare_of_some_metrics_holds_only_their_rows(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    command = ["compare", *args, "-d", EXAMPLE, "-f", "csv"]
    expected = run_with_every_metric(runner, monkeypatch, *command)
    assert expected[0] == (1 if "2010" in args else 0)
    held = metrics_held(monkeypatch)
    assert run_cli(runner, *command) == expected
    derivation = derivation_metrics(load_dataset(EXAMPLE).metrics)
    for metrics in held:
        assert metrics <= {*args[-1].split(","), *derivation}
        assert "study_grant_children" in metrics  # derived figures use it


def test_compare_lets_go_of_the_outcomes_once_the_years_are_ranked(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set side by side, the ranked years need the table no more: a large one can go.
    held: list[weakref.ref[pd.DataFrame]] = []
    ranked_years, side_by_side = compare_module.ranked_years, compare_module.years_side_by_side

    def ranked(outcomes: pd.DataFrame, *args: Any, **options: Any) -> pd.DataFrame:
        held.append(weakref.ref(outcomes))
        return ranked_years(outcomes, *args, **options)

    def compared(*args: Any, **options: Any) -> pd.DataFrame:
        gc.collect()
        assert held[0]() is None
        return side_by_side(*args, **options)

    monkeypatch.setattr(compare_module, "ranked_years", ranked)
    monkeypatch.setattr(compare_module, "years_side_by_side", compared)
    code, out, _ = run_cli(runner, "compare", "2023", "2024", "-d", EXAMPLE, "-f", "csv")
    assert code == 0
    assert held
    assert len(pd.read_csv(io.StringIO(out))) > 8


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["2023", "2031"], 1, "no figures for 2031"),
        (["2023", "西峰区"], 2, '"西峰区" is not a year; give --by region'),
        (["2023", "2024", "--year", "2024"], 2, "applies to --by region only"),
        (["--by", "region", "西峰区", "东峰区", "-d", EXAMPLE], 1, "unknown region 东峰区"),
        (["2024", "2024"], 2, "A and B are both 2024"),
        (["2023", "2024", "-m", "competition_trades", "-d", EXAMPLE], 1, "no figures for"),
        (["2023", "2024", "-m", "members"], 1, "unknown metric members"),
    ],
)
def test_compare_mistakes(runner: CliRunner, args: list[str], code: int, message: str) -> None:
    result = run_cli(runner, "compare", *args)
    assert result[0] == code
    assert message in result[2]


# --- check -------------------------------------------------------------------------------


def copy_of_bundled(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(bundled_data_path(), folder, ignore=shutil.ignore_patterns("examples"))
    return folder


def test_check_passes_on_the_bundled_data(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "check")
    assert (code, err) == (0, "")
    assert out == "severity,file,line,column,check,message\n"
    code, out, _ = run_cli(runner, "check", "-f", "table")
    assert "Check: no problems found" in out


def test_check_fails_on_a_changed_medal_count(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_of_bundled(tmp_path)
    outcomes = folder / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    outcomes.write_text(
        text.replace("innovation,invention_expo_gold,2,", "innovation,invention_expo_gold,3,"),
        encoding="utf-8",
    )
    code, out, _ = run_cli(runner, "check", "-d", str(folder), "-f", "json")
    assert code == 1
    (problem,) = json.loads(out)
    assert problem["file"] == str(outcomes)
    assert problem["check"] == "medals_add_up"
    assert problem["line"] == 35
    assert "= 5, invention_expo_medal_projects = 4; expected ==" in problem["message"]
    # The other commands do not run the rules, only the cheap value checks.
    assert run_cli(runner, "summary", "-d", str(folder))[0] == 0


def test_check_lists_a_file_that_does_not_load(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_of_bundled(tmp_path)
    (folder / "rules.csv").write_text("rule,check\nsum,gold.__class__ == 1\n", encoding="utf-8")
    code, out, _ = run_cli(runner, "check", "-d", str(folder), "-f", "jsonl")
    assert code == 1
    problem = json.loads(out)
    assert (problem["file"], problem["line"], problem["column"], problem["check"]) == (
        str(folder / "rules.csv"),
        2,
        "check",
        "load",
    )
    assert problem["message"].startswith("attribute access (.__class__) is not allowed")


def test_a_dataset_with_no_figures_is_named(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text("year,region,metric,value\n", encoding="utf-8")
    expected = ": the dataset holds no figures; expected at least one outcome row\n"
    assert run_cli(runner, "summary", "-d", str(path)) == (1, "", f"Error: {path}{expected}")
    code, _, err = run_cli(runner, "compare", "2023", "2024", "--by", "region", "-d", str(path))
    assert (code, err) == (1, f"Error: {path}{expected}")
    code, _, err = run_cli(runner, "summary", "-d", "-", stdin=path.read_text())
    assert (code, err) == (1, f"Error: <stdin>{expected}")


def test_check_names_no_line_for_a_problem_of_a_whole_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing")
    code, out, _ = run_cli(runner, "check", "-d", missing, "-f", "csv")
    assert code == 1
    assert out.splitlines()[1].startswith(f'error,{missing},,,load,"no such file')
    code, out, _ = run_cli(runner, "check", "-d", missing, "-f", "json")
    assert json.loads(out)[0]["line"] is None


def test_every_command_stops_at_an_impossible_value(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    path = outcomes_csv("2024,兰州市,,,disputes_mediated,-3,,2024,,q\n")
    code, _, err = run_cli(runner, "summary", "-d", str(path))
    assert code == 1
    assert err == f'Error: {path}:2: column "value": a count below zero; found -3\n'
    code, out, _ = run_cli(runner, "check", "-d", str(path))
    assert code == 1
    assert "negative_count" in out


# --- bad rows set aside ------------------------------------------------------------------

BAD_ROWS = (
    "2024,庆阳市,,,disputes_mediated,82,,2024,,q\n"
    "2024,庆阳市,,,disputes_mediated\n"
    "2024,兰州市,,,disputes_mediated,-3,,2024,,q\n"
)


def test_skip_bad_rows_says_how_many_beside_machine_output(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    path = outcomes_csv(BAD_ROWS)
    code, out, err = run_cli(runner, "summary", "-d", str(path), "--skip-bad-rows")
    assert code == 0
    assert err == "Note: 2 bad rows set aside; --rejects FILE keeps them.\n"
    frame = pd.read_csv(io.StringIO(out))
    assert frame["value"].tolist() == [82]


def test_skip_bad_rows_says_how_many_in_the_caption(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    path = outcomes_csv(BAD_ROWS)
    code, out, err = run_cli(runner, "summary", "-d", str(path), "--skip-bad-rows", "-f", "table")
    assert (code, err) == (0, "")
    assert "2 bad rows set aside; --rejects FILE keeps them." in out
    code, out, _ = run_cli(
        runner, "summary", "-d", str(path), "--skip-bad-rows", "-f", "table", "--lang", "zh"
    )
    assert "已跳过 2 行有问题的数据；用 --rejects FILE 保存这些行。" in out


def test_rejects_keeps_every_rejected_row_verbatim(
    runner: CliRunner, outcomes_csv: MakeOutcomes, tmp_path: Path
) -> None:
    path = outcomes_csv(BAD_ROWS)
    rejects = tmp_path / "rejects.csv"
    code, _, err = run_cli(runner, "growth", "-d", str(path), "--rejects", str(rejects))
    assert code == 0
    assert err.endswith(f"\nNote: 2 bad rows set aside, written to {rejects}.\n")
    frame = pd.read_csv(rejects, keep_default_na=False)
    assert frame.columns.tolist() == ["file", "line", "column", "check", "problem", "row"]
    assert frame["line"].tolist() == [3, 4]
    assert frame["row"].tolist() == BAD_ROWS.splitlines()[1:]
    as_json = tmp_path / "rejects.json"
    run_cli(runner, "metrics", "-d", str(path), "--rejects", str(as_json))
    assert [record["line"] for record in json.loads(as_json.read_text())] == [3, 4]
    as_tsv = tmp_path / "rejects.tsv"
    run_cli(runner, "metrics", "-d", str(path), "--rejects", str(as_tsv))
    tab_separated = pd.read_csv(as_tsv, sep="\t", keep_default_na=False)
    assert tab_separated["row"].tolist() == BAD_ROWS.splitlines()[1:]


def test_rejects_of_clean_data_is_an_empty_table(runner: CliRunner, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("left over from an earlier run\n", encoding="utf-8")
    code, _, err = run_cli(runner, "summary", "--rejects", str(rejects))
    assert (code, err) == (0, "")
    assert rejects.read_text(encoding="utf-8") == "file,line,column,check,problem,row\n"


def test_check_lists_every_bad_row(runner: CliRunner, outcomes_csv: MakeOutcomes) -> None:
    path = outcomes_csv(BAD_ROWS)
    code, out, _ = run_cli(runner, "check", "-d", str(path), "-f", "json")
    assert code == 1
    problems = json.loads(out)
    assert [(problem["line"], problem["check"]) for problem in problems] == [
        (3, "load"),
        (4, "negative_count"),
    ]
    assert {problem["severity"] for problem in problems} == {"error"}


def test_encoding_option(runner: CliRunner, write_file: WriteFile) -> None:
    text = "year,region,metric,value\n2024,慶陽市,disputes_mediated,82\n"
    path = write_file("outcomes.csv", text.encode("big5"))
    code, _, err = run_cli(runner, "summary", "-d", str(path))
    assert code == 1
    assert "so the file is likely Big5" in err
    code, out, _ = run_cli(runner, "summary", "-d", str(path), "--encoding", "big5")
    assert code == 0
    assert "慶陽市" in out
    code, _, err = run_cli(runner, "summary", "-d", str(path), "--encoding", "klingon")
    assert code == 2
    assert '"klingon" is not an encoding Python knows' in err


# --- CSV for spreadsheets ----------------------------------------------------------------

FORMULA_CELLS = (
    '2024,=HYPERLINK("http://x"),,,disputes_mediated,82,,2024,,@SUM(A1)\n'
    "2024,+1 区,,,disputes_mediated,3,,2024,,-2+3\n"
    "2024,普通区,,,rd_investment_growth,-27%,,2024,,plain text\n"
)


def test_excel_csv_has_a_bom_crlf_and_inert_formulas(
    runner: CliRunner, outcomes_csv: MakeOutcomes, tmp_path: Path
) -> None:
    path = outcomes_csv(FORMULA_CELLS)
    target = tmp_path / "summary.csv"
    code, _, _ = run_cli(runner, "summary", "-d", str(path), "--excel", "-o", str(target))
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfyear,")
    assert raw.count(b"\r\n") == 4
    assert b"\n" not in raw.replace(b"\r\n", b"")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    assert dict(zip(frame["region"], frame["source"], strict=True)) == {
        '\'=HYPERLINK("http://x")': "'@SUM(A1)",
        "'+1 区": "'-2+3",
        "普通区": "plain text",
    }
    assert sorted(frame["value"]) == [-27, 3, 82]  # numbers stay numbers


def test_plain_csv_keeps_the_data_as_it_is(runner: CliRunner, outcomes_csv: MakeOutcomes) -> None:
    path = outcomes_csv(FORMULA_CELLS)
    code, out, _ = run_cli(runner, "summary", "-d", str(path), "-f", "csv")
    assert code == 0
    assert not out.startswith("\ufeff")
    assert "\r" not in out
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert dict(zip(frame["region"], frame["source"], strict=True)) == {
        '=HYPERLINK("http://x")': "@SUM(A1)",
        "+1 区": "-2+3",
        "普通区": "plain text",
    }


def test_excel_writes_csv_only(runner: CliRunner) -> None:
    code, _, err = run_cli(runner, "summary", "--excel", "-f", "json")
    assert code == 2
    assert "writes CSV, so it does not go with --format json" in err
    code, out, _ = run_cli(runner, "studios", "--excel")
    assert code == 0
    assert out.startswith("\ufeffrank,")


def test_outcomes_of_a_metric_without_rows_says_why(runner: CliRunner) -> None:
    code, out, err = run_cli(runner, "outcomes", "-m", "disputes_mediated,study_grant_per_child")
    assert (code, out) == (1, "")
    assert err == (
        "Error: no outcome rows for study_grant_per_child; expected metrics the file reports; "
        "study_grant_per_child is derived by a formula, so summary, growth and compare show it\n"
    )
    code, out, _ = run_cli(runner, "outcomes", "-m", "disputes_mediated")
    assert code == 0
    assert out.splitlines()[1].startswith("2024,庆阳市,,rights,disputes_mediated,82,")


def test_outcomes_turns_a_messy_file_into_a_clean_one(
    runner: CliRunner, write_file: WriteFile, tmp_path: Path
) -> None:
    text = (
        "year,region,metric,value,source\n"
        "2024,慶陽市,disputes_mediated,近90,調解勞動爭議\n"
        '2024,慶陽市,losses_recovered,"393,600",追回經濟損失\n'
        "2024,慶陽市,study_grant_amount,很多,助學金\n"
    )
    path = write_file("sent.csv", text.encode("big5"))
    clean, rejects = tmp_path / "clean.csv", tmp_path / "bad.csv"
    code, _, err = run_cli(
        runner,
        "outcomes",
        "-d",
        str(path),
        "-e",
        "big5",
        "--rejects",
        str(rejects),
        "-o",
        str(clean),
    )
    assert code == 0, err
    assert clean.read_text(encoding="utf-8") == (
        "year,region,entity,programme,metric,value,qualifier,period,basis,source\n"
        "2024,慶陽市,,rights,disputes_mediated,90,approx,,reported,調解勞動爭議\n"
        "2024,慶陽市,,rights,losses_recovered,393600,exact,,reported,追回經濟損失\n"
    )
    assert pd.read_csv(rejects)["row"].tolist() == ["2024,慶陽市,study_grant_amount,很多,助學金"]
    assert run_cli(runner, "check", "-d", str(clean)) == (
        0,
        "severity,file,line,column,check,message\n",
        "",
    )


def test_check_warns_of_a_flow_larger_than_its_stock(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    path = outcomes_csv(
        "2024,庆阳市,,,skilled_talents_total,100,,2024,,q\n"
        "2024,庆阳市,,,skilled_talents_new,250,,2024,,q\n"
    )
    code, out, _ = run_cli(runner, "check", "-d", str(path), "-f", "json")
    assert code == 0  # a warning
    (problem,) = json.loads(out)
    assert (problem["severity"], problem["check"], problem["line"]) == (
        "warning",
        "skilled_talents_new_within_skilled_talents_total",
        2,
    )


def test_ctrl_c_ends_with_130_and_no_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("laborstats.dataset.load_dataset", interrupted)
    for command in (["summary"], ["check"], ["outcomes"]):
        code, out, err = run_cli(runner, *command)
        assert (code, out, err) == (130, "", "Interrupted.\n")


def test_ctrl_c_while_starting_up_ends_with_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def interrupted_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "laborstats.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 130
    assert capsys.readouterr().err == "Interrupted.\n"


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_end_as_an_exit_that_lets_go_of_what_is_held(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    ending = getattr(signal, name)
    let_go = []

    def ended(**kwargs: object) -> None:
        try:
            os.kill(os.getpid(), ending)
        finally:  # as a temporary copy's folder is removed
            let_go.append(ending)

    monkeypatch.setattr("laborstats.cli.app", ended)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, ending)}
    try:
        with pytest.raises(SystemExit) as caught:
            main()
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert caught.value.code == 128 + ending
    assert let_go == [ending]


def test_no_result_is_written_over_a_file_of_the_dataset(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of_bundled(tmp_path)
    monkeypatch.setattr(dataset_module, "bundled_data_path", lambda: folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    (tmp_path / "linked.csv").hardlink_to(folder / "metrics.csv")
    for args in (
        ["outcomes", "-o", str(folder / "metrics.csv")],  # the bundled data, no --data
        ["summary", "--rejects", str(folder / "studios.csv")],
        ["check", "-d", str(folder), "-f", "csv", "-o", str(tmp_path / "linked.csv")],
        ["outcomes", "-d", str(folder / "outcomes.csv"), "-o", str(folder / "metrics.csv")],
    ):
        code, out, err = run_cli(runner, *args)
        assert (code, out) == (2, ""), args
        assert "is a file of the dataset; name another file" in err
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_other_files_beside_the_dataset_may_be_written_again(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = copy_of_bundled(tmp_path)
    for _ in range(2):  # the first run's files are no part of the dataset the second reads
        assert run_cli(runner, "summary", "-d", str(folder), "-o", str(folder / "s.csv"))[0] == 0
        target = folder / "all.parquet"
        assert runner.invoke(app, ["convert", str(folder), str(target)]).exit_code == 0
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    (folder / "all.parquet").rename(parquet / "all.parquet")
    code, _, err = run_cli(runner, "convert", str(parquet), str(parquet / "more.parquet"))
    assert code == 2
    assert "more.parquet would join the dataset's Parquet files" in err
    all_suffix = str(parquet / ".parquet")  # read too
    code, _, err = run_cli(runner, "summary", "-d", str(parquet), "-f", "csv", "-o", all_suffix)
    assert code == 2
    assert "would join the dataset's Parquet files" in err
    hidden = parquet / ".old" / "more.parquet"  # a hidden folder is never read
    hidden.parent.mkdir()
    assert runner.invoke(app, ["convert", str(parquet), str(hidden)]).exit_code == 0
    for name in ("outcomes.csv", "datapackage.json", "metrics.csv"):  # a dataset folder's
        code, _, err = run_cli(runner, "summary", "-d", str(parquet), "-o", str(parquet / name))
        assert code == 2, name


def test_no_result_is_written_over_the_metrics_beside_a_parquet_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    import pyarrow.csv as pa_csv  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    folder = copy_of_bundled(tmp_path)
    texts = ["entity", "programme", "qualifier", "period", "basis", "source"]
    options = pa_csv.ConvertOptions(column_types=dict.fromkeys(texts, "string"))
    raw = tmp_path / "raw.parquet"  # not written by convert: nothing stored in it
    pq.write_table(pa_csv.read_csv(folder / "outcomes.csv", convert_options=options), raw)
    metrics = tmp_path / "metrics.csv"
    shutil.copy(folder / "metrics.csv", metrics)
    code, _, err = run_cli(runner, "summary", "-d", str(raw), "-f", "csv", "-o", str(metrics))
    assert code == 2
    assert "metrics.csv is a file of the dataset" in err


def test_no_result_is_written_over_a_file_a_data_package_names(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = copy_of_bundled(tmp_path)
    shared = tmp_path / "shared.csv"
    (folder / "outcomes.csv").rename(shared)
    package = {"resources": [{"name": "outcomes", "path": "../shared.csv"}]}
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    before = shared.read_bytes()
    for command in (["summary"], ["report", "-f", "markdown"]):
        code, _, err = run_cli(runner, *command, "-d", str(folder), "-o", str(shared))
        assert code == 2
        assert "shared.csv is a file of the dataset" in err
    assert shared.read_bytes() == before


def test_extract_never_writes_over_its_report(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("2024年，庆阳市技能人才总量达15.24万人。\n", encoding="utf-8")
    code, _, err = run_cli(runner, "extract", str(report), "-f", "csv", "-o", str(report))
    assert code == 2
    assert "report.txt is the report; name another file" in err
    assert report.read_text(encoding="utf-8").startswith("2024年")


def test_excel_keeps_negative_changes_as_numbers(runner: CliRunner) -> None:
    code, out, _ = run_cli(runner, "summary", "-d", EXAMPLE, "--excel")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out.removeprefix("\ufeff")))
    assert "'" not in out
    assert (frame["change"] < 0).any()
    assert frame["pct_change"].dtype == "float64"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rejects", "-"], "needs a file: standard output carries the result"),
        (["--rejects", "{tmp}/same.csv", "-o", "{tmp}/same.csv"], "same.csv is the output"),
        (["--rejects", "{data}"], "outcomes.csv is a file of the dataset; name another file"),
        (["-o", "{data}", "--skip-bad-rows"], "outcomes.csv is a file of the dataset"),
        (["--excel", "-o", "{tmp}/out.json"], 'writes CSV, so it does not go with "out.json"'),
        (
            ["--excel", "-f", "tsv", "-o", "{tmp}/out.csv"],
            "writes CSV, so it does not go with --format tsv",
        ),
    ],
    ids=[
        "rejects-to-stdout",
        "rejects-is-output",
        "rejects-is-input",
        "output-is-input",
        "excel-to-json",
        "excel-with-tsv",
    ],
)
def test_files_that_would_clash_are_usage_errors(
    runner: CliRunner, outcomes_csv: MakeOutcomes, tmp_path: Path, args: list[str], message: str
) -> None:
    path = outcomes_csv(BAD_ROWS)
    before = path.read_bytes()
    filled = [arg.format(tmp=tmp_path, data=path) for arg in args]
    code, out, err = run_cli(runner, "summary", "-d", str(path), *filled)
    assert (code, out) == (2, "")
    assert message in err
    assert path.read_bytes() == before
    assert not (tmp_path / "same.csv").exists()


def test_a_full_disk_is_one_line(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    class FullDisk(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError(28, "No space left on device")

    class Stdout:
        buffer = FullDisk()

    monkeypatch.setattr(sys, "stdout", Stdout())
    with pytest.raises(OutputError) as caught:
        write_stdout("x")
    assert str(caught.value) == "standard output: cannot write: No space left on device"


def test_a_result_written_a_slice_of_rows_at_a_time_is_the_same_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def written(*args: str) -> bytes:
        result = runner.invoke(app, ["summary", *args])
        assert result.exit_code == 0
        return result.stdout_bytes

    options = [["-f", "csv"], ["-f", "tsv"], ["--excel"]]
    whole = [written(*option) for option in options]
    monkeypatch.setattr(render_module, "ROWS_AT_A_TIME", 7)
    for option, data in zip(options, whole, strict=True):
        target = tmp_path / ("summary.tsv" if "tsv" in option else "summary.csv")
        assert written(*option) == data
        assert written(*option, "-o", str(target)) == b""
        assert target.read_bytes() == data
    assert whole[0].count(b"\n") > 3 * 7  # several slices


def test_a_closed_pipe_stops_the_parts_not_yet_made(monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe(io.BytesIO):
        def write(self, data: object) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    class Stdout:
        buffer = ClosedPipe()

    made = []

    def parts() -> Iterator[bytes]:
        for part in (b"a\n", b"b\n", b"c\n"):
            made.append(part)
            yield part

    monkeypatch.setattr(sys, "stdout", Stdout())
    with pytest.raises(BrokenPipeError):
        write_stdout(parts())
    assert made == [b"a\n"]


def test_check_can_keep_the_bad_rows_too(
    runner: CliRunner, outcomes_csv: MakeOutcomes, tmp_path: Path
) -> None:
    rejects = tmp_path / "bad.csv"
    code, _, _ = run_cli(
        runner, "check", "-d", str(outcomes_csv(BAD_ROWS)), "--rejects", str(rejects)
    )
    assert code == 1
    assert pd.read_csv(rejects)["line"].tolist() == [3, 4]


@pytest.mark.parametrize(
    "command", ["summary", "metrics", "outcomes", "growth", "compare", "check", "studios"]
)
def test_every_command_takes_the_shared_options(runner: CliRunner, command: str) -> None:
    code, out, _ = run_cli(runner, command, "--help")
    assert code == 0
    for option in ("--data", "--encoding", "--skip-bad-rows", "--rejects", "--format", "--output"):
        assert option in out
    for option in ("--excel", "--lang", "--debug"):
        assert option in out


@pytest.mark.parametrize("command", [["check"], ["summary", "--skip-bad-rows"]])
def test_bad_rows_in_a_large_file_are_listed_as_the_exact_reader_lists_them(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    # Byte ranges and batches of a few lines, as in a large file: the fast path
    # leaves only the rows it doubts to the exact reader.
    rows = [f"2024,r{line},,,disputes_mediated,{line},,2024,," for line in range(2, 402)]
    rows[40 - 2] = "2024,r40,,,disputes_mediated,-3,,2024,,"
    rows[250 - 2] = "2024,r250,,,nonsense,1,,2024,,"
    rows[399 - 2] = "2024,r399,,,disputes_mediated,lots,,2024,,"
    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join([OUTCOMES_HEADER, *rows, ""]), encoding="utf-8")
    args = [*command, "-d", str(path), "-f", "csv", "--rejects", str(tmp_path / "bad.csv")]
    with (
        mock.patch.object(columnar, "PART", 1024),
        mock.patch.object(columnar, "CORES", 3),
        mock.patch.object(columnar, "BLOCK", 512),
        mock.patch.object(
            dataset_module, "read_csv_text", wraps=dataset_module.read_csv_text
        ) as read,
    ):
        listed = run_cli(runner, *args)
        rejects = (tmp_path / "bad.csv").read_text(encoding="utf-8")
    # The header and the three bad rows: the exact reader read nothing else of the file.
    texts = [call.args[0] for call in read.call_args_list if call.args[1] == str(path)]
    assert [text.count("\n") for text in texts] == [4]
    with mock.patch("laborstats.dataset.scan_outcomes", return_value=None):
        assert listed == run_cli(runner, *args)
    assert rejects == (tmp_path / "bad.csv").read_text(encoding="utf-8")
    assert pd.read_csv(io.StringIO(rejects))["line"].tolist() == [40, 250, 399]


@pytest.mark.parametrize("lang", [Lang.EN, Lang.ZH])
@pytest.mark.parametrize("data", [None, EXAMPLE])  # studios; regions
def test_a_yearly_series_is_named_on_its_first_row_only(data: str | None, lang: Lang) -> None:
    dataset = load_dataset(data)
    rows = as_texts(dataset.outcomes)
    studios = rows[rows["entity"] != ""]  # a second studio of each one's metrics
    rows = pd.concat([rows, studios.assign(entity=studios["entity"] + " 2")])
    rows = pd.concat([rows, rows.assign(year=rows["year"] - 10)], ignore_index=True)  # 2+ years
    result = yearly_growth(
        rows.sort_values(["metric", "region", "entity", "year"]), dataset.metrics
    )
    shown = yearly_view(result, dataset, lang, left_out=0).frame
    label = result["label_zh" if lang is Lang.ZH else "label_en"]
    several = result["region"].nunique() > 1
    series = list(zip(label, result["entity"], result["region"] if several else label, strict=True))
    firsts = [at == 0 or series[at] != series[at - 1] for at in range(len(series))]
    assert (shown["series"] != "").tolist() == firsts
    assert 1 < sum(firsts) < len(firsts)
    assert several == (data is not None)
    assert (result["entity"] != "").any() == (data is None)
    for at in np.flatnonzero(firsts):  # the label, the entity, the region where several
        name = shown["series"].iloc[at]
        entity = result["entity"].iloc[at]
        assert name.startswith(f"{label.iloc[at]} · {entity}" if entity else label.iloc[at])
        region = region_names(result["region"].iloc[[int(at)]], lang).iloc[0]
        assert name.endswith(" · " + region) == several


def on_a_terminal(*args: str) -> str:
    """What a command prints with a (pseudo-)terminal as its standard output, plain."""
    terminal, end = os.openpty()
    environment = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "laborstats", *args]
    with subprocess.Popen(command, stdout=end, stderr=subprocess.DEVNULL, env=environment) as run:
        os.close(end)
        chunks = []
        while True:
            try:
                chunk = os.read(terminal, 1 << 16)
            except OSError:  # EIO: the command has ended and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    os.close(terminal)
    assert run.returncode == 0
    return re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode())


def test_a_terminal_shows_the_first_rows_of_a_large_table_and_says_how_many_more(
    runner: CliRunner, outcomes_csv: MakeOutcomes
) -> None:
    regions = TERMINAL_ROWS + 5
    path = outcomes_csv(
        "".join(f"2024,r{n:04},,,disputes_mediated,{n},,2024,,q\n" for n in range(regions))
    )
    _, csv_out, _ = run_cli(runner, "summary", "--data", str(path), "--format", "csv")
    every = pd.read_csv(io.StringIO(csv_out), keep_default_na=False)
    assert len(every) > TERMINAL_ROWS
    shown = on_a_terminal("summary", "--data", str(path))
    words = " ".join(shown.split())  # the caption wraps as the table is wide
    assert f"The first {TERMINAL_ROWS:,} of {len(every):,} rows are shown" in words
    named = [region for region in every["region"] if re.search(rf"\b{region}\b", shown)]
    assert named == list(every["region"][:TERMINAL_ROWS])
    # Through a pipe, a table has every row, and no note.
    code, table, _ = run_cli(runner, "summary", "--data", str(path), "--format", "table")
    assert code == 0
    assert "rows are shown" not in table
    assert all(re.search(rf"\b{region}\b", table) for region in every["region"])
