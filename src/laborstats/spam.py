"""Text a reposting site put into a report: found by rule and by evidence, and cut out.

Sites that repost news inject promotions into the text (a brand name glued
into sentences) and close it with their own boilerplate. Neither is part of
the report. What is cut is kept, so that the figures found in the clean text
keep their offsets in the original, and the command can say what it cut.
"""

from __future__ import annotations

import re
from collections import Counter
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
# Words of the stock-margin promotions that reposting sites inject; a brand is
# such a word with the two characters before it (杨方配资 and the like).
PROMOTION_WORDS = ("配资", "优配", "炒股", "股票开户")
# Phrases of the notes reposting sites close a text with.
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


def strip_injected_text(text: str) -> CleanText:
    """The report with injected promotions and closing boilerplate cut out."""
    closing = _boilerplate_lines(text)
    keep = np.ones(len(text), dtype=bool)
    for cut in closing:
        keep[cut.offset : cut.offset + len(cut.text)] = False
    glued = _glued_tokens(text, keep)
    for cut in glued:
        keep[cut.offset : cut.offset + len(cut.text)] = False
    cuts = [*closing, *glued]
    origin = np.flatnonzero(keep)
    clean = "".join(text[position] for position in origin)
    return CleanText(clean, origin, tuple(sorted(cuts, key=lambda cut: cut.offset)))


def _boilerplate_lines(text: str) -> list[Cut]:
    """The closing lines that are a reposting site's notes, from the end up."""
    cuts = []
    for line in reversed(list(re.finditer(r"[^\n]*", text))):
        content = line.group().strip()
        if not content:
            continue
        if not any(phrase in content for phrase in BOILERPLATE_PHRASES):
            break
        cuts.append(Cut(line.group(), line.start(), "a reposting site's closing note"))
    return cuts


def _glued_tokens(text: str, keep: np.ndarray) -> list[Cut]:
    """Promotions glued into the kept text: by their words, or by how they repeat."""
    kept = "".join(char if kept else "\n" for char, kept in zip(text, keep, strict=True))
    tokens = {
        token: f"repeated in {_paragraphs_with(kept, token)} paragraphs, "
        "glued to the words before it, sharing none with the report"
        for token in _foreign_repeats(kept)
    }
    for token in _promotions(kept):
        tokens.setdefault(token, "a stock-margin promotion")
    cuts = []
    taken = np.zeros(len(text), dtype=bool)
    for token in sorted(tokens, key=len, reverse=True):
        for found in re.finditer(re.escape(token), kept):
            if not taken[found.start() : found.end()].any():
                taken[found.start() : found.end()] = True
                cuts.append(Cut(token, found.start(), tokens[token]))
    return cuts


def _promotions(text: str) -> set[str]:
    words = "|".join(PROMOTION_WORDS)
    return set(re.findall(rf"[{HAN}]{{0,2}}(?:{words})", text))


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
    - hang on the word before it every time, never starting a clause as a
      name or a subject may, and end a clause at least half the time, where
      sites append it;
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
    if not all(char and (_is_han(char) or char.isdigit()) for char in before):
        return False
    if 2 * sum(char == "" or char in CLAUSE_ENDS for char in after) < len(places):
        return False
    rest = text.replace(token, "\n")
    return not any(token[start : start + 2] in rest for start in range(len(token) - 1))


def _is_han(char: str) -> bool:
    return re.fullmatch(f"[{HAN}]", char) is not None


def _paragraphs_with(text: str, token: str) -> int:
    return sum(token in paragraph for paragraph in text.split("\n"))
