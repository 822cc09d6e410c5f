"""Stage 3: a report's attribute values, possibly uncertain (SPEC §4) -> `ir.Attr`.

Input: a field's type and the YAML value written for it: a value, a list,
`{one_of: [...]}`, `unknown` or, for numbers, `{min, max}`. Output: the set of
concrete values (or the range) it may take. Problems are diagnostics at the
offending item.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import OTHER, Attr, BoolAttr, CatAttr, FieldType, NumAttr, TextAttr
from checker.resolve.common import Where
from checker.resolve.match import Lexicon
from checker.timeutil import show


class AttrReader:
    """Attribute values against one vocabulary."""

    def __init__(self, lex: Lexicon, diags: Diagnostics) -> None:
        self.lex = lex
        self.diags = diags

    def unknown(self, ft: FieldType) -> Attr:
        if ft.kind in ("actor", "place"):
            return CatAttr(frozenset(self.lex.hierarchy(ft.kind).ids) | {OTHER})
        if ft.kind == "enum":
            return CatAttr(frozenset(ft.words))
        if ft.kind == "int":
            return NumAttr(0, None, True)
        if ft.kind == "number":
            return NumAttr(None, None, False)
        if ft.kind == "bool":
            return BoolAttr(frozenset({True, False}))
        return TextAttr(None)

    def attr(self, ft: FieldType, raw: Any, at: Where) -> Attr | None:
        """An attribute value (possibly uncertain) -> the values it may take.

        Problems are reported at the offending value: an item of `one_of`, a side
        of `{min, max}`, or the whole value.
        """
        if raw == "unknown":
            return self.unknown(ft)
        field = str(at.path[-1])

        def bad(where: Where, value: Any, expected: str | None = None) -> None:
            self.diags.add(
                "R205",
                where.span,
                field=field,
                expected=expected or ft.describe(),
                value=show(value),
            )

        one_of = isinstance(raw, dict) and "one_of" in raw
        if one_of and (set(raw) != {"one_of"} or not isinstance(raw["one_of"], list)):
            self.diags.add(
                "S103", at.span, message="`one_of` takes a list of values, and only that"
            )
            return None
        if one_of and not raw["one_of"]:
            self.diags.add(
                "S103", (at / "one_of").span, message="`one_of` needs at least one value"
            )
            return None
        if ft.kind in ("int", "number"):
            return self.num(ft, raw, at, bad)
        options: list[Any] = raw["one_of"] if one_of else raw if isinstance(raw, list) else [raw]

        def spot(j: int) -> Where:
            return at / "one_of" / j if one_of else at / j if isinstance(raw, list) else at

        if ft.kind == "bool":
            for j, o in enumerate(options):
                if not isinstance(o, bool):
                    bad(spot(j), o)
                    return None
            return BoolAttr(frozenset(options))
        if ft.kind == "text":
            if isinstance(raw, dict | list):
                bad(at, raw, "text")
                return None
            return TextAttr(str(raw))
        values: set[str] = set()
        for j, name in enumerate(options):
            where = spot(j)
            if isinstance(name, dict | list) or name is None:
                bad(where, name)
                return None
            if ft.kind == "enum":
                if str(name) not in ft.words:
                    self.diags.add(
                        "S104",
                        where.span,
                        hint=did_you_mean(str(name), ft.words),
                        value=name,
                        allowed=", ".join(f"`{w}`" for w in ft.words),
                    )
                    return None
                values.add(str(name))
                continue
            if name == "unknown":
                values |= set(self.lex.hierarchy(ft.kind).ids) | {OTHER}
                continue
            found = self.lex.names_for(ft.kind).lookup(name, where, self.diags)
            if found is None:
                return None
            values.add(found)
        return CatAttr(frozenset(values))

    def num(
        self, ft: FieldType, raw: Any, at: Where, bad: Callable[[Where, Any], None]
    ) -> NumAttr | None:
        integer = ft.kind == "int"

        def ok(v: Any) -> bool:
            return (
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and math.isfinite(v)
                and (not integer or (v == int(v) and v >= 0))
            )

        if isinstance(raw, dict) and set(raw) <= {"min", "max"}:
            for side in ("min", "max"):
                if raw.get(side) is not None and not ok(raw[side]):
                    bad(at / side, raw[side])
                    return None
            lo, hi = raw.get("min"), raw.get("max")
        elif isinstance(raw, dict) and "one_of" in raw:
            nums = raw["one_of"]
            for j, n in enumerate(nums):
                if not ok(n):
                    bad(at / "one_of" / j, n)
                    return None
            lo, hi = min(nums), max(nums)
        elif ok(raw):
            lo = hi = raw
        else:
            bad(at, raw)
            return None
        if lo is not None and hi is not None and lo > hi:
            self.diags.add("T303", at.span, detail=f"min {lo} > max {hi}")
            return None
        if integer and lo is None:
            lo = 0
        return NumAttr(lo, hi, integer)

    # ---- world and expectations ------------------------------------------
