"""The ctypes functions behind z3core's wrappers, for the hot paths.

Each z3core wrapper asks Z3 for its error code after the call; on a large
encoding or a walk over every node of a world that doubles the cost of each
call. The functions taken this way are only called where they cannot fail:
well-sorted terms, getters on live terms.
"""

from __future__ import annotations

from typing import Any

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
