"""The league table of innovation studios and teams."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.errors import SelectionError
from laborstats.schema import STUDIOS
from laborstats.vocabulary import DERIVED

FIGURES = [column.name for column in STUDIOS.columns if column.figure]
ANNUAL_BENEFIT = "annual_benefit"
SORTABLE = [*FIGURES, ANNUAL_BENEFIT]

# Friendly names for --sort and --columns.
ALIASES = {
    "savings": "annual_savings",
    "benefit": ANNUAL_BENEFIT,
    "total_benefit": "economic_benefit",
    "patents": "invention_patents",
    "utility_patents": "utility_model_patents",
    "projects": "innovation_projects_completed",
    "national": "national_projects",
    "papers": "papers_published",
    "funding": "research_funding",
    "coal": "standard_coal_saved",
    "energy": "energy_consumption_reduction",
    "trained": "people_trained",
    "promoted": "senior_title_promotions",
    "pilots": "pilot_enterprises",
}
IDENTITY = ["studio", "organisation", "kind", "region", "founded"]

# Units of the outcome columns; the others are counts.
UNITS = {
    "research_funding": "yuan",
    "annual_savings": "yuan",
    "economic_benefit": "yuan",
    ANNUAL_BENEFIT: "yuan",
    "benefit_years": "year",
    "standard_coal_saved": "tonne",
    "energy_consumption_reduction": "percent",
    "labour_cost_saving": "percent",
    "work_efficiency_gain": "percent",
}


def resolve_column(name: str) -> str:
    """The outcome column an alias or column name stands for."""
    column = ALIASES.get(name, name)
    if column not in SORTABLE:
        raise SelectionError(
            f"unknown studio column {name}",
            expected="one of " + ", ".join([*ALIASES, *SORTABLE]),
        )
    return column


def with_annual_benefit(studios: pd.DataFrame) -> pd.DataFrame:
    """Add ``annual_benefit``: a benefit over several years, per year, keeping its qualifier.

    8000余万元 over 5 years is at least 16,000,000 a year. The column is
    derived (``annual_benefit_basis``); a yearly saving is annual already.
    """
    years = studios["benefit_years"].where(studios["benefit_years"] > 0)
    annual = studios["economic_benefit"] / years
    return studios.assign(
        annual_benefit=annual,
        annual_benefit_qualifier=studios["economic_benefit_qualifier"].where(annual.notna()),
        annual_benefit_basis=pd.Series(DERIVED, index=studios.index, dtype="str").where(
            annual.notna()
        ),
    )


def league_table(
    studios: pd.DataFrame,
    *,
    sort: str = "savings",
    ascending: bool = False,
    top: int | None = None,
    kinds: list[str] | None = None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """Studios ranked by one outcome column.

    Missing values sort last in either direction; ties keep the order of the
    file and share a rank; studios without a value have no rank. ``top`` keeps
    the first so many, and any tied with the last of them. ``columns``
    (names or aliases) narrows the outcome columns; each keeps its qualifier.
    """
    by = resolve_column(sort)
    frame = with_annual_benefit(studios)
    if kinds:
        known = sorted(set(frame["kind"]))
        unknown = [kind for kind in kinds if kind not in known]
        if unknown:
            raise SelectionError(
                f"unknown studio kind {', '.join(unknown)}", expected="one of " + ", ".join(known)
            )
        frame = frame[frame["kind"].isin(kinds)]
    ordered = frame.sort_values(by, ascending=ascending, na_position="last", kind="stable")
    rank = ordered[by].rank(method="min", ascending=ascending).astype("Int64")
    ordered = ordered.assign(rank=rank)
    if top is not None and len(ordered) > top:
        # The first ``top``, and those tied with the last of them: a tie is never cut.
        tied = ordered["rank"].eq(ordered["rank"].iloc[top - 1]).fillna(False).to_numpy(bool)
        ordered = ordered[(np.arange(len(ordered)) < top) | tied]
    chosen = [resolve_column(name) for name in columns] if columns else SORTABLE
    if by not in chosen:
        chosen = [by, *chosen]
    outcome_columns = [name for column in chosen for name in (column, f"{column}_qualifier")]
    if ANNUAL_BENEFIT in chosen:
        outcome_columns.append("annual_benefit_basis")
    return ordered[["rank", *IDENTITY, *outcome_columns, "source"]].reset_index(drop=True)
