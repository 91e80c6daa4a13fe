"""Text columns held as categories: each distinct text once, and a small code per row.

The loader hands out the text columns of the outcomes table this way. At
10M rows, the texts themselves would take 2.2 GB and every filter, copy
and group-by would move them; the codes take a byte or two a row. Categories
are kept in sorted order, so that sorting or grouping by a code orders
rows as their texts would be ordered.

Statistics keep the codes while they work on every row, and turn a frame
back into texts (:func:`as_texts`) once it is down to the rows a result
needs; results are texts, but for the qualifier columns of
:func:`laborstats.stats.growth.growth_wide` (a year each, which renderers
write as texts). A category column differs from a text column in ways
that matter there: it refuses a value that is not one of its categories
yet, compares only with the same categories, and :func:`pandas.concat`
with other categories gives texts again (use :func:`concat_coded`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterable
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from laborstats.schema import OUTCOMES

# The outcome columns held as categories: every text column.
CODED = tuple(column.name for column in OUTCOMES.columns if column.name not in ("year", "value"))
# Rows of a table below which appended copies it whole.
_APPENDED_BY_COLUMN = 1 << 16
# concat_coded looks up to this many new texts in a large column's categories one by
# one, by bisection (some 40 µs each in 3M categories); more, by hashing them all.
_BISECTED = 1 << 12


def is_coded(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype)


def categories(texts: Iterable[str]) -> pd.CategoricalDtype:
    """The categories of these texts, each once, in sorted order."""
    return pd.CategoricalDtype(pd.Index(sorted(set(texts)), dtype="str"))


def in_order(texts: pd.Index) -> pd.CategoricalDtype:
    """Categories of texts that are distinct and in order already, made without pandas'
    check of that: only for texts known to be so (made so here), as pandas answers
    wrongly, and says nothing, for others.

    pandas checks by hashing a Python string made of each text, and keeps
    them with the categories: 0.9 GB for 3M quotes of a sentence. The check
    is left out through a private constructor while pandas has one.
    """
    unchecked = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    return pd.CategoricalDtype(texts) if unchecked is None else unchecked(texts, ordered=False)


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


def places_in(column: pd.Series, texts: pd.Index, missing: int) -> np.ndarray:
    """Each row's place among ``texts`` (``missing`` where its text is not there, or NaN),
    as narrow an integer as they need: each distinct text looked up once."""
    if is_coded(column):
        codes, distinct = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, distinct = pd.factorize(column)
    found = texts.get_indexer(distinct)
    places = np.append(np.where(found < 0, missing, found), missing)  # the last: NaN (−1)
    return places.astype(narrowest(max(len(texts), missing) + 1))[codes]


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
    texts (or NaN) in every frame; a frame without it gives NaN.
    """
    names = list(dict.fromkeys(name for frame in frames for name in frame.columns))
    joined = {}
    for name in names:
        coded = _coded_joined(frames, name)
        if coded is not None:
            joined[name] = coded
    rest = pd.concat(
        [
            frame.drop(columns=[name for name in joined if name in frame.columns])
            for frame in frames
        ],
        ignore_index=True,
    )
    for name, column in joined.items():
        rest[name] = column
    return rest[names]


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
            columns[name] = _column_joined(frames, name)
            for frame in frames:
                if name in frame.columns:
                    del frame[name]
        whole = pd.DataFrame(columns, copy=False)
    for frame in frames:
        for name in list(frame.columns):
            del frame[name]
    return whole


def _column_joined(frames: list[pd.DataFrame], name: Hashable) -> pd.Series:
    """The column ``name`` of :func:`concat_coded` of ``frames``."""
    coded = _coded_joined(frames, name)
    if coded is not None:
        return coded
    columns = [frame[name] for frame in frames if name in frame.columns]
    if len(columns) == len(frames) and len({column.dtype for column in columns}) == 1:
        # Series put together: a frame of one column made of each part took 0.9 s of the
        # 1.5 s appending growth's 40 parts of 72 columns took at 10M rows. (Of several
        # types, Series and frames differ: booleans and numbers give objects, or numbers.)
        return pd.concat(columns, ignore_index=True)
    parts = [frame[[name]] if name in frame.columns else frame[[]] for frame in frames]
    return pd.concat(parts, ignore_index=True)[name]  # NaN in the rows of a frame without it


def _coded_joined(frames: list[pd.DataFrame], name: Hashable) -> pd.Series | None:
    """The column ``name`` of :func:`concat_coded` of ``frames`` if it is coded in any."""
    columns = [frame[name] if name in frame.columns else None for frame in frames]
    if not any(column is not None and is_coded(column) for column in columns):
        return None
    return pd.Series(_joined(columns, [len(frame) for frame in frames]), name=name)


