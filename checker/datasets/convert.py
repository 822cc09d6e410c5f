"""Stage 3: dataset rows -> scenario reports, with every row accounted for.

Each row is dropped by a `drop` rule (counted per rule, `D605`), taken by the
first event rule that matches it, or — when none does — left out and counted
as an unmapped event type (`D604`). A taken row becomes one report: its id is
the row's id, its source names the dataset, the row, the CSV and its line, its
note is the row's notes. An actor name the map does not know becomes `unknown`
in the report and a place it does not know is left out (unknown): both are
counted too. Every unmapped value is reported once, with its count and first
line (errors under `strict`). A row whose date, id or numbers cannot be read is
one `D603`/`D606` at its line and is skipped; the other rows still import.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from checker.datasets.csvrows import Row
from checker.datasets.profile import BadValue, DateSpec, Profile
from checker.datasets.rules import UNKNOWN, FieldRule, Ids, Rules
from checker.diagnostics import Diagnostics, Severity, Span
from checker.models.common import ID_PATTERN
from checker.records import field, record

_ID = re.compile(ID_PATTERN)

FieldValue = Any  # int | float | str | bool | (low, high) | Ids


@record(frozen=True)
class Report:
    id: str
    kind: str
    actor: Ids | None  # None: left out (any actor)
    place: Ids | None
    date: DateSpec
    fields: tuple[tuple[str, FieldValue], ...]
    source: str
    note: str | None


@record
class Tally:
    count: int
    first: int  # the line of the first row


@record
class Counts:
    rows: int = 0
    reports: int = 0
    dropped: int = 0
    unmapped: int = 0  # rows of an unmapped event type
    bad: int = 0


@record
class Converter:
    rules: Rules
    csv_name: str  # the CSV as the written scenario names it (relative to it)
    csv_file: str  # the CSV as diagnostics name it
    diags: Diagnostics
    strict: bool = False
    counts: Counts = field(default_factory=Counts)
    last_day: date | None = None
    _unmapped: dict[tuple[str, str], Tally] = field(default_factory=dict)
    _drops: dict[int, Tally] = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)

    @property
    def profile(self) -> Profile:
        return self.rules.profile

    def convert(self, row: Row) -> Report | None:
        self.counts.rows += 1
        drop, rule = self.rules.rule(row)
        if drop is not None:
            self.counts.dropped += 1
            self._count(self._drops, drop, row.line)
            return None
        if rule is None:
            self.counts.unmapped += 1
            shown = " / ".join(row.get(c) for c in self.profile.kind_columns)
            self._count(self._unmapped, ("event kind", shown), row.line)
            return None
        try:
            rid = self._id(row)
            when, last = self.profile.when(row)
            values = tuple(
                (name, v)
                for name, f in rule.fields.items()
                if (v := self._field(f, row)) is not None
            )
        except BadValue as bad:
            self.counts.bad += 1
            self.diags.add(
                "D603",
                Span(self.csv_file, row.line, 1),
                column=bad.column,
                value=bad.value,
                problem=bad.problem,
            )
            return None
        if rid in self._ids:
            self.counts.bad += 1
            self.diags.add("D606", Span(self.csv_file, row.line, 1), id=rid, line=self._ids[rid])
            return None
        self._ids[rid] = row.line
        self.counts.reports += 1
        if self.last_day is None or last > self.last_day:
            self.last_day = last
        return Report(
            rid,
            rule.kind,
            self._actors(row, rule.actor),
            self._place(row),
            when,
            values,
            self._source(row),
            self.profile.note(row),
        )

    def _id(self, row: Row) -> str:
        raw = row.get(self.profile.id_column)
        rid = raw if _ID.match(raw) else f"{self.profile.name}-{raw}"
        if not raw or not _ID.match(rid):
            raise BadValue(self.profile.id_column, raw, "not usable as a report id")
        return rid

    def _source(self, row: Row) -> str:
        own = self.profile.source(row)
        where = (
            f"{self.profile.title} {row.get(self.profile.id_column)}, {self.csv_name}:{row.line}"
        )
        return f"{where}: {own}" if own else where

    def _actors(self, row: Row, columns: tuple[str, ...]) -> Ids | None:
        found: dict[str, None] = {}
        for column in columns:
            cell = row.get(column)
            names = cell.split(";") if column in self.profile.several else [cell]
            for name in (n.strip() for n in names):
                if name:
                    found.update(dict.fromkeys(self._actor(name, row.line)))
        return tuple(found) or None

    def _actor(self, name: str, line: int) -> Ids:
        ids = self.rules.actor(name)
        if ids is None:
            self._count(self._unmapped, ("actor", name), line)
            return (UNKNOWN,)
        return ids

    def _place(self, row: Row) -> Ids | None:
        ids = self.rules.place(row)
        if ids is None:
            shown = " / ".join(v for c in self.profile.place_columns if (v := row.get(c)))
            self._count(self._unmapped, ("place", shown or "(no place columns)"), row.line)
        return ids

    def _field(self, f: FieldRule, row: Row) -> FieldValue | None:
        if f.column is None and f.low is None:
            return f.value
        if f.low is not None and f.high is not None:
            low, high = self._number(f, f.low, row), self._number(f, f.high, row)
            if low is None or high is None:
                return low if high is None else high
            if low > high:
                raise BadValue(f.high, row.get(f.high), f"less than `{f.low}` ({row.get(f.low)})")
            return low if low == high else (low, high)
        column = f.column or ""
        text = row.get(column)
        if not text:
            return None
        kind = f.type.kind
        if kind in ("int", "number"):
            return self._number(f, column, row)
        if kind == "actor":
            return self._actor(text, row.line)
        if kind == "bool":
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise BadValue(column, text, "not true or false")
            return text.lower() in ("true", "1", "yes")
        if kind == "enum" and text not in f.type.words:
            raise BadValue(column, text, f"not a word of field `{f.name}`: {f.type.describe()}")
        return text

    def _number(self, f: FieldRule, column: str, row: Row) -> int | float | None:
        text = row.get(column)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if f.type.kind == "int":
            if not math.isfinite(value) or value != int(value) or value < 0:
                raise BadValue(column, text, f"not a whole number >= 0 (field `{f.name}`)")
            return int(value)
        if not math.isfinite(value):
            raise BadValue(column, text, f"not a number (field `{f.name}`)")
        return value

    def _count(self, tallies: dict[Any, Tally], key: Any, line: int) -> None:
        tally = tallies.get(key)
        if tally is None:
            tallies[key] = Tally(1, line)
        else:
            tally.count += 1

    def finish(self, drop_spans: list[Span]) -> None:
        """Report every unmapped value and every drop rule that dropped rows."""
        severity = Severity.ERROR if self.strict else Severity.WARNING
        for (what, value), t in self._unmapped.items():
            self.diags.add(
                "D604",
                Span(self.csv_file, t.first, 1),
                severity=severity,
                what=what,
                value=value,
                count=t.count,
                s="" if t.count == 1 else "s",
            )
        for index, t in sorted(self._drops.items()):
            self.diags.add(
                "D605",
                drop_spans[index],
                count=t.count,
                s="" if t.count == 1 else "s",
                first=f"{self.csv_file}:{t.first}",
            )
