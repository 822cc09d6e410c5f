"""Stage 5: the fresh Z3 context each scenario is judged in, made ahead where a core is
free.

Making a context costs Z3 12 to 17 ms in a new process (it allocates and zeroes some
17 MB of tables), a twentieth of checking one 30-report scenario from the command
line. It needs nothing from the scenario, and the C call lets go of Python's lock, so
`make_ahead` starts it on a thread while the scenario is read and resolved (pure
Python, no Z3), and `fresh` hands it to the judge. A context made ahead is as fresh as
one made on the spot: nothing has been asked of it.
"""

from __future__ import annotations

import threading

import z3

from checker import watchdog


class _Ahead:
    """The one context being made ahead, and the thread making it."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.made: list[z3.Context] = []

    def start(self) -> None:
        if self.thread is not None or self.made:
            return  # one is on its way, or made and not yet taken
        self.thread = threading.Thread(target=self._make, name="z3-context")
        self.thread.start()

    def _make(self) -> None:
        try:
            self.made.append(z3.Context())
        except BaseException:  # (out of memory, say): the judge makes its own
            return

    def take(self) -> z3.Context | None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        return self.made.pop() if self.made else None


_AHEAD = _Ahead()


def make_ahead() -> None:
    """Start making the next scenario's context on a thread (call it where a second core
    is idle: not in a worker of a parallel run, where it would only take turns)."""
    _AHEAD.start()


def settle() -> None:
    """Wait for a context being made and drop one not taken, and end the idle watchdog:
    nothing is left running or held past a run (a process that forks workers next must
    not fork a thread in the middle of a Z3 call)."""
    _AHEAD.take()
    watchdog.stop()


def fresh() -> z3.Context:
    """A context nothing has been asked of: the one made ahead, else a new one."""
    return _AHEAD.take() or z3.Context()
