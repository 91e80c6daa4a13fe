"""summarise(): the year's figures with changes on the year before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from laborstats.dataset import load_dataset
from laborstats.errors import SelectionError
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.summary import SUMMARY_COLUMNS, summarise

METRICS = pd.DataFrame(
    {
        "metric": ["members", "grants", "coverage"],
        "programme": ["unions", "aid", "unions"],
        "label_en": ["Members", "Grants", "Coverage"],
        "label_zh": ["会员", "助学金", "覆盖率"],
        "unit": ["person", "yuan", "percent"],
        "kind": ["count", "amount", "rate"],
        "direction": ["higher", "higher", "higher"],
        "formula": ["", "", ""],
    }
)


def outcomes(rows: list[tuple[int, str, str, float, str]]) -> pd.DataFrame:
    """Outcome rows of (year, region, metric, value, qualifier), as the loader types them."""
    frame = pd.DataFrame(rows, columns=["year", "region", "metric", "value", "qualifier"])
    programme = frame["metric"].map(METRICS.set_index("metric")["programme"])
    return frame.assign(
        entity="",
        programme=programme,
        period=frame["year"].astype("str"),
        basis="reported",
        source="q",
        line=np.arange(2, len(frame) + 2),
    ).astype(
        {"region": "str", "metric": "str", "qualifier": "str", "entity": "str", "value": float}
    )


TWO_YEARS = outcomes(
    [
        (2023, "A", "members", 1000, "exact"),
        (2024, "A", "members", 1100, "at_least"),
        (2023, "A", "coverage", 40, "exact"),
        (2024, "A", "coverage", 45, "exact"),
        (2023, "A", "grants", 0, "exact"),
        (2024, "A", "grants", 500, "exact"),
        (2024, "B", "members", 70, "approx"),
    ]
)


def test_changes_on_the_year_before() -> None:
    result = summarise(TWO_YEARS, METRICS)
    expected = pd.DataFrame(
        {
            "metric": ["members", "members", "coverage", "grants"],
            "region": ["A", "B", "A", "A"],
            "value": [1100.0, 70.0, 45.0, 500.0],
            "previous_value": [1000.0, np.nan, 40.0, 0.0],
            "change": [100.0, np.nan, 5.0, 500.0],
            # percent metrics change in points; a zero base has no percent change
            "pct_change": [10.0, np.nan, np.nan, np.nan],
            "change_qualifier": pd.Series(["at_least", pd.NA, "exact", "exact"], dtype="str"),
        }
    )
    assert_frame_equal(result[expected.columns], expected)
    assert list(result.columns) == SUMMARY_COLUMNS


def test_latest_year_by_default_and_any_year_on_request() -> None:
    assert summarise(TWO_YEARS, METRICS)["year"].unique().tolist() == [2024]
    earlier = summarise(TWO_YEARS, METRICS, year=2023)
    assert earlier["year"].unique().tolist() == [2023]
    assert earlier["change"].isna().all()


def test_grouped_by_programme_in_dictionary_order() -> None:
    result = summarise(TWO_YEARS, METRICS)
    assert result["programme"].tolist() == ["unions", "unions", "unions", "aid"]


def test_programme_filter() -> None:
    result = summarise(TWO_YEARS, METRICS, programmes=["aid"])
    assert result["metric"].tolist() == ["grants"]


def test_unknown_programme_lists_the_known_ones() -> None:
    with pytest.raises(SelectionError) as caught:
        summarise(TWO_YEARS, METRICS, programmes=["aid", "sport"])
    assert str(caught.value) == "unknown programme sport; expected one of unions, aid"


def test_year_not_in_the_data() -> None:
    with pytest.raises(SelectionError) as caught:
        summarise(TWO_YEARS, METRICS, year=2030)
    assert (
        str(caught.value)
        == "no figures for 2030; expected one of the years in the data: 2023, 2024"
    )


def test_empty_dataset() -> None:
    with pytest.raises(SelectionError, match="the dataset holds no figures"):
        summarise(TWO_YEARS.iloc[0:0], METRICS)


def test_bundled_skilled_talent_growth_comes_from_the_data() -> None:
    dataset = load_dataset()
    outcomes = with_derived_metrics(dataset.outcomes, dataset.metrics)
    result = summarise(outcomes, dataset.metrics).set_index("metric")
    total = result.loc["skilled_talents_total"]
    new = result.loc["skilled_talents_new", "value"]
    assert total["change"] == new == 21_000
    assert (total["previous_qualifier"], total["change_qualifier"]) == ("at_least", "at_most")
    assert total["pct_change"] == pytest.approx(21_000 / 131_400 * 100)
    assert round(total["pct_change"], 2) == 15.98
    assert len(result) == 56  # 53 reported, 3 derived by formulas
