"""Figures as reports write them (15.24万, 8000余万元, 近90, 1,234, 12%) → value + qualifier."""

from __future__ import annotations

import numpy as np
import pandas as pd

from laborstats.vocabulary import APPROX, AT_LEAST, AT_MOST, EXACT

# Cells that mean "no figure": missing, never zero.
MISSING_TOKENS = frozenset(
    {"", "-", "--", "—", "——", "–", "N/A", "n/a", "NA", "NaN", "nan", "不详"}
)

EXAMPLES = "a number such as 1234, 1,234, 1 234, 12%, 15.24万, 8000余万元 or 近90"
# From here on, whole numbers are no longer exact in a float: no programme counts that high.
LARGEST = 2.0**53

# Full-width digits and signs, as Chinese input methods type them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％－＋　", "0123456789.,%-+ ")

_PREFIXES = {
    "≈": APPROX,
    "≥": AT_LEAST,
    "≤": AT_MOST,
    "近": APPROX,
    "约": APPROX,
    "大约": APPROX,
    "超过": AT_LEAST,
    "逾": AT_LEAST,
    "最高": AT_MOST,
    "最多": AT_MOST,
    "不超过": AT_MOST,
    "不到": AT_MOST,
}
_SUFFIXES = {"以上": AT_LEAST, "以下": AT_MOST, "左右": APPROX}
_SCALES = {"百": 2, "千": 3, "万": 4, "百万": 6, "千万": 7, "亿": 8}
# Measure words a report may leave after a figure; the metric carries the real unit.
_MEASURE_WORDS = ["个月", "人次", "个百分点", "家次", "元", "人", "名", "项", "个", "吨", "起"]
_MEASURE_WORDS += ["对", "家", "篇", "份", "枚", "年", "次", "件", "户", "所", "座"]


# Spaces that group thousands (1 234): plain, no-break, thin and narrow no-break.
_GROUP_SPACES = " \u00a0\u2009\u202f"


def _alternation(words: object) -> str:
    return "|".join(sorted(map(str, words), key=len, reverse=True))  # type: ignore[call-overload]


_PATTERN = (
    rf"^(?P<prefix>{_alternation(_PREFIXES)})?\s*"
    r"(?P<sign>[-+−])?\s*"
    rf"(?P<whole>\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:[{_GROUP_SPACES}]\d{{3}})+|\d+)?"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?:[eE](?P<exponent>[-+]?\d+))?\s*"
    r"(?P<more>余|多)?\s*"
    rf"(?P<scale>{_alternation(_SCALES)})?\s*"
    r"(?P<more_after_scale>余|多)?\s*"
    r"(?P<percent>%)?\s*"
    rf"(?P<measure>{_alternation(_MEASURE_WORDS)})?\s*"
    rf"(?P<suffix>{_alternation(_SUFFIXES)})?$"
)


def parse_quantities(cells: pd.Series) -> pd.DataFrame:
    """Parse a column of figures, vectorised.

    Returns a frame on the same index with ``value`` (float, base units,
    percent as percent points), ``qualifier`` (exact, approx, at_least,
    at_most; missing where the cell is empty), ``valid`` (False where the
    cell is not a figure, is ±2**53 or more, or so small it reads as 0) and
    ``percent`` (written with %).
    Missing cells (blank, —, N/A, 不详…) are valid with a missing value, never
    zero.
    """
    text = cells.astype("str").str.strip()
    missing = cells.isna() | text.isin(MISSING_TOKENS)
    plain = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
    plain_ok = plain.notna() & (plain.abs() < LARGEST) & ~_underflow(plain, text)

    value = plain.where(plain_ok)
    qualifier = pd.Series(pd.NA, index=cells.index, dtype="str")
    qualifier[plain_ok] = EXACT
    valid = missing | plain_ok

    rest = text[~valid]
    if not rest.empty:
        parsed = _parse_written_figures(rest.str.translate(_FULL_WIDTH))
        value.loc[rest.index] = parsed["value"]
        qualifier.loc[rest.index] = parsed["qualifier"]
        valid.loc[rest.index] = parsed["valid"]
    percent = pd.Series(False, index=cells.index)
    if not rest.empty:
        percent.loc[rest.index] = parsed["percent"]
    return pd.DataFrame(
        {"value": value, "qualifier": qualifier, "valid": valid, "percent": percent}
    )


def _underflow(plain: pd.Series, text: pd.Series) -> pd.Series:
    """Where a number written with a digit other than 0 reads as 0 (1e-400)."""
    zero = plain == 0
    if not zero.any():
        return zero
    return zero & text.str.contains(r"^[^eE]*[1-9]", regex=True)


def _parse_written_figures(text: pd.Series) -> pd.DataFrame:
    """The slow path: figures with scale words, qualifiers, separators or units."""
    parts = text.str.extract(_PATTERN)
    whole = parts["whole"].fillna("").str.replace(f"[,{_GROUP_SPACES}]", "", regex=True)
    fraction = parts["fraction"].fillna("")
    has_digits = (whole.str.len() + fraction.str.len()) > 0

    mantissa = pd.to_numeric((whole + fraction).where(has_digits), errors="coerce")
    shift = (
        parts["scale"].map(_SCALES).fillna(0)
        + pd.to_numeric(parts["exponent"], errors="coerce").fillna(0)
        - fraction.str.len()
    ).astype("float64")
    # Whole-number mantissa times or divided by an exact power of ten rounds
    # once, so 15.24万 is exactly 152400 and 0.07万 exactly 700.
    with np.errstate(over="ignore", invalid="ignore"):
        magnitude = np.where(
            shift >= 0,
            mantissa * np.power(10.0, shift.clip(lower=0)),
            mantissa / np.power(10.0, (-shift).clip(lower=0)),
        )
    sign = np.where(parts["sign"].isin(["-", "−"]), -1.0, 1.0)
    value = pd.Series(sign * magnitude, index=text.index, dtype="float64")

    stated = pd.DataFrame(
        {
            "prefix": parts["prefix"].map(_PREFIXES),
            "more": parts["more"].notna() | parts["more_after_scale"].notna(),
            "suffix": parts["suffix"].map(_SUFFIXES),
        }
    )
    more = stated["more"].map({True: AT_LEAST, False: pd.NA})
    qualifier = stated["prefix"].fillna(more).fillna(stated["suffix"]).fillna(EXACT)
    conflicting = (
        (stated["prefix"].notna() & more.notna() & (stated["prefix"] != more))
        | (
            stated["prefix"].notna()
            & stated["suffix"].notna()
            & (stated["prefix"] != stated["suffix"])
        )
        | (more.notna() & stated["suffix"].notna() & (more != stated["suffix"]))
    )
    vanished = (mantissa != 0) & (value == 0)  # 1e-400: too small to be kept
    valid = has_digits & value.notna() & (value.abs() < LARGEST) & ~conflicting & ~vanished
    return pd.DataFrame(
        {
            "value": value.where(valid),
            "qualifier": qualifier.where(valid).astype("str"),
            "percent": parts["percent"].notna() & valid,
            "valid": valid,
        }
    )
