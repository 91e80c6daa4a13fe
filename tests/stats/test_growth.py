"""Growth: year on year, first to last, CAGR over the actual span, and every edge case."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest

from laborstats.codes import as_texts, is_coded
from laborstats.dataset import load_dataset
from laborstats.errors import SelectionError
from laborstats.stats import growth
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.growth import (
    GROWTH_COLUMNS,
    YEARLY_COLUMNS,
    growth_summary,
    growth_table,
    growth_wide,
    series_with_change,
    yearly_growth,
    yearly_of,
    yearly_series,
)
from laborstats.stats.totals import across_regions
from tests.stats.frames import Row, metrics_frame, outcomes_frame

METRICS = metrics_frame()


def yearly(rows: Sequence[Row]) -> pd.DataFrame:
    return yearly_growth(with_derived_metrics(outcomes_frame(rows), METRICS), METRICS)


def summary_of(rows: Sequence[Row]) -> dict[str, dict[str, Any]]:
    """The growth summary of each metric, as a dict by metric."""
    summary = growth_summary(yearly(rows)).set_index("metric")
    return {
        str(metric): {str(name): value for name, value in record.items()}
        for metric, record in summary.to_dict(orient="index").items()
    }


def test_year_on_year_change_and_index() -> None:
    result = yearly(
        [
            (2020, "A", "members", 1000, "exact"),
            (2021, "A", "members", 1100, "exact"),
            (2022, "A", "members", 1210, "exact"),
        ]
    )
    assert list(result.columns) == YEARLY_COLUMNS
    assert result["change"].tolist()[1:] == [100, 110]
    assert result["pct_change"].tolist()[1:] == pytest.approx([10, 10])
    assert result["index"].tolist() == pytest.approx([100, 110, 121])


def test_a_series_is_indexed_on_its_first_year_whatever_the_order_of_its_rows() -> None:
    # Its rows under two programmes, which the loader refuses but a caller may give:
    # shown apart, the later year first; the first year is still the base.
    frame = as_texts(
        outcomes_frame([(2023, "A", "members", 50, "exact"), (2024, "A", "members", 100, "exact")])
    )
    frame.loc[frame["year"] == 2023, "programme"] = "elsewhere"
    result = yearly_growth(frame, METRICS).set_index("year")
    assert result["index"].to_dict() == {2024: 200.0, 2023: 100.0}


def test_a_row_with_a_missing_key_has_no_index() -> None:
    frame = as_texts(
        outcomes_frame(
            [
                (2023, "A", "members", 50, "exact"),
                (2024, "A", "members", 100, "exact"),
                (2023, "B", "members", 1, "exact"),
            ]
        )
    )
    frame["entity"] = frame["entity"].where(frame["region"] == "B")  # missing for A
    result = yearly_growth(frame, METRICS)
    assert result.loc[result["region"] == "A", "index"].isna().all()
    assert result.loc[result["region"] == "B", "index"].tolist() == [100.0]


def test_the_first_year_has_no_change_never_zero() -> None:
    result = yearly([(2020, "A", "members", 5, "exact"), (2021, "A", "members", 5, "exact")])
    first, second = result.to_dict(orient="records")
    assert math.isnan(float(first["change"]))
    assert math.isnan(float(first["pct_change"]))
    assert pd.isna(first["change_qualifier"])
    assert (second["change"], second["pct_change"]) == (0, 0)


def test_a_missing_year_does_not_shift_the_span() -> None:
    rows = [
        (2019, "A", "members", 1000, "exact"),
        (2020, "A", "members", 1100, "exact"),
        (2022, "A", "members", 1331, "exact"),
    ]
    result = yearly(rows)
    # 2022 has no year-on-year change: 2021 is missing, and 2020 is not "the year before".
    assert result.set_index("year")["change"].isna().tolist() == [True, False, True]
    ends = summary_of(rows)["members"]
    assert (ends["first_year"], ends["last_year"], ends["years"]) == (2019, 2022, 3)
    assert ends["pct_change"] == pytest.approx(33.1)
    # Three years of growth (2019 → 2022), not two observations apart.
    assert ends["cagr"] == pytest.approx((1331 / 1000) ** (1 / 3) * 100 - 100)
    assert ends["cagr"] == pytest.approx(10)


@pytest.mark.parametrize("base", [0.0, -50.0])
def test_a_zero_or_negative_base_has_no_percent_change(base: float) -> None:
    rows = [(2023, "A", "grants", base, "exact"), (2024, "A", "grants", 500, "exact")]
    growth = yearly(rows).iloc[1]
    assert growth["change"] == 500 - base
    assert math.isnan(float(growth["pct_change"]))
    assert math.isnan(float(growth["index"]))
    ends = summary_of(rows)["grants"]
    assert math.isnan(float(ends["pct_change"]))
    assert math.isnan(float(ends["cagr"]))
    assert not (yearly(rows).isin([math.inf, -math.inf])).any().any()


def test_a_fall_to_zero_is_minus_100_percent() -> None:
    rows = [(2022, "A", "grants", 400, "exact"), (2024, "A", "grants", 0, "exact")]
    ends = summary_of(rows)["grants"]
    assert (ends["pct_change"], ends["cagr"]) == (-100, -100)


def test_percent_figures_change_in_points_not_percent_of_percent() -> None:
    rows = [(2023, "A", "coverage", 40, "exact"), (2024, "A", "coverage", 45, "exact")]
    growth = yearly(rows).iloc[1]
    assert growth["change"] == 5
    assert math.isnan(float(growth["pct_change"]))
    assert math.isnan(float(growth["index"]))
    ends = summary_of(rows)["coverage"]
    assert ends["change"] == 5
    assert math.isnan(float(ends["pct_change"]))
    assert math.isnan(float(ends["cagr"]))


def test_ranks_change_in_places_only() -> None:
    rows = [(2023, "A", "place", 5, "exact"), (2024, "A", "place", 3, "exact")]
    ends = summary_of(rows)["place"]
    assert ends["change"] == -2
    assert math.isnan(float(ends["pct_change"]))
    assert math.isnan(float(ends["cagr"]))


def test_one_year_has_no_growth_and_is_left_out_unless_asked_for() -> None:
    summary = growth_summary(
        yearly([(2024, "A", "members", 7, "exact"), (2024, "A", "grants", 9, "exact")])
    )
    assert list(summary.columns) == GROWTH_COLUMNS
    assert summary[["change", "pct_change", "cagr"]].isna().all().all()
    assert summary["change_qualifier"].isna().all()
    assert series_with_change(summary).empty


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("exact", "exact", "exact"),
        ("approx", "exact", "approx"),
        ("at_least", "exact", "at_most"),
        ("exact", "at_least", "at_least"),
        ("at_least", "at_least", "approx"),
    ],
)
def test_qualifiers_propagate_to_changes(first: str, last: str, expected: str) -> None:
    rows = [(2023, "A", "members", 100, first), (2024, "A", "members", 120, last)]
    assert yearly(rows)["change_qualifier"].iloc[1] == expected
    assert summary_of(rows)["members"]["change_qualifier"] == expected


def test_the_base_year_index_is_exactly_100_whatever_its_qualifier() -> None:
    rows = [(2023, "A", "members", 100, "approx"), (2024, "A", "members", 120, "exact")]
    assert yearly(rows)["index_qualifier"].tolist() == ["exact", "approx"]


def test_stock_and_flow_give_growth_from_a_single_year() -> None:
    rows = [(2024, "A", "members", 152_400, "exact"), (2024, "A", "joined", 21_000, "exact")]
    ends = summary_of(rows)["members"]
    assert (ends["first_year"], ends["first_value"], ends["first_qualifier"]) == (
        2023,
        131_400,
        "at_least",
    )
    assert ends["pct_change"] == pytest.approx(21_000 / 131_400 * 100)
    assert ends["change_qualifier"] == "at_most"
    assert ends["derivation"] == "2023: derived: members of 2024 − joined of 2024"


def test_bundled_skilled_talent_growth_is_15_98_percent_with_its_derivation() -> None:
    dataset = load_dataset()
    outcomes = across_regions(
        with_derived_metrics(dataset.outcomes, dataset.metrics), dataset.metrics
    )
    summary = series_with_change(growth_summary(yearly_growth(outcomes, dataset.metrics)))
    assert summary["metric"].tolist() == ["skilled_talents_total"]
    talents = summary.iloc[0]
    assert round(talents["pct_change"], 2) == round(talents["cagr"], 2) == 15.98
    assert talents["change"] == 21_000
    assert "skilled_talents_new of 2024" in talents["derivation"]


def test_series_are_per_region_entity_and_period() -> None:
    rows = [
        (2023, "A", "members", 10, "exact"),
        (2024, "A", "members", 20, "exact"),
        (2023, "B", "members", 100, "exact"),
        (2024, "B", "members", 50, "exact"),
    ]
    summary = growth_summary(yearly(rows)).set_index("region")
    assert summary["pct_change"].to_dict() == {"A": 100, "B": -50}


def test_wide_has_a_column_per_year_and_empty_gaps() -> None:
    every_year = yearly(
        [
            (2019, "A", "members", 1, "exact"),
            (2021, "A", "members", 3, "approx"),
            (2021, "A", "grants", 5, "exact"),
        ]
    )
    frame = growth_wide(every_year, growth_summary(every_year))
    wide = frame.set_index("metric").to_dict(orient="index")
    assert list(frame.columns[-6:]) == [
        "2019",
        "2019_qualifier",
        "2020",
        "2020_qualifier",
        "2021",
        "2021_qualifier",
    ]
    assert wide["members"]["2019"] == 1
    assert math.isnan(wide["members"]["2020"])
    assert wide["members"]["2021_qualifier"] == "approx"
    assert math.isnan(wide["grants"]["2019"])
    assert frame["2021"].dtype == "float64"


def test_only_the_metrics_asked_for() -> None:
    every_year = yearly_growth(
        outcomes_frame([(2024, "A", "members", 7, "exact"), (2024, "A", "grants", 9, "exact")]),
        METRICS,
        ["grants"],
    )
    assert every_year["metric"].tolist() == ["grants"]


def test_a_metric_without_figures_is_named() -> None:
    outcomes = outcomes_frame([(2024, "A", "members", 7, "exact")])
    with pytest.raises(SelectionError) as caught:
        yearly_growth(outcomes, METRICS, ["members", "salary"])
    assert str(caught.value).startswith("no figures for salary;")


@pytest.mark.parametrize("data", [None, "example:qingyang-counties"])
def test_summaries_of_coded_yearly_series_are_those_of_their_texts(data: str | None) -> None:
    dataset = load_dataset(data)
    outcomes = across_regions(
        with_derived_metrics(dataset.outcomes, dataset.metrics), dataset.metrics
    )
    coded = yearly_series(outcomes, dataset.metrics)
    assert is_coded(coded["region"])  # not made text: see yearly_series
    texts = yearly_growth(outcomes, dataset.metrics)
    pd.testing.assert_frame_equal(as_texts(coded), texts)
    summary = growth_summary(texts)
    pd.testing.assert_frame_equal(growth_summary(coded), summary)
    pd.testing.assert_frame_equal(growth_wide(coded, summary), growth_wide(texts, summary))


@pytest.mark.parametrize("data", [None, "example:qingyang-counties"])
def test_the_yearly_rows_of_the_series_shown_stay_coded(data: str | None) -> None:
    dataset = load_dataset(data)
    outcomes = with_derived_metrics(dataset.outcomes, dataset.metrics)  # a series a region
    every_year = yearly_series(outcomes, dataset.metrics)
    shown = series_with_change(growth_summary(every_year))
    kept = yearly_of(every_year, shown)
    assert is_coded(kept["region"])
    many = len(every_year["source"].cat.categories) > len(kept)  # quotes: text (see yearly_of)
    assert is_coded(kept["source"]) != many
    keys = shown[["metric", "region", "entity"]].drop_duplicates()
    pd.testing.assert_frame_equal(as_texts(kept), as_texts(every_year).merge(keys))
    assert (len(kept) < len(every_year)) == (data is None)  # the bundled: single years too


def test_the_yearly_rows_shown_are_those_of_each_entity_with_a_change() -> None:
    rows = [(2023, "A", "members", 1, "exact"), (2024, "A", "members", 2, "exact")]
    outcomes = outcomes_frame([*rows, (2024, "A", "members", 5, "exact")])
    outcomes["entity"] = pd.Categorical(["x", "x", "y"])
    every_year = yearly_series(outcomes, METRICS)
    kept = yearly_of(every_year, series_with_change(growth_summary(every_year)))
    assert as_texts(kept)[["entity", "year"]].values.tolist() == [["x", 2023], ["x", 2024]]


@pytest.mark.parametrize("chunk", [1, 40])
def test_yearly_series_a_few_metrics_at_a_time_are_those_of_every_row(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset("example:qingyang-counties")
    outcomes = across_regions(
        with_derived_metrics(dataset.outcomes, dataset.metrics), dataset.metrics
    )
    whole = yearly_series(outcomes, dataset.metrics)
    monkeypatch.setattr(growth, "CHUNK", chunk)  # whole metrics a chunk: more rows than 1
    chunked = yearly_series(outcomes, dataset.metrics)
    pd.testing.assert_frame_equal(as_texts(chunked), as_texts(whole))
    assert whole["metric"].nunique() > 5
    handed_over = outcomes.copy()
    owned = yearly_series(handed_over, dataset.metrics, owned=True)
    pd.testing.assert_frame_equal(as_texts(owned), as_texts(whole))
    assert handed_over.columns.empty == (chunk < len(outcomes))  # emptied as it was used


@pytest.mark.parametrize("chunk", [1, 40, 1 << 18])
@pytest.mark.parametrize("names", [None, ["skilled_talents_total", "disputes_mediated"]])
@pytest.mark.parametrize("data", [None, "example:qingyang-counties"])  # a series a region
def test_the_growth_table_a_few_metrics_at_a_time_is_that_of_every_row(
    data: str | None, chunk: int, names: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(data)
    outcomes = with_derived_metrics(dataset.outcomes, dataset.metrics)
    every_year = yearly_series(outcomes, dataset.metrics, names)
    summary = growth_summary(every_year)
    shown = summary if names else series_with_change(summary)
    monkeypatch.setattr(growth, "CHUNK", chunk)  # whole metrics a chunk: more rows than 1
    table, left_out = growth_table(outcomes, dataset.metrics, names)
    pd.testing.assert_frame_equal(table, growth_wide(every_year, shown))
    assert left_out == len(summary) - len(shown)
    owned, _ = growth_table(outcomes.copy(), dataset.metrics, names, owned=True)
    pd.testing.assert_frame_equal(owned, table)
    assert not outcomes.columns.empty  # not owned: left as it was
    assert left_out > 0 or data or names  # the bundled data's single years are left out
    assert table["metric"].nunique() == (2 if names else shown["metric"].nunique())


def test_the_growth_table_has_every_year_of_every_metric_in_each_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(growth, "CHUNK", 1)  # a metric a chunk, each of other years
    outcomes = outcomes_frame(
        [
            (2019, "A", "members", 1, "exact"),
            (2021, "A", "members", 3, "approx"),
            (2023, "A", "grants", 5, "exact"),
            (2024, "A", "grants", 6, "at_least"),
        ]
    )
    table, left_out = growth_table(outcomes, METRICS)
    years = [str(year) for year in range(2019, 2025)]
    assert [name for name in table.columns if name.isdigit()] == years
    assert list(table.columns[-12:]) == [
        f"{year}{end}" for year in years for end in ("", "_qualifier")
    ]
    rows = table.set_index("metric")
    assert rows.loc["grants", "2024_qualifier"] == "at_least"
    assert rows["2019"].isna()["grants"]
    assert rows.loc["members", "2021"] == 3
    assert left_out == 0
