"""Stage 4: the one Z3 session a scenario is judged in.

A fresh Z3 context per scenario (nothing carries over from what ran before in
the process), fixed seeds, a deterministic resource limit (`rlimit`) per solver
call, and one wall-clock `Deadline` for everything done for the scenario.
Formulas of a question sit behind its *gate* literal; every call assumes the
gates it asks about and the negation of all others, so a question pays only
for what it depends on. A satisfiable answer is returned only once the
refinement hook (the timelines' lazily instantiated rules) accepts the model.
Answers are typed: `Sat`, `Unsat` or `Unknown(reason)`; a give-up is a result,
never an exception the caller does not expect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import z3
from z3 import z3core

from checker import watchdog, z3params
from checker.answers import (
    Deadline,
    GaveUp,
    Result,
    Sat,
    Swap,
    Unknown,
    Unsat,
    ask,
    give_up_reasons,
)
from checker.apart import Apart
from checker.compile.concrete import ModelEval
from checker.partition import PART_SIZE, PARTS_THAT_PAY, Parts
from checker.replay import replay_script
from checker.z3raw import bool_term, bool_var, raw, solver_assert

DEFAULT_RLIMIT = 50_000_000
DEFAULT_MEMORY_MB = 4096

# (well-sorted terms of the session's own context: these calls cannot fail)
_mk_or = raw(z3core.Z3_mk_or)
_mk_not = raw(z3core.Z3_mk_not)


class Session:
    def __init__(
        self,
        ctx: z3.Context,
        deadline: Deadline | None = None,
        rlimit: int | None = DEFAULT_RLIMIT,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        partition: bool = False,
        defer: bool = False,
    ) -> None:
        z3params.apply(memory_mb)
        self.ctx = ctx
        self.solver = z3params.solver(ctx, rlimit)
        self.deadline = deadline or Deadline(None)
        self._calls = 0
        self.record = False
        # with `record`: every assertion, scope and question in order, for `to_smt2`
        self._log: list[tuple[str, Any]] = []
        self.gates: dict[int, z3.BoolRef] = {}
        self._gate_id: dict[int, int] = {}
        self._gate_names: set[str] = set()  # the names of the scope's gates
        self._off: dict[int, z3.BoolRef] = {}
        self._negations: dict[int, z3.BoolRef] = {}
        self._last: Sat | None = None
        self._held: set[int] = set()  # the Python ids of the scope's facts (`hold`)
        # the last question's assumptions (kept: their ids stay theirs) and those ids;
        # whether the parts were last asked with exactly these (see `Swap`)
        self._asked: tuple[Sequence[z3.BoolRef], set[int]] | None = None
        self._parts_in_step = False
        self._next_gate = 0
        self.depth = 0
        self._kept: list[object] = []  # rules of every world asserted inside the scope
        # facts held apart (`hold_apart`, checker/apart.py): at the base level of `solver`,
        # held by the questions asked inside `facts()`; the others go to a second solver
        # without them, of the formulas kept (`keep_world`)
        self._apart: Apart | None = None
        self._rlimit = rlimit
        self.on_pop: Callable[[], None] = lambda: None
        # the refinement hook: (model, active gate ids) -> number of rules asserted
        self.refine: Callable[[ModelEval, set[int]], int] | None = None
        # whether a rule may still fail: (active gate ids, ids of the assumed literals)
        self.pending: Callable[[set[int], set[int]], bool] = lambda active, assumed: False
        # a candidate world for the questions behind these gates, tried first (`check`)
        self.hints: Callable[[set[int]], list[z3.BoolRef]] = lambda active: []
        # a give-up's reason in the user's words (the parts keep it too)
        self._reason = give_up_reasons(self.deadline, rlimit, memory_mb)
        # a large world: each question answered part by part (checker/partition/parts.py)
        self.parts = Parts(ctx, self.deadline, rlimit, self._reason) if partition else None
        # with `defer`, the world's formulas wait here until `merge_unless_parts_pay`
        # decides whether the parts are worth finding (the walk over every formula
        # costs a third of judging a world that then goes back to one solver)
        self._deferred: list[z3.BoolRef] | None = [] if partition and defer else None
        self._watchdog: int | None = None
        at = self.deadline.at
        if at is not None:
            # At the deadline every call under way in this context is interrupted,
            # whenever it began. Z3's own `timeout` is not set as well: with it, each
            # solver call starts and stops a timer of Z3's, which cost 7 % of the time
            # inside Z3's answers (paired runs, 1,000 reports) for no bound the watchdog
            # does not already give.
            self._watchdog = watchdog.arm(at, ctx.interrupt)

    @property
    def checks(self) -> int:
        """Solver calls so far (a partitioned world's calls are per part)."""
        return self._calls + (self.parts.calls if self.parts is not None else 0)

    def close(self) -> None:
        self._asked = None
        if self._watchdog is not None:
            watchdog.disarm(self._watchdog)
            self._watchdog = None
        # the terms `sym` caches on the context refer back to it: without this cycle the
        # context is freed as soon as the judge lets it go, not at some later collection
        # (which then paid for freeing it, and left its 17 MB of tables to be faulted
        # in afresh by the next scenario's context: about 1,000 page faults each)
        for name in [n for n in vars(self.ctx) if n.startswith("_checker_")]:
            del vars(self.ctx)[name]

    # ---- assertions --------------------------------------------------------

    def add(self, formulas: Sequence[object]) -> None:
        for f in formulas:
            self.add_one(f)

    def add_one(self, f: object) -> None:
        """A formula of every world (it outlives the current scope)."""
        if f is True:
            return
        if self.depth:
            self._kept.append(f)
        term = self._assert(f)
        if self._deferred is not None:
            self._deferred.append(term)
        elif self.parts is not None:
            self.parts.add(term)

    def _assert(self, f: object) -> z3.BoolRef:
        term = z3.BoolVal(False, self.ctx) if f is False else f
        assert isinstance(term, z3.BoolRef)
        if self.parts is None:  # a partitioned world asks its parts' own solvers
            solver_assert(self.ctx.ctx, self.solver.solver, term.ast)
            if self._apart is not None:
                self._apart.add(term, bool(self.depth))
        if self.record:
            self._log.append(("assert", term))
        return term

    def keep_world(self) -> None:
        """Keep every formula asserted from now on, so that facts can be held apart
        later (`hold_apart`); before the first formula is asserted."""
        assert self._apart is None and not self._calls, "the world is kept from the start"
        self._apart = Apart(self.ctx, self._rlimit, self.solver)

    def hold_apart(self, lits: Sequence[z3.BoolRef]) -> None:
        """Hold `lits` as facts of the questions asked inside `facts()`, at the base
        level of the main solver, where Z3 simplifies the world with them once; the
        questions asked outside go to a second solver without them (checker/apart.py).
        The world must have been kept (`keep_world`); not in a scope, and not for a
        world asked part by part."""
        apart = self._apart
        assert apart is not None, "facts held apart need the world kept"
        assert not self.depth and self.parts is None and not apart.facts, "hold apart once"
        apart.hold(lits)
        if self.record:
            self._log.append(("apart", tuple(apart.facts)))

    def keep_parts(self) -> None:
        """Ask the world part by part, without weighing it (see `merge_unless_parts_pay`)."""
        deferred, self._deferred = self._deferred, None
        if self.parts is not None and deferred is not None:
            for f in deferred:
                self.parts.add(f)

    def merge_unless_parts_pay(
        self, likely: bool = True, part_size: int = PART_SIZE, sizeable: int = 0
    ) -> None:
        """Go back to the one solver unless the world has many parts of `part_size`
        formulas or more: the search in one solver slows down when many sizeable
        independent parts meet, and each of its answers is about the whole world;
        small parts cost it nothing, and asking them apart costs calls. `likely`: the
        caller's guess from the world's structure; when False, the deferred formulas
        go to the one solver without looking for parts. `sizeable`: parts the caller
        knows will be sizeable whatever their formulas now (keys whose rules are
        asserted as candidate worlds break them)."""
        if self.parts is None or self.depth:
            return
        if self._deferred is not None and not likely:
            deferred, self._deferred, self.parts = self._deferred, None, None
            ref = self.ctx.ctx
            for f in deferred:
                solver_assert(ref, self.solver.solver, f.ast)
            if self._apart is not None:
                self._apart.add_world(deferred)
            return
        self.keep_parts()
        found = sum(len(fs) >= part_size for fs in self.parts.world.formulas.values())
        if max(found, sizeable) >= PARTS_THAT_PAY:
            return
        world, self.parts = self.parts.world, None
        roots = list(world.formulas)
        world.assert_into(self.solver, roots)
        if self._apart is not None:
            self._apart.add_world(f for r in roots for f in world.formulas.get(r, ()))

    # ---- scopes ------------------------------------------------------------

    def push(self) -> None:
        """Open the scope in which questions (gates) live; one at a time.

        A question's formulas are asserted in a scope and gone when it closes, so
        the next questions never carry them. Rules of every world found inside the
        scope (`add_one`) are asserted again after it."""
        assert self.depth == 0, "scopes do not nest"
        if self.parts is None:
            self.solver.push()
        self.depth = 1
        if self.record:
            self._log.append(("push", None))

    def pop(self) -> None:
        if self.parts is None:
            self.solver.pop()
        if self._apart is not None:
            self._apart.scope_closed()
        self.depth = 0
        if self.record:
            self._log.append(("pop", None))
        self.gates.clear()
        self._gate_id.clear()
        self._gate_names.clear()
        self._off.clear()
        self._held.clear()
        if self.parts is not None:
            self.parts.scope_closed()
        kept, self._kept = self._kept, []
        for f in kept:
            self._assert(f)
        self.on_pop()

    def hold(self, lits: Sequence[z3.BoolRef]) -> None:
        """Assert `lits` as facts of the current scope, which goes with them: for a run of
        questions that all assume them anyway, so no answer changes. As facts they are
        propagated once, not at every call (the responsible parties of a provision of an
        imported scenario of 9,192 reports: 24 s of solver calls to 16 s). A world asked
        part by part keeps them as assumptions: each part's solver takes only its own."""
        assert self.depth, "facts of a scope belong in a scope"
        self._held.update(map(id, lits))
        if self.parts is not None:
            return
        for lit in lits:
            self._assert(lit)

    @contextmanager
    def facts(self) -> Iterator[None]:
        """The questions asked inside hold the facts held apart (`hold_apart`): they are
        asked of the main solver. The same block again inside changes nothing. A model
        must be taken inside."""
        apart = self._apart
        if apart is None or not apart.asks_bare:
            yield
            return
        apart.inside = True
        try:
            yield
        finally:
            apart.inside = False
            self._last = None

    def negation(self, lit: z3.BoolRef) -> z3.BoolRef:
        """not `lit`, made once."""
        k = lit.get_id()  # (the checker's own terms keep theirs: see z3raw)
        got = self._negations.get(k)
        if got is None:
            got = self._negations[k] = bool_term(_mk_not(self.ctx.ctx, lit.ast), self.ctx, lit)
        return got

    def new_gate(self, name: str) -> tuple[int, z3.BoolRef]:
        """A literal that switches a question's formulas on (id > 0); it lives as long
        as the current scope."""
        assert self.depth, "a question's gate belongs in a scope"
        self._next_gate += 1
        gid = self._next_gate
        # a name asked twice in a scope gets the gate's number: one name is one constant,
        # and a second gate of the same constant was switched off with the first one
        # (the one solver assumes every other gate off) and carried its formula too
        if name in self._gate_names:
            name = f"{name}#{gid}"
        self._gate_names.add(name)
        lit = bool_var(name, self.ctx)
        self.gates[gid] = lit
        self._off[gid] = self.negation(lit)
        # keyed by the Python object: the same literal objects come back as assumptions,
        # and asking Z3 for an id per assumption per call cost more than the call
        self._gate_id[id(lit)] = gid
        return gid, lit

    def assert_under(self, gate: int, lit: z3.BoolRef | None, formula: object) -> None:
        if formula is True:
            return
        if gate == 0 or lit is None:
            self.add_one(formula)
            return
        assert gate in self.gates, "a gate of a closed scope"
        off = self._off[gate]
        if formula is False:
            self._assert(off)
            if self.parts is not None:
                self.parts.add_gated(gate, z3.BoolVal(False, self.ctx))
            return
        assert isinstance(formula, z3.BoolRef)
        pair = (z3.Ast * 2)(off.ast, formula.ast)
        self._assert(bool_term(_mk_or(self.ctx.ctx, 2, pair), self.ctx))
        if self.parts is not None:
            self.parts.add_gated(gate, formula)

    # ---- questions -----------------------------------------------------------

    def check(self, assumptions: Sequence[z3.BoolRef]) -> Result:
        """Satisfiable with these assumptions (and every other gate off)?"""
        # the last answer's model is valid only until now; held on, a world answered part
        # by part would have to be copied before the next answer changes it in place. (One
        # solver's models are left to go when replaced, as before: Z3 reuses the ids of
        # freed terms, its search depends on them, and so do the worlds explanations show.)
        if self.parts is not None:
            self._last = None
        if self._deferred is not None:  # asked before the choice: find the parts now
            self.merge_unless_parts_pay()
        # the ids of 10,000 literals, found once a call (the gates among them, the parts'
        # literals and the rules in play all ask about them)
        ids, step = self._ids_of(assumptions)
        assert self._held <= ids, "a question of the scope that does not assume its facts"
        gate_id = self._gate_id
        active = {gate_id[i] for i in ids.intersection(gate_id)}
        # A candidate world first, where the compiler offers one: a model of the
        # assumptions with the hints is a model of the assumptions. Where it is not a
        # world of the scenario, the question is asked without them.
        hints = self.hints(active) if active else []
        while True:
            asked = [*assumptions, *hints] if hints else assumptions
            if self.parts is not None:
                with_hints = ids.union(map(id, hints)) if hints else ids
                in_step = step if self._parts_in_step and not hints else None
                r = self.parts.check(asked, with_hints, active, self.gates, in_step)
                self._parts_in_step = not hints
                step = _NO_CHANGE  # (asked again: the same literals)
            else:
                r = self._check_once(self._with_offs(asked, active))
            if hints and not isinstance(r, Sat):
                self._log_check(asked, active, r)
                if isinstance(r, Unknown) and self.deadline.expired():
                    return r
                hints = []
                continue
            if isinstance(r, Sat) and self.refine is not None and self.pending(active, ids):
                if self.refine(r.values(), active):
                    continue
            self._log_check(asked, active, r)
            return r

    def _log_check(self, asked: Sequence[z3.BoolRef], active: set[int], r: Result) -> None:
        """With `record`: the question as asked, Z3's answer, and of which solver."""
        if self.record:
            full = tuple(self._with_offs(asked, active))
            bare = self._apart is not None and self._apart.asks_bare
            self._log.append(("check", (full, _word(r), bare)))

    def _ids_of(
        self, assumptions: Sequence[z3.BoolRef]
    ) -> tuple[set[int], tuple[set[int], set[int]] | None]:
        """The ids of the assumptions, and those that came and went since the last
        question when it says (a `Swap` of the last question's list; else None)."""
        last = self._asked
        if isinstance(assumptions, Swap) and last is not None and last[0] is assumptions.base:
            ids = last[1]  # (nothing else holds it: brought up to date in place)
            came = set(map(id, assumptions.came))
            gone = set(map(id, assumptions.gone))
            ids -= gone
            ids |= came
            self._asked = (assumptions, ids)
            return ids, (came, gone)
        ids = set(map(id, assumptions))
        self._asked = (assumptions, ids)
        return ids, None

    def _with_offs(self, asked: Sequence[z3.BoolRef], active: set[int]) -> list[z3.BoolRef]:
        """The assumptions with every gate but the active ones off (one solver asks
        them all; the parts leave the gates' formulas out instead)."""
        return [*asked, *(off for i, off in self._off.items() if i not in active)]

    def _check_once(self, full: list[z3.BoolRef]) -> Result:
        self._calls += 1
        apart = self._apart
        solver = self.solver if apart is None else apart.solver_now(bool(self.depth))
        return ask(solver, full, self.deadline, self._reason)

    def sat(self, assumptions: Sequence[z3.BoolRef]) -> bool:
        """Satisfiable? A give-up raises `GaveUp`."""
        r = self.check(assumptions)
        if isinstance(r, Unknown):
            raise GaveUp(r.reason)
        self._last = r if isinstance(r, Sat) else None
        return isinstance(r, Sat)

    def last_model(self) -> z3.ModelRef:
        """The model of the last satisfiable answer of `sat` (before any other call)."""
        assert self._last is not None
        return self._last.model

    def to_smt2(self) -> str:
        """Every question asked so far, as one SMT-LIB2 script that replays the session
        (`checker/replay.py`)."""
        return replay_script(self.ctx, self._log)


_NO_CHANGE: tuple[set[int], set[int]] = (set(), set())


def _word(r: Result) -> str:
    return "sat" if isinstance(r, Sat) else "unsat" if isinstance(r, Unsat) else "unknown"
