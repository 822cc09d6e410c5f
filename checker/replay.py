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
    """
    formulas = [f for kind, f in log if kind == "assert"]
    asked = [q for kind, q in log if kind == "check"]
    every = z3.SimpleSolver(ctx=ctx)
    for f in formulas:
        every.add(f)
    atoms = {
        id(x): x
        for assumptions, _ in asked
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
    out = [z3params.header(), "(set-logic ALL)", *declarations]
    for kind, item in log:
        if kind == "assert":
            out.append(f"(assert {item.sexpr()})")
        elif kind == "push":
            out.append("(push 1)")
        elif kind == "pop":
            out.append("(pop 1)")
        else:
            assumptions, answer = item
            out.append(f"; z3: {answer}")
            out.append(f"(check-sat-assuming ({' '.join(a.sexpr() for a in assumptions)}))")
    return "\n".join(out) + "\n"
