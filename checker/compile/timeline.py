"""Stage 4: states as timelines over event slots (SPEC §3.3) and their rules (§4.1.4).

A timeline holds the slots that may change one state for one key. The value at
a minute is a *query*: the *prefix* (the value after every change whose window
ended before the minute, one chain per timeline) combined with the changes
whose windows overlap it — for a counter a sum; for a categorical state a
value V and the minute T of the change that set it, defined by one clause per
candidate change ("if it happened by then, T is not earlier") and one
disjunction ("V and T are those of a change that happened by then, or of the
prefix"). Linear in the overlapping changes, never pairwise among them.

Rules that hold "for every change" (each `was` precondition, two changes of a
key never at one minute, a maintained condition at every change point) are
*universals*: few instances are asserted up front and the rest only when a
candidate world breaks them (`refine`), which the concrete evaluation here
detects. Every instance is a valid consequence of SPEC §4.1, so what the
solver proves unsatisfiable stays so; a world is accepted only when no
instance fails in it, so every satisfiable answer is a real world.
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import z3
from z3 import z3core

from checker.compile import sym
from checker.compile.openworld import Beyond, EventClass, setter_class
from checker.compile.sym import Arith, Bool, Cat, Num, Time
from checker.compile.world import Index, Slot, World
from checker.ir import OTHER, StateCond, StateDef, Uncertain

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


class Defined:
    """Something whose meaning is a set of formulas (`defs`) over fresh variables.

    The formulas are asserted only under the gates (question literals) of the
    questions that use it, so a question pays only for what it depends on.
    `deps` are what the formulas themselves use.
    """

    def __init__(self) -> None:
        self.defs: list[Bool] = []
        self.deps: list[Defined] = []
        self.gates: set[int] = set()  # ids of the gates it is asserted under (0: none needed)


@dataclass
class Change:
    """A slot that may change the state for this key: when it does, and to/by what."""

    slot: Slot
    guard: Bool  # it happened, by as_of, from in_force, of a kind that changes this key
    value: Cat | Arith  # the new value (categorical) or the signed delta (counter)
    was: list[tuple[Bool, Cat]] = field(default_factory=list)  # (kind test, value to match)
    index: int = 0  # position in the timeline's sorted list
    # counters: the range of the delta (None: unbounded)
    delta_range: tuple[float | None, float | None] = (None, None)
    # the change surely applies once its event happened (kind, key, after in_force)
    sure: bool = False


class Query(Defined):
    """The value of one key at one minute (events at that minute included)."""

    def __init__(self, value: Cat | Arith, time: Time | None) -> None:
        super().__init__()
        self.value = value
        self.time = time  # categorical: the minute of the change that set the value
        self.at: Time | None = None  # the minute asked about


class Always(Defined):
    """`cond` holds at every minute of [start, end] (true when the window is empty).

    `lit` is exactly that truth: `lit` implies the condition at `start` and at
    every change point in (start, end] (instances, partly lazy); `not lit`
    implies a minute of the window where it fails (one query at a free minute).
    """

    def __init__(
        self, tl: Timeline, cond: StateCond, start: Time, end: Time, lit: z3.BoolRef
    ) -> None:
        super().__init__()
        self.tl = tl
        self.cond = cond
        self.start = start
        self.end = end
        self.lit = lit
        self.points: list[Change] = []  # every change point in the window
        self.pending: list[Change] = []  # change points whose instance is not asserted yet
        self.seen: set[int] = set()  # ids of the queries already checked against it
        # literals under which the counter's bounds alone keep the condition (None: never)
        self.settled: list[z3.BoolRef] | None = None
        # a candidate world that breaks it: "this minute is this value" for its free
        # minute and the minutes of the changes (see Timelines._breach_candidate)
        self.breach_hint: list[z3.BoolRef] = []


# A change whose window is wider than this is kept apart (unreported events, undated
# reports): every query looks at it, and it does not widen the search for the others.
WIDE = 400 * 24 * 60


class Timeline:
    """One state of one key over time.

    The value at minute τ is built from the *prefix* — the value after every change
    whose window ends at or before τ's earliest minute (they all happened, or never
    will) — and the changes whose windows overlap τ's. The prefixes form one chain
    in the order of the windows' ends (a running sum for a counter; the latest
    change so far for a categorical state), so each query is linear in the changes
    that overlap it, however long the timeline.
    """

    def __init__(
        self, owner: Timelines, sdef: StateDef, key: tuple[str, ...], initial: Cat | Arith
    ) -> None:
        self.owner = owner
        self.world = owner.world
        self.state = sdef
        self.key = key
        self.initial = initial
        self.changes: list[Change] = []
        self._by_hi: list[Change] = []
        self._his: list[int] = []
        self._narrow: list[Change] = []  # by the start of their window
        self._narrow_los: list[int] = []
        self._wide: list[Change] = []
        self._width = 0
        self._prefix: list[Query] = []
        self._clusters: list[list[Change]] = []
        self._cluster_his: list[int] = []
        self._cluster_prefix: list[Query] = []
        self._barriers: list[Change] = []
        self._barrier_times: list[int] = []
        self._after_barrier: dict[int, Query] = {}
        self._queries: dict[tuple[object, ...], Query] = {}
        self.was_pending: list[Change] = []
        self.distinct_pending: list[tuple[Change, Change]] = []
        self._class: EventClass | None = None

    @property
    def counter(self) -> bool:
        return self.state.is_counter

    def build(self, changes: list[Change]) -> None:
        self.changes = sorted(
            changes, key=lambda c: (c.slot.t.lo, c.slot.t.hi, c.slot.order, c.slot.name)
        )
        for i, c in enumerate(self.changes):
            c.index = i
        self._by_hi = sorted(self.changes, key=lambda c: (c.slot.t.hi, c.index))
        self._his = [c.slot.t.hi for c in self._by_hi]
        for c in self.changes:
            width = c.slot.t.hi - c.slot.t.lo
            if width > WIDE:
                self._wide.append(c)
            else:
                self._narrow.append(c)
                self._width = max(self._width, width)
        self._narrow_los = [c.slot.t.lo for c in self._narrow]
        start = Query(self.initial, None if self.counter else Time.const(self.world.in_force - 1))
        start.gates.add(0)
        self._prefix = [start]
        if self.counter:
            return
        # categorical: cut points are the ends of clusters of overlapping windows and
        # the *barriers*, changes at an exact minute that surely apply once reported
        hi: int | None = None
        for c in self.changes:
            if hi is not None and c.slot.t.lo <= hi:
                self._clusters[-1].append(c)
                hi = max(hi, c.slot.t.hi)
            else:
                self._clusters.append([c])
                hi = c.slot.t.hi
        self._cluster_his = [max(c.slot.t.hi for c in cl) for cl in self._clusters]
        self._cluster_prefix = [start]
        self._barriers = sorted(
            (c for c in self.changes if c.sure and c.slot.t.exact and not c.slot.phantom),
            key=lambda c: (c.slot.t.lo, c.index),
        )
        self._barrier_times = [c.slot.t.lo for c in self._barriers]

    def overlapping(self, lo: int, hi: int) -> list[Change]:
        """The changes whose windows end after `lo` and start by `hi`, in order."""
        first = bisect.bisect_right(self._narrow_los, lo - self._width - 1)
        last = bisect.bisect_right(self._narrow_los, hi)
        out = [c for c in self._narrow[first:last] if c.slot.t.hi > lo]
        out += [c for c in self._wide if c.slot.t.hi > lo and c.slot.t.lo <= hi]
        return sorted(out, key=lambda c: c.index)

    def overlapping_pairs(self) -> list[tuple[Change, Change]]:
        """Pairs of changes whose windows overlap (the only ones that can share a minute)."""
        out = []
        for a in self.changes:  # by the start of their windows
            # (closed windows: one that ends at the very minute `a` starts overlaps too)
            for b in self.overlapping(a.slot.t.lo - 1, a.slot.t.hi):
                if b.index > a.index:
                    out.append((a, b))
        return out

    # ---- values ----------------------------------------------------------

    def prefix(self, i: int) -> Query:
        """A counter's value after the first `i` changes by the end of their windows.

        The chain is linear in the changes and shared by every question, so it is
        asserted once, for every world, rather than per question."""
        while len(self._prefix) <= i:
            k = len(self._prefix) - 1
            q = self._step(self._prefix[k], self._by_hi[k])
            self.owner.define(0, None, [q])
            self._prefix.append(q)
        return self._prefix[i]

    def _step(self, before: Query, c: Change) -> Query:
        """The prefix after one more change (a running sum)."""
        self.owner.tick()
        if c.guard is False:
            return before
        name = f"{self.state.name}:{'/'.join(self.key)}"
        total = sym.int_var(f"sum{self.owner.fresh()}:{name}", self.world.ctx)
        q = Query(total, None)
        q.defs.append(sym.Eq(total, sym.Sum([before.value, sym.Ite(c.guard, c.value, 0)])))
        q.deps.append(before)
        return q

    def value_at(self, t: Time, exclude: Slot | None = None) -> Query:
        """The value at minute `t` (events at `t` included), ignoring `exclude`."""
        key = (_time_key(t), None if exclude is None else exclude.name)
        q = self._queries.get(key)
        if q is None:
            q = self._explicit_at(t, exclude)
            beyond = self.owner.beyond
            if beyond is not None and beyond.open:
                q = self._beyond(q, t, beyond)
            q.at = t
            self._queries[key] = q
        self.owner.used(q)
        return q

    def _explicit_at(self, t: Time, exclude: Slot | None) -> Query:
        """The value at `t` from the events of the world's slots alone."""
        if self.counter:
            i = bisect.bisect_right(self._his, t.lo)
            # the first i changes end by t.lo; the rest may fall before or after t
            assert exclude is None or all(c.slot is not exclude for c in self._by_hi[:i])
            members = [c for c in self.overlapping(t.lo, t.hi) if c.slot is not exclude]
            return self._query(t, self.prefix(i), members)
        j = bisect.bisect_right(self._cluster_his, t.lo)  # clusters [0, j) end by t.lo
        cut = self._cluster_his[j - 1] if j else None
        b = bisect.bisect_right(self._barrier_times, t.lo) - 1
        while b >= 0 and self._barriers[b].slot is exclude:
            b -= 1
        if b >= 0 and (cut is None or self._barrier_times[b] > cut):
            k = self._barriers[b]
            members = [
                c
                for c in self.overlapping(self._barrier_times[b], t.hi)
                if c is not k and c.slot is not exclude
            ]
            return self._query(t, self._barrier(b), members)
        members = [
            c
            for cl in self._clusters[j:]
            if cl[0].slot.t.lo <= t.hi
            for c in cl
            if c.slot is not exclude and c.slot.t.lo <= t.hi
        ]
        return self._query(t, self._cluster(j), members)

    def _cluster(self, j: int) -> Query:
        """The value after clusters [0, j) of overlapping windows (asserted for every world)."""
        while len(self._cluster_prefix) <= j:
            k = len(self._cluster_prefix) - 1
            before = self._cluster_prefix[k]
            q = self._query(Time.const(self._cluster_his[k]), before, self._clusters[k])
            self.owner.define(0, None, [q])
            self._cluster_prefix.append(q)
        return self._cluster_prefix[j]

    def _barrier(self, b: int) -> Query:
        """The value right after barrier b's minute: its own value if it happened, else
        the value just before (asserted for every world; built in order, so each
        needs only the one before it)."""
        for i in range(len(self._after_barrier), b + 1):
            k = self._barriers[i]
            minute = self._barrier_times[i]
            before = self._explicit_at(Time.const(minute - 1), None)
            assert isinstance(before.value, Cat) and before.time is not None
            value = _cat(k.value)
            q = Query(
                Cat(sym.Ite(k.guard, value.e, before.value.e), value.dom | before.value.dom),
                Time(
                    sym.Ite(k.guard, minute, before.time.e),
                    min(before.time.lo, minute),
                    max(before.time.hi, minute),
                ),
            )
            q.deps.append(before)
            self.owner.define(0, None, [q])
            self._after_barrier[i] = q
        return self._after_barrier[b]

    def _beyond(self, q: Query, t: Time, beyond: Beyond) -> Query:
        """The value at `t` when unreported events beyond the explicit ones may have
        changed it since (open world, `wild` on)."""
        if self._class is None:
            self._class = setter_class(self.world, self.state, self.key)
        name = f"{self.state.name}:{'/'.join(self.key)}"
        active, when, part = beyond.event(name, self._class, Time.const(self.world.in_force), t)
        if active is False or when is None or part is None:
            return q
        if self.counter:
            amount = beyond.amount(name)
            # unreported events of adding kinds only can only add, and so on
            kinds = {self.world.index.name("kind", k) for k in part.kinds or ()}
            adds = self.owner.kinds_of(self.state.add)
            subtracts = self.owner.kinds_of(self.state.subtract)
            if kinds <= adds - subtracts:
                self.world.add(amount >= 0)
            elif kinds <= subtracts - adds:
                self.world.add(amount <= 0)
            more = sym.Ite(active, amount, 0)
            out = Query(sym.Sum([q.value, more]), None)
        else:
            assert isinstance(q.value, Cat) and q.time is not None
            ns = self.owner.ns(self.state)
            other = self.world.cat_var(
                f"beyond:{name}:{self.owner.fresh()}", self.world.index.all(ns)
            )
            later = sym.And(active, sym.t_lt(q.time, when))
            out = Query(
                Cat(sym.Ite(later, other.e, q.value.e), q.value.dom | other.dom),
                q.time,
            )
        out.deps.append(q)
        return out

    def _query(self, t: Time, base: Query, members: list[Change]) -> Query:
        self.owner.tick()
        before = [(c, sym.And(c.guard, sym.t_le(c.slot.t, t))) for c in members]
        before = [(c, p) for c, p in before if p is not False]
        if not before:
            return base
        if self.counter:
            total = sym.Sum([base.value, *(sym.Ite(p, c.value, 0) for c, p in before)])
            q = Query(total, None)
            q.deps.append(base)
            return q
        assert isinstance(base.value, Cat) and base.time is not None
        w = self.world
        n = self.owner.fresh()
        dom = base.value.dom.union(*(_cat(c.value).dom for c, _ in before))
        lo = min(base.time.lo, *(c.slot.t.lo for c, _ in before))
        v = sym.int_var(f"v{n}:{self.state.name}:{'/'.join(self.key)}", w.ctx)
        tt = sym.int_var(f"t{n}:{self.state.name}:{'/'.join(self.key)}", w.ctx)
        q = Query(Cat(v, dom), Time(tt, lo, t.hi))
        q.deps.append(base)
        assert q.time is not None
        # T is the latest minute among the prefix's change and the candidates that
        # happened by τ; the value is that change's. Only inequalities between minutes:
        # equalities between them would make the solver merge classes of terms.
        # (Two changes of a key never share a minute, so "not earlier than T" singles
        # out the one that attains it.)
        q.defs.append(sym.t_le(base.time, q.time))  # the prefix's change is earlier than τ
        attained: list[Bool] = [sym.t_le(q.time, base.time)]
        q.defs.append(sym.Implies(attained[0], sym.Eq(v, base.value.e)))
        for c, p in before:
            q.defs.append(sym.Implies(p, sym.t_le(c.slot.t, q.time)))
            last = sym.And(p, sym.t_le(q.time, c.slot.t))
            attained.append(last)
            q.defs.append(sym.Implies(last, sym.Eq(v, _cat(c.value).e)))
        q.defs.append(sym.Or(*attained))
        return q

    def holds(self, cond: StateCond, t: Time, exclude: Slot | None = None) -> Bool:
        """The state condition holds at minute t."""
        return self.test(cond, self.value_at(t, exclude).value)

    def test(self, cond: StateCond, value: Cat | Arith) -> Bool:
        if self.counter:
            return sym.And(
                True if cond.min is None else sym.Le(cond.min, value),
                True if cond.max is None else sym.Le(value, cond.max),
            )
        assert isinstance(value, Cat) and cond.test is not None
        return sym.cat_in(value, self.world.index.test(self.owner.ns(self.state), cond.test))

    # ---- rules -----------------------------------------------------------

    def was_instance(self, c: Change) -> Bool:
        before = self.value_at(c.slot.t.plus(-1), exclude=c.slot).value
        assert isinstance(before, Cat)
        return sym.And(
            *(
                sym.Implies(
                    sym.And(c.guard, is_kind), self.owner.matches(before, target, self.state)
                )
                for is_kind, target in c.was
            )
        )

    @staticmethod
    def distinct_instance(a: Change, b: Change) -> Bool:
        return sym.Implies(sym.And(a.guard, b.guard), sym.Not(sym.Eq(a.slot.t.e, b.slot.t.e)))

    def always_instance(self, a: Always, c: Change) -> Bool:
        within = sym.And(c.guard, sym.t_lt(a.start, c.slot.t), sym.t_le(c.slot.t, a.end))
        if within is False:
            return True
        return sym.Implies(sym.And(a.lit, within), self.holds(a.cond, c.slot.t))


