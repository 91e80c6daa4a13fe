"""The ``laborstats`` script and ``python -m laborstats``.

The command line is imported here, inside the guard, so that Ctrl-C while
Typer and Rich load ends as it does later: one line and exit 130.
"""

from __future__ import annotations

import atexit
import gc
import sys

EXIT_INTERRUPTED = 130


def main() -> None:
    """Entry point of the ``laborstats`` script."""
    # At exit, Python's last garbage collections walk every object pandas, Arrow and
    # Pydantic made: 50 ms of a 0.4 s run. Frozen, they are left to the end of the process.
    atexit.register(gc.freeze)
    try:
        from laborstats.cli import app

        app(prog_name="laborstats")
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
