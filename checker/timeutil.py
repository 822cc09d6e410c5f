"""Stage 3 helper: reads the dates, times and zones of SPEC §2.

Input: YAML values (date strings, a year as int, zone names) and a zone.
Output: instants as int minutes since 1970-01-01T00:00Z, closed intervals of them.
Guarantee: pure, stdlib only; unreadable user input raises `TimeError` (a T3xx code), nothing else.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

Zone = tzinfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)
_SECOND = timedelta(seconds=1)
_DAY_MINUTES = 24 * 60


class TimeError(Exception):
    """Raised for unreadable input; .code is a diagnostic code, .params the template params."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params: dict[str, Any] = params


# --------------------------------------------------------------------------- zones

# Offsets are written with two-digit hours; "+3:00" and "UTC+3" are refused so
# that one spelling means one thing.
_OFFSET_RE = re.compile(r"([+-])([0-9]{2})(?::?([0-9]{2}))?")


def _offset(sign: str, hours: str, minutes: str | None) -> timedelta | None:
    h, m = int(hours), int(minutes or "0")
    if h > 23 or m > 59:
        return None
    delta = timedelta(hours=h, minutes=m)
    return -delta if sign == "-" else delta


@lru_cache(maxsize=1)
def _zone_names_by_lower() -> dict[str, str]:
    import zoneinfo

    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _iana(name: str) -> Zone | None:
    import zoneinfo  # (here: most terms give their zone as an offset, and a run needs none)

    try:
        return zoneinfo.ZoneInfo(name)
    # ZoneInfo reports bad keys as ValueError (paths, NUL), KeyError subclass
    # (unknown) or OSError (a directory such as "Europe").
    except (ValueError, KeyError, OSError):
        return None


def parse_zone(text: str) -> Zone:
    """`"+03:00"`, `"-0530"`, `"Z"`, `"UTC"` or an IANA name such as `Europe/Moscow`."""
    if not isinstance(text, str):
        raise TimeError("T302", value=show(text))
    s = text.strip()
    if s.upper() in ("Z", "UTC"):
        return UTC
    m = _OFFSET_RE.fullmatch(s)
    if m:
        delta = _offset(*m.groups())
        if delta is None:
            raise TimeError("T302", value=text)
        return timezone(delta)
    if not s or s.startswith(("/", ".")) or ".." in s:
        raise TimeError("T302", value=text)
    zone = _iana(s)
    if zone is None:
        # Zone files are case-sensitive on most systems; users are not.
        canonical = _zone_names_by_lower().get(s.lower())
        zone = _iana(canonical) if canonical else None
    if zone is None:
        raise TimeError("T302", value=text)
    return zone


def zone_name(zone: Zone) -> str:
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else str(zone)


# --------------------------------------------------------------------------- instants


def to_instant(dt: datetime) -> int:
    """An aware datetime as minutes since the epoch (floored to its minute)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt!r}: a zone is needed to place it in time")
    return (dt - _EPOCH) // _MINUTE


def from_instant(m: int, zone: Zone) -> datetime:
    """The aware datetime of instant `m`, as the clocks of `zone` show it."""
    return (_EPOCH + timedelta(minutes=m)).astimezone(zone)


def format_instant(m: int, zone: Zone) -> str:
    """ISO 8601 to the minute with the zone's offset at that instant: `2020-11-20T23:59+03:00`."""
    return from_instant(m, zone).isoformat(timespec="minutes")


def local_date(m: int, zone: Zone) -> date:
    return from_instant(m, zone).date()


