"""Stage 3 time handling: every row of SPEC §2, the window end points, durations, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.codes import REGISTRY
from checker.durations import parse_duration
from checker.timeutil import (
    TimeError,
    Zone,
    day_end,
    format_instant,
    from_instant,
    parse_date_range,
    parse_exact_time,
    parse_point,
    parse_zone,
    to_instant,
    window_before,
    window_from,
    window_until,
)

MSK = timezone(timedelta(hours=3))
BERLIN = ZoneInfo("Europe/Berlin")
LO, HI = -(10**9), 10**9


def at(text: str) -> int:
    """An instant written with its offset, read by the standard library (an independent oracle)."""
    return to_instant(datetime.fromisoformat(text))


def fails(code: str, fn: object, *args: object, **kwargs: object) -> TimeError:
    """Call `fn`, expect a TimeError with `code`, and check its params fill the code's template."""
    with pytest.raises(TimeError) as info:
        fn(*args, **kwargs)  # type: ignore[operator]
    err = info.value
    assert err.code == code
    REGISTRY[code].template.format(**err.params)
    return err


# --------------------------------------------------------------------------- zones


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("+03:00", timedelta(hours=3)),
        ("-05:30", -timedelta(hours=5, minutes=30)),
        ("+0300", timedelta(hours=3)),
        ("+03", timedelta(hours=3)),
        ("+00:00", timedelta(0)),
        ("-00:00", timedelta(0)),
        ("+14:00", timedelta(hours=14)),
        ("Z", timedelta(0)),
        ("z", timedelta(0)),
        ("UTC", timedelta(0)),
        (" +03:00 ", timedelta(hours=3)),
    ],
)
def test_fixed_zones(text: str, offset: timedelta) -> None:
    zone = parse_zone(text)
    assert zone.utcoffset(datetime(2020, 6, 1)) == offset


def test_iana_zones() -> None:
    moscow = parse_zone("Europe/Moscow")
    assert isinstance(moscow, ZoneInfo)
    assert moscow.utcoffset(datetime(2020, 11, 10)) == timedelta(hours=3)
    berlin = parse_zone("Europe/Berlin")
    assert berlin.utcoffset(datetime(2020, 1, 1)) == timedelta(hours=1)
    assert berlin.utcoffset(datetime(2020, 7, 1)) == timedelta(hours=2)


def test_iana_zone_names_ignore_case() -> None:
    assert parse_zone("europe/moscow") == ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "Mars/Olympus",
        "Europe",
        "+3:00",
        "+25:00",
        "+03:60",
        "UTC+3",
        "03:00",
        "/etc/passwd",
        "../../etc/passwd",
        "Europe/../Europe/Moscow",
        "bad\0name",
    ],
)
def test_bad_zones(text: str) -> None:
    err = fails("T302", parse_zone, text)
    assert err.params["value"] == text


@pytest.mark.parametrize("value", [None, 180, 3.0])
def test_zone_that_is_not_text(value: object) -> None:
    # An unquoted `+03:00` is a YAML 1.1 sexagesimal int (180): refused, not guessed.
    fails("T302", parse_zone, value)


# --------------------------------------------------------------------------- instants


