"""Stage 4: what each event slot may change of a state (SPEC §3.3): for one state and
key, every slot whose event may set it (categorical) or add to or subtract from it
(counter), with the condition under which it does and the value or amount; and the
state's value before any change. `Timelines` (timeline.py) builds a key's timeline from
these.
"""

from __future__ import annotations

from checker.compile import sym
from checker.compile.defined import Change, negated_range
from checker.compile.index import Index
from checker.compile.sym import Arith, Bool, Cat, Num, Time
from checker.compile.world import Slot, World
from checker.ir import StateDef, Uncertain


class ChangeFinder:
    """The changes of one world's states, with what they share across keys: each slot's
    kind tests and base condition, and the slots indexed by place or actor."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.terms = world.scenario.terms
        self._kind_tests: dict[tuple[int, str], Bool] = {}
        self._bases: dict[int, Bool] = {}
        # namespace -> (slots indexed, code -> the slots that may have it)
        self._slot_index: dict[str, tuple[int, dict[int, list[Slot]]]] = {}

    def initial(self, sdef: StateDef, key: tuple[str, ...]) -> Cat | Arith:
        """The state's value at `key` before any change: the terms' `initial`, or any."""
        value = self.terms.initial.get(sdef.name, {}).get(key)
        name = f"init:{sdef.name}:{'/'.join(key)}"
        if isinstance(value, Uncertain):  # each world picks one value within it (SPEC §3.3)
            if sdef.is_counter:
                return self.world.num_var(name, value.lo, value.hi, True).e
            assert value.values is not None
            ns = Index.namespace(sdef.value)
            return self.world.cat_var(name, self.world.index.codes_of(ns, value.values))
        if sdef.is_counter:
            return int(value) if value is not None else 0
        ns = Index.namespace(sdef.value)
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

    def of(self, sdef: StateDef, key: tuple[str, ...]) -> list[Change]:
        """The changes of the state `sdef` at `key` some slot's event may make, in the
        world's order."""
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
                    ranges.append((v.lo, v.hi) if sign > 0 else negated_range(v.hi, v.lo))
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
