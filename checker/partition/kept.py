"""A solver kept for each part of the world that rounds of rules keep growing
(checker/partition/parts.py).

A round of the world's rules (checker/compile/refine.py) adds formulas to the parts
in which a candidate world broke them, and such a part was then asked again in a new
solver given all of its formulas: 4,000 handovers over 48 districts asserted 330,851
formulas in 296 calls. A part's list of formulas only grows (parts that are joined go
on in the larger one's list), so once a part has gained formulas between two calls,
its solver is kept: later calls give it only the formulas gained since, and it keeps
what its search learnt. A part asked again with nothing gained (other reports assumed)
gets a new solver as before: kept, the 51 large parts of 10,000 `mixed` reports took
no less time and 350 MB more. What is kept is bounded (`KEPT_FORMULAS`), the least
recently asked let go first: a kept solver holds about 8 KB per formula."""

from __future__ import annotations

from collections.abc import Callable

import z3

from checker.partition.unionfind import Partition
from checker.z3raw import solver_assert

# Formulas held in kept solvers at most, about 230 MB. 4,000 handovers would keep
# 53,624: with no bound 7.9 s and a peak of 746 MB, with this one 9.5 s and 539 MB,
# with 15,000 11.1 s and 403 MB, keeping none 13.3 s and 309 MB.
KEPT_FORMULAS = 30_000


class KeptSolvers:
    """The solvers kept for the world's growing parts, by root."""

    def __init__(self, world: Partition, make: Callable[[], z3.Solver]) -> None:
        self.world = world
        self._make = make
        # root -> (its solver, the part's list of formulas, how many of them it was
        # given), least recently asked first
        self._kept: dict[int, tuple[z3.Solver, list[z3.BoolRef], int]] = {}
        # root -> (the part's list of formulas, how many it had) when last asked unkept
        self._asked: dict[int, tuple[list[z3.BoolRef], int]] = {}

    def solver_for(self, root: int) -> z3.Solver:
        """A solver given every formula the part has now: its kept one, or a new one
        (kept when the part gained formulas since it was last asked)."""
        formulas = self.world.formulas.get(root)
        if formulas is None:  # (no formulas: nothing to keep)
            return self._make()
        kept = self._kept.pop(root, None)
        if kept is not None and kept[1] is formulas:
            sub, given = kept[0], kept[2]
        else:
            sub, given = self._make(), 0
        ref = self.world.ctx.ref()
        for f in formulas[given:]:
            solver_assert(ref, sub.solver, f.ast)
        last = self._asked.get(root)
        grew = last is not None and last[0] is formulas and len(formulas) > last[1]
        if given or grew:
            self._asked.pop(root, None)
            self._kept[root] = (sub, formulas, len(formulas))
            self._within_bound()
        else:
            self._asked[root] = (formulas, len(formulas))
        return sub

    def _within_bound(self) -> None:
        held = sum(given for _, _, given in self._kept.values())
        while held > KEPT_FORMULAS and len(self._kept) > 1:
            _, _, given = self._kept.pop(next(iter(self._kept)))  # the least recently asked
            held -= given

    def forget_joined(self) -> None:
        """Parts were joined: let go of what was kept of parts that are no longer parts."""
        formulas = self.world.formulas
        self._kept = {r: k for r, k in self._kept.items() if formulas.get(r) is k[1]}
        self._asked = {r: a for r, a in self._asked.items() if formulas.get(r) is a[0]}
