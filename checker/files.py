"""Stage 1: an entry on disk -> its bytes, never read without bound.

Only regular files are read. A named pipe, a device or a socket is refused by
what `stat` says before it is opened, and again by `fstat` on what was opened
(without blocking, so a pipe cannot hang the run); the size bound is checked
on the opened file before a byte is read, and reading stops past the bound
whatever the size said. Each refusal is one `Diagnostic` naming the entry.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from checker.diagnostics import Diagnostics, Span

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def whole(file: str) -> Span:
    """The span of an entry as a whole (shown as `path: message`)."""
    return Span(file, 0, 0)


def special_kind(mode: int) -> str | None:
    """What a `stat` mode is when it is neither a regular file nor a directory."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "not a regular file"


def report_stat_error(path: Path, err: OSError, diags: Diagnostics, file: str) -> None:
    """Why `stat` of `path` failed, as a diagnostic: a symbolic link that leads nowhere or
    round in a loop is told apart from a missing or forbidden file."""
    if err.errno == errno.ELOOP:
        diags.add("Y014", whole(file), reason="a symbolic link loop")
        return
    if err.errno in (errno.ENOENT, errno.ENOTDIR) and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        diags.add("Y014", whole(file), reason=f"it points to `{target}`, which does not exist")
        return
    diags.add("Y001", Span(file, 1, 1), reason=_reason(err))


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def read_file(path: Path | str, diags: Diagnostics, file: str, *, limit: int) -> bytes | None:
    """The bytes of the regular file `path` (at most `limit`), or None after reporting why not
    under the name `file`."""
    p = Path(path)
    try:
        before = os.stat(p)
    except OSError as err:
        report_stat_error(p, err, diags, file)
        return None
    if not _readable_kind(before, diags, file, limit):
        return None
    try:
        fd = os.open(p, _OPEN_FLAGS)
    except OSError as err:
        diags.add("Y001", Span(file, 1, 1), reason=_reason(err))
        return None
    try:
        # what was opened may not be what was looked at (the name can change in between)
        if not _readable_kind(os.fstat(fd), diags, file, limit):
            return None
        raw = _read_at_most(fd, limit + 1)
    except OSError as err:
        diags.add("Y001", Span(file, 1, 1), reason=_reason(err))
        return None
    finally:
        os.close(fd)
    if len(raw) > limit:  # it grew after fstat, or its size was not its length
        diags.add("Y008", Span(file, 1, 1), size=f"more than {limit}", limit=limit)
        return None
    return raw


def read_prefix(path: Path | str, size: int) -> bytes | None:
    """Up to `size` bytes from the start of the regular file `path`; None if it cannot be read."""
    try:
        fd = os.open(Path(path), _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return _read_at_most(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def _readable_kind(st: os.stat_result, diags: Diagnostics, file: str, limit: int) -> bool:
    if stat.S_ISDIR(st.st_mode):
        diags.add("Y001", Span(file, 1, 1), reason="it is a directory")
        return False
    kind = special_kind(st.st_mode)
    if kind is not None:
        diags.add("Y012", whole(file), kind=kind)
        return False
    if st.st_size > limit:
        diags.add("Y008", Span(file, 1, 1), size=st.st_size, limit=limit)
        return False
    return True


def _read_at_most(fd: int, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = os.read(fd, min(size - len(chunks), 1 << 20))
        if not chunk:
            break
        chunks += chunk
    return bytes(chunks)
