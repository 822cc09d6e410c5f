"""Stage 4: facts held apart from a session's world (`Session.hold_apart`).

An open world's questions are asked first without its per-point unreported changes
(`Asker.fewer`): those changes held off as facts. Held in a scope, Z3 propagates them
at every question; asserted at the base level of the session's solver, Z3 simplifies
the world with them once, before any search (an open world of 1,000 reports: its first
question 4.1 s in a scope, 1.7 s at the base level, the `z3` command on the dumped
script; the whole check 19.5 s to 9.4 s). The few questions that need those changes
are asked of a second solver of the same formulas without the facts, made when the
first such question comes and given what it lacks before each. For that the session
keeps its formulas here, from the first: those of every world and those of the open
scope, in the order asserted. (Z3's own list of a solver's assertions is no use: it
holds them as simplified, the facts already worked in.)
"""

from __future__ import annotations

from collections.abc import Iterable

import z3

from checker import z3params
from checker.z3raw import solver_assert


class Apart:
    """A session's facts held apart, its formulas kept for the solver without them, and
    which of the two solvers the next question goes to."""

    def __init__(self, ctx: z3.Context, rlimit: int | None, main: z3.Solver) -> None:
        self.ctx = ctx
        self.rlimit = rlimit
        self.main = main
        self.facts: list[z3.BoolRef] = []
        self.inside = False  # in a block of questions that hold them (`Session.facts`)
        self.world: list[z3.BoolRef] = []
        self.scope: list[z3.BoolRef] = []  # the open scope's (a session's scopes do not nest)
        self._bare: z3.Solver | None = None
        self._world_given = 0
        self._scope_given = -1  # -1: its scope is not open

    def hold(self, lits: Iterable[z3.BoolRef]) -> None:
        """Assert the facts at the main solver's base level."""
        self.facts = list(lits)
        ref, into = self.ctx.ctx, self.main.solver
        for lit in self.facts:
            solver_assert(ref, into, lit.ast)

    @property
    def asks_bare(self) -> bool:
        """Whether a question now goes to the solver without the facts."""
        return bool(self.facts) and not self.inside

    def add(self, term: z3.BoolRef, in_scope: bool) -> None:
        (self.scope if in_scope else self.world).append(term)

    def add_world(self, terms: Iterable[z3.BoolRef]) -> None:
        self.world.extend(terms)

    def scope_closed(self) -> None:
        self.scope.clear()
        if self._bare is not None and self._scope_given >= 0:
            self._bare.pop()
            self._scope_given = -1

    def solver_now(self, in_scope: bool) -> z3.Solver:
        """The solver of the next question: the main one, or the one without the facts,
        given every formula kept so far (and the open scope's in a scope of its own);
        made the first time, with the session's seed and resource limit per call."""
        if not self.asks_bare:
            return self.main
        bare = self._bare
        if bare is None:
            bare = self._bare = z3params.solver(self.ctx, self.rlimit)
        ref, into = self.ctx.ctx, bare.solver
        for term in self.world[self._world_given :]:
            solver_assert(ref, into, term.ast)
        self._world_given = len(self.world)
        if in_scope:
            if self._scope_given < 0:
                bare.push()
                self._scope_given = 0
            for term in self.scope[self._scope_given :]:
                solver_assert(ref, into, term.ast)
            self._scope_given = len(self.scope)
        return bare
