"""Stage 5: the reports that decide a verdict beyond its minimal proof (SPEC §4.3).

A closed world's silence forces a missed deadline with no report at all, so the minimal
proof of such a breach is empty; the reports a reader wants are the ones that *would*
have fulfilled it but fall outside its window (with their time against the deadline), or
the last one that set the state to another value. For `maintain`, the report whose change
broke the condition, with the value it reached. Each is found by asking the solver
whether that report's event plays that part in some compatible world, never by
re-implementing the semantics; the wording of every note is true of the scenario it is
printed for.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker import timeutil as tu
from checker.compile import sym
from checker.compile.provisions import Compiled
from checker.compile.sym import Bool, Cat, Time
from checker.compile.timeline import Defined, Timeline
from checker.compile.world import Slot
from checker.ir import EventReport, StateCond
from checker.judge.asker import Asker, because_of
from checker.records import record, replace
from checker.results import Because

MAX_DECIDING = 10  # reports named per provision; a note says how many more there are


class Budget:
    """Solver calls left for one provision's deciding reports (the proofs' limit): a
    world of thousands of reports must not ask about each of them."""

    def __init__(self, calls: int) -> None:
        self.left = calls

    @property
    def spent(self) -> bool:
        return self.left <= 0

    def can(self, asker: Asker, assumptions: list[z3.BoolRef]) -> bool:
        """Some world of the explicit events (a compatible world) satisfies the
        assumptions. A question only the over-approximation of an open world could
        answer names no one."""
        self.left -= 1
        return asker.session.sat(asker.real(assumptions))

    def note(self, limit: int) -> str:
        return f"not every report was examined (limit of {limit} solver calls)"


@record(frozen=True)
class Decided:
    """The deciding reports of one verdict and, where none forces it, why (a note)."""

    reports: tuple[Because, ...] = ()
    note: str | None = None


def missed(asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef], forced: bool) -> Decided:
    """A violated require/achieve: what falls outside its window, or what set the state
    otherwise. `forced`: some reports already force the breach (the proof is not empty)."""
    p = c.provision
    if p.form == "require":
        return _missed_require(asker, c, lits, forced)
    if p.form == "achieve":
        return _missed_achieve(asker, c, lits, forced)
    return Decided()


def broken(asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef]) -> Decided:
    """A violated maintain: the earliest report whose change breaks its condition in some
    compatible world, and the value that change reached."""
    p = c.provision
    cond = p.cond
    if cond is None or p.form != "maintain":
        return Decided()
    tl = asker.states.timeline(cond.state, cond.key)
    believed = {s.name for s in _reported(asker, lits)}
    with asker.states.collecting() as deps:
        culprits = [(s, f) for s, f in c.culprits() if s.name in believed]
    culprits.sort(key=lambda sf: (sf[0].t.lo, sf[0].order))
    budget = Budget(asker.opts.core_budget)
    for slot, breaks in culprits:
        if budget.spent:
            return Decided(note=budget.note(asker.opts.core_budget))
        q = asker.gate(f"broke:{p.id}:{slot.name}", breaks, [*c.deps, *deps])
        if not budget.can(asker, [*lits, q]):
            continue
        value = _value_after(asker, budget, tl, slot, lits, q)
        when = _when(slot.reports[0], asker)
        detail = f"{when}: {_state(cond)} became {value}, which breaks the condition"
        return Decided((_with(slot, detail),))
    return Decided()


def _missed_require(asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef], forced: bool) -> Decided:
    p = c.provision
    span = c.span
    closed = asker.sc.world == "closed"
    if span is None or p.match is None:
        return Decided()
    found: list[Because] = []
    inside = False
    budget = Budget(asker.opts.core_budget)
    for slot in _reported(asker, lits):
        if budget.spent:
            break
        m = asker.world.matches(slot, p.match)
        if m is False:
            continue
        within = sym.And(slot.on, span.started, sym.t_in(slot.t, span.start, span.end), m)
        # with a total, a matching event in the window may still fall short of it
        if within is not False and p.total is not None:
            q = asker.gate(f"within:{p.id}:{slot.name}", within, c.deps)
            if budget.can(asker, [*lits, q]):
                inside = True
                continue
        could = sym.And(slot.on, m)
        if could is False:
            continue
        if could is not True:
            q = asker.gate(f"could:{p.id}:{slot.name}", could, c.deps)
            if not budget.can(asker, [*lits, q]):
                continue
        found.append(_with(slot, _outside(asker, slot.reports[0], span.start, span.end)))
    shown_, more = found[:MAX_DECIDING], len(found) - MAX_DECIDING
    note = None
    if not forced:
        if inside:
            # too little, or past an "up to N": the sum is not what the total asks for
            note = "the matching events reported in its window do not give the total it asks for"
        elif found:
            note = "no reported event fulfils it within its window"
        else:
            note = "nothing reported fulfils it"
        note += " (closed world)" if closed else ""
    if more > 0:
        note = _also(note, f"{more} more reports outside its window are not listed")
    if budget.spent:
        note = _also(note, budget.note(asker.opts.core_budget))
    return Decided(tuple(shown_), note)


def _missed_achieve(asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef], forced: bool) -> Decided:
    p = c.provision
    cond = p.cond
    span = c.span
    closed = asker.sc.world == "closed"
    if cond is None or span is None or span.end is None:
        return Decided()
    d = span.end
    tl = asker.states.timeline(cond.state, cond.key)
    believed = {s.name for s in _reported(asker, lits)}
    changes = [ch for ch in tl.changes if ch.slot.name in believed]
    late: list[Because] = []
    budget = Budget(asker.opts.core_budget)

    def asked(name: str, formula: Bool, deps: list[Defined]) -> z3.BoolRef | None:
        """The question's gate when some compatible world answers it (None: none does)."""
        if formula is False or budget.spent:
            return None
        q = asker.gate(name, formula, [*c.deps, *deps])
        return q if budget.can(asker, [*lits, q]) else None

    for ch in changes:  # in report order
        s = ch.slot
        with asker.states.collecting() as deps:
            too_late = sym.And(ch.guard, sym.t_lt(d, s.t), asker.states.holds(cond, s.t))
        if asked(f"late:{p.id}:{s.name}", too_late, deps) is not None:
            late.append(_with(s, _outside(asker, s.reports[0], span.start, d)))
    found = late[:MAX_DECIDING]
    # the last change by the deadline is what stood at the deadline: the latest first
    for ch in sorted(changes, key=lambda x: (x.slot.t.hi, x.slot.order), reverse=True):
        s = ch.slot
        with asker.states.collecting() as deps:
            otherwise = sym.And(ch.guard, sym.t_le(s.t, d), sym.Not(asker.states.holds(cond, s.t)))
        q = asked(f"set:{p.id}:{s.name}", otherwise, deps)
        if q is None:
            continue
        value = _value_after(asker, budget, tl, s, lits, q)
        found.append(
            _with(
                s,
                f"{_when(s.reports[0], asker)}: {_state(cond)} became {value}, the last"
                f" reported change by the deadline{_deadline(asker, d)}",
            )
        )
        break
    note = None
    if not forced:
        if not changes:
            note = "the initial state stands: no reported event changes it"
        else:
            note = "no reported event brings it about by its deadline"
        note += " (closed world)" if closed else ""
    if len(late) > MAX_DECIDING:
        note = _also(note, f"{len(late) - MAX_DECIDING} more late reports are not listed")
    if budget.spent:
        note = _also(note, budget.note(asker.opts.core_budget))
    return Decided(tuple(found), note)


