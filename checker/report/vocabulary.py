"""Stage 6: `checker vocab` — what a scenario may say about a set of terms, as a tree.

Input: resolved `Terms`. Output: text listing the parties, then actors, places and event
kinds under their `part_of`/`is_a` parents (each with its name and aliases, kinds with
their fields, inherited ones included), states with what changes them and their initial
values, and periods as the checker reads them. Everything from the input is escaped.
"""

from __future__ import annotations

from checker.ir import FieldType, Hierarchy, StateDef, Terms, Window
from checker.ir.terms import InitialValue, Uncertain
from checker.report.provisions import describe_window
from checker.timeutil import format_instant
from checker.untrusted import shown

BUILT_IN_NOTE = (
    "every event also has kind, actor, place, date or time, id and source;\n"
    "  a kind also has the fields of the kinds it is listed under"
)


def render_vocabulary(terms: Terms) -> str:
    """The vocabulary of `terms` (its includes' too), ids first, names and aliases after."""
    head = f"{shown(terms.id)}"
    if terms.title:
        head += f": {shown(' '.join(terms.title.split()))}"
    lines = [
        head,
        f"in force {format_instant(terms.in_force, terms.zone)}; bare dates are read in"
        f" {shown(terms.zone_text)}",
        f"parties: {', '.join(terms.parties)}",
        "",
        "names: an id, its name or any alias may be written, in any case",
        "",
        "actors",
        *_tree(terms.actors, lambda _eid: ""),
        "",
        "places",
        *_tree(terms.places, lambda _eid: ""),
        "",
        f"event kinds ({BUILT_IN_NOTE})",
        *_tree(terms.kinds, lambda eid: _fields(terms, eid)),
        "",
        "states",
        *(_state(s, terms) for s in terms.states.values()),
    ]
    if terms.periods:
        lines += ["", "periods"]
        lines += [
            f"  {shown(pid)}: {describe_window(Window(during=pid), terms).split(': ', 1)[1]}"
            for pid in terms.periods
        ]
    return "\n".join(lines) + "\n"


def _tree(h: Hierarchy, extra: object) -> list[str]:
    """Each entity under its first parent (file order); other parents are named beside it."""
    describe = extra if callable(extra) else (lambda _eid: "")
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for eid, ent in h.entities.items():
        if ent.parents and ent.parents[0] in h.entities:
            children.setdefault(ent.parents[0], []).append(eid)
        else:
            roots.append(eid)
    out: list[str] = []

    def walk(eid: str, depth: int) -> None:
        ent = h.entities[eid]
        line = "  " * (depth + 1) + shown(eid)
        if ent.name:
            line += f"  {shown(ent.name)}"
        if ent.aliases:
            line += f"  (also: {', '.join(shown(a) for a in ent.aliases)})"
        if ent.extra:  # a place's own attributes (`width_km: 5`), shown as written
            line += "  {" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in ent.extra) + "}"
        if len(ent.parents) > 1:
            line += f"  [also in: {', '.join(shown(p) for p in ent.parents[1:])}]"
        more = describe(eid)
        if more:
            line += f"  {more}"
        out.append(line)
        for child in children.get(eid, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


def _fields(terms: Terms, kind: str) -> str:
    """The fields a kind declares itself; those it inherits are shown on its parents."""
    inherited: set[str] = set()
    for parent in terms.kinds.ancestors.get(kind, frozenset()) - {kind}:
        inherited |= set(terms.kind_defs[parent].fields)
    fields = {n: t for n, t in terms.kind_defs[kind].fields.items() if n not in inherited}
    if not fields:
        return ""
    return "{" + ", ".join(f"{shown(n)}: {_type(t)}" for n, t in fields.items()) + "}"


def _type(t: FieldType) -> str:
    if t.kind == "enum":
        return " | ".join(shown(w) for w in t.words)
    return t.kind


def _state(s: StateDef, terms: Terms) -> str:
    of = " and ".join(s.of)
    if s.is_counter:
        what = f"a count per {of}"
        changes = [f"+{k}.{f}" for k, f in s.add.items()]
        changes += [f"-{k}.{f}" for k, f in s.subtract.items()]
    else:
        what = f"the {_type(s.value)} of each {of}"
        changes = [
            f"{k} (new value: {to}" + (f"; before, {was}" if was else "") + ")"
            for k, (to, was) in s.set_by.items()
        ]
    line = f"  {shown(s.name)}: {what}; changed by {', '.join(changes) or 'nothing'}"
    initial = terms.initial.get(s.name, {})
    if initial:
        items = [f"{'/'.join(key)}: {_value(v)}" for key, v in initial.items()]
        line += "\n" + _wrap(f"at {format_instant(terms.in_force, terms.zone)}:", items)
    return line


def _value(v: InitialValue) -> str:
    if isinstance(v, Uncertain):
        if v.values is not None:
            return "one of " + ", ".join(sorted(v.values)) if v.values else "unknown"
        return f"{v.lo if v.lo is not None else 0}..{v.hi if v.hi is not None else ''}"
    return shown(str(v))


def _wrap(head: str, items: list[str], width: int = 92) -> str:
    """`head` and the items, comma-separated, broken between items (never inside one)."""
    lines = [" " * 6 + head]
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if len(lines[-1]) + 1 + len(piece) > width and lines[-1].strip() != head:
            lines.append(" " * 8 + piece)
        else:
            lines[-1] += " " + piece
    return "\n".join(lines)
