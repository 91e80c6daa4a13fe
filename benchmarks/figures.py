"""How fast the figure parser reads a column: plain numbers, and figures as reports write them.

Prints million cells per second for a million cells of each kind, best of
five, beside pandas' own to_numeric on the plain column (which cannot read
the written forms at all), measured in the same run.

    python benchmarks/figures.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from laborstats.quantities import parse_quantities

CELLS = 1_000_000
FORMS: list[Callable[[float], str]] = [
    lambda value: f"{value / 1e4:.2f}万",
    lambda value: f"近{int(value)}",
    lambda value: f"{int(value / 1e4)}余万元",
    lambda value: f"{int(value):,}",
    lambda value: f"{value:.1f}%",
    lambda value: f"约{value / 1e8:.1f}亿",
    lambda value: f"超过{int(value)}项",
    lambda value: f"１２{int(value) % 10}",
]


def best_rate(parse: Callable[[pd.Series], object], cells: pd.Series) -> float:
    """Million cells per second, best of five runs."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        parse(cells)
        best = min(best, time.perf_counter() - started)
    return len(cells) / best / 1e6


def main() -> None:
    rng = np.random.default_rng(7)
    values = rng.lognormal(8, 2, CELLS)
    plain = pd.Series(np.round(values, 2).astype(str), dtype="str")
    kinds = rng.integers(0, len(FORMS), CELLS)
    written = pd.Series(
        [FORMS[kind](value) for kind, value in zip(kinds, values, strict=True)], dtype="str"
    )
    print("| column | parser | M cells/s |")
    print("| --- | --- | ---: |")
    print(f"| plain numbers | laborstats | {best_rate(parse_quantities, plain):.2f} |")
    rate = best_rate(lambda cells: pd.to_numeric(cells, errors="coerce"), plain)
    print(f"| plain numbers | pandas to_numeric | {rate:.2f} |")
    rate = best_rate(parse_quantities, written)
    print(f"| written forms (万, 近, 余, 1,234, %…) | laborstats | {rate:.2f} |")


if __name__ == "__main__":
    main()
