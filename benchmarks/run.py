"""Time laborstats against DuckDB, Miller and csvkit on the same large outcomes table.

Each tool runs as its own process on the same file, tool after tool in
turn (so a busy moment of the machine hits every tool alike), after one
warm-up round; the table gives the median wall time, the peak memory of
the process (from wait4's rusage) and the ratio to DuckDB's time. A peer
that is not installed is reported and skipped. The peers get the plain
aggregation — the sum of each metric over regions per year, with the
change on the year before — and skip the cells that are not plain numbers
(15.24万…), which laborstats parses; laborstats also validates every row.
"duckdb, every column" is DuckDB reading every column, as checking each
cell needs, and "duckdb, checked" making most of those checks too (see tools).
laborstats runs twice: on the CSV file, and on the Parquet file that
`laborstats convert` wrote from it once (its time is printed first).

    pip install ".[bench]"          # duckdb-cli and csvkit; Miller: apt install miller
    python benchmarks/run.py --rows 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LABORSTATS = [sys.executable, "-m", "laborstats"]


@dataclass(frozen=True)
class Tool:
    name: str
    program: str  # what must be installed
    command: list[str]


@dataclass
class Measure:
    seconds: list[float]
    peak_kib: int = 0
    failed: str = ""


def tools(folder: Path, parquet: Path) -> dict[str, list[Tool]]:
    """The commands of each task: laborstats and its peers, on the dataset in ``folder``,
    and laborstats on the same outcomes converted to ``parquet``."""
    outcomes = folder / "outcomes.csv"
    sql = (
        "COPY (WITH totals AS (SELECT year, metric, sum(TRY_CAST(value AS DOUBLE)) AS total "
        f"FROM read_csv('{outcomes}', header = true, types = {{'value': 'VARCHAR'}}) "
        "GROUP BY year, metric) SELECT year, metric, total, total - lag(total) OVER "
        "(PARTITION BY metric ORDER BY year) AS change FROM totals ORDER BY metric, year) "
        "TO '/dev/stdout' (HEADER)"
    )
    # The same aggregation with every column read, as any tool that checks each cell
    # must read them (their lengths summed, else DuckDB reads the three it needs): what
    # reading the whole file costs a columnar engine before it checks anything.
    every = "year, region, entity, programme, metric, value, qualifier, period, basis, source"
    lengths = " + ".join(f"length(coalesce({name}, ''))" for name in every.split(", "))
    every_column_sql = (
        "COPY (WITH totals AS (SELECT year, metric, sum(TRY_CAST(value AS DOUBLE)) AS total, "
        f"sum({lengths}) AS characters "
        f"FROM read_csv('{outcomes}', header = true, all_varchar = true) GROUP BY year, metric) "
        "SELECT year, metric, total, total - lag(total) OVER (PARTITION BY metric ORDER BY year) "
        "AS change, characters FROM totals ORDER BY metric, year) TO '/dev/stdout' (HEADER)"
    )
    # The same aggregation after the checks laborstats makes of each row, as DuckDB
    # would make them: every column read as text; a year, a known metric, a region, a
    # qualifier, a period and a value (a number or a written form) in every row; no
    # key twice (by hashes, as laborstats finds repeats). Its time says what checking
    # costs a columnar engine; the ratios stay to the plain aggregation.
    rows = f"read_csv('{outcomes}', header = true, all_varchar = true)"
    known = f"SELECT metric FROM read_csv('{folder / 'metrics.csv'}', all_varchar = true)"
    bad_row = (
        f"NOT coalesce(TRY_CAST(year AS INTEGER) BETWEEN 1000 AND {date.today().year}, false) "
        f"OR coalesce(region, '') = '' OR metric NOT IN ({known}) "
        "OR coalesce(qualifier, '') NOT IN ('', 'exact', 'approx', 'at_least', 'at_most') "
        "OR NOT regexp_full_match(coalesce(period, ''), "
        "'|[0-9]{4}|annual|cumulative|[1-9][0-9]* (years?|months?)') "
        "OR (TRY_CAST(value AS DOUBLE) IS NULL "
        "AND NOT regexp_full_match(value, '[近约]?[0-9.,]+[万亿]?[余多]?[^,]*'))"
    )
    checked_sql = (
        f"COPY (WITH rows AS (SELECT * FROM {rows}), "
        f"checks AS (SELECT count(*) FILTER (WHERE {bad_row}) AS bad_rows, "
        "count(*) - count(DISTINCT hash(year, region, entity, metric, period)) AS repeated_keys "
        "FROM rows), "
        "totals AS (SELECT year, metric, sum(TRY_CAST(value AS DOUBLE)) AS total "
        "FROM rows GROUP BY year, metric) "
        "SELECT year, metric, total, total - lag(total) OVER (PARTITION BY metric ORDER BY year) "
        "AS change, bad_rows, repeated_keys FROM totals, checks ORDER BY metric, year) "
        "TO '/dev/stdout' (HEADER)"
    )
    miller = [
        "mlr", "--icsv", "--ocsv", "filter", "is_numeric($value)",
        "then", "stats1", "-a", "sum", "-f", "value", "-g", "metric,year",
        "then", "sort", "-f", "metric", "-n", "year",
        "then", "step", "-a", "delta", "-f", "value_sum", "-g", "metric",
        str(outcomes),
    ]  # fmt: skip
    csvkit = [
        "csvsql", "--no-inference", "--query",
        "select year, metric, sum(cast(value as real)) as total from outcomes "
        "group by year, metric order by metric, year",
        str(outcomes),
    ]  # fmt: skip
    peers = [
        Tool("duckdb", "duckdb", ["duckdb", "-c", sql]),
        Tool("duckdb, every column", "duckdb", ["duckdb", "-c", every_column_sql]),
        Tool("duckdb, checked", "duckdb", ["duckdb", "-c", checked_sql]),
        Tool("miller", "mlr", miller),
        Tool("csvkit", "csvsql", csvkit),
    ]
    commands = {
        "summary": ["summary"],
        "growth": ["growth"],
        "compare": ["compare", "2023", "2024"],
    }
    return {
        task: [
            Tool("laborstats", "python", [*LABORSTATS, *command, "-d", str(folder), "-f", "csv"]),
            Tool(
                "laborstats, Parquet",
                "python",
                [*LABORSTATS, *command, "-d", str(parquet), "-f", "csv"],
            ),
            *peers,
        ]
        for task, command in commands.items()
    }


def run_once(tool: Tool, timeout: float) -> tuple[float, int, str]:
    """Wall seconds and peak resident KiB of one run, or what went wrong.

    Linux counts in a child's peak the size of the process that started it
    (exec keeps the high-water mark of the memory it replaces), so this
    runner imports no pandas or NumPy: its own 15 MiB or so is the floor of
    every peak it prints.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        tool.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            return timeout, 0, f"over {timeout:.0f} s"
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        return seconds, usage.ru_maxrss, error.strip().splitlines()[-1][:80] if error else "failed"
    return seconds, usage.ru_maxrss, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="measured runs after a warm-up")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is cut")
    parser.add_argument("--tasks", default="summary,growth,compare")
    parser.add_argument("--skip", default="", help="tools to leave out, such as csvkit")
    arguments = parser.parse_args()

    folder = Path(__file__).parent / "data" / str(arguments.rows)
    if not (folder / "outcomes.csv").is_file():
        # In a process of its own: this one stays small (see run_once).
        generator = [sys.executable, str(Path(__file__).parent / "generate.py")]
        rows = str(arguments.rows)
        subprocess.run([*generator, "--rows", rows, "--out", str(folder)], check=True)
    size = (folder / "outcomes.csv").stat().st_size
    print(f"# {arguments.rows:,} rows, {size / 2**20:,.0f} MiB; {machine()}\n")
    parquet = folder.parent / f"{arguments.rows}.parquet"
    if not parquet.is_file():
        command = [*LABORSTATS, "convert", str(folder), str(parquet)]
        started = time.perf_counter()
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
        took = time.perf_counter() - started
        print(f"laborstats convert: {took:.1f} s, {parquet.stat().st_size / 2**20:,.1f} MiB\n")
    print("| task | tool | median s | peak MiB | × DuckDB |")
    print("| --- | --- | ---: | ---: | ---: |")
    skipped = set(filter(None, arguments.skip.split(",")))
    for task, candidates in tools(folder, parquet).items():
        if task not in arguments.tasks.split(","):
            continue
        present = [tool for tool in candidates if tool.name not in skipped]
        for tool in present:
            if shutil.which(tool.program) is None and tool.program != "python":
                print(f"| {task} | {tool.name} | not installed | | |")
        present = [
            tool for tool in present if tool.program == "python" or shutil.which(tool.program)
        ]
        measures = {tool.name: Measure([]) for tool in present}
        for round_ in range(arguments.runs + 1):
            for tool in present:
                measure = measures[tool.name]
                if measure.failed:
                    continue
                seconds, peak, failed = run_once(tool, arguments.timeout)
                measure.failed = failed
                if round_:  # the first round warms caches
                    measure.seconds.append(seconds)
                    measure.peak_kib = max(measure.peak_kib, peak)
        duck = measures.get("duckdb")
        base = statistics.median(duck.seconds) if duck and duck.seconds else None
        for name, measure in measures.items():
            if measure.failed:
                print(f"| {task} | {name} | {measure.failed} | | |")
                continue
            median = statistics.median(measure.seconds)
            ratio = f"{median / base:.2f}" if base else "—"
            print(f"| {task} | {name} | {median:.2f} | {measure.peak_kib / 1024:,.0f} | {ratio} |")


def machine() -> str:
    """What the numbers were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{model or platform.processor()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


if __name__ == "__main__":
    main()
