"""Durations (SPEC §2): parts added left to right, days on the calendar of the zone, the
shifts of relative window ends, and fractions refused with the compound form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.durations import Duration, add_duration, parse_duration, require_exact
from checker.shifts import Shift, transitions
from checker.timeutil import (
    Zone,
    format_instant,
    from_instant,
    parse_exact_time,
    to_instant,
    window_from,
)

from .test_timeutil import fails

MSK = timezone(timedelta(hours=3))
BERLIN = ZoneInfo("Europe/Berlin")
KYIV = ZoneInfo("Europe/Kyiv")


ZONES = st.sampled_from(
    [
        UTC,
        MSK,
        timezone(-timedelta(hours=5, minutes=30)),
        BERLIN,
        KYIV,
        ZoneInfo("America/New_York"),
        ZoneInfo("America/Santiago"),
        ZoneInfo("Australia/Lord_Howe"),  # a half-hour DST shift
        ZoneInfo("Pacific/Apia"),  # skipped a whole day in 2011
    ]
)
MINUTES = st.integers(min_value=-10_519_200, max_value=68_374_080)
DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


# --------------------------------------------------------------------------- durations

DAY = 1440


@pytest.mark.parametrize(
    ("text", "months", "minutes"),
    [
        ("14 days", 0, 14 * DAY),
        ("1 day", 0, DAY),
        ("1 days", 0, DAY),
        ("72 hours", 0, 72 * 60),
        ("1 hour", 0, 60),
        ("2 weeks", 0, 14 * DAY),
        ("1 week", 0, 7 * DAY),
        ("6 months", 6, 0),
        ("1 month", 1, 0),
        ("5 years", 60, 0),
        ("1 year", 12, 0),
        ("90 minutes", 0, 90),
        ("1 minute", 0, 1),
        ("0 days", 0, 0),
        ("14 DAYS", 0, 14 * DAY),
        ("14 Days", 0, 14 * DAY),
        ("  14   days  ", 0, 14 * DAY),
        ("14days", 0, 14 * DAY),
        ("1 year 6 months", 18, 0),
        ("1 year, 6 months", 18, 0),
        ("1 year and 6 months", 18, 0),
        ("2 days 12 hours", 0, 60 * 60),
        ("P5Y", 60, 0),
        ("P14D", 0, 14 * DAY),
        ("P1Y6M", 18, 0),
        ("PT72H", 0, 72 * 60),
        ("P2W", 0, 14 * DAY),
        ("P1DT12H", 0, 36 * 60),
        ("PT30M", 0, 30),
        ("P1M", 1, 0),
        ("PT1M", 0, 1),
        ("P1MT1M", 1, 1),
        ("P1Y2M3DT4H5M", 14, 3 * DAY + 4 * 60 + 5),
        ("PT120S", 0, 2),
        ("P0D", 0, 0),
        ("p5y", 60, 0),
        (" P14D ", 0, 14 * DAY),
    ],
)
def test_durations(text: str, months: int, minutes: int) -> None:
    d = parse_duration(text)
    assert (d.months, d.days * DAY + d.minutes) == (months, minutes)
    assert d.text == text.strip()
    assert d.is_calendar == (months != 0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "days",
        "14",
        "-5 days",
        "+5 days",
        "½ day",
        "14 dayz",
        "14 d",
        "5 yrs",
        "14 seconds",
        "1 day 2 days",
        "1 year,",
        "and 1 year",
        "1 year and",
        "P",
        "PT",
        "P1YT",
        "P-1D",
        "P1D2Y",
        "PT30S",
        "PT1H30",
        "P1H",
        "T1H",
        "P5Y ago",
        "99999 years",
        "9999999999999 days",
        "١٤ days",
    ],
)
def test_bad_durations(text: str) -> None:
    err = fails("T301", parse_duration, text)
    assert err.params == {"value": text, "what": "duration"}


@pytest.mark.parametrize("value", [14, None, 1.5, ["14 days"]])
def test_durations_must_be_text(value: object) -> None:
    err = fails("T301", parse_duration, value)
    assert err.params["what"] == "duration"


def test_duration_defaults() -> None:
    d = Duration()
    assert (d.months, d.days, d.minutes, d.text, d.is_calendar, d.is_zero) == (
        0,
        0,
        0,
        "",
        False,
        True,
    )
    assert Duration.of(months=1).is_calendar


# --------------------------------------------------------------------------- arithmetic


def add(start: str, duration: str, zone: Zone = MSK, sign: int = 1) -> str:
    m = add_duration(window_from(start, zone), parse_duration(duration), zone, sign=sign)
    return format_instant(m, zone)


def test_exact_additions() -> None:
    assert add("2020-11-10T00:00", "14 days") == "2020-11-24T00:00+03:00"
    assert add("2020-11-10T00:00", "72 hours") == "2020-11-13T00:00+03:00"
    assert add("2020-11-10T00:00", "90 minutes") == "2020-11-10T01:30+03:00"
    assert add("2020-11-10T00:00", "2 weeks") == "2020-11-24T00:00+03:00"
    assert add("2020-11-10T00:00", "P1DT12H") == "2020-11-11T12:00+03:00"
    assert add("2020-11-10T00:00", "0 days") == "2020-11-10T00:00+03:00"


def test_calendar_additions() -> None:
    assert add("2020-11-10T00:00", "5 years") == "2025-11-10T00:00+03:00"
    assert add("2020-11-10T00:00", "P5Y") == "2025-11-10T00:00+03:00"
    assert add("2020-11-10T00:00", "6 months") == "2021-05-10T00:00+03:00"
    assert add("2020-11-10T05:45", "2 months") == "2021-01-10T05:45+03:00"
    assert add("2020-11-10T00:00", "P1Y6M") == "2022-05-10T00:00+03:00"
    assert add("2020-11-10T00:00", "P1MT1H") == "2020-12-10T01:00+03:00"


def test_end_of_month_clamping() -> None:
    assert add("2021-01-31", "1 month") == "2021-02-28T00:00+03:00"
    assert add("2020-01-31", "1 month") == "2020-02-29T00:00+03:00"
    assert add("2020-03-31", "1 month") == "2020-04-30T00:00+03:00"
    assert add("2020-08-31", "6 months") == "2021-02-28T00:00+03:00"
    assert add("2020-01-31T13:20", "1 month") == "2020-02-29T13:20+03:00"


def test_leap_years() -> None:
    assert add("2020-02-29", "1 year") == "2021-02-28T00:00+03:00"
    assert add("2020-02-29", "4 years") == "2024-02-29T00:00+03:00"
    assert add("2020-02-29", "P1Y") == "2021-02-28T00:00+03:00"
    assert add("2021-02-28", "1 year", sign=-1) == "2020-02-28T00:00+03:00"
    assert add("2021-03-01", "1 year", sign=-1) == "2020-03-01T00:00+03:00"
    assert add("2100-02-28", "1 day") == "2100-03-01T00:00+03:00"  # 2100 is not a leap year


def test_subtraction() -> None:
    # The mandate's notice deadline, E - before_end (SPEC §3.4).
    assert add("2025-11-10T00:00", "6 months", sign=-1) == "2025-05-10T00:00+03:00"
    assert add("2021-03-31", "1 month", sign=-1) == "2021-02-28T00:00+03:00"
    assert add("2020-11-10T00:00", "14 days", sign=-1) == "2020-10-27T00:00+03:00"
    assert add("2021-01-01T00:30", "P1MT1H", sign=-1) == "2020-11-30T23:30+03:00"


def test_the_flagship_mandate_terms() -> None:
    start = window_from("2020-11-10T00:00+03:00", MSK)
    five = parse_duration("5 years")
    e1 = add_duration(start, five, MSK)
    e2 = add_duration(e1, five, MSK)
    assert format_instant(e1, MSK) == "2025-11-10T00:00+03:00"
    assert format_instant(e2, MSK) == "2030-11-10T00:00+03:00"
    notice_by = add_duration(e1, parse_duration("6 months"), MSK, sign=-1)
    assert format_instant(notice_by, MSK) == "2025-05-10T00:00+03:00"


def test_calendar_additions_keep_the_local_wall_time_across_dst() -> None:
    # Winter (+01:00) to summer (+02:00): the clock still says 12:00.
    assert add("2020-01-15T12:00", "3 months", BERLIN) == "2020-04-15T12:00+02:00"
    assert add("2020-04-15T12:00", "3 months", BERLIN, sign=-1) == "2020-01-15T12:00+01:00"
    # Days are calendar days (SPEC §2): the 23-hour day still ends at 12:00; hours elapse.
    assert add("2020-03-28T12:00", "1 day", BERLIN) == "2020-03-29T12:00+02:00"
    assert add("2020-03-28T12:00", "24 hours", BERLIN) == "2020-03-29T13:00+02:00"


def test_calendar_addition_onto_a_skipped_wall_time_does_not_fail() -> None:
    # 02:30 does not exist on 2020-03-29 in Berlin; the result lands just after the gap.
    m = add_duration(
        parse_exact_time("2020-02-29T02:30", BERLIN), parse_duration("1 month"), BERLIN
    )
    assert format_instant(m, BERLIN) == "2020-03-29T03:30+02:00"


def test_add_duration_rejects_a_bad_sign() -> None:
    with pytest.raises(ValueError):
        add_duration(0, parse_duration("1 day"), MSK, sign=2)


def test_arithmetic_past_the_calendar_is_an_input_error() -> None:
    far = window_from("9990-01-01", MSK)
    err = fails("T301", add_duration, far, parse_duration("100 years"), MSK)
    assert err.params == {"value": "100 years", "what": "duration"}


# --------------------------------------------------------------------------- require_exact


@pytest.mark.parametrize("text", ["5 days", "72 hours", "2 weeks", "90 minutes", "P14D", "PT1M"])
def test_exact_offsets_are_allowed_from_events(text: str) -> None:
    require_exact(parse_duration(text))


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("6 months", "months"),
        ("1 month", "months"),
        ("P6M", "months"),
        ("P1MT1H", "months"),
        ("5 years", "years"),
        ("1 Year", "years"),
        ("P5Y", "years"),
        ("P1Y6M", "years"),
        ("1 year 6 months", "years"),
    ],
)
def test_calendar_offsets_are_refused_from_events(text: str, unit: str) -> None:
    err = fails("T304", require_exact, parse_duration(text))
    assert err.params == {"unit": unit}


def test_require_exact_without_text() -> None:
    assert fails("T304", require_exact, Duration.of(months=24)).params == {"unit": "months"}


# --------------------------------------------------------------------------- properties


@given(DATES, st.integers(min_value=0, max_value=1439), st.integers(0, 600), ZONES)
def test_adding_then_subtracting_months_is_within_clamping(
    day: date, minute_of_day: int, months: int, zone: Zone
) -> None:
    local = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute_of_day)
    m = to_instant(local.replace(tzinfo=zone))
    d = Duration.of(months=months, text=f"{months} months")
    back = add_duration(add_duration(m, d, zone), d, zone, sign=-1)
    was, now = from_instant(m, zone), from_instant(back, zone)
    assert (now.year, now.month) == (was.year, was.month)
    assert now.day <= was.day
    if was.day <= 28 and fixed_offset(zone):
        assert back == m


def fixed_offset(zone: Zone) -> bool:
    return isinstance(zone, timezone)


@given(MINUTES, st.integers(0, 10**6), ZONES)
def test_exact_durations_add_and_subtract_exactly(m: int, minutes: int, zone: Zone) -> None:
    d = Duration.of(minutes=minutes)
    assert add_duration(m, d, zone) == m + minutes
    assert add_duration(m, d, zone, sign=-1) == m - minutes


@given(MINUTES, st.integers(0, 1200), ZONES)
def test_month_addition_is_monotonic(m: int, months: int, zone: Zone) -> None:
    d = Duration.of(months=months)
    assert add_duration(m, d, zone) >= m
    assert add_duration(m, d, zone, sign=-1) <= m


@given(
    st.integers(0, 10_000),
    st.sampled_from(["minute", "hour", "day", "week", "month", "year"]),
    st.booleans(),
    st.booleans(),
)
def test_word_durations(n: int, unit: str, plural: bool, upper: bool) -> None:
    text = f"{n} {unit}{'s' if plural else ''}"
    d = parse_duration(text.upper() if upper else text)
    per = {"minute": 1, "hour": 60, "day": DAY, "week": 7 * DAY, "month": 0, "year": 0}
    assert d.days * DAY + d.minutes == n * per[unit]
    assert d.months == {"month": n, "year": 12 * n}.get(unit, 0)


@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99))
def test_iso_durations_match_words(y: int, mo: int, d: int, h: int) -> None:
    iso = parse_duration(f"P{y}Y{mo}M{d}DT{h}H")
    words = parse_duration(f"{y} years {mo} months {d} days {h} hours")
    assert (iso.months, iso.days, iso.minutes) == (words.months, words.days, words.minutes)


# --------------------------------------------------------------------------- compound, fractions


def test_compound_durations_add_left_to_right() -> None:
    d = parse_duration("9 months 15 days")
    assert d.parts == (("months", 9), ("days", 15))
    assert parse_duration("P9M15D").parts == d.parts
    assert add("2020-01-31", "1 month 1 day") == "2020-03-01T00:00+03:00"  # 29 Feb, then 1 Mar
    assert add("2020-01-31", "1 day 1 month") == "2020-03-01T00:00+03:00"  # 1 Feb, then 1 Mar
    assert add("2020-01-30", "1 month 1 day") == "2020-03-01T00:00+03:00"
    assert add("2020-01-30", "1 day 1 month") == "2020-02-29T00:00+03:00"  # 31 Jan -> 29 Feb
    assert add("2020-11-10T00:00", "1 day 12 hours") == "2020-11-11T12:00+03:00"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("9.5 months", "write the parts, e.g. `9 months 15 days`"),
        ("1.5 years", "write the parts, e.g. `1 year 6 months`"),
        ("1,5 days", "write the parts, e.g. `1 day 12 hours`"),
        ("2.5 hours", "write the parts, e.g. `2 hours 30 minutes`"),
        ("0.5 minutes", "the smallest unit is one minute"),
        ("P1.5Y", "write whole numbers, e.g. `P9M15D`"),
    ],
)
def test_fractions_are_refused_with_the_compound_form(text: str, hint: str) -> None:
    err = fails("T307", parse_duration, text)
    assert err.params["value"] == text
    assert err.params["hint"].startswith(hint)


# --------------------------------------------------------------------------- calendar days


def test_days_keep_the_wall_clock_time_across_the_october_change_in_kyiv() -> None:
    start = parse_exact_time("2020-10-01T12:00", KYIV)  # +03:00 (summer)
    end = add_duration(start, parse_duration("41 days"), KYIV)
    assert format_instant(end, KYIV) == "2020-11-11T12:00+02:00"
    assert end - start == 41 * DAY + 60  # one hour longer than 41 x 24 hours
    assert add_duration(end, parse_duration("41 days"), KYIV, sign=-1) == start


def test_transitions_of_a_zone() -> None:
    lo, hi = window_from("2020-01-01", KYIV), window_from("2021-01-01", KYIV)
    got = [(format_instant(t, UTC), b, a) for t, b, a in transitions(KYIV, lo, hi)]
    assert got == [("2020-03-29T01:00+00:00", 120, 180), ("2020-10-25T01:00+00:00", 180, 120)]
    assert transitions(MSK, lo, hi) == []


@pytest.mark.parametrize(
    ("edge", "day", "expected"),
    [
        ("start", 5, "2020-11-15T00:00+03:00"),  # the first minute of the fifth day after
        ("end", 5, "2020-11-15T23:59+03:00"),  # "no later than the fifth day after"
        ("before", 5, "2020-11-14T23:59+03:00"),  # the last minute of day 4
        ("start", 0, "2020-11-10T00:00+03:00"),
    ],
)
def test_day_n_after_an_anchor(edge: str, day: int, expected: str) -> None:
    anchor = parse_exact_time("2020-11-10T15:30", MSK)
    shift = Shift(day=day, edge=edge, zone=MSK)  # type: ignore[arg-type]
    assert format_instant(shift.apply(anchor), MSK) == expected


def test_day_n_across_a_clock_change() -> None:
    anchor = parse_exact_time("2020-10-22T23:30", KYIV)
    shift = Shift(day=5, edge="end", zone=KYIV)
    assert format_instant(shift.apply(anchor), KYIV) == "2020-10-27T23:59+02:00"


@given(
    MINUTES,
    st.integers(0, 3 * 365 * DAY),
    ZONES,
    st.sampled_from(["41 days", "1 day 12 hours", "12 hours 1 day", "1 week 2 days", "PT90M"]),
    st.sampled_from(["start", "end", "before"]),
    st.data(),
)
def test_offset_pieces_agree_with_the_arithmetic(
    lo: int, width: int, zone: Zone, text: str, edge: str, data: st.DataObject
) -> None:
    shift = Shift(duration=parse_duration(text), edge=edge, zone=zone)  # type: ignore[arg-type]
    _pieces_agree(shift, lo, lo + width, data)


@given(
    MINUTES,
    st.integers(0, 3 * 365 * DAY),
    ZONES,
    st.integers(0, 60),
    st.sampled_from(["start", "end", "before"]),
    st.data(),
)
def test_day_pieces_agree_with_the_calendar(
    lo: int, width: int, zone: Zone, day: int, edge: str, data: st.DataObject
) -> None:
    shift = Shift(day=day, edge=edge, zone=zone)  # type: ignore[arg-type]
    _pieces_agree(shift, lo, lo + width, data)


def _pieces_agree(shift: Shift, lo: int, hi: int, data: st.DataObject) -> None:
    pieces = shift.pieces(lo, hi)
    assert pieces[0].first == lo and pieces[-1].last == hi
    assert all(a.last + 1 == b.first for a, b in zip(pieces, pieces[1:], strict=False))
    for p in pieces:
        inside = data.draw(st.integers(p.first, p.last))
        for a in (p.first, p.last, inside):
            assert p.at(a) == shift.apply(a), (p, a)
    assert shift.apply(lo) - lo <= shift.most()