def _reported(asker: Asker, lits: Sequence[z3.BoolRef]) -> list[Slot]:
    """The events of the reports believed (all of them, or those of one reading)."""
    ids = {x.get_id() for x in lits}
    return [
        s
        for s in asker.world.slots
        if not s.phantom and any(asker.world.lits[r.id].get_id() in ids for r in s.reports)
    ]


def _with(slot: Slot, detail: str) -> Because:
    return replace(because_of(slot.reports[0]), detail=detail)


def _also(note: str | None, more: str) -> str:
    return more if note is None else f"{note}; {more}"


def _state(cond: StateCond) -> str:
    return f"{cond.state} of {'/'.join(cond.key)}" if cond.key else cond.state


def _when(r: EventReport, asker: Asker) -> str:
    """A report's time as it reads: a whole local day as its date, else minutes."""
    zone = asker.sc.zone
    if r.lo == r.hi:
        return tu.format_instant(r.lo, zone)
    day = tu.local_date(r.lo, zone)
    if r.lo == tu.day_start(day, zone) and r.hi == tu.day_end(r.lo, zone):
        return day.isoformat()
    return f"{tu.format_instant(r.lo, zone)} .. {tu.format_instant(r.hi, zone)}"


def _deadline(asker: Asker, d: Time) -> str:
    return f" {tu.format_instant(d.lo, asker.sc.zone)}" if d.lo == d.hi else ""