def test_epoch_and_conversions() -> None:
    assert to_instant(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert to_instant(datetime(1970, 1, 1, 0, 1, tzinfo=UTC)) == 1
    assert to_instant(datetime(1969, 12, 31, 23, 59, tzinfo=UTC)) == -1
    # Floors within the minute, also before the epoch.
    assert to_instant(datetime(1970, 1, 1, 0, 0, 59, tzinfo=UTC)) == 0
    assert to_instant(datetime(1969, 12, 31, 23, 59, 30, tzinfo=UTC)) == -1
    assert to_instant(datetime(1970, 1, 1, 3, 0, tzinfo=MSK)) == 0
    assert from_instant(0, MSK) == datetime(1970, 1, 1, 3, 0, tzinfo=MSK)
    assert from_instant(0, MSK).utcoffset() == timedelta(hours=3)


def test_to_instant_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        to_instant(datetime(2020, 1, 1))


def test_format_instant() -> None:
    m = at("2020-11-20T23:59+03:00")
    assert format_instant(m, MSK) == "2020-11-20T23:59+03:00"
    assert format_instant(m, UTC) == "2020-11-20T20:59+00:00"
    # The offset is the zone's at that instant.
    assert format_instant(at("2020-01-15T12:00+01:00"), BERLIN) == "2020-01-15T12:00+01:00"
    assert format_instant(at("2020-07-15T12:00+02:00"), BERLIN) == "2020-07-15T12:00+02:00"


# --------------------------------------------------------------------------- windows (§2)


def test_in_force_of_the_flagship() -> None:
    m = window_from("2020-11-10T00:00+03:00", MSK)
    assert m == at("2020-11-09T21:00+00:00")
    assert format_instant(m, UTC) == "2020-11-09T21:00+00:00"


def test_by_is_met_at_the_last_minute_of_the_day_and_missed_after() -> None:
    deadline = window_until("2020-11-20", MSK)
    assert deadline == at("2020-11-20T23:59+03:00")
    met = parse_exact_time("2020-11-20T23:59", MSK)
    missed = parse_exact_time("2020-11-21T00:00", MSK)
    assert met <= deadline < missed
    assert missed == deadline + 1


def test_from_is_the_first_minute_of_the_day() -> None:
    assert window_from("2020-11-10", MSK) == at("2020-11-10T00:00+03:00")
    assert parse_point("2020-11-10", MSK, end=False) == at("2020-11-10T00:00+03:00")
    assert parse_point("2020-11-10", MSK, end=True) == at("2020-11-10T23:59+03:00")


def test_before_ends_at_the_last_minute_of_the_previous_day() -> None:
    assert window_before("2020-12-01", MSK) == at("2020-11-30T23:59+03:00")
    assert window_before("2021-01-01", MSK) == at("2020-12-31T23:59+03:00")
    assert window_before("2020-03-01", MSK) == at("2020-02-29T23:59+03:00")


def test_before_a_datetime_is_the_minute_before() -> None:
    assert window_before("2020-12-01T12:00", MSK) == at("2020-12-01T11:59+03:00")
    assert window_before("2020-12-01T12:00Z", MSK) == at("2020-12-01T11:59+00:00")


@pytest.mark.parametrize(
    "text",
    [
        "2020-11-10T00:00",
        "2020-11-10 00:00",
        "2020-11-10t00:00",
        "2020-11-10T00:00:00",
        "2020-11-10T00:00+03:00",
        "2020-11-10T00:00+0300",
        "2020-11-10T00:00+03",
        "2020-11-09T21:00Z",
        "2020-11-09T21:00z",
        "2020-11-09T21:00:00Z",
        "2020-11-09T21:00+00:00",
        "2020-11-09T16:00-05:00",
        "2020-11-10T02:00+05:00",
        "2020-11-10 00:00 +03:00",
        "  2020-11-10T00:00  ",
    ],
)
def test_datetime_forms_are_exact_minutes(text: str) -> None:
    expected = at("2020-11-10T00:00+03:00")
    assert window_from(text, MSK) == expected
    # A datetime is exact: the end of the window is the same minute.
    assert window_until(text, MSK) == expected
    assert parse_exact_time(text, MSK) == expected


def test_a_written_offset_wins_over_the_zone() -> None:
    m = window_until("2020-11-20T22:30+00:00", MSK)
    assert m == at("2020-11-20T22:30+00:00")
    # That is 01:30 on 21 November in Moscow time: after a `by: 2020-11-20`.
    assert format_instant(m, MSK) == "2020-11-21T01:30+03:00"
    assert m > window_until("2020-11-20", MSK)


def test_the_zone_reads_bare_dates_and_datetimes() -> None:
    assert window_from("2020-11-10", UTC) == at("2020-11-10T00:00+00:00")
    assert window_from("2020-11-10", timezone(-timedelta(hours=5))) == at("2020-11-10T05:00Z")
    assert parse_exact_time("2020-11-10T00:00", UTC) == at("2020-11-10T00:00Z")
    assert parse_exact_time("2020-11-10T00:00", parse_zone("Asia/Kolkata")) == at(
        "2020-11-09T18:30Z"
    )


def test_24_00_is_the_start_of_the_next_day() -> None:
    assert window_from("2020-11-09T24:00", MSK) == window_from("2020-11-10", MSK)
    assert window_until("2020-12-31T24:00+03:00", MSK) == at("2021-01-01T00:00+03:00")


def test_year_boundary_and_leap_day_windows() -> None:
    assert window_until("2020-12-31", MSK) == at("2020-12-31T23:59+03:00")
    assert window_from("2020-02-29", MSK) == at("2020-02-29T00:00+03:00")
    assert window_until("2020-02-29", MSK) == at("2020-02-29T23:59+03:00")


def test_dates_before_the_epoch() -> None:
    assert window_from("1969-12-31", UTC) == -1440
    assert window_until("1969-12-31", UTC) == -1


@pytest.mark.parametrize(
    "value",
    [
        "2020-02-30",
        "2021-02-29",
        "2020-13-01",
        "2020-00-10",
        "2020-11-00",
        "2020-11-31",
        "0000-01-01",
        "2020-11-10T25:00",
        "2020-11-10T24:01",
        "2020-11-10T23:60",
        "2020-11-10T12:00:30",
        "2020-11-10T12:00:60",
        "2020-11-10T12:00:00.000",
        "2020-11-10T12:00+24:00",
        "2020-11-10T12:00+03:75",
        "2020-11-10T12",
        "2020-11-10T1200",
        "2020-11-10 T12:00",
        "20201110",
        "2020/11/10",
        "10.11.2020",
        "2020-1-5",
        "2020-11",
        "2020",
        "",
        "yesterday",
        "２０２０-11-10",
        2020,
        True,
        None,
        1.5,
        ["2020-11-10"],
        {"from": "2020-11-10"},
    ],
)
def test_bad_window_points(value: object) -> None:
    for fn in (window_from, window_until, window_before):
        err = fails("T301", fn, value, MSK)
        assert err.params["what"] == "date"


def test_window_point_error_shows_the_value() -> None:
    err = fails("T301", window_until, "2020-02-30", MSK)
    assert err.params == {"value": "2020-02-30", "what": "date"}
    assert REGISTRY["T301"].template.format(**err.params) == "`2020-02-30` is not a valid date"


def test_dates_at_the_edge_of_the_calendar_are_errors_not_crashes() -> None:
    fails("T301", window_from, "0001-01-01T00:00+03:00", MSK)
    fails("T301", window_from, "0001-01-01", MSK)
    fails("T301", window_until, "9999-12-31", MSK)
    fails("T301", parse_date_range, 9999, MSK, default_lo=LO, default_hi=HI)
    fails("T301", window_from, "0001-01-01", timezone(-timedelta(hours=5)))
    assert window_from("0002-01-01", timezone(-timedelta(hours=5))) < 0
    assert window_until("9998-12-31", timezone(timedelta(hours=14))) > 0


# --------------------------------------------------------------------------- scenario `time:`


def test_exact_time_row() -> None:
    # `time: 2020-11-10T03:15+04:00` is exactly that minute.
    assert parse_exact_time("2020-11-10T03:15+04:00", MSK) == at("2020-11-09T23:15+00:00")
    assert parse_exact_time("2020-11-10T03:15", MSK) == at("2020-11-10T03:15+03:00")


@pytest.mark.parametrize(
    "value", ["2020-11-10", "2020-11", "2020", 2020, "03:15", "2020-11-10T03:15:01", ""]
)
def test_time_needs_a_time_of_day(value: object) -> None:
    err = fails("T301", parse_exact_time, value, MSK)
    assert err.params["what"] == "time"


# --------------------------------------------------------------------------- scenario `date:`


def rng(value: object, zone: Zone = MSK, lo: int = LO, hi: int = HI) -> tuple[int, int]:
    return parse_date_range(value, zone, default_lo=lo, default_hi=hi)


def test_date_row_day() -> None:
    assert rng("2020-11-20") == (at("2020-11-20T00:00+03:00"), at("2020-11-20T23:59+03:00"))


def test_date_row_month() -> None:
    assert rng("2020-11") == (at("2020-11-01T00:00+03:00"), at("2020-11-30T23:59+03:00"))
    assert rng("2020-02") == (at("2020-02-01T00:00+03:00"), at("2020-02-29T23:59+03:00"))
    assert rng("2021-02") == (at("2021-02-01T00:00+03:00"), at("2021-02-28T23:59+03:00"))
    assert rng("2020-12") == (at("2020-12-01T00:00+03:00"), at("2020-12-31T23:59+03:00"))


def test_date_row_year() -> None:
    year = (at("2020-01-01T00:00+03:00"), at("2020-12-31T23:59+03:00"))
    assert rng("2020") == year
    assert rng(2020) == year
    assert year[1] - year[0] + 1 == 366 * 1440


def test_date_row_from_to() -> None:
    assert rng({"from": "2020-12-11", "to": "2020-12-13"}) == (
        at("2020-12-11T00:00+03:00"),
        at("2020-12-13T23:59+03:00"),
    )


def test_date_row_from_to_with_other_forms() -> None:
    assert rng({"from": "2020-11", "to": 2021}) == (
        at("2020-11-01T00:00+03:00"),
        at("2021-12-31T23:59+03:00"),
    )
    assert rng({"from": "2020-11-10T03:15", "to": "2020-11-10T04:00Z"}) == (
        at("2020-11-10T03:15+03:00"),
        at("2020-11-10T04:00+00:00"),
    )
    one_day = rng({"from": "2020-11-20", "to": "2020-11-20"})
    assert one_day == rng("2020-11-20")


def test_date_row_after_is_exclusive_whole_days() -> None:
    assert rng({"after": "2020-11-10"}, hi=12345678901) == (
        at("2020-11-11T00:00+03:00"),
        12345678901,
    )
    assert rng({"after": "2020-11"})[0] == at("2020-12-01T00:00+03:00")
    assert rng({"after": 2020})[0] == at("2021-01-01T00:00+03:00")
    assert rng({"after": "2020-11-10T03:15"})[0] == at("2020-11-10T03:16+03:00")


def test_date_row_before_is_exclusive_whole_days() -> None:
    assert rng({"before": "2020-12-01"}, lo=-5) == (-5, at("2020-11-30T23:59+03:00"))
    assert rng({"before": "2020-12"})[1] == at("2020-11-30T23:59+03:00")
    assert rng({"before": 2021})[1] == at("2020-12-31T23:59+03:00")
    assert rng({"before": "2020-12-01T00:00"})[1] == at("2020-11-30T23:59+03:00")


def test_date_row_after_and_before_together() -> None:
    assert rng({"after": "2020-11-10", "before": "2020-11-12"}) == rng("2020-11-11")


def test_date_row_one_sided_from_and_to() -> None:
    assert rng({"from": "2020-11-10"}, hi=99_999_999) == (at("2020-11-10T00:00+03:00"), 99_999_999)
    assert rng({"to": "2020-11-10"}, lo=7) == (7, at("2020-11-10T23:59+03:00"))
    assert rng({"from": "2020-11-10", "before": "2020-11-12"}) == (
        at("2020-11-10T00:00+03:00"),
        at("2020-11-11T23:59+03:00"),
    )
    assert rng({"after": "2020-11-10", "to": "2020-11-12"}) == (
        at("2020-11-11T00:00+03:00"),
        at("2020-11-12T23:59+03:00"),
    )


def test_date_rows_read_in_the_given_zone() -> None:
    assert rng("2020-11-20", UTC) == (at("2020-11-20T00:00Z"), at("2020-11-20T23:59Z"))


def test_reversed_date_windows() -> None:
    err = fails("T303", rng, {"from": "2020-12-13", "to": "2020-12-11"})
    assert "2020-12-13T00:00+03:00" in str(err.params["detail"])
    fails("T303", rng, {"after": "2020-11-10", "before": "2020-11-11"})
    # The open side takes its default: after the end of `as_of` nothing is left.
    as_of = window_until("2020-12-01", MSK)
    err = fails("T303", rng, {"after": "2020-12-01"}, MSK, LO, as_of)
    assert "default" in str(err.params["detail"])
    fails("T303", rng, {"before": "2020-11-10"}, MSK, window_from("2020-11-10", MSK), HI)


def test_a_one_minute_window_is_not_reversed() -> None:
    m = at("2020-11-10T03:15+03:00")
    assert rng({"from": "2020-11-10T03:15", "to": "2020-11-10T03:15"}) == (m, m)
    assert rng({"after": "2020-11-10T03:14", "before": "2020-11-10T03:16"}) == (m, m)


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"since": "2020-11-10"},
        {"from": "2020-11-10", "until": "2020-11-12"},
        {"from": "2020-11-10", "after": "2020-11-09"},
        {"to": "2020-11-10", "before": "2020-11-12"},
        {"from": None},
        {"from": True},
        {"from": ["2020-11-10"]},
        {"from": {"from": "2020-11-10"}},
        {1: "2020-11-10"},
        ["2020-11-10", "2020-11-12"],
        None,
        True,
        1.5,
    ],
)
def test_bad_date_windows(value: object) -> None:
    err = fails("T301", rng, value)
    assert err.params["what"] in ("date window", "date")


