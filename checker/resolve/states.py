"""Stage 3: state definitions (SPEC §3.3) and initial values, in terms and scenarios.

Input: the terms files and their `Lexicon`. Output: `StateDef`s (counters with
their `add`/`subtract` rules, categorical states with `set_by`) and the
initial values per key. Each problem is a diagnostic at the key that has it.
"""

from __future__ import annotations

from typing import Any

from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import OTHER, FieldType, InitialValue, StateDef, Uncertain
from checker.models.common import Bounds, OneOf
from checker.resolve.common import Where
from checker.resolve.files import TermsSource, definitions
from checker.resolve.match import Lexicon

Initial = dict[str, dict[tuple[str, ...], InitialValue]]


def resolve_states(
    files: list[TermsSource], lex: Lexicon, diags: Diagnostics
) -> dict[str, StateDef]:
    out: dict[str, StateDef] = {}
    for f, name, sm in definitions(files, "states"):
        at = f.at("states", name)
        of = tuple(sm.of) if isinstance(sm.of, list) else (sm.of,)
        if of not in (("place",), ("actor",), ("actor", "place")):
            diags.add(
                "R210",
                (at / "of").span,
                message="`of` is `place`, `actor` or `[actor, place]`",
            )
            continue
        value = (
            FieldType("enum", tuple(sm.value))
            if isinstance(sm.value, list)
            else FieldType(sm.value)
        )
        sdef = StateDef(name, of, value, {}, {}, {}, at.key_span)
        if value.kind == "int":
            if sm.set_by:
                diags.add(
                    "R210",
                    (at / "set_by").key_span,
                    message="a counter (`value: int`) is changed by `add`/`subtract`, not `set_by`",
                )
            add = _counter_rules(lex, sm.add, at / "add", diags)
            sub = _counter_rules(lex, sm.subtract, at / "subtract", diags)
            sdef = StateDef(name, of, value, {}, add, sub, at.key_span)
        else:
            if sm.add or sm.subtract:
                diags.add(
                    "R210",
                    at.key_span,
                    message="a categorical state is changed by `set_by`, not `add`/`subtract`",
                )
            if of == ("actor", "place"):
                diags.add(
                    "R210",
                    (at / "of").span,
                    message="a categorical state is kept per `place` or per `actor`",
                )
            sdef = StateDef(
                name,
                of,
                value,
                _set_by(lex, sdef, sm.set_by, at / "set_by", diags),
                {},
                {},
                at.key_span,
            )
        out[name] = sdef
    return out


def _kind_id(lex: Lexicon, name: str, where: Where, diags: Diagnostics) -> str | None:
    return lex.kind_names.lookup(name, where.key_span, diags)


def _counter_rules(
    lex: Lexicon, rules: dict[str, str], at: Where, diags: Diagnostics
) -> dict[str, str]:
    out: dict[str, str] = {}
    for kname, fname in rules.items():
        kid = _kind_id(lex, kname, at / kname, diags)
        if kid is None:
            continue
        ft = lex.kind_defs[kid].fields.get(fname)
        if ft is None:
            diags.add(
                "R204",
                (at / kname).span,
                hint=did_you_mean(fname, lex.kind_defs[kid].fields),
                kind=kid,
                field=fname,
            )
            continue
        if ft.kind not in ("int", "number"):
            diags.add(
                "R210", (at / kname).span, message=f"field `{fname}` of `{kid}` is not a number"
            )
            continue
        out[kid] = fname
    return out


def _set_by(
    lex: Lexicon, sdef: StateDef, rules: dict[str, Any], at: Where, diags: Diagnostics
) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for kname, rule in rules.items():
        where = at / kname
        kid = _kind_id(lex, kname, where, diags)
        if kid is None:
            continue
        to, was = (rule, None) if isinstance(rule, str) else (rule.to, rule.was)
        fields = lex.kind_defs[kid].fields
        ok = True
        for role, fname in (("to", to), ("was", was)):
            if fname is None or fname == "actor" and sdef.value.kind == "actor":
                continue
            if fname == "place" and sdef.value.kind == "place":
                continue
            spot = where if isinstance(rule, str) else where / role
            ft = fields.get(fname)
            if ft is None:
                diags.add(
                    "R204", spot.span, hint=did_you_mean(fname, fields), kind=kid, field=fname
                )
                ok = False
            elif ft.kind != sdef.value.kind or ft.words != sdef.value.words:
                diags.add(
                    "R210",
                    spot.span,
                    message=f"field `{fname}` of `{kid}` is {ft.describe()}, but state `{sdef.name}` holds {sdef.value.describe()}",
                )
                ok = False
        if ok:
            out[kid] = (to, was)
    return out


