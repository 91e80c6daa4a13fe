"""Generate a large synthetic dataset in laborstats' own format, for the benchmark.

Regions × metrics × years, 2000–2024, with the metric dictionary of the
bundled data. Values are mostly plain numbers; one in a hundred is written
as reports write them (15.24万, 近90) so that the figure parser is part of
what is measured. A fixed seed makes every run produce the same bytes.

    python benchmarks/generate.py --rows 10000000 --out benchmarks/data/10m
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from laborstats.dataset import bundled_data_path
from laborstats.schema import OUTCOMES, PROVENANCE

SEED = 20261124
YEARS = np.arange(2000, 2025)
CHUNK = 1_000_000  # rows written at a time, so memory stays flat at any size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="outcome rows to write")
    parser.add_argument("--out", type=Path, help="the dataset folder (default benchmarks/data/N)")
    parser.add_argument(
        "--own-quotes",
        action="store_true",
        help="give each figure a source of its own, as reports quote a sentence a figure "
        "(default: one source for all); the folder's default name ends in -quotes",
    )
    arguments = parser.parse_args()
    name = f"{arguments.rows}{'-quotes' if arguments.own_quotes else ''}"
    out = arguments.out or Path(__file__).parent / "data" / name
    generate(arguments.rows, out, own_quotes=arguments.own_quotes)
    print(f"{arguments.rows:,} rows in {out}")


def generate(rows: int, out: Path, *, own_quotes: bool = False) -> None:
    """Write outcomes.csv, metrics.csv and datapackage.json for ``rows`` figures; with
    ``own_quotes``, each figure's source is a sentence of its own."""
    out.mkdir(parents=True, exist_ok=True)
    bundled = bundled_data_path()
    shutil.copyfile(bundled / "metrics.csv", out / "metrics.csv")
    metrics = pd.read_csv(bundled / "metrics.csv", keep_default_na=False, dtype=str)
    metrics = metrics[metrics["formula"] == ""].reset_index(drop=True)
    per_region = len(metrics) * len(YEARS)
    rng = np.random.default_rng(SEED)
    header = [column.name for column in OUTCOMES.columns if column not in PROVENANCE]
    with (out / "outcomes.csv").open("w", encoding="utf-8", newline="") as stream:
        stream.write(",".join(header) + "\n")
        for start in range(0, rows, CHUNK):
            index = np.arange(start, min(start + CHUNK, rows))
            chunk = _chunk(index, metrics, per_region, rng)
            if own_quotes:
                chunk["source"] = [
                    f"据报告，第{number}项数据为本基准合成，非来自任何报告" for number in index
                ]
            chunk[header].to_csv(stream, header=False, index=False, lineterminator="\n")
    package = {
        "name": "laborstats-benchmark",
        "title": f"SYNTHETIC benchmark data, {rows:,} figures",
        "resources": [
            {"name": "outcomes", "path": "outcomes.csv", "encoding": "utf-8"},
            {"name": "metrics", "path": "metrics.csv", "encoding": "utf-8"},
        ],
    }
    (out / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")


def _chunk(
    index: np.ndarray, metrics: pd.DataFrame, per_region: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Rows ``index`` of the full table: region-major, then metric, then year."""
    region = index // per_region
    metric = (index % per_region) // len(YEARS)
    year = YEARS[index % len(YEARS)]
    unit = metrics["unit"].to_numpy()[metric]
    kind = metrics["kind"].to_numpy()[metric]
    base = rng.lognormal(mean=6, sigma=1.5, size=len(index)) * (1 + (year - 2000) * 0.04)
    base = np.where(metrics["flow_of"].to_numpy()[metric] != "", base / 1000, base)
    value = np.where(unit == "percent", np.round(base % 100, 1), np.round(base, 2))
    value = np.where(kind == "count", np.floor(base), value)
    text = pd.Series(value).map(repr).str.removesuffix(".0")
    written = rng.random(len(index))
    wan = (written < 0.01) & (value >= 10_000) & (unit != "percent")
    text[wan] = pd.Series(
        [f"{number / 10_000:.4f}万" for number in value[wan]], index=text.index[wan]
    )
    near = (written >= 0.99) & (kind == "count")
    text[near] = "近" + text[near]
    period = pd.Series(year).astype(str)
    return pd.DataFrame(
        {
            "year": year,
            "region": pd.Series(region).map(lambda number: f"地区{number:05d}"),
            "entity": "",
            "programme": "",
            "metric": metrics["metric"].to_numpy()[metric],
            "value": text,
            "qualifier": "",
            "period": period.where(kind != "rank", ""),
            "basis": "",
            "source": "synthetic figure for the benchmark, not from any report",
        }
    )


if __name__ == "__main__":
    main()
