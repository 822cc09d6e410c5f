"""The ctypes functions behind z3core's wrappers, for the hot paths.

Each z3core wrapper asks Z3 for its error code after the call; on a large
encoding or a walk over every node of a world that doubles the cost of each
call. The functions taken this way are only called where they cannot fail:
well-sorted terms, getters on live terms.
"""

from __future__ import annotations

from typing import Any


def raw(fn: object) -> Any:
    """The ctypes function behind a z3core wrapper (its default `_elems` argument)."""
    return fn.__defaults__[0].f  # type: ignore[attr-defined]
