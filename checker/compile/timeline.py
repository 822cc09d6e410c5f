"""Stage 4: the states of a world as timelines over its event slots (SPEC §3.3), the
rules every world follows (§4.1.4), and what each question depends on.

One timeline per state and key is in checker/compile/statekey.py; the changes each
event slot may make to it, in checker/compile/changes.py; what the ranges of
counters decide, in checker/compile/counters.py; the rules asserted when a
candidate world breaks them, in checker/compile/refine.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import z3

from checker.compile import refine, sym
from checker.compile.changes import ChangeFinder
from checker.compile.concrete import ModelEval
from checker.compile.counters import breach_candidate, counter_bounds
from checker.compile.defined import Change, Defined, Query
from checker.compile.index import Index
from checker.compile.openworld import Beyond
from checker.compile.statekey import LONG_CLUSTER, Always, Timeline
from checker.compile.sym import Bool, Cat, Time
from checker.compile.world import Slot, World
from checker.ir import OTHER, StateCond, StateDef

__all__ = [
    "EAGER_INSTANCES",
    "HINT_FROM",
    "Always",
    "Change",
    "Defined",
    "Query",
    "Timeline",
    "Timelines",
]

# Universals with at most this many instances are asserted whole, up front: most
# scenarios then never need a refinement round, and each instance is linear in the
# changes it may see; beyond it, instances are asserted when a candidate world
# breaks them.
EAGER_INSTANCES = 64

# Changes of one categorical key from which its part of the world is worth solving on
# its own (see `Timelines.parts_likely`).
PART_CHANGES = 10
# ... in a closed world (see CLOSED_PART_SIZE in checker/partition/pay.py): `mixed` of 1,200
# reports has 49 districts of 7 to 9 changes and is 1.5x quicker part by part
CLOSED_PART_CHANGES = 7

# From this many change points in a maintained counter's window, a question that needs
# the counter broken is first asked in the candidate world its bounds point to (a
# model found there is a real world; otherwise the question is asked in full). Below
# it, the solver's own search is quicker than a second call.
HINT_FROM = 256


class Timelines:
    """Lazily built timelines, one per (state, key); the rules of every world; and the
    gate-aware bookkeeping of what each question depends on."""

    def __init__(
        self,
        world: World,
        assert_under: Callable[[int, z3.BoolRef | None, Bool], None],
        beyond: Beyond | None = None,
        eager: int = EAGER_INSTANCES,
        bounds: bool = True,
        hints_from: int = HINT_FROM,
        chain_from: int = LONG_CLUSTER,
    ):
        self.world = world
        self.eager = eager  # universals with at most this many instances are asserted whole
        self.bounds = bounds  # add what the ranges of counters decide (never changes an answer)
        self.hints_from = hints_from  # changes from which a broken counter offers a world
        self.chain_from = chain_from  # a longer cluster of one key is chained (statekey.py)
        self.beyond = beyond
        self.terms = world.scenario.terms
        self.timelines: dict[tuple[str, tuple[str, ...]], Timeline] = {}
        self.always_atoms: list[Always] = []
        self._assert_under = assert_under  # (gate id, gate literal, formula) -> the solver
        self._gate_lits: dict[int, z3.BoolRef | None] = {0: None}
        self._collectors: list[list[Defined]] = []
        self._fresh = 0
        self.changes = ChangeFinder(world)  # what each slot's event changes
        self._gated: list[Defined] = []  # what has definitions asserted under some gate
        self._hints: dict[int, list[z3.BoolRef]] = {}  # gate -> candidate world (`hints`)
        self.tick: Callable[[], None] = lambda: None  # the caller's deadline check

    def fresh(self) -> int:
        self._fresh += 1
        return self._fresh

    def ns(self, sdef: StateDef) -> str:
        return Index.namespace(sdef.value)

    def kinds_of(self, kinds: dict[str, str]) -> set[str]:
        """The kinds named, with every kind that is_a one of them."""
        out: set[str] = set()
        for k in kinds:
            out |= self.terms.kinds.descendants(k)
        return out

    # ---- what a formula depends on ----------------------------------------

    @contextmanager
    def collecting(self) -> Iterator[list[Defined]]:
        """Every query and Always made or reused inside the block is listed."""
        found: list[Defined] = []
        self._collectors.append(found)
        try:
            yield found
        finally:
            self._collectors.pop()

    def used(self, d: Defined) -> None:
        for c in self._collectors:
            c.append(d)

    def define(self, gate: int, lit: z3.BoolRef | None, deps: list[Defined]) -> None:
        """Assert the definitions of `deps` (and theirs) under the gate."""
        self._gate_lits[gate] = lit
        todo = list(deps)
        while todo:
            d = todo.pop()
            if gate in d.gates or 0 in d.gates:
                continue
            if gate and not d.gates:
                self._gated.append(d)
            d.gates.add(gate)
            for f in d.defs:
                self._assert_under(gate, lit, f)
            todo.extend(d.deps)

    def scope_closed(self) -> None:
        """Every gate is gone with the scope: forget what was asserted under them."""
        for d in self._gated:
            d.gates &= {0}
        self._gated = []
        self._gate_lits = {0: None}
        self._hints.clear()
        for a in self.always_atoms:
            lazy = len(a.points) > self.eager or a.settled is not None
            a.pending = list(a.points) if lazy else []
            a.seen = set()

    def assert_gated(
        self, gate: int, lit: z3.BoolRef | None, formula: Bool, deps: list[Defined]
    ) -> None:
        """Assert a formula under a gate, with the definitions of what it uses."""
        self.define(gate, lit, deps)
        self._assert_under(gate, lit, formula)
        self._note_hints(gate, formula, deps)

    def add_world(self, formula: Bool, deps: list[Defined]) -> None:
        """A rule of every world: asserted with no gate."""
        self.define(0, None, deps)
        self._assert_under(0, None, formula)

    # ---- timelines -------------------------------------------------------

    def timeline(self, name: str, key: tuple[str, ...]) -> Timeline:
        tk = (name, key)
        if tk not in self.timelines:
            sdef = self.terms.states[name]
            tl = Timeline(self, sdef, key, self.changes.initial(sdef, key))
            tl.build(self.changes.of(sdef, key))
            self.timelines[tk] = tl
        return self.timelines[tk]

    def matches(self, value: Cat, target: Cat, sdef: StateDef) -> Bool:
        """`value` matches `target` through part_of (enumerations: equality)."""
        w = self.world
        ns = self.ns(sdef)
        if sdef.value.kind not in ("actor", "place"):
            return sym.cat_eq(value, target)
        h = self.terms.actors if sdef.value.kind == "actor" else self.terms.places
        options: list[Bool] = []
        for tcode in sorted(target.dom):
            tname = w.index.name(ns, tcode)
            allowed = frozenset() if tname == OTHER else w.index.codes_of(ns, h.descendants(tname))
            options.append(
                sym.And(sym.cat_in(target, frozenset({tcode})), sym.cat_in(value, allowed))
            )
        return sym.Or(*options)

    def matches_code(self, value: int, target: int, sdef: StateDef) -> bool:
        """`matches` on concrete codes."""
        if sdef.value.kind not in ("actor", "place"):
            return value == target
        ns = self.ns(sdef)
        h = self.terms.actors if sdef.value.kind == "actor" else self.terms.places
        tname = self.world.index.name(ns, target)
        vname = self.world.index.name(ns, value)
        return tname != OTHER and vname != OTHER and h.matches(vname, tname)

    # ---- conditions ------------------------------------------------------

    def holds(self, cond: StateCond, t: Time, exclude: Slot | None = None) -> Bool:
        return self.timeline(cond.state, cond.key).holds(cond, t, exclude)

    def always(self, cond: StateCond, start: Time, end: Time) -> Bool:
        """A literal that is true exactly when `cond` holds at every minute of [start, end]."""
        tl = self.timeline(cond.state, cond.key)
        if start.lo > end.hi:
            return True
        n = self.fresh()
        lit = sym.bool_var(f"always{n}:{cond.state}:{'/'.join(cond.key)}", self.world.ctx)
        a = Always(tl, cond, start, end, lit)
        if tl.counter and self.bounds:
            self._counter_bounds(a)
        with self.collecting() as deps:
            first = sym.Implies(sym.And(lit, sym.t_le(start, end)), tl.holds(cond, start))
            tau = self.world.time_var(f"when{n}", start.lo, end.hi)
            if tl.counter and self.bounds and a.settled is None:
                a.breach_hint = self._breach_candidate(a, tau)
            broken = sym.And(sym.t_le(start, tau), sym.t_le(tau, end), sym.Not(tl.holds(cond, tau)))
            a.defs = [first, sym.Implies(sym.Not(lit), broken)]
            points = [
                c
                for c in tl.changes
                if sym.And(c.guard, sym.t_lt(start, c.slot.t), sym.t_le(c.slot.t, end)) is not False
            ]
            a.points = points
            # where the bounds settle it for the reports as given, the instances are
            # needed only for subsets of them (proofs): asserted then, on demand
            if len(points) <= self.eager and a.settled is None:
                a.defs.extend(tl.always_instance(a, c) for c in points)
            else:
                a.pending = list(points)
        a.deps = deps
        self.always_atoms.append(a)
        self.used(a)
        return lit

    def _counter_bounds(self, a: Always) -> None:
        rule = counter_bounds(a, self.beyond)
        if rule is not None:
            self.add_world(rule, [])

    def _breach_candidate(self, a: Always, tau: Time) -> list[z3.BoolRef]:
        return breach_candidate(a, tau, self.hints_from)

    def assert_in_gates(self, gates: set[int], deps: list[Defined], formula: Bool) -> None:
        """Assert `formula`, and the definitions of `deps`, under each of these gates."""
        for gate in sorted(gates):
            self.define(gate, self._gate_lits[gate], deps)
            self._assert_under(gate, self._gate_lits[gate], formula)

    def hints(self, active: set[int]) -> list[z3.BoolRef]:
        """The candidate world for the questions behind these gates (see
        `_breach_candidate`): one for each broken counter a question needs."""
        out: list[z3.BoolRef] = []
        for gate in sorted(active):
            out.extend(self._hints.get(gate, ()))
        return out

    def _note_hints(self, gate: int, formula: Bool, deps: list[Defined]) -> None:
        """Remember the candidate worlds of the counters that `formula` needs broken
        (those whose literal it makes false); one that needs them kept gains nothing."""
        if gate == 0 or isinstance(formula, bool):
            return
        for d in deps:
            if isinstance(d, Always) and d.breach_hint:
                true = z3.BoolVal(True, self.world.ctx)
                if z3.is_false(z3.simplify(z3.substitute(formula, (d.lit, true)))):
                    self._hints.setdefault(gate, []).extend(d.breach_hint)

    def parts_likely(self, wanted: int, changes: int = PART_CHANGES) -> bool:
        """Whether the world looks like many sizeable independent parts: `wanted` keys
        of categorical states with `changes` changes or more (each such key's
        changes and their rules make about ten formulas a change, and keys of
        different places share none). A guess that only decides how questions are
        put to the solver, never their answers."""
        busy = sum(
            1 for tl in self.timelines.values() if not tl.counter and len(tl.changes) >= changes
        )
        return busy >= wanted

    def lazy_keys(self, changes: int = PART_CHANGES) -> int:
        """Categorical keys of `changes` changes or more whose rules wait for candidate
        worlds to break them (too many to assert up front). Each such key is a sizeable
        part of the world once its instances come, though its formulas so far are few
        and unjoined (see `Asker._choose_parts`)."""
        return sum(
            1
            for tl in self.timelines.values()
            if not tl.counter
            and len(tl.changes) >= changes
            and (tl.was_pending or tl.distinct_pending)
        )

    def busiest_counter(self) -> int:
        """The most changes any one counter key may have (0 without counters)."""
        return max((len(tl.changes) for tl in self.timelines.values() if tl.counter), default=0)

    # ---- world rules -----------------------------------------------------

    def rules(self) -> None:
        """`was` preconditions and "no two changes of one key at one minute" (SPEC §4.1.4),
        for every categorical key some event may change."""
        for sdef in sorted(self.terms.states.values(), key=lambda s: s.name):
            if sdef.is_counter:
                continue
            for key in self._keys_touched(sdef):
                tl = self.timeline(sdef.name, key)
                pairs = tl.overlapping_pairs()
                if len(pairs) <= self.eager * 4:
                    for a, b in pairs:
                        self.add_world(tl.distinct_instance(a, b), [])
                else:
                    tl.distinct_pending = pairs
                with_was = [c for c in tl.changes if c.was]
                if len(with_was) <= self.eager:
                    for c in with_was:
                        self.tick()
                        with self.collecting() as deps:
                            f = tl.was_instance(c)
                        self.add_world(f, deps)
                else:
                    tl.was_pending = with_was

    def _keys_touched(self, sdef: StateDef) -> list[tuple[str, ...]]:
        w = self.world
        ns = "place" if sdef.of == ("place",) else "actor"
        kinds: set[str] = set()
        for kind in sdef.set_by:
            kinds |= self.terms.kinds.descendants(kind)
        codes = w.index.codes_of("kind", frozenset(kinds))
        touched: set[str] = set()
        for s in w.slots:
            if not (s.kind.dom & codes) or s.on is False:
                continue
            own = s.place if ns == "place" else s.actor
            for code in own.dom:
                name = w.index.name(ns, code)
                if name != OTHER:
                    touched.add(name)
        return [(k,) for k in sorted(touched)]

    # ---- refinement --------------------------------------------------------

    @property
    def open(self) -> bool:
        return self.beyond is not None and self.beyond.open

    def pending(self, active: set[int], assumed: set[int]) -> bool:
        """Whether some rule in play may still be broken by a candidate world
        (checker/compile/refine.py)."""
        return refine.pending(self, active, assumed)

    def refine(self, ev: ModelEval, active: set[int]) -> int:
        """Assert the instances of universals that the candidate world read by `ev` breaks;
        the number asserted (checker/compile/refine.py)."""
        return refine.refine(self, ev, active)
