"""The scenario language (SPEC §4): header, reports, expectations."""

from __future__ import annotations

from typing import Literal, Union

from checker.models.base import field
from checker.models.common import (
    Bounds,
    DateValue,
    Id,
    Match,
    Name,
    OneOf,
    Scalar,
    Strict,
)
from checker.models.terms import InitialValues

Verdict = Literal[
    "complied", "violated", "open", "pending", "waived", "not-in-force", "unformalized"
]
ScenarioVerdict = Literal["consistent", "violation", "incoherent", "unknown"]


# `unknown` (the word) or an omitted attribute ranges over everything.
AttrValue = Union[Scalar, OneOf, Bounds]


class DateWindow(Strict):
    from_: DateValue | None = field(default=None, alias="from")
    to: DateValue | None = None
    after: DateValue | None = None
    before: DateValue | None = None


DateSpec = Union[DateValue, DateWindow]


class Source(Strict):
    by: str | None = None
    published: DateValue | None = None
    url: str | None = None
    reliability: float | None = field(default=None, ge=0, le=1)


class CompleteWindow(Strict):
    match: Match
    date: DateSpec | None = None


class ScenarioHeader(Strict):
    id: Id
    terms: str
    as_of: DateValue
    title: str | None = None
    description: str | None = None
    timezone: str | None = None
    world: Literal["closed", "open"] = "closed"
    complete: list[CompleteWindow | Match] = []
    interpretation: Name | None = None
    note: str | None = None


class Report(Strict, extra="allow"):
    """One report: an event (`event`), an absence (`none`) or a state observation (`state`).

    An event report's other keys are attributes of the event: `actor`, `place`
    and the fields of its kind (checked against the kind in `resolve`).
    """

    id: Id | None = None
    event: Name | None = None
    none: Match | None = None
    state: Name | None = None
    date: DateSpec | None = None
    time: DateValue | None = None
    source: str | Source | None = None
    note: str | None = None
    same_as: Id | None = None
    after: Id | None = None
    before: Id | None = None
    # state observation
    of: Name | list[Name] | None = None
    is_: AttrValue | None = field(default=None, alias="is")
    min: int | None = None
    max: int | None = None


class Expect(Strict):
    verdict: ScenarioVerdict | None = None
    provisions: dict[str, Verdict] = {}


class ScenarioFile(Strict):
    scenario: ScenarioHeader
    reports: list[Report] = []
    initial: dict[Name, InitialValues] = {}
    expect: Expect | None = None
