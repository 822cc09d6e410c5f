"""What a counter's ranges settle without the solver (checker/compile/counters.py).

The bounds that keep a maintained condition hold whichever uncertain event happened,
except where a bound is moved by an event that surely happened: a sure withdrawal
lowers the upper bound only if its report is believed. So the condition is settled
under the reports of those events alone (`Always.settled`), not under every report of
the counter: a question that leaves out some other report (a reading of an incoherent
scenario) is still answered without the solver weighing the orders of the events."""

from __future__ import annotations

from pathlib import Path

from checker.compile.statekey import Always
from checker.judge import Options
from checker.judge.asker import Asker

from .test_open_world_plan import _scenario

CASES = Path(__file__).resolve().parents[1] / "cases" / "engine"


def _troops_cap(case: str) -> Always:
    asker = Asker(_scenario(CASES / case), Options())
    (atom,) = [a for a in asker.states.always_atoms if a.cond.state == "troops"]
    return atom


def test_a_cap_kept_by_a_sure_withdrawal_relies_on_its_report_alone() -> None:
    # deployments of 900 and 900 in overlapping windows, a withdrawal of 100: 1,800 at
    # most in any order, the cap 1,960; the withdrawal's report lowers the bound
    atom = _troops_cap("counter-order-never-exceed.yaml")
    assert atom.settled is not None
    assert [str(x) for x in atom.settled] == ["report:w"]


def test_a_cap_kept_by_deployments_alone_relies_on_no_report() -> None:
    # 980 + 980 = 1,960 <= 1,960 whichever of the two deployments happened
    atom = _troops_cap("counter-cap-exact.yaml")
    assert atom.settled == []