@lru_cache(maxsize=4096)  # (a library's reports fall on the same days again and again)
def day_start(day: date, zone: Zone) -> int:
    """The first minute whose local date in `zone` is `day` (or later, if the day is skipped)."""
    midnight = datetime.combine(day, time(), tzinfo=zone)
    seconds = (midnight - _EPOCH) // _SECOND
    # Ceiling: with a historic offset that has seconds, the minute containing
    # midnight still shows the previous day.
    guess = -(-seconds // 60)
    if local_date(guess, zone) >= day > local_date(guess - 1, zone):
        return guess
    # Midnight falls in a DST gap that does not start at midnight itself:
    # search, knowing an offset never moves a day by two.
    lo, hi = guess - 2 * _DAY_MINUTES, guess + 2 * _DAY_MINUTES
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if local_date(mid, zone) >= day:
            hi = mid
        else:
            lo = mid
    return hi


def day_end(m: int, zone: Zone) -> int:
    """The last minute of the local day (in `zone`) that contains instant `m`."""
    return max(m, day_start(local_date(m, zone) + timedelta(days=1), zone) - 1)


def wall_to_instant(local: datetime, zone: Zone) -> int:
    """A naive local wall time read in `zone`.

    An ambiguous wall time (the repeated hour when clocks go back) is its first
    occurrence, as PEP 495's fold=0 says; one the clocks skip is read with the
    offset before the jump (so it lands after the gap, later by its length).
    """
    return to_instant(local.replace(tzinfo=zone, fold=0))


def _exists(local: datetime, zone: Zone) -> bool:
    """Whether the clocks of `zone` ever show the naive wall time `local`."""
    aware = local.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


# --------------------------------------------------------------------------- dates

_YEAR_RE = re.compile(r"([0-9]{4})")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
    r" ?(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?"
)

_DAY, _MONTH, _YEAR, _EXACT = "day", "month", "year", "minute"

# instants printable in every zone: a day inside datetime's range at each end
_PRINTABLE = (
    (datetime(1, 1, 3, tzinfo=UTC) - _EPOCH) // _MINUTE,
    (datetime(9999, 12, 29, tzinfo=UTC) - _EPOCH) // _MINUTE,
)


def _span(value: object, zone: Zone, what: str, allowed: frozenset[str]) -> tuple[str, int, int]:
    """Read a date form: its kind and the closed interval of minutes it covers."""
    try:
        kind, lo, hi = _span_unguarded(value, zone, what, allowed)
        # Every instant handed out must be printable in messages, in any zone (only
        # the first and last days that datetime holds can fail: offsets are < 1 day).
        if not _PRINTABLE[0] <= lo <= hi <= _PRINTABLE[1]:
            for m in (lo, hi):
                for shown_in in (zone, UTC):
                    from_instant(m, shown_in)
        return kind, lo, hi
    except (OverflowError, ValueError) as err:
        # Impossible dates (30 February) and years at the edge of what datetime holds.
        raise TimeError("T301", value=show(value), what=what) from err


def _span_unguarded(
    value: object, zone: Zone, what: str, allowed: frozenset[str]
) -> tuple[str, int, int]:
    def bad() -> TimeError:  # (made only when raised: it formats its message)
        return TimeError("T301", value=show(value), what=what)

    if isinstance(value, bool):
        raise bad()
    if isinstance(value, int):
        if _YEAR not in allowed or not 1 <= value <= 9999:
            raise bad()
        text = f"{value:04d}"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise bad()

    if m := _DATETIME_RE.fullmatch(text):
        if _EXACT not in allowed:
            raise bad()
        minute = _datetime_minute(m, zone, value, what)
        return _EXACT, minute, minute
    if m := _DATE_RE.fullmatch(text):
        if _DAY not in allowed:
            raise bad()
        day = date(int(m[1]), int(m[2]), int(m[3]))
        lo, hi = day_start(day, zone), day_start(day + timedelta(days=1), zone) - 1
        if hi < lo:
            # A whole day the zone skipped (Pacific/Apia, 2011-12-30) holds no minute.
            raise TimeError(
                "T301", value=show(value), what=f"date in {zone_name(zone)} (the clocks skip it)"
            )
        return _DAY, lo, hi
    if m := _MONTH_RE.fullmatch(text):
        if _MONTH not in allowed:
            raise bad()
        first = date(int(m[1]), int(m[2]), 1)
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return _MONTH, day_start(first, zone), day_start(after, zone) - 1
    if m := _YEAR_RE.fullmatch(text):
        if _YEAR not in allowed:
            raise bad()
        first = date(int(m[1]), 1, 1)
        return _YEAR, day_start(first, zone), day_start(date(first.year + 1, 1, 1), zone) - 1
    raise bad()


