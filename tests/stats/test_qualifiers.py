"""How qualifiers travel through a change."""

from __future__ import annotations

import pandas as pd
import pytest

from laborstats.stats.qualifiers import difference_qualifier


@pytest.mark.parametrize(
    ("minuend", "subtrahend", "expected"),
    [
        ("exact", "exact", "exact"),
        ("approx", "exact", "approx"),
        ("exact", "approx", "approx"),
        ("at_least", "exact", "at_least"),
        ("exact", "at_most", "at_least"),
        ("at_most", "exact", "at_most"),
        ("exact", "at_least", "at_most"),
        ("at_least", "at_most", "at_least"),
        ("at_least", "at_least", "approx"),
        ("at_most", "at_most", "approx"),
        ("at_least", "approx", "approx"),
    ],
)
def test_difference_qualifier(minuend: str, subtrahend: str, expected: str) -> None:
    result = difference_qualifier(pd.Series([minuend]), pd.Series([subtrahend]))
    assert result.tolist() == [expected]


def test_a_missing_side_gives_a_missing_qualifier() -> None:
    result = difference_qualifier(
        pd.Series(["exact", pd.NA], dtype="str"), pd.Series([pd.NA, "exact"], dtype="str")
    )
    assert result.isna().all()
