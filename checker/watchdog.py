"""One thread per process that interrupts solver work at each scenario's deadline.

`--timeout` bounds everything done for a scenario: at its deadline every Z3 call
then under way is interrupted (`Session`). A `threading.Timer` per scenario did
that, but starting a thread and waiting for it to run costs 0.4 to 0.7 ms, 2 % of
judging a 30-report scenario of a library. The watchdog's thread is started once,
sleeps until the earliest deadline armed and calls what that deadline interrupts.

An interrupt is called with the watchdog's lock held, and `disarm` takes it: once
`disarm` has returned, no interrupt of that deadline is under way or still to
come, so the caller may let go of what it would have touched (a `Timer` could
still be calling it after `cancel`). A forked child starts with a watchdog of its
own (the parent's thread does not exist there), and `stop` ends the thread when
nothing is armed, so that a process that has judged in-process can fork workers
with no thread of its own running (`checker.judge.settle`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from itertools import count


class _Watchdog:
    def __init__(self) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.armed: dict[int, tuple[float, Callable[[], None]]] = {}
        self.tokens = count(1)
        self.thread: threading.Thread | None = None

    def arm(self, at: float, interrupt: Callable[[], None]) -> int:
        with self.cond:
            token = next(self.tokens)
            self.armed[token] = (at, interrupt)
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._watch, name="checker-watchdog", daemon=True
                )
                self.thread.start()
            else:
                self.cond.notify()  # (it may be asleep until a later deadline)
            return token

    def disarm(self, token: int) -> None:
        with self.cond:
            self.armed.pop(token, None)

    def stop(self) -> None:
        with self.cond:
            thread = self.thread
            if thread is None or self.armed:
                return
            self.thread = None  # (the next `arm` starts another)
            self.cond.notify()
        thread.join()

    def _watch(self) -> None:
        me = threading.current_thread()
        with self.cond:
            while True:
                if self.thread is not me:  # stopped
                    return
                now = time.monotonic()
                for token in [t for t, (at, _) in self.armed.items() if at <= now]:
                    _, interrupt = self.armed.pop(token)
                    try:
                        interrupt()
                    except Exception:  # (a context already freed, say): nothing left to stop
                        pass
                if self.armed:
                    self.cond.wait(min(at for at, _ in self.armed.values()) - now)
                else:
                    self.cond.wait()


_WATCHDOG = _Watchdog()


def _forked() -> None:
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


os.register_at_fork(after_in_child=_forked)


def arm(at: float, interrupt: Callable[[], None]) -> int:
    """Call `interrupt` at the monotonic time `at` (unless disarmed first); a token for
    `disarm`."""
    return _WATCHDOG.arm(at, interrupt)


def disarm(token: int) -> None:
    """No call of the interrupt armed with `token` is under way or will come."""
    _WATCHDOG.disarm(token)


def stop() -> None:
    """End the watchdog's thread if no deadline is armed (one is started again with the
    next deadline)."""
    _WATCHDOG.stop()
