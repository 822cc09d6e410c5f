"""Stage 7: reports written where they were asked for, never half-written.

A report file is written to a temporary file beside it, flushed to disk and
renamed over it in one step, so a run that fails, or is stopped, leaves the
previous report as it was. A target that exists and is not a regular file (a
named pipe, `/dev/null`, a terminal) is written in place. Every problem — a
missing or read-only directory, a directory as target, a full disk, a file size
limit, a closed stdout — is an `OutputError` naming the target and the reason.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

STDOUT = "stdout"


class OutputError(Exception):
    """A report that could not be written: where, and why."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.reason = reason


def _encode(text: str) -> bytes:
    # reports are escaped before this point; a stray surrogate is still never a crash
    return text.encode("utf-8", errors="backslashreplace")


def write_report(path: Path | str, text: str) -> None:
    """Replace the file `path` with `text` (UTF-8) in one step, or raise `OutputError`."""
    write_parts(path, (text,))


def write_parts(path: Path | str, parts: Iterable[str]) -> None:
    """`write_report` of the text made of `parts`, which are written as they come."""
    shown = str(path)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None  # a new file (or a link to one that does not exist yet)
    except OSError as err:
        raise OutputError(shown, _reason(err)) from None
    data = (_encode(part) for part in parts)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(shown, "it is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(path, data, shown)
        return
    # the file a symbolic link names is replaced, not the link
    real = Path(os.path.realpath(path))
    if st is not None and not os.access(real, os.W_OK):
        raise OutputError(shown, "Permission denied")
    temporary = real.with_name(f".{real.name[:200]}.{os.urandom(4).hex()}.tmp")
    fd = -1
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o666)
        if st is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, stat.S_IMODE(st.st_mode))  # the report keeps the old one's mode
        _write_all(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temporary, real)
    except BaseException as err:  # a signal too: never leave the temporary file behind
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise OutputError(shown, _reason(err, real.parent, Path(path).parent)) from None
        raise


_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)


def _write_in_place(path: Path | str, data: Iterable[bytes], shown: str) -> None:
    try:
        # without blocking: a named pipe nobody reads is an error, not a hang
        fd = os.open(path, os.O_WRONLY | _NONBLOCK | _NOCTTY | _CLOEXEC)
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise OutputError(shown, "nothing reads from this named pipe") from None
        raise OutputError(shown, _reason(err)) from None
    try:
        os.set_blocking(fd, True)  # the report is written whole, however slow the reader
        _write_all(fd, data)
    except OSError as err:
        raise OutputError(shown, _reason(err)) from None
    finally:
        os.close(fd)


def _write_all(fd: int, data: Iterable[bytes]) -> None:
    for chunk in data:
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]


def _reason(err: OSError, directory: Path | None = None, shown: Path | None = None) -> str:
    if err.errno == errno.ENOENT and directory is not None and not directory.is_dir():
        return f"no such directory: {shown or directory}"
    return err.strerror or str(err)


def write_stdout(text: str) -> None:
    """Write `text` to stdout as UTF-8 whatever the locale, or raise `OutputError`."""
    stream = sys.stdout
    if stream is None:  # the process was started with stdout closed
        raise OutputError(STDOUT, "it is closed")
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream of a caller's (a test's capture)
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        buffer.write(_encode(text))
        buffer.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise OutputError(STDOUT, "the reader closed the pipe") from None
    except OSError as err:
        _silence_stdout()
        raise OutputError(STDOUT, _reason(err)) from None
    except ValueError:  # closed by the caller
        raise OutputError(STDOUT, "it is closed") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left at exit fails no more."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
