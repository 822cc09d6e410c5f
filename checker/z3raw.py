"""The ctypes functions behind z3core's wrappers, and light handles on terms, for the
hot paths.

Each z3core wrapper asks Z3 for its error code after the call; on a large
encoding or a walk over every node of a world that doubles the cost of each
call. The functions taken this way are only called where they cannot fail:
well-sorted terms, getters on live terms.
"""

from __future__ import annotations

from typing import Any

import z3
from z3 import z3core


def raw(fn: object) -> Any:
    """The ctypes function behind a z3core wrapper (its default `_elems` argument)."""
    return fn.__defaults__[0].f  # type: ignore[attr-defined]


# the getters of a term that the walks over formulas share (compile.sym, partition)
ast_kind = raw(z3core.Z3_get_ast_kind)
app_decl = raw(z3core.Z3_get_app_decl)
decl_kind = raw(z3core.Z3_get_decl_kind)
app_arg = raw(z3core.Z3_get_app_arg)
mk_app = raw(z3core.Z3_mk_app)  # a constant's node from its declaration (partition)
# (well-sorted terms of the solver's own context: the session's solvers and the parts')
solver_assert = raw(z3core.Z3_solver_assert)

_get_ast_id = raw(z3core.Z3_get_ast_id)
_inc_ref = raw(z3core.Z3_inc_ref)
_dec_ref = raw(z3core.Z3_dec_ref)
_mk_const = raw(z3core.Z3_mk_const)
_mk_symbol = raw(z3core.Z3_mk_string_symbol)

# a `neg` of a BoolTerm that is not known (see there)
UNKNOWN: Any = object()


class _Released:
    """Most handles an encoding makes are released while it is built or when its
    scenario is done: z3py's release goes through the checked wrapper (a second call
    into Z3 for the error code) on every one of them; these release through the raw
    call."""

    ctx: z3.Context
    ast: Any
    _id: int = -1

    def get_id(self) -> int:
        """The term's id in Z3, asked once: the same for as long as the handle holds the
        term, and the judge asks it of every report's literal in many questions."""
        i = self._id
        if i < 0:
            i = self._id = _get_ast_id(self.ctx.ctx, self.ast)
        return i

    def __del__(self) -> None:
        c = self.ctx.ctx
        if c is not None and _dec_ref is not None:
            _dec_ref(c, self.ast)


class BoolTerm(_Released, z3.BoolRef):  # type: ignore[misc]
    """A handle on a Boolean term made by the checker; `neg` is the term it negates
    (None: it is no negation; UNKNOWN: not known), so that negating it again needs no
    look at the term."""

    neg: Any = None


class IntTerm(_Released, z3.ArithRef):  # type: ignore[misc]
    """A handle on an integer term made by the checker (its sort needs no look)."""


def bool_term(ast: object, ctx: z3.Context, neg: Any = None) -> BoolTerm:
    """A new handle on the Boolean term `ast` (what z3.BoolRef(ast, ctx) makes)."""
    out: BoolTerm = BoolTerm.__new__(BoolTerm)
    out.ast = ast
    out.ctx = ctx
    if neg is not None:
        out.neg = neg
    _inc_ref(ctx.ctx, ast)
    return out


def int_term(ast: object, ctx: z3.Context) -> IntTerm:
    """A new handle on the integer term `ast` (what z3.ArithRef(ast, ctx) makes)."""
    out: IntTerm = IntTerm.__new__(IntTerm)
    out.ast = ast
    out.ctx = ctx
    _inc_ref(ctx.ctx, ast)
    return out


# The sorts are kept on the context (`Session.close` drops what the checker keeps there).
def _kept_sort(ctx: z3.Context, attr: str, make: Any) -> z3.SortRef:
    sort: z3.SortRef | None = getattr(ctx, attr, None)
    if sort is None:
        sort = make(ctx)
        setattr(ctx, attr, sort)
    return sort


def int_sort(ctx: z3.Context) -> z3.SortRef:
    """The context's integer sort, made once."""
    return _kept_sort(ctx, "_checker_int_sort", z3.IntSort)


def _const(name: str, ctx: z3.Context, sort: z3.SortRef) -> object:
    c = ctx.ctx
    return _mk_const(c, _mk_symbol(c, name.encode("utf-8")), sort.ast)


def bool_var(name: str, ctx: z3.Context) -> BoolTerm:
    """The Boolean constant `name` (what z3.Bool(name, ctx) makes)."""
    return bool_term(_const(name, ctx, _kept_sort(ctx, "_checker_bool_sort", z3.BoolSort)), ctx)


def int_var(name: str, ctx: z3.Context) -> IntTerm:
    """The integer constant `name` (what z3.Int(name, ctx) makes)."""
    return int_term(_const(name, ctx, int_sort(ctx)), ctx)
