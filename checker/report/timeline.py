"""Stage 6: a scenario's timeline for the HTML report — one inline SVG, no script.

Input: a judged scenario (its `timeline` marks, `in_force`, `as_of`). Output: an
`<svg>` with a dated axis, one row per report or fixed deadline in time order (an
exact minute as a diamond, an uncertain window as a bar, a deadline as a red tick),
`in force` and `as of` lines, and a `<title>` per row that a browser shows on hover
(the report's words, its time, line, source and the provisions it proves). The range
is the time from entry into force to `as_of`, widened to the marks near it; a mark
beyond it is an arrow at the edge with its date. Dates are the scenario's local
dates; every text from input is escaped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html import escape

from checker.records import record
from checker.results import Mark, ScenarioResult

WIDTH, LABEL_X, PLOT_L, PLOT_R = 960, 4, 200, 900
AXIS, ROW, FOOT = 30, 22, 38
LABEL_CHARS = 28
_EPOCH = datetime(1970, 1, 1)
DAY = 1440
# tick steps: minutes, or ("month", N)
_STEPS: tuple[int | tuple[str, int], ...] = (
    60, 180, 360, 720, DAY, 2 * DAY, 7 * DAY, 14 * DAY,
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("month", 12), ("month", 24), ("month", 60), ("month", 120),
)  # fmt: skip
MAX_TICKS = 9
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@record(frozen=True)
class Scale:
    """Minutes to x, over [lo, hi]; `offset`: minutes to add to UTC for local time."""

    lo: int
    hi: int
    offset: int

    def x(self, minute: int) -> float:
        m = min(max(minute, self.lo), self.hi)
        return PLOT_L + (m - self.lo) * (PLOT_R - PLOT_L) / (self.hi - self.lo)

    def local(self, minute: int) -> datetime:
        return _EPOCH + timedelta(minutes=minute + self.offset)

    def minute(self, local: datetime) -> int:
        return int((local - _EPOCH).total_seconds() // 60) - self.offset


def local_offset(s: ScenarioResult) -> int:
    """Minutes from UTC to the scenario's local time, from `as_of` (its day's last minute)."""
    try:
        day = date.fromisoformat(s.as_of[:10])
    except ValueError:
        return 0
    last = datetime(day.year, day.month, day.day, 23, 59)
    offset = int((last - _EPOCH).total_seconds() // 60) - s.as_of_minute
    return offset if abs(offset) <= DAY else 0  # `as_of` is not that minute's day: UTC


def scale_for(s: ScenarioResult) -> Scale:
    """From entry into force to `as_of`, widened to take in the marks within a fifth of
    that span on either side, and padded a little."""
    start, end = sorted((s.in_force, s.as_of_minute))
    span = max(end - start, DAY)
    near = [m for m in s.timeline if m.hi >= start - span // 5 and m.lo <= end + span // 5]
    lo = min([start, *(m.lo for m in near)])
    hi = max([end, *(m.hi for m in near)])
    pad = max((hi - lo) // 50, 30)
    return Scale(lo - pad, hi + pad, local_offset(s))


def ticks(scale: Scale) -> list[tuple[int, str]]:
    """Axis ticks: (minute, label), at most MAX_TICKS, on round local times."""
    span = scale.hi - scale.lo
    for step in _STEPS:
        size = step if isinstance(step, int) else step[1] * 30 * DAY
        if span / size <= MAX_TICKS:
            break
    found = list(_tick_times(scale, step))
    labels: list[tuple[int, str]] = []
    year = None
    for i, when in enumerate(found):
        text = _tick_label(when, step, show_year=when.year != year, first=i == 0)
        year = when.year
        labels.append((scale.minute(when), text))
    return labels


def _tick_times(scale: Scale, step: int | tuple[str, int]) -> Iterator[datetime]:
    first, last = scale.local(scale.lo), scale.local(scale.hi)
    if isinstance(step, tuple):
        months = step[1]
        y, m = first.year, first.month
        when = datetime(y, m, 1)
        while when <= last:
            if when >= first and (when.month - 1 + when.year * 12) % months == 0:
                yield when
            m += 1
            y, m = (y + 1, 1) if m > 12 else (y, m)
            when = datetime(y, m, 1)
        return
    when = datetime(first.year, first.month, first.day)
    if step < DAY:
        while when < first:
            when += timedelta(minutes=step)
    else:
        while when < first:
            when += timedelta(days=1)
    while when <= last:
        yield when
        when += timedelta(minutes=step)


def _tick_label(
    when: datetime, step: int | tuple[str, int], *, show_year: bool, first: bool
) -> str:
    """A tick's label: the year where it changes, the day where it changes (on the first
    tick and at midnight), the time of day between midnights."""
    month = _MONTHS[when.month - 1]
    if isinstance(step, tuple):
        if step[1] >= 12:
            return str(when.year)
        return f"{month} {when.year}" if show_year or when.month == 1 else month
    day = f"{when.day} {month}" + (f" {when.year}" if show_year else "")
    clock = f"{when.hour:02d}:{when.minute:02d}"
    if step >= DAY or clock == "00:00":
        return day
    return f"{day} {clock}" if first else clock


def short_date(scale: Scale, minute: int) -> str:
    when = scale.local(minute)
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


_KINDS = ("event", "absence", "observation")
# the timeline's part of the page's style. A date beyond the range takes its kind's colour
# (a timeline's text is dark otherwise) and a white outline: the `as of` line, drawn just
# inside the edge, runs through it.
STYLE = """
svg.tl{max-width:100%;height:auto;display:block}
svg.tl text{font:12px system-ui,sans-serif;fill:#1d1d1d} svg.tl text.tick{text-anchor:middle;fill:#444}
svg.tl text.end{text-anchor:end}
svg.tl .grid{stroke:#e6e6e6;fill:none} svg.tl line.edge{stroke:#555;stroke-dasharray:4 3}
svg.tl .h{fill:transparent} svg.tl .row:hover .h{fill:#eef3fb}
.event{fill:#2e7d32} .observation{fill:#1565c0} .absence{fill:#757575}
.deadline{fill:#c62828} .dl{stroke:#c62828;stroke-width:3} .w{fill-opacity:.7}
.out{stroke:#111;stroke-width:1.5}
svg.tl text.far{font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg.tl text.event{fill:#2e7d32} svg.tl text.observation{fill:#1565c0} svg.tl text.absence{fill:#757575}
svg.tl text.deadline{fill:#c62828}
.legend{font-size:.85em;color:#444} .legend span{margin-right:1.1em;white-space:nowrap}
.k{display:inline-block;width:14px;height:9px;margin-right:.35em;vertical-align:middle;border-radius:2px}
.k.ex{width:8px;height:8px;transform:rotate(45deg);border-radius:0}
.k.event{background:#2e7d32} .k.observation{background:#1565c0} .k.absence{background:#757575}
.k.out{border:1.5px solid #111;background:#fff} .k.dl{width:3px;height:14px;background:#c62828}
"""


def render_timeline(s: ScenarioResult) -> str:
    """The `<svg>` timeline of a scenario, with its legend; a sentence when it has none."""
    marks = list(s.timeline)
    if not marks:
        return '<p class="muted">No dated reports or deadlines to draw.</p>'
    scale = scale_for(s)
    cited = _cited(s)
    verdicts = {p.id: p.verdict for p in s.provisions}
    bottom = AXIS + len(marks) * ROW
    out = [
        f'<svg class="tl" viewBox="0 0 {WIDTH} {bottom + FOOT}" width="{WIDTH}" '
        f'role="img" aria-label="timeline of {escape(s.id)}">'
    ]
    axis = ticks(scale)
    grid = "".join(f"M{scale.x(minute):.0f} {AXIS - 6}V{bottom}" for minute, _ in axis)
    out.append(f'<path class="grid" d="{grid}"/>')
    out.extend(
        f'<text class="tick" x="{scale.x(minute):.0f}" y="{AXIS - 10}">{escape(label)}</text>'
        for minute, label in axis
    )
    for i, m in enumerate(marks):
        out.append(_row(m, AXIS + i * ROW, scale, cited.get(m.label, ()), verdicts))
    # both labels end at their line; `as of` goes a line lower when the two are close
    x_in, x_as = scale.x(s.in_force), scale.x(s.as_of_minute)
    close = abs(x_as - x_in) < 150
    for x, name, minute, y in (
        (x_in, "in force", s.in_force, bottom + 16),
        (x_as, "as of", s.as_of_minute, bottom + (32 if close else 16)),
    ):
        out.append(
            f'<line class="edge" x1="{x:.0f}" y1="{AXIS - 6}" x2="{x:.0f}" y2="{y - 12}"/>'
            f'<text class="end" x="{x - 3:.0f}" y="{y}">'
            f"{name} {escape(short_date(scale, minute))}</text>"
        )
    out.append("</svg>")
    return "".join(out) + LEGEND


def _cited(s: ScenarioResult) -> dict[str, list[str]]:
    """Report id → the provisions (or conflicts) whose proof names it."""
    out: dict[str, list[str]] = {}
    for p in s.provisions:
        for b in p.because:
            out.setdefault(b.report, []).append(f"{p.id} ({p.verdict})")
        for b in p.deciding:  # too late, the last change, the change that broke it
            out.setdefault(b.report, []).append(f"{p.id} ({p.verdict}: {b.detail})")
    for i, conflict in enumerate(s.conflicts, 1):
        for b in conflict:
            out.setdefault(b.report, []).append(f"conflict {i}")
    return out


def _row(
    m: Mark, y: int, scale: Scale, cited: list[str] | tuple[()], verdicts: dict[str, str]
) -> str:
    label = m.label if len(m.label) <= LABEL_CHARS else m.label[: LABEL_CHARS - 1] + "…"
    mid = y + ROW // 2
    # attribute values are left unquoted where they need no quotes: the page is large
    parts = [f"<rect class=h y={y} width={WIDTH} height={ROW} />"]
    parts.append(f"<text x={LABEL_X} y={mid + 4}>{escape(label)}</text>")
    title = [f"{m.label}: {m.text}"]
    if m.kind == "deadline":
        pid = m.label.removesuffix(" due")
        title.append(f"the deadline of provision {pid}" + _verdict_of(pid, verdicts))
        parts.append(_deadline(m.lo, mid, scale))
    else:
        title.append(f"{m.kind}, line {m.line}" + (f": {m.detail}" if m.detail else ""))
        if cited:
            title.append("proves or decides: " + ", ".join(cited))
        parts.append(_span(m, mid, scale, bool(cited)))
    return f"<g class=row><title>{escape(chr(10).join(title))}</title>{''.join(parts)}</g>"


def _verdict_of(pid: str, verdicts: dict[str, str]) -> str:
    return f" ({verdicts[pid]})" if pid in verdicts else ""


def _deadline(minute: int, mid: int, scale: Scale) -> str:
    if minute > scale.hi or minute < scale.lo:
        return _beyond(minute, mid, scale, "deadline")
    x = scale.x(minute)
    return f'<path class=dl d="M{x:.0f} {mid - 8}V{mid + 8}"/>'


def _span(m: Mark, mid: int, scale: Scale, cited: bool) -> str:
    kind = m.kind if m.kind in _KINDS else "event"
    if cited:
        kind += " out"
    if m.lo > scale.hi or m.hi < scale.lo:
        return _beyond(m.lo if m.lo > scale.hi else m.hi, mid, scale, kind)
    x1, x2 = scale.x(m.lo), scale.x(m.hi)
    out = []
    if x2 - x1 < 4:  # an exact minute, or a window too short to draw: a diamond
        x = (x1 + x2) / 2
        out.append(f'<path class="{kind}" d="M{x:.0f} {mid - 6}l6 6-6 6-6-6z"/>')
    else:
        out.append(
            f'<rect class="{kind} w" x="{x1:.0f}" y="{mid - 5}" width="{x2 - x1:.0f}" '
            f'height="10" rx="3"/>'
        )
    if m.hi > scale.hi:
        out.append(_arrow(PLOT_R, mid, 1, kind))
    if m.lo < scale.lo:
        out.append(_arrow(PLOT_L, mid, -1, kind))
    return "".join(out)


def _arrow(x: float, mid: int, direction: int, kind: str) -> str:
    tip = x + 9 * direction
    return f'<path class="{kind}" d="M{x:.0f} {mid - 5}L{tip:.0f} {mid}L{x:.0f} {mid + 5}z"/>'


def _beyond(minute: int, mid: int, scale: Scale, kind: str) -> str:
    """A mark outside the range: an arrow at that edge, with its date beside it."""
    after = minute > scale.hi
    x, text_x, anchor = (PLOT_R, PLOT_R - 4, " end") if after else (PLOT_L, PLOT_L + 4, "")
    return (
        _arrow(x, mid, 1 if after else -1, kind)
        + f'<text class="far{anchor} {kind.split()[0]}" x="{text_x:.0f}" y="{mid + 4}">'
        f"{escape(short_date(scale, minute))}</text>"
    )


LEGEND = (
    '<p class="legend">'
    '<span><i class="k ex event"></i>event at an exact minute</span>'
    '<span><i class="k event"></i>event in an uncertain window</span>'
    '<span><i class="k observation"></i>observation</span>'
    '<span><i class="k absence"></i>reported absence</span>'
    '<span><i class="k out"></i>outlined: proves or decides a verdict</span>'
    '<span><i class="k dl"></i>deadline</span>'
    "<span>▸ beyond the range drawn, with its date</span>"
    "<span>hover a row for its details</span></p>"
)
