"""The consoles that own the terminal: data on stdout, messages on stderr."""

from __future__ import annotations

import io
import sys
import threading
import time
from types import TracebackType
from typing import Any

from rich.console import Console

# A load shows a progress bar only once it has taken this long.
PROGRESS_AFTER = 1.0


def stdout_console() -> Console:
    """A console on standard output; Rich reads the width, colour support and NO_COLOR.

    A terminal that cannot show a character (≈, 万) gets a ? rather than a crash.
    """
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        sys.stdout.reconfigure(errors="replace")
    return Console(file=sys.stdout)


class LoadProgress:
    """A progress bar on stderr for a load that takes a while; nothing on a pipe.

    Call it with the bytes read since the last call and the file's size
    (from any thread); it appears after ``PROGRESS_AFTER`` seconds, if
    stderr is a terminal, and is gone when the load ends.
    """

    def __init__(self, what: str = "Reading") -> None:
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.done = 0
        self.bar: Any = None  # a rich.progress.Progress, imported when it is shown
        self.task: Any = None
        self.what = what
        self.shown = sys.stderr.isatty()

    def __call__(self, read: int, size: int) -> None:
        with self.lock:
            self.done += read
            if self.bar is None:
                if not self.shown or time.monotonic() - self.started < PROGRESS_AFTER:
                    return
                from rich import progress  # noqa: PLC0415 (only when a bar is shown)

                self.bar = progress.Progress(
                    # A file name is no markup: a[/]b.csv would stop the bar.
                    progress.TextColumn("{task.description}", markup=False),
                    progress.BarColumn(),
                    progress.DownloadColumn(),
                    progress.TimeRemainingColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task(self.what, total=size)
            self.bar.update(self.task, completed=self.done, total=size)

    def restart(self, what: str) -> None:
        """Count from zero again, with ``what`` as the bar's text: the file (or some of
        it) is read again."""
        with self.lock:
            self.done = 0
            self.what = what
            if self.bar is not None:
                self.bar.reset(self.task, description=what)

    def __enter__(self) -> LoadProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()
