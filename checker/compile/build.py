"""Stage 4: a resolved scenario -> the slots of its world and their constraints (SPEC §4.1).

A slot per group of event reports joined by `same_as` (an event can exist only if one
of its reports is believed, and then takes a value each report allows), the orders
`after`/`before` state, the planned unreported events of an open world, and what
absences rule out. The `World` it fills is `world.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from checker.compile import sym
from checker.compile.index import Index
from checker.compile.sym import Time
from checker.compile.world import PhantomPlan, Slot, Tracked, Value, World
from checker.ir import AbsenceReport, EventReport, FieldType, Scenario, StateReport


def _groups(reports: list[EventReport]) -> list[list[EventReport]]:
    """Reports joined by `same_as` (transitively), in order of first appearance."""
    parent = {r.id: r.id for r in reports}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in reports:
        if r.same_as is not None and r.same_as in parent:
            a, b = find(r.id), find(r.same_as)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[EventReport]] = {}
    for r in reports:
        groups.setdefault(find(r.id), []).append(r)
    return list(groups.values())


def build_world(
    scenario: Scenario,
    ctx: z3.Context,
    plan: Callable[[Index], list[PhantomPlan]] = lambda index: [],
    earliest: int = 0,
    tick: Callable[[], None] = lambda: None,
) -> World:
    """Slots, report literals and every constraint of SPEC §4.1 except the state rules.

    `plan` gives the explicit unreported events (open world), which may lie at any
    minute from `earliest` to the end of as_of. `tick` is called once per report and
    slot, so a caller's time limit can stop the build.
    """
    w = World(scenario, Index(scenario), ctx)
    for r in scenario.reports:
        w.lits[r.id] = sym.bool_var(f"report:{r.id}", ctx)
        w.tracked.append(Tracked(w.lits[r.id], r))
    # SPEC §4.1: a world's events are at or before the end of as_of. A report dated
    # wholly after it is not known yet (so a library can be judged at an earlier
    # --as-of); one whose date reaches past it happened by as_of.
    events = [r for r in scenario.reports if isinstance(r, EventReport) and r.lo <= scenario.as_of]
    slot_of: dict[str, Slot] = {}
    for group in _groups(events):
        tick()
        slot = _report_slot(w, group, len(w.slots))
        w.slots.append(slot)
        for r in group:
            slot_of[r.id] = slot
    for r in events:
        for other, later in ((r.after, True), (r.before, False)):
            if other is None or other not in slot_of:
                continue
            a, b = slot_of[r.id], slot_of[other]
            order = sym.t_lt(b.t, a.t) if later else sym.t_lt(a.t, b.t)
            w.add(sym.Implies(sym.And(w.lits[r.id], b.exists), order))
    for p in plan(w.index):
        tick()
        w.slots.append(_phantom(w, p, len(w.slots), earliest))
    _phantom_symmetry(w)
    for r in scenario.reports:
        if isinstance(r, AbsenceReport):
            tick()
            lit = w.lits[r.id]
            lo, hi = Time.const(r.lo), Time.const(r.hi)
            for s in w.candidates(r.match):
                if s.t.hi < r.lo or s.t.lo > r.hi:
                    continue  # (never in the window: `t_in` below would fold to false)
                matched = w.matches(s, r.match)
                if matched is False:
                    continue
                hit = sym.And(s.on, matched, sym.t_in(s.t, lo, hi))
                w.add(sym.Implies(lit, sym.Not(hit)))
    return w


def _report_slot(w: World, group: list[EventReport], order: int) -> Slot:
    terms = w.scenario.terms
    name = group[0].id
    lits = [w.lits[r.id] for r in group]
    kinds: set[str] = set().union(*(r.kinds for r in group))
    kind = w.cat_var(f"kind:{name}", w.index.codes_of("kind", frozenset(kinds)))
    actor = w.cat_var(
        f"actor:{name}",
        frozenset().union(*(w.index.codes_of("actor", r.actor.values) for r in group)),
    )
    place = w.cat_var(
        f"place:{name}",
        frozenset().union(*(w.index.codes_of("place", r.place.values) for r in group)),
    )
    t = w.time_var(f"time:{name}", min(r.lo for r in group), min(w.as_of, max(r.hi for r in group)))
    types: dict[str, FieldType] = {}
    for k in sorted(kinds):
        for fname, ft in terms.kind_defs[k].fields.items():
            types.setdefault(fname, ft)
    fields: dict[str, Value] = {}
    for fname, ft in sorted(types.items()):
        attrs: list[object] = [a for r in group for f, a in r.fields if f == fname]
        fields[fname] = w.field_value(
            f"{fname}:{name}", ft, attrs if len(attrs) == len(group) else []
        )
    exists = sym.Or(*lits)
    on = sym.And(exists, sym.t_le(t, Time.const(w.as_of)))
    slot = Slot(name, order, exists, on, kind, actor, place, t, fields, types, tuple(group))
    if len(group) > 1:
        for r, lit in zip(group, lits, strict=True):
            held = sym.And(
                sym.cat_in(kind, w.index.codes_of("kind", r.kinds)),
                sym.cat_in(actor, w.index.codes_of("actor", r.actor.values)),
                sym.cat_in(place, w.index.codes_of("place", r.place.values)),
                sym.t_in(t, Time.const(r.lo), Time.const(min(r.hi, w.as_of))),
                *(w.attr_holds(slot, f, a) for f, a in r.fields),
            )
            w.add(sym.Implies(lit, held))
    return slot


def _phantom(w: World, p: PhantomPlan, order: int, earliest: int) -> Slot:
    """An unreported event of the planned kinds, actors and places, at any minute of its
    planned minutes up to as_of (by default from the earliest that matters, before
    in_force too), or none at all."""
    terms = w.scenario.terms
    exists = sym.bool_var(f"exists:{p.name}", w.ctx)
    first = earliest if p.lo is None else max(earliest, p.lo)
    last = w.as_of if p.hi is None else min(w.as_of, p.hi)
    t = w.time_var(f"time:{p.name}", first, last)
    types: dict[str, FieldType] = {}
    for code in sorted(p.kinds):
        for fname, ft in terms.kind_defs[w.index.name("kind", code)].fields.items():
            types.setdefault(fname, ft)
    fields = {f: w.field_value(f"{f}:{p.name}", ft, []) for f, ft in sorted(types.items())}
    slot = Slot(
        p.name,
        order,
        exists,
        exists,
        w.cat_var(f"kind:{p.name}", p.kinds),
        w.cat_var(f"actor:{p.name}", p.actors if p.actors is not None else w.index.all("actor")),
        w.cat_var(f"place:{p.name}", p.places if p.places is not None else w.index.all("place")),
        t,
        fields,
        types,
        phantom=True,
        group=p.group,
        per_point=p.per_point,
    )
    for c in w.scenario.complete:
        lo = Time.const(c.lo) if c.lo is not None else None
        hi = Time.const(c.hi) if c.hi is not None else None
        matched = w.matches(slot, c.match)
        if matched is not False:
            w.add(sym.Implies(exists, sym.Not(sym.And(matched, sym.t_in(t, lo, hi)))))
    return slot


def _phantom_symmetry(w: World) -> None:
    # Phantoms of one group are interchangeable: order them so the solver explores
    # one arrangement.
    ph = [s for s in w.slots if s.phantom]
    for a, b in zip(ph, ph[1:], strict=False):
        if a.group != b.group or (a.t.lo, a.t.hi) != (b.t.lo, b.t.hi):
            continue
        w.add(sym.Implies(b.exists, a.exists))
        w.add(sym.Implies(b.exists, sym.t_le(a.t, b.t)))


def observation_time(w: World, r: StateReport) -> Time | None:
    """The minute a state observation speaks of: some minute of its date, up to as_of."""
    hi = min(r.hi, w.as_of)
    if r.lo > hi:
        return None
    return w.time_var(f"seen:{r.id}", r.lo, hi)
