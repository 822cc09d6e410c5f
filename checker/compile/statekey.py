"""Stage 4: one state of one key over time (SPEC §3.3), and what its questions build.

A timeline holds the slots that may change one state for one key. The value at
a minute is a *query*: the *prefix* (the value after every change whose window
ended before the minute, one chain per timeline) combined with the changes
whose windows overlap it — for a counter a sum; for a categorical state a
value V and the minute T of the change that set it, defined by one clause per
candidate change ("if it happened by then, T is not earlier") and one
disjunction ("V and T are those of a change that happened by then, or of the
prefix"). Linear in the overlapping changes, never pairwise among them.
"""

from __future__ import annotations

import bisect

import z3

from checker.compile import sym
from checker.compile.defined import Change, Defined, Owner, Query
from checker.compile.openworld import Beyond, EventClass, setter_class
from checker.compile.sym import Arith, Bool, Cat, Time
from checker.compile.world import Slot
from checker.ir import StateCond, StateDef


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


# A key whose longest cluster of overlapping windows has more changes than this is
# chained by the ends of the windows (`Timeline.build`). Up to it clusters cost the
# solver as little and build fewer terms (docs/performance.md, "A long run of
# changes of one place"). Only speed depends on it.
LONG_CLUSTER = 12

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
        self, owner: Owner, sdef: StateDef, key: tuple[str, ...], initial: Cat | Arith
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
        self._chained = False  # categorical, chained by the ends of the windows (`build`)
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
        clusters: list[list[Change]] = []
        hi: int | None = None
        for c in self.changes:
            if hi is not None and c.slot.t.lo <= hi:
                clusters[-1].append(c)
                hi = max(hi, c.slot.t.hi)
            else:
                clusters.append([c])
                hi = c.slot.t.hi
        long = max(map(len, clusters), default=0) > self.owner.chain_from
        if long or self._wide or any(c.slot.phantom for c in self.changes):
            # A query late in a long cluster looks at every change of it before the
            # minute: quadratic, and for the solver one search over all their orders
            # (40 handovers of one place, each known to a month: 7.5 s; chained 1.1 s).
            # Unreported events (and undated reports) may lie at any minute, which
            # joins every change of the key into one cluster (an open world of 300
            # reports: 4 MB of formulas). Chained by the ends of their windows, as a
            # counter's sum is, each query looks at the changes that overlap it alone:
            # the latest of a set of changes is the same in any order.
            self._chained = True
            return
        self._clusters = clusters
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
        """The value after the first `i` changes by the end of their windows: a counter's
        running sum, or (a chained categorical state) that of the latest of them that
        happened.

        The chain is linear in the changes and shared by every question, so it is
        asserted once, for every world, rather than per question."""
        while len(self._prefix) <= i:
            k = len(self._prefix) - 1
            c = self._by_hi[k]
            if self.counter:
                q = self._step(self._prefix[k], c)
            else:
                q = self._query(Time.const(c.slot.t.hi), self._prefix[k], [c])
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
        if self.counter or self._chained:
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


def _cat(v: object) -> Cat:
    assert isinstance(v, Cat)
    return v


def _time_key(t: Time) -> tuple[object, ...]:
    if isinstance(t.e, int):
        return ("c", t.e)
    return ("v", t.e.get_id(), t.lo, t.hi)
