"""Stage 4: rules "for every change" asserted when a candidate world breaks them.

Rules that hold for every change (each `was` precondition, two changes of a key
never at one minute, a maintained condition at every change point) are
*universals*: few instances are asserted up front and the rest only when a
candidate world breaks them, which the concrete evaluation detects. Every
instance is a valid consequence of SPEC §4.1, so what the solver proves
unsatisfiable stays so; a world is accepted only when no instance fails in it,
so every satisfiable answer is a real world.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from checker.compile import sym
from checker.compile.concrete import Concrete, ModelEval, holds_value
from checker.compile.defined import Defined
from checker.compile.statekey import Always, Timeline
from checker.compile.sym import Bool, Cat

# Once a candidate world puts two changes of a key at one minute, every pair of that key
# whose windows overlap is asserted distinct, up to this many pairs. Asserted only as
# broken, the solver moved the collision to another pair each round: 100 handovers of
# one place took 27 rounds of up to a second each (465 pairs); all at once, 5. Each
# instance is one clause; past this many, a key whose windows all overlap one another
# would add a quadratic number at once, so its broken pairs alone are asserted.
ALL_PAIRS_UP_TO = 4096


class Rules(Protocol):
    """What the refinement needs of the timelines (checker/compile/timeline.py)."""

    timelines: dict[tuple[str, tuple[str, ...]], Timeline]
    always_atoms: list[Always]
    tick: Callable[[], None]

    @property
    def open(self) -> bool: ...

    def add_world(self, formula: Bool, deps: list[Defined]) -> None: ...

    def collecting(self) -> AbstractContextManager[list[Defined]]: ...

    def assert_in_gates(self, gates: set[int], deps: list[Defined], formula: Bool) -> None: ...


def pending(tls: Rules, active: set[int], assumed: set[int]) -> bool:
    """Whether some rule in play may still be broken by a candidate world, when the
    gates `active` are on and the literals (Python ids) `assumed` are true."""
    if any(tl.was_pending or tl.distinct_pending for tl in tls.timelines.values()):
        return True
    for a in tls.always_atoms:
        if not (a.pending or tls.open) or not (a.gates & active or 0 in a.gates):
            continue
        if a.settled is not None and all(id(x) in assumed for x in a.settled):
            continue  # the counter's bounds keep it whenever these reports are believed
        return True
    return False


def refine(tls: Rules, ev: ModelEval, active: set[int]) -> int:
    """Assert the instances of universals that the candidate world read by `ev` breaks;
    the number asserted (0: the world is one of SPEC §4.1 for every rule in play)."""
    added = 0
    concrete: dict[int, Concrete] = {}

    def timeline_of(tl: Timeline) -> Concrete:
        got = concrete.get(id(tl))
        if got is None:
            got = concrete[id(tl)] = Concrete(tl, ev)
        return got

    for tl in tls.timelines.values():
        if not (tl.was_pending or tl.distinct_pending):
            continue
        tls.tick()
        cc = timeline_of(tl)
        broken = [
            (a, b)
            for a, b in tl.distinct_pending
            if cc.occurs(a) and cc.occurs(b) and cc.time(a) == cc.time(b)
        ]
        if broken and len(tl.distinct_pending) <= ALL_PAIRS_UP_TO:
            broken, tl.distinct_pending = tl.distinct_pending, []
        elif broken:
            for pair in broken:
                tl.distinct_pending.remove(pair)
        for a, b in broken:
            tls.add_world(tl.distinct_instance(a, b), [])
            added += 1
        if broken:
            continue  # the order is not a world's yet: judge `was` on the next model
        for c in list(tl.was_pending):
            if not cc.occurs(c) or cc.was_holds(c):
                continue
            tl.was_pending.remove(c)
            with tls.collecting() as deps:
                f = tl.was_instance(c)
            tls.add_world(f, deps)
            added += 1
    for atom in tls.always_atoms:
        if not (atom.pending or tls.open) or not (atom.gates & active or 0 in atom.gates):
            continue
        if not ev.bool(atom.lit) or (
            atom.settled is not None and all(ev.bool(x) for x in atom.settled)
        ):
            continue  # (the counter's bounds keep it when those reports are believed)
        tls.tick()
        cc = timeline_of(atom.tl)
        start, end = ev.int(atom.start.e), ev.int(atom.end.e)
        if tls.open:
            added += _refine_points(tls, atom, ev, active, start, end)
        for c in list(atom.pending):
            if not cc.occurs(c) or not start < cc.time(c) <= end:
                continue
            if cc.holds_after(atom.cond, cc.time(c)):
                continue
            atom.pending.remove(c)
            with tls.collecting() as deps:
                f = atom.tl.always_instance(atom, c)
            tls.assert_in_gates(atom.gates, deps, f)
            added += 1
    return added


def _refine_points(
    tls: Rules, atom: Always, ev: ModelEval, active: set[int], start: int, end: int
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
        tls.assert_in_gates(atom.gates, [q], f)
        added += 1
    return added
