"""The README's examples are real output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborstats.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def code_block_after(marker: str) -> list[str]:
    match = re.search(re.escape(marker) + r".*?```[a-z]*\n(.*?)```", README, re.DOTALL)
    assert match, marker
    return [line.rstrip() for line in match.group(1).splitlines()]


def appears_in_order(expected: list[str], actual: list[str]) -> bool:
    remaining = iter(actual)
    return all(any(line == candidate for candidate in remaining) for line in expected)


def invoke(runner: CliRunner, *args: str) -> list[str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return [line.rstrip() for line in result.stdout.splitlines()]


def test_summary_table_example(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    actual = invoke(runner, "summary", "--format", "table", "--programme", "skills,rights")
    shown = [line for line in code_block_after("<!-- summary-example -->") if line != "  …"]
    assert appears_in_order(shown, actual)


def test_chinese_table_example(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    actual = invoke(runner, "summary", "-f", "table", "-p", "aid", "--lang", "zh")
    assert appears_in_order(code_block_after("With `--lang zh`"), actual)


def test_pipe_example(runner: CliRunner) -> None:
    block = code_block_after("In a pipe the output is CSV")
    assert block[0] == "$ laborstats summary -p aid | head -2"
    assert invoke(runner, "summary", "-p", "aid")[:2] == block[1:]


def test_extract_example(runner: CliRunner) -> None:
    block = code_block_after("<!-- extract-example -->")
    assert block[0] == "$ laborstats extract report.txt --format csv | head -2"
    report = Path(__file__).parent / "fixtures" / "qingyang_2024_report_scraped.txt"
    result = runner.invoke(app, ["extract", str(report), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == block[1:3]
    assert result.stdout.splitlines()[:2] == block[3:]


def test_ci_runs_the_readme_test_command() -> None:
    command = code_block_after("Install the test dependencies")
    assert len(command) == 1
    assert "pytest" in command[0]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert command[0] in ci.splitlines()


def test_readme_install_command_runs_summary() -> None:
    (command,) = code_block_after("install, then print the headline figures")
    assert command.endswith("laborstats summary")
    assert "pip install ." in command


@pytest.mark.parametrize(
    ("marker", "args"),
    [
        ("<!-- growth-example -->", ["growth"]),
        (
            "<!-- growth-regions-example -->",
            ["growth", "-d", "example:qingyang-counties", "--by", "region", "disputes_mediated"],
        ),
        (
            "<!-- compare-example -->",
            [
                "compare",
                "-d",
                "example:qingyang-counties",
                "--by",
                "region",
                "西峰区",
                "环县",
                "-m",
                "skilled_talents_total,disputes_mediated,study_grant_per_child",
            ],
        ),
    ],
)
def test_growth_and_compare_examples(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, marker: str, args: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    actual = invoke(runner, *args, "--format", "table")
    assert code_block_after(marker) == actual
