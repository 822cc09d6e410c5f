"""Stage 4: the answers a solver call gives — typed, so that a give-up is a result —
and the wall-clock limit every call of a scenario shares."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import z3
from z3 import z3core

from checker.compile.concrete import ModelEval
from checker.records import record


class Swap(list[z3.BoolRef]):
    """Assumptions told as a change of the last question's: `base`, the list asked
    last, with the literals `came` in and `gone` out (as sets, set(self) == set(base)
    - gone | came; the two are disjoint). A run of questions that each change one
    report of 10,000 says so, and the session brings the literals' ids up to date
    instead of finding them all again (0.3 ms a question, and a world asked part by
    part as much again to compare them with the last). Where `base` is not what was
    asked last, it is a plain list."""

    __slots__ = ("base", "came", "gone")

    def __init__(
        self,
        items: Sequence[z3.BoolRef],
        base: Sequence[z3.BoolRef],
        came: Sequence[z3.BoolRef],
        gone: Sequence[z3.BoolRef],
    ) -> None:
        super().__init__(items)
        self.base = base
        self.came = came
        self.gone = gone


class Sat:
    """A satisfiable answer; the model is made only when asked for (from the solver, or
    from the models of the parts of a partitioned world), and only valid until the
    next call."""

    def __init__(
        self,
        solver: z3.Solver | None,
        build: Callable[[], z3.ModelRef] | None = None,
        values: Callable[[], ModelEval] | None = None,
    ):
        self._solver = solver
        self._build = build
        self._values = values
        self._model: z3.ModelRef | None = None

    def values(self) -> ModelEval:
        """What reads the values of terms in the model: of the model itself, or (a world
        asked part by part) of the parts' models, without merging them."""
        return self._values() if self._values is not None else ModelEval.of_model(self.model)

    @property
    def model(self) -> z3.ModelRef:
        if self._model is None:
            if self._build is not None:
                self._model = self._build()
            else:
                assert self._solver is not None
                self._model = self._solver.model()
        return self._model


@record(frozen=True)
class Unsat:
    pass


@record(frozen=True)
class Unknown:
    reason: str


Result = Sat | Unsat | Unknown


class GaveUp(Exception):
    """Raised inside a judgement to stop it; carries the reason (which limit was reached)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _seconds(s: float) -> str:
    return f"{s:g} s"


class Deadline:
    """One wall-clock budget for everything done for one scenario (None: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    @property
    def reason(self) -> str:
        return f"time limit reached ({_seconds(self.seconds or 0)})"

    def expired(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def check(self) -> None:
        """Stop the work (GaveUp) once the time is up."""
        if self.at is not None and time.monotonic() >= self.at:
            raise GaveUp(self.reason)


def give_up_reasons(
    deadline: Deadline, rlimit: int | None, memory_mb: int | None
) -> Callable[[str], str]:
    """The `reason` of `ask`: which limit a give-up reached, in the user's terms (the
    deadline's interrupt makes Z3 say "canceled": no solver is given a timeout of Z3's
    own). A closure, not a session's method: the session's parts keep it, and a bound
    method would make the session a reference cycle only Python's cycle collector frees."""

    def reason(said: str) -> str:
        if deadline.expired():
            return deadline.reason
        if "memory" in said:
            return f"memory limit reached ({memory_mb} MB)"
        if said in ("canceled", "max. resource limit exceeded") or "resource" in said:
            return f"resource limit reached (rlimit {rlimit} per solver call)"
        return said

    return reason


def ask(
    solver: z3.Solver,
    assumptions: Sequence[z3.BoolRef],
    deadline: Deadline,
    reason: Callable[[str], str],
) -> Result:
    """One solver call under assumptions, within the deadline; `reason` turns the
    solver's own words for a give-up into the user's (which limit was reached)."""
    if deadline.expired():
        return Unknown(deadline.reason)
    ctx = solver.ctx
    arr = (z3.Ast * len(assumptions))()
    # (`ast`: what `as_ast()` returns, without the call; one slice assignment fills
    # the array in C, 0.31 ms for 10,000 literals against 0.51 ms item by item)
    arr[:] = [a.ast for a in assumptions]
    try:
        # the C call directly: z3's Solver.check re-checks the sort of every assumption
        answer = z3core.Z3_solver_check_assumptions(ctx.ref(), solver.solver, len(assumptions), arr)
    except z3.Z3Exception as e:  # an interrupt between calls, or memory
        return Unknown(reason(str(e)))
    if answer == z3.Z3_L_TRUE:
        return Sat(solver)
    if answer == z3.Z3_L_FALSE:
        return Unsat()
    return Unknown(reason(solver.reason_unknown()))
