"""Exact sums: the same total whatever order, or batches, its figures come in.

A floating-point sum depends on the order of its terms: summed batch by
batch as a large file is read (the batches differ with the number of
cores), a total would change in its last digits from one machine to the
next, and from the total of the same rows held whole. So each figure is
split into integer parts, each a whole number of 2**place for the places
below, and the parts are added up as integers, which is exact in any
order. A total is then its parts put together and rounded once: the
correctly rounded sum of its figures.

Exact for figures from about 3e-23 to 4e28 (their bits lie between
2**-128 and 2**95), in totals of fewer than 2**31 figures. A finer fraction
is rounded to 2**-128 first, the same way in any order; a larger figure is
summed as a float, as a last resort.
"""

from __future__ import annotations

import functools
import operator

import numpy as np
import pandas as pd

PLACES = (64, 32, 0, -32, -64, -96, -128)  # the lowest bit of each part, as a power of two
# The columns of summed parts: one per place, and the figures too large to split.
SUM_COLUMNS = [*(f"sum_{place}".replace("-", "m") for place in PLACES), "sum_rest"]
_SLICE = 1 << 18  # figures split at a time
_LARGEST = 2.0 ** (PLACES[0] + 31)  # a part holds 31 bits and a sign


def exact_sums(values: np.ndarray, groups: np.ndarray, count: int) -> pd.DataFrame:
    """The summed parts (``SUM_COLUMNS``) of ``values`` in each of ``count`` groups.

    ``groups`` numbers each value's group from 0 (−1: in none). Parts of
    several frames of sums add up, column by column, to the parts of all
    their figures (see :func:`exact_total`).
    """
    return pd.DataFrame(exact_parts(values, groups, count))


def exact_parts(values: np.ndarray, groups: np.ndarray, count: int) -> dict[str, np.ndarray]:
    """:func:`exact_sums` as arrays, by column: for a caller that sums many small
    batches, where a frame for each costs more than the sums."""
    if len(values) > _SLICE:  # a slice at a time: each step's arrays stay small
        slices = [
            exact_parts(values[at : at + _SLICE], groups[at : at + _SLICE], count)
            for at in range(0, len(values), _SLICE)
        ]
        return {
            name: functools.reduce(operator.add, (sums[name] for sums in slices))
            for name in SUM_COLUMNS
        }
    values = np.asarray(values, dtype=np.float64)
    kept = groups >= 0
    if not kept.all():
        values, groups = values[kept], groups[kept]
    large = np.abs(values) >= _LARGEST
    rest = np.bincount(groups[large], weights=values[large], minlength=count).astype(np.float64)
    left = np.where(large, 0.0, values)  # what the parts have still to take
    bound = np.abs(left).max(initial=0.0)
    part = np.empty_like(left)
    sums: dict[str, np.ndarray] = {}
    for place, name in zip(PLACES, SUM_COLUMNS, strict=False):
        summed = np.zeros(count, dtype=np.int64)
        # Skipped while no figure has bits there: most have none above 2**32, and
        # counts none below 1.
        if bound >= 2.0 ** (place - 1):
            np.multiply(left, 2.0**-place, out=part)  # exact: a power of two
            np.rint(part, out=part)  # the nearest whole number of 2**place
            np.add.at(summed, groups, part.astype(np.int64))
            part *= 2.0**place
            left -= part  # exact: the bits below 2**place, or none
            bound = min(bound, 2.0 ** (place - 1)) if left.any() else 0.0
        sums[name] = summed
    sums["sum_rest"] = rest
    return sums


def exact_total(sums: pd.DataFrame) -> np.ndarray:
    """Each row's total from its summed parts (see :func:`exact_sums`), rounded once."""
    parts = {place: sums[name].to_numpy() for place, name in zip(PLACES, SUM_COLUMNS, strict=False)}
    totals = parts[0].astype(np.float64)  # whole numbers: rounded once by the conversion
    other = np.zeros(len(sums), dtype=bool)
    for place in PLACES:
        if place:
            other |= parts[place] != 0
    if other.any():
        # Python integers, unbounded, over the parts of those totals; divided, rounded once.
        whole = np.zeros(int(other.sum()), dtype=object)
        for place, part in parts.items():
            whole += part[other].astype(object) << (place - PLACES[-1])
        totals[other] = (whole / (1 << -PLACES[-1])).astype(np.float64)
    totals += sums["sum_rest"].to_numpy()
    return totals
