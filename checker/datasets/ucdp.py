"""Stage 3: UCDP GED exports — columns, the `date_start`..`date_end` window, provenance.

A GED event happened at some day from `date_start` to `date_end` (`date_prec`
says how precisely the sources dated it; the window already says it). `low`
and `high` bound its deaths and `best` is UCDP's best estimate, noted with the
report. Row ids are numbers, so reports are named `ucdp-ID` (see `convert`).
"""

from __future__ import annotations

from datetime import date

from checker.datasets.csvrows import Row
from checker.datasets.profile import BadValue, DateSpec, Profile, day_or_window, joined, parse_day

COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
    "country", "country_id", "iso3", "region", "event_clarity", "date_prec", "date_start",
    "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high",
    "low", "gwnoa", "gwnob",
)  # fmt: skip


def when(row: Row) -> tuple[DateSpec, date]:
    first = parse_day("date_start", row.get("date_start"))
    last = parse_day("date_end", row.get("date_end"))
    if last < first:
        raise BadValue("date_end", row.get("date_end"), "before `date_start`")
    return day_or_window(first, last), last


def source(row: Row) -> str:
    return row.get("source_article")


def note(row: Row) -> str | None:
    best = row.get("best")
    deaths = f"deaths: best estimate {best} (low {row.get('low')}, high {row.get('high')})"
    return joined(
        row.get("where_description") or row.get("where_coordinates"),
        row.get("source_headline"),
        deaths if best else None,
    )


PROFILE = Profile(
    name="ucdp",
    title="UCDP GED",
    columns=COLUMNS,
    required=("id", "date_start", "date_end", "side_a", "side_b", "best", "low", "high"),
    id_column="id",
    actor_columns=("side_a", "side_b"),
    several=frozenset(),
    default_actor=("side_a",),
    kind_columns=("type_of_violence",),
    place_columns=("adm_1", "adm_2", "where_coordinates"),
    lat="latitude",
    lon="longitude",
    when=when,
    source=source,
    note=note,
)