def _datetime_minute(m: re.Match[str], zone: Zone, value: object, what: str) -> int:
    def bad() -> TimeError:
        return TimeError("T301", value=show(value), what=what)

    y, mo, d, hh, mi = (int(m[i]) for i in range(1, 6))
    # The resolution is one minute: silently dropping seconds would move the event.
    if m[6] is not None and int(m[6]) != 0:
        raise bad()
    day = date(y, mo, d)
    # ISO 8601's 24:00 is the end of the day, i.e. 00:00 of the next; agreements use it.
    if hh == 24 and mi == 0:
        day, hh = day + timedelta(days=1), 0
    if hh > 23 or mi > 59:
        raise bad()
    local = datetime.combine(day, time(hh, mi))
    if m[7]:
        return to_instant(local.replace(tzinfo=UTC))
    if m[8]:
        delta = _offset(m[8], m[9], m[10])
        if delta is None:
            raise bad()
        return to_instant(local.replace(tzinfo=timezone(delta)))
    if not _exists(local, zone):
        # A written time the clocks skip is a mistake in the report, not a
        # minute to guess; an offset in the text says which one was meant.
        raise TimeError(
            "T301",
            value=show(value),
            what=f"local time in {zone_name(zone)} (the clocks skip it)",
        )
    return wall_to_instant(local, zone)


_POINT = frozenset({_DAY, _EXACT})
_ANY = frozenset({_DAY, _MONTH, _YEAR, _EXACT})


def parse_point(value: str | int, zone: Zone, *, end: bool) -> int:
    """A window end point: a bare date is its first minute, or its last if `end`.

    A datetime is its exact minute; an offset written in it wins over `zone`.
    """
    _, lo, hi = _span(value, zone, "date", _POINT)
    return hi if end else lo


def window_from(value: str | int, zone: Zone) -> int:
    """`from: D`: the first minute of D (or the datetime's minute)."""
    return parse_point(value, zone, end=False)


def window_until(value: str | int, zone: Zone) -> int:
    """`until: D` / `by: D`: the last minute of D (or the datetime's minute)."""
    return parse_point(value, zone, end=True)


def window_before(value: str | int, zone: Zone) -> int:
    """`before: D`: the last minute of the day before D (or the minute before a datetime)."""
    return parse_point(value, zone, end=False) - 1


def parse_exact_time(value: str, zone: Zone) -> int:
    """A scenario `time:`: a date with a time of day, as one exact minute."""
    _, lo, _ = _span(value, zone, "time", frozenset({_EXACT}))
    return lo


_RANGE_KEYS = ("from", "to", "after", "before")


def parse_date_range(
    value: object, zone: Zone, *, default_lo: int, default_hi: int
) -> tuple[int, int]:
    """A scenario `date:` as the closed interval of minutes it allows.

    A day, month, year or datetime covers itself; a mapping takes `from`/`after`
    for its start and `to`/`before` for its end (`after`/`before` exclusive), an
    absent side taking the default.
    """
    if not isinstance(value, dict):
        _, lo, hi = _span(value, zone, "date", _ANY)
        return lo, hi

    def bad() -> TimeError:
        return TimeError("T301", value=show(value), what="date window")

    keys = set(value)
    if not keys or not keys <= set(_RANGE_KEYS) or {"from", "after"} <= keys:
        raise bad()
    if {"to", "before"} <= keys:
        raise bad()
    if any(isinstance(v, bool) or not isinstance(v, str | int) for v in value.values()):
        raise bad()
    lo, hi = default_lo, default_hi
    if "from" in keys:
        lo = _span(value["from"], zone, "date", _ANY)[1]
    if "after" in keys:
        lo = _span(value["after"], zone, "date", _ANY)[2] + 1
    if "to" in keys:
        hi = _span(value["to"], zone, "date", _ANY)[2]
    if "before" in keys:
        hi = _span(value["before"], zone, "date", _ANY)[1] - 1
    if lo > hi:
        defaulted = " (its open side is the default)" if len(keys) == 1 else ""
        raise TimeError(
            "T303",
            detail=f"`{show(value)}` would run from {format_instant(lo, zone)}"
            f" to {format_instant(hi, zone)}{defaulted}",
        )
    return lo, hi


# --------------------------------------------------------------------------- display


def show(value: object) -> str:
    """A value as the user wrote it in YAML (flow style), for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


def utc_offset(m: int, zone: Zone) -> int:
    """The zone's offset from UTC at instant `m`, in whole minutes (floored)."""
    offset = from_instant(m, zone).utcoffset()
    assert offset is not None
    return offset // _MINUTE
