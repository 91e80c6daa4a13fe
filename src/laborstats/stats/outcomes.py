"""The outcome rows themselves, as loaded: the dataset's own table, to look at or save."""

from __future__ import annotations

import pandas as pd

from laborstats.codes import as_texts
from laborstats.errors import SelectionError
from laborstats.schema import OUTCOMES
from laborstats.stats.series import check_metrics, select_year, with_definitions

# The columns of outcomes.csv, so that what is written loads again as a dataset.
OUTCOME_COLUMNS = [column.name for column in OUTCOMES.columns]


def outcome_rows(
    outcomes: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    year: int | None = None,
    names: list[str] | None = None,
) -> pd.DataFrame:
    """The rows of ``outcomes`` in the file's order, checked and typed, in base units.

    ``year`` and ``names`` (metric keys) narrow them down; both are checked
    against the data. Labels, unit and kind come from the dictionary.
    """
    check_metrics(names, metrics)
    chosen = outcomes
    if year is not None:
        chosen = chosen[chosen["year"] == select_year(outcomes, year)]
    if names:
        chosen = chosen[chosen["metric"].isin(names)]
        _check_rows(names, chosen, metrics, year)
    return with_definitions(as_texts(chosen).sort_values("line", kind="stable"), metrics)


def _check_rows(
    names: list[str], chosen: pd.DataFrame, metrics: pd.DataFrame, year: int | None
) -> None:
    """Refuse metrics of ``names`` without a row among ``chosen``, saying which are derived:
    their figures are computed, never rows of the file."""
    present = set(chosen["metric"].unique())  # once, each name once: not every row a name
    missing = [name for name in names if name not in present]
    if not missing:
        return
    formulas = set(metrics.loc[metrics["formula"] != "", "metric"])
    derived = [name for name in missing if name in formulas]
    expected = "metrics the file reports"
    if derived:
        one = len(derived) == 1
        expected += (
            f"; {', '.join(derived)} {'is' if one else 'are'} derived by a formula, "
            f"so summary, growth and compare show {'it' if one else 'them'}"
        )
    raise SelectionError(
        f"no outcome rows for {', '.join(missing)}" + (f" in {year}" if year else ""),
        expected=expected,
    )
