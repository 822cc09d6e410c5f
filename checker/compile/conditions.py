"""Stage 4: conditional provisions (SPEC §3.5 `if`, §4.2 `waived`).

Input: the provisions in force, compiled one by one. Output: the same, in the order
their conditions need (a provision after those its `if` tests), each with `applies`
— its condition in the world — and its formulas made effective: a world where the
condition fails keeps the provision (`breach` needs `applies`) and counts it as
fulfilled. A condition tests another provision's effective formulas, so
`{fulfilled: X}` holds where X is waived, and a provision that is not in force is
neither fulfilled nor breached.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.compile import sym
from checker.compile.provisions import Compiled, ProvisionCompiler
from checker.compile.sym import Bool
from checker.compile.timeline import Defined
from checker.compile.world import Slot
from checker.ir import (
    CondAll,
    CondHappened,
    Condition,
    CondNot,
    CondRef,
    Provision,
    condition_refs,
)
from checker.records import replace


def compile_all(
    compiler: ProvisionCompiler, provisions: tuple[Provision, ...], tick: Callable[[], None]
) -> list[Compiled]:
    """Every provision compiled, in the given order; conditions made effective."""
    done: dict[str, Compiled] = {}
    for p in _needed_first(provisions):
        tick()
        compiled = compiler.compile(p)
        if p.condition is not None:
            compiled = _conditional(compiler, compiled, p.condition, done)
        done[p.id] = compiled
    return [done[p.id] for p in provisions]


def _needed_first(provisions: tuple[Provision, ...]) -> list[Provision]:
    """The provisions ordered so that each comes after those its condition tests (the
    references form no cycle: resolution refuses one)."""
    by_id = {p.id: p for p in provisions}
    out: list[Provision] = []
    seen: set[str] = set()

    def visit(p: Provision) -> None:
        if p.id in seen:
            return
        seen.add(p.id)
        for ref in condition_refs(p.condition):
            target = by_id.get(ref.provision)
            if target is not None:
                visit(target)
        out.append(p)

    for p in provisions:
        visit(p)
    return out


def _conditional(
    compiler: ProvisionCompiler, c: Compiled, cond: Condition, done: dict[str, Compiled]
) -> Compiled:
    deps: list[Defined] = list(c.deps)
    with compiler.states.collecting() as used:
        applies = _formula(compiler, cond, done, deps)
    deps.extend(used)
    culprits = c.culprits

    def effective_culprits() -> list[tuple[Slot, Bool]]:
        return [(s, sym.And(applies, f)) for s, f in culprits()]

    return replace(
        c,
        breach=sym.And(applies, c.breach),
        fulfilled=None if c.fulfilled is None else sym.Or(sym.Not(applies), c.fulfilled),
        culprits=effective_culprits,
        deps=deps,
        applies=applies,
    )


def _formula(
    compiler: ProvisionCompiler,
    cond: Condition,
    done: dict[str, Compiled],
    deps: list[Defined],
) -> Bool:
    """The condition in a world, up to as_of."""
    if isinstance(cond, CondRef):
        target = done.get(cond.provision)
        if target is None:  # not in force: it imposes nothing, so it is kept, never met
            return cond.test == "kept"
        deps.extend(target.deps)
        if cond.test == "breached":
            return target.breach
        if cond.test == "fulfilled" and target.fulfilled is not None:
            return target.fulfilled
        return sym.Not(target.breach)
    if isinstance(cond, CondHappened):
        return _happened(compiler, cond)
    if isinstance(cond, CondNot):
        return sym.Not(_formula(compiler, cond.item, done, deps))
    parts = [_formula(compiler, item, done, deps) for item in cond.items]
    return sym.And(*parts) if isinstance(cond, CondAll) else sym.Or(*parts)


def _happened(compiler: ProvisionCompiler, cond: CondHappened) -> Bool:
    """Some event matching the MATCH within the condition's window, up to as_of."""
    span = compiler.window_of(cond.window)
    w = compiler.w
    hits = [compiler.matching(s, span, cond.match) for s in w.candidates(cond.match)]
    beyond, _ = compiler._beyond("happened", cond.match, span)
    return sym.Or(*hits, beyond)
