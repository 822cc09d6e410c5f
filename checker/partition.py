"""Stage 4: the independent parts of a large world, found from its formulas.

Reports about different places and actors often share no unknown at all: the
holders of one district and the times of its handovers never meet those of
another. One solver over all of them is exact but slow — every conflict in one
part undoes the search in the others, so 10,000 reports over many districts
took Z3 over 30 s where each district alone takes milliseconds. A conjunction
of formulas over disjoint unknowns is satisfiable exactly when each part is,
and a model of the whole is the union of the parts' models; so a question is
answered by solving each part that it or its assumptions touch, on its own.

The parts are the classes of a union-find over the uninterpreted constants of
the world's formulas (the rules of every world, asserted without a gate),
grown as formulas arrive. A question's gated formulas do not join parts for
good: each conjunct of one joins the parts it touches for that question only.
Nothing here decides what an answer is — it only decides which formulas are
handed to which solver call, so the answers are those of the one big call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import z3
from z3 import z3core

from checker.answers import Deadline, Result, Sat, Unknown, Unsat, ask
from checker.z3raw import app_arg, app_decl, ast_kind, decl_kind, raw

_nargs = raw(z3core.Z3_get_app_num_args)
_num_consts = raw(z3core.Z3_model_get_num_consts)
_const_decl = raw(z3core.Z3_model_get_const_decl)
_const_interp = raw(z3core.Z3_model_get_const_interp)
_add_interp = raw(z3core.Z3_add_const_interp)
_translate = raw(z3core.Z3_model_translate)
_model_eval = raw(z3core.Z3_model_eval)
_mk_app = raw(z3core.Z3_mk_app)
_APP = z3.Z3_APP_AST
_NOT = z3.Z3_OP_NOT
_UNINTERPRETED = z3.Z3_OP_UNINTERPRETED
GROUND = -1  # the part of the formulas without unknowns (such as `false`)
PART_BATCH = 400  # formulas of small independent parts asked in one call


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

    def touched(self, f: z3.BoolRef) -> set[int]:
        """The parts a formula of a question touches, without joining them for good;
        a constant no rule of the world mentions is a part of its own."""
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

    def rank(self, x: int) -> int:
        """A stable number for an element (see `_seen`)."""
        return self._seen[x]

    def parts(self) -> Iterator[int]:
        return iter(self.formulas)

    def assert_into(self, solver: z3.Solver, roots: Iterable[int]) -> None:
        """Assert the formulas of these parts into `solver`."""
        ref = self._c
        for r in roots:
            for f in self.formulas.get(r, ()):
                z3core.Z3_solver_assert(ref, solver.solver, f.as_ast())


# a group of parts joined by a question's conjuncts: its parts, conjuncts, conjuncts' ids
_Group = tuple[list[int], list[z3.BoolRef], tuple[int, ...]]


class Parts:
    """Questions answered part by part: the session's formulas of every world go to
    `world` (a `Partition`), each gated formula's conjuncts to `gated`; `check` asks
    one solver call per part (small parts together) and keeps what it learnt."""

    def __init__(
        self,
        ctx: z3.Context,
        deadline: Deadline,
        rlimit: int | None,
        reason: Callable[[str], str],
    ) -> None:
        self.ctx = ctx
        self.world = Partition(ctx)
        self.deadline = deadline
        self.rlimit = rlimit
        self.reason = reason  # a solver's "reason unknown", in the user's terms
        self.calls = 0
        self.gated: dict[int, list[tuple[z3.BoolRef, set[int]]]] = {}
        self.solved: dict[tuple[object, ...], z3.ModelRef] = {}  # parts known satisfiable
        self.question_solvers: dict[tuple[object, ...], z3.Solver] = {}
        self.lits: dict[int, tuple[z3.BoolRef, int, int]] = {}
        self._merged: tuple[dict[int, z3.ModelRef], z3.ModelRef] | None = None
        # the proofs ask one question after another with 10,000 reports assumed, each
        # time one report changed, under the same gates: the part of each literal and
        # what the gates' conjuncts join are found once for as long as they hold
        self._roots: dict[int, tuple[int, int]] = {}  # id of a literal -> (part, sign)
        self._roots_at = -1  # the partition's `unions` when `_roots` was filled
        self._gated_clock = 0  # bumped whenever a gate gains formulas or gates go
        self._joins: dict[tuple[object, ...], tuple[list[_Group], set[int]]] = {}
        self._outside_key: tuple[object, ...] | None = None
        self._outside_order: list[int] = []

    def add(self, f: z3.BoolRef) -> None:
        """A formula of every world."""
        self.world.add(f)

    def add_gated(self, gate: int, formula: z3.BoolRef) -> None:
        """A question's formula: each conjunct joins only the parts it touches, and only
        while the question is asked."""
        held = self.gated.setdefault(gate, [])
        self._gated_clock += 1
        for c in conjuncts(formula):
            held.append((c, self.world.touched(c)))

    def scope_closed(self) -> None:
        """The questions' formulas are gone; what is known of the world's parts stays."""
        self.gated.clear()
        self._gated_clock += 1
        self._joins.clear()
        self.solved = {k: m for k, m in self.solved.items() if not k[1]}
        self.question_solvers.clear()

    def _literal(self, a: z3.BoolRef) -> tuple[int, int]:
        """(part element, signed key) of an assumed literal, found once per literal."""
        got = self.lits.get(id(a))
        if got is None:
            known = self.world.literal(a)
            if known is not None:
                atom, negated = known
                key = atom * 2 + int(negated)
            else:  # a candidate world's `x = 5`: it belongs to the part of x
                (atom,) = self.world.touched(a)
                key = a.as_ast().value * 2
            # the literal itself is kept with its entry, so its id is never reused
            got = self.lits[id(a)] = (a, atom, key)
        return got[1], got[2]

    def check(
        self,
        assumptions: Sequence[z3.BoolRef],
        active: set[int],
        gates: dict[int, z3.BoolRef],
    ) -> Result:
        """Satisfiable exactly when every part is, each with its assumptions and the
        question's conjuncts that touch it (a conjunct touching several parts joins
        them for this call). Parts already solved under the same assumptions keep
        their models; the answer's model is the union of the parts' models."""
        p = self.world
        lits: dict[int, list[z3.BoolRef]] = {}
        signs: dict[int, list[int]] = {}
        gate_lits = {id(gates[g]) for g in active}
        if self._roots_at != p.unions:
            self._roots.clear()
            self._joins.clear()
            self._roots_at = p.unions
        found = self._roots
        for a in assumptions:
            entry = found.get(id(a))
            if entry is None:
                if id(a) in gate_lits:
                    continue
                atom, sign = self._literal(a)
                entry = found[id(a)] = (p.find(atom), sign)
            r, sign = entry
            # (no empty lists made for setdefault: 10,000 literals a call, hundreds of calls)
            held = lits.get(r)
            if held is None:
                lits[r] = [a]
                signs[r] = [sign]
            else:
                held.append(a)
                signs[r].append(sign)
        groups, inside = self._joined(active)
        todo: list[tuple[tuple[object, ...], list[int], list[z3.BoolRef]]] = []
        models: list[z3.ModelRef] = []
        for rs, cs, ids in groups:
            key: tuple[object, ...] = (
                tuple((r, p.version.get(r, 0)) for r in rs),
                ids,
                tuple(sorted(x for r in rs for x in signs.get(r, ()))),
            )
            todo.append((key, rs, cs))
        version = p.version
        solved = self.solved
        for r in self._outside(lits, inside):
            sg = signs.get(r)
            key = (
                ((r, version.get(r, 0)),),
                (),
                () if sg is None else (sg[0],) if len(sg) == 1 else tuple(sorted(sg)),
            )
            known = solved.get(key)
            if known is None:
                todo.append((key, [r], []))
            else:
                models.append(known)
        # small parts share a solver call (each call has a fixed cost); a part with a
        # question's formulas gets its own solver, kept for the scope's next calls
        batch: list[tuple[tuple[object, ...], list[int], list[z3.BoolRef]]] = []
        size = 0
        for item in todo:
            key, rs, cs = item
            n = sum(len(p.formulas.get(r, ())) for r in rs)
            if cs:
                got = self._solve_question_part(
                    key, rs, cs, [a for r in rs for a in lits.get(r, ())]
                )
            elif n >= PART_BATCH:
                got = self._solve_part([item], lits)
            else:
                batch.append(item)
                size += n
                if size < PART_BATCH:
                    continue
                got = self._solve_part(batch, lits)
                batch, size = [], 0
            if not isinstance(got, z3.ModelRef):
                return got
            models.append(got)
        if batch:
            got = self._solve_part(batch, lits)
            if not isinstance(got, z3.ModelRef):
                return got
            models.append(got)
        return Sat(None, lambda: self._merged_model(models))

    def _merged_model(self, models: list[z3.ModelRef]) -> z3.ModelRef:
        """The union of the parts' models, made from the last one made when few parts
        changed since: the proofs ask one question after another with one report
        changed, so all but one or two parts keep their models, and merging every part's
        constants again cost a third of judging 10,000 reports."""
        now = {id(m): m for m in models}
        last = self._merged
        out: z3.ModelRef | None = None
        if last is not None:
            before, merged = last
            gone = [m for k, m in before.items() if k not in now]
            new = [m for k, m in now.items() if k not in before]
            if len(gone) + len(new) <= len(now) // 2:
                out = updated_model(self.ctx, merged, gone, new)
        if out is None:
            out = merged_model(self.ctx, models)
        self._merged = (now, out)  # (holding the models keeps their ids unique)
        return out

    def _outside(self, lits: dict[int, list[z3.BoolRef]], inside: set[int]) -> list[int]:
        """Every part with formulas or assumptions that no conjunct of the question joins,
        in rank order; kept while the same parts have formulas and assumptions (the
        proofs' calls, one report changed at a time, keep them all)."""
        p = self.world
        key = (p.unions, frozenset(p.formulas), frozenset(lits), frozenset(inside))
        if self._outside_key == key:
            return self._outside_order
        order = sorted({*p.formulas, *lits} - inside, key=p.rank)
        self._outside_key, self._outside_order = key, order
        return order

    def _joined(self, active: set[int]) -> tuple[list[_Group], set[int]]:
        """The parts the conjuncts of the gates `active` join, for their calls only: each
        group's parts (in rank order), conjuncts and the conjuncts' ids, the groups in
        the order of their first part; and every part in a group. Kept while neither the
        parts nor the gates' formulas change."""
        key = (tuple(sorted(active)), self._gated_clock)
        known = self._joins.get(key)
        if known is not None:
            return known
        p = self.world
        join: dict[int, int] = {}

        def top(x: int) -> int:
            while (up := join.get(x)) is not None:
                x = up
            return x

        conj: list[tuple[z3.BoolRef, list[int]]] = []
        for g in sorted(active):
            for c, touched in self.gated.get(g, ()):
                # a conjunct without unknowns (`false`) is a part of its own
                rs = sorted({p.find(r) for r in touched}, key=p.rank) or [GROUND]
                conj.append((c, rs))
                first = top(rs[0])
                for r in rs[1:]:
                    other = top(r)
                    if other != first:
                        join[other] = first
        joined: dict[int, tuple[list[int], list[z3.BoolRef]]] = {}
        for c, rs in conj:
            joined.setdefault(top(rs[0]), ([], []))[1].append(c)
            for r in rs:
                joined[top(r)][0].append(r)
        groups: list[_Group] = [
            (sorted(set(roots), key=p.rank), cs, tuple(c.get_id() for c in cs))
            for roots, cs in sorted(joined.values(), key=lambda g: min(p.rank(r) for r in g[0]))
        ]
        inside = {r for roots, _ in joined.values() for r in roots}
        self._joins[key] = (groups, inside)
        return groups, inside

    def _new_subsolver(self) -> z3.Solver:
        sub = z3.SimpleSolver(ctx=self.ctx)
        sub.set("random_seed", 0)
        if self.rlimit:
            sub.set("rlimit", self.rlimit)
        return sub

    def _solve_part(
        self,
        items: list[tuple[tuple[object, ...], list[int], list[z3.BoolRef]]],
        lits: dict[int, list[z3.BoolRef]],
    ) -> z3.ModelRef | Unsat | Unknown:
        """One solver call for independent parts of the world; each keeps the model."""
        sub = self._new_subsolver()
        for _, rs, _ in items:
            self.world.assert_into(sub, rs)
        got = self._ask_part(sub, [a for _, rs, _ in items for r in rs for a in lits.get(r, ())])
        if isinstance(got, z3.ModelRef):
            for key, _, _ in items:
                self.solved[key] = got
        return got

    def _solve_question_part(
        self,
        key: tuple[object, ...],
        roots: list[int],
        conj: list[z3.BoolRef],
        assumed: list[z3.BoolRef],
    ) -> z3.ModelRef | Unsat | Unknown:
        """The parts a question joins, with its conjuncts: a solver kept per set of parts
        and conjuncts while the scope lasts (the proofs ask it again and again with other
        reports assumed)."""
        known = self.solved.get(key)
        if known is not None:
            return known
        held = key[:2]
        sub = self.question_solvers.get(held)
        if sub is None:
            sub = self.question_solvers[held] = self._new_subsolver()
            self.world.assert_into(sub, roots)
            for c in conj:
                z3core.Z3_solver_assert(self.ctx.ref(), sub.solver, c.as_ast())
        got = self._ask_part(sub, assumed)
        if isinstance(got, z3.ModelRef):
            self.solved[key] = got
        return got

    def _ask_part(self, sub: z3.Solver, assumed: list[z3.BoolRef]) -> z3.ModelRef | Unsat | Unknown:
        self.calls += 1
        left = self.deadline.left()
        if left is not None:
            sub.set("timeout", max(1, int(left * 1000)))
        got = ask(sub, assumed, self.deadline, self.reason)
        return got.model if isinstance(got, Sat) else got


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


def _const_decls(ref: object, m: object) -> Iterator[object]:
    """The declarations of the constants model `m` gives a value."""
    for i in range(_num_consts(ref, m)):
        yield _const_decl(ref, m, i)


def _decl_id(ref: object, decl: object) -> int:
    return int(z3core.Z3_get_ast_id(ref, z3core.Z3_func_decl_to_ast(ref, decl)))


def merged_model(ctx: z3.Context, models: list[z3.ModelRef]) -> z3.ModelRef:
    """One model with every constant of the parts' models (the parts share none)."""
    ref = ctx.ref()
    out = z3.ModelRef(z3core.Z3_mk_model(ref), ctx)
    into = out.model
    seen: set[int] = set()
    for sub in models:
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        m = sub.model
        for decl in _const_decls(ref, m):
            _add_interp(ref, into, decl, _const_interp(ref, m, decl))
    return out


def updated_model(
    ctx: z3.Context, merged: z3.ModelRef, gone: list[z3.ModelRef], new: list[z3.ModelRef]
) -> z3.ModelRef:
    """`merged_model` of the models now, from `merged` (the union of the models before):
    a copy — an earlier answer may hold `merged` — where the constants of the models
    `gone` take their value in the models `new`. A constant that no new model has is
    given the value Z3's model completion gives a constant a model lacks, so every
    evaluation with completion (the only kind made) sees what it would in a model
    merged from the start."""
    ref = ctx.ref()
    out = z3.ModelRef(_translate(ref, merged.model, ref), ctx)
    into = out.model
    given: set[int] = set()
    for sub in new:
        m = sub.model
        for decl in _const_decls(ref, m):
            _add_interp(ref, into, decl, _const_interp(ref, m, decl))
            given.add(_decl_id(ref, decl))
    empty = z3.ModelRef(z3core.Z3_mk_model(ref), ctx)
    value = (z3.Ast * 1)()
    for sub in gone:
        for decl in _const_decls(ref, sub.model):
            if _decl_id(ref, decl) in given:
                continue
            ok = _model_eval(ref, empty.model, _mk_app(ref, decl, 0, None), True, value)
            assert ok, "model completion failed"
            _add_interp(ref, into, decl, value[0])
    return out
