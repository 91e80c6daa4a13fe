"""Text columns held as categories: each distinct text once, and a small code per row.

The loader hands out the text columns of the outcomes table this way. At
10M rows, the texts themselves would take 2.2 GB and every filter, copy
and group-by would move them; the codes take a byte or two a row. Categories
are kept in sorted order, so that sorting or grouping by a code orders
rows as their texts would be ordered.

Statistics keep the codes while they work on every row, and turn a frame
back into texts (:func:`as_texts`) once it is down to the rows a result
needs; results are always texts. A category column differs from a text
column in ways that matter there: it refuses a value that is not one of
its categories yet, compares only with the same categories, and
:func:`pandas.concat` with other categories gives texts again (use
:func:`concat_coded`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from laborstats.schema import OUTCOMES

# The outcome columns held as categories: every text column.
CODED = tuple(column.name for column in OUTCOMES.columns if column.name not in ("year", "value"))
# Rows of a table below which appended copies it whole.
_APPENDED_BY_COLUMN = 1 << 16


def is_coded(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype)


def categories(texts: Iterable[str]) -> pd.CategoricalDtype:
    """The categories of these texts, each once, in sorted order."""
    return pd.CategoricalDtype(pd.Index(sorted(set(texts)), dtype="str"))


def as_codes(frame: pd.DataFrame, columns: Iterable[str] = CODED) -> pd.DataFrame:
    """``frame`` with these text columns (those it has) as categories in sorted order."""
    present = [name for name in columns if name in frame.columns and not is_coded(frame[name])]
    return frame.astype(dict.fromkeys(present, "category")) if present else frame


def as_texts(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """``frame`` with every category column (or those of ``columns``) as text again."""
    names = frame.columns if columns is None else columns
    coded = [name for name in names if is_coded(frame[name])]
    return frame.assign(**{name: texts(frame[name]) for name in coded}) if coded else frame


def texts(column: pd.Series) -> pd.Series:
    """A category column as text (NaN stays NaN)."""
    # Picking each row's text from the categories: 20 times faster than astype("str").
    picked = column.cat.categories.take(column.cat.codes.to_numpy(), allow_fill=True)
    return pd.Series(picked.astype("str").array, index=column.index, name=column.name)


def replaced(column: pd.Series, old: str, new: str) -> pd.Series:
    """``column`` with the text ``old`` written ``new``; a coded column stays coded."""
    if not is_coded(column):
        return column.replace(old, new)
    named = column.cat.categories.where(column.cat.categories != old, new)
    dtype = categories(named)
    codes = np.append(dtype.categories.get_indexer(named), -1)[column.cat.codes.to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), column.index, name=column.name)


def concat_coded(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """:func:`pandas.concat` (a fresh index) in which a column that is categories in
    any frame stays categories, of the texts of every frame.

    Without this, concatenating a large coded table with a few rows of text
    would turn every row of it into text. A column coded in one frame holds
    texts (or NaN) in every frame.
    """
    dtypes = {}
    for name in dict.fromkeys(name for frame in frames for name in frame.columns):
        columns = [frame[name] for frame in frames if name in frame.columns]
        if any(is_coded(column) for column in columns):
            dtypes[name] = _held_by(columns)
    return pd.concat(
        [frame.astype({k: v for k, v in dtypes.items() if k in frame.columns}) for frame in frames],
        ignore_index=True,
    )


def appended(table: pd.DataFrame, *rows: pd.DataFrame) -> pd.DataFrame:
    """``concat_coded([table, *rows])``, emptying each of them: each column is let go
    once copied, so that a large table is never held twice (0.3 GB at 10M rows).

    Only for frames nothing else holds.
    """
    frames = [table, *rows]
    if sum(map(len, frames)) < _APPENDED_BY_COLUMN:  # in one go: a column at a time takes 1 ms
        whole = concat_coded(frames)
    else:
        columns = {}
        for name in dict.fromkeys(name for frame in frames for name in frame.columns):
            parts = [frame[[name]] if name in frame.columns else frame[[]] for frame in frames]
            columns[name] = concat_coded(parts)[name]
            for frame in frames:
                if name in frame.columns:
                    del frame[name]
        whole = pd.DataFrame(columns, copy=False)
    for frame in frames:
        for name in list(frame.columns):
            del frame[name]
    return whole


def _held_by(columns: list[pd.Series]) -> pd.CategoricalDtype:
    """The categories of every text in these columns, in sorted order.

    Merging sorted indexes, not sorting every text again: when a few rows
    of text join a large coded table, its categories are usually kept as
    they are, and its codes need no change.
    """
    each = [
        column.cat.categories if is_coded(column) else pd.Index(column.dropna().unique())
        for column in columns
    ]
    held = each[0].astype("str")
    for texts in each[1:]:
        held = held.union(texts.astype("str"))
    if not held.is_monotonic_increasing:  # union keeps the order of one side if the other is empty
        held = held.sort_values()
    return pd.CategoricalDtype(held)
