"""Stage 6: `checker new` — a commented scenario skeleton for a set of terms.

Input: resolved `Terms`, the scenario's id, the path of the terms relative to the
scenario, and its `as_of`. Output: YAML text that `checker lint` passes clean as it is
(the example reports and expectations are comments), and that still lints clean when
they are uncommented: the examples use ids of these terms, so they teach the shapes.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from checker.ir import Entity, FieldType, Hierarchy, Terms
from checker.timeutil import local_date
from checker.untrusted import shown

ID_START = re.compile(r"^[^A-Za-z]+")
ID_OTHER = re.compile(r"[^A-Za-z0-9_.-]+")


def scenario_id(stem: str) -> str:
    """An id from a file name: `[A-Za-z][A-Za-z0-9_.-]*`, `scenario` when nothing is left."""
    cleaned = ID_START.sub("", ID_OTHER.sub("-", stem)).strip("-")
    return cleaned or "scenario"


def render_skeleton(
    terms: Terms, sid: str, terms_path: str, as_of: str | None, typed: str | None = None
) -> str:
    """The skeleton of a scenario `sid` for `terms`, named `terms_path` from the scenario
    (and `typed` from where the user is, for the commands the comments suggest)."""
    start = local_date(terms.in_force, terms.zone)
    day = as_of or start.isoformat()
    party = terms.parties[0] if terms.parties else _first(terms.actors)
    place = _place(terms.places)
    lines = [
        f"# A scenario: what was reported, to be judged against the terms of {shown(terms.id)}.",
        "# Lines that start with `#` are comments; the checker ignores them.",
        "#",
        "# 1. Say what the scenario is about in `title`, and up to which day it is judged",
        "#    in `as_of`.",
        "# 2. Write each report under `reports:`. To start, remove the `# ` in front of",
        "#    `reports:` and of the example you want, then change it. Indentation matters:",
        "#    keep two spaces per level, as shown.",
        "#    This lists the ids, names and aliases you may use:",
        f"#      checker vocab {typed or terms_path}",
        "# 3. Run `check` on this file; `checker lint` checks it without judging it.",
        "# docs/reference.md describes every key; docs/tutorial.md builds one scenario.",
        "",
        "scenario:",
        f"  id: {sid}",
        "  title: One line that says what this scenario is about",
        f"  terms: {_scalar(terms_path)}  # the agreement, relative to this file",
        f"  as_of: {day}  # judged with what is known up to the end of this day",
        "  world: closed  # closed: nothing happened but what is reported; open: more may have",
        "",
        "# reports:",
        *_event_example(terms, party, place, start),
        *_absence_example(terms, place, start),
        *_state_example(terms, party, start),
        "",
        "# When the verdicts are those you expect, write them down: `check` then fails",
        "# whenever a change to the terms or to the reports changes one of them.",
        "# expect:",
        "#   verdict: consistent",
        f"#   provisions: {{{_first_provision(terms)}: complied}}  # provision id: its verdict",
    ]
    return "\n".join(lines) + "\n"


def _event_example(terms: Terms, party: str, place: str, start: date) -> list[str]:
    kind = _kind_with_fields(terms)
    lines = [
        "#   # An event: what happened (`event`: a kind), who, where, when, who said so.",
        "#   - id: first-report",
        f"#     event: {shown(kind)}",
        f"#     actor: {shown(party)}",
        f"#     place: {shown(place)}",
    ]
    for name, ft in terms.kind_defs[kind].fields.items() if kind else ():
        lines.append(f"#     {shown(name)}: {_sample(ft, terms, party, place)}  # {_type(ft)}")
    lines += [
        f"#     date: {start.isoformat()}  # a day; or a month ({start.isoformat()[:7]}),"
        f" or {{from: {start}, to: {start + timedelta(days=2)}}}",
        "#     source: {by: who reported it, published: " + start.isoformat() + "}",
    ]
    return lines


def _absence_example(terms: Terms, place: str, start: date) -> list[str]:
    kind = _broad_kind(terms.kinds)
    return [
        "#   # An absence: nothing that matches happened over the whole date window.",
        "#   - id: nothing-reported",
        f"#     none: {{kind: {shown(kind)}, place: {shown(place)}}}",
        f"#     date: {{from: {start}, to: {start + timedelta(days=5)}}}",
    ]


def _state_example(terms: Terms, party: str, start: date) -> list[str]:
    if not terms.states:
        return []
    state = next((s for s in terms.states.values() if not s.is_counter), None)
    state = state or next(iter(terms.states.values()))
    if state.of == ("actor", "place"):
        key = f"[{shown(party)}, {shown(_place(terms.places))}]"
    elif state.of == ("actor",):
        key = shown(party)
    else:
        key = shown(_place(terms.places))
    value = "min: 0" if state.is_counter else f"is: {_sample(state.value, terms, party, '')}"
    return [
        "#   # A state seen at some minute of its date.",
        "#   - id: state-seen",
        f"#     state: {shown(state.name)}",
        f"#     of: {key}",
        f"#     {value}",
        f"#     date: {start + timedelta(days=1)}",
    ]


def _sample(ft: FieldType, terms: Terms, party: str, place: str) -> str:
    if ft.kind == "actor":
        return shown(party)
    if ft.kind == "place":
        return shown(place or _place(terms.places))
    if ft.kind == "enum":
        return shown(ft.words[0]) if ft.words else "..."
    return {"int": "100", "number": "1.5", "bool": "true"}.get(ft.kind, "some text")


def _type(ft: FieldType) -> str:
    if ft.kind == "enum":
        return "one of: " + ", ".join(shown(w) for w in ft.words)
    return {
        "int": "a whole number, or {min: N, max: N}",
        "number": "a number",
        "bool": "true or false",
        "actor": "an actor",
        "place": "a place",
    }.get(ft.kind, "text")


def _first(h: Hierarchy) -> str:
    return next(iter(h.entities), "unknown")


def _place(h: Hierarchy) -> str:
    """The first place two levels down (a typical place a report names), else one level
    down, else the first one."""
    for depth in (3, 2):
        inner: list[Entity] = [e for e in h.entities.values() if len(h.ancestors[e.id]) >= depth]
        if inner:
            return inner[0].id
    return _first(h)


def _kind_with_fields(terms: Terms) -> str:
    withf = [k for k, d in terms.kind_defs.items() if d.fields]
    order = list(terms.kinds.entities)
    pool = [k for k in order if k in withf] or order
    return pool[0] if pool else ""


def _broad_kind(h: Hierarchy) -> str:
    """A kind with kinds under it (`hostilities`), so the absence covers them all."""
    parents = {p for e in h.entities.values() for p in e.parents}
    return next((k for k in h.entities if k in parents), _first(h))


def _first_provision(terms: Terms) -> str:
    """The first formal provision's id, quoted (ids like `1` must stay strings)."""
    pid = next((p.id for p in terms.provisions if p.form != "unformalized"), "an-id")
    return '"' + shown(pid).replace('"', "") + '"'


def _scalar(text: str) -> str:
    """`text` as a YAML value: plain when it is a simple path, else double-quoted (a
    folder named `my terms` or `a: b` must not change the file's meaning)."""
    import json

    return text if re.fullmatch(r"[A-Za-z0-9_./-]+", text) else json.dumps(text)
