"""Questions asked part by part (checker/partition) answer as one solver does, and each
answer's model is a model of everything asked, however the questions follow each other.

The proofs ask hundreds of questions in a row, each with a literal or two changed, and
`Parts` keeps what it can from one call to the next (each part's literals, which parts
need asking, a merged model updated in place). These runs ask random sequences of
questions over small random worlds — literals toggled on and off, gates opened and
closed, rules added between calls, a model kept while later questions are asked — and
compare every answer with one solver over everything, and every model with the
formulas and assumptions it must satisfy."""

from __future__ import annotations

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.answers import Deadline, Sat, Unsat
from checker.compile.concrete import ModelEval
from checker.partition import Parts
from checker.partition import parts as parts_module

N = 6  # integer and Boolean constants x0.., b0..


def _world(ctx: z3.Context) -> tuple[list[z3.ArithRef], list[z3.BoolRef]]:
    xs = [z3.Int(f"x{i}", ctx) for i in range(N)]
    bs = [z3.Bool(f"b{i}", ctx) for i in range(N)]
    return xs, bs


# a rule: (kind, i, j, c) made into a formula over x_i, x_j, b_i
rules = st.tuples(
    st.sampled_from(["lt", "ne", "imp", "sum"]),
    st.integers(0, N - 1),
    st.integers(0, N - 1),
    st.integers(-2, 3),
)


def _rule(xs: list[z3.ArithRef], bs: list[z3.BoolRef], r: tuple[str, int, int, int]) -> z3.BoolRef:
    kind, i, j, c = r
    if kind == "lt":
        return xs[i] < xs[j] + c
    if kind == "ne":
        return xs[i] != c
    if kind == "imp":
        return z3.Implies(bs[i], xs[j] > c)
    return z3.And(xs[i] + xs[j] <= c, z3.Or(bs[i], xs[i] >= 0))


# a step: assume these literals (index, sign) and values (a candidate world's `x = c`),
# under these gates; maybe add a rule first, maybe close the gates' scope after
steps = st.lists(
    st.tuples(
        st.sets(st.tuples(st.integers(0, N - 1), st.booleans()), max_size=N),
        st.sets(st.tuples(st.integers(0, N - 1), st.integers(-1, 2)), max_size=2),
        st.sets(st.integers(0, 2), max_size=3),
        st.none() | rules,
        st.booleans(),  # keep this answer's model and check it again at the end
        st.integers(0, 9),  # 0: close the gates' scope after this step
    ),
    min_size=1,
    max_size=12,
)


def _holds(model: z3.ModelRef, fs: list[z3.BoolRef]) -> bool:
    return all(z3.is_true(model.eval(f, model_completion=True)) for f in fs)


@pytest.mark.parametrize("alone", [False, True], ids=["batched", "alone"])
@pytest.mark.parametrize("told", [False, True], ids=["found", "told"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rules, max_size=8), st.lists(rules, min_size=3, max_size=3), steps)
def test_parts_answer_as_one_solver(
    told: bool,
    alone: bool,
    world_rules: list[tuple[str, int, int, int]],
    gate_rules: list[tuple[str, int, int, int]],
    plan: list[tuple[set[tuple[int, bool]], set[tuple[int, int]], set[int], object, bool, int]],
) -> None:
    """`told`: each call is told which literals came and went since the last (as the
    session tells it for a `Swap`), instead of finding them. `alone`: every part is
    asked on its own, in the solver it keeps from call to call (`KeptSolvers`; small
    parts otherwise share one new solver per call)."""
    batch = parts_module.PART_BATCH
    parts_module.PART_BATCH = 0 if alone else batch
    try:
        _ask_in_turn(told, world_rules, gate_rules, plan)
    finally:
        parts_module.PART_BATCH = batch


def _ask_in_turn(
    told: bool,
    world_rules: list[tuple[str, int, int, int]],
    gate_rules: list[tuple[str, int, int, int]],
    plan: list[tuple[set[tuple[int, bool]], set[tuple[int, int]], set[int], object, bool, int]],
) -> None:
    ctx = z3.Context()
    xs, bs = _world(ctx)
    parts = Parts(ctx, Deadline(None), None, lambda said: said)
    every: list[z3.BoolRef] = []
    for r in world_rules:
        f = _rule(xs, bs, r)
        parts.add(f)
        every.append(f)
    gates: dict[int, z3.BoolRef] = {}
    gated: dict[int, z3.BoolRef] = {}

    def open_gates() -> None:
        for g, r in enumerate(gate_rules, start=1):
            gates[g] = z3.Bool(f"gate{g}_{len(every)}", ctx)
            gated[g] = _rule(xs, bs, r)
            parts.add_gated(g, gated[g])

    open_gates()
    kept: list[tuple[z3.ModelRef, list[z3.BoolRef]]] = []
    last: set[int] | None = None
    held: list[list[z3.BoolRef]] = []  # every list asked stays alive: its ids stay its own
    for lits, values, active_raw, extra, keep, close in plan:
        if extra is not None:
            f = _rule(xs, bs, extra)  # type: ignore[arg-type]
            parts.add(f)
            every.append(f)
        active = {g + 1 for g in active_raw}
        assumed = [bs[i] if sign else z3.Not(bs[i]) for i, sign in sorted(lits)]
        assumed += [xs[i] == c for i, c in sorted(values)]
        asked = [*assumed, *(gates[g] for g in sorted(active))]
        held.append(asked)
        ids = set(map(id, asked))
        step = (ids - last, last - ids) if told and last is not None else None
        got = parts.check(asked, ids, active, gates, step)
        last = ids
        one = z3.Solver(ctx=ctx)
        needed = [*every, *assumed, *(gated[g] for g in active)]
        one.add(*needed)
        expected = one.check()
        assert isinstance(got, Sat) == (expected == z3.sat)
        assert isinstance(got, Unsat) == (expected == z3.unsat)
        if isinstance(got, Sat):
            ev = got.values()  # each term read in its own part's model (the refinement's)
            assert isinstance(ev, ModelEval)
            read = [ev.bool(f) for f in needed], [ev.int(x) for x in xs], [ev.bool(b) for b in bs]
            model = got.model
            assert _holds(model, needed)
            merged = ModelEval.of_model(model)
            assert read == (
                [merged.bool(f) for f in needed],
                [merged.int(x) for x in xs],
                [merged.bool(b) for b in bs],
            )
            if keep:
                kept.append((model, needed))
        if close == 0:
            parts.scope_closed()
            open_gates()
    for model, needed in kept:  # later questions never change a model handed out
        assert _holds(model, needed)