def test_bad_date_window_names_the_mapping() -> None:
    err = fails("T301", rng, {"from": "2020-11-10", "until": "2020-11-12"})
    assert err.params == {
        "value": "{from: 2020-11-10, until: 2020-11-12}",
        "what": "date window",
    }


@pytest.mark.parametrize(
    "value",
    [
        "2020-02-30",
        "2020-13",
        "2020-00",
        "0000",
        0,
        10000,
        -2020,
        "20201",
        "2020-11-10T25:00",
        "2020-11-10T12:00:07",
        {"from": "2020-02-30"},
        {"to": "2020-13-01"},
        {"after": "2020-11-10T25:00"},
        {"before": "someday"},
    ],
)
def test_impossible_dates_in_date_windows(value: object) -> None:
    err = fails("T301", rng, value)
    assert err.params["what"] == "date"


# --------------------------------------------------------------------------- DST


def test_dst_days_have_23_and_25_hours() -> None:
    spring = rng("2020-03-29", BERLIN)
    assert spring == (at("2020-03-29T00:00+01:00"), at("2020-03-29T23:59+02:00"))
    assert spring[1] - spring[0] + 1 == 23 * 60
    autumn = rng("2020-10-25", BERLIN)
    assert autumn == (at("2020-10-25T00:00+02:00"), at("2020-10-25T23:59+01:00"))
    assert autumn[1] - autumn[0] + 1 == 25 * 60
    ordinary = rng("2020-06-15", BERLIN)
    assert ordinary[1] - ordinary[0] + 1 == 24 * 60


