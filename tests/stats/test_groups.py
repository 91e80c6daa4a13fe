"""Groups numbered from codes agree with pandas' own group-by."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from laborstats.stats import groups
from laborstats.stats.groups import groups_of

KEYS = ["year", "region", "metric", "period"]


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 40))

    def column(values: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(values, min_size=rows, max_size=rows))

    frame = pd.DataFrame(
        {
            "year": pd.Series(column(st.integers(2018, 2022)), dtype="int64"),
            "region": pd.Series(column(st.none() | st.sampled_from(["a", "b", "乙"])), dtype="str"),
            "metric": pd.Series(column(st.none() | st.sampled_from(["m", "n"])), dtype="str"),
            "period": pd.Series(
                column(st.none() | st.sampled_from(["2020", "annual"])), dtype="str"
            ),
        }
    )
    coded = draw(st.lists(st.sampled_from(KEYS[1:]), unique=True))
    return frame.astype(dict.fromkeys(coded, "category"))


@settings(max_examples=200, deadline=None)
@given(frame=tables(), hashed=st.booleans())
def test_groups_number_rows_count_regions_and_coarsen_as_pandas_does(
    frame: pd.DataFrame, hashed: bool
) -> None:
    keys = ["year", "metric", "period"]
    grouped = groups_of(frame, keys)
    expected = frame.groupby(keys, sort=False, observed=True, dropna=True)
    assert grouped.numbers.tolist() == expected.ngroup().fillna(-1).astype(int).tolist()
    assert grouped.count == expected.ngroups
    assert grouped.first_rows.tolist() == [rows[0] for rows in expected.indices.values()]
    assert grouped.last_rows.tolist() == [rows[-1] for rows in expected.indices.values()]
    apart = groups_of(frame, keys, dropna=False)  # a missing key a value of its own
    with_missing = frame.groupby(keys, sort=False, observed=True, dropna=False)
    assert apart.numbers.tolist() == with_missing.ngroup().tolist()
    assert apart.count == with_missing.ngroups

    assert grouped.distinct(frame["region"]).tolist() == expected["region"].nunique().tolist()
    # Both ways of counting, whichever distinct() picks for this size.
    regions = frame["region"].astype("category").cat.codes.to_numpy()
    pairs = (grouped.numbers * 4 + regions)[(grouped.numbers >= 0) & (regions >= 0)]
    count = groups._distinct_by_hashing if hashed else groups._distinct_in_table
    assert count(pairs, grouped.count, 4).tolist() == expected["region"].nunique().tolist()

    places = frame[keys].iloc[grouped.first_rows]
    coarse = grouped.within(groups_of(places, ["year", "metric"]))
    kept = grouped.numbers >= 0
    direct = groups_of(frame[kept], ["year", "metric"])
    assert coarse.numbers[kept].tolist() == direct.numbers.tolist()
    assert (coarse.numbers[~kept] == -1).all()


def test_an_empty_table_has_no_groups() -> None:
    frame = pd.DataFrame(
        {"year": pd.Series([], dtype="int64"), "region": pd.Series([], dtype="str")}
    )
    grouped = groups_of(frame, ["year"])
    assert (grouped.count, grouped.first_rows.tolist()) == (0, [])
    assert grouped.distinct(frame["region"]).tolist() == []


def test_many_combinations_are_renumbered_rather_than_overflow() -> None:
    # 65 keys of two values each: one number for every combination would need 65 bits,
    # and the first row would take the second's number.
    rows = [[0] * 65, [1] + [0] * 64, [1] * 65]
    frame = pd.DataFrame(rows, columns=[f"k{i}" for i in range(65)])
    grouped = groups_of(frame, list(frame.columns))
    assert (grouped.numbers.tolist(), grouped.count) == ([0, 1, 2], 3)
