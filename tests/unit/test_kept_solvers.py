"""Which parts keep their solver from call to call (checker/partition/kept.py): a part
that gained formulas since it was last asked, within a bound on the formulas kept.
That the answers stay those of one solver is tests/property/test_parts.py's."""

from __future__ import annotations

import pytest
import z3

from checker import z3params
from checker.partition import kept as kept_module
from checker.partition.kept import KeptSolvers
from checker.partition.unionfind import Partition


def _part(world: Partition, x: z3.ArithRef, n: int) -> int:
    for i in range(n):
        world.add(x > i)
    return world.find(x.ast.value)


def _setup() -> tuple[Partition, KeptSolvers, list[z3.ArithRef]]:
    ctx = z3.Context()
    world = Partition(ctx)
    return (
        world,
        KeptSolvers(world, lambda: z3params.solver(ctx, None)),
        [z3.Int(f"x{i}", ctx) for i in range(3)],
    )


def test_a_part_asked_again_with_nothing_gained_gets_a_new_solver() -> None:
    world, kept, (x, _, _) = _setup()
    root = _part(world, x, 3)
    first = kept.solver_for(root)
    assert kept.solver_for(root) is not first


def test_a_part_that_gained_formulas_keeps_its_solver_and_gets_only_the_new_ones() -> None:
    world, kept, (x, _, _) = _setup()
    root = _part(world, x, 3)
    kept.solver_for(root)
    world.add(x > 10)  # a round of rules: the part gains a formula
    grown = kept.solver_for(root)  # a new solver, now kept
    assert len(grown.assertions()) == 4
    world.add(x > 20)
    assert kept.solver_for(root) is grown
    assert len(grown.assertions()) == 5  # the gained formula alone was added


def test_the_least_recently_asked_is_let_go_past_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kept_module, "KEPT_FORMULAS", 5)
    world, kept, (x, y, _) = _setup()
    solvers = []
    for v in (x, y):
        root = _part(world, v, 2)
        kept.solver_for(root)
        world.add(v > 10)
        solvers.append((root, v, kept.solver_for(root)))  # 3 formulas each, kept
    (rx, _, sx), (ry, _, sy) = solvers
    world.add(y > 20)
    assert kept.solver_for(ry) is sy  # y's part: the most recently asked, kept
    world.add(x > 20)
    assert kept.solver_for(rx) is not sx  # x's part was let go when y's passed the bound
