"""How qualifiers travel through arithmetic: the one place these rules live.

A figure's qualifier says what is known about the true value ``v`` behind the
printed ``x``: exact (v = x), at_least (v ≥ x), at_most (v ≤ x), approx
(v ≈ x). For a change ``a − b``, and for a percent change ``a / b − 1`` with
positive values:

- both exact → exact;
- any approx → approx;
- bounds that push the same way keep it: at_least − exact and exact − at_most
  are at_least; at_most − exact and exact − at_least are at_most;
- bounds that push opposite ways (at_least − at_least) → approx, since
  nothing firmer can be said;
- a missing side → missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.vocabulary import APPROX, AT_LEAST, AT_MOST, EXACT

_DIRECTION = {EXACT: 0.0, AT_LEAST: 1.0, AT_MOST: -1.0}


def difference_qualifier(minuend: pd.Series, subtrahend: pd.Series) -> pd.Series:
    """The qualifier of ``minuend − subtrahend`` (and of its percent change), row by row."""
    first = minuend.map(_DIRECTION).astype("float64")
    second = -subtrahend.map(_DIRECTION).astype("float64")
    known = first.notna() & second.notna()
    opposed = (first * second) < 0
    total = np.sign(first + second)
    result = np.select(
        [~known, opposed, total > 0, total < 0],
        [APPROX, APPROX, AT_LEAST, AT_MOST],
        default=EXACT,
    )
    return pd.Series(result, index=minuend.index, dtype="str").where(
        minuend.notna() & subtrahend.notna()
    )
