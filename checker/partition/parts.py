"""Questions answered part by part, each call doing only what changed since the last.

The proofs ask hundreds of questions one after another with 10,000 reports assumed,
each time one report changed, under the same gates. Finding every literal's part and
walking every part for each call (7,800 parts, 486 calls) cost half of judging the
10,000-report workload, so the last call's state is kept: which literals were assumed,
each part's literals, which parts are outside every question's conjuncts, and for each
of those the key of the answer it holds. A call then finds the literals that came and
went, and asks again only the parts they, or new formulas, touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import z3
from z3 import z3core

from checker import z3params
from checker.answers import Deadline, Result, Sat, Unknown, Unsat, ask
from checker.compile.concrete import ModelEval
from checker.partition.kept import KeptSolvers
from checker.partition.models import PartModels
from checker.partition.unionfind import Group, Partition, conjuncts

PART_BATCH = 400  # formulas of small independent parts asked in one call

# what a part or group is answered under: its parts and their versions, the question's
# conjuncts (none outside a question), the signed keys of the literals assumed (of each
# part, for a group)
_Key = tuple[object, ...]
_Todo = tuple[_Key, list[int], list[z3.BoolRef]]


class Parts:
    """Questions answered part by part: the session's formulas of every world go to
    `world` (a `Partition`), each gated formula's conjuncts to `gated`; `check` asks
    one solver call per part (small parts together) and keeps what it learnt."""

    def __init__(
        self,
        ctx: z3.Context,
        deadline: Deadline,
        rlimit: int | None,
        reason: Callable[[str], str],
    ) -> None:
        self.ctx = ctx
        self.world = Partition(ctx)
        self.deadline = deadline
        self.rlimit = rlimit
        self.reason = reason  # a solver's "reason unknown", in the user's terms
        self.calls = 0
        self.gated: dict[int, list[tuple[z3.BoolRef, set[int]]]] = {}
        self.solved: dict[_Key, z3.ModelRef] = {}  # parts known satisfiable, with a model
        self.question_solvers: dict[_Key, z3.Solver] = {}
        # id of a literal -> (the literal, its constant, signed key, when first seen);
        # the literal is kept with its entry, so its id is never reused
        self.lits: dict[int, tuple[z3.BoolRef, int, int, int]] = {}
        self.models = PartModels(ctx, self.world)
        # every solver of a part, kept or not (a closure over the context alone: a bound
        # method kept by `kept` would make the parts a reference cycle, which only
        # Python's cycle collector frees, with the context)
        self._new_subsolver: Callable[[], z3.Solver] = partial(z3params.solver, ctx, rlimit)
        self.kept = KeptSolvers(self.world, self._new_subsolver)
        self._gated_clock = 0  # bumped whenever a gate gains formulas or gates go
        self._joins: dict[_Key, tuple[list[Group], set[int]]] = {}
        # The last call's state, valid while no parts are joined (`_unions_at`):
        self._unions_at = -1
        self._asked: set[int] = set()  # the ids of its assumed literals
        self._part_of: dict[int, int] = {}  # id of a literal -> its part
        self._held: dict[int, dict[int, z3.BoolRef]] = {}  # part -> its assumed literals
        self._signs: dict[int, frozenset[int]] = {}  # part -> its literals' keys
        self._order: dict[int, list[z3.BoolRef]] = {}  # part -> its literals, as `_assumed`
        self._inside: set[int] | None = None  # the parts some conjunct joins
        self._outside: set[int] = set()  # parts with formulas or literals, not inside
        self._stale: set[int] = set()  # outside parts without an answer for what they hold
        self._group_keys: dict[int, _Key] = {}  # group's index -> its key
        self._call = 0
        # a question's conjunct (by node) -> the parts it touches, found while no parts
        # were joined since (`Partition.unions`): the scopes of a scenario gate the same
        # conjuncts again and again (a troop cap over 1,500 changes walked 38 times for
        # 17 different conjuncts); the conjunct is kept so that its node is not reused
        self._touched: dict[int, tuple[z3.BoolRef, int, set[int]]] = {}

    def add(self, f: z3.BoolRef) -> None:
        """A formula of every world."""
        self.world.add(f)

    def add_gated(self, gate: int, formula: z3.BoolRef) -> None:
        """A question's formula: each conjunct joins only the parts it touches, and only
        while the question is asked."""
        held = self.gated.setdefault(gate, [])
        self._gated_clock += 1
        for c in conjuncts(formula):
            held.append((c, self._parts_touched(c)))

    def _parts_touched(self, c: z3.BoolRef) -> set[int]:
        p = self.world
        key = c.as_ast().value
        known = self._touched.get(key)
        if known is not None and known[1] == p.unions:
            return known[2]
        parts = p.touched(c)
        self._touched[key] = (c, p.unions, parts)
        return parts

    def scope_closed(self) -> None:
        """The questions' formulas are gone; what is known of the world's parts stays."""
        self.gated.clear()
        self._gated_clock += 1
        self._joins.clear()
        self.solved = {k: m for k, m in self.solved.items() if not k[1]}
        self.question_solvers.clear()

    def check(
        self,
        assumptions: Sequence[z3.BoolRef],
        ids: set[int],
        active: set[int],
        gates: dict[int, z3.BoolRef],
        step: tuple[set[int], set[int]] | None = None,
    ) -> Result:
        """Satisfiable exactly when every part is, each with its assumptions and the
        question's conjuncts that touch it (a conjunct touching several parts joins
        them for this call). Parts already solved under the same assumptions keep
        their models; the answer's model is the union of the parts' models. `ids`:
        the ids of `assumptions`, which the caller has found already; `step`, when
        known, the ids that came and went since the last call (see `answers.Swap`)."""
        p = self.world
        self._call += 1
        if self._unions_at != p.unions:
            self._start_over()
            step = None
        changed = p.take_gained()
        self._assume(assumptions, ids, {id(gates[g]) for g in active}, changed, step)
        groups, inside = self._joined(active)
        self._classify(inside, changed)
        version = p.version
        todo: list[_Todo] = []
        for i, (rs, cs, conj_ids) in enumerate(groups):
            key = self._group_keys.get(i)
            if key is None or any(r in changed for r in rs):
                key = (
                    tuple((r, version.get(r, 0)) for r in rs),
                    conj_ids,
                    tuple(self._signs_of(r) for r in rs),
                )
                self._group_keys[i] = key
            todo.append((key, rs, cs))
        solved = self.solved
        for r in sorted(self._stale, key=p.rank):
            key = (((r, version.get(r, 0)),), (), self._signs_of(r))
            known = solved.get(key)
            if known is None:
                todo.append((key, [r], []))
            else:
                self._answered(r, known)
        # small parts share a solver call (each call has a fixed cost); a part with a
        # question's formulas gets its own solver, kept for the scope's next calls
        batch: list[_Todo] = []
        size = 0
        for item in todo:
            key, rs, cs = item
            n = sum(len(p.formulas.get(r, ())) for r in rs)
            if cs:
                got = self._solve_question_part(key, rs, cs)
            elif n >= PART_BATCH:
                got = self._solve_part([item])
            else:
                batch.append(item)
                size += n
                if size < PART_BATCH:
                    continue
                got = self._solve_part(batch)
                batch, size = [], 0
            if not isinstance(got, z3.ModelRef):
                return got
        if batch:
            got = self._solve_part(batch)
            if not isinstance(got, z3.ModelRef):
                return got
        call = self._call

        def merged() -> z3.ModelRef:
            assert self._call == call, "a model asked for after the next question"
            return self.models.model()

        def values() -> ModelEval:
            assert self._call == call, "values asked for after the next question"
            return self.models.values()

        return Sat(None, merged, values)

    # ---- what changed since the last call -----------------------------------

    def _start_over(self) -> None:
        """Parts were joined: every literal's part and every answer is found again."""
        self._unions_at = self.world.unions
        self.kept.forget_joined()
        self._joins.clear()
        self._asked = set()
        self._part_of.clear()
        self._held.clear()
        self._signs.clear()
        self._order.clear()
        self._inside = None
        self._outside = set()
        self._stale = set()
        self._group_keys.clear()
        self.world.take_gained()
        self.models.reset()

    def _assume(
        self,
        assumptions: Sequence[z3.BoolRef],
        ids: set[int],
        gate_ids: set[int],
        changed: set[int],
        step: tuple[set[int], set[int]] | None,
    ) -> None:
        """Each part's literals for this call, from the literals that came and went
        since the last (sets of ids: 10,000 literals a call, hundreds of calls); the
        parts whose literals changed join `changed`."""
        # what changed: from what the caller says changed where it can (`step`), else
        # by lookups alone (no copy of either set: 10,000 literals a call, a few
        # changed); the last call's set is then updated in place. It never holds a
        # gate: a gate's literal is assumed exactly when its gate is active.
        before = self._asked
        if step is not None:
            came_ids, gone_ids = step
            gone = {i for i in gone_ids if i in before}
            came = {i for i in came_ids if i not in before}
        else:
            gone = before - ids
            came = ids - before
        if gate_ids:
            came -= gate_ids
        if not gone and not came:
            return
        before -= gone
        before |= came
        held = self._held
        part_of = self._part_of
        for i in gone:
            r = part_of[i]
            mine = held[r]
            del mine[i]
            if not mine:
                del held[r]
            changed.add(r)
        lits = self.lits
        fresh = []
        for i in came:
            part = part_of.get(i)
            if part is None:
                fresh.append(i)
                continue
            self._hold(part, i, lits[i][0])
            changed.add(part)
        if fresh:  # literals never asked before, numbered in the order asked (`_literal`)
            if len(fresh) < 64:
                order = list(map(id, assumptions))
                firsts = [assumptions[order.index(i)] for i in sorted(fresh, key=order.index)]
            else:
                wanted = set(fresh)
                firsts = [a for a in assumptions if id(a) in wanted]
            for a in firsts:
                i = id(a)
                if i in part_of:  # (asked twice in one call)
                    continue
                r = part_of[i] = self.world.find(self._literal(a))
                self._hold(r, i, a)
                changed.add(r)
        for r in changed:
            self._signs.pop(r, None)
            self._order.pop(r, None)

    def _hold(self, part: int, i: int, a: z3.BoolRef) -> None:
        mine = self._held.get(part)
        if mine is None:
            self._held[part] = {i: a}
        else:
            mine[i] = a

    def _literal(self, a: z3.BoolRef) -> int:
        """The constant (its address) an assumed literal is about, noted once per literal
        with its signed key and when it was first seen."""
        got = self.lits.get(id(a))
        if got is None:
            known = self.world.literal(a)
            if known is not None:
                atom, negated = known
                key = atom * 2 + int(negated)
            else:  # a candidate world's `x = 5`: it belongs to the part of x
                (atom,) = self.world.touched(a)
                key = a.as_ast().value * 2
            got = self.lits[id(a)] = (a, atom, key, len(self.lits))
        return got[1]

    def _signs_of(self, part: int) -> frozenset[int]:
        """The signed keys of a part's assumed literals: a set (a key of `solved`), so
        that no sort is needed for a part of thousands of literals."""
        got = self._signs.get(part)
        if got is None:
            lits = self.lits
            got = frozenset([lits[i][2] for i in self._held.get(part, ())])
            self._signs[part] = got
        return got

    def _classify(self, inside: set[int], changed: set[int]) -> None:
        """Which parts are outside every conjunct of the question, and which of those
        need an answer: those that changed, and those a conjunct joined until now."""
        p = self.world
        if inside is not self._inside:
            outside = {*p.formulas, *self._held} - inside
            self._stale = (self._stale | (outside - self._outside)) & outside
            self._outside = outside
            self._inside = inside
            self._group_keys.clear()
        for r in changed:
            if r in inside:
                continue
            if r in p.formulas or r in self._held:
                self._outside.add(r)
                self._stale.add(r)
            else:  # its last literal went: nothing of the world is in it
                self._outside.discard(r)
                self._stale.discard(r)

    def _answered(self, part: int, model: z3.ModelRef) -> None:
        self._stale.discard(part)
        self.models.assign(part, model)

    def _joined(self, active: set[int]) -> tuple[list[Group], set[int]]:
        """The groups of parts that the conjuncts of the gates `active` join
        (`Partition.groups`), kept while neither the parts nor the gates' formulas change."""
        key = (tuple(sorted(active)), self._gated_clock)
        known = self._joins.get(key)
        if known is not None:
            return known
        conj = [c for g in sorted(active) for c in self.gated.get(g, ())]
        groups, inside = self.world.groups(conj)
        self._joins[key] = (groups, inside)
        return groups, inside

    # ---- solver calls -------------------------------------------------------

    def _assumed(self, parts: list[int]) -> list[z3.BoolRef]:
        """The literals assumed of these parts, each part's in the order they were first
        seen: the same literals always reach a solver in the same order, whatever order
        the question listed them in."""
        lits = self.lits
        order = self._order
        out: list[z3.BoolRef] = []
        for r in parts:
            got = order.get(r)
            if got is None:
                mine = self._held.get(r, ())
                got = order[r] = [lits[i][0] for i in sorted(mine, key=lambda i: lits[i][3])]
            out.extend(got)
        return out

    def _solve_part(self, items: list[_Todo]) -> z3.ModelRef | Unsat | Unknown:
        """One solver call for independent parts of the world; each keeps the model. A
        part asked alone goes to the solver it keeps while it grows (`KeptSolvers`)."""
        if len(items) == 1 and len(items[0][1]) == 1:
            sub = self.kept.solver_for(items[0][1][0])
        else:
            sub = self._new_subsolver()
            for _, rs, _ in items:
                self.world.assert_into(sub, rs)
        got = self._ask_part(sub, self._assumed([r for _, rs, _ in items for r in rs]))
        if isinstance(got, z3.ModelRef):
            for key, rs, _ in items:
                self.solved[key] = got
                for r in rs:
                    self._answered(r, got)
        return got

    def _solve_question_part(
        self, key: _Key, roots: list[int], conj: list[z3.BoolRef]
    ) -> z3.ModelRef | Unsat | Unknown:
        """The parts a question joins, with its conjuncts: a solver kept per set of parts
        and conjuncts while the scope lasts (the proofs ask it again and again with other
        reports assumed)."""
        got = self.solved.get(key)
        if got is None:
            held = key[:2]
            sub = self.question_solvers.get(held)
            if sub is None:
                sub = self.question_solvers[held] = self._new_subsolver()
                self.world.assert_into(sub, roots)
                for c in conj:
                    z3core.Z3_solver_assert(self.ctx.ref(), sub.solver, c.as_ast())
            got = self._ask_part(sub, self._assumed(roots))
            if not isinstance(got, z3.ModelRef):
                return got
            self.solved[key] = got
        for r in roots:
            self.models.assign(r, got)
        return got

    def _ask_part(self, sub: z3.Solver, assumed: list[z3.BoolRef]) -> z3.ModelRef | Unsat | Unknown:
        self.calls += 1
        # no `timeout` of Z3's own: the watchdog interrupts the context at the deadline
        # (see `Session`)
        got = ask(sub, assumed, self.deadline, self.reason)
        return got.model if isinstance(got, Sat) else got
