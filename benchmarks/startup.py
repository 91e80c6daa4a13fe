"""Time laborstats' start-up: --help, and summary on the bundled data, against bare imports.

The targets of issue 5: `laborstats --help` and `laborstats COMMAND --help`
within 0.20 s, and `summary` on the bundled data within 0.15 s of the bare
cost of importing typer, rich and pandas in one process. Every command runs
as its own process, command after command in turn (so a busy moment of the
machine hits each alike), after one warm-up round that also writes the
bytecode caches an installed package has; the table gives the median wall
time, its difference from the bare imports and the peak memory.

    python benchmarks/startup.py --runs 11
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import LABORSTATS, Tool, machine, run_once

BARE = "bare imports"
HELP_LIMIT = 0.20  # seconds
SUMMARY_OVER_BARE = 0.15  # seconds


def commands() -> list[Tool]:
    return [
        Tool(BARE, "python", [sys.executable, "-c", "import typer, rich.table, pandas"]),
        Tool("laborstats --help", "python", [*LABORSTATS, "--help"]),
        Tool("laborstats summary --help", "python", [*LABORSTATS, "summary", "--help"]),
        Tool("laborstats summary", "python", [*LABORSTATS, "summary", "--format", "csv"]),
    ]


def target(name: str, median: float, bare: float) -> str:
    if name == BARE:
        return ""
    if name.endswith("--help"):
        return f"≤ {HELP_LIMIT:.2f} s: {_met(median <= HELP_LIMIT)}"
    return f"≤ bare + {SUMMARY_OVER_BARE:.2f} s: {_met(median - bare <= SUMMARY_OVER_BARE)}"


def _met(held: bool) -> str:
    return "met" if held else "not met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="measured runs after a warm-up")
    arguments = parser.parse_args()
    # An installed package has its bytecode compiled; without it, this would time the compiler.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"# start-up, median of {arguments.runs}; {machine()}\n")
    tools = commands()
    seconds: dict[str, list[float]] = {tool.name: [] for tool in tools}
    peaks: dict[str, int] = dict.fromkeys(seconds, 0)
    for round_ in range(arguments.runs + 1):
        for tool in tools:
            took, peak, failed = run_once(tool, timeout=60)
            if failed:
                raise SystemExit(f"{tool.name}: {failed}")
            if round_:  # the first round warms caches and writes bytecode
                seconds[tool.name].append(took)
                peaks[tool.name] = max(peaks[tool.name], peak)
    medians = {name: statistics.median(times) for name, times in seconds.items()}
    bare = medians[BARE]
    print("| command | median s | over bare s | peak MiB | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, median in medians.items():
        over = f"{median - bare:+.3f}" if name != BARE else ""
        line = f"| {name} | {median:.3f} | {over} | {peaks[name] / 1024:,.0f} |"
        print(f"{line} {target(name, median, bare)} |")


if __name__ == "__main__":
    main()
