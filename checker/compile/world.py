"""Stage 4: the encoding of a scenario's compatible worlds (SPEC §4.1): its event slots,
its reports' tracking literals, the values of the slots' fields, and whether a slot's
event matches a MATCH.

Each group of event reports (joined by `same_as`) is one event slot whose
existence is the disjunction of its reports' tracking literals; an open world
adds phantom slots for unreported events (`build.py` makes them all). States are
timelines over the slots (`timeline.py`). Every report's constraints are guarded by
its own literal so that unsat cores map back to reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import z3

from checker.compile import sym
from checker.compile.index import Index
from checker.compile.sym import Bool, Cat, Num, Time
from checker.ir import (
    BoolAttr,
    CatAttr,
    CatTest,
    EventReport,
    FieldType,
    MatchIR,
    NumAttr,
    NumTest,
    Scenario,
    TextAttr,
)
from checker.records import field, record

Value = Cat | Num


@record
class Slot:
    """One event of the world: a reported event (group) or a phantom."""

    name: str
    order: int
    exists: Bool
    on: Bool  # exists and at or before the end of as_of
    kind: Cat
    actor: Cat
    place: Cat
    t: Time
    fields: dict[str, Value]
    field_types: dict[str, FieldType]
    reports: tuple[EventReport, ...] = ()
    phantom: bool = False
    group: str = ""
    per_point: bool = False  # (a phantom: see PhantomPlan)

    @property
    def exact(self) -> bool:
        return self.t.exact


@record(frozen=True)
class PhantomPlan:
    """One explicit unreported event of an open world: the kinds, actors and places it
    may have (None: any)."""

    name: str
    group: str  # slots of one group are interchangeable
    kinds: frozenset[int]
    actors: frozenset[int] | None
    places: frozenset[int] | None
    # one of the state changes planned per point a report looks at: questions are asked
    # without these first (`Asker.fewer`)
    per_point: bool = False
    # the minutes it may lie at (None: from the earliest that matters / to as_of)
    lo: int | None = None
    hi: int | None = None


@record
class Tracked:
    """A tracking literal and what it stands for."""

    lit: z3.BoolRef
    report: object


@record
class World:
    scenario: Scenario
    index: Index
    ctx: z3.Context
    slots: list[Slot] = field(default_factory=list)
    axioms: list[Bool] = field(default_factory=list)
    lits: dict[str, z3.BoolRef] = field(default_factory=dict)
    tracked: list[Tracked] = field(default_factory=list)
    sink: Callable[[Bool], None] | None = None  # once set, axioms go straight to the solver
    # `candidates` per kind test: (the test, the number of slots then, the slots)
    kind_scans: dict[int, tuple[CatTest, int, list[Slot]]] = field(default_factory=dict)

    @property
    def as_of(self) -> int:
        return self.scenario.as_of

    @property
    def in_force(self) -> int:
        return self.scenario.terms.in_force

    def add(self, formula: Bool) -> None:
        if formula is True:
            return
        if self.sink is not None:
            self.sink(formula)
        else:
            self.axioms.append(formula)

    # ---- values ----------------------------------------------------------

    def cat_var(self, name: str, dom: frozenset[int]) -> Cat:
        if len(dom) == 1:
            return Cat.const(next(iter(dom)))
        v = sym.int_var(name, self.ctx)
        lo, hi = min(dom), max(dom)
        if len(dom) == hi - lo + 1:
            self.add(sym.And(sym.int_le(lo, v), sym.int_le(v, hi)))
        else:
            self.add(sym.Or(*(sym.int_eq(v, i) for i in sorted(dom))))
        return Cat(v, dom)

    def num_var(self, name: str, lo: float | None, hi: float | None, integer: bool) -> Num:
        if lo is not None and lo == hi:
            return Num(int(lo) if integer else lo, lo, hi)
        v = sym.int_var(name, self.ctx) if integer else z3.Real(name, self.ctx)
        if lo is not None:
            self.add(sym.Le(math.ceil(lo) if integer else lo, v))
        if hi is not None:
            self.add(sym.Le(v, math.floor(hi) if integer else hi))
        return Num(v, lo, hi)

    def time_var(self, name: str, lo: int, hi: int) -> Time:
        if lo == hi:
            return Time.const(lo)
        v = sym.int_var(name, self.ctx)
        self.add(sym.And(sym.int_le(lo, v), sym.int_le(v, hi)))
        return Time(v, lo, hi)

    def field_value(self, name: str, ft: FieldType, attrs: list[object]) -> Value:
        """A slot field ranging over the union of what its reports allow."""
        if ft.kind in ("int", "number"):
            nums = [a for a in attrs if isinstance(a, NumAttr)]
            integer = ft.kind == "int"
            if not nums:
                return self.num_var(name, 0 if integer else None, None, integer)
            los = [a.lo for a in nums]
            his = [a.hi for a in nums]
            lo = None if any(x is None for x in los) else min(x for x in los if x is not None)
            hi = None if any(x is None for x in his) else max(x for x in his if x is not None)
            if integer and lo is None:
                lo = 0
            return self.num_var(name, lo, hi, integer)
        ns = Index.namespace(ft)
        dom: set[int] = set()
        for a in attrs:
            dom |= self.attr_codes(ns, a)
        return self.cat_var(name, frozenset(dom) if attrs else self.index.all(ns))

    def attr_codes(self, ns: str, a: object) -> frozenset[int]:
        if isinstance(a, CatAttr):
            return self.index.codes_of(ns, a.values)
        if isinstance(a, BoolAttr):
            return frozenset(int(v) for v in a.values)
        if isinstance(a, TextAttr):
            return (
                self.index.all(ns) if a.value is None else frozenset({self.index.code(ns, a.value)})
            )
        return self.index.all(ns)

    def attr_holds(self, slot: Slot, fname: str, a: object) -> Bool:
        """The slot's field takes a value the report allows."""
        v = slot.fields[fname]
        if isinstance(v, Num):
            assert isinstance(a, NumAttr)
            return sym.num_in(v, a.lo, a.hi)
        return sym.cat_in(v, self.attr_codes(Index.namespace(slot.field_types[fname]), a))

    # ---- matching --------------------------------------------------------

    def kinds_with(self, fname: str) -> frozenset[int]:
        return frozenset(
            self.index.code("kind", k)
            for k, kd in self.scenario.terms.kind_defs.items()
            if fname in kd.fields
        )

    def candidates(self, m: MatchIR | None) -> list[Slot]:
        """The slots, in the world's order, whose kind may be one MATCH names. `matches`
        is false for every other slot (the kind is its first test) and makes no term for
        it, so a scan for MATCH need look only at these: in a large scenario most events
        are of other kinds."""
        if m is None or m.kinds is None:
            return self.slots
        got = self.kind_scans.get(id(m.kinds))
        if got is not None and got[0] is m.kinds and got[1] == len(self.slots):
            return got[2]
        codes = self.index.test("kind", m.kinds)
        found = [s for s in self.slots if not s.kind.dom.isdisjoint(codes)]
        self.kind_scans[id(m.kinds)] = (m.kinds, len(self.slots), found)
        return found

    def matches(self, slot: Slot, m: MatchIR | None) -> Bool:
        """The slot's event matches MATCH (kinds, actors and places through the hierarchies)."""
        if m is None:
            return True
        # (no test is built once one folds to false: in a large scenario most events are
        # of another kind, and building their other tests took most of the encoding)
        index = self.index
        parts: list[Bool] = []
        for value, ns, wanted in (
            (slot.kind, "kind", m.kinds),
            (slot.actor, "actor", m.actor),
            (slot.place, "place", m.place),
        ):
            if wanted is not None:
                part = sym.cat_in(value, index.test(ns, wanted))
                if part is False:
                    return False
                parts.append(part)
        for fname, test in m.fields:
            if fname not in slot.fields:
                return False
            has = sym.cat_in(slot.kind, self.kinds_with(fname))
            v = slot.fields[fname]
            if isinstance(test, NumTest):
                assert isinstance(v, Num)
                inside = sym.Or(*(sym.num_in(v, lo, hi) for lo, hi in test.ranges))
                part = sym.And(has, sym.Not(inside) if test.negate else inside)
            else:
                assert isinstance(v, Cat)
                ns = Index.namespace(slot.field_types[fname])
                part = sym.And(has, sym.cat_in(v, index.test(ns, test)))
            if part is False:
                return False
            parts.append(part)
        return sym.And(*parts)
