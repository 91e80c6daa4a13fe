"""The consoles that own the terminal: data on stdout, messages on stderr."""

from __future__ import annotations

import io
import sys

from rich.console import Console


def stdout_console() -> Console:
    """A console on standard output; Rich reads the width, colour support and NO_COLOR.

    A terminal that cannot show a character (≈, 万) gets a ? rather than a crash.
    """
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        sys.stdout.reconfigure(errors="replace")
    return Console(file=sys.stdout)
