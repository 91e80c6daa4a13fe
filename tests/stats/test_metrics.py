"""metric_coverage(): the dictionary with where each metric has data."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from laborstats.stats.metrics import METRICS_COLUMNS, metric_coverage


def test_span_and_counts_per_metric_and_metrics_without_data() -> None:
    dictionary = pd.DataFrame(
        {
            "metric": ["members", "grants", "unused"],
            "programme": ["unions", "aid", "aid"],
            "label_en": ["Members", "Grants", "Unused"],
            "label_zh": ["会员", "助学金", "未用"],
            "unit": ["person", "yuan", "person"],
            "kind": ["count", "amount", "count"],
            "direction": ["higher", "higher", "neutral"],
            "formula": ["", "", ""],
        }
    )
    outcomes = pd.DataFrame(
        {
            "year": [2019, 2024, 2024, 2024],
            "region": ["A", "A", "B", "A"],
            "metric": ["members", "members", "members", "grants"],
            "value": [1.0, 2.0, 3.0, float("nan")],
        }
    )
    result = metric_coverage(outcomes, dictionary)
    assert list(result.columns) == METRICS_COLUMNS
    expected = pd.DataFrame(
        {
            "metric": ["members", "grants", "unused"],
            "first_year": pd.array([2019, pd.NA, pd.NA], dtype="Int64"),
            "last_year": pd.array([2024, pd.NA, pd.NA], dtype="Int64"),
            "years": [2, 0, 0],
            "regions": [2, 0, 0],
            "figures": [3, 0, 0],
        }
    )
    assert_frame_equal(result[expected.columns], expected)
