"""A solver kept for each part of the world asked alone (checker/partition/parts.py).

A round of the world's rules (checker/compile/refine.py) adds formulas to the parts
in which a candidate world broke them, and such a part was then asked again in a new
solver given all of its formulas: 4,000 handovers over 48 districts asserted 330,851
formulas in 296 calls. Kept, a part's solver is given only the formulas the part
gained since its last call — a part's list of formulas only grows, and parts that are
joined go on in the larger one's list — and keeps what its search learnt. A part that
joined another starts a new solver when its list is no longer the one kept."""

from __future__ import annotations

from collections.abc import Callable

import z3

from checker.partition.unionfind import Partition
from checker.z3raw import solver_assert


class KeptSolvers:
    def __init__(self, world: Partition, make: Callable[[], z3.Solver]) -> None:
        self.world = world
        self._make = make
        # root -> (its solver, the part's list of formulas, how many of them it was given)
        self._kept: dict[int, tuple[z3.Solver, list[z3.BoolRef], int]] = {}

    def solver_for(self, root: int) -> z3.Solver:
        """The part's solver, given every formula the part has now."""
        formulas = self.world.formulas.get(root)
        if formulas is None:  # (no formulas: nothing to keep)
            return self._make()
        kept = self._kept.get(root)
        if kept is not None and kept[1] is formulas:
            sub, given = kept[0], kept[2]
        else:
            sub, given = self._make(), 0
        ref = self.world.ctx.ref()
        for f in formulas[given:]:
            solver_assert(ref, sub.solver, f.ast)
        self._kept[root] = (sub, formulas, len(formulas))
        return sub

    def forget_joined(self) -> None:
        """Parts were joined: let go of the solvers of parts that are no longer parts."""
        formulas = self.world.formulas
        self._kept = {r: k for r, k in self._kept.items() if formulas.get(r) is k[1]}
