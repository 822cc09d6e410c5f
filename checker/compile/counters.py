"""Stage 4: what the ranges of a counter's changes decide without the solver.

A counter stays within the bounds that the earliest increases and the latest
decreases (and the reverse) allow, whichever of its uncertain events happened,
as long as the reports of the events that surely move a bound are believed;
where those bounds settle a maintained condition, the solver never searches the
orders of the events. Where they say it may break, they also
point to a candidate world in which it does, tried before the full question.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from checker.compile import sym
from checker.compile.defined import Change
from checker.compile.openworld import Beyond
from checker.compile.statekey import Always
from checker.compile.sym import Bool, Time


def counter_bounds(a: Always, beyond: Beyond | None) -> Bool | None:
    """What the ranges of times and amounts alone decide, as a rule of every world:
    the counter stays within the bounds that the earliest increases and the latest
    decreases (and the reverse) allow. Where those bounds keep the condition
    throughout the window (given the reports they rely on, `a.settled`), or break it
    at a minute surely inside it (given every report of a change), `a` is settled
    without the solver searching orders of events (SPEC §4.1: the world is any
    order). Returns that rule of every world, if any (`beyond`: unreported events may
    change it)."""
    tl, cond = a.tl, a.cond
    base = tl.initial
    if not isinstance(base, int):
        return None
    present: list[Bool] = []
    # the reports the bounds that keep the condition rely on: a change that may not have
    # happened moves them by at most its range whether it happened or not, but a sure
    # decrease (under a maximum) or increase (over a minimum) lowers (raises) them only
    # if its report is believed. Asked under some reports alone (the readings of an
    # incoherent scenario), the rule then still settles the condition when none of
    # these is among the ones left out.
    relied_on: list[Bool] = []
    ups: list[tuple[int, float]] = []  # (minute, change of the upper bound from then on)
    downs: list[tuple[int, float]] = []
    for c in tl.changes:
        lo, hi = c.delta_range
        if lo is None or hi is None:
            return None
        sure = c.sure and not c.slot.phantom
        if not c.slot.phantom:
            present.append(c.slot.exists)
        if sure and ((cond.max is not None and hi < 0) or (cond.min is not None and lo > 0)):
            relied_on.append(c.slot.exists)
        t_lo, t_hi = c.slot.t.lo, c.slot.t.hi
        ups.append((t_lo, max(0.0, hi)))
        downs.append((t_lo, min(0.0, lo)))
        if sure:  # by its latest minute it has surely happened
            ups.append((t_hi, hi - max(0.0, hi)))
            downs.append((t_hi, lo - min(0.0, lo)))
    if beyond is not None and beyond.lit is not None:
        present.append(sym.Not(beyond.lit))  # unreported events beyond: unbounded
        relied_on.append(sym.Not(beyond.lit))
    first, last = a.start.lo, a.end.hi
    top = _peak(base, ups, first, last, max)
    bottom = _peak(base, downs, first, last, min)
    keeps = (cond.max is None or top <= cond.max) and (cond.min is None or bottom >= cond.min)
    if keeps:
        if all(isinstance(x, z3.BoolRef) for x in relied_on):
            a.settled = [x for x in relied_on if isinstance(x, z3.BoolRef)]
        return sym.Implies(sym.And(*relied_on), a.lit)
    inner_first, inner_last = a.start.hi, a.end.lo
    if inner_first > inner_last:
        return None
    low_top = _peak(base, ups, inner_first, inner_last, min)
    high_bottom = _peak(base, downs, inner_first, inner_last, max)
    if (cond.max is not None and high_bottom > cond.max) or (
        cond.min is not None and low_top < cond.min
    ):
        return sym.Implies(sym.And(*present), sym.Not(a.lit))
    return None


def breach_candidate(a: Always, tau: Time, from_changes: int) -> list[z3.BoolRef]:
    """A world in which the counter leaves its bounds, if the bounds say one may:
    at the minute where the upper bound peaks above the maximum, every change that
    can only raise the counter at its earliest minute and every one that can only
    lower it at its latest (the reverse for a minimum). With thousands of changes in
    uncertain order, the solver's own search for such a world can take minutes;
    checking one takes a fraction of a second. Only a hint: `Session.check` asks
    the question in full when this world is not one of the scenario's. Offered for
    counters of at least `from_changes` changes."""
    tl, cond = a.tl, a.cond
    if not isinstance(tl.initial, int) or isinstance(tau.e, int) or len(tl.changes) < from_changes:
        return []
    if any(c.delta_range[0] is None or c.delta_range[1] is None for c in tl.changes):
        return _unreported_breach(a, tau)
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


def _unreported_breach(a: Always, tau: Time) -> list[z3.BoolRef]:
    """In an open world: a world in which one unreported change planned at any minute
    (not per point: questions are first asked without those) moves the counter past a
    bound by itself, at the last minute it and the window allow: the fewest reports
    then come after it and have to be explained again (at 1,000 reports the troop
    cap's question took 8.9 s with the change at the window's first minute, 3.9 s at
    its last). Its size is free, so the solver has only to find one; from the reported
    changes' ranges alone no world is pointed to, as the unreported changes have no
    range."""
    tl, cond = a.tl, a.cond
    world = tl.world
    for sign, bound in ((1, cond.max), (-1, cond.min)):
        if bound is None:
            continue
        toward = tl.owner.kinds_of(tl.state.add if sign > 0 else tl.state.subtract)
        away = tl.owner.kinds_of(tl.state.subtract if sign > 0 else tl.state.add)
        for c in tl.changes:
            s = c.slot
            unbounded = c.delta_range[1] is None if sign > 0 else c.delta_range[0] is None
            if not s.phantom or s.per_point or not unbounded:
                continue
            kinds = [k for k in sorted(s.kind.dom) if world.index.name("kind", k) in toward - away]
            minute = min(a.end.hi, tau.hi, s.t.hi)
            if not kinds or minute < max(a.start.lo, tau.lo, s.t.lo):
                continue
            hint = [sym.int_eq(tau.e, minute), s.exists, sym.int_eq(s.t.e, minute)]
            if not isinstance(s.kind.e, int):  # (one kind: nothing to choose)
                hint.append(sym.int_eq(s.kind.e, kinds[0]))
            return [h for h in hint if isinstance(h, z3.BoolRef)]
    return []


def _peak(
    base: int,
    steps: list[tuple[int, float]],
    first: int,
    last: int,
    pick: Callable[[float, float], float],
) -> float:
    """The greatest (or least, with `pick` min) value over [first, last] of the step
    function `base` + the sum of the steps that start at or before the minute."""
    return _extreme(base, steps, first, last, pick is min)[0]


def _toward(c: Change, sign: int) -> tuple[float, float]:
    """The range of a change's delta in the direction that breaks a maximum (sign 1)
    or a minimum (sign -1)."""
    lo, hi = c.delta_range
    assert lo is not None and hi is not None
    return (lo, hi) if sign > 0 else (-hi, -lo)


def _peak_at(base: int, steps: list[tuple[int, float]], first: int, last: int) -> tuple[float, int]:
    """The greatest value over [first, last] of the step function `base` + the sum of
    the steps that start at or before the minute, and the first minute it is reached."""
    return _extreme(base, steps, first, last, False)


def _extreme(
    base: int, steps: list[tuple[int, float]], first: int, last: int, least: bool
) -> tuple[float, int]:
    """The greatest (`least`: the least) value over [first, last] of the step function
    `base` + the sum of the steps that start at or before the minute, and the first
    minute it is reached."""
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
        if (value < best) if least else (value > best):
            best, at = value, minute
    return best, at
