"""Stage 4: folding constructors over Python constants and Z3 terms.

Every formula is built through these helpers so that whatever is known
statically (exact times, fixed actors) folds to a Python constant and never
reaches the solver; only genuine uncertainty becomes a Z3 term. Time values
carry bounds so comparisons fold when the ranges decide them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import z3
from z3 import z3core

from checker.records import record
from checker.z3raw import (
    UNKNOWN,
    BoolTerm,
    IntTerm,
    app_arg,
    app_decl,
    ast_kind,
    bool_term,
    decl_kind,
    int_sort,
    int_term,
    raw,
)
from checker.z3raw import bool_var as bool_var  # (the compiler's constants, with int_var)
from checker.z3raw import int_var as int_var

Bool: TypeAlias = bool | z3.BoolRef
Arith: TypeAlias = int | float | z3.ArithRef

# Terms are made through Z3's C API directly: the Python wrappers (z3.And, z3.If, ...)
# re-check and coerce every argument, which made building the encoding cost more
# than solving it. Only well-sorted Bool and Int terms take these paths.


# Hot constructors call the ctypes functions behind z3core's wrappers: each wrapper
# asks Z3 for its error code after the call, and z3.BoolRef(...) does again for the
# reference count, which doubled the cost of every term of a large encoding. These
# calls cannot fail on the well-sorted terms made here.


_mk_and = raw(z3core.Z3_mk_and)
_mk_or = raw(z3core.Z3_mk_or)
_mk_not = raw(z3core.Z3_mk_not)
_mk_ite = raw(z3core.Z3_mk_ite)
_mk_add = raw(z3core.Z3_mk_add)
_mk_le = raw(z3core.Z3_mk_le)
_mk_lt = raw(z3core.Z3_mk_lt)
_mk_eq = raw(z3core.Z3_mk_eq)
_mk_int64 = raw(z3core.Z3_mk_int64)
_get_sort = raw(z3core.Z3_get_sort)
_sort_kind = raw(z3core.Z3_get_sort_kind)
_INT_SORT = z3.Z3_INT_SORT
_APP = z3.Z3_APP_AST
_OP_NOT = z3.Z3_OP_NOT


_PAIR = z3.Ast * 2


def _array(terms: list[z3.ExprRef]) -> tuple[int, object]:
    if len(terms) == 2:  # most conjunctions and disjunctions made here
        first, second = terms
        return 2, _PAIR(first.ast, second.ast)
    arr = (z3.Ast * len(terms))()
    for i, t in enumerate(terms):
        arr[i] = t.ast
    return len(terms), arr


def _is_int(x: object) -> bool:
    if type(x) is IntTerm:
        return True
    if not isinstance(x, z3.ArithRef):
        return False
    c = x.ctx.ctx
    return bool(_sort_kind(c, _get_sort(c, x.ast)) == _INT_SORT)


def _int(x: int | z3.ArithRef, ctx: z3.Context) -> z3.ArithRef:
    """A whole number as a term of `ctx`, made once per context and value (the cache
    lives on the context, and goes with it)."""
    if not isinstance(x, int):
        return x
    cache: dict[int, z3.ArithRef] | None = getattr(ctx, "_checker_ints", None)
    if cache is None:
        cache = {}
        ctx._checker_ints = cache
    got = cache.get(x)
    if got is None:
        got = cache[x] = int_term(_mk_int64(ctx.ctx, x, int_sort(ctx).ast), ctx)
    return got


def is_const(x: object) -> bool:
    return isinstance(x, bool | int | float)


def And(*xs: Bool) -> Bool:
    terms: list[z3.BoolRef] = []
    for x in xs:
        if x is False:
            return False
        if x is True:
            continue
        terms.append(x)
    if not terms:
        return True
    if len(terms) == 1:
        return terms[0]
    ctx = terms[0].ctx
    n, arr = _array(terms)
    return bool_term(_mk_and(ctx.ctx, n, arr), ctx)


def all_of(xs: Iterable[Bool]) -> Bool:
    return And(*xs)


def Or(*xs: Bool) -> Bool:
    terms: list[z3.BoolRef] = []
    for x in xs:
        if x is True:
            return True
        if x is False:
            continue
        terms.append(x)
    if not terms:
        return False
    if len(terms) == 1:
        return terms[0]
    ctx = terms[0].ctx
    n, arr = _array(terms)
    return bool_term(_mk_or(ctx.ctx, n, arr), ctx)


def any_of(xs: Iterable[Bool]) -> Bool:
    return Or(*xs)


def Not(x: Bool) -> Bool:
    if isinstance(x, bool):
        return not x
    ctx = x.ctx
    c, ast = ctx.ctx, x.ast
    if type(x) is BoolTerm and x.neg is not UNKNOWN:
        if x.neg is not None:  # a term made here knows whether it is a negation
            return x.neg
    elif ast_kind(c, ast) == _APP and decl_kind(c, app_decl(c, ast)) == _OP_NOT:
        return bool_term(app_arg(c, ast, 0), ctx, UNKNOWN)
    return bool_term(_mk_not(c, ast), ctx, x)


def Implies(a: Bool, b: Bool) -> Bool:
    return Or(Not(a), b)


def Ite(c: Bool, a: object, b: object) -> object:
    if c is True:
        return a
    if c is False:
        return b
    if is_const(a) and is_const(b) and a == b and type(a) is type(b):
        return a
    if isinstance(a, z3.ExprRef) and isinstance(b, z3.ExprRef) and a.eq(b):
        return a
    ctx = c.ctx
    if isinstance(a, bool | z3.BoolRef) and isinstance(b, bool | z3.BoolRef):
        return z3.If(c, _expr(a, ctx), _expr(b, ctx))
    if (isinstance(a, int) or _is_int(a)) and (isinstance(b, int) or _is_int(b)):
        ta, tb = _int(a, ctx), _int(b, ctx)
        return int_term(_mk_ite(ctx.ctx, c.ast, ta.ast, tb.ast), ctx)
    return z3.If(c, _expr(a, ctx), _expr(b, ctx))


def ctx_of(*xs: object) -> z3.Context | None:
    """The context of the first solver term among `xs` (None: all are constants)."""
    for x in xs:
        if isinstance(x, z3.ExprRef):
            return x.ctx
    return None


def _expr(x: object, ctx: z3.Context | None = None) -> z3.ExprRef:
    """A constant as a solver term of `ctx`; a solver term as it is."""
    if isinstance(x, bool):
        return z3.BoolVal(x, ctx)
    if isinstance(x, int):
        return z3.IntVal(x, ctx)
    if isinstance(x, float):
        return z3.RealVal(x, ctx)
    assert isinstance(x, z3.ExprRef)
    return x


def Sum(xs: Iterable[Arith]) -> Arith:
    const: int | float = 0
    terms: list[z3.ArithRef] = []
    for x in xs:
        if isinstance(x, int | float):
            const += x
        else:
            terms.append(x)
    if not terms:
        return const
    if isinstance(const, int) and all(_is_int(t) for t in terms):
        ctx = terms[0].ctx
        if const:
            terms.append(_int(const, ctx))
        if len(terms) == 1:
            return terms[0]
        n, arr = _array(terms)
        return int_term(_mk_add(ctx.ctx, n, arr), ctx)
    total = terms[0] if len(terms) == 1 else z3.Sum(*terms)
    return total + const if const else total


def _cmp(fn: object, a: object, b: object) -> z3.BoolRef | None:
    """a OP b through the C API when both are whole numbers; None otherwise."""
    if (isinstance(a, int) or _is_int(a)) and (isinstance(b, int) or _is_int(b)):
        if isinstance(a, bool) or isinstance(b, bool):
            return None
        ctx = ctx_of(a, b)
        assert ctx is not None
        ta, tb = _int(a, ctx), _int(b, ctx)
        return bool_term(fn(ctx.ctx, ta.ast, tb.ast), ctx)  # type: ignore[operator]
    return None


def _int_cmp(fn: object, a: int | z3.ArithRef, b: int | z3.ArithRef) -> z3.BoolRef:
    """a OP b for terms known to be whole numbers (times, codes): no sort checks."""
    ctx = a.ctx if isinstance(a, z3.ExprRef) else b.ctx  # type: ignore[union-attr]
    ta = a.ast if isinstance(a, z3.ExprRef) else _int(a, ctx).ast
    tb = b.ast if isinstance(b, z3.ExprRef) else _int(b, ctx).ast
    return bool_term(fn(ctx.ctx, ta, tb), ctx)  # type: ignore[operator]


def int_le(a: int | z3.ArithRef, b: int | z3.ArithRef) -> z3.BoolRef:
    """a <= b for whole-number terms (no folding, no sort checks)."""
    return _int_cmp(_mk_le, a, b)


def int_eq(a: int | z3.ArithRef, b: int | z3.ArithRef) -> z3.BoolRef:
    """a == b for whole-number terms (no folding, no sort checks)."""
    return _int_cmp(_mk_eq, a, b)


def Le(a: Arith, b: Arith) -> Bool:
    if is_const(a) and is_const(b):
        return bool(a <= b)
    fast = _cmp(_mk_le, a, b)
    if fast is not None:
        return fast
    ctx = ctx_of(a, b)
    return _expr(a, ctx) <= _expr(b, ctx)


def Eq(a: object, b: object) -> Bool:
    if is_const(a) and is_const(b):
        return a == b
    fast = _cmp(_mk_eq, a, b)
    if fast is not None:
        return fast
    ctx = ctx_of(a, b)
    return _expr(a, ctx) == _expr(b, ctx)


@record(frozen=True)
class Time:
    """A minute: a constant, or a Z3 integer known to lie within [lo, hi]."""

    e: int | z3.ArithRef
    lo: int
    hi: int

    @staticmethod
    def const(m: int) -> Time:
        return Time(m, m, m)

    @property
    def exact(self) -> bool:
        return isinstance(self.e, int)

    def plus(self, k: int) -> Time:
        if k == 0:
            return self
        e = self.e + k if isinstance(self.e, int) else Sum([self.e, k])
        assert isinstance(e, int | z3.ArithRef)
        return Time(e, self.lo + k, self.hi + k)


def t_le(a: Time, b: Time) -> Bool:
    """a <= b, folded when the bounds decide it."""
    if a.hi <= b.lo:
        return True
    if a.lo > b.hi:
        return False
    if a.e is b.e and isinstance(a.e, z3.ExprRef):
        return True
    return _int_cmp(_mk_le, a.e, b.e)


def t_lt(a: Time, b: Time) -> Bool:
    if a.hi < b.lo:
        return True
    if a.lo >= b.hi:
        return False
    if a.e is b.e and isinstance(a.e, z3.ExprRef):
        return False
    return _int_cmp(_mk_lt, a.e, b.e)


def t_in(t: Time, lo: Time | None, hi: Time | None) -> Bool:
    """lo <= t <= hi (a None end is unbounded)."""
    return And(True if lo is None else t_le(lo, t), True if hi is None else t_le(t, hi))


@record(frozen=True)
class Cat:
    """A categorical value as an index: a constant or a Z3 integer within `dom`."""

    e: int | z3.ArithRef
    dom: frozenset[int]

    @staticmethod
    def const(i: int) -> Cat:
        return Cat(i, frozenset({i}))


def cat_in(c: Cat, allowed: frozenset[int]) -> Bool:
    """The value is one of `allowed`, folded against its domain."""
    dom = c.dom
    # (the two tests make no sets: most values are known, or wholly in or out)
    if dom.isdisjoint(allowed):
        return False
    if dom <= allowed:
        return True
    inside = dom & allowed
    outside = dom - allowed
    e = c.e
    assert isinstance(e, z3.ArithRef)
    # whichever side is smaller makes the shorter disjunction
    if len(outside) < len(inside):
        return Not(Or(*(_int_cmp(_mk_eq, e, i) for i in sorted(outside))))
    return Or(*(_int_cmp(_mk_eq, e, i) for i in sorted(inside)))


def cat_eq(a: Cat, b: Cat) -> Bool:
    common = a.dom & b.dom
    if not common:
        return False
    if len(a.dom) == 1 and len(b.dom) == 1:
        return True
    return Eq(a.e, b.e)


@record(frozen=True)
class Num:
    """A number: a constant, or a Z3 term within [lo, hi] (None: unbounded)."""

    e: int | float | z3.ArithRef
    lo: float | None
    hi: float | None


def num_in(n: Num, lo: float | None, hi: float | None) -> Bool:
    if (lo is None or (n.lo is not None and n.lo >= lo)) and (
        hi is None or (n.hi is not None and n.hi <= hi)
    ):
        return True
    if (lo is not None and n.hi is not None and n.hi < lo) or (
        hi is not None and n.lo is not None and n.lo > hi
    ):
        return False
    return And(
        True if lo is None else Le(lo, n.e),
        True if hi is None else Le(n.e, hi),
    )
