"""Bytes into text: the encodings laborstats detects, and the ones it refuses to guess."""

from __future__ import annotations

import codecs
import re

from laborstats.errors import DataEncodingError

# Line ends as an editor counts them: LF, CRLF, or a lone CR.
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


def line_of(text: str, position: int) -> int:
    """The line, counted from 1, that ``position`` of ``text`` is on."""
    return len(_LINE_END.findall(text, 0, position)) + 1


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` is UTF-8 (with or without a BOM)."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


# Encodings that write a line feed as its ASCII byte, and no other character with that
# byte: a file in one can be cut at its line feeds and each piece decoded on its own.
_LINE_FEEDS_APART = frozenset(
    {"utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"}
    | {"iso8859-1", "cp1252"}
)


def cut_at_line_feeds(encoding: str) -> bool:
    """Whether a file in ``encoding`` may be cut at the bytes of its line feeds."""
    return codecs.lookup(encoding).name in _LINE_FEEDS_APART


def is_encoding(name: str) -> bool:
    """Whether Python knows a text encoding by this name."""
    try:
        "".encode(name)  # LookupError for unknown names and for codecs such as rot13
    except LookupError:
        return False
    return True


def decode(
    raw: bytes, where: str, encoding: str | None = None, *, what: str = "a CSV text file"
) -> str:
    """Decode ``raw`` in ``encoding`` or, when it is None, detect the encoding.

    A BOM settles it (UTF-8, UTF-16, UTF-32), and so do the zero bytes of
    UTF-16 without one; else UTF-8, else GB18030. A file whose lines are in
    different encodings is refused, and so is GB18030 text that reads as rare
    characters, as Big5 or Latin-1 bytes do. Text never holds a NUL: a file
    with one is not ``what`` was expected.
    """
    if encoding is not None:
        # A BOM the codec leaves in the text (utf-8, utf-16-le…) is not part of it.
        text = _decode_as(raw, encoding, where, f"{encoding} text").removeprefix("\ufeff")
    else:
        text = _detect(raw, where, what)
    if "\0" in text:
        raise _not_text(where, line_of(text, text.index("\0")), what)
    return text


def _not_text(where: str, line: int, what: str = "a CSV text file") -> DataEncodingError:
    return DataEncodingError(
        "a NUL character: this is not a text file, or it is damaged",
        where=where,
        line=line,
        expected=what,
    )


# What decode detects a file in UTF-16 or UTF-32 by.
_WIDE_DETECTED = {
    "utf-32": "UTF-32, as its BOM says",
    "utf-16": "UTF-16, as its BOM says",
    "utf-16-le": "UTF-16 text, as its zero bytes suggest",
    "utf-16-be": "UTF-16 text, as its zero bytes suggest",
}
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
WIDE_SAMPLE = 4096  # the first bytes of a file that say whether it is UTF-16 without a BOM


def wide_encoding(head: bytes, encoding: str | None = None) -> str | None:
    """The UTF-16 or UTF-32 codec a file is read in, if it is one of those: ``encoding``,
    or without it the one :func:`decode` detects from ``head``, the file's first
    WIDE_SAMPLE bytes (or all of a smaller file)."""
    if encoding is not None:
        return encoding if codecs.lookup(encoding).name in _WIDE else None
    if head.startswith(codecs.BOM_UTF8):
        return None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return _utf16_without_bom(head)


def _detect(raw: bytes, where: str, what: str = "a CSV text file") -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return _decode_as(raw[len(codecs.BOM_UTF8) :], "utf-8", where, "UTF-8, as its BOM says")
    wide = wide_encoding(raw[:WIDE_SAMPLE])
    if wide is not None:
        return _decode_as(raw, wide, where, _WIDE_DETECTED[wide])
    if b"\0" in raw:
        raise _not_text(where, len(_LINE_END_BYTES.findall(raw, 0, raw.index(b"\0"))) + 1, what)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        _refuse_mixed_encodings(raw, where)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            # Name the bytes where the likelier reading, the one that went further, stops.
            error = max(utf8_error, gb_error, key=lambda error: error.start)
            raise _encoding_error(raw, error, where, "UTF-8 or GB18030 text") from None
    _refuse_unlikely_gb18030(raw, text, where)
    return text


# A CSV in UTF-16 is mostly digits, commas and other ASCII: one byte of each such pair is 0.
_UTF16_ZEROS = 0.2


def _utf16_without_bom(raw: bytes) -> str | None:
    """utf-16-le or -be when zero bytes fill a good part of every other byte, and few of
    the others, as the ASCII digits and commas of a CSV do in UTF-16; else None."""
    sample = raw[:WIDE_SAMPLE]
    if len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = len(sample) // 2 * _UTF16_ZEROS
    # A Chinese character may have a zero byte too (一 is 00 4e): ten times fewer will do.
    if odd >= enough and even * 10 <= odd:
        return "utf-16-le"
    if even >= enough and odd * 10 <= even:
        return "utf-16-be"
    return None


def _decode_as(raw: bytes, encoding: str, where: str, expected: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise _encoding_error(raw, error, where, expected) from None


def _encoding_error(
    raw: bytes, error: UnicodeDecodeError, where: str, expected: str
) -> DataEncodingError:
    before = raw[: error.start].decode(error.encoding, errors="replace")
    line = line_of(before, len(before))
    bad = raw[error.start : error.start + 4]
    return DataEncodingError(
        f"bytes {bad.hex(' ')} are not valid text",
        where=where,
        line=line,
        expected=expected,
    )


# Three-byte UTF-8 sequences: how Chinese characters look in UTF-8.
_UTF8_CJK = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}")


def is_utf8_chinese(line: bytes) -> bool:
    """Whether a line is UTF-8 Chinese, as _refuse_mixed_encodings sees it."""
    return _UTF8_CJK.search(line) is not None and _decodes(line, "utf-8")


def _refuse_mixed_encodings(raw: bytes, where: str) -> None:
    """Stop when some lines are UTF-8 Chinese and others GB18030, not UTF-8 (a line is
    UTF-8 Chinese if it is UTF-8 and holds a character of three bytes)."""
    utf8_line = other_line = 0
    for number, line in enumerate(_LINE_END_BYTES.split(raw), start=1):
        if line.isascii():
            continue
        if _decodes(line, "utf-8"):
            if _UTF8_CJK.search(line):
                utf8_line = utf8_line or number
        elif _decodes(line, "gb18030"):
            other_line = other_line or number
        if utf8_line and other_line:
            raise DataEncodingError(
                f"the file mixes encodings: line {utf8_line} is UTF-8, this line GB18030",
                where=where,
                line=other_line,
                expected="one encoding for the whole file (save it again as UTF-8)",
            )


# Among the characters a GB18030 decoding yields, more than this share outside the
# 6,763 common ones of GB2312 means the bytes were written in another encoding, if
# there are two of them at least, or the one there is came from a byte pair ending in
# an ASCII letter (ü r in Latin-1 is 黵 in GB18030). Any in the Private Use Area, which
# GB18030 gives for byte pairs no character has, means so too.
_RARE_SHARE = 0.3


def unlikely_gb18030(wide: set[str]) -> bool:
    """Whether GB18030 text whose characters beyond ASCII are ``wide`` was written in
    another encoding (see _RARE_SHARE): the detection of GB18030 refuses it."""
    return _unlikely(wide) is not None


def _unlikely(wide: set[str]) -> tuple[set[str], set[str]] | None:
    """The characters of ``wide`` GB18030 gives to no character, and the rare others,
    when they mean the text was written in another encoding; else None."""
    unassigned = {char for char in wide if "\ue000" <= char <= "\uf8ff"}
    rare = {char for char in wide - unassigned if not _in_gb2312(char)}
    many = len(rare) >= _RARE_SHARE * len(wide) and (
        len(rare) >= 2 or any(_ends_in_a_letter(char) for char in rare)
    )
    return (unassigned, rare) if unassigned or (rare and many) else None


def _refuse_unlikely_gb18030(raw: bytes, text: str, where: str) -> None:
    unlikely = _unlikely({char for char in set(text) if not char.isascii()})
    if unlikely is None:
        return
    unassigned, rare = unlikely
    first = min(text.index(char) for char in unassigned | rare)
    shown = sorted(rare)[:4] + [f"U+{ord(char):04X}" for char in sorted(unassigned)[:2]]
    likely = "Big5" if _decodes(raw, "big5") else "Latin-1 or Windows-1252"
    raise DataEncodingError(
        f"read as GB18030 this gives rare or unassigned characters ({', '.join(shown)}), "
        f"so the file is likely {likely}",
        where=where,
        line=line_of(text, first),
        expected=f"--encoding with the file's encoding, such as --encoding "
        f"{'big5' if likely == 'Big5' else 'cp1252'} (or --encoding gb18030 if it is right)",
    )


def _ends_in_a_letter(char: str) -> bool:
    """Whether GB18030 writes ``char`` as two bytes, the second an ASCII letter."""
    pair = char.encode("gb18030")
    return len(pair) == 2 and chr(pair[1]).isascii() and chr(pair[1]).isalpha()


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
