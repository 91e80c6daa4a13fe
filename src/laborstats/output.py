"""Writing results: to standard output, or to a file replaced atomically."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from laborstats.errors import OutputError

# What is written: UTF-8 text, bytes, or bytes in parts written as they come.
Written = str | bytes | Iterable[bytes]


def _parts(text: Written) -> Iterable[bytes]:
    if isinstance(text, str):
        return [text.encode("utf-8")]
    return [text] if isinstance(text, bytes) else text


def write_stdout(text: Written) -> None:
    """Write to standard output and flush, so a closed pipe shows up here.

    A closed pipe stays a BrokenPipeError (the CLI ends quietly, and parts
    not yet made are never made); any other failure, such as a full disk,
    is an OutputError.
    """
    if sys.stdout is None:  # closed (>&-)
        raise OutputError("cannot write: it is closed", where="standard output")
    try:
        for part in _parts(text):
            sys.stdout.buffer.write(part)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(
            f"cannot write: {error.strerror or error}", where="standard output"
        ) from None


def _mode_for(path: Path) -> int:
    """An existing file's permissions, or those a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, text: Written) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Readers see the old file or the whole new one, never a part; an existing
    file survives any failure before the rename. What is not a file to replace
    (a device such as /dev/null, a named pipe) is written to as it is, and
    /dev/stdout, /dev/stderr or /dev/fd/N through the open file they name: where
    standard output goes to a file, ``>> log`` appends to it, as a shell would.
    """
    descriptor = _descriptor(path)
    if descriptor is not None:
        _write_to(descriptor, text, path)
        return
    if _is_stream(path):
        _write_through(path, text)
        return
    path = path.resolve() if path.is_symlink() else path  # replace the file, keep the link
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write here: {error.strerror}", where=str(path)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in _parts(text):
                stream.write(part)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(_mode_for(path))
        Path(temporary).replace(path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError):
            raise OutputError(f"cannot write: {error.strerror}", where=str(path)) from None
        raise


def is_stream(path: Path) -> bool:
    """Whether ``path`` names no file to replace: an open descriptor (/dev/stdout…), or
    something there that is neither a file nor a folder (a device, a named pipe)."""
    return _descriptor(path) is not None or _is_stream(path)


def _is_stream(path: Path) -> bool:
    """Whether ``path`` (its links followed) is there and neither a file nor a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_through(path: Path, text: Written) -> None:
    """Write ``text`` to the device or pipe ``path`` as it comes."""
    _write_into(lambda: path.open("wb"), text, path)


def is_terminal(path: Path) -> bool:
    """Whether writing to ``path`` (such as /dev/stdout or /dev/tty) reaches a terminal."""
    descriptor = _descriptor(path)
    if descriptor is not None:
        return os.isatty(descriptor)
    try:
        if not stat.S_ISCHR(path.stat().st_mode):
            return False
        descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return os.isatty(descriptor)
    finally:
        os.close(descriptor)


_STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR_FOLDERS = (Path("/dev/fd"), Path("/proc/self/fd"))


def _descriptor(path: Path) -> int | None:
    """The open file descriptor ``path`` names (/dev/stdout, /dev/fd/3…), if it names one."""
    if str(path) in _STANDARD_STREAMS:
        return _STANDARD_STREAMS[str(path)]
    if path.parent in _DESCRIPTOR_FOLDERS and path.name.isdigit():
        return int(path.name)
    return None


def _write_to(descriptor: int, text: Written, path: Path) -> None:
    """Write ``text`` through the open file ``descriptor``, where it stands: opened again
    by its name, a file would be emptied first."""
    if sys.stdout is not None:  # (closed: None)
        sys.stdout.flush()
    _write_into(lambda: os.fdopen(os.dup(descriptor), "wb"), text, path)


def _write_into(opened: Callable[[], BinaryIO], text: Written, path: Path) -> None:
    """Write ``text`` to the stream ``opened`` gives, named ``path`` in errors."""
    try:
        with opened() as stream:
            for part in _parts(text):
                stream.write(part)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror or error}", where=str(path)) from None
