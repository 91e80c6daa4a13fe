"""Groups of a large table's rows numbered once, for counts that pandas makes slow.

A pandas group-by on several keys factorises them again for each
aggregation, and its ``nunique`` sorts every row: at 10M rows, counting the
regions behind each total took longer than summing them. Here the rows are
numbered once from the keys' codes, and the count of distinct values in each
group is a mark in a table of groups × values (or, when that table would be
large, a hash of the pairs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from laborstats.codes import is_coded

# Above this many cells, distinct values are counted by hashing pairs rather
# than in a table of groups × values.
_MOST_CELLS = 1 << 26


@dataclass(frozen=True)
class Groups:
    """Each row's group, numbered 0, 1, … in order of first appearance (−1 where a key
    is missing, which leaves the row out, as pandas' group-by does)."""

    numbers: np.ndarray
    count: int

    @property
    def first_rows(self) -> np.ndarray:
        """The position of each group's first row."""
        # Numbered in order of first appearance, so a new group raises the running maximum.
        running = np.maximum.accumulate(self.numbers)
        return np.flatnonzero(np.diff(running, prepend=-1) > 0)

    @property
    def last_rows(self) -> np.ndarray:
        """The position of each group's last row."""
        rows = np.flatnonzero(self.numbers >= 0)
        last = np.full(self.count, -1)
        np.maximum.at(last, self.numbers[rows], rows)
        return last

    def within(self, coarser: Groups) -> Groups:
        """The rows in the groups ``coarser`` makes of these groups (numbered by group,
        as by ``groups_of`` of the groups' first rows): no group-by of every row again."""
        return Groups(self.spread(coarser.numbers, fill=-1), coarser.count)

    def spread(self, values: np.ndarray, fill: object) -> np.ndarray:
        """Each group's value on each of its rows, and ``fill`` on rows in no group."""
        spread = np.full(len(self.numbers), fill, dtype=values.dtype)
        grouped = self.numbers >= 0
        spread[grouped] = values[self.numbers[grouped]]
        return spread

    def distinct(self, column: pd.Series) -> np.ndarray:
        """How many distinct values (NaN aside) ``column`` has in each group."""
        values, kinds = _numbered(column)
        kept = (self.numbers >= 0) & (values >= 0)
        pairs = self.numbers[kept] * kinds + values[kept]
        if self.count * kinds <= max(_MOST_CELLS, len(pairs)):
            return _distinct_in_table(pairs, self.count, kinds)
        return _distinct_by_hashing(pairs, self.count, kinds)


def _distinct_in_table(pairs: np.ndarray, count: int, kinds: int) -> np.ndarray:
    """Distinct values per group, as marks in a table of groups × values."""
    seen = np.zeros(count * kinds, dtype=bool)
    seen[pairs] = True
    counts: np.ndarray = seen.reshape(count, kinds).sum(axis=1)
    return counts


def _distinct_by_hashing(pairs: np.ndarray, count: int, kinds: int) -> np.ndarray:
    """Distinct values per group, from the distinct pairs group × kinds + value."""
    return np.bincount(pd.unique(pairs) // kinds, minlength=count)


def groups_of(frame: pd.DataFrame, keys: Sequence[str], *, dropna: bool = True) -> Groups:
    """The rows of ``frame`` grouped by ``keys``, as ``frame.groupby(keys, sort=False,
    dropna=dropna)``: without ``dropna``, a missing key is a value of its own."""

    def numbered() -> Iterator[tuple[np.ndarray, int]]:
        for key in keys:  # one at a time: at 10M rows each int64 array is 80 MB
            codes, kinds = _numbered(frame[key])
            yield (np.where(codes < 0, kinds, codes), kinds + 1) if not dropna else (codes, kinds)

    combined = combined_codes(numbered(), len(frame))
    numbers, seen = pd.factorize(combined)
    if (combined < 0).any():
        gone = int(np.flatnonzero(seen == -1)[0])
        numbers = np.where(numbers > gone, numbers - 1, np.where(numbers == gone, -1, numbers))
        return Groups(numbers, len(seen) - 1)
    return Groups(numbers, len(seen))


def combined_codes(columns: Iterable[tuple[np.ndarray, int]], rows: int) -> np.ndarray:
    """A number for each of ``rows`` rows' combination of codes (each column's codes
    below its count): equal combinations, equal numbers; −1 where a code is −1."""
    # In place, codes as narrow as they come: at 10M rows each int64 temporary is 80 MB.
    combined = np.zeros(rows, dtype=np.int64)
    combinations = 1
    missing = np.zeros(rows, dtype=bool)
    for codes, kinds in columns:
        missing |= codes < 0
        if combinations * kinds >= 1 << 62:  # renumber the combinations seen so far
            combined, seen = pd.factorize(combined)
            combinations = len(seen)
        combined *= kinds
        combined += codes
        combinations *= max(kinds, 1)
    combined[missing] = -1
    return combined


def _numbered(column: pd.Series) -> tuple[np.ndarray, int]:
    """A number for each row's value (−1 for NaN), of a signed integer type, and how many
    numbers there can be."""
    if is_coded(column):
        return column.cat.codes.to_numpy(), len(column.cat.categories)
    codes, distinct = pd.factorize(column)
    return codes, len(distinct)
