"""The ``laborstats`` script and ``python -m laborstats``.

The command line is imported here, inside the guard, so that Ctrl-C while
Typer and Rich load ends as it does later: one line and exit 130.
"""

from __future__ import annotations

import atexit
import gc
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130


def _ended(number: int, _frame: FrameType | None) -> None:
    """SIGTERM or SIGHUP (timeout, a closed terminal, a cancelled job) end the run as
    an exit does, so that what it holds is let go: a temporary copy of a file among it
    (see columnar.in_utf8). The exit status is the shell's for the signal."""
    raise SystemExit(128 + number)


def main() -> None:
    """Entry point of the ``laborstats`` script."""
    # At exit, Python's last garbage collections walk every object pandas, Arrow and
    # Pydantic made: 50 ms of a 0.4 s run. Frozen, they are left to the end of the process.
    atexit.register(gc.freeze)
    for name in ("SIGTERM", "SIGHUP"):  # (Windows has no SIGHUP)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _ended)
    try:
        from laborstats.cli import app

        app(prog_name="laborstats")
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
