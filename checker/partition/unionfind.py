"""The union-find over the constants of the world's formulas: which formulas share
an unknown, and so which belong to one part (see checker/partition/__init__.py)."""

from __future__ import annotations

from collections.abc import Iterable

import z3
from z3 import z3core

from checker.z3raw import app_arg, app_decl, ast_kind, decl_kind, mk_app, raw, solver_assert

_nargs = raw(z3core.Z3_get_app_num_args)
_APP = z3.Z3_APP_AST
_NOT = z3.Z3_OP_NOT
_UNINTERPRETED = z3.Z3_OP_UNINTERPRETED
GROUND = -1  # the part of the formulas without unknowns (such as `false`)
# a group of parts joined by a question's conjuncts: its parts, conjuncts, conjuncts' ids
Group = tuple[list[int], list[z3.BoolRef], tuple[int, ...]]


class Partition:
    """Union-find over the constants of the world's formulas, and each part's formulas."""

    def __init__(self, ctx: z3.Context) -> None:
        self.ctx = ctx
        self._c = ctx.ref()
        # node (by address; the solver keeps every asserted node alive) -> an element of
        # the union-find below it (a constant's address), or GROUND when it has none
        self._rep: dict[int, int] = {}
        self._parent: dict[int, int] = {}
        self.formulas: dict[int, list[z3.BoolRef]] = {}
        self.version: dict[int, int] = {}  # bumped whenever a part gains formulas
        self._clock = 0
        self.gained: set[int] = set()  # parts that gained formulas since `take_gained`
        # constants are known by their address, which differs from run to run; every
        # order that decides which formulas share a solver call follows this number
        # (when the constant was first seen), so a scenario is asked the same calls
        # in every run and gives up, if at all, at the same point
        self._seen: dict[int, int] = {GROUND: -1}
        self.unions = 0  # parts joined so far: what was found with `find` stays true until then

    def find(self, x: int) -> int:
        parent = self._parent
        root = x
        while (up := parent.get(root)) is not None:
            root = up
        while x != root:  # path compression
            up = parent[x]
            parent[x] = root
            x = up
        return root

    def _union(self, a: int, b: int) -> int:
        """Join the parts of roots `a` and `b`; their formulas go to the surviving root."""
        if a == b:
            return a
        fa = self.formulas.get(a, [])
        fb = self.formulas.get(b, [])
        if len(fa) < len(fb):
            a, b, fa, fb = b, a, fb, fa
        self._parent[b] = a
        self.unions += 1
        fa.extend(fb)
        self.formulas[a] = fa
        self.formulas.pop(b, None)
        self.version.pop(b, None)
        self._bump(a)
        return a

    def _bump(self, root: int) -> None:
        self._clock += 1
        self.version[root] = self._clock
        self.gained.add(root)

    def take_gained(self) -> set[int]:
        """The parts that gained formulas since the last time this was asked."""
        out, self.gained = self.gained, set()
        return out

    def add(self, f: z3.BoolRef) -> None:
        """A formula of every world: its constants join one part, which gains it."""
        rep = self._walk(f.as_ast())
        root = GROUND if rep == GROUND else self.find(rep)
        self.formulas.setdefault(root, []).append(f)
        self._bump(root)

    def _walk(self, top: object) -> int:
        """The union-find element of a term, joining all constants below it (post-order,
        iterative: terms can be deeper than Python's recursion)."""
        rep_of = self._rep
        c = self._c
        key = top.value  # type: ignore[attr-defined]
        if key in rep_of:
            return rep_of[key]
        stack: list[tuple[object, list[object] | None]] = [(top, None)]
        while stack:
            node, kids = stack.pop()
            k = node.value  # type: ignore[attr-defined]
            if kids is None:
                if k in rep_of:
                    continue
                if ast_kind(c, node) != _APP:
                    rep_of[k] = GROUND  # numerals (and no quantifiers are made)
                    continue
                n = _nargs(c, node)
                if n == 0:
                    uninterpreted = decl_kind(c, app_decl(c, node)) == _UNINTERPRETED
                    rep_of[k] = k if uninterpreted else GROUND
                    if uninterpreted:
                        self._seen.setdefault(k, len(self._seen))
                    continue
                children = [app_arg(c, node, i) for i in range(n)]
                stack.append((node, children))
                stack.extend((ch, None) for ch in children if ch.value not in rep_of)
                continue
            rep = GROUND
            for ch in kids:
                r = rep_of[ch.value]  # type: ignore[attr-defined]
                if r == GROUND:
                    continue
                r = self.find(r)
                rep = r if rep == GROUND else self._union(rep, r)
            rep_of[k] = rep
        return rep_of[key]

    def touched(self, f: z3.ExprRef, note: bool = True) -> set[int]:
        """The parts a formula of a question touches, without joining them for good;
        a constant no rule of the world mentions is a part of its own. `note`: number
        such a constant as first seen (what decides the order of solver calls); a walk
        that only reads values leaves the numbering alone."""
        out: set[int] = set()
        rep_of = self._rep
        c = self._c
        seen: set[int] = set()
        stack: list[object] = [f.as_ast()]
        while stack:
            node = stack.pop()
            k = node.value  # type: ignore[attr-defined]
            if k in seen:
                continue
            seen.add(k)
            r = rep_of.get(k)
            if r is not None:
                if r != GROUND:
                    out.add(self.find(r))
                continue
            if ast_kind(c, node) != _APP:
                continue
            n = _nargs(c, node)
            if n == 0:
                if decl_kind(c, app_decl(c, node)) == _UNINTERPRETED:
                    if note:
                        self._seen.setdefault(k, len(self._seen))
                    out.add(self.find(k))
                continue
            stack.extend(app_arg(c, node, i) for i in range(n))
        return out

    def literal(self, lit: z3.BoolRef) -> tuple[int, bool] | None:
        """The constant of an assumed literal (its address) and whether it is negated;
        None for an assumption that is not a literal (a candidate world's `x = 5`)."""
        c = self._c
        ast = lit.as_ast()
        negated = decl_kind(c, app_decl(c, ast)) == _NOT
        node = app_arg(c, ast, 0) if negated else ast
        if _nargs(c, node) != 0:
            return None
        atom: int = node.value
        self._seen.setdefault(atom, len(self._seen))
        return atom, negated

    def part_of_const(self, decl: object) -> int:
        """The part of the constant `decl` names (as a model lists it): a constant no
        formula of the world mentions is a part of its own."""
        node = mk_app(self._c, decl, 0, None)  # the same node as in the formulas
        k: int = node.value
        rep = self._rep.get(k)
        return self.find(k if rep is None else rep)

    def rank(self, x: int) -> int:
        """A stable number for an element (see `_seen`)."""
        return self._seen[x]

    def groups(self, conj: list[tuple[z3.BoolRef, set[int]]]) -> tuple[list[Group], set[int]]:
        """The parts that a question's conjuncts (each with the parts it touches) join,
        for its calls only: each group's parts (in rank order), conjuncts and the
        conjuncts' ids, the groups in the order of their first part; and every part in
        a group."""
        join: dict[int, int] = {}

        def top(x: int) -> int:
            while (up := join.get(x)) is not None:
                x = up
            return x

        ranked: list[tuple[z3.BoolRef, list[int]]] = []
        for c, touched in conj:
            # a conjunct without unknowns (`false`) is a part of its own
            rs = sorted({self.find(r) for r in touched}, key=self.rank) or [GROUND]
            ranked.append((c, rs))
            first = top(rs[0])
            for r in rs[1:]:
                other = top(r)
                if other != first:
                    join[other] = first
        joined: dict[int, tuple[list[int], list[z3.BoolRef]]] = {}
        for c, rs in ranked:
            joined.setdefault(top(rs[0]), ([], []))[1].append(c)
            for r in rs:
                joined[top(r)][0].append(r)
        by_first = sorted(joined.values(), key=lambda g: min(self.rank(r) for r in g[0]))
        groups: list[Group] = [
            (sorted(set(roots), key=self.rank), cs, tuple(c.get_id() for c in cs))
            for roots, cs in by_first
        ]
        inside = {r for roots, _ in joined.values() for r in roots}
        return groups, inside

    def assert_into(self, solver: z3.Solver, roots: Iterable[int]) -> None:
        """Assert the formulas of these parts into `solver`."""
        ref = self._c
        into = solver.solver
        for r in roots:
            for f in self.formulas.get(r, ()):
                solver_assert(ref, into, f.ast)


def conjuncts(f: z3.BoolRef) -> list[z3.BoolRef]:
    """The top-level conjuncts of `f` (each may touch other parts)."""
    out: list[z3.BoolRef] = []
    stack = [f]
    while stack:
        g = stack.pop()
        if z3.is_and(g):
            stack.extend(g.children())
        else:
            out.append(g)
    return out