def test_dst_window_ends() -> None:
    assert window_until("2020-03-28", BERLIN) == at("2020-03-28T23:59+01:00")
    assert window_from("2020-03-29", BERLIN) == at("2020-03-29T00:00+01:00")
    assert window_until("2020-03-29", BERLIN) == at("2020-03-29T23:59+02:00")
    assert window_before("2020-10-26", BERLIN) == at("2020-10-25T23:59+01:00")
    assert format_instant(window_until("2020-03-29", BERLIN), BERLIN) == "2020-03-29T23:59+02:00"


def test_dst_local_times() -> None:
    assert parse_exact_time("2020-03-29T01:59", BERLIN) == at("2020-03-29T01:59+01:00")
    assert parse_exact_time("2020-03-29T03:00", BERLIN) == at("2020-03-29T03:00+02:00")
    # The repeated hour reads as its first occurrence; an offset picks the second.
    assert parse_exact_time("2020-10-25T02:30", BERLIN) == at("2020-10-25T02:30+02:00")
    assert parse_exact_time("2020-10-25T02:30+01:00", BERLIN) == at("2020-10-25T01:30Z")


def test_a_local_time_the_clocks_skip_is_an_error() -> None:
    err = fails("T301", parse_exact_time, "2020-03-29T02:30", BERLIN)
    assert "Europe/Berlin" in str(err.params["what"])
    fails("T301", window_from, "2020-03-29T02:00", BERLIN)
    # With an offset it is an instant like any other.
    assert parse_exact_time("2020-03-29T02:30+01:00", BERLIN) == at("2020-03-29T01:30Z")


