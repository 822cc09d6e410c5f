"""The solver session's scopes (checker/solver.py): what is asserted in a scope goes with
it, so the next provision's questions never carry it."""

from __future__ import annotations

import pytest
import z3

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
