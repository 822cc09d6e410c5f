"""The terms language (SPEC §3): agreement, vocabulary, states, periods, provisions."""

from __future__ import annotations

from typing import Any, Literal, Union

from checker.models.base import field
from checker.models.common import (
    Bounds,
    DateValue,
    Id,
    Match,
    Name,
    NameOrNames,
    OneOf,
    ProvisionId,
    Scalar,
    Strict,
    WindowPoint,
)

FieldType = Union[Literal["actor", "place", "int", "number", "bool", "text"], list[str]]


class Agreement(Strict):
    id: Id
    title: str | None = None
    signed: DateValue | None = None
    in_force: DateValue
    timezone: str
    parties: list[Name]
    sources: list[str] = []
    note: str | None = None


class Actor(Strict):
    name: str | None = None
    aliases: list[str] = []
    part_of: NameOrNames | None = None
    note: str | None = None


class Place(Strict, extra="allow"):
    # Extra attributes (`width_km`, ...) are kept and shown, never reasoned about.
    name: str | None = None
    aliases: list[str] = []
    part_of: NameOrNames | None = None
    note: str | None = None


class EventKind(Strict):
    is_a: NameOrNames | None = None
    fields: dict[str, FieldType] = {}
    note: str | None = None


class SetBy(Strict):
    to: str
    was: str | None = None


class State(Strict):
    of: Literal["place", "actor"] | list[Literal["actor", "place"]]
    value: Literal["actor", "place", "int"] | list[str]
    set_by: dict[str, str | SetBy] = {}
    add: dict[str, str] = {}
    subtract: dict[str, str] = {}
    note: str | None = None


# A value, or an uncertain one: `{min, max}` (counters), `{one_of: [...]}` or `unknown`.
InitialValue = Union[Scalar, Bounds, OneOf]


class PairInitial(Strict):
    """An initial value of a state keyed by `[actor, place]`."""

    actor: Name
    place: Name
    value: InitialValue


InitialValues = Union[dict[Name, InitialValue], list[PairInitial]]


class Notice(Strict):
    kind: Name
    by: NameOrNames
    before_end: str


class Period(Strict):
    from_: DateValue = field(alias="from")
    length: str | None = None
    until: DateValue | None = None
    before: DateValue | None = None
    renews: str | None = None
    notice: Notice | None = None
    note: str | None = None


class Total(Strict):
    """A sum over the matching events: at least `min`, at most `max` ("up to")."""

    of: str
    min: int | None = None
    max: int | None = None


class Condition(Strict):
    """`if:` — exactly one of the condition keys; `happened` may take window bounds."""

    fulfilled: ProvisionId | None = None
    kept: ProvisionId | None = None
    breached: ProvisionId | None = None
    happened: Match | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = field(default=None, alias="not")
    from_: WindowPoint | None = field(default=None, alias="from")
    until: WindowPoint | None = None
    by: WindowPoint | None = None
    before: WindowPoint | None = None


class StateCondition(Strict):
    state: Name
    of: Name | list[Name]
    is_: Name | int | None = field(default=None, alias="is")
    min: int | None = None
    max: int | None = None


class Provision(Strict):
    id: ProvisionId
    text: str
    point: int | str | None = None
    note: str | None = None
    responsible: NameOrNames | None = None
    binding: bool = True
    if_: Condition | None = field(default=None, alias="if")
    # Exactly one form; `resolve` enforces it so the error points at the provision.
    forbid: Match | None = None
    require: Match | None = None
    each: Match | None = None
    achieve: StateCondition | None = None
    maintain: StateCondition | None = None
    unformalized: str | None = None
    must: Match | None = None
    total: Total | None = None
    once: bool = False
    unless: Match | None = None
    from_: WindowPoint | None = field(default=None, alias="from")
    until: WindowPoint | None = None
    by: WindowPoint | None = None
    before: WindowPoint | None = None
    during: Name | None = None


class Change(Strict):
    """Replacement of provisions: by an amendment or an interpretation."""

    text: str
    source: str | None = None
    note: str | None = None
    # provision id -> the provision keys it replaces (validated against Provision when applied)
    changes: dict[str, dict[str, Any]] = {}
    adds: list[Provision] = []
    removes: list[str] = []


class Amendment(Change):
    id: Id
    adopted: DateValue


class Interpretation(Change):
    pass


class TermsFile(Strict):
    agreement: Agreement
    actors: dict[Id, Actor] = {}
    places: dict[Id, Place] = {}
    events: dict[Id, EventKind] = {}
    states: dict[Id, State] = {}
    initial: dict[Name, InitialValues] = {}
    periods: dict[Id, Period] = {}
    provisions: list[Provision] = []
    amendments: list[Amendment] = []
    interpretations: dict[Id, Interpretation] = {}
    includes: list[str] = []