def test_a_day_that_starts_after_a_midnight_jump() -> None:
    # Santiago skipped 00:00-00:59 on 2020-09-06: the day starts at 01:00.
    santiago = ZoneInfo("America/Santiago")
    assert window_from("2020-09-06", santiago) == at("2020-09-06T01:00-03:00")
    assert window_until("2020-09-05", santiago) == at("2020-09-05T23:59-04:00")
    # Toronto, 1919-03-31: clocks went from 23:30 to 00:30, so midnight never was.
    toronto = ZoneInfo("America/Toronto")
    start = window_from("1919-03-31", toronto)
    assert from_instant(start, toronto).replace(tzinfo=None) == datetime(1919, 3, 31, 0, 30)
    assert from_instant(start - 1, toronto).date() == date(1919, 3, 30)


def test_a_day_the_zone_skipped_is_an_error() -> None:
    apia = ZoneInfo("Pacific/Apia")
    err = fails("T301", rng, "2011-12-30", apia)
    assert "Pacific/Apia" in str(err.params["what"])
    assert rng("2011-12", apia)[1] - rng("2011-12", apia)[0] + 1 == 30 * 1440


def test_day_end() -> None:
    m = at("2020-11-20T10:00+03:00")
    assert day_end(m, MSK) == at("2020-11-20T23:59+03:00")
    assert day_end(at("2020-11-20T23:59+03:00"), MSK) == at("2020-11-20T23:59+03:00")
    assert day_end(at("2020-11-21T00:00+03:00"), MSK) == at("2020-11-21T23:59+03:00")
    # The same instant ends a different day in another zone.
    assert day_end(at("2020-11-20T22:30Z"), MSK) == at("2020-11-21T23:59+03:00")
    assert day_end(at("2020-11-20T22:30Z"), UTC) == at("2020-11-20T23:59Z")
    assert day_end(at("2020-03-29T00:30+01:00"), BERLIN) == at("2020-03-29T23:59+02:00")
    assert day_end(at("2020-10-25T02:30+01:00"), BERLIN) == at("2020-10-25T23:59+01:00")


