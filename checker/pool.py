"""Stage 7: a pool of worker processes that survives its own faults.

`run_pool` hands out one task at a time to each of N workers and yields every
answer as soon as it comes, so quick tasks are never held back behind a slow
one. A worker that dies (killed, out of memory, crashed in native code) costs
only the task it was on, which comes back as `Lost` with the reason ("worker
died: signal 9"), and is replaced; so is one still busy long past `limit`.
Leaving the iteration early, or an exception such as the one a signal raises
in the caller, kills every worker before it returns: none outlives the run.

A signal that stops the run (SIGINT, SIGTERM, SIGHUP) is held back while a worker is
being started: the worker joins the pool's list first, so the exception the signal
raises finds it there and kills it. The new worker starts with those signals held back
too, until it has set its own handling of them: a SIGTERM sent to it a moment after its
birth is then never lost (see `_held_signals`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from checker.records import record

T = TypeVar("T")
R = TypeVar("R")

Note = Callable[[Any], None]


@record(frozen=True)
class Lost:
    """A task whose worker ended without answering: why, and the last note it sent."""

    reason: str
    note: Any = None


# the signals that stop a run: Ctrl-C, and what the CLI turns into `Stopped`
_HELD = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _Worker(Generic[T]):
    def __init__(self, ctx: Any, work: Callable[[T, Note], Any], pool: list[_Worker[T]]) -> None:
        """Start a worker and add it to `pool`, which holds it from before its process
        exists: whatever stops the pool, even in the middle of this, stops it too."""
        self.conn, theirs = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(theirs, work, os.getpid()), daemon=True)
        self.task: int | None = None
        self.note: Any = None
        self.since = 0.0
        pool.append(self)
        try:
            with _held_signals():
                self.process.start()
        except OSError:  # no process: nothing to stop but the pipe
            pool.remove(self)
            self.conn.close()
            raise
        finally:
            theirs.close()

    def give(self, index: int, task: T) -> None:
        self.task, self.note, self.since = index, None, time.monotonic()
        self.conn.send((index, task))

    def stop(self) -> None:
        if self.process.pid is not None:  # (None: its start was cut short before the fork)
            if self.process.exitcode is None:
                self.process.kill()
            self.process.join()
        self.conn.close()


def run_pool(
    work: Callable[[T, Note], R],
    tasks: Sequence[T],
    jobs: int,
    *,
    limit: float | None = None,
) -> Generator[tuple[int, R | Lost], None, None]:
    """Run `work(task, note)` for every task in `jobs` processes; yield `(index, answer)` as
    each answer comes (`Lost` when the worker died, or ran past `limit` seconds on one task).

    `note(value)` lets the work tell the pool how far it got; a `Lost` carries the last one.
    An exception raised by `work` is a `Lost` too ("worker failed: ..."), not the end of the
    run. Close the iterator (or let an exception through) to stop: the workers are killed.
    """
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    waiting = deque(range(len(tasks)))
    workers: list[_Worker[T]] = []
    # a worker that dies between tasks is replaced too, but not endlessly
    starts_left = len(tasks) + jobs
    why = "worker could not start: too many workers died"
    try:
        while waiting or any(w.task is not None for w in workers):
            while waiting:
                idle = next((w for w in workers if w.task is None), None)
                if idle is None and len(workers) < jobs and starts_left > 0:
                    starts_left -= 1
                    try:
                        idle = _Worker(ctx, work, workers)
                    except OSError as err:  # no more processes, or no memory for one
                        why = f"worker could not start: {err}"
                        break
                if idle is None:
                    break
                index = waiting.popleft()
                try:
                    idle.give(index, tasks[index])
                except OSError:  # it died before it could take the task: give it to another
                    waiting.appendleft(index)
                    idle.task = None
                    _retire(workers, idle)
            if not workers:  # none could be started, or every start has been used up
                while waiting:
                    yield waiting.popleft(), Lost(why)
                return
            ready = wait(
                [w.conn for w in workers] + [w.process.sentinel for w in workers],
                timeout=_next_deadline(workers, limit),
            )
            for w in list(workers):
                if w.conn in ready:
                    answered, gone = _read(w)
                    yield from answered
                    if not gone:
                        continue
                elif w.process.sentinel not in ready:
                    if limit is not None and w.task is not None:
                        if time.monotonic() - w.since > limit:
                            task = w.task
                            w.task = None
                            _retire(workers, w)
                            yield (
                                task,
                                Lost(f"worker stopped: still busy after {limit:g} s", w.note),
                            )
                    continue
                lost = (w.task, w.note)
                w.task = None
                _retire(workers, w)
                if lost[0] is not None:
                    yield lost[0], Lost(_death(w.process.exitcode), lost[1])
    finally:
        for w in workers:
            w.stop()


def _read(w: _Worker[Any]) -> tuple[list[tuple[int, Any]], bool]:
    """Every message waiting from `w`: the answers in it, and whether `w` has gone."""
    answers: list[tuple[int, Any]] = []
    try:
        while w.conn.poll():
            kind, index, value = w.conn.recv()
            if kind == "note":
                w.note = value
                continue
            w.task = None
            answers.append((index, value if kind == "done" else Lost(value, w.note)))
    except (EOFError, OSError):  # it died, maybe in the middle of a message
        return answers, True
    return answers, False


def _retire(workers: list[_Worker[Any]], w: _Worker[Any]) -> None:
    w.stop()
    workers.remove(w)


def _next_deadline(workers: list[_Worker[Any]], limit: float | None) -> float | None:
    if limit is None:
        return None
    busy = [w.since + limit for w in workers if w.task is not None]
    return max(0.0, min(busy) - time.monotonic()) + 0.05 if busy else None


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"worker died: signal {-exitcode}"
    return f"worker died: exit status {exitcode}"


def _held_signals() -> contextlib.AbstractContextManager[None]:
    """Hold back `_HELD` in this thread (and so in a process forked from it) until the end.

    Why: an exception a signal raises between the fork and the moment the pool knows the
    worker (a pid it can kill) would leave that worker to `multiprocessing`'s exit
    handler, which sends it SIGTERM and waits for it. A worker that young still has its
    parent's handlers, and can lose that SIGTERM: CPython forgets signals that arrived
    before its after-fork reset, and an exception raised in an at-fork hook is ignored.
    The worker then waits for a task and the pool for the worker, for ever.

    A held signal stays pending; it is acted on when the mask is restored, which in the
    pool's process is where the exception is raised. A process with other threads that
    do not hold the signals may still run the handler inside the start; the pool holds
    the worker in its list from before the fork for that case."""
    if not hasattr(signal, "pthread_sigmask"):  # (Windows)
        return contextlib.nullcontext()
    return _mask(_HELD)


@contextlib.contextmanager
def _mask(signals: frozenset[int]) -> Generator[None, None, None]:
    # the mask as it was first, changing nothing: a signal that came before this runs
    # its handler here, with nothing to undo
    before = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        # (its handler may run even so, after the signals are blocked: `finally` restores)
        signal.pthread_sigmask(signal.SIG_BLOCK, signals)
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _serve(conn: Connection, work: Callable[[Any, Note], Any], parent: int) -> None:
    """A worker's life: take a task, answer, until told to stop or the pool is gone."""
    # Ctrl-C reaches the whole process group: the pool decides, and stops the workers itself.
    # SIGTERM and SIGHUP end a worker at once, not by the handlers of the process it was
    # forked from. They were held back since the fork (`_held_signals`): let them in now.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    _die_with(parent)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, task = message

        def note(value: Any, index: int = index) -> None:
            conn.send(("note", index, value))

        try:
            answer: tuple[str, int, Any] = ("done", index, work(task, note))
        except Exception as err:  # a bug in the work: its task is lost, not the run
            answer = ("failed", index, f"worker failed: {type(err).__name__}: {err}")
        try:
            conn.send(answer)
        except (OSError, EOFError):
            return
        except Exception as err:  # an answer that cannot be pickled
            conn.send(("failed", index, f"worker failed: its answer cannot be sent: {err}"))


def _die_with(parent: int) -> None:
    """On Linux, have the kernel end this worker when the pool's process ends, however it
    ends (even by SIGKILL); elsewhere a worker ends when it next finds the pipe closed."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the pool was gone before the request was made
        os._exit(1)
