"""Stage 3: ACLED exports — columns, dates by `time_precision`, provenance.

ACLED's codebook gives each event a date and a `time_precision` code: 1 when the
sources give the actual date, 2 when they say only that it happened sometime
during a week (or a similar span; ACLED codes the middle of it), 3 when they say
only the month (ACLED codes its mid-point). So code 1 is that day, code 2 the
seven days centred on the coded date, code 3 the calendar month of the coded
date (docs/datasets.md quotes the codebook). Any other code is a bad value.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from checker.datasets.csvrows import Row
from checker.datasets.profile import BadValue, DateSpec, Profile, parse_day

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
    # columns of exports made before March 2023
    "data_id", "event_id_no_cnty", "iso3",
)  # fmt: skip

WEEK_HALF = timedelta(days=3)  # code 2: three days either side of the coded date


def when(row: Row) -> tuple[DateSpec, date]:
    """The report's date from `event_date` and `time_precision`, and its last day."""
    day = parse_day("event_date", row.get("event_date"), words=True)
    code = row.get("time_precision")
    if code == "1":
        return day.isoformat(), day
    if code == "2":
        return (day - WEEK_HALF, day + WEEK_HALF), day + WEEK_HALF
    if code == "3":
        last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        return f"{day.year:04d}-{day.month:02d}", last
    raise BadValue("time_precision", code, "ACLED's codes are 1 (day), 2 (week) and 3 (month)")


def source(row: Row) -> str:
    return row.get("source")


def note(row: Row) -> str | None:
    return row.get("notes") or None


PROFILE = Profile(
    name="acled",
    title="ACLED",
    columns=COLUMNS,
    required=(
        "event_id_cnty",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "source",
        "notes",
    ),  # fmt: skip
    id_column="event_id_cnty",
    actor_columns=("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"),
    several=frozenset({"assoc_actor_1", "assoc_actor_2"}),
    default_actor=("actor1",),
    kind_columns=("event_type", "sub_event_type"),
    place_columns=("admin1", "admin2", "location"),
    lat="latitude",
    lon="longitude",
    when=when,
    source=source,
    note=note,
)