def _neg(hi: float | None, lo: float | None) -> tuple[float | None, float | None]:
    return (None if hi is None else -hi, None if lo is None else -lo)


def _cat(v: object) -> Cat:
    assert isinstance(v, Cat)
    return v


def _time_key(t: Time) -> tuple[object, ...]:
    if isinstance(t.e, int):
        return ("c", t.e)
    return ("v", t.e.get_id(), t.lo, t.hi)


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
        """What the ranges of times and amounts alone decide, as a rule of every world:
        when every reported event that may change the counter happened, the counter
        stays within the bounds that the latest increases and earliest decreases (and
        the reverse) allow. Where those bounds keep the condition throughout the
        window, or break it at a minute surely inside it, `a` is settled without the
        solver searching orders of events (SPEC §4.1: the world is any order)."""
        tl, cond = a.tl, a.cond
        base = tl.initial
        if not isinstance(base, int):
            return
        present: list[Bool] = []
        ups: list[tuple[int, float]] = []  # (minute, change of the upper bound from then on)
        downs: list[tuple[int, float]] = []
        for c in tl.changes:
            lo, hi = c.delta_range
            if lo is None or hi is None:
                return
            sure = c.sure and not c.slot.phantom
            if not c.slot.phantom:
                present.append(c.slot.exists)
            t_lo, t_hi = c.slot.t.lo, c.slot.t.hi
            ups.append((t_lo, max(0.0, hi)))
            downs.append((t_lo, min(0.0, lo)))
            if sure:  # by its latest minute it has surely happened
                ups.append((t_hi, hi - max(0.0, hi)))
                downs.append((t_hi, lo - min(0.0, lo)))
        if self.beyond is not None and self.beyond.lit is not None:
            present.append(sym.Not(self.beyond.lit))  # unreported events beyond: unbounded
        first, last = a.start.lo, a.end.hi
        top = _peak(base, ups, first, last, max)
        bottom = _peak(base, downs, first, last, min)
        keeps = (cond.max is None or top <= cond.max) and (cond.min is None or bottom >= cond.min)
        if keeps:
            self.add_world(sym.Implies(sym.And(*present), a.lit), [])
            if all(isinstance(x, z3.BoolRef) for x in present):
                a.settled = [x for x in present if isinstance(x, z3.BoolRef)]
            return
        inner_first, inner_last = a.start.hi, a.end.lo
        if inner_first > inner_last:
            return
        low_top = _peak(base, ups, inner_first, inner_last, min)
        high_bottom = _peak(base, downs, inner_first, inner_last, max)
        if (cond.max is not None and high_bottom > cond.max) or (
            cond.min is not None and low_top < cond.min
        ):
            self.add_world(sym.Implies(sym.And(*present), sym.Not(a.lit)), [])

    def _breach_candidate(self, a: Always, tau: Time) -> list[z3.BoolRef]:
        """A world in which the counter leaves its bounds, if the bounds say one may:
        at the minute where the upper bound peaks above the maximum, every change that
        can only raise the counter at its earliest minute and every one that can only
        lower it at its latest (the reverse for a minimum). With thousands of changes in
        uncertain order, the solver's own search for such a world can take minutes;
        checking one takes a fraction of a second. Only a hint: `Session.check` asks
        the question in full when this world is not one of the scenario's."""
        tl, cond = a.tl, a.cond
        if (
            not isinstance(tl.initial, int)
            or isinstance(tau.e, int)
            or len(tl.changes) < self.hints_from
            or any(c.delta_range[0] is None or c.delta_range[1] is None for c in tl.changes)
        ):
            return []
        first, last = max(a.start.lo, tau.lo), min(a.end.hi, tau.hi)
        for sign, bound in ((1, cond.max), (-1, cond.min)):
            if bound is None:
                continue
            steps: list[tuple[int, float]] = []
            for c in tl.changes:
                _, up = _toward(c, sign)
                steps.append((c.slot.t.lo, max(0.0, up)))
                if c.sure and not c.slot.phantom:
                    steps.append((c.slot.t.hi, up - max(0.0, up)))
            value, minute = _peak_at(sign * tl.initial, steps, first, last)
            if value <= sign * bound:
                continue
            hint = [sym.int_eq(tau.e, minute)]
            for c in tl.changes:
                t = c.slot.t
                if isinstance(t.e, int) or c.slot.phantom:
                    continue
                least, most = _toward(c, sign)
                if least >= 0:  # only ever breaks it: as early as it may be
                    hint.append(sym.int_eq(t.e, t.lo if t.lo <= minute else t.hi))
                elif most <= 0:  # only ever helps: as late as it may be
                    hint.append(sym.int_eq(t.e, t.hi))
            return [h for h in hint if isinstance(h, z3.BoolRef)]
        return []

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
        """Whether some rule in play may still be broken by a candidate world, when the
        gates `active` are on and the literals (Python ids) `assumed` are true."""
        if any(tl.was_pending or tl.distinct_pending for tl in self.timelines.values()):
            return True
        for a in self.always_atoms:
            if not (a.pending or self.open) or not (a.gates & active or 0 in a.gates):
                continue
            if a.settled and all(id(x) in assumed for x in a.settled):
                continue  # the counter's bounds keep it whenever these reports are believed
            return True
        return False

    def refine(self, model: z3.ModelRef, active: set[int]) -> int:
        """Assert the instances of universals that the candidate world `model` breaks;
        the number asserted (0: the model is a world of SPEC §4.1 for every rule in play)."""
        ev = _Eval(model)
        added = 0
        concrete: dict[int, _Concrete] = {}

        def timeline_of(tl: Timeline) -> _Concrete:
            got = concrete.get(id(tl))
            if got is None:
                got = concrete[id(tl)] = _Concrete(tl, ev)
            return got

        for tl in self.timelines.values():
            if not (tl.was_pending or tl.distinct_pending):
                continue
            self.tick()
            cc = timeline_of(tl)
            broken = [
                (a, b)
                for a, b in tl.distinct_pending
                if cc.occurs(a) and cc.occurs(b) and cc.time(a) == cc.time(b)
            ]
            for a, b in broken:
                tl.distinct_pending.remove((a, b))
                self.add_world(tl.distinct_instance(a, b), [])
                added += 1
            if broken:
                continue  # the order is not a world's yet: judge `was` on the next model
            for c in list(tl.was_pending):
                if not cc.occurs(c) or cc.was_holds(c):
                    continue
                tl.was_pending.remove(c)
                with self.collecting() as deps:
                    f = tl.was_instance(c)
                self.add_world(f, deps)
                added += 1
        for atom in self.always_atoms:
            if not (atom.pending or self.open) or not (atom.gates & active or 0 in atom.gates):
                continue
            if not ev.bool(atom.lit) or (atom.settled and all(ev.bool(x) for x in atom.settled)):
                continue  # (the counter's bounds keep it when those reports are believed)
            self.tick()
            cc = timeline_of(atom.tl)
            start, end = ev.int(atom.start.e), ev.int(atom.end.e)
            if self.open:
                added += self._refine_points(atom, ev, active, start, end)
            for c in list(atom.pending):
                if not cc.occurs(c) or not start < cc.time(c) <= end:
                    continue
                if cc.holds_after(atom.cond, cc.time(c)):
                    continue
                atom.pending.remove(c)
                with self.collecting() as deps:
                    f = atom.tl.always_instance(atom, c)
                for gate in sorted(atom.gates):
                    self.define(gate, self._gate_lits[gate], deps)
                    self._assert_under(gate, self._gate_lits[gate], f)
                added += 1
        return added

    def _refine_points(
        self, atom: Always, ev: _Eval, active: set[int], start: int, end: int
    ) -> int:
        """Open world: the condition at every minute some query asks about, where values
        beyond the explicit events are free of one another."""
        added = 0
        for q in list(atom.tl._queries.values()):
            if id(q) in atom.seen or q.at is None or not (q.gates & active or 0 in q.gates):
                continue
            if not start <= ev.int(q.at.e) <= end:
                continue
            value = ev.int(q.value.e if isinstance(q.value, Cat) else q.value)
            if holds_value(atom.tl, atom.cond, value):
                continue
            atom.seen.add(id(q))
            f = sym.Implies(
                sym.And(atom.lit, sym.t_le(atom.start, q.at), sym.t_le(q.at, atom.end)),
                atom.tl.test(atom.cond, q.value),
            )
            for gate in sorted(atom.gates):
                self.define(gate, self._gate_lits[gate], [q])
                self._assert_under(gate, self._gate_lits[gate], f)
            added += 1
        return added


