"""The worker pool: every task answered or `Lost` with its reason and last note, quick answers
first whatever a slow task does, and no worker left behind when the caller stops early."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from checker.pool import Lost, run_pool


def _work(task: tuple[str, Any], note: Any) -> Any:
    kind, value = task
    note(f"began {value}")
    if kind == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "raise":
        raise ValueError(value)
    if kind == "exit":
        os._exit(3)
    if kind == "sleep":
        Path(value).write_text(str(os.getpid()))
        time.sleep(60)
    return value * 2


def test_a_dead_or_failing_worker_costs_only_its_task() -> None:
    tasks = [("ok", 1), ("die", 2), ("ok", 3), ("raise", 4), ("exit", 5), ("ok", 6)]
    answers = dict(run_pool(_work, tasks, 2))
    assert answers == {
        0: 2,
        1: Lost("worker died: signal 9", "began 2"),
        2: 6,
        3: Lost("worker failed: ValueError: 4", "began 4"),
        4: Lost("worker died: exit status 3", "began 5"),
        5: 12,
    }


def test_quick_answers_come_first_and_stopping_early_stops_the_workers(tmp_path: Path) -> None:
    marker = tmp_path / "sleeper"
    tasks = [("sleep", str(marker)), ("ok", 1), ("ok", 2), ("ok", 3)]
    began = time.monotonic()
    answers = run_pool(_work, tasks, 2)
    first = [next(answers) for _ in range(3)]
    assert sorted(first) == [(1, 2), (2, 4), (3, 6)]
    assert time.monotonic() - began < 30
    sleeper = int(marker.read_text())
    answers.close()
    try:
        os.kill(sleeper, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError("the sleeping worker outlived the pool")


def test_a_worker_busy_past_the_limit_is_stopped(tmp_path: Path) -> None:
    began = time.monotonic()
    answers = list(run_pool(_work, [("sleep", str(tmp_path / "x")), ("ok", 1)], 2, limit=0.5))
    assert sorted(answers, key=lambda a: a[0]) == [
        (0, Lost("worker stopped: still busy after 0.5 s", f"began {tmp_path / 'x'}")),
        (1, 2),
    ]
    assert time.monotonic() - began < 10


@pytest.mark.skipif(sys.platform != "linux", reason="starts the workers by fork (Linux)")
def test_a_signal_while_a_worker_starts_stops_that_worker_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C just after the second worker's fork, before the pool had it in its list: the
    KeyboardInterrupt left it running (then only multiprocessing's exit handler would stop
    it, with a SIGTERM so young a worker can lose). Now it is killed like the first."""
    from multiprocessing.context import ForkProcess

    started: list[Any] = []
    real_start = ForkProcess.start

    def start(process: Any) -> None:
        real_start(process)
        started.append(process)
        if len(started) == 2:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(ForkProcess, "start", start)
    try:
        with pytest.raises(KeyboardInterrupt):
            list(run_pool(_work, [("ok", i) for i in range(4)], 2))
        assert len(started) == 2
        assert [p.exitcode for p in started] == [-signal.SIGKILL] * 2  # none left running
    finally:
        for p in started:
            if p.exitcode is None:
                p.kill()
                p.join()
