"""Stage 4: the one Z3 session a scenario is judged in.

Fixed seeds, unsat cores on, a deterministic resource limit (`rlimit`) per
question and a wall-clock budget per scenario only against hangs. Answers are
typed: `Sat`, `Unsat(core)` or `Unknown(reason)`; a give-up is a result, never
an exception.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import z3

DEFAULT_RLIMIT = 50_000_000


@dataclass(frozen=True)
class Sat:
    model: z3.ModelRef


@dataclass(frozen=True)
class Unsat:
    core: tuple[z3.BoolRef, ...]


@dataclass(frozen=True)
class Unknown:
    reason: str


Result = Sat | Unsat | Unknown


class GaveUp(Exception):
    """Raised inside a judgement to stop it; carries the solver's reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Session:
    def __init__(self, timeout: float | None = None, rlimit: int | None = DEFAULT_RLIMIT) -> None:
        z3.set_param("smt.random_seed", 0)
        z3.set_param("sat.random_seed", 0)
        self.solver = z3.Solver()
        self.solver.set("random_seed", 0)
        self.solver.set("unsat_core", True)
        self.rlimit = rlimit
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.checks = 0
        self.asked: list[tuple[tuple[z3.BoolRef, ...], str]] = []
        self.record = False

    def add(self, formulas: Iterable[object]) -> None:
        for f in formulas:
            if f is True:
                continue
            if f is False:
                self.solver.add(z3.BoolVal(False))
            else:
                self.solver.add(f)

    def check(self, assumptions: Sequence[z3.BoolRef]) -> Result:
        self.checks += 1
        if self.rlimit:
            self.solver.set("rlimit", self.rlimit)
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                return Unknown("time limit reached")
            self.solver.set("timeout", max(1, int(left * 1000)))
        answer = self.solver.check(*assumptions)
        if self.record:
            self.asked.append((tuple(assumptions), str(answer)))
        if answer == z3.sat:
            return Sat(self.solver.model())
        if answer == z3.unsat:
            return Unsat(tuple(self.solver.unsat_core()))
        reason = self.solver.reason_unknown()
        if reason in ("canceled", "max. resource limit exceeded"):
            reason = f"resource limit reached (rlimit {self.rlimit})"
        elif reason == "timeout":
            reason = "time limit reached"
        return Unknown(reason)

    def sat(self, assumptions: Sequence[z3.BoolRef]) -> bool:
        """Satisfiable? A give-up raises `GaveUp`."""
        r = self.check(assumptions)
        if isinstance(r, Unknown):
            raise GaveUp(r.reason)
        return isinstance(r, Sat)

    def minimal_core(
        self,
        fixed: Sequence[z3.BoolRef],
        candidates: Sequence[z3.BoolRef],
        *,
        absent_false: bool = False,
        budget: int = 2000,
    ) -> tuple[list[z3.BoolRef], bool]:
        """A subset of `candidates` that with `fixed` is unsatisfiable, and whether it is minimal.

        `absent_false`: a candidate left out is assumed false rather than left
        free (a closed world's sub-scenario: a report removed is an event that
        did not happen). Deletion in the given order, repeated until a whole
        pass removes nothing, so the answer is deterministic and minimal even
        when the property is not monotone. `budget` bounds the solver calls;
        past it the core is returned unminimized (flag False).
        """
        ids = [c.get_id() for c in candidates]

        def ask(subset: list[z3.BoolRef]) -> Result:
            chosen = {c.get_id() for c in subset}
            rest = [z3.Not(c) for c, i in zip(candidates, ids, strict=True) if i not in chosen]
            return self.check([*fixed, *subset, *(rest if absent_false else [])])

        r = ask(list(candidates))
        if isinstance(r, Unknown):
            raise GaveUp(r.reason)
        assert isinstance(r, Unsat), "minimal_core needs an unsatisfiable start"
        in_core = {c.get_id() for c in r.core}
        current = [c for c in candidates if c.get_id() in in_core]
        calls = 1
        changed = True
        while changed:
            changed = False
            i = 0
            while i < len(current):
                if calls >= budget:
                    return current, False
                trial = current[:i] + current[i + 1 :]
                r = ask(trial)
                calls += 1
                if isinstance(r, Unknown):
                    raise GaveUp(r.reason)
                if isinstance(r, Unsat):
                    kept = {c.get_id() for c in r.core}
                    current = [c for c in trial if c.get_id() in kept]
                    changed = True
                else:
                    i += 1
            if not absent_false:
                break  # monotone: one pass suffices
        return current, True

    def to_smt2(self) -> str:
        """Every question asked so far, as one SMT-LIB2 script: the asserted world, then
        one `check-sat-assuming` per question, each after a comment with Z3's answer.

        Assertions only grow during a judgement, and what is added later is guarded by
        literals that earlier questions do not assume, so replaying every question
        against the final assertions gives the answers Z3 gave at the time.
        """
        body = self.solver.to_smt2()
        lines = [ln for ln in body.splitlines() if not ln.startswith("(check-sat")]
        atoms = sorted(
            {(a.arg(0) if z3.is_not(a) else a).sexpr() for asked, _ in self.asked for a in asked}
        )
        # a literal no assertion mentions is not declared by Z3's printer
        lines[1:1] = [
            f"(declare-fun {atom} () Bool)"
            for atom in atoms
            if f"(declare-fun {atom} () Bool)" not in body
        ]
        out = ["(set-option :incremental true)", "(set-logic ALL)", *lines]
        for asked, answer in self.asked:
            out.append(f"; z3: {answer}")
            out.append(f"(check-sat-assuming ({' '.join(a.sexpr() for a in asked)}))")
        return "\n".join(out) + "\n"