def terms_initial(files: list[TermsSource], lex: Lexicon, diags: Diagnostics) -> Initial:
    """The `initial` values of every file; the main file's win."""
    out: Initial = {}
    for f in reversed(files):
        for name, values in f.model.initial.items():
            merged = resolve_initial(lex, name, values, f.at("initial", name), diags)
            out.setdefault(name, {}).update(merged)
    return out


def resolve_initial(
    lex: Lexicon, name: str, values: Any, at: Where, diags: Diagnostics
) -> dict[tuple[str, ...], InitialValue]:
    """One state's initial values (terms or scenario `initial:`) -> key tuple -> value."""
    sdef = lex.states.get(name)
    out: dict[tuple[str, ...], InitialValue] = {}
    if sdef is None:
        diags.add("R201", at.key_span, hint=did_you_mean(name, lex.states), what="state", name=name)
        return out
    items: list[tuple[Any, Any, Where]] = []
    if isinstance(values, list):
        for i, entry in enumerate(values):
            items.append(([entry.actor, entry.place], entry.value, at / i))
    else:
        items = [(k, v, at / k) for k, v in values.items()]
    for raw_key, raw_value, where in items:
        parts = raw_key if isinstance(raw_key, list) else [raw_key]
        if len(parts) != len(sdef.of):
            diags.add(
                "S103",
                where.key_span,
                message=f"state `{name}` is kept per {' and '.join(sdef.of)}",
            )
            continue
        key = [
            lex.names_for(w).lookup(p, where.key_span, diags)
            for w, p in zip(sdef.of, parts, strict=True)
        ]
        if any(k is None for k in key):
            continue
        value = _initial_value(lex, sdef, raw_value, where, diags)
        if value is not None:
            out[tuple(k for k in key if k is not None)] = value
    return out


def _initial_value(
    lex: Lexicon, sdef: StateDef, raw: Any, where: Where, diags: Diagnostics
) -> InitialValue | None:
    """A value, or an uncertain one: `{min, max}` for a counter (SPEC §3.3: each world
    picks one value within it; `min` defaults to 0), `{one_of: [...]}` or `unknown` for a
    categorical state."""
    if sdef.is_counter:
        if isinstance(raw, Bounds):
            lo, hi = raw.min, raw.max
            for side, v in (("min", lo), ("max", hi)):
                if v is not None and (isinstance(v, bool) or v != int(v)):
                    diags.add(
                        "S103",
                        (where / side).span,
                        message=f"state `{sdef.name}` is a whole number",
                    )
                    return None
            low = 0 if lo is None else int(lo)
            if hi is not None and low > hi:
                diags.add("T303", where.span, detail=f"min {low} > max {int(hi)}")
                return None
            if hi is not None and low == hi:
                return low
            return Uncertain(low, None if hi is None else int(hi))
        if isinstance(raw, bool) or not isinstance(raw, int):
            diags.add(
                "S103",
                where.span,
                hint="an uncertain count is written `{min: N, max: N}`",
                message=f"state `{sdef.name}` is a whole number",
            )
            return None
        return raw
    if isinstance(raw, Bounds):
        diags.add(
            "S103",
            where.span,
            hint="an uncertain value is written `{one_of: [...]}` or `unknown`",
            message=f"state `{sdef.name}` is not a number",
        )
        return None
    if raw == "unknown":
        return Uncertain(values=_every_value(lex, sdef))
    if isinstance(raw, OneOf):
        if not raw.one_of:
            diags.add("S103", (where / "one_of").span, message="`one_of` needs at least one value")
            return None
        found = [
            _one_value(lex, sdef, v, where / "one_of" / j, diags) for j, v in enumerate(raw.one_of)
        ]
        if any(f is None for f in found):
            return None
        values = frozenset(f for f in found if f is not None)
        return next(iter(values)) if len(values) == 1 else Uncertain(values=values)
    return _one_value(lex, sdef, raw, where, diags)


def _every_value(lex: Lexicon, sdef: StateDef) -> frozenset[str]:
    if sdef.value.kind == "enum":
        return frozenset(sdef.value.words)
    return frozenset(lex.hierarchy(sdef.value.kind).ids) | {OTHER}


def _one_value(
    lex: Lexicon, sdef: StateDef, raw: Any, where: Where, diags: Diagnostics
) -> str | None:
    if sdef.value.kind == "enum":
        if str(raw) not in sdef.value.words:
            diags.add("S104", where.span, value=raw, allowed=", ".join(sdef.value.words))
            return None
        return str(raw)
    return lex.names_for(sdef.value.kind).lookup(raw, where.span, diags)
