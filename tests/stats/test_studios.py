"""league_table(): studios ranked by one outcome, missing values last."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from laborstats.dataset import load_dataset
from laborstats.errors import SelectionError
from laborstats.stats.studios import FIGURES, league_table, resolve_column


def studios(savings: list[float], kinds: list[str] | None = None) -> pd.DataFrame:
    """Studios A, B, C… with the given annual savings and nothing else reported."""
    count = len(savings)
    frame = pd.DataFrame(
        {
            "studio": [chr(ord("A") + i) for i in range(count)],
            "organisation": "",
            "kind": kinds or ["team"] * count,
            "region": "R",
            "founded": pd.array([pd.NA] * count, dtype="Int64"),
            "source": "",
        }
    )
    for name in FIGURES:
        frame[name] = np.nan
        frame[f"{name}_qualifier"] = pd.Series(pd.NA, index=frame.index, dtype="str")
    frame["annual_savings"] = savings
    frame["annual_savings_qualifier"] = "exact"
    return frame


def test_missing_values_rank_last_in_either_direction_and_ties_share_a_rank() -> None:
    data = studios([5.0, np.nan, 9.0, 5.0])
    descending = league_table(data)
    assert descending["studio"].tolist() == ["C", "A", "D", "B"]
    assert descending["rank"].tolist() == [1, 2, 2, pd.NA]
    ascending = league_table(data, ascending=True)
    assert ascending["studio"].tolist() == ["A", "D", "C", "B"]
    assert ascending["rank"].tolist() == [1, 1, 3, pd.NA]


def test_top_never_cuts_a_tie() -> None:
    data = studios([5.0, 9.0, 5.0, 5.0, np.nan])
    assert league_table(data, top=2)["studio"].tolist() == ["B", "A", "C", "D"]
    assert league_table(data, top=1)["studio"].tolist() == ["B"]
    assert league_table(data, top=4)["studio"].tolist() == ["B", "A", "C", "D"]
    assert league_table(data, ascending=True, top=4)["studio"].tolist() == ["A", "C", "D", "B"]


def test_top_kind_and_columns() -> None:
    data = studios([1.0, 2.0, 3.0], kinds=["x", "y", "x"])
    result = league_table(data, top=1, kinds=["x"], columns=["patents"])
    assert result["studio"].tolist() == ["C"]
    assert list(result.columns) == [
        "rank",
        "studio",
        "organisation",
        "kind",
        "region",
        "founded",
        "annual_savings",
        "annual_savings_qualifier",
        "invention_patents",
        "invention_patents_qualifier",
        "source",
    ]


def test_unknown_column_and_kind_are_refused() -> None:
    with pytest.raises(
        SelectionError, match="unknown studio column wealth; expected one of savings"
    ):
        resolve_column("wealth")
    with pytest.raises(SelectionError, match="unknown studio kind z; expected one of team"):
        league_table(studios([1.0]), kinds=["z"])


def test_bundled_annual_benefit_is_derived_and_keeps_its_qualifier() -> None:
    dataset = load_dataset()
    assert dataset.studios is not None
    result = league_table(dataset.studios, sort="benefit").set_index("studio")
    gong = result.loc["巩怀华劳模创新工作室"]
    assert gong["annual_benefit"] == gong["economic_benefit"] / gong["benefit_years"] == 16_000_000
    assert gong["annual_benefit_qualifier"] == "at_least"
    assert gong["annual_benefit_basis"] == "derived"
    assert gong["rank"] == 1


def test_bundled_savings_ranking() -> None:
    dataset = load_dataset()
    assert dataset.studios is not None
    result = league_table(dataset.studios)
    assert result["studio"].iloc[0] == "华能庆阳煤电科技创新工作室"
    assert result["annual_savings"].iloc[0] == 5_600_000
    assert result["rank"].tolist() == [1, pd.NA, pd.NA, pd.NA]
