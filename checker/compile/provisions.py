"""Stage 4: each provision -> the formulas its verdict is decided by (SPEC §3.5, §4.2).

For every provision: `breach` (the world breaches it up to as_of); for
`require`/`achieve` also `fulfilled` and `due`. The per-event breaches
(`culprits`, built only when asked for) say whose act it was. Windows may be
fixed, anchored on the first matching event, or a period with renewals and
notices. A condition that must hold throughout a window is one `Always`
literal of the timelines (exact both ways), never a formula per change point.
"""

from __future__ import annotations

from collections.abc import Callable

from checker import durations as du
from checker.compile import sym
from checker.compile.openworld import Beyond, EventClass, class_of
from checker.compile.sym import Bool, Num, Time
from checker.compile.timeline import Defined, Timelines
from checker.compile.world import Slot, World
from checker.ir import Anchored, Fixed, MatchIR, Point, Provision, StateCond, Window
from checker.records import field, record
from checker.shifts import Shift


def _no_culprits() -> list[tuple[Slot, Bool]]:
    return []


@record
class Compiled:
    provision: Provision
    breach: Bool
    fulfilled: Bool | None = None
    due: Bool | None = None
    culprits: Callable[[], list[tuple[Slot, Bool]]] = _no_culprits
    deps: list[Defined] = field(default_factory=list)  # what its formulas use
    applies: Bool = True  # its `if` holds (where not: waived, so kept and fulfilled)
    span: Span | None = None  # its window, for explanations (which reports fall outside)


@record
class Span:
    """A provision window in solver terms; `end` None runs on past as_of."""

    start: Time | None
    end: Time | None
    started: Bool


