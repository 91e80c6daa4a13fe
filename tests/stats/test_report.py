"""Where each figure of a report comes from: quotes, and the inputs of derived figures."""

from __future__ import annotations

import pandas as pd

from laborstats.codes import as_codes
from laborstats.stats.derived import with_derived_metrics
from laborstats.stats.report import citations, headline_with_citations
from laborstats.stats.totals import regional_totals
from tests.stats.frames import Row, metrics_frame, outcomes_frame

METRICS = metrics_frame()


def _with_sources(rows: list[Row]) -> pd.DataFrame:
    frame = outcomes_frame(rows)
    source = frame["metric"].astype("str") + " said in " + frame["year"].astype("str")
    return as_codes(frame.assign(source=source))


def test_a_reported_figure_cites_its_quote() -> None:
    outcomes = _with_sources([(2024, "A", "members", 10, "exact")])
    assert citations(outcomes, outcomes, METRICS).tolist() == ["“members said in 2024”"]


def test_a_derived_figure_cites_its_formula_and_the_quotes_of_its_inputs() -> None:
    reported = _with_sources(
        [(2024, "A", "grants", 3000, "exact"), (2024, "A", "children", 2, "exact")]
    )
    outcomes = with_derived_metrics(reported, METRICS)
    derived = outcomes[outcomes["metric"] == "per_child"]
    assert citations(derived, outcomes, METRICS).tolist() == [
        "derived: grants / children — children 2024: “children said in 2024”; "
        "grants 2024: “grants said in 2024”"
    ]


def test_an_opening_stock_cites_the_stock_and_flow_of_the_year_after() -> None:
    reported = _with_sources(
        [(2024, "A", "members", 100, "exact"), (2024, "A", "joined", 30, "exact")]
    )
    outcomes = with_derived_metrics(reported, METRICS)
    opening = outcomes[(outcomes["metric"] == "members") & (outcomes["year"] == 2023)]
    (text,) = citations(opening, outcomes, METRICS).tolist()
    assert text.startswith("derived: members of 2024 − joined of 2024 — ")
    assert text.endswith("members 2024: “members said in 2024”; joined 2024: “joined said in 2024”")


def test_the_headline_cites_the_figure_of_the_year_before_where_it_changed_from() -> None:
    reported = _with_sources(
        [
            (2023, "A", "members", 90, "exact"),
            (2024, "A", "members", 100, "exact"),
            (2024, "A", "grants", 5, "exact"),
        ]
    )
    headline = headline_with_citations(reported, METRICS, 2024)
    cited = headline[["metric", "citation", "previous_citation"]].fillna("")
    assert cited.values.tolist() == [
        ["members", "“members said in 2024”", "“members said in 2023”"],
        ["grants", "“grants said in 2024”", ""],  # nothing the year before
    ]


def test_a_total_over_regions_cites_the_regions_quotes_once_each() -> None:
    rows: list[Row] = [(2024, "A", "members", 10, "exact"), (2024, "B", "members", 5, "exact")]
    reported = _with_sources(rows)  # both say "members said in 2024": cited once
    totals = regional_totals(reported, METRICS)
    assert citations(totals, reported, METRICS).tolist() == [
        "sum of 2 regions — “members said in 2024”"
    ]
    reported = reported.assign(source=["members said in 2024", "B said so"])
    assert citations(totals, reported, METRICS).tolist() == [
        "sum of 2 regions — “members said in 2024”; “B said so”"
    ]


def test_a_derived_total_cites_the_regions_behind_its_inputs() -> None:
    reported = _with_sources(
        [
            (2024, region, metric, value, "exact")
            for region in ("A", "B")
            for metric, value in (("grants", 3000), ("children", 2))
        ]
    )
    totals = regional_totals(reported, METRICS)
    everything = pd.concat([reported, totals], ignore_index=True)
    per_child = totals[totals["metric"] == "per_child"]
    assert citations(per_child, everything, METRICS).tolist() == [
        "derived: grants / children — children 2024: sum of 2 regions — “children said in "
        "2024”; grants 2024: sum of 2 regions — “grants said in 2024”"
    ]


def test_a_figure_without_a_source_cites_nothing() -> None:
    outcomes = _with_sources([(2024, "A", "members", 10, "exact")]).assign(source="  ")
    assert citations(outcomes, outcomes, METRICS).tolist() == [""]
