"""Stage 3: MATCH mappings, attribute values and state conditions -> IR tests.

Actors, places and kinds match through `part_of` / `is_a`, so a test holds the
set of every concrete id that matches the names written. Field tests are typed
by the kinds that declare the field.
"""

from __future__ import annotations

import math
from typing import Any

from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import (
    CatTest,
    FieldType,
    Hierarchy,
    KindDef,
    MatchIR,
    NumTest,
    StateCond,
    StateDef,
    Terms,
    Test,
)
from checker.records import record
from checker.resolve.common import Where
from checker.resolve.names import Vocabulary, expand


@record
class Lexicon:
    """The resolved vocabulary of a terms file, with name lookup."""

    actors: Hierarchy
    places: Hierarchy
    kinds: Hierarchy
    kind_defs: dict[str, KindDef]
    states: dict[str, StateDef]

    def __post_init__(self) -> None:
        self.actor_names = Vocabulary("actor", self.actors.entities)
        self.place_names = Vocabulary("place", self.places.entities)
        self.kind_names = Vocabulary("event kind", self.kinds.entities)

    @classmethod
    def of(cls, terms: Terms) -> Lexicon:
        return cls(terms.actors, terms.places, terms.kinds, terms.kind_defs, terms.states)

    def names_for(self, kind: str) -> Vocabulary:
        return {"actor": self.actor_names, "place": self.place_names}.get(kind, self.kind_names)

    def hierarchy(self, kind: str) -> Hierarchy:
        return {"actor": self.actors, "place": self.places}.get(kind, self.kinds)

    def field_type(self, name: str, kinds: frozenset[str] | None) -> FieldType | None:
        pool = sorted(kinds) if kinds is not None else sorted(self.kind_defs)
        for k in pool:
            ft = self.kind_defs[k].fields.get(name)
            if ft is not None:
                return ft
        return None

    def all_fields(self, kinds: frozenset[str] | None) -> list[str]:
        pool = sorted(kinds) if kinds is not None else sorted(self.kind_defs)
        return sorted({f for k in pool for f in self.kind_defs[k].fields})


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _split_not(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict) and set(value) == {"not"}:
        return value["not"], True
    return value, False


def resolve_names(
    lex: Lexicon, kind: str, value: Any, where: Where, diags: Diagnostics
) -> frozenset[str] | None:
    """Names (one or a list) -> the set of ids matching any of them; None on error."""
    names = lex.names_for(kind)
    ids: list[str] = []
    ok = True
    values = _as_list(value)
    for i, name in enumerate(values):
        at = where / i if isinstance(value, list) else where
        if isinstance(name, dict | list) or name is None:
            diags.add(
                "S103",
                at.span,
                message=f"expected the name of {'an' if kind == 'actor' else 'a'} {kind}",
            )
            ok = False
            continue
        found = names.lookup(name, at.span, diags)
        if found is None:
            ok = False
        else:
            ids.append(found)
    return expand(lex.hierarchy(kind), ids) if ok else None


def resolve_cat_test(
    lex: Lexicon, ft: FieldType, value: Any, where: Where, diags: Diagnostics
) -> CatTest | None:
    inner, negate = _split_not(value)
    at = where / "not" if negate else where
    if ft.kind in ("actor", "place"):
        ids = resolve_names(lex, ft.kind, inner, at, diags)
        return CatTest(ids, negate) if ids is not None else None
    words: set[str] = set()
    ok = True
    for i, w in enumerate(_as_list(inner)):
        text = str(w).lower() if isinstance(w, bool) else str(w)
        if ft.kind == "enum" and text not in ft.words:
            spot = at / i if isinstance(inner, list) else at
            diags.add(
                "S104",
                spot.span,
                hint=did_you_mean(text, ft.words),
                value=text,
                allowed=", ".join(f"`{x}`" for x in ft.words),
            )
            ok = False
        words.add(text)
    return CatTest(frozenset(words), negate) if ok else None


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def resolve_num_test(value: Any, where: Where, diags: Diagnostics) -> NumTest | None:
    inner, negate = _split_not(value)
    ranges: list[tuple[float | None, float | None]] = []
    for item in _as_list(inner):
        if isinstance(item, dict) and set(item) <= {"min", "max"} and item:
            lo, hi = item.get("min"), item.get("max")
            if not all(_finite(v) for v in (lo, hi) if v is not None):
                diags.add("S103", where.span, message=f"expected finite numbers, got `{item}`")
                return None
            if lo is not None and hi is not None and lo > hi:
                diags.add("T303", where.span, detail=f"min {lo} > max {hi}")
                return None
            ranges.append((lo, hi))
        elif _finite(item):
            ranges.append((item, item))
        else:
            diags.add(
                "S103", where.span, message=f"expected a number or {{min, max}}, got `{item}`"
            )
            return None
    return NumTest(tuple(ranges), negate)


