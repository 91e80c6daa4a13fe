"""Text a reposting site put into a report: found by rule and by evidence, and cut out.

Sites that repost news inject promotions into the text (a brand name glued
into sentences) and close it with their own boilerplate. Neither is part of
the report. What is cut is kept, so that the figures found in the clean text
keep their offsets in the original, and the command can say what it cut.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# How many paragraphs a token glued in must repeat in (see _glued_in).
REPEATS = 3
LONGEST_TOKEN = 12
SHORTEST_TOKEN = 3
# Characters either side of a token that tell one surrounding from another.
SURROUNDING = 6
CLAUSE_ENDS = "，,；;：:。！？!?\n"
# Stock-margin promotions that reposting sites inject: a brand of two
# characters and 配资 or 优配 (杨方配资), at a clause's end or inside one
# (全年杨方配资带动…); in a word of the report's own (调配资金, 分配资源,
# 择优配备, 优配置) the next character makes 资 or 配 part of that word.
PROMOTION = rf"[{HAN}]{{2}}(?:配资(?![金源产本料格质助])|优配(?![备置合套送给对]))"
# A closing note: a label with a colon (提示:, 声明:, 免责声明：) and one of the
# phrases reposting sites close a text with, to the end of the line.
CLOSING_NOTE = re.compile(rf"[{HAN}A-Za-z]{{0,10}}(?:提示|声明|说明)[:：][^\n]*$")
BOILERPLATE_PHRASES = (
    "来自网络",
    "本站",
    "转载",
    "侵删",
    "仅供参考",
    "版权归原作者",
    "不构成投资建议",
    "投资有风险",
)
# Words after which a noun follows (的机器人, 是巩怀华): what hangs on them was written.
FUNCTION_WORDS = frozenset("的之了是和与及在对为把被从向给将说")


@dataclass(frozen=True)
class Cut:
    """One piece of text cut out: what, where in the original, and why."""

    text: str
    offset: int
    reason: str


@dataclass(frozen=True)
class CleanText:
    """The report without the cut pieces; ``origin[i]`` is where ``text[i]`` stood."""

    text: str
    origin: np.ndarray
    cuts: tuple[Cut, ...]

    def original_offset(self, position: int) -> int:
        """The offset in the original text of ``position`` in the clean one."""
        return int(self.origin[position])


def strip_injected_text(text: str, keep: Iterable[str] = ()) -> CleanText:
    """The report with injected promotions and closing notes cut out; the words
    in ``keep`` are never cut."""
    kept = np.ones(len(text), dtype=bool)
    closing = _closing_notes(text)
    for cut in closing:
        kept[cut.offset : cut.offset + len(cut.text)] = False
    glued = [cut for cut in _glued_tokens(text, kept) if cut.text not in set(keep)]
    for cut in glued:
        kept[cut.offset : cut.offset + len(cut.text)] = False
    origin = np.flatnonzero(kept)
    clean = "".join(text[position] for position in origin)
    cuts = sorted([*closing, *glued], key=lambda cut: cut.offset)
    return CleanText(clean, origin, tuple(cuts))


def _closing_notes(text: str) -> list[Cut]:
    """A reposting site's notes at the end of the text, from the end up: whole
    lines, or the end of the last line of the report."""
    cuts = []
    for line in reversed(list(re.finditer(r"[^\n]*", text))):
        content = line.group().rstrip()
        if not content.strip():
            continue
        note = _note_in(content)
        if note is None:
            break
        cuts.append(Cut(content[note:], line.start() + note, "a reposting site's closing note"))
        if content[:note].strip():
            break
    return cuts


def _note_in(line: str) -> int | None:
    """Where a closing note begins in ``line``: at its start, or after a sentence."""
    for start in (0, *(found.end() for found in re.finditer("[。！？!?]", line))):
        found = CLOSING_NOTE.match(line, start + len(line[start:]) - len(line[start:].lstrip()))
        if found and any(phrase in found.group() for phrase in BOILERPLATE_PHRASES):
            return found.start()
    return None


def _glued_tokens(text: str, kept: np.ndarray) -> list[Cut]:
    """Promotions glued into the kept text: by their shape, or by how they repeat."""
    readable = "".join(char if keep else "\n" for char, keep in zip(text, kept, strict=True))
    tokens = {
        token: f"repeated in {_paragraphs_with(readable, token)} paragraphs, "
        "glued to the words before it, sharing none with the report"
        for token in _foreign_repeats(readable)
    }
    for token in re.findall(PROMOTION, readable):
        tokens.setdefault(token, "a stock-margin promotion")
    cuts = []
    taken = np.zeros(len(text), dtype=bool)
    for token in sorted(tokens, key=len, reverse=True):
        for found in re.finditer(re.escape(token), readable):
            if not taken[found.start() : found.end()].any():
                taken[found.start() : found.end()] = True
                cuts.append(Cut(token, found.start(), tokens[token]))
    return cuts


def _foreign_repeats(text: str) -> list[str]:
    """Runs of Chinese characters with the evidence of text glued in (see _glued_in),
    longest first."""
    counts: Counter[str] = Counter()
    for run in re.findall(rf"[{HAN}]{{{SHORTEST_TOKEN},}}", text):
        for size in range(SHORTEST_TOKEN, min(len(run), LONGEST_TOKEN) + 1):
            counts.update(run[start : start + size] for start in range(len(run) - size + 1))
    found: list[str] = []
    for token, count in sorted(counts.items(), key=lambda item: -len(item[0])):
        if count < REPEATS or any(token in longer for longer in found):
            continue
        if _glued_in(text, token):
            found.append(token)
    return found


def _glued_in(text: str, token: str) -> bool:
    """Whether ``token`` was glued into ``text`` rather than written in it. It must

    - repeat in REPEATS paragraphs or more, in as many different surroundings
      (a passage quoted twice repeats its words in the same ones);
    - not always be part of one longer word (市总工 of 庆阳市总工会);
    - hang on the word before it every time (not on a number, whose unit it
      would be, nor on a word such as 的 or 是 that a noun follows), never
      starting a clause as a name or a subject may, and end a clause at least
      half the time, where sites append it;
    - share no pair of characters with the rest of the text.
    """
    places = [(found.start(), found.end()) for found in re.finditer(re.escape(token), text)]
    if _paragraphs_with(text, token) < REPEATS:
        return False
    surroundings = {
        (text[max(start - SURROUNDING, 0) : start], text[end : end + SURROUNDING])
        for start, end in places
    }
    if len(surroundings) < REPEATS:
        return False
    before = [text[start - 1 : start] for start, _ in places]
    after = [text[end : end + 1] for _, end in places]
    if any(len(set(side)) == 1 and _is_han(side[0]) for side in (before, after)):
        return False
    # After a digit it is a unit (5000元奖励); after 的 or 是, a noun.
    if not all(_is_han(char) and char not in FUNCTION_WORDS for char in before):
        return False
    if 2 * sum(char == "" or char in CLAUSE_ENDS for char in after) < len(places):
        return False
    rest = text.replace(token, "\n")
    return not any(token[start : start + 2] in rest for start in range(len(token) - 1))


def _is_han(char: str) -> bool:
    return len(char) == 1 and re.fullmatch(f"[{HAN}]", char) is not None


def _paragraphs_with(text: str, token: str) -> int:
    return sum(token in paragraph for paragraph in text.split("\n"))
