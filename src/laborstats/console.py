"""The consoles that own the terminal: data on stdout, messages on stderr."""

from __future__ import annotations

import sys

from rich.console import Console


def stdout_console() -> Console:
    """A console on standard output; Rich reads the width, colour support and NO_COLOR."""
    return Console(file=sys.stdout)