def resolve_match(lex: Lexicon, raw: Any, where: Where, diags: Diagnostics) -> MatchIR | None:
    """A MATCH mapping -> `MatchIR`; None (with diagnostics) when any part is wrong."""
    if not isinstance(raw, dict):
        diags.add(
            "S103",
            where.span,
            message="expected a MATCH mapping (`kind`, `actor`, `place`, fields)",
        )
        return None
    ok = True
    kinds: CatTest | None = None
    if "kind" in raw:
        inner, negate = _split_not(raw["kind"])
        ids = resolve_names(
            lex, "kind", inner, where / "kind" / "not" if negate else where / "kind", diags
        )
        ok &= ids is not None
        kinds = CatTest(ids or frozenset(), negate)
    scope = None if kinds is None or kinds.negate else kinds.values
    actor = place = None
    fields: list[tuple[str, Test]] = []
    for key in sorted(raw):
        if key == "kind":
            continue
        at = where / key
        if key in ("actor", "place"):
            test = resolve_cat_test(lex, FieldType(key), raw[key], at, diags)
            ok &= test is not None
            if key == "actor":
                actor = test
            else:
                place = test
            continue
        ft = lex.field_type(key, scope)
        if ft is None:
            hint = did_you_mean(key, ["kind", "actor", "place", *lex.all_fields(scope)])
            diags.add("R204", at.key_span, hint=hint, kind=_kind_label(kinds), field=key)
            ok = False
            continue
        ftest: Test | None
        if ft.kind in ("int", "number"):
            ftest = resolve_num_test(raw[key], at, diags)
        else:
            ftest = resolve_cat_test(lex, ft, raw[key], at, diags)
        if ftest is None:
            ok = False
        else:
            fields.append((key, ftest))
    if not ok:
        return None
    return MatchIR(kinds, actor, place, tuple(fields), where.span)


def _kind_label(kinds: CatTest | None) -> str:
    if kinds is None or kinds.negate:
        return "(any)"
    return "/".join(sorted(kinds.values)[:3])


def resolve_state_cond(
    lex: Lexicon, raw: dict[str, Any], where: Where, diags: Diagnostics
) -> StateCond | None:
    """`{state, of, is}` or `{state, of, min, max}` -> `StateCond`."""
    name = str(raw.get("state"))
    sdef = lex.states.get(name)
    if sdef is None:
        diags.add(
            "R201",
            (where / "state").span,
            hint=did_you_mean(name, lex.states),
            what="state",
            name=name,
        )
        return None
    key = resolve_state_key(lex, sdef, raw.get("of"), where / "of", diags)
    if key is None:
        return None
    is_value = raw.get("is")
    lo, hi = raw.get("min"), raw.get("max")
    if sdef.is_counter:
        if isinstance(is_value, dict) and set(is_value) <= {"min", "max"}:
            lo, hi = is_value.get("min", lo), is_value.get("max", hi)
        elif is_value is not None:
            if isinstance(is_value, bool) or not isinstance(is_value, int):
                diags.add("S103", (where / "is").span, message=f"state `{name}` is a number")
                return None
            lo = hi = is_value
        if lo is None and hi is None:
            diags.add(
                "S102", where.span, hint="a counter condition needs `min`, `max` or `is`", key="min"
            )
            return None
        bounds = where / "is" if isinstance(is_value, dict) else where
        for side, v in (("min", lo), ("max", hi)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                at = bounds / side if is_value is None or isinstance(is_value, dict) else bounds
                diags.add("S103", at.span, message=f"state `{name}` is a whole number")
                return None
        if lo is not None and hi is not None and lo > hi:
            diags.add("T303", (bounds / "max").span, detail=f"min {lo} > max {hi}")
            return None
        return StateCond(name, key, None, lo, hi)
    if lo is not None or hi is not None:
        diags.add("S103", where.span, message=f"state `{name}` is not a number; use `is`")
        return None
    if is_value is None:
        diags.add("S102", where.span, key="is")
        return None
    if isinstance(is_value, dict) and set(is_value) == {"one_of"}:
        is_value = is_value["one_of"]
    test = resolve_cat_test(lex, sdef.value, is_value, where / "is", diags)
    return StateCond(name, key, test) if test is not None else None


def resolve_state_key(
    lex: Lexicon, sdef: StateDef, raw: Any, where: Where, diags: Diagnostics
) -> tuple[str, ...] | None:
    parts = _as_list(raw)
    if raw is None or len(parts) != len(sdef.of):
        shape = " and ".join(sdef.of)
        diags.add(
            "S103",
            where.span,
            message=f"state `{sdef.name}` is kept per {shape}: `of` needs {len(sdef.of)} name(s)",
        )
        return None
    key: list[str] = []
    for i, (what, name) in enumerate(zip(sdef.of, parts, strict=True)):
        found = lex.names_for(what).lookup(
            name, (where / i if isinstance(raw, list) else where).span, diags
        )
        if found is None:
            return None
        key.append(found)
    return tuple(key)