def _peak(
    base: int,
    steps: list[tuple[int, float]],
    first: int,
    last: int,
    pick: Callable[[float, float], float],
) -> float:
    """The greatest (or least, with `pick`) value over [first, last] of the step function
    `base` + the sum of the steps that start at or before the minute."""
    steps = sorted(steps)
    value = float(base)
    i = 0
    while i < len(steps) and steps[i][0] <= first:
        value += steps[i][1]
        i += 1
    best = value
    while i < len(steps) and steps[i][0] <= last:
        minute = steps[i][0]
        while i < len(steps) and steps[i][0] == minute:
            value += steps[i][1]
            i += 1
        best = pick(best, value)
    return best


def _toward(c: Change, sign: int) -> tuple[float, float]:
    """The range of a change's delta in the direction that breaks a maximum (sign 1)
    or a minimum (sign -1)."""
    lo, hi = c.delta_range
    assert lo is not None and hi is not None
    return (lo, hi) if sign > 0 else (-hi, -lo)


def _peak_at(base: int, steps: list[tuple[int, float]], first: int, last: int) -> tuple[float, int]:
    """The greatest value over [first, last] of the step function `base` + the sum of
    the steps that start at or before the minute, and the first minute it is reached."""
    steps = sorted(steps)
    value = float(base)
    i = 0
    while i < len(steps) and steps[i][0] <= first:
        value += steps[i][1]
        i += 1
    best, at = value, first
    while i < len(steps) and steps[i][0] <= last:
        minute = steps[i][0]
        while i < len(steps) and steps[i][0] == minute:
            value += steps[i][1]
            i += 1
        if value > best:
            best, at = value, minute
    return best, at


