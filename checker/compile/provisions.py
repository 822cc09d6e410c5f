"""Stage 4: each provision -> the formulas its verdict is decided by (SPEC §3.5, §4.2).

For every provision: `breach` (the world breaches it up to as_of); for
`require`/`achieve` also `fulfilled` and `due`. For `forbid`/`each`, the
per-event breaches (`culprits`) say whose act it was. Windows may be fixed,
anchored on the first matching event, or a period with renewals and notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import z3

from checker import timeutil as tu
from checker.compile import sym
from checker.compile.states import States
from checker.compile.sym import Bool, Num, Time
from checker.compile.world import Slot, World
from checker.ir import Anchored, Fixed, MatchIR, Point, Provision


@dataclass
class Compiled:
    provision: Provision
    breach: Bool
    fulfilled: Bool | None = None
    due: Bool | None = None
    culprits: list[tuple[Slot, Bool]] = field(default_factory=list)


@dataclass
class Span:
    """A provision window in solver terms; `end` None runs on past as_of."""

    start: Time | None
    end: Time | None
    started: Bool


class ProvisionCompiler:
    def __init__(self, world: World, states: States) -> None:
        self.w = world
        self.states = states
        self.A = Time.const(world.as_of)
        self.never = Time.const(world.as_of + 1)  # an end that has not come by as_of
        self._anchors: dict[MatchIR, tuple[Bool, Time]] = {}

    # ---- windows ---------------------------------------------------------

    def anchor(self, m: MatchIR) -> tuple[Bool, Time]:
        """Whether an event matching m happened by as_of, and the first one's minute."""
        if m in self._anchors:
            return self._anchors[m]
        w = self.w
        cands = [(s, sym.And(s.on, w.matches(s, m))) for s in w.slots]
        cands = [(s, c) for s, c in cands if c is not False]
        if not cands:
            result: tuple[Bool, Time] = (False, self.never)
        else:
            cands.sort(key=lambda sc: (sc[0].t.lo, sc[0].t.hi, sc[0].order))
            first, c0 = cands[0]
            if c0 is True and all(first.t.hi <= s.t.lo for s, _ in cands[1:]):
                result = (True, first.t)
            else:
                exists = sym.Or(*(c for _, c in cands))
                lo = min(s.t.lo for s, _ in cands)
                hi = max(s.t.hi for s, _ in cands)
                t = z3.Int(f"anchor{len(self._anchors)}")
                w.add(sym.And(t >= lo, t <= hi))
                w.add(sym.Implies(exists, sym.Or(*(sym.And(c, t == s.t.e) for s, c in cands))))
                for s, c in cands:
                    w.add(sym.Implies(c, t <= s.t.e))
                result = (exists, Time(t, lo, hi))
        self._anchors[m] = result
        return result

    def point(self, p: Point | None, is_end: bool) -> tuple[Time | None, Bool]:
        """A window end as a minute, and whether it exists yet (anchored ones may not)."""
        if p is None:
            return None, True
        if isinstance(p, Fixed):
            return Time.const(p.minute), True
        assert isinstance(p, Anchored)
        exists, t = self.anchor(p.match)
        shifted = t.plus(p.offset)
        if exists is True:
            return shifted, True
        if exists is False:
            return (self.never, False)
        if is_end:
            e = sym.Ite(exists, shifted.e, self.never.e)
            return Time(e, min(shifted.lo, self.never.lo), max(shifted.hi, self.never.hi)), exists
        return shifted, exists

    def window(self, p: Provision) -> Span:
        if p.window.during is not None:
            return self.period(p.window.during)
        start, started = self.point(p.window.start, False)
        end, _ = self.point(p.window.end, True)
        if start is None:
            start = Time.const(self.w.in_force)
        return Span(start, end, started)

    def period(self, pid: str) -> Span:
        pd = self.w.scenario.terms.periods[pid]
        zone = self.w.scenario.terms.zone
        start = Time.const(pd.start)
        if pd.end is not None:
            return Span(start, Time.const(pd.end), True)
        if pd.length is None:
            return Span(start, None, True)
        term_end = tu.add_duration(pd.start, pd.length, zone)  # first minute after term 1
        if pd.renews is None:
            return Span(start, Time.const(term_end - 1), True)
        if pd.notice is None:
            return Span(start, None, True)
        # The mandate ends at the first term end E with a notice in [start, E - before_end].
        ends: list[tuple[int, int]] = []
        e = term_end
        while True:
            deadline = tu.add_duration(e, pd.notice.before_end, zone, sign=-1)
            ends.append((e, deadline))
            if deadline >= self.w.as_of or len(ends) > 1000:
                break
            e = tu.add_duration(e, pd.renews, zone)
        notices = [(s, sym.And(s.on, self.w.matches(s, pd.notice.match))) for s in self.w.slots]
        notices = [(s, c) for s, c in notices if c is not False]
        result: object = self.never.e
        lo, hi = self.never.lo, self.never.hi
        for e, deadline in reversed(ends):
            given = sym.Or(
                *(sym.And(c, sym.t_in(s.t, start, Time.const(deadline))) for s, c in notices)
            )
            result = sym.Ite(given, e - 1, result)
            lo, hi = min(lo, e - 1), max(hi, e - 1)
        if isinstance(result, int):
            return Span(start, Time.const(result) if result != self.never.e else None, True)
        return Span(start, Time(result, lo, hi), True)

    # ---- forms -----------------------------------------------------------

    def compile(self, p: Provision) -> Compiled:
        if p.form == "unformalized":
            return Compiled(p, False)
        span = self.window(p)
        return getattr(self, "_" + p.form)(p, span)  # type: ignore[no-any-return]

    def _in_window(self, s: Slot, span: Span) -> Bool:
        return sym.And(s.on, span.started, sym.t_in(s.t, span.start, span.end))

    def _forbid(self, p: Provision, span: Span) -> Compiled:
        return self._culprits(p, span, must=None)

    def _each(self, p: Provision, span: Span) -> Compiled:
        return self._culprits(p, span, must=p.must)

    def _culprits(self, p: Provision, span: Span, must: MatchIR | None) -> Compiled:
        """forbid/each: breached by any matching, non-exempt event in the window
        (for `each`: that fails `must`)."""
        culprits = []
        for s in self.w.slots:
            c = sym.And(
                self._in_window(s, span),
                self.w.matches(s, p.match),
                sym.Not(self.w.matches(s, p.unless)) if p.unless is not None else True,
                sym.Not(self.w.matches(s, must)) if must is not None else True,
            )
            if c is not False:
                culprits.append((s, c))
        return Compiled(p, sym.Or(*(c for _, c in culprits)), culprits=culprits)

    def _due(self, span: Span) -> Bool:
        if span.end is None:
            return False
        return sym.And(span.started, sym.t_le(span.end, self.A))

    def _require(self, p: Provision, span: Span) -> Compiled:
        inside = [
            (s, sym.And(self._in_window(s, span), self.w.matches(s, p.match))) for s in self.w.slots
        ]
        inside = [(s, c) for s, c in inside if c is not False]
        if p.total is None:
            reached = sym.Or(*(c for _, c in inside))
        else:
            fname, minimum = p.total
            amounts = []
            for s, c in inside:
                v = s.fields.get(fname)
                if isinstance(v, Num):
                    amounts.append(sym.Ite(c, v.e, 0))
            reached = sym.Le(minimum, sym.Sum(amounts))
        due = self._due(span)
        return Compiled(p, sym.And(due, sym.Not(reached)), fulfilled=reached, due=due)

    def _achieve(self, p: Provision, span: Span) -> Compiled:
        cond = p.cond
        assert cond is not None
        now = self.states.holds(cond, self.A)
        early = sym.And(span.started, now)
        if span.end is None:
            return Compiled(p, False, fulfilled=early, due=False)
        d = span.end
        kept_then = self.states.holds(cond, d)
        if not p.once:
            later = [
                sym.Implies(
                    sym.And(c.guard, sym.t_lt(d, c.slot.t), sym.t_le(c.slot.t, self.A)),
                    self.states.holds(cond, c.slot.t),
                )
                for c in self.states.change_points(cond)
            ]
            kept_then = sym.And(kept_then, *later)
        due = self._due(span)
        fulfilled = sym.Ite(due, kept_then, early)
        return Compiled(p, sym.And(due, sym.Not(kept_then)), fulfilled=fulfilled, due=due)

    def _maintain(self, p: Provision, span: Span) -> Compiled:
        cond = p.cond
        assert cond is not None and span.start is not None
        s = span.start
        upto = self.A if span.end is None else None
        checks: list[Bool] = [
            sym.Implies(
                sym.And(sym.t_le(s, self.A), True if span.end is None else sym.t_le(s, span.end)),
                self.states.holds(cond, s),
            )
        ]
        culprits: list[tuple[Slot, Bool]] = []
        for c in self.states.change_points(cond):
            within = sym.And(
                c.guard,
                sym.t_lt(s, c.slot.t),
                sym.t_le(c.slot.t, upto if upto is not None else span.end),  # type: ignore[arg-type]
            )
            if within is False:
                continue
            holds = self.states.holds(cond, c.slot.t)
            checks.append(sym.Implies(within, holds))
            # the event after which the condition fails is the breaching event
            culprit = sym.And(span.started, within, sym.Not(holds))
            if culprit is not False:
                culprits.append((c.slot, culprit))
        kept = sym.Implies(span.started, sym.And(*checks))
        return Compiled(p, sym.Not(kept), culprits=culprits)