class ProvisionCompiler:
    def __init__(self, world: World, states: Timelines, beyond: Beyond) -> None:
        self.w = world
        self.states = states
        self.beyond = beyond
        self.A = Time.const(world.as_of)
        self.never = Time.const(world.as_of + 1)  # an end that has not come by as_of
        self._anchors: dict[MatchIR, tuple[Bool, Time]] = {}

    # ---- windows ---------------------------------------------------------

    def anchor(self, m: MatchIR) -> tuple[Bool, Time]:
        """Whether an event matching m happened by as_of, and the first one's minute."""
        if m in self._anchors:
            return self._anchors[m]
        w = self.w
        cands: list[tuple[Time, Bool]] = []
        for s in sorted(w.candidates(m), key=lambda s: (s.t.lo, s.t.hi, s.order)):
            c = sym.And(s.on, w.matches(s, m))
            if c is not False:
                cands.append((s.t, c))
        beyond, when, _ = self.beyond.event(
            f"anchor{len(self._anchors)}", self._class(m), None, None
        )
        if beyond is not False and when is not None:
            cands.append((when, beyond))
        if not cands:
            result: tuple[Bool, Time] = (False, self.never)
        else:
            first, c0 = cands[0]
            if c0 is True and all(first.hi <= t.lo for t, _ in cands[1:]):
                result = (True, first)
            else:
                exists = sym.Or(*(c for _, c in cands))
                lo = min(t.lo for t, _ in cands)
                hi = max(t.hi for t, _ in cands)
                a = sym.int_var(f"anchor{len(self._anchors)}", w.ctx)
                w.add(sym.And(a >= lo, a <= hi))
                w.add(sym.Implies(exists, sym.Or(*(sym.And(c, a == t.e) for t, c in cands))))
                for t, c in cands:
                    w.add(sym.Implies(c, a <= t.e))
                result = (exists, Time(a, lo, hi))
        self._anchors[m] = result
        return result

    def _class(self, m: MatchIR) -> EventClass:
        return class_of(self.w.index, m)

    def _beyond(self, what: str, m: MatchIR, span: Span) -> tuple[Bool, Time | None]:
        """Some unreported event beyond the explicit ones, matching m, in the window."""
        active, when, _ = self.beyond.event(
            what, self._class(m), span.start, self._upto_as_of(span.end)
        )
        return sym.And(span.started, active), when

    def anchor_all(self, ms: tuple[MatchIR, ...]) -> tuple[Bool, Time]:
        """Whether every one of `ms` has had a matching event by as_of, and the latest of
        their first events' minutes (`after_all`; one MATCH is `after`)."""
        found = [self.anchor(m) for m in ms]
        exists = sym.And(*(e for e, _ in found))
        latest = found[0][1]
        for _, t in found[1:]:
            later = sym.t_le(latest, t)
            e = sym.Ite(later, t.e, latest.e)
            latest = Time(e, max(latest.lo, t.lo), max(latest.hi, t.hi))
        return exists, latest

    def shift(self, t: Time, s: Shift) -> Time:
        """The window end `s` gives for the anchor minute `t`: exact, or piecewise over the
        minutes `t` may take (calendar days across a clock change, `day: N`)."""
        if isinstance(t.e, int):
            return Time.const(s.apply(t.e))
        pieces = s.pieces(t.lo, t.hi)
        if len(pieces) == 1 and pieces[0].wall is None:
            return t.plus(pieces[0].add)
        expr: object = None
        for piece in reversed(pieces):
            if piece.wall is None:
                here: object = t.e + piece.add
            else:
                here = ((t.e + piece.wall) / du.DAY + piece.days) * du.DAY + piece.add
            expr = here if expr is None else sym.Ite(t.e <= piece.last, here, expr)
        lo = min(piece.at(piece.first) for piece in pieces)
        hi = max(piece.at(piece.last) for piece in pieces)
        return Time(expr, lo, hi)

    def point(self, p: Point | None, is_end: bool) -> tuple[Time | None, Bool]:
        """A window end as a minute, and whether it exists yet (anchored ones may not)."""
        if p is None:
            return None, True
        if isinstance(p, Fixed):
            return Time.const(p.minute), True
        assert isinstance(p, Anchored)
        exists, t = self.anchor_all(p.matches)
        if exists is False:
            return (self.never, False)
        shifted = self.shift(t, p.shift)
        if exists is True:
            return shifted, True
        if is_end:
            e = sym.Ite(exists, shifted.e, self.never.e)
            return Time(e, min(shifted.lo, self.never.lo), max(shifted.hi, self.never.hi)), exists
        return shifted, exists

    def window(self, p: Provision) -> Span:
        return self.window_of(p.window)

    def window_of(self, w: Window) -> Span:
        if w.during is not None:
            return self.period(w.during)
        start, started = self.point(w.start, False)
        end, _ = self.point(w.end, True)
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
        term_end = du.add_duration(pd.start, pd.length, zone)  # first minute after term 1
        if pd.renews is None:
            return Span(start, Time.const(term_end - 1), True)
        if pd.notice is None:
            return Span(start, None, True)
        # The mandate ends at the first term end E with a notice in [start, E - before_end].
        ends: list[tuple[int, int]] = []
        e = term_end
        while True:
            deadline = du.add_duration(e, pd.notice.before_end, zone, sign=-1)
            ends.append((e, deadline))
            if deadline >= self.w.as_of or len(ends) > 1000:
                break
            e = du.add_duration(e, pd.renews, zone)
        notices: list[tuple[Time, Bool]] = []
        for s in self.w.candidates(pd.notice.match):
            c = sym.And(s.on, self.w.matches(s, pd.notice.match))
            if c is not False:
                notices.append((s.t, c))
        # beyond the explicit events: the first unreported notice decides every term
        beyond, when, _ = self.beyond.event(
            f"notice:{pid}", self._class(pd.notice.match), start, None
        )
        if beyond is not False and when is not None:
            notices.append((when, beyond))
        result: object = self.never.e
        lo, hi = self.never.lo, self.never.hi
        for e, deadline in reversed(ends):
            given = sym.Or(
                *(sym.And(c, sym.t_in(t, start, Time.const(deadline))) for t, c in notices)
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
        with self.states.collecting() as deps:
            span = self.window(p)
            compiled: Compiled = getattr(self, "_" + p.form)(p, span)
        compiled.deps = deps
        compiled.span = span
        return compiled

    def matching(self, s: Slot, span: Span, m: MatchIR | None) -> Bool:
        """The slot's event matches `m` within the window. The match is tested first: in a
        large scenario most events are of other kinds, and it folds to false for them
        without making a term."""
        matched = self.w.matches(s, m)
        if matched is False:
            return False
        return sym.And(s.on, span.started, sym.t_in(s.t, span.start, span.end), matched)

    def _forbid(self, p: Provision, span: Span) -> Compiled:
        return self._culprits(p, span, must=None)

    def _each(self, p: Provision, span: Span) -> Compiled:
        return self._culprits(p, span, must=p.must)

    def _culprits(self, p: Provision, span: Span, must: MatchIR | None) -> Compiled:
        """forbid/each: breached by any matching, non-exempt event in the window
        (for `each`: that fails `must`)."""
        culprits = []
        for s in self.w.candidates(p.match):
            c = self.matching(s, span, p.match)
            if c is False:
                continue
            c = sym.And(
                c,
                sym.Not(self.w.matches(s, p.unless)) if p.unless is not None else True,
                sym.Not(self.w.matches(s, must)) if must is not None else True,
            )
            if c is not False:
                culprits.append((s, c))
        assert p.match is not None
        beyond, _ = self._beyond(f"{p.form}:{p.id}", p.match, span)
        breach = sym.Or(*(c for _, c in culprits), beyond)
        return Compiled(p, breach, culprits=lambda: culprits)

    def _due(self, span: Span) -> Bool:
        if span.end is None:
            return False
        return sym.And(span.started, sym.t_le(span.end, self.A))

    def _require(self, p: Provision, span: Span) -> Compiled:
        inside = [(s, self.matching(s, span, p.match)) for s in self.w.candidates(p.match)]
        inside = [(s, c) for s, c in inside if c is not False]
        assert p.match is not None
        beyond, _ = self._beyond(f"require:{p.id}", p.match, span)
        some = sym.Or(*(c for _, c in inside), beyond)
        due = self._due(span)
        if p.total is None:
            return Compiled(p, sym.And(due, sym.Not(some)), fulfilled=some, due=due)
        amounts = []
        for s, c in inside:
            v = s.fields.get(p.total.field)
            if isinstance(v, Num):
                amounts.append(sym.Ite(c, v.e, 0))
        if beyond is not False:
            more = self.beyond.amount(f"total:{p.id}")
            self.w.add(more >= 0)
            amounts.append(sym.Ite(beyond, more, 0))
        total = sym.Sum(amounts)
        if p.total.max is None:
            reached = sym.Le(p.total.min or 0, total)
            return Compiled(p, sym.And(due, sym.Not(reached)), fulfilled=reached, due=due)
        # "up to N" (SPEC §3.5): past N is a breach at once, whatever the deadline; met
        # once some matching event happened and the sum lies in [min, max]
        over = sym.Not(sym.Le(total, p.total.max))
        reached = sym.And(some, sym.Le(p.total.min or 0, total), sym.Not(over))
        breach = sym.Or(over, sym.And(due, sym.Not(reached)))
        return Compiled(p, breach, fulfilled=reached, due=due)

    def _achieve(self, p: Provision, span: Span) -> Compiled:
        cond = p.cond
        assert cond is not None
        now = self.states.holds(cond, self.A)
        early = sym.And(span.started, now)
        if span.end is None:
            return Compiled(p, False, fulfilled=early, due=False)
        d = span.end
        # held at the deadline and (unless `once`) at every minute from it to as_of
        kept_then = self.states.holds(cond, d) if p.once else self.states.always(cond, d, self.A)
        due = self._due(span)
        fulfilled = sym.Ite(due, kept_then, early)
        return Compiled(p, sym.And(due, sym.Not(kept_then)), fulfilled=fulfilled, due=due)

    def _upto_as_of(self, end: Time | None) -> Time:
        """A window end capped at the end of as_of."""
        a = self.A
        if end is None or end.lo >= a.lo:
            return a
        if end.hi <= a.lo:
            return end
        capped = sym.Ite(sym.t_le(end, a), end.e, a.e)
        return Time(capped, end.lo, a.hi)

    def _maintain(self, p: Provision, span: Span) -> Compiled:
        cond = p.cond
        assert cond is not None and span.start is not None
        end = self._upto_as_of(span.end)
        throughout = self.states.always(cond, span.start, end)
        kept = sym.Implies(span.started, throughout)

        def culprits() -> list[tuple[Slot, Bool]]:
            return self._maintain_culprits(cond, span, end)

        return Compiled(p, sym.Not(kept), culprits=culprits)

    def _maintain_culprits(self, cond: StateCond, span: Span, end: Time) -> list[tuple[Slot, Bool]]:
        """The events after which the condition fails within the window."""
        assert span.start is not None
        tl = self.states.timeline(cond.state, cond.key)
        out: list[tuple[Slot, Bool]] = []
        for c in tl.changes:
            within = sym.And(
                span.started, c.guard, sym.t_lt(span.start, c.slot.t), sym.t_le(c.slot.t, end)
            )
            if within is False:
                continue
            culprit = sym.And(within, sym.Not(tl.holds(cond, c.slot.t)))
            if culprit is not False:
                out.append((c.slot, culprit))
        return out
