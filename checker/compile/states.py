"""Stage 4: states as timelines over event slots (SPEC §3.3), and their rules (§4.1.4).

A timeline holds the slots that may change one state for one key, in clusters
of slots whose times overlap; clusters are ordered, so the value after each
cluster is one shared term built from the previous one. A query at a minute
only works on the clusters that minute may fall into, which keeps exact-dated
scenarios linear; only overlapping times and phantoms are compared pairwise.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from checker.compile import sym
from checker.compile.sym import Arith, Bool, Cat, Num, Time
from checker.compile.world import Index, Slot, World
from checker.ir import OTHER, StateCond, StateDef


@dataclass
class Change:
    """A slot that may change the state for this key: when it does and to/by what."""

    slot: Slot
    guard: Bool
    value: Cat | Arith  # the new value (categorical) or the signed delta (counter)


@dataclass
class Timeline:
    world: World
    state: StateDef
    key: tuple[str, ...]
    initial: Cat | Arith
    clusters: list[list[Change]] = field(default_factory=list)
    floating: list[Change] = field(default_factory=list)  # phantoms: anywhere in time
    _prefix: list[Cat | Arith] = field(default_factory=list)
    _prefix_time: list[Time] = field(default_factory=list)

    @property
    def counter(self) -> bool:
        return self.state.is_counter

    def changes(self) -> list[Change]:
        return [c for cl in self.clusters for c in cl] + self.floating

    def build(self, changes: list[Change]) -> None:
        real = sorted(
            (c for c in changes if not c.slot.phantom),
            key=lambda c: (c.slot.t.lo, c.slot.t.hi, c.slot.order),
        )
        self.floating = [c for c in changes if c.slot.phantom]
        hi = None
        for c in real:
            if hi is not None and c.slot.t.lo <= hi:
                self.clusters[-1].append(c)
                hi = max(hi, c.slot.t.hi)
            else:
                self.clusters.append([c])
                hi = c.slot.t.hi
        self._his = [max(c.slot.t.hi for c in cl) for cl in self.clusters]
        self._los = [min(c.slot.t.lo for c in cl) for cl in self.clusters]
        self._prefix = [self.initial]
        self._prefix_time = [Time.const(self.world.in_force - 1)]
        for cl in self.clusters:
            self._prefix.append(self._after(cl, self._prefix[-1]))
            if self.floating and not self.counter:
                self._prefix_time.append(self._last_time(cl, self._prefix_time[-1]))

    def _after(self, cluster: list[Change], before: Cat | Arith) -> Cat | Arith:
        if self.counter:
            return sym.Sum([before, *(sym.Ite(c.guard, c.value, 0) for c in cluster)])
        return self._latest(cluster, before, None)

    def _latest(
        self,
        members: list[Change],
        fallback: Cat | Arith,
        t: Time | None,
        after: Time | None = None,
    ) -> Cat:
        """The value set by the last member that happened (by `t`, after `after`), else fallback."""
        result = fallback
        assert isinstance(result, Cat)
        for d, sel in self._last_of(members, t, after):
            v = d.value
            assert isinstance(v, Cat)
            result = Cat(sym.Ite(sel, v.e, result.e), result.dom | v.dom)
        return result

    def _last_of(
        self, members: list[Change], t: Time | None, after: Time | None
    ) -> list[tuple[Change, Bool]]:
        """Each member with the condition that it is the last one to have happened."""
        out = []
        for d in members:
            happened = self._happened(d, t, after)
            if happened is False:
                continue
            later = [
                sym.And(self._happened(o, t, after), sym.t_lt(d.slot.t, o.slot.t))
                for o in members
                if o is not d
            ]
            out.append((d, sym.And(happened, sym.Not(sym.Or(*later)))))
        return out

    def _happened(self, c: Change, t: Time | None, after: Time | None) -> Bool:
        return sym.And(
            c.guard,
            True if t is None else sym.t_le(c.slot.t, t),
            True if after is None else sym.t_lt(after, c.slot.t),
        )

    def _last_time(self, members: list[Change], before: Time, t: Time | None = None) -> Time:
        """The minute of the last member that happened (by `t`), else `before`."""
        e: object = before.e
        for d, sel in self._last_of(members, t, None):
            e = sym.Ite(sel, d.slot.t.e, e)
        lo = min(before.lo, *(c.slot.t.lo for c in members)) if members else before.lo
        hi = max(before.hi, *(c.slot.t.hi for c in members)) if members else before.hi
        return Time(e, lo, hi)

    def value_at(self, t: Time, exclude: Slot | None = None) -> Cat | Arith:
        """The state's value at minute `t` (events at `t` included), ignoring `exclude`."""
        j = bisect.bisect_right(self._his, t.lo)
        # clusters [0, j) have finished by t.lo; later ones may straddle t
        base = self._prefix[j]
        straddling = [
            c
            for i in range(j, len(self.clusters))
            if self._los[i] <= t.hi
            for c in self.clusters[i]
            if c.slot is not exclude
        ]
        floating = [c for c in self.floating if c.slot is not exclude]
        if self.counter:
            return sym.Sum(
                [
                    base,
                    *(
                        sym.Ite(sym.And(c.guard, sym.t_le(c.slot.t, t)), c.value, 0)
                        for c in straddling + floating
                    ),
                ]
            )
        if not straddling and not floating:
            return base
        assert isinstance(base, Cat)
        value = self._latest(straddling, base, t)
        if not floating:
            return value
        # Phantoms are ordered by time (symmetry breaking in `world`), and two changes of
        # one key never share a minute, so the highest-numbered phantom that happened by t
        # is the latest one; it wins when it is later than the last real change by t.
        real_time = self._last_time(straddling, self._prefix_time[j], t)
        for d in sorted(floating, key=lambda c: c.slot.order):
            won = sym.And(self._happened(d, t, real_time))
            assert isinstance(d.value, Cat) and isinstance(value, Cat)
            value = Cat(sym.Ite(won, d.value.e, value.e), value.dom | d.value.dom)
        return value


