"""Stage 3: a resolved report in a few words, for the hover details of the HTML timeline.

Input: a report of the IR and the terms it is read under. Output: one line such as
`handover of aghdam by AM to AZ · source: wire (reliability 0.5)`. Uncertain values
show their range or their few possible values; more than `FEW` is "unknown".
"""

from __future__ import annotations

from checker.ir import (
    OTHER,
    AbsenceReport,
    Attr,
    BoolAttr,
    CatAttr,
    EventReport,
    Hierarchy,
    NumAttr,
    Report,
    StateReport,
    Terms,
    TextAttr,
)

FEW = 4


def describe_report(r: Report, terms: Terms) -> str:
    if isinstance(r, EventReport):
        text = f"{_kind(r, terms)} by {_attr(r.actor)} at {_attr(r.place)}"
        if r.fields:
            text += "; " + ", ".join(f"{name} {_attr(attr)}" for name, attr in r.fields)
    elif isinstance(r, AbsenceReport):
        m = r.match
        kinds = _roots(m.kinds.values, terms.kinds) if m.kinds is not None else []
        text = "no " + (_few(kinds) if kinds else "matching event")
        if m.actor is not None:
            text += f" by {_few(_roots(m.actor.values, terms.actors))}"
        if m.place is not None:
            text += f" at {_few(_roots(m.place.values, terms.places))}"
    else:
        text = _state(r, terms)
    if r.source is not None:
        text += f" · source: {r.source.text}"
        if r.source.reliability is not None:
            text += f" (reliability {r.source.reliability:g})"
    return text


def _kind(r: EventReport, terms: Terms) -> str:
    """The kind reported: the one whose ancestors are all the kinds the report has."""
    for k in sorted(r.kinds):
        if terms.kinds.ancestors.get(k, frozenset({k})) == r.kinds:
            return k
    return "/".join(sorted(r.kinds))


def _attr(a: Attr) -> str:
    if isinstance(a, CatAttr):
        known = sorted(v for v in a.values if v != OTHER)
        if not known or len(known) > FEW:
            return "unknown"
        return _few(known + (["another"] if OTHER in a.values else []))
    if isinstance(a, NumAttr):
        if a.lo == a.hi and a.lo is not None:
            return f"{a.lo:g}"
        lo = "" if a.lo is None else f"{a.lo:g}"
        hi = "" if a.hi is None else f"{a.hi:g}"
        return f"{lo}..{hi}" if lo or hi else "unknown"
    if isinstance(a, BoolAttr):
        return "yes" if a.values == {True} else "no" if a.values == {False} else "unknown"
    assert isinstance(a, TextAttr)
    return a.value if a.value is not None else "unknown"


def _few(values: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`; past `FEW`, `a or N others`."""
    if len(values) > FEW:
        return f"{values[0]} or {len(values) - 1} others"
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " or " + values[-1]


def _roots(values: frozenset[str], hierarchy: Hierarchy) -> list[str]:
    """The values named, of a set that holds them and all below them in `hierarchy`:
    those no other value of the set is above."""
    return sorted(
        v
        for v in values
        if v != OTHER and not any(u != v and u in values for u in hierarchy.ancestors.get(v, ()))
    )


def _state(r: StateReport, terms: Terms) -> str:
    c = r.cond
    subject = f"{c.state} of {', '.join(c.key)}"
    if c.test is not None:
        state = terms.states.get(c.state)
        kind = state.value.kind if state is not None else ""
        hierarchy = {"actor": terms.actors, "place": terms.places}.get(kind)
        values = _roots(c.test.values, hierarchy) if hierarchy else sorted(c.test.values)
        return f"{subject}: {'not ' if c.test.negate else ''}{_few(values)}"
    lo = "" if c.min is None else str(c.min)
    hi = "" if c.max is None else str(c.max)
    return f"{subject}: {lo if lo == hi else f'{lo}..{hi}'}"
