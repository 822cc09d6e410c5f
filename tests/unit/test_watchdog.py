"""The watchdog that interrupts solver work at a scenario's deadline: called at the
deadline, never once disarmed, never still running after `disarm` returns, one
thread for every deadline, none left once idle and stopped, and a watchdog of its own in
a forked child."""

from __future__ import annotations

import multiprocessing
import threading
import time
import warnings

import z3

from checker import watchdog
from checker.answers import Deadline
from checker.solver import Session


def _watchdogs() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "checker-watchdog"]


def test_an_interrupt_comes_at_its_deadline() -> None:
    fired = threading.Event()
    began = time.monotonic()
    watchdog.arm(began + 0.2, fired.set)
    assert fired.wait(5)
    assert time.monotonic() - began >= 0.2


def test_an_earlier_deadline_armed_later_comes_first() -> None:
    order: list[str] = []
    both = threading.Event()

    def late() -> None:
        order.append("late")
        both.set()

    now = time.monotonic()
    watchdog.arm(now + 0.6, late)
    watchdog.arm(now + 0.1, lambda: order.append("early"))
    assert both.wait(5)
    assert order == ["early", "late"]


def test_a_disarmed_deadline_never_interrupts() -> None:
    fired = threading.Event()
    token = watchdog.arm(time.monotonic() + 0.2, fired.set)
    watchdog.disarm(token)
    assert not fired.wait(0.5)


def test_disarm_waits_for_an_interrupt_under_way() -> None:
    started, finished = threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        time.sleep(0.3)
        finished.set()

    token = watchdog.arm(time.monotonic(), slow)
    assert started.wait(5)
    watchdog.disarm(token)
    assert finished.is_set()  # (what it touched may be freed now)


def test_one_thread_serves_every_scenario() -> None:
    ctx = z3.Context()
    for _ in range(20):
        Session(ctx, Deadline(60)).close()
    assert len(_watchdogs()) == 1


def test_stop_ends_an_idle_thread_and_the_next_deadline_starts_one() -> None:
    dog = watchdog._Watchdog()  # (one of its own: other tests may have deadlines armed)
    token = dog.arm(time.monotonic() + 3600, lambda: None)
    first = dog.thread
    assert first is not None
    dog.stop()  # a deadline is armed: the thread stays
    assert first.is_alive()
    dog.disarm(token)
    dog.stop()
    assert not first.is_alive()
    fired = threading.Event()
    dog.arm(time.monotonic() + 0.1, fired.set)
    assert fired.wait(5)
    second = dog.thread
    assert second is not None and second is not first
    dog.stop()
    assert not second.is_alive()


def _child(out: multiprocessing.SimpleQueue) -> None:  # type: ignore[type-arg]
    fired = threading.Event()
    watchdog.arm(time.monotonic() + 0.1, fired.set)
    out.put(fired.wait(5))


def test_a_forked_child_has_a_watchdog_of_its_own() -> None:
    token = watchdog.arm(time.monotonic() + 3600, lambda: None)  # the parent's thread runs
    fork = multiprocessing.get_context("fork")
    out = fork.SimpleQueue()
    p = fork.Process(target=_child, args=(out,))
    with warnings.catch_warnings():
        # (Python 3.12 and later warn of a fork with threads running: this one is the test)
        warnings.simplefilter("ignore", DeprecationWarning)
        p.start()
    p.join(10)
    watchdog.disarm(token)
    assert p.exitcode == 0
    assert out.get() is True


def test_a_session_interrupts_a_call_under_way_at_its_deadline() -> None:
    # a question Z3 takes far longer than the deadline over (pigeonhole, 12 into 11)
    ctx = z3.Context()
    s = Session(ctx, Deadline(0.5), rlimit=None)
    holes, pigeons = 11, 12
    x = [[z3.Bool(f"p{i}h{j}", ctx) for j in range(holes)] for i in range(pigeons)]
    for row in x:
        s.add_one(z3.Or(*row))
    for j in range(holes):
        for a in range(pigeons):
            for b in range(a + 1, pigeons):
                s.add_one(z3.Not(z3.And(x[a][j], x[b][j])))
    s.solver.set("timeout", 4_294_967_295)  # only the watchdog can stop it now
    began = time.monotonic()
    r = s.check([])
    s.close()
    assert type(r).__name__ == "Unknown"
    assert time.monotonic() - began < 5