def _joined(columns: list[pd.Series | None], lengths: list[int]) -> pd.Categorical:
    """These columns (of these lengths; None: NaN in each row) one after another, as
    categories of every text they hold.

    The codes of each column are renumbered into the categories of all, not
    its texts looked up there; nor are its categories compared with the
    others' (pandas hashes every text to compare two categories).
    """
    present = [column for column in columns if column is not None]
    coded = [column.dtype for column in present if isinstance(column.dtype, pd.CategoricalDtype)]
    largest = max(coded, key=lambda dtype: len(dtype.categories))
    own = [_own_codes(column) for column in present]
    dtype, places = _held_by(largest, [texts for texts, _ in own])
    codes = np.empty(sum(lengths), dtype=narrowest(len(dtype.categories)))
    filled = 0
    renumbered = iter(zip(own, places, strict=True))
    for column, length in zip(columns, lengths, strict=True):
        part = codes[filled : filled + length]
        if column is None:
            part[:] = -1
        else:
            (_, indices), place = next(renumbered)
            part[:] = indices if place is None else place[indices]
        filled += length
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def _own_codes(column: pd.Series) -> tuple[pd.Index, np.ndarray]:
    """The texts of a column, each once, and each row's place among them (-1: NaN)."""
    if is_coded(column):
        return column.cat.categories, column.cat.codes.to_numpy()
    indices, texts = pd.factorize(column)
    return pd.Index(texts, dtype="str"), indices


def _held_by(
    largest: pd.CategoricalDtype, own: list[pd.Index]
) -> tuple[pd.CategoricalDtype, list[np.ndarray | None]]:
    """The categories of every text of ``own`` (the texts of some columns, those of
    ``largest`` among them), in sorted order, and where each column's texts are in
    them: an array of places, -1 last (for NaN); None where they stand as they are.

    The texts the other columns hold are usually few, and find their places
    in the largest categories by bisection: hashing 3M quotes to look up 4
    takes a second.
    """
    categories = largest.categories
    same = [len(texts) == len(categories) and texts.equals(categories) for texts in own]
    others = [texts for texts, kept in zip(own, same, strict=True) if not kept]
    if sum(map(len, others)) > _BISECTED or not _ascending(categories):
        return _held_by_all(own)
    bisected = sorted({text for texts in others for text in texts})
    at = np.array([bisect_left(categories, text) for text in bisected], dtype=np.intp)
    held = np.array(
        [
            i < len(categories) and categories[i] == text
            for i, text in zip(at, bisected, strict=True)
        ],
        dtype=bool,
    )
    new = [text for text, kept in zip(bisected, held, strict=True) if not kept]
    before = at[~held]  # the category each new text goes before (or len: after the last)
    # A category moves on by the new texts put before it or before one before it; the
    # j-th new text lands after the j new texts before it.
    moved = np.arange(len(categories))
    dtype = largest
    if new:
        moved += np.searchsorted(before, moved, "right")
        dtype = in_order(_put_in(categories, new, before))
    place = np.empty(len(bisected), dtype=np.intp)
    place[held] = moved[at[held]]
    place[~held] = before + np.arange(len(new))
    other = pd.Index(bisected, dtype="str")
    return dtype, [
        (np.append(moved, -1) if new else None)
        if kept
        else np.append(place[other.get_indexer(texts)], -1)
        for texts, kept in zip(own, same, strict=True)
    ]


def _put_in(categories: pd.Index, new: list[str], before: np.ndarray) -> pd.Index:
    """``categories`` with each of the texts ``new`` put before the category at its
    place in ``before`` (in order; ``len(categories)``: at the end)."""
    bounds = [0, *before.tolist(), len(categories)]
    pieces = [categories[start:end] for start, end in pairwise(bounds)]
    added = [pd.Index([text], dtype="str") for text in new]
    between = [piece for pair in zip(pieces, added, strict=False) for piece in pair]
    return between[0].append([*between[1:], pieces[-1]])


def _ascending(categories: pd.Index) -> bool:
    """Whether these are texts, each after the one before, as categories made here are
    (not those of add_categories); compared by Arrow, as pandas makes each text a
    Python string."""
    if categories.dtype != "str":
        return False
    array = pa.array(categories.array, type=pa.large_string())
    return len(array) < 2 or pc.all(pc.less(array[:-1], array[1:])).as_py()


def _held_by_all(own: list[pd.Index]) -> tuple[pd.CategoricalDtype, list[np.ndarray | None]]:
    """_held_by for columns of many texts each: every text looked up in the union."""
    held = own[0].astype("str")
    for texts in own[1:]:
        held = held.union(texts.astype("str"))
    if not held.is_monotonic_increasing:  # union keeps the order of one side if the other is empty
        held = held.sort_values()
    return pd.CategoricalDtype(held), [np.append(held.get_indexer(texts), -1) for texts in own]


def narrowest(count: int) -> np.dtype[np.signedinteger]:
    """The codes pandas keeps for ``count`` categories: a byte for up to 126."""
    return next(
        np.dtype(kind) for kind in ("int8", "int16", "int32", "int64") if count < np.iinfo(kind).max
    )
