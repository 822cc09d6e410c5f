"""Stage 3: what the importer needs to know of one dataset's exports.

A `Profile` names the export's columns (those every export has, and every one
a map may name), the row id, the columns that hold actor names, the columns a
place is read from, and turns a row's date columns into a scenario date and
its provenance columns into a report's source and note. `acled` and `ucdp`
each define one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from checker.datasets.csvrows import Row
from checker.records import record

# A scenario date: a day (`2020-11-20`), a month (`2020-11`) or a window of days.
DateSpec = str | tuple[date, date]


class BadValue(Exception):
    """A row value the importer cannot use: the row is skipped with a `D603`."""

    def __init__(self, column: str, value: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.value = value
        self.problem = problem


@record(frozen=True)
class Profile:
    name: str  # as on the command line: `acled`
    title: str  # as in sources: `ACLED`
    columns: tuple[str, ...]  # every column of the export, in its order
    required: tuple[str, ...]  # the columns an export must have
    id_column: str
    actor_columns: tuple[str, ...]  # columns holding actor names
    several: frozenset[str]  # actor columns holding several names, split on `;`
    default_actor: tuple[str, ...]  # the actor columns of an event rule that names none
    kind_columns: tuple[str, ...]  # shown when no event rule takes a row
    place_columns: tuple[str, ...]  # shown when no place rule takes a row
    lat: str
    lon: str
    when: Callable[[Row], tuple[DateSpec, date]]  # the report's date, and its last day
    source: Callable[[Row], str]  # the row's own source
    note: Callable[[Row], str | None]


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november"
        " december".split()
    )
}
_WORDS_DAY = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$")


def parse_day(column: str, text: str, *, words: bool = False) -> date:
    """`2020-11-20` (a time of day after it is ignored), or with `words` also
    `20 November 2020` / `20-Nov-2020`."""
    m = _ISO_DAY.match(text)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = _WORDS_DAY.match(text) if words else None
        if m:
            name = m[2].lower()
            month = next((n for w, n in _MONTHS.items() if w.startswith(name)), 0)
            if len(name) >= 3 and month:
                return date(int(m[3]), month, int(m[1]))
    except ValueError as err:
        raise BadValue(column, text, f"not a day of the calendar ({err})") from None
    shown = "YYYY-MM-DD or `20 November 2020`" if words else "YYYY-MM-DD"
    raise BadValue(column, text, f"not a date ({shown})")


def day_or_window(first: date, last: date) -> DateSpec:
    return first.isoformat() if first == last else (first, last)


def joined(*parts: str | None) -> str | None:
    """The non-empty parts, in order, separated by ` — `; None if there are none."""
    kept = [p for p in parts if p]
    return " — ".join(kept) if kept else None
