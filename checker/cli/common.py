"""Stage 8: what the commands share — exit codes, the two ways a command ends early
(a bad command line, `UsageError`, exit 2; a signal, `Stopped`, exit 128 + N), and the
collector held off while the process starts."""

from __future__ import annotations

import gc
from typing import NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INPUT, EXIT_UNKNOWN, EXIT_NOTHING = 0, 1, 2, 3, 4, 5
EXIT_ABORTED = 130  # Ctrl-C: 128 + SIGINT, silently, as before


class UsageError(Exception):
    """A bad command line: one line on stderr, exit 2."""


class Stopped(BaseException):
    """SIGTERM (or SIGHUP) while a command ran: its workers are stopped on the way out.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name


def usage(message: str) -> NoReturn:
    raise UsageError(message)


def say(text: str) -> None:
    """A line on stderr; nothing (never a crash) when stderr is closed or gone."""
    import sys

    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def hold_collector() -> None:
    """At the start of a process: no cycle collection while the modules are imported.

    What importing makes (modules, classes, functions) lives as long as the process;
    Python's collector walked it about a hundred times during a one-scenario run
    (~10 % of its time). `started` turns the collector back on."""
    gc.disable()


def started() -> None:
    """The command's modules are imported: keep them out of every later collection
    (`gc.freeze`) and collect as usual from here on. Does nothing if not held."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
