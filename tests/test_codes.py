"""Texts coded as categories: the loader codes them, statistics give texts back."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborstats import codes
from laborstats.codes import (
    CODED,
    appended,
    as_codes,
    as_texts,
    concat_coded,
    is_coded,
    places_in,
    replaced,
)
from laborstats.dataset import load_dataset
from laborstats.stats import derived
from laborstats.stats.compare import compare_regions, compare_years
from laborstats.stats.derived import derived_figures, with_derived_metrics
from laborstats.stats.growth import growth_summary, yearly_growth
from laborstats.stats.metrics import metric_coverage
from laborstats.stats.outcomes import outcome_rows
from laborstats.stats.series import OWN_YEAR, with_span
from laborstats.stats.summary import summarise
from laborstats.stats.totals import across_regions


def texts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2023, 2024, 2024],
            "region": ["乙", "甲", "乙", "丙"],
            "period": ["2024", "2024", "annual", ""],
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    ).astype({"region": "str", "period": "str"})


def test_codes_are_sorted_and_give_the_same_texts_back() -> None:
    frame = texts()
    coded = as_codes(frame)
    assert [name for name in coded.columns if is_coded(coded[name])] == ["region", "period"]
    assert list(coded["region"].cat.categories) == sorted({"乙", "甲", "丙"})
    assert as_codes(coded) is coded  # coded already
    pd.testing.assert_frame_equal(as_texts(coded), frame)
    assert as_texts(frame) is frame
    # Some columns only: the others keep their codes.
    partly = as_texts(coded, ["period"])
    pd.testing.assert_series_equal(partly["period"], frame["period"])
    assert is_coded(partly["region"])


def test_concat_keeps_codes_for_the_texts_of_every_frame() -> None:
    coded = as_codes(texts())
    more = pd.DataFrame({"year": [2025], "region": ["丁"], "value": [5.0]})
    joined = concat_coded([coded, more])
    assert is_coded(joined["region"])
    assert is_coded(joined["period"])
    assert list(joined["region"].cat.categories) == sorted({"乙", "甲", "丙", "丁"})
    expected = pd.concat([texts(), more], ignore_index=True)
    pd.testing.assert_frame_equal(as_texts(joined), expected)
    # Plain pd.concat would have turned the codes back into texts.
    assert not is_coded(pd.concat([coded, more])["region"])


def test_concat_keeps_the_codes_of_a_table_that_holds_every_text_already() -> None:
    coded = as_codes(texts())
    joined = concat_coded([coded, pd.DataFrame({"region": ["甲", None], "value": [6.0, 7.0]})])
    assert joined["region"].dtype == coded["region"].dtype
    assert joined["region"].cat.codes[:4].tolist() == coded["region"].cat.codes.tolist()
    assert joined["region"].iloc[4] == "甲"
    assert pd.isna(joined["region"].iloc[5])


def test_concat_sorts_texts_that_join_a_column_with_no_categories() -> None:
    empty = as_codes(texts().assign(region=pd.Series([None] * 4, dtype="str")))
    assert len(empty["region"].cat.categories) == 0
    joined = concat_coded([empty, pd.DataFrame({"region": ["乙", "甲", "丙"]})])
    assert list(joined["region"].cat.categories) == sorted({"乙", "甲", "丙"})
    assert joined["region"].iloc[4:].tolist() == ["乙", "甲", "丙"]


# Texts that sort apart only by a late character, or by code point (Z before a).
_TEXT = st.sampled_from(["a", "b", "Z", "乙", "甲", "丙", "ab", "a b", "a\u3000b", ""])
_CELLS = st.lists(st.none() | _TEXT, max_size=6)


@given(
    frames=st.lists(st.tuples(_CELLS, st.booleans(), st.booleans()), min_size=1, max_size=4),
    bisected=st.booleans(),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_concat_of_coded_and_text_columns_is_the_concat_of_their_texts(
    frames: list[tuple[list[str | None], bool, bool]], bisected: bool
) -> None:
    # Each frame: its cells, whether they are coded, whether it has the column at all.
    parts = [
        pd.DataFrame({"n": range(len(cells))}).assign(
            **({"text": pd.Series(cells, dtype="str")} if present else {})
        )
        for cells, _, present in frames
    ]
    parts = [
        as_codes(part) if coded else part for part, (_, coded, _) in zip(parts, frames, strict=True)
    ]
    if not any(is_coded(part[name]) for part in parts for name in part.columns):
        parts[0] = parts[0].assign(text=pd.Series([None] * len(parts[0]), dtype="category"))
    expected = pd.concat([as_texts(part) for part in parts], ignore_index=True)
    with pytest.MonkeyPatch.context() as patch:
        if not bisected:  # every text looked up in all the categories
            patch.setattr(codes, "_BISECTED", -1)
        joined = concat_coded(parts)
    assert list(joined.columns) == list(expected.columns)
    categories = list(joined["text"].cat.categories)
    assert categories == sorted(set(categories))
    assert set(categories) == set(expected["text"].dropna())
    assert as_texts(joined)["text"].tolist() == expected["text"].astype("str").tolist()
    assert joined["n"].tolist() == expected["n"].tolist()


def test_concat_orders_categories_that_were_not_in_order() -> None:
    table = as_codes(texts())
    table["region"] = table["region"].cat.add_categories(["丁", "一"])  # after, unsorted
    table.loc[0, "region"] = "一"
    joined = concat_coded([table, pd.DataFrame({"region": ["丁", "二"]})])
    assert list(joined["region"].cat.categories) == sorted({"乙", "甲", "丙", "丁", "一", "二"})
    assert as_texts(joined)["region"].tolist() == ["一", "甲", "乙", "丙", "丁", "二"]


def test_a_coded_span_is_the_span_of_the_texts() -> None:
    frame = texts().assign(year=[2024, 2023, 2024, 999], period=["2024", "2024", "annual", "0999"])
    coded = with_span(as_codes(frame))
    assert is_coded(coded["span"])
    assert as_texts(coded)["span"].tolist() == with_span(frame)["span"].tolist()
    assert coded["span"].tolist() == [OWN_YEAR, "2024", "annual", "0999"]
    # No period at all: no category, and a span of none.
    blank = frame.assign(period=pd.Series([None] * 4, dtype="str"))
    assert with_span(as_codes(blank))["span"].isna().all()
    assert with_span(blank)["span"].isna().all()


@pytest.mark.parametrize("by_column", [False, True], ids=["small", "large"])
def test_rows_appended_to_a_table_that_is_let_go_are_its_concatenation(
    by_column: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if by_column:  # as a large table is
        monkeypatch.setattr(codes, "_APPENDED_BY_COLUMN", 0)
    dataset = load_dataset("example:qingyang-counties")
    rows = derived_figures(dataset.outcomes, dataset.metrics)
    assert rows is not None
    rows = rows.assign(extra="x").drop(columns="source")  # a column of its own, one missing
    table = dataset.outcomes
    more = as_texts(table.head(3)).drop(columns="line")  # texts, and a column missing
    expected = concat_coded([table.copy(), rows.copy(), more.copy()])
    pd.testing.assert_frame_equal(appended(table, rows, more), expected)
    assert [len(frame.columns) for frame in (table, rows, more)] == [0, 0, 0]  # let go


def test_derived_rows_coded_as_made_are_the_rows_made_as_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataset = load_dataset("example:qingyang-counties")
    as_texts_made = with_derived_metrics(dataset.outcomes, dataset.metrics)
    monkeypatch.setattr(derived, "_CODED_FROM", 0)  # as many rows are
    coded_as_made = with_derived_metrics(dataset.outcomes, dataset.metrics)
    pd.testing.assert_frame_equal(coded_as_made, as_texts_made)


def test_a_comparison_left_coded_is_the_comparison_in_texts() -> None:
    dataset = load_dataset("example:qingyang-counties")
    frame = with_derived_metrics(dataset.outcomes, dataset.metrics)
    coded = compare_years(frame, dataset.metrics, 2023, 2024, coded=True)
    assert is_coded(coded["region"])
    texts = compare_years(frame, dataset.metrics, 2023, 2024)
    pd.testing.assert_frame_equal(as_texts(coded), texts)


@pytest.fixture(scope="module")
def outcomes() -> tuple[pd.DataFrame, pd.DataFrame]:
    dataset = load_dataset("example:qingyang-counties")
    return with_derived_metrics(dataset.outcomes, dataset.metrics), dataset.metrics


@pytest.mark.parametrize("new", ["", "2024", "cumulative"], ids=["joins", "is-there", "new"])
def test_a_text_replaced_in_codes_is_replaced_in_the_texts(new: str) -> None:
    plain = pd.Series(["2024", OWN_YEAR, "annual", None, OWN_YEAR, ""], dtype="str", name="span")
    coded = as_codes(plain.to_frame("span"), ["span"])["span"]
    replaced_codes = replaced(coded, OWN_YEAR, new)
    assert is_coded(replaced_codes)
    assert list(replaced_codes.cat.categories) == sorted(replaced_codes.cat.categories)
    pd.testing.assert_series_equal(
        as_texts(replaced_codes.to_frame())["span"], replaced(plain, OWN_YEAR, new)
    )
    assert replaced(plain, OWN_YEAR, new).tolist()[1] == new


def test_the_loader_codes_every_text_column(outcomes: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    frame, _ = outcomes
    assert {name for name in frame.columns if is_coded(frame[name])} == set(CODED)
    for name in CODED:
        assert list(frame[name].cat.categories) == sorted(frame[name].cat.categories)


def test_results_are_texts_and_the_same_as_from_texts(
    outcomes: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    coded, metrics = outcomes
    plain = as_texts(coded)
    results: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
        "summary": lambda frame: summarise(frame, metrics),
        "growth": lambda frame: growth_summary(
            yearly_growth(across_regions(frame, metrics), metrics)
        ),
        "compare years": lambda frame: compare_years(frame, metrics, 2023, 2024),
        "compare regions": lambda frame: compare_regions(frame, metrics, "西峰区", "环县", 2024),
        "outcomes": lambda frame: outcome_rows(frame, metrics, year=2024),
        "metrics": lambda frame: metric_coverage(frame, metrics),
    }
    for name, result in results.items():
        from_codes, from_texts = result(coded), result(plain)
        assert not any(is_coded(from_codes[column]) for column in from_codes.columns), name
        pd.testing.assert_frame_equal(from_codes, from_texts, obj=name)


def test_categories_of_texts_in_order_are_those_pandas_checks() -> None:
    texts = pd.Index(["Z", "a", "乙", "甲"], dtype="str")
    made = codes.in_order(texts)
    assert made == pd.CategoricalDtype(texts)
    assert made.categories is texts
    coded = pd.Categorical.from_codes([3, 0, -1], dtype=made)
    assert coded.tolist()[:2] == ["甲", "Z"]


def test_categories_in_order_are_made_without_pandas_private_constructor_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = pd.Index(["a", "b"], dtype="str")
    monkeypatch.delattr(pd.CategoricalDtype, "_from_fastpath")
    assert codes.in_order(texts) == pd.CategoricalDtype(texts)


def test_concat_keeps_columns_not_named_by_texts() -> None:
    coded = as_codes(texts()).rename(columns={"value": 0})
    joined = concat_coded([coded, pd.DataFrame({0: [5.0], "region": ["丁"]})])
    assert list(joined.columns) == list(coded.columns)
    assert joined[0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert as_texts(joined)["region"].tolist() == ["乙", "甲", "乙", "丙", "丁"]


@pytest.mark.parametrize("coded", [False, True], ids=["texts", "coded"])
def test_places_in_are_each_rows_place_among_the_texts_or_the_missing_place(coded: bool) -> None:
    column = pd.Series(["乙", "丁", None, "甲", "乙"], dtype="str")
    if coded:
        column = column.astype("category")
    places = places_in(column, pd.Index(["甲", "乙", "丙"], dtype="str"), missing=3)
    assert places.tolist() == [1, 3, 3, 0, 1]  # 丁 is not there, nor is a blank
    assert places.dtype == "int8"
    wide = places_in(column, pd.Index(["乙"], dtype="str"), missing=300)
    assert wide.tolist() == [0, 300, 300, 300, 0]
    assert wide.dtype == "int16"


def test_appended_by_column_keeps_what_concat_makes_of_mixed_types(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(codes, "_APPENDED_BY_COLUMN", 0)
    parts = [pd.DataFrame({"v": [1, 2]}), pd.DataFrame({"v": [True, False, True]})]
    expected = pd.concat([part.copy() for part in parts], ignore_index=True)
    pd.testing.assert_frame_equal(appended(*parts), expected)
