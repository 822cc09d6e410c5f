"""Stage 4: the states of a world as timelines over its event slots (SPEC §3.3), the
rules every world follows (§4.1.4), and what each question depends on.

One timeline per state and key is in checker/compile/statekey.py; what the ranges
of counters decide, in checker/compile/counters.py; the rules asserted when a
candidate world breaks them, in checker/compile/refine.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import z3

from checker.compile import refine, sym
from checker.compile.concrete import ModelEval
from checker.compile.counters import breach_candidate, counter_bounds
from checker.compile.index import Index
from checker.compile.openworld import Beyond
from checker.compile.statekey import Always, Change, Defined, Query, Timeline, _neg
from checker.compile.sym import Arith, Bool, Cat, Num, Time
from checker.compile.world import Slot, World
from checker.ir import OTHER, StateCond, StateDef, Uncertain

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
    ):
        self.world = world
        self.eager = eager  # universals with at most this many instances are asserted whole
        self.bounds = bounds  # add what the ranges of counters decide (never changes an answer)
        self.hints_from = hints_from  # changes from which a broken counter offers a world
        self.beyond = beyond
        self.terms = world.scenario.terms
        self.timelines: dict[tuple[str, tuple[str, ...]], Timeline] = {}
        self.always_atoms: list[Always] = []
        self._assert_under = assert_under  # (gate id, gate literal, formula) -> the solver
        self._gate_lits: dict[int, z3.BoolRef | None] = {0: None}
        self._collectors: list[list[Defined]] = []
        self._fresh = 0
        self._kind_tests: dict[tuple[int, str], Bool] = {}
        self._bases: dict[int, Bool] = {}
        self._gated: list[Defined] = []  # what has definitions asserted under some gate
        self._hints: dict[int, list[z3.BoolRef]] = {}  # gate -> candidate world (`hints`)
        # namespace -> (slots indexed, code -> the slots that may have it)
        self._slot_index: dict[str, tuple[int, dict[int, list[Slot]]]] = {}
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
            tl = Timeline(self, sdef, key, self._initial(sdef, key))
            tl.build(self._changes(sdef, key))
            self.timelines[tk] = tl
        return self.timelines[tk]

    def _initial(self, sdef: StateDef, key: tuple[str, ...]) -> Cat | Arith:
        value = self.terms.initial.get(sdef.name, {}).get(key)
        name = f"init:{sdef.name}:{'/'.join(key)}"
        if isinstance(value, Uncertain):  # each world picks one value within it (SPEC §3.3)
            if sdef.is_counter:
                return self.world.num_var(name, value.lo, value.hi, True).e
            assert value.values is not None
            ns = self.ns(sdef)
            return self.world.cat_var(name, self.world.index.codes_of(ns, value.values))
        if sdef.is_counter:
            return int(value) if value is not None else 0
        ns = self.ns(sdef)
        if value is not None:
            return Cat.const(self.world.index.code(ns, str(value)))
        # unknown until an event sets it: any value, "someone else" included
        return self.world.cat_var(name, self.world.index.all(ns))

    def _kind_test(self, s: Slot, kind: str) -> Bool:
        k = (s.order, kind)
        if k not in self._kind_tests:
            codes = self.world.index.codes_of("kind", self.terms.kinds.descendants(kind))
            self._kind_tests[k] = sym.cat_in(s.kind, codes)
        return self._kind_tests[k]

    def _base(self, s: Slot) -> Bool:
        """The slot's event happened, by as_of, from in_force (when it changes states)."""
        if s.order not in self._bases:
            self._bases[s.order] = sym.And(s.on, sym.t_le(Time.const(self.world.in_force), s.t))
        return self._bases[s.order]

    def _slots_of(self, ns: str, code: int) -> list[Slot]:
        """The slots whose place (or actor) may be `code`, in the world's order: each
        categorical key looks only at these (a scan of every slot per key was
        quadratic in a world of many places)."""
        slots = self.world.slots
        index = self._slot_index.get(ns)
        if index is None or index[0] != len(slots):
            by: dict[int, list[Slot]] = {}
            for s in slots:
                for c in (s.place if ns == "place" else s.actor).dom:
                    by.setdefault(c, []).append(s)
            index = self._slot_index[ns] = (len(slots), by)
        return index[1].get(code, [])

    def _changes(self, sdef: StateDef, key: tuple[str, ...]) -> list[Change]:
        w = self.world
        out: list[Change] = []
        own_ns = "place" if sdef.of == ("place",) else "actor"
        own_code = None if sdef.is_counter else w.index.code(own_ns, key[0])
        for s in w.slots if own_code is None else self._slots_of(own_ns, own_code):
            base = self._base(s)
            if base is False:
                continue
            if sdef.is_counter:
                deltas: list[tuple[Bool, Arith]] = []
                ranges: list[tuple[float | None, float | None]] = []
                for kind, fname, sign in [
                    *((k, f, 1) for k, f in sorted(sdef.add.items())),
                    *((k, f, -1) for k, f in sorted(sdef.subtract.items())),
                ]:
                    is_kind = self._kind_test(s, kind)
                    if is_kind is False or fname not in s.fields:
                        continue
                    v = s.fields[fname]
                    assert isinstance(v, Num)
                    deltas.append((is_kind, v.e if sign > 0 else -v.e))
                    ranges.append((v.lo, v.hi) if sign > 0 else _neg(v.hi, v.lo))
                if not deltas:
                    continue
                keyed = self._counter_key(s, key, sdef)
                kinds = sym.Or(*(k for k, _ in deltas))
                guard = sym.And(base, keyed, kinds)
                if guard is False:
                    continue
                delta: Arith = 0
                for is_kind, d in reversed(deltas):
                    delta = sym.Ite(is_kind, d, delta)
                sure = sym.And(sym.t_le(Time.const(w.in_force), s.t), keyed, kinds) is True
                lo = None if any(r[0] is None for r in ranges) else min(r[0] for r in ranges)  # type: ignore[type-var]
                hi = None if any(r[1] is None for r in ranges) else max(r[1] for r in ranges)  # type: ignore[type-var]
                out.append(Change(s, guard, delta, delta_range=(lo, hi), sure=sure))
                continue
            setters = [
                (self._kind_test(s, kind), to, was)
                for kind, (to, was) in sorted(sdef.set_by.items())
            ]
            setters = [x for x in setters if x[0] is not False]
            if not setters:
                continue
            own = s.place if sdef.of == ("place",) else s.actor
            own_ns = "place" if sdef.of == ("place",) else "actor"
            keyed = sym.cat_in(own, frozenset({w.index.code(own_ns, key[0])}))
            kinds = sym.Or(*(k for k, _, _ in setters))
            guard = sym.And(base, keyed, kinds)
            if guard is False:
                continue
            sure = sym.And(sym.t_le(Time.const(w.in_force), s.t), keyed, kinds) is True
            value: Cat | None = None
            for is_kind, to, _ in reversed(setters):
                new = self.new_value(s, to)
                value = (
                    new
                    if value is None
                    else Cat(sym.Ite(is_kind, new.e, value.e), new.dom | value.dom)
                )
            assert value is not None
            was = [(k, self.new_value(s, x)) for k, _, x in setters if x is not None]
            out.append(Change(s, guard, value, was, sure=sure))
        return out

    def new_value(self, s: Slot, to: str) -> Cat:
        v = s.actor if to == "actor" else s.place if to == "place" else s.fields[to]
        assert isinstance(v, Cat)
        return v

    def _counter_key(self, s: Slot, key: tuple[str, ...], sdef: StateDef) -> Bool:
        w = self.world
        parts: list[Bool] = []
        for what, k in zip(sdef.of, key, strict=True):
            h = self.terms.actors if what == "actor" else self.terms.places
            v = s.actor if what == "actor" else s.place
            parts.append(sym.cat_in(v, w.index.codes_of(what, h.descendants(k))))
        return sym.And(*parts)

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

    def parts_likely(self, wanted: int) -> bool:
        """Whether the world looks like many sizeable independent parts: `wanted` keys
        of categorical states with PART_CHANGES changes or more (each such key's
        changes and their rules make about ten formulas a change, and keys of
        different places share none). A guess that only decides how questions are
        put to the solver, never their answers."""
        busy = sum(
            1
            for tl in self.timelines.values()
            if not tl.counter and len(tl.changes) >= PART_CHANGES
        )
        return busy >= wanted

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
