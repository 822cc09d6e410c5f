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
