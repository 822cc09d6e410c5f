"""Stage 4: the open world (SPEC §4.1) — unreported events, with no bound that could
change a verdict in silence.

Two encodings of the unreported events share one solver session:

* *Explicit* unreported events: a few event slots planned from what the terms
  and the scenario can ask of them (one that could breach each forbid/each
  provision, fulfil each require, start each anchored window, give each notice,
  and change each state a provision or a report looks at: one or a few at any
  minute, and one per point a report looks at, between the point before it
  and it). Every world they describe is a real world, so an answer found with
  them alone (`wild` off) is an answer of the scenario, whichever of them
  are left out (`Asker.fewer` leaves out the per-point ones).
* *Beyond* them, with `wild` on: every effect that any further set of
  unreported events could have, each free on its own — some event breaches a
  forbid, fulfils a require, comes first for an anchor, gives a notice; the
  value of a state at each minute asked about was set by some later unreported
  change; a counter holds any further sum. Only what `complete` classes and
  absence reports exclude is excluded. Every world with any number of
  unreported events is one of these, so what is impossible with `wild` on is
  impossible in the scenario — with or without the explicit ones.

A question possible with `wild` off is possible; impossible with `wild` on is
impossible; otherwise it is undecided, and the verdict it affects is `unknown`
with that reason — never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.compile import sym
from checker.compile.index import Index
from checker.compile.sym import Bool, Time
from checker.compile.world import PhantomPlan, World
from checker.ir import (
    AbsenceReport,
    Anchored,
    CatTest,
    EventReport,
    Fixed,
    MatchIR,
    Scenario,
    StateDef,
    StateReport,
    Terms,
    Test,
    condition_events,
)
from checker.records import record, replace


@record(frozen=True)
class EventClass:
    """A set of events: the kind, actor and place codes they may have (None: any)."""

    kinds: frozenset[int] | None = None
    actors: frozenset[int] | None = None
    places: frozenset[int] | None = None
    fields: tuple[tuple[str, Test], ...] = ()

    def within(self, other: EventClass) -> bool:
        """Every event of this class is of `other`."""

        def sub(a: frozenset[int] | None, b: frozenset[int] | None) -> bool:
            return b is None or (a is not None and a <= b)

        return (
            sub(self.kinds, other.kinds)
            and sub(self.actors, other.actors)
            and sub(self.places, other.places)
            and set(other.fields) <= set(self.fields)
        )


def class_of(index: Index, m: MatchIR) -> EventClass:
    def codes(ns: str, t: CatTest | None) -> frozenset[int] | None:
        return None if t is None else index.test(ns, t)

    return EventClass(
        codes("kind", m.kinds), codes("actor", m.actor), codes("place", m.place), m.fields
    )


@record(frozen=True)
class Zone:
    """No unreported event of `cls` lies in [lo, hi] where `lit` holds (complete: True)."""

    cls: EventClass
    lo: int | None
    hi: int | None
    lit: Bool


DAY = 24 * 60


def earliest_minute(scenario: Scenario) -> int:
    """A minute before which an unreported event's exact time makes no difference.

    Every constant an event's time is compared with, minus the largest offset added
    to an event's time, minus one: an event any earlier compares the same way.
    """
    terms = scenario.terms
    points = [terms.in_force, scenario.as_of]
    offsets = [0]
    points += [r.lo for r in scenario.reports]
    points += [c.lo for c in scenario.complete if c.lo is not None]
    points += [p.start for p in terms.periods.values()]
    for p in terms.provisions:
        for window in p.windows():
            for end in (window.start, window.end):
                if isinstance(end, Fixed):
                    points.append(end.minute)
                elif isinstance(end, Anchored):
                    offsets.append(end.shift.most())
    return min(points) - max(offsets) - 1


def _state_kinds(scenario: Scenario) -> frozenset[str]:
    """Every kind that changes some state."""
    terms = scenario.terms
    out: set[str] = set()
    for sdef in terms.states.values():
        for k in (*sdef.set_by, *sdef.add, *sdef.subtract):
            out |= terms.kinds.descendants(k)
    return frozenset(out)


def setter_class(world: World, sdef: StateDef, key: tuple[str, ...]) -> EventClass:
    """The events that can change one state of one key."""
    return _setter_class(world.index, world.scenario.terms, sdef, key)


def plan_phantoms(scenario: Scenario, index: Index) -> list[PhantomPlan]:
    """The explicit unreported events of an open world (none in a closed one)."""
    if scenario.world != "open":
        return []
    terms = scenario.terms
    quiet_kinds = index.codes_of("kind", frozenset(terms.kinds.ids) - _state_kinds(scenario))
    plans: list[PhantomPlan] = []
    seen: set[EventClass] = set()

    def demand(
        group: str,
        cls: EventClass,
        count: int = 1,
        prefer_quiet: bool = True,
        per_point: Sequence[tuple[int | None, int]] = (),
    ) -> None:
        kinds = cls.kinds if cls.kinds is not None else index.all("kind")
        if prefer_quiet and kinds & quiet_kinds:
            # an event that changes no state breaches or fulfils just as well, and
            # touches nothing else: fewer interactions for the solver
            kinds = kinds & quiet_kinds
        plain = EventClass(kinds, cls.actors, cls.places)
        if plain in seen or not kinds:
            return
        seen.add(plain)
        windows: list[tuple[int | None, int | None]] = [(None, None)] * count
        for i, (lo, hi) in enumerate([*windows, *per_point]):
            name = f"unreported{len(plans)}"
            plans.append(
                PhantomPlan(name, group, kinds, cls.actors, cls.places, i >= count, lo, hi)
            )

    anchors: list[MatchIR] = []
    for p in terms.provisions:
        never_due = p.form == "require" and p.window.end is None and p.window.during is None
        if p.match is not None and p.form in ("forbid", "each", "require") and not never_due:
            # (a require with no deadline is never breached: no world needs to fulfil it)
            demand(f"{p.form}:{p.id}", class_of(index, p.match))
        for h in condition_events(p.condition):
            demand(f"happened:{p.id}", class_of(index, h.match))
        for window in p.windows():
            for end in (window.start, window.end):
                if isinstance(end, Anchored):
                    anchors.extend(m for m in end.matches if m not in anchors)
    for i, m in enumerate(anchors):
        demand(f"anchor{i}", class_of(index, m))
    for pid, period in sorted(terms.periods.items()):
        if period.notice is not None:
            demand(f"notice:{pid}", class_of(index, period.notice.match))
    # state changes: one, one more per provision that looks at the state (two for an
    # achieve), each at any minute; and one per point a report looks at, between the
    # point before it (the earliest minute it may be at) and it: what sets the value
    # there, without joining every question about the state at other times
    anywhere: dict[tuple[str, tuple[str, ...]], int] = {}
    points: dict[tuple[str, tuple[str, ...]], list[tuple[int, int]]] = {}

    def looks(k: tuple[str, tuple[str, ...]], r: StateReport | EventReport) -> None:
        anywhere.setdefault(k, 1)
        points.setdefault(k, []).append((r.lo, r.hi))

    for p in terms.provisions:
        if p.cond is not None:
            k = (p.cond.state, p.cond.key)
            anywhere[k] = anywhere.get(k, 1) + (2 if p.form == "achieve" else 1)
    for r in scenario.reports:
        if isinstance(r, StateReport):
            looks((r.cond.state, r.cond.key), r)
        elif isinstance(r, EventReport):
            # a reported change with a `was` precondition may need the value set
            # right before it by an unreported change
            for sdef in terms.states.values():
                for kind, (_to, was) in sdef.set_by.items():
                    if was is None or not (r.kinds & terms.kinds.descendants(kind)):
                        continue
                    owners = r.place.values if sdef.of == ("place",) else r.actor.values
                    for owner in sorted(owners):
                        if owner in (
                            terms.places.ids if sdef.of == ("place",) else terms.actors.ids
                        ):
                            looks((sdef.name, (owner,)), r)
    for (state, key), count in sorted(anywhere.items()):
        sdef = terms.states[state]
        cls = _setter_class(index, terms, sdef, key)
        group = f"state:{state}:{'/'.join(key)}"
        at = _between(points.get((state, key), []), scenario.as_of)
        demand(group, cls, count, prefer_quiet=False, per_point=at)
    return plans


def _between(points: list[tuple[int, int]], as_of: int) -> list[tuple[int | None, int]]:
    """For each point (its earliest and latest minute), the minutes from the point before
    it (None: the first) to it; none for a point past as_of."""
    out: list[tuple[int | None, int]] = []
    before: int | None = None
    for lo, hi in sorted(points):
        if lo > as_of:
            break
        out.append((before, hi))
        before = lo
    return out


def _setter_class(index: Index, terms: Terms, sdef: StateDef, key: tuple[str, ...]) -> EventClass:
    kinds: set[str] = set()
    for k in (*sdef.set_by, *sdef.add, *sdef.subtract):
        kinds |= terms.kinds.descendants(k)
    kind_codes = index.codes_of("kind", frozenset(kinds))
    if not sdef.is_counter:
        own = index.codes_of(sdef.of[0], frozenset({key[0]}))
        return (
            EventClass(kind_codes, None, own)
            if sdef.of == ("place",)
            else EventClass(kind_codes, own, None)
        )
    actors = places = None
    for what, k in zip(sdef.of, key, strict=True):
        h = terms.actors if what == "actor" else terms.places
        codes = index.codes_of(what, h.descendants(k))
        if what == "actor":
            actors = codes
        else:
            places = codes
    return EventClass(kind_codes, actors, places)


class Beyond:
    """The effects of unreported events beyond the explicit ones (`wild` on)."""

    def __init__(self, world: World) -> None:
        self.w = world
        sc = world.scenario
        self.open = sc.world == "open"
        self.lit: z3.BoolRef | None = (
            sym.bool_var("unreported:beyond", world.ctx) if self.open else None
        )
        self.earliest = earliest_minute(sc)
        self.zones: list[Zone] = []
        self._complete: list[Zone] = []
        self._n = 0
        if not self.open:
            return
        index = world.index
        for c in sc.complete:
            self.zones.append(Zone(class_of(index, c.match), c.lo, c.hi, True))
        for r in sc.reports:
            if isinstance(r, AbsenceReport):
                self.zones.append(Zone(class_of(index, r.match), r.lo, r.hi, world.lits[r.id]))
        self._complete = [z for z in self.zones if z.lit is True]  # (`reduce` asks 720 times)

    def reduce(self, cls: EventClass, first: int, last: int) -> EventClass | None:
        """The part of `cls` that `complete` classes leave open over [first, last] (None:
        nothing), kind by kind, so several complete classes can cover one class together."""
        kinds = cls.kinds if cls.kinds is not None else self.w.index.all("kind")
        left = set()
        for k in sorted(kinds):
            one = replace(cls, kinds=frozenset({k}))
            if not any(
                (z.lo is None or z.lo <= first)
                and (z.hi is None or z.hi >= last)
                and one.within(z.cls)
                for z in self._complete
            ):
                left.add(k)
        return replace(cls, kinds=frozenset(left)) if left else None

    def event(
        self, what: str, cls: EventClass, lo: Time | None, hi: Time | None
    ) -> tuple[Bool, Time | None, EventClass | None]:
        """Some unreported event of `cls` beyond the explicit ones, at a minute in [lo, hi]:
        the condition that there is one (False when none can be), its minute, and the
        part of the class it can belong to."""
        if self.lit is None:
            return False, None, None
        first = max(self.earliest, lo.lo if lo is not None else self.earliest)
        last = min(self.w.as_of, hi.hi if hi is not None else self.w.as_of)
        if first > last:
            return False, None, None
        open_part = self.reduce(cls, first, last)
        if open_part is None:
            return False, None, None
        self._n += 1
        flag = sym.bool_var(f"beyond{self._n}:{what}", self.w.ctx)
        t = self.w.time_var(f"beyond{self._n}:time", first, last)
        for z in self.zones:
            if (z.hi is not None and z.hi < first) or (z.lo is not None and z.lo > last):
                continue  # (never inside: the condition below would fold to true)
            if not open_part.within(z.cls):
                continue
            inside = sym.t_in(
                t,
                None if z.lo is None else Time.const(z.lo),
                None if z.hi is None else Time.const(z.hi),
            )
            self.w.add(sym.Implies(sym.And(flag, z.lit), sym.Not(inside)))
        return sym.And(self.lit, flag, sym.t_in(t, lo, hi)), t, open_part

    def amount(self, what: str) -> z3.ArithRef:
        """A free whole number (a sum carried by unreported events)."""
        self._n += 1
        return sym.int_var(f"beyond{self._n}:{what}", self.w.ctx)