def holds_value(tl: Timeline, cond: StateCond, value: int) -> bool:
    """A state condition on a concrete value."""
    if tl.counter:
        return (cond.min is None or cond.min <= value) and (cond.max is None or value <= cond.max)
    assert cond.test is not None
    return value in tl.world.index.test(tl.owner.ns(tl.state), cond.test)


# A value read from a model; named at module level, where `int` and `bool`
# are still the builtins and not _Eval's methods of the same names.
_Value = int | bool


class _Eval:
    """Values of terms in one model, memoized; read through the C API (z3's
    `model.eval` wraps every answer in Python objects, which cost 80 µs a term)."""

    def __init__(self, model: z3.ModelRef) -> None:
        self.model = model
        self.ctx = model.ctx
        self._memo: dict[int, int | bool] = {}
        self._out = (z3.Ast * 1)()

    def _raw(self, e: z3.ExprRef) -> object:
        ok = z3core.Z3_model_eval(self.ctx.ref(), self.model.model, e.as_ast(), True, self._out)
        assert ok, "model evaluation failed"
        return self._out[0]

    def bool(self, x: object) -> bool:
        if isinstance(x, bool):
            return x
        return bool(self._memoized(x, self._to_bool))

    def int(self, x: object) -> int:
        if isinstance(x, int):
            return x
        return int(self._memoized(x, self._to_int))

    def _memoized(self, x: object, convert: Callable[[object], _Value]) -> _Value:
        assert isinstance(x, z3.ExprRef)
        k = id(x)
        got = self._memo.get(k)
        if got is None:
            got = self._memo[k] = convert(self._raw(x))
        return got

    def _to_bool(self, raw: object) -> _Value:
        return bool(z3core.Z3_get_bool_value(self.ctx.ref(), raw) == z3.Z3_L_TRUE)

    def _to_int(self, raw: object) -> _Value:
        value = ctypes.c_int64()
        if z3core.Z3_get_numeral_int64(self.ctx.ref(), raw, ctypes.byref(value)):
            return value.value
        return int(z3core.Z3_get_numeral_string(self.ctx.ref(), raw))  # beyond 64 bits


