"""`checker provisions`: the terms in force as a table, each window resolved to its dates.

Input: resolved `Terms`. Output: one row per provision (id, point, form, responsible,
amendments), then its window as written and as the checker reads it — fixed ends as
minutes in the agreement's zone, periods with their terms and notice rule, relative
ends with their full MATCHes and the shift from the anchor — and its `if`. Provisions
the terms define but that are not in force are listed last, with why.
"""

from __future__ import annotations

from checker import timeutil as tu
from checker.ir import Anchored, Fixed, Point, Provision, Terms, Window
from checker.untrusted import shown


def render_provisions(terms: Terms) -> str:
    """The table, every text from input escaped (`untrusted.shown`)."""
    rows = [("id", "point", "form", "responsible", "amended by")]
    details: list[list[str]] = [[]]
    for p in terms.provisions:
        rows.append(
            (
                p.id,
                p.point or "",
                p.form + ("" if p.binding else " (goal)"),
                ", ".join(p.responsible),
                ", ".join(p.amended_by),
            )
        )
        details.append(_details(p, terms))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines: list[str] = []
    for row, more in zip(rows, details, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.extend(f"    {d}" for d in more)
    if terms.dormant:
        lines.append("not in force:")
        lines.extend(f"  {d.id}: {d.reason}" for d in terms.dormant)
    return "".join(shown(line) + "\n" for line in lines)


def _details(p: Provision, terms: Terms) -> list[str]:
    out = []
    if p.form != "unformalized":
        if p.window_text:
            out.append(f"window: {p.window_text}")
        out.append(f"  read as: {describe_window(p.window, terms)}")
    if p.condition_text:
        out.append(f"if: {p.condition_text}")
    return out


def describe_window(w: Window, terms: Terms) -> str:
    """A window as the checker reads it: dates in the agreement's zone, anchors in full."""
    if w.during is not None:
        return f"during {w.during}: {_period(w.during, terms)}"
    start = _point(w.start, terms) if w.start is not None else None
    if start is None:
        start = f"{_at(terms.in_force, terms)} (in force)"
    if w.end is None:
        return f"from {start}, with no end"
    return f"from {start} to {_point(w.end, terms)}"


def _at(minute: int, terms: Terms) -> str:
    return tu.format_instant(minute, terms.zone)


def _point(p: Point, terms: Terms) -> str:
    if isinstance(p, Fixed):
        return _at(p.minute, terms)
    assert isinstance(p, Anchored)
    shown = list(p.written)
    if p.every:
        anchor = "the latest of the first events matching " + " and ".join(shown)
    else:
        anchor = f"the first event matching {shown[0]}"
    s = p.shift
    zone = tu.zone_name(s.zone)
    if s.day is not None:
        day = s.day - 1 if s.edge == "before" else s.day
        which = "first" if s.edge == "start" else "last"
        return f"the {which} minute of day {day} after the day of {anchor} ({zone} calendar)"
    before = s.edge == "before"
    if s.duration is None or s.duration.is_zero:
        return f"the minute {'before' if before else 'of'} {anchor}"
    days = f" (calendar days in {zone})" if s.duration.days else ""
    minus = ", minus one minute" if before else ""
    return f"{s.duration.text}{days} after {anchor}{minus}"


def _period(pid: str, terms: Terms) -> str:
    from checker import durations as du

    pd = terms.periods[pid]
    text = f"from {_at(pd.start, terms)}"
    if pd.end is not None:
        return text + f" to {_at(pd.end, terms)}"
    if pd.length is None:
        return text + ", open-ended"
    first = du.add_duration(pd.start, pd.length, terms.zone) - 1
    text += f", a first term of {pd.length.text} to {_at(first, terms)}"
    if pd.renews is None:
        return text
    text += f", renewed by {pd.renews.text}"
    if pd.notice is None:
        return text + " without end"
    deadline = du.add_duration(first + 1, pd.notice.before_end, terms.zone, sign=-1)
    return (
        text + f" unless an event matching {pd.notice.text} comes"
        f" {pd.notice.before_end.text} before a term ends (for the first term: by"
        f" {_at(deadline, terms)})"
    )