def test_time_error_carries_code_and_params() -> None:
    err = TimeError("T303", detail="x")
    assert (err.code, err.params) == ("T303", {"detail": "x"})
    assert isinstance(err, Exception)


# --------------------------------------------------------------------------- properties

ZONES = st.sampled_from(
    [
        UTC,
        MSK,
        timezone(-timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=14)),
        BERLIN,
        ZoneInfo("America/New_York"),
        ZoneInfo("America/Santiago"),
        ZoneInfo("Australia/Lord_Howe"),  # a half-hour DST shift
        ZoneInfo("Europe/Moscow"),
    ]
)
# 1950..2100: wide, yet clear of the historic offsets with seconds.
MINUTES = st.integers(min_value=-10_519_200, max_value=68_374_080)
DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@given(MINUTES, ZONES, ZONES)
def test_format_then_parse_is_the_same_instant(m: int, zone: Zone, reader: Zone) -> None:
    text = format_instant(m, zone)
    assert parse_exact_time(text, reader) == m
    assert window_from(text, reader) == window_until(text, reader) == m
    assert to_instant(from_instant(m, zone)) == m


@given(DATES, ZONES)
def test_a_day_is_a_contiguous_run_of_its_local_minutes(day: date, zone: Zone) -> None:
    text = day.isoformat()
    start, end = window_from(text, zone), window_until(text, zone)
    assert start <= end
    assert rng(text, zone) == (start, end)
    assert from_instant(start, zone).date() == day == from_instant(end, zone).date()
    assert from_instant(start - 1, zone).date() < day < from_instant(end + 1, zone).date()
    assert window_before(text, zone) == start - 1
    assert day_end(start, zone) == end == day_end(end, zone)
    # Next day starts right after: windows tile the timeline.
    assert window_from((day + timedelta(days=1)).isoformat(), zone) == end + 1
    assert 22 * 60 <= end - start + 1 <= 26 * 60


@given(MINUTES, ZONES)
def test_day_end_is_at_or_after_and_on_the_same_day(m: int, zone: Zone) -> None:
    end = day_end(m, zone)
    assert end >= m
    assert from_instant(end, zone).date() == from_instant(m, zone).date()
    assert from_instant(end + 1, zone).date() > from_instant(m, zone).date()


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text: str) -> None:
    for fn in (
        lambda: parse_zone(text),
        lambda: parse_duration(text),
        lambda: window_from(text, MSK),
        lambda: parse_exact_time(text, BERLIN),
        lambda: rng(text, BERLIN),
        lambda: rng({"after": text}),
    ):
        try:
            fn()
        except TimeError as err:
            REGISTRY[err.code].template.format(**err.params)
