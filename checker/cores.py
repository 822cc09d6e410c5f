"""Stage 4: minimal unsatisfiable subsets found by satisfiable/unsatisfiable answers
alone, never by the solver's own cores, so that a proof depends on the question and
the order of its candidates, not on the encoding or on what ran before (`Session.
minimal_core` asks the questions).
"""

from __future__ import annotations

from collections.abc import Callable

import z3


class OutOfBudget(Exception):
    """The solver calls allowed for one minimal subset are spent."""


def quickxplain(
    unsat: Callable[[list[z3.BoolRef]], bool], cands: list[z3.BoolRef]
) -> list[z3.BoolRef]:
    """Junker's QuickXplain: the preferred minimal unsatisfiable subset (earlier first)."""
    if not cands or unsat([]):
        return []
    found = _qx(unsat, [], False, cands)
    order = {c.get_id(): i for i, c in enumerate(cands)}
    return sorted(found, key=lambda c: order[c.get_id()])


def _qx(
    unsat: Callable[[list[z3.BoolRef]], bool],
    background: list[z3.BoolRef],
    changed: bool,
    c: list[z3.BoolRef],
) -> list[z3.BoolRef]:
    """QuickXplain's step: the preferred minimal subset of `c` that with `background` is
    unsatisfiable. (A function of its own, not nested: a nested function that calls
    itself is a reference cycle, which kept the judge's whole session alive until
    Python's cycle collector ran.)"""
    if changed and unsat(background):
        return []
    if len(c) == 1:
        return c
    k = len(c) // 2
    c1, c2 = c[:k], c[k:]
    d2 = _qx(unsat, background + c1, bool(c1), c2)
    d1 = _qx(unsat, background + d2, bool(d2), c1)
    return d1 + d2


def shrink(
    unsat: Callable[[list[z3.BoolRef]], bool], current: list[z3.BoolRef]
) -> list[z3.BoolRef]:
    """Remove members one at a time, in order, while the rest stays unsatisfiable, until a
    whole pass removes nothing: no single removal then keeps it unsatisfiable."""
    changed = True
    while changed:
        changed = False
        i = 0
        while i < len(current):
            trial = current[:i] + current[i + 1 :]
            if unsat(trial):
                current = trial
                changed = True
            else:
                i += 1
    return current
