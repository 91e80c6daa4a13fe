"""The ``laborstats`` script and ``python -m laborstats``.

The command line is imported here, inside the guard, so that Ctrl-C while
Typer and Rich load ends as it does later: one line and exit 130.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import sys
import traceback
from types import FrameType
from typing import NoReturn

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


def run() -> NoReturn:
    """The ``laborstats`` script: main, then an end that skips the interpreter's teardown.

    Arrow may still hold tasks of reading a file on threads of its own (one
    whose reading was given up halfway, say): run as the process ends, they
    called into a Python already torn down, and a run that had said what it
    should ended in "Fatal Python error: PyGILState_Release" and exit 134 (one
    in ten runs of a file with a malformed row, by Arrow's timing). Everything
    a run writes is closed by then, but the standard streams: they are
    flushed, and the process ends at once with the status main gave.
    """
    try:
        main()
        status = 0
    except SystemExit as exit:
        status = _status(exit.code)
    except BaseException:  # (--debug shows a traceback)
        traceback.print_exc()
        status = 1
    if sys.gettrace() is not None or sys.getprofile() is not None:
        raise SystemExit(status)  # a profiler, or coverage, writes at the interpreter's end
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            if stream is not None:  # (closed before the start: >&-)
                stream.flush()
    os._exit(status)


def _status(code: object) -> int:
    """A SystemExit's code as the interpreter makes it an exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


if __name__ == "__main__":
    run()
