"""The solver session's scopes (checker/solver.py): what is asserted in a scope goes with
it, so the next provision's questions never carry it."""

from __future__ import annotations

import pytest
import z3

from checker.answers import Swap
from checker.solver import Session


@pytest.mark.parametrize("partition", [False, True])
def test_facts_held_in_a_scope_go_with_it(partition: bool) -> None:
    # `hold` asserts literals that every question of the scope assumes anyway (the
    # reports, while a provision's responsible parties are asked): within the scope a
    # question that assumes them answers as before; after it they are free again.
    ctx = z3.Context()
    s = Session(ctx, partition=partition)
    a, b = z3.Bool("a", ctx), z3.Bool("b", ctx)
    s.add([z3.Or(s.negation(a), b)])
    s.push()
    s.hold([a])
    assert s.sat([a, b])
    assert not s.sat([a, s.negation(b)])
    s.pop()
    assert s.sat([s.negation(a), s.negation(b)])
    s.close()


def test_facts_are_held_only_in_a_scope() -> None:
    # outside a scope a fact would outlive the provision whose questions assume it
    ctx = z3.Context()
    s = Session(ctx)
    with pytest.raises(AssertionError, match="belong in a scope"):
        s.hold([z3.Bool("a", ctx)])
    s.close()


def test_a_question_that_does_not_assume_the_facts_is_refused() -> None:
    # Held facts answer only questions that assume them; any other question in the scope
    # would be answered about the wrong worlds, so it is a programming error.
    ctx = z3.Context()
    s = Session(ctx)
    a, b = z3.Bool("a", ctx), z3.Bool("b", ctx)
    s.push()
    s.hold([a])
    with pytest.raises(AssertionError, match="does not assume its facts"):
        s.sat([b])
    s.pop()
    assert s.sat([b])
    s.close()


@pytest.mark.parametrize("partition", [False, True])
def test_a_question_told_as_a_swap_is_answered_as_its_literals_say(partition: bool) -> None:
    # The proofs ask "report i alone, every other absent" for one report after another
    # and say which literals came and went (`Swap`); the session then updates the last
    # question's ids instead of finding them. Rules: at most one of a, b, c, and `a`
    # needs `d`. Each answer must be that of the literals the list holds, whether the
    # swap's base is the list asked last (told) or not (found again).
    ctx = z3.Context()
    s = Session(ctx, partition=partition)
    a, b, c, d = (z3.Bool(n, ctx) for n in "abcd")
    s.add([z3.AtMost(a, b, c, 1), z3.Or(s.negation(a), d)])
    na, nb, nc, nd = (s.negation(x) for x in (a, b, c, d))
    first = [na, nb, nc, nd]
    assert s.sat(first)
    second = Swap([a, nb, nc, nd], first, [a], [na])  # a needs d, which is out: impossible
    assert not s.sat(second)
    third = Swap([na, b, nc, nd], second, [na, b], [a, nb])  # b alone: possible
    assert s.sat(third)
    stale = Swap([a, b, nc, d], second, [b, d], [nb, nd])  # `second` is not the last
    assert not s.sat(stale)  # a and b both: at most one may hold
    fourth = Swap([na, nb, c, d], stale, [na, nb, c], [a, b, nc])
    assert s.sat(fourth)
    s.close()


def test_facts_hold_for_a_block_and_what_is_asserted_inside_stays() -> None:
    # `facts` holds literals for a block of questions (an open world asked without its
    # per-point unreported changes): inside, `a` (which needs `b`) is impossible with
    # `b` false; after, it is possible again. A rule asserted inside (`a` needs `c`)
    # outlives the block, and a model taken inside stays readable.
    ctx = z3.Context()
    s = Session(ctx)
    a, b, c = z3.Bool("a", ctx), z3.Bool("b", ctx), z3.Bool("c", ctx)
    s.add([z3.Or(s.negation(a), b)])
    with s.facts([s.negation(b)]):
        assert not s.sat([a])
        with s.facts([s.negation(b)]):  # the same facts again: already held
            assert not s.sat([a])
        s.add_one(z3.Or(s.negation(a), c))
        assert s.sat([s.negation(a)])
        model = s.last_model()
    assert z3.is_false(model.eval(b, model_completion=True))
    assert s.sat([a])
    assert not s.sat([a, s.negation(c)])
    s.close()


def test_other_facts_inside_facts_and_facts_of_parts_are_refused() -> None:
    # Nested facts that differ would go with the inner block's end in Z3 but not in the
    # session's books; a world asked part by part has no one solver to hold them in.
    ctx = z3.Context()
    s = Session(ctx)
    a, b = z3.Bool("a", ctx), z3.Bool("b", ctx)
    with s.facts([a]), pytest.raises(AssertionError, match="other facts"):
        with s.facts([b]):
            pass
    s.close()
    parted = Session(z3.Context(), partition=True)
    with pytest.raises(AssertionError, match="part by part"):
        with parted.facts([z3.Bool("a", parted.ctx)]):
            pass
    with parted.facts([]):  # none to hold: nothing to refuse
        pass
    parted.close()


def test_facts_are_replayed_in_their_own_scope() -> None:
    # --dump-smt2 replays the session: the facts sit in a scope of their own inside the
    # question's, and what was asserted inside is asserted again after it.
    ctx = z3.Context()
    s = Session(ctx)
    s.record = True
    a, b = z3.Bool("a", ctx), z3.Bool("b", ctx)
    s.push()
    with s.facts([s.negation(b)]):
        s.add_one(z3.Or(s.negation(a), b))
        assert not s.sat([a])
    s.pop()
    script = s.to_smt2()
    body = script[script.index("(push 1)") :]
    assert body.count("(push 1)") == 2 and body.count("(pop 1)") == 2
    assert body.count("(assert (or (not a) b))") == 3  # inside, after the facts, after the scope
    s.close()


def test_solvers_run_with_the_checkers_parameters_and_a_dump_names_them() -> None:
    # the simplex-based arithmetic (checker/z3params.py) in every solver of a session,
    # and on the first line of a dumped script, for the z3 command to run it the same way
    from checker import z3params

    ctx = z3.Context()
    s = Session(ctx)
    s.record = True
    assert z3params.PARAMS == (("smt.arith.solver", 2),)
    assert z3.get_param("smt.arith.solver") == "2"
    x = z3.Int("x", ctx)
    s.add([x > 3])
    assert s.sat([])
    script = s.to_smt2()
    assert script.splitlines()[0] == "; z3 parameters: smt.arith.solver=2"
    assert script.splitlines()[1] == "(set-logic ALL)"
    s.close()
