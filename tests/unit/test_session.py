"""The solver session's scopes (checker/solver.py): what is asserted in a scope goes with
it, so the next provision's questions never carry it."""

from __future__ import annotations

import re

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


def test_facts_held_apart_hold_inside_the_block_and_a_second_solver_answers_outside() -> None:
    # Facts held apart (an open world's per-point unreported changes held off) sit at the
    # main solver's base level: inside `facts()`, `a` (which needs `b`) is impossible with
    # `b` false; outside, a second solver without them finds `a` possible. A rule
    # asserted inside (`a` needs `c`) holds in both, and so does a question's formula of
    # an open scope; the scope goes from both.
    ctx = z3.Context()
    s = Session(ctx)
    s.keep_world()
    a, b, c, d = (z3.Bool(n, ctx) for n in "abcd")
    s.add([z3.Or(s.negation(a), b)])
    s.hold_apart([s.negation(b)])
    with s.facts():
        assert not s.sat([a])
        with s.facts():  # again inside: the same block
            assert not s.sat([a])
        s.add_one(z3.Or(s.negation(a), c))
        assert s.sat([s.negation(a)])
        model = s.last_model()
    assert z3.is_false(model.eval(b, model_completion=True))
    assert s.sat([a])
    assert not s.sat([a, s.negation(c)])
    s.push()
    gid, gate = s.new_gate("q")
    s.assert_under(gid, gate, d)
    assert not s.sat([gate, s.negation(d)])  # the second solver, given the scope
    with s.facts():
        assert not s.sat([gate, s.negation(d)])
        assert s.sat([gate, s.negation(a)])
    s.add_one(z3.Or(s.negation(c), d))  # a rule of every world, found in the scope
    assert not s.sat([gate, c, s.negation(d)])
    s.pop()
    assert s.sat([s.negation(d)])  # the question's formula went with the scope
    assert not s.sat([c, s.negation(d)])  # the rule stayed, in both
    with s.facts():
        assert not s.sat([c, s.negation(d)])
    s.close()


def test_facts_are_held_apart_only_of_a_world_kept_from_the_start_in_one_solver() -> None:
    # The second solver is given the kept formulas: a world not kept from its first
    # formula cannot have it; facts held apart in a scope would go with it; a world asked
    # part by part has no one solver to hold them in; and one set of them at a time.
    ctx = z3.Context()
    s = Session(ctx)
    a = z3.Bool("a", ctx)
    with pytest.raises(AssertionError, match="need the world kept"):
        s.hold_apart([a])
    s.keep_world()
    with pytest.raises(AssertionError, match="kept from the start"):
        s.keep_world()
    s.push()
    with pytest.raises(AssertionError, match="hold apart once"):
        s.hold_apart([a])
    s.pop()
    s.hold_apart([a])
    with pytest.raises(AssertionError, match="hold apart once"):
        s.hold_apart([a])
    s.close()
    parted = Session(z3.Context(), partition=True)
    parted.keep_world()
    with pytest.raises(AssertionError, match="hold apart once"):
        parted.hold_apart([z3.Bool("a", parted.ctx)])
    with parted.facts():  # none held: nothing to do
        pass
    parted.close()


def test_facts_held_apart_are_replayed_as_two_solvers_questions() -> None:
    # --dump-smt2 replays the session: first the main solver's questions, the facts at
    # the base level where they were asserted; then, after `(reset-assertions)`, the
    # second solver's, without them, and without the scope none of them was asked in.
    # Z3 running the script gives the answers the session got.
    ctx = z3.Context()
    s = Session(ctx)
    s.record = True
    s.keep_world()
    a, b, c = (z3.Bool(n, ctx) for n in "abc")
    s.add([z3.Or(s.negation(a), b)])
    s.hold_apart([s.negation(b)])
    s.push()
    with s.facts():
        assert not s.sat([a])
    s.pop()
    s.push()
    gid, gate = s.new_gate("q")
    s.assert_under(gid, gate, c)
    assert s.sat([gate, a])
    s.pop()
    script = s.to_smt2()
    lines = script.splitlines()
    assert lines[1:3] == ["(set-option :global-declarations true)", "(set-logic ALL)"]
    first, second = script.split("(reset-assertions)")
    assert first.index("(assert (not b))") < first.index("(check-sat-assuming")
    assert first.count("(push 1)") == 2 and first.count("; z3: ") == 1
    assert "(assert (not b))" not in second
    assert second.count("(push 1)") == 1 and second.count("; z3: ") == 1
    said = re.findall(r"^; z3: (\w+)$", script, re.MULTILINE)
    assert said == ["unsat", "sat"]
    # (in a context of the API, whose declarations already outlive a reset, the option
    # cannot be set; the `z3` command and cvc5 read it)
    other = z3.Context()  # (held: its reference alone would let it go mid-call)
    run = script.replace(lines[1] + "\n", "").replace("; z3", ";")
    replayed = z3.Z3_eval_smtlib2_string(other.ref(), run)
    assert replayed.split() == said
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
