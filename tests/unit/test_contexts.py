"""The Z3 context a scenario is judged in may be made ahead on a thread
(checker/judge/contexts.py): it is then taken by the next judge, a run never leaves
the thread running or a context held, and what is judged is the same."""

from __future__ import annotations

import threading
from pathlib import Path

import z3

from checker import watchdog
from checker.api import check_paths
from checker.judge.contexts import fresh, make_ahead, settle
from checker.onefile import CheckOptions, check_file
from checker.resolve import TermsCache
from checker.results import ScenarioResult

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "edge-cases" / "e11-open-world-nothing.yaml"


def _makers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "z3-context"]


def test_a_context_made_ahead_is_the_next_one_handed_out() -> None:
    make_ahead()
    made = fresh()
    assert isinstance(made, z3.Context)
    assert not _makers()
    assert fresh() is not made  # taken once; the next is made on the spot


def test_settle_waits_for_the_thread_and_drops_the_context() -> None:
    make_ahead()
    make_ahead()  # one at a time
    settle()
    assert not _makers()
    ctx = fresh()
    z3.Bool("x", ctx)  # usable


def test_a_run_leaves_no_thread_and_judges_as_without_it() -> None:
    ahead = check_paths([SCENARIO], CheckOptions(jobs=1)).scenarios[0]  # made ahead
    assert not _makers()
    # nor the watchdog that interrupts Z3 at a deadline (unless a deadline is still
    # armed by something else in this process)
    if not watchdog._WATCHDOG.armed:
        assert not [t for t in threading.enumerate() if t.name == "checker-watchdog"]
    settle()
    on_the_spot = check_file(SCENARIO, TermsCache(), CheckOptions())
    assert isinstance(on_the_spot, ScenarioResult)
    assert ahead.verdict == on_the_spot.verdict
    assert ahead.provisions == on_the_spot.provisions  # explanations included
