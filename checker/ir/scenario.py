"""Stage 3 IR, a scenario: its reports (events, absences, state observations) with the
values each attribute may take, its `complete` classes and expectations."""

from __future__ import annotations

from typing import Literal

from checker.diagnostics import Span
from checker.ir.base import MatchIR, StateCond, span_field
from checker.ir.terms import Terms
from checker.records import record
from checker.timeutil import Zone


@record(frozen=True)
class CatAttr:
    """An uncertain categorical attribute: the concrete values it may take."""

    values: frozenset[str]


@record(frozen=True)
class NumAttr:
    lo: float | None
    hi: float | None
    integer: bool = True


@record(frozen=True)
class BoolAttr:
    values: frozenset[bool]


@record(frozen=True)
class TextAttr:
    value: str | None  # None: unknown


Attr = CatAttr | NumAttr | BoolAttr | TextAttr


@record(frozen=True)
class Source:
    text: str
    by: str | None = None
    published: int | None = None
    url: str | None = None
    reliability: float | None = None


@record(frozen=True)
class EventReport:
    id: str
    kinds: frozenset[str]  # the reported kind and every kind that is_a it
    lo: int
    hi: int
    actor: CatAttr
    place: CatAttr
    fields: tuple[tuple[str, Attr], ...]
    same_as: str | None = None
    after: str | None = None
    before: str | None = None
    source: Source | None = None
    span: Span = span_field()


@record(frozen=True)
class AbsenceReport:
    id: str
    match: MatchIR
    lo: int
    hi: int
    source: Source | None = None
    span: Span = span_field()


@record(frozen=True)
class StateReport:
    id: str
    cond: StateCond
    lo: int
    hi: int
    source: Source | None = None
    span: Span = span_field()


Report = EventReport | AbsenceReport | StateReport


@record(frozen=True)
class Complete:
    match: MatchIR
    lo: int | None = None
    hi: int | None = None


@record(frozen=True)
class Expectation:
    verdict: str | None
    provisions: tuple[tuple[str, str, Span], ...]  # (provision id, verdict, where written)


@record(frozen=True)
class Scenario:
    id: str
    title: str | None
    file: str
    terms: Terms
    as_of: int  # the last minute of the as_of day
    as_of_text: str
    zone: Zone
    world: Literal["closed", "open"]
    complete: tuple[Complete, ...]
    reports: tuple[Report, ...]
    expect: Expectation | None
    interpretation: str | None = None
    span: Span = span_field()