class _Concrete:
    """One timeline in one candidate world: which changes happened, when, and to what."""

    def __init__(self, tl: Timeline, ev: _Eval) -> None:
        self.tl = tl
        self.ev = ev
        self._occ: dict[int, bool] = {}
        self._time: dict[int, int] = {}
        self._order: list[Change] | None = None
        self._minutes: list[int] | None = None
        self._values: list[int] | None = None

    def occurs(self, c: Change) -> bool:
        if c.index not in self._occ:
            self._occ[c.index] = self.ev.bool(c.guard)
        return self._occ[c.index]

    def time(self, c: Change) -> int:
        if c.index not in self._time:
            self._time[c.index] = self.ev.int(c.slot.t.e)
        return self._time[c.index]

    def order(self) -> list[Change]:
        if self._order is None:
            self._order = sorted(
                (c for c in self.tl.changes if self.occurs(c)),
                key=lambda c: (self.time(c), c.index),
            )
        return self._order

    def _initial(self) -> int:
        v = self.tl.initial
        return self.ev.int(v.e if isinstance(v, Cat) else v)

    def _value(self, c: Change) -> int:
        v = c.value
        return self.ev.int(v.e if isinstance(v, Cat) else v)

    def _steps(self) -> tuple[list[int], list[int]]:
        """The minutes at which the value changes, and the value from each on."""
        if self._minutes is None:
            minutes: list[int] = []
            values: list[int] = []
            value = self._initial()
            for c in self.order():
                m = self.time(c)
                value = value + self._value(c) if self.tl.counter else self._value(c)
                if minutes and minutes[-1] == m:
                    values[-1] = value
                else:
                    minutes.append(m)
                    values.append(value)
            self._minutes, self._values = minutes, values
        assert self._values is not None
        return self._minutes, self._values

    def value_before(self, minute: int) -> int:
        """The value just before `minute` (changes at earlier minutes only)."""
        minutes, values = self._steps()
        i = bisect.bisect_left(minutes, minute)
        return values[i - 1] if i else self._initial()

    def value_at(self, minute: int) -> int:
        minutes, values = self._steps()
        i = bisect.bisect_right(minutes, minute)
        return values[i - 1] if i else self._initial()

    def was_holds(self, c: Change) -> bool:
        before = self.value_before(self.time(c))
        for is_kind, target in c.was:
            if self.ev.bool(is_kind):
                tcode = self.ev.int(target.e)
                if not self.tl.owner.matches_code(before, tcode, self.tl.state):
                    return False
        return True

    def holds_after(self, cond: StateCond, minute: int) -> bool:
        return holds_value(self.tl, cond, self.value_at(minute))