def _outside(asker: Asker, r: EventReport, start: Time | None, end: Time | None) -> str:
    """A report's time against the window it misses: after the deadline or before the
    window opens, by how much; in words only when the window's ends are not fixed."""
    zone = asker.sc.zone
    when = _when(r, asker)
    if end is not None and end.lo == end.hi and r.lo > end.lo:
        gap = _gap(
            r.lo, end.lo, zone, whole_days=_whole_day(r, zone) and _last_minute(end.lo, zone)
        )
        return f"{when} is {gap} after the deadline {tu.format_instant(end.lo, zone)}"
    if start is not None and start.lo == start.hi and r.hi < start.lo:
        gap = _gap(
            start.lo, r.hi, zone, whole_days=_whole_day(r, zone) and _first_minute(start.lo, zone)
        )
        return f"{when} is {gap} before its window opens {tu.format_instant(start.lo, zone)}"
    return f"{when} falls outside its window"


def _whole_day(r: EventReport, zone: tu.Zone) -> bool:
    return r.lo == tu.day_start(tu.local_date(r.lo, zone), zone) and r.hi == tu.day_end(r.lo, zone)


def _last_minute(m: int, zone: tu.Zone) -> bool:
    return tu.day_end(m, zone) == m


def _first_minute(m: int, zone: tu.Zone) -> bool:
    return tu.day_start(tu.local_date(m, zone), zone) == m


def _gap(later: int, earlier: int, zone: tu.Zone, *, whole_days: bool) -> str:
    """How far apart two minutes are: in calendar days when both sides are whole days
    (a report dated the 2nd is 1 day after a deadline at the end of the 1st), else in
    days, hours and minutes."""
    if whole_days:
        days = (tu.local_date(later, zone) - tu.local_date(earlier, zone)).days
        return _count(days, "day")
    minutes = later - earlier
    parts = []
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        n, minutes = divmod(minutes, size)
        if n:
            parts.append(_count(n, unit))
    return " ".join(parts) or "0 minutes"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _value_after(
    asker: Asker,
    budget: Budget,
    tl: Timeline,
    slot: Slot,
    lits: Sequence[z3.BoolRef],
    q: z3.BoolRef,
) -> str:
    """The state's value at `slot`'s minute in a compatible world where `q` holds (`q`'s
    formula asks about that value, so its definition is asserted under `q`); marked as
    one world's when another compatible world where `q` holds has another value."""
    value = tl.value_at(slot.t).value
    if not budget.can(asker, [*lits, q]):  # asked already: this brings back its model
        return "?"
    model = asker.session.last_model()
    if isinstance(value, Cat):
        code = value.e if isinstance(value.e, int) else _long(model, value.e)
        shown_ = asker.world.index.name(asker.states.ns(tl.state), code)
        same: Bool = True if isinstance(value.e, int) else value.e == code
    elif isinstance(value, int):
        shown_, same = str(value), True
    else:
        n = _long(model, value)
        shown_, same = str(n), value == n
    if same is True:
        return shown_
    other = asker.gate(f"other:{slot.name}", sym.Not(same), [])
    if budget.can(asker, [*lits, q, other]):
        return f"{shown_} (in one compatible world; others differ)"
    return shown_


def _long(model: z3.ModelRef, e: z3.ExprRef) -> int:
    return int(model.eval(e, model_completion=True).as_long())
