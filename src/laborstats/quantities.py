"""Figures as reports write them (15.24万, 8000余万元, 近90, 1,234, 12%) → value + qualifier."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from laborstats.vocabulary import APPROX, AT_LEAST, AT_MOST, EXACT, QUALIFIERS

# Cells that mean "no figure": missing, never zero.
MISSING_TOKENS = frozenset(
    {"", "-", "--", "—", "——", "–", "N/A", "n/a", "NA", "NaN", "nan", "不详"}
)

EXAMPLES = "a number such as 1234, 1,234, 1 234, 12%, 15.24万, 8000余万元 or 近90"
# From here on, whole numbers are no longer exact in a float: no programme counts that high.
LARGEST = 2.0**53

# Full-width digits and signs, as Chinese input methods type them (one for one,
# so offsets into a text stay true).
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％－＋～　", "0123456789.,%-+~ ")

# Qualifiers written before and after a figure, in cells and in reports' text.
QUALIFIER_PREFIXES = {
    "≈": APPROX,
    "≥": AT_LEAST,
    "≤": AT_MOST,
    "近": APPROX,
    "约": APPROX,
    "大约": APPROX,
    "将近": APPROX,
    "接近": APPROX,
    "超过": AT_LEAST,
    "逾": AT_LEAST,
    "至少": AT_LEAST,
    "不少于": AT_LEAST,
    "最高": AT_MOST,
    "最多": AT_MOST,
    "不超过": AT_MOST,
    "不到": AT_MOST,
    "不足": AT_MOST,
}
QUALIFIER_SUFFIXES = {"以上": AT_LEAST, "以下": AT_MOST, "以内": AT_MOST, "左右": APPROX}
# Scale words and their powers of ten, in simplified and traditional characters.
SCALES = {"百": 2, "千": 3, "万": 4, "百万": 6, "千万": 7, "亿": 8, "百亿": 10, "千亿": 11}
SCALES |= {"万亿": 12, "萬": 4, "百萬": 6, "千萬": 7, "億": 8, "百億": 10, "千億": 11, "萬億": 12}
# Measure words a report may leave after a figure; the metric carries the real unit.
_MEASURE_WORDS = ["个月", "人次", "个百分点", "家次", "元", "人", "名", "项", "个", "吨", "起"]
_MEASURE_WORDS += ["对", "家", "篇", "份", "枚", "年", "次", "件", "户", "所", "座"]


# Spaces that group thousands (1 234): plain, no-break, thin and narrow no-break.
_GROUP_SPACES = " \u00a0\u2009\u202f"


def alternation(words: object) -> str:
    """A regular expression for any of ``words`` (plain text), the longest tried first."""
    return "|".join(sorted(map(str, words), key=len, reverse=True))  # type: ignore[call-overload]


_PATTERN = (
    rf"^(?P<prefix>{alternation(QUALIFIER_PREFIXES)})?\s*"
    r"(?P<sign>[-+−])?\s*"
    rf"(?P<whole>\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:[{_GROUP_SPACES}]\d{{3}})+|\d+)?"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?:[eE](?P<exponent>[-+]?\d+))?\s*"
    r"(?P<more>余|多)?\s*"
    rf"(?P<scale>{alternation(SCALES)})?\s*"
    r"(?P<more_after_scale>余|多)?\s*"
    r"(?P<percent>%)?\s*"
    rf"(?P<measure>{alternation(_MEASURE_WORDS)})?\s*"
    rf"(?P<suffix>{alternation(QUALIFIER_SUFFIXES)})?$"
)


# A number as Python and Arrow both read it, and nothing else (no "inf", no "1_000").
_PLAIN = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_NONZERO_MANTISSA = r"^[^eE]*[1-9]"
_FULL_WIDTH_CHARACTER = "[０-９．，％－＋～　]"


class Figures(NamedTuple):
    """Parsed figures, one entry per cell: see :func:`parse_figures`."""

    value: np.ndarray  # float64, base units; NaN where missing or not a figure
    qualifier: np.ndarray  # int8 position in QUALIFIERS; -1 where missing or not a figure
    valid: np.ndarray  # bool
    percent: np.ndarray  # bool: written with %
    too_large: np.ndarray  # bool: a number, not valid for its size alone (±2**53 or more)


def parse_quantities(cells: pd.Series) -> pd.DataFrame:
    """Parse a column of figures, vectorised on Arrow's compute kernels.

    Returns a frame on the same index with ``value`` (float, base units,
    percent as percent points), ``qualifier`` (exact, approx, at_least,
    at_most; missing where the cell is empty), ``valid`` (False where the
    cell is not a figure, is ±2**53 or more, or so small it reads as 0),
    ``percent`` (written with %) and ``too_large`` (±2**53 or more, which is
    why it is not valid). Missing cells (blank, —, N/A, 不详…) are valid with
    a missing value, never zero.
    """
    figures = parse_figures(_arrow_strings(cells))
    qualifier = np.array([*QUALIFIERS, None], dtype=object)[figures.qualifier]
    return pd.DataFrame(
        {
            "value": figures.value,
            "qualifier": pd.array(qualifier, dtype="str"),
            "valid": figures.valid,
            "percent": figures.percent,
            "too_large": figures.too_large,
        },
        index=cells.index,
    )


def parse_figures(cells: pa.Array | pa.ChunkedArray) -> Figures:
    """:func:`parse_quantities` on an Arrow column, with qualifiers as codes.

    A column of whole numbers or float64 (from a Parquet file) reads as the same
    numbers written out would: null and NaN are missing, infinities and ±2**53
    or more are not figures.
    """
    if pa.types.is_integer(cells.type) or cells.type == pa.float64():
        number = _numpy(pc.cast(cells, pa.float64(), safe=False), fill=np.nan)
        with np.errstate(invalid="ignore"):
            ok = np.abs(number) < LARGEST
        return Figures(
            value=np.where(ok, number, np.nan),
            qualifier=np.where(ok, _CODE[EXACT], -1).astype("int8"),
            valid=ok | np.isnan(number),
            percent=np.zeros(len(number), dtype=bool),
            too_large=~ok & ~np.isnan(number),
        )
    if isinstance(cells, pa.Array):
        cells = pa.chunked_array([cells])
    # Most cells are digits alone, which a check of their bytes finds in a fifth of
    # the time of the regex; only the other cells are trimmed and matched.
    digits = _numpy(pc.ascii_is_decimal(cells))
    plain = np.full(len(cells), np.nan)
    plain[digits] = _numpy(pc.cast(cells.filter(pa.array(digits)), pa.float64()))
    undigited = np.flatnonzero(~digits)
    text = pc.utf8_trim_whitespace(cells.take(pa.array(undigited)))
    written_plain = _numpy(pc.match_substring_regex(text, _PLAIN))
    plain[undigited[written_plain]] = _numpy(
        pc.cast(text.filter(pa.array(written_plain)), pa.float64())
    )
    zero_read = plain == 0
    if zero_read.any():  # 1e-400 reads as 0 and is refused; 0.000 is a zero
        zeros = np.flatnonzero(zero_read)  # only these cells: a regex over all costs a third
        zero_read[zeros] = _numpy(
            pc.match_substring_regex(cells.take(pa.array(zeros)), _NONZERO_MANTISSA)
        )
    with np.errstate(invalid="ignore"):
        plain_ok = (np.abs(plain) < LARGEST) & ~zero_read  # NaN where not plain
        too_large = np.abs(plain) >= LARGEST

    value = np.where(plain_ok, plain, np.nan)
    qualifier = np.where(plain_ok, _CODE[EXACT], -1).astype("int8")
    valid = plain_ok.copy()
    percent = np.zeros(len(cells), dtype=bool)
    # The few cells that are not plain numbers: missing (blank, —, N/A…), or written out.
    others = np.flatnonzero(~plain_ok)
    other = pc.utf8_trim_whitespace(cells.take(pa.array(others)))
    missing = _numpy(pc.or_kleene(pc.is_null(other), pc.is_in(other, pa.array(MISSING_TOKENS))))
    valid[others] = missing
    rest = others[~missing]
    if len(rest):
        parsed = _parse_written_figures(other.filter(pa.array(~missing)))
        value[rest] = parsed.value
        qualifier[rest] = parsed.qualifier
        valid[rest] = parsed.valid
        percent[rest] = parsed.percent
        too_large[rest] = parsed.too_large
    return Figures(value, qualifier, valid, percent, too_large)


def _arrow_strings(cells: pd.Series) -> pa.ChunkedArray:
    """The cells as an Arrow string column (no copy when pandas keeps them in Arrow)."""
    array = pa.array(cells.astype("str"), type=pa.string(), from_pandas=True)
    return pa.chunked_array([array]) if isinstance(array, pa.Array) else array


def _numpy(array: pa.ChunkedArray | pa.Array, fill: object = False) -> np.ndarray:
    """An Arrow column as NumPy, nulls as ``fill``."""
    if array.null_count:
        array = pc.fill_null(array, fill)
    return np.asarray(array.to_numpy(zero_copy_only=False))


_CODE = {qualifier: position for position, qualifier in enumerate(QUALIFIERS)}


def _codes(words: dict[str, str]) -> dict[str, float]:
    return {word: float(_CODE[qualifier]) for word, qualifier in words.items()}


def _parse_written_figures(text: pa.ChunkedArray) -> Figures:
    """The slow path: figures with scale words, qualifiers, separators or units."""
    wide = _numpy(pc.match_substring_regex(text, _FULL_WIDTH_CHARACTER))
    if wide.any():  # translate the cells typed with a Chinese input method
        typed = text.filter(pa.array(wide)).to_pylist()
        translated = pa.array([cell.translate(FULL_WIDTH) for cell in typed], type=pa.string())
        text = pa.chunked_array(
            [pc.replace_with_mask(text.combine_chunks(), pa.array(wide), translated)]
        )
    parts = pc.extract_regex(text, _PATTERN).combine_chunks()

    def field(name: str) -> pa.Array:
        return (
            parts.field(name)
            if parts.null_count == 0
            else pc.if_else(pc.is_valid(parts), parts.field(name), None)
        )

    def present(name: str) -> np.ndarray:
        return _numpy(pc.not_equal(pc.fill_null(field(name), ""), ""))

    def looked_up(name: str, table: dict[str, float]) -> np.ndarray:
        """Each cell's entry in ``table`` (NaN where the part is absent)."""
        positions = _numpy(pc.index_in(field(name), value_set=pa.array(list(table))), fill=-1)
        entries = np.append(np.array(list(table.values()), dtype="float64"), np.nan)
        return np.asarray(entries[positions])

    whole = pc.replace_substring_regex(pc.fill_null(field("whole"), ""), f"[,{_GROUP_SPACES}]", "")
    fraction = pc.fill_null(field("fraction"), "")
    digits = pc.binary_join_element_wise(whole, fraction, "")
    has_digits = _numpy(pc.greater(pc.utf8_length(digits), 0))
    mantissa = _numpy(pc.cast(pc.if_else(has_digits, digits, None), pa.float64()), fill=np.nan)
    scale = looked_up("scale", {word: float(power) for word, power in SCALES.items()})
    exponent = _numpy(
        pc.cast(pc.if_else(present("exponent"), field("exponent"), None), pa.float64()), fill=0.0
    )
    shift = np.nan_to_num(scale) + exponent - _numpy(pc.utf8_length(fraction))
    # Whole-number mantissa times or divided by an exact power of ten rounds
    # once, so 15.24万 is exactly 152400 and 0.07万 exactly 700.
    with np.errstate(over="ignore", invalid="ignore"):
        magnitude = np.where(
            shift >= 0,
            mantissa * np.power(10.0, np.clip(shift, 0, None)),
            mantissa / np.power(10.0, np.clip(-shift, 0, None)),
        )
    sign = np.where(np.isin(_numpy(field("sign"), fill=""), ["-", "−"]), -1.0, 1.0)
    value = sign * magnitude

    # Qualifiers as positions in QUALIFIERS (NaN where none is written).
    prefix = looked_up("prefix", _codes(QUALIFIER_PREFIXES))
    suffix = looked_up("suffix", _codes(QUALIFIER_SUFFIXES))
    more = np.where(present("more") | present("more_after_scale"), _CODE[AT_LEAST], np.nan)
    stated = np.stack([prefix, more, suffix])
    first = stated[np.argmax(~np.isnan(stated), axis=0), np.arange(stated.shape[1])]
    # Two different qualifiers in one cell (近110多) contradict each other.
    conflicting = (
        np.nanmax(stated, axis=0, initial=-1) != np.nanmin(stated, axis=0, initial=9)
    ) & (np.sum(~np.isnan(stated), axis=0) > 1)
    code = np.where(np.isnan(first), _CODE[EXACT], first).astype("int64")
    vanished = (mantissa != 0) & (value == 0)  # 1e-400: too small to be kept
    with np.errstate(invalid="ignore"):
        too_large = has_digits & ~conflicting & (np.abs(value) >= LARGEST)
    valid = has_digits & ~np.isnan(value) & ~too_large & ~conflicting & ~vanished
    return Figures(
        value=np.where(valid, value, np.nan),
        qualifier=np.where(valid, code, -1).astype("int8"),
        valid=valid,
        percent=present("percent") & valid,
        too_large=too_large,
    )