class States:
    """Lazily built timelines, one per (state, key), and the world's state rules."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.terms = world.scenario.terms
        self.timelines: dict[tuple[str, tuple[str, ...]], Timeline] = {}
        self._initial_vars: dict[tuple[str, tuple[str, ...]], Cat] = {}

    def ns(self, sdef: StateDef) -> str:
        return Index.namespace(sdef.value)

    def timeline(self, name: str, key: tuple[str, ...]) -> Timeline:
        tk = (name, key)
        if tk not in self.timelines:
            sdef = self.terms.states[name]
            tl = Timeline(self.world, sdef, key, self._initial(sdef, key))
            tl.build(self._changes(sdef, key))
            self.timelines[tk] = tl
        return self.timelines[tk]

    def _initial(self, sdef: StateDef, key: tuple[str, ...]) -> Cat | Arith:
        value = self.terms.initial.get(sdef.name, {}).get(key)
        if sdef.is_counter:
            return int(value) if value is not None else 0
        ns = self.ns(sdef)
        if value is not None:
            return Cat.const(self.world.index.code(ns, str(value)))
        # unknown until an event sets it: any value, "someone else" included
        return self.world.cat_var(f"init:{sdef.name}:{'/'.join(key)}", self.world.index.all(ns))

    def _changes(self, sdef: StateDef, key: tuple[str, ...]) -> list[Change]:
        w = self.world
        after_start = Time.const(w.in_force)
        out: list[Change] = []
        for s in w.slots:
            base = sym.And(s.on, sym.t_le(after_start, s.t))
            if base is False:
                continue
            if sdef.is_counter:
                deltas: list[tuple[Bool, Arith]] = []
                for kind, fname, sign in [
                    *((k, f, 1) for k, f in sdef.add.items()),
                    *((k, f, -1) for k, f in sdef.subtract.items()),
                ]:
                    is_kind = sym.cat_in(
                        s.kind, w.index.codes_of("kind", self.terms.kinds.descendants(kind))
                    )
                    if is_kind is False or fname not in s.fields:
                        continue
                    v = s.fields[fname]
                    assert isinstance(v, Num)
                    deltas.append((is_kind, v.e if sign > 0 else -v.e))
                if not deltas:
                    continue
                keyed = self._counter_key(s, key, sdef)
                guard = sym.And(base, keyed, sym.Or(*(k for k, _ in deltas)))
                if guard is False:
                    continue
                delta: Arith = 0
                for is_kind, d in reversed(deltas):
                    delta = sym.Ite(is_kind, d, delta)
                out.append(Change(s, guard, delta))
            else:
                setters = [
                    (
                        sym.cat_in(
                            s.kind, w.index.codes_of("kind", self.terms.kinds.descendants(kind))
                        ),
                        to,
                    )
                    for kind, (to, _was) in sorted(sdef.set_by.items())
                ]
                setters = [(k, to) for k, to in setters if k is not False]
                if not setters:
                    continue
                own = s.place if sdef.of == ("place",) else s.actor
                own_ns = "place" if sdef.of == ("place",) else "actor"
                keyed = sym.cat_in(own, frozenset({w.index.code(own_ns, key[0])}))
                guard = sym.And(base, keyed, sym.Or(*(k for k, _ in setters)))
                if guard is False:
                    continue
                value: Cat | None = None
                for is_kind, to in reversed(setters):
                    new = self.new_value(s, to)
                    value = (
                        new
                        if value is None
                        else Cat(sym.Ite(is_kind, new.e, value.e), new.dom | value.dom)
                    )
                assert value is not None
                out.append(Change(s, guard, value))
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

    # ---- conditions ------------------------------------------------------

    def holds(self, cond: StateCond, t: Time, exclude: Slot | None = None) -> Bool:
        """The state condition holds at minute t."""
        tl = self.timeline(cond.state, cond.key)
        value = tl.value_at(t, exclude)
        if tl.counter:
            return sym.And(
                True if cond.min is None else sym.Le(cond.min, value),
                True if cond.max is None else sym.Le(value, cond.max),
            )
        assert isinstance(value, Cat) and cond.test is not None
        return sym.cat_in(value, self.world.index.test(self.ns(tl.state), cond.test))

    def change_points(self, cond: StateCond) -> list[Change]:
        return self.timeline(cond.state, cond.key).changes()

    # ---- world rules -----------------------------------------------------

    def rules(self) -> None:
        """`was` preconditions and "no two changes of one key at one minute" (SPEC §4.1.4)."""
        for sdef in sorted(self.terms.states.values(), key=lambda s: s.name):
            if sdef.is_counter:
                continue
            keys = self._keys_touched(sdef)
            for key in keys:
                tl = self.timeline(sdef.name, key)
                self._distinct_minutes(tl)
                for c in tl.changes():
                    self._was(tl, c)

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

    def _distinct_minutes(self, tl: Timeline) -> None:
        w = self.world
        groups = [cl for cl in tl.clusters if len(cl) > 1]
        for cl in groups:
            for i, a in enumerate(cl):
                for b in cl[i + 1 :]:
                    w.add(
                        sym.Implies(
                            sym.And(a.guard, b.guard), sym.Not(sym.Eq(a.slot.t.e, b.slot.t.e))
                        )
                    )
        reals = [c for cl in tl.clusters for c in cl]
        for p in tl.floating:
            for o in reals + [f for f in tl.floating if f.slot.order > p.slot.order]:
                w.add(
                    sym.Implies(sym.And(p.guard, o.guard), sym.Not(sym.Eq(p.slot.t.e, o.slot.t.e)))
                )

    def _was(self, tl: Timeline, c: Change) -> None:
        w = self.world
        s = c.slot
        rules = [
            (sym.cat_in(s.kind, w.index.codes_of("kind", self.terms.kinds.descendants(kind))), was)
            for kind, (_to, was) in sorted(tl.state.set_by.items())
            if was is not None
        ]
        rules = [(k, was) for k, was in rules if k is not False]
        if not rules:
            return
        before = tl.value_at(s.t.plus(-1), exclude=s)
        assert isinstance(before, Cat)
        for is_kind, was in rules:
            target = self.new_value(s, was)
            w.add(sym.Implies(sym.And(c.guard, is_kind), self.matches(before, target, tl.state)))

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
