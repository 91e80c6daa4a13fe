"""The LaborstatsError family: every problem with data that a user can fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` was most likely meant to be, if any is close."""
    matches = difflib.get_close_matches(name, list(known), n=1)
    return matches[0] if matches else None


def one_of(name: str, known: list[str]) -> str:
    """What a message expects instead of ``name``: the closest known name first, if any."""
    listed = "one of " + ", ".join(known)
    close = closest(name, known)
    return f'"{close}" ({listed})' if close else listed


class LaborstatsError(Exception):
    """A problem with the data or the request, reported as one line to the user.

    ``where`` names the file (or ``<stdin>``), ``line`` is the line number as a
    text editor counts it, ``column`` the column name; ``found`` and
    ``expected`` say what was there and what should have been.
    """

    def __init__(
        self,
        problem: str,
        *,
        where: str | None = None,
        line: int | None = None,
        column: str | None = None,
        found: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.problem = problem
        self.where = where
        self.line = line
        self.column = column
        self.found = found
        self.expected = expected
        super().__init__(str(self))

    @property
    def detail(self) -> str:
        """What was wrong, without where: the problem, what was found and expected."""
        text = self.problem
        if self.found is not None:
            text += f'; found "{_shorten(self.found)}"'
        if self.expected is not None:
            text += f"; expected {self.expected}"
        return text

    def __str__(self) -> str:
        location = ""
        if self.where is not None:
            location = self.where if self.line is None else f"{self.where}:{self.line}"
            location += ": "
        if self.column is not None:
            location += f'column "{self.column}": '
        return location + self.detail


class DataSourceError(LaborstatsError):
    """A dataset, file or stream that cannot be found or opened."""


class DataEncodingError(LaborstatsError):
    """Bytes that are not text in any encoding laborstats reads."""


class DataFormatError(LaborstatsError):
    """A file whose structure is wrong: CSV syntax, header, JSON, schema."""


class DataValueError(LaborstatsError):
    """A cell whose content is not a valid value for its column."""


class SelectionError(LaborstatsError):
    """A request for something the dataset does not hold (a year, a programme)."""


class NoFiguresError(SelectionError):
    """A dataset with no figures, for a request that needs some. Raised by computations,
    which know no file: the CLI names the dataset."""


class OutputError(LaborstatsError):
    """A result that cannot be written where the user asked."""


def _shorten(text: str, limit: int = 60) -> str:
    """Keep messages on one line: escape newlines, cut long values."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"
