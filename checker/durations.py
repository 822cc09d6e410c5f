"""Stage 3 helper: durations (SPEC §2), read and added to a minute.

Input: duration texts (`9 months 15 days`, `P1DT12H`) and a zone. Output:
`Duration`s whose parts are added left to right — months and days on the
calendar of the zone (days keep the wall-clock time across clock changes),
hours and minutes as elapsed time. The window ends that follow from an anchor
minute are `checker.shifts`.
Guarantee: pure, stdlib only; unreadable input raises `TimeError`.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, timedelta, timezone
from typing import Literal

from checker.records import record
from checker.timeutil import (
    TimeError,
    Zone,
    from_instant,
    show,
    wall_to_instant,
)

DAY = 24 * 60
Unit = Literal["months", "days", "minutes"]

# Beyond these a duration is surely a typo, and calendar arithmetic would leave
# the years datetime can represent anyway.
_MAX_MONTHS = 12 * 10_000
_MAX_MINUTES = 10_000 * 366 * DAY


@record(frozen=True)
class Duration:
    """A length of time: parts added left to right, as written.

    `months` parts move the local date (years are 12 months), `days` parts the
    local date keeping the wall-clock time (weeks are 7 days), `minutes` parts
    add elapsed minutes (hours are 60).
    """

    parts: tuple[tuple[Unit, int], ...] = ()
    text: str = ""  # as written, for messages

    @staticmethod
    def of(months: int = 0, days: int = 0, minutes: int = 0, text: str = "") -> Duration:
        parts: list[tuple[Unit, int]] = []
        for unit, n in (("months", months), ("days", days), ("minutes", minutes)):
            if n:
                parts.append((unit, n))  # type: ignore[arg-type]
        return Duration(tuple(parts), text)

    def total(self, unit: Unit) -> int:
        return sum(n for u, n in self.parts if u == unit)

    @property
    def months(self) -> int:
        return self.total("months")

    @property
    def days(self) -> int:
        return self.total("days")

    @property
    def minutes(self) -> int:
        return self.total("minutes")

    @property
    def is_calendar(self) -> bool:
        """It has months or years, which need a fixed date to start from."""
        return self.months != 0

    @property
    def is_zero(self) -> bool:
        return all(n == 0 for _, n in self.parts)

    def most(self) -> int:
        """An upper bound of how far the duration can move a minute (no months)."""
        return self.days * DAY + self.minutes + (2 * 60 if self.days else 0)


_UNITS: dict[str, tuple[Unit, int]] = {
    "minute": ("minutes", 1),
    "hour": ("minutes", 60),
    "day": ("days", 1),
    "week": ("days", 7),
    "month": ("months", 1),
    "year": ("months", 12),
}
_WORDS_PART_RE = re.compile(r"(?:\s*[0-9]{1,12}\s*[a-z]+)+\s*")
_WORDS_PAIR_RE = re.compile(r"([0-9]+)\s*([a-z]+)")
_WORDS_SEP_RE = re.compile(r"\s*,\s*|\s+and\s+")
_ISO_RE = re.compile(
    r"p(?:([0-9]{1,12})y)?(?:([0-9]{1,12})m)?(?:([0-9]{1,12})w)?(?:([0-9]{1,12})d)?"
    r"(?:t(?:([0-9]{1,12})h)?(?:([0-9]{1,12})m)?(?:([0-9]{1,12})s)?)?"
)
_FRACTION_RE = re.compile(r"([0-9]+)[.,]([0-9]+)\s*([a-z]+)")
_ISO_FRACTION_RE = re.compile(r"p(?:t?[0-9]*[.,]?[0-9]*[ymwdhs])*t?[0-9]*[.,][0-9]+[ymwdhs].*")
# How a fraction of each unit is written in the next smaller one (the hint only).
_SMALLER = {
    "year": ("month", 12),
    "month": ("day", 30),
    "week": ("day", 7),
    "day": ("hour", 24),
    "hour": ("minute", 60),
}


def parse_duration(value: str) -> Duration:
    """`14 days`, `9 months 15 days`, `72 hours` ... or ISO 8601 `P9M15D`, `PT72H`, `P2W`."""
    if not isinstance(value, str):
        raise TimeError("T301", value=show(value), what="duration")
    text = value.strip()
    s = text.lower()
    if iso := _ISO_RE.fullmatch(s):
        parts = _iso_parts(iso, s, value)
    else:
        parts = _word_parts(s, value)
    d = Duration(tuple(parts), text)
    if d.months > _MAX_MONTHS or d.days * DAY + d.minutes > _MAX_MINUTES:
        raise TimeError("T301", value=value, what="duration")
    return d


def _iso_parts(iso: re.Match[str], s: str, value: str) -> list[tuple[Unit, int]]:
    bad = TimeError("T301", value=value, what="duration")
    y, mo, w, d, h, mi, sec = (int(g) if g is not None else None for g in iso.groups())
    if all(g is None for g in (y, mo, w, d, h, mi, sec)) or s.endswith("t"):
        raise bad
    if sec is not None and sec % 60:
        raise bad
    parts: list[tuple[Unit, int]] = []
    if y is not None or mo is not None:
        parts.append(("months", 12 * (y or 0) + (mo or 0)))
    if w is not None or d is not None:
        parts.append(("days", 7 * (w or 0) + (d or 0)))
    if h is not None or mi is not None or sec is not None:
        parts.append(("minutes", 60 * (h or 0) + (mi or 0) + (sec or 0) // 60))
    return parts


def _word_parts(s: str, value: str) -> list[tuple[Unit, int]]:
    bad = TimeError("T301", value=value, what="duration")
    pieces = _WORDS_SEP_RE.split(s)
    if not all(_WORDS_PART_RE.fullmatch(p) for p in pieces):
        _refuse_fraction(s, value)
        raise bad
    seen: set[str] = set()
    parts: list[tuple[Unit, int]] = []
    for piece in pieces:
        for number, word in _WORDS_PAIR_RE.findall(piece):
            unit = word[:-1] if word.endswith("s") else word
            if unit not in _UNITS or unit in seen:
                raise bad
            seen.add(unit)
            kind, per = _UNITS[unit]
            parts.append((kind, int(number) * per))
    return parts


def _refuse_fraction(s: str, value: str) -> None:
    """`9.5 months` is refused with the compound form to write instead (T307)."""
    if _ISO_FRACTION_RE.fullmatch(s):
        raise TimeError("T307", value=value, hint="write whole numbers, e.g. `P9M15D`")
    m = _FRACTION_RE.search(s)
    if m is None:
        return
    whole, digits, word = m.groups()
    unit = word[:-1] if word.endswith("s") else word
    if unit not in _UNITS:
        return
    if unit not in _SMALLER:
        raise TimeError("T307", value=value, hint="the smallest unit is one minute")
    smaller, per = _SMALLER[unit]
    rest = round(float(f"0.{digits}") * per)
    written = f"{whole} {unit}{'s' if whole != '1' else ''}"
    if rest:
        written += f" {rest} {smaller}{'s' if rest != 1 else ''}"
    note = " (a month is not a fixed number of days: use the days the text means)"
    raise TimeError(
        "T307",
        value=value,
        hint=f"write the parts, e.g. `{written}`" + (note if unit == "month" else ""),
    )


# --------------------------------------------------------------------------- arithmetic


def _add_months(m: int, months: int, zone: Zone) -> int:
    local = from_instant(m, zone).replace(tzinfo=None)
    index = local.year * 12 + (local.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    # The wall time is kept even where the clocks skip it on the new date: the
    # period was fixed by the text, so the arithmetic must not fail.
    return wall_to_instant(local.replace(year=year, month=month, day=day), zone)


def _add_days(m: int, days: int, zone: Zone) -> int:
    """`days` calendar days in `zone`: the same wall-clock time that many dates later."""
    if isinstance(zone, timezone) or zone is UTC:
        return m + days * DAY
    local = from_instant(m, zone).replace(tzinfo=None)
    return wall_to_instant(local + timedelta(days=days), zone)


def add_duration(m: int, d: Duration, zone: Zone, *, sign: int = 1) -> int:
    """`m` plus (sign=1) or minus (sign=-1) `d`.

    The parts are applied left to right; subtracting applies them right to left,
    so add-then-subtract returns to `m` unless a day was clamped or a wall time
    skipped.
    """
    if sign not in (1, -1):
        raise ValueError(f"sign must be 1 or -1, not {sign!r}")
    parts = d.parts if sign == 1 else tuple(reversed(d.parts))
    try:
        for unit, n in parts:
            if unit == "months":
                m = _add_months(m, sign * n, zone) if n else m
            elif unit == "days":
                m = _add_days(m, sign * n, zone) if n else m
            else:
                m += sign * n
        return m
    except (OverflowError, ValueError) as err:
        raise TimeError("T301", value=d.text or show(d.parts), what="duration") from err


_YEARS_WRITTEN_RE = re.compile(r"[0-9]\s*y", re.IGNORECASE)


def require_exact(d: Duration) -> None:
    """Refuse a calendar duration where an offset from an uncertain event is needed."""
    if d.is_calendar:
        unit = "years" if _YEARS_WRITTEN_RE.search(d.text) else "months"
        raise TimeError("T304", unit=unit)
