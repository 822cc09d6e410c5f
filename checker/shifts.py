"""Stage 3 helper: the window ends that follow from an anchor minute (SPEC §3.5).

Input: a `Duration` or `day: N`, the edge of the window it ends, a zone. Output:
`Shift`s, the map from an anchor minute to a window end, exact for one minute
(`apply`) and piecewise over a range of them (`pieces`, cut where the zone's
clock changes), for the compiler to encode without a case per minute.
Guarantee: pure, stdlib only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta, timezone
from functools import lru_cache
from typing import Literal

from checker.durations import DAY, Duration, add_duration
from checker.records import record
from checker.timeutil import Zone, day_start, local_date, utc_offset

Edge = Literal["start", "end", "before"]


@record(frozen=True)
class Piece:
    """Over anchor minutes [first, last]: end = a + add (no `wall`), or, for a day
    boundary, end = ((a + wall) // DAY + days) * DAY + add."""

    first: int
    last: int
    add: int
    wall: int | None = None
    days: int = 0

    def at(self, a: int) -> int:
        if self.wall is None:
            return a + self.add
        return ((a + self.wall) // DAY + self.days) * DAY + self.add


@record(frozen=True)
class Shift:
    """How a relative window end follows from its anchor minute a (SPEC §3.5).

    `duration`: a + the duration (`offset`); `day`: a day boundary of the zone's
    calendar after a's local day (`day: N`). `edge` says which: a window start
    (`from`: the first minute of day N), end (`until`/`by`: the last minute of day
    N) or `before` (the minute before: the last minute of day N - 1, or a +
    duration - 1).
    """

    duration: Duration | None = None
    day: int | None = None
    edge: Edge = "start"
    zone: Zone = UTC

    def apply(self, a: int) -> int:
        """The window end for the anchor minute `a`."""
        if self.day is not None:
            n = self.day + (1 if self.edge == "end" else 0)
            first = day_start(local_date(a, self.zone) + timedelta(days=n), self.zone)
            return first - (0 if self.edge == "start" else 1)
        moved = add_duration(a, self.duration, self.zone) if self.duration is not None else a
        return moved - (1 if self.edge == "before" else 0)

    def most(self) -> int:
        """An upper bound of apply(a) - a."""
        if self.day is not None:
            return (self.day + 2) * DAY
        return self.duration.most() if self.duration is not None else 0

    def pieces(self, lo: int, hi: int) -> list[Piece]:
        """`apply` over the anchor minutes [lo, hi] as pieces, in order, that cover it."""
        return list(_pieces(self, lo, hi))


def _signature(s: Shift, a: int) -> tuple[int, int | None]:
    """What is constant over a piece: (add, wall)."""
    if s.day is None:
        return s.apply(a) - a, None
    wall = utc_offset(a, s.zone)
    n = s.day + (1 if s.edge == "end" else 0)
    index = (a + wall) // DAY + n
    return s.apply(a) - index * DAY, wall


@lru_cache(maxsize=256)
def _pieces(s: Shift, lo: int, hi: int) -> tuple[Piece, ...]:
    n = (s.day + (1 if s.edge == "end" else 0)) if s.day is not None else 0
    cuts = {lo, hi + 1}
    if not isinstance(s.zone, timezone) and s.zone is not UTC:
        ahead = s.most() + 2 * DAY
        own = transitions(s.zone, lo, hi)
        later = transitions(s.zone, lo - 2 * DAY, hi + ahead)
        offsets = {utc_offset(lo, s.zone), *(o for _, b, o in own for o in (b, o))}
        cuts |= {t for t, _, _ in own}
        for t, before, after in later:
            for wall in offsets:
                for w in (t + before, t + after):
                    if s.day is not None:  # the day boundaries around the change
                        cuts |= {(j - n) * DAY - wall for j in range(w // DAY - 1, w // DAY + 2)}
                        continue
                    for back in _reaches(s):
                        cuts |= {w - wall - back + k for k in (-1, 0, 1)}
    points = sorted(c for c in cuts if lo <= c <= hi + 1)
    out: list[Piece] = []
    for first, nxt in zip(points, points[1:], strict=False):
        out.extend(_split(s, first, nxt - 1, n))
    merged: list[Piece] = []
    for p in out:
        if merged and (merged[-1].add, merged[-1].wall) == (p.add, p.wall):
            merged[-1] = Piece(merged[-1].first, p.last, p.add, p.wall, p.days)
        else:
            merged.append(p)
    return tuple(merged)


def _reaches(s: Shift) -> set[int]:
    """How far before a clock change an anchor minute can be for one step of the shift to
    land on it: for each days part, the days and minutes applied up to and including it."""
    out = set()
    days = minutes = 0
    for unit, k in s.duration.parts if s.duration is not None else ():
        if unit == "days":
            days += k
            out.add(days * DAY + minutes)
        elif unit == "minutes":
            minutes += k
    return out


def _split(s: Shift, first: int, last: int, n: int) -> list[Piece]:
    """Pieces of [first, last], bisecting where the ends disagree (a safety net: the cut
    points already separate every change the zone's transitions can make)."""
    sig_first, sig_last = _signature(s, first), _signature(s, last)
    if sig_first == sig_last:
        add, wall = sig_first
        return [Piece(first, last, add, wall, n if wall is not None else 0)]
    hi = _first_change(first, last, lambda m: _signature(s, m) == sig_first)
    return [*_split(s, first, hi - 1, n), *_split(s, hi, last, n)]


def _first_change(lo: int, hi: int, same: Callable[[int], bool]) -> int:
    """The first minute in (lo, hi] where `same` fails, given same(lo) and not same(hi)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if same(mid):
            lo = mid
        else:
            hi = mid
    return hi


def _offset_is(zone: Zone, offset: int) -> Callable[[int], bool]:
    return lambda m: utc_offset(m, zone) == offset


def transitions(zone: Zone, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """The minutes in (lo, hi] at which the zone's UTC offset changes, with the offsets
    before and after (minutes)."""
    out: list[tuple[int, int, int]] = []
    step = 6 * 60  # no zone changes its offset twice within six hours
    a, oa = lo, utc_offset(lo, zone)
    while a < hi:
        b = min(a + step, hi)
        ob = utc_offset(b, zone)
        if ob != oa:
            out.append((_first_change(a, b, _offset_is(zone, oa)), oa, ob))
        a, oa = b, ob
    return out
