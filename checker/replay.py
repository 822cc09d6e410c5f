"""Stage 4: a solver session as one SMT-LIB2 script that replays it (`--dump-smt2`),
for the `z3` command and other solvers to answer the same questions.
"""

from __future__ import annotations

from typing import Any

import z3

from checker import z3params


def replay_script(ctx: z3.Context, log: list[tuple[str, Any]]) -> str:
    """The session `log` (what `Session` records with `record`) as one SMT-LIB2 script:
    each assertion, scope (`push`/`pop`) and question in the order they happened,
    each `check-sat-assuming` after a comment with Z3's answer.

    A rule of every world found inside a scope is asserted again after it, so a
    later question sees it; an earlier one did not, but an accepted model already
    satisfied it, so the answers replay as Z3 gave them.

    Facts held apart (`Session.hold_apart`) are asserted where they were, at the base
    level, and the questions asked of the main solver are replayed with them; those
    asked of the solver without them follow after `(reset-assertions)`, replayed from
    the start without the facts (a scope none of them was asked in is left out). One
    script has one assertion stack; these are two solvers' questions.
    """
    formulas = [f for kind, f in log if kind == "assert"]
    asked = [q for kind, q in log if kind == "check"]
    every = z3.SimpleSolver(ctx=ctx)
    for f in formulas:
        every.add(f)
    atoms = {
        id(x): x
        for assumptions, _, _ in asked
        for a in assumptions
        for x in [a.arg(0) if z3.is_not(a) else a]
        if z3.is_const(x)  # not a candidate world's `x = 5`
    }
    declarations = [ln for ln in every.to_smt2().splitlines() if ln.startswith("(declare-")]
    known = set(declarations)
    for atom in atoms.values():  # a literal only ever assumed is not declared yet
        line = f"(declare-fun {atom.sexpr()} () Bool)"
        if line not in known:
            known.add(line)
            declarations.append(line)
    two = any(bare for _, _, bare in asked)
    # (declarations outlive `reset-assertions` only so, in SMT-LIB 2.6; set before the logic)
    head = ["(set-option :global-declarations true)"] if two else []
    out = [z3params.header(), *head, "(set-logic ALL)", *declarations]
    out.extend(_replay(log, bare=False))
    if two:
        out.append("(reset-assertions)")
        out.extend(_replay(log, bare=True))
    return "\n".join(out) + "\n"


def _replay(log: list[tuple[str, Any]], bare: bool) -> list[str]:
    """The log as one solver saw it: the main one (`bare` False) or the one without the
    facts held apart, which was given a scope's formulas only up to its questions in
    the scope, and no scope in which it was asked none (what a scope asserted for every
    world is asserted again after it)."""
    out: list[str] = []
    scope: list[str] | None = None  # the open scope's lines (the bare solver's: held back)
    upto = 0  # how many of them it was given
    for kind, item in log:
        lines = out if scope is None else scope
        if kind == "assert":
            lines.append(f"(assert {item.sexpr()})")
        elif kind == "apart":
            if not bare:
                lines.extend(f"(assert {lit.sexpr()})" for lit in item)
        elif kind == "push":
            if bare:
                scope, upto = ["(push 1)"], 0
            else:
                out.append("(push 1)")
        elif kind == "pop":
            if scope is not None and upto:
                out.extend(scope[:upto])
                out.append("(pop 1)")
            scope = None
            if not bare:
                out.append("(pop 1)")
        else:
            assumptions, answer, of_bare = item
            if of_bare != bare:
                continue
            lines.append(f"; z3: {answer}")
            lines.append(f"(check-sat-assuming ({' '.join(a.sexpr() for a in assumptions)}))")
            if scope is not None:
                upto = len(scope)
    if scope is not None and upto:
        out.extend(scope[:upto])
    return out
