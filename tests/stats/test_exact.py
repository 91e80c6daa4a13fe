"""Exact sums: correctly rounded, and the same in any order or batches."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborstats.stats import exact
from laborstats.stats.exact import SUM_COLUMNS, exact_sums, exact_total

# Figures as reports give them, and some that no float sum gets right in any order.
FIGURES = st.one_of(
    st.integers(-(10**12), 10**12).map(float),
    st.decimals(-(10**9), 10**9, places=4, allow_nan=False).map(float),
    st.sampled_from([1e16, -1e16, 1.0, 0.1, 0.3, 1e-4, 2.0**-60, 1e-22, 3e27]),
)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(FIGURES, max_size=40),
    groups=st.lists(st.integers(-1, 2), min_size=40, max_size=40),
    cut=st.integers(0, 40),
)
def test_a_total_is_the_correctly_rounded_sum_in_any_batches(
    values: list[float], groups: list[int], cut: int
) -> None:
    numbers = np.array(groups[: len(values)], dtype=np.int64)
    figures = np.array(values, dtype=np.float64)
    whole = exact_sums(figures, numbers, 3)
    expected = [math.fsum(figures[numbers == group]) for group in range(3)]
    assert exact_total(whole).tolist() == expected
    # Summed in two batches, in the other order: the same parts, the same totals.
    batches = exact_sums(figures[cut:], numbers[cut:], 3) + exact_sums(
        figures[:cut], numbers[:cut], 3
    )
    assert batches.equals(whole)
    assert exact_total(batches).tolist() == expected


def test_a_long_array_is_split_a_slice_at_a_time_to_the_same_sums(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    figures = np.array([0.1, 0.2, 0.3, 1e16, 1.0, -1e16, 7.25])
    groups = np.array([0, 0, 0, 1, 1, 1, -1])
    whole = exact_sums(figures, groups, 2)
    monkeypatch.setattr(exact, "_SLICE", 2)
    pd.testing.assert_frame_equal(exact_sums(figures, groups, 2), whole)
    assert exact_total(whole).tolist() == [0.6, 1.0]


def test_figures_beyond_the_parts_are_summed_as_floats() -> None:
    large = [1e30, 2.5, 1e30]
    sums = exact_sums(np.array(large), np.zeros(3, dtype=np.int64), 1)
    assert sums.loc[0, "sum_rest"] == 2e30
    assert exact_total(sums).tolist() == [2e30 + 2.5]
    assert list(sums.columns) == SUM_COLUMNS


def test_no_figures_sum_to_zero() -> None:
    sums = exact_sums(np.array([]), np.array([], dtype=np.int64), 2)
    assert exact_total(sums).tolist() == [0.0, 0.0]
