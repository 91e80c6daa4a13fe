"""The ``laborstats`` script and ``python -m laborstats``.

The command line is imported here, inside the guard, so that Ctrl-C while
Typer and Rich load ends as it does later: one line and exit 130.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130


def main() -> None:
    """Entry point of the ``laborstats`` script."""
    try:
        from laborstats.cli import app

        app(prog_name="laborstats")
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
