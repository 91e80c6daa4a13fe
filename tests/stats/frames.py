"""Small metric dictionaries and outcome tables, typed as the loader types them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from laborstats.codes import as_codes

Row = tuple[int, str, str, float, str]  # year, region, metric, value, qualifier

# metric: (unit, kind, formula, flow_of)
DEFINITIONS = {
    "members": ("person", "count", "", ""),
    "joined": ("person", "count", "", "members"),
    "grants": ("yuan", "amount", "", ""),
    "children": ("person", "count", "", ""),
    "per_child": ("yuan", "ratio", "grants / children", ""),
    "coverage": ("percent", "rate", "", ""),
    "place": ("place", "rank", "", ""),
    "salary": ("yuan", "ratio", "", ""),
}


def metrics_frame() -> pd.DataFrame:
    """A dictionary of the metrics above, in that order, all in programme "unions"."""
    rows = [
        {
            "metric": metric,
            "programme": "unions",
            "label_en": metric.capitalize(),
            "label_zh": metric,
            "unit": unit,
            "kind": kind,
            "direction": "lower" if kind == "rank" else "higher",
            "formula": formula,
            "flow_of": flow_of,
        }
        for metric, (unit, kind, formula, flow_of) in DEFINITIONS.items()
    ]
    return pd.DataFrame(rows).astype("str")


def outcomes_frame(rows: Sequence[Row]) -> pd.DataFrame:
    """Outcome rows of (year, region, metric, value, qualifier), each for its own year,
    their texts coded as the loader codes them (see laborstats.codes)."""
    frame = pd.DataFrame(rows, columns=["year", "region", "metric", "value", "qualifier"])
    typed = frame.assign(
        entity="",
        programme="unions",
        period=frame["year"].astype("str"),
        basis="reported",
        source="q",
        line=np.arange(2, len(frame) + 2),
    ).astype(
        {"region": "str", "metric": "str", "qualifier": "str", "entity": "str", "value": float}
    )[
        [
            "year",
            "region",
            "entity",
            "programme",
            "metric",
            "value",
            "qualifier",
            "period",
            "basis",
            "source",
            "line",
        ]
    ]
    return as_codes(typed)
