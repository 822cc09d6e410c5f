"""Stage 3 IR, the terms in force: states, periods, provisions with their conditions, the
provisions not in force, and `Terms` itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from checker.diagnostics import Span
from checker.durations import Duration
from checker.ir.base import (
    FieldType,
    Form,
    Hierarchy,
    KindDef,
    MatchIR,
    StateCond,
    Window,
    span_field,
)
from checker.records import field, record
from checker.timeutil import Zone


@record(frozen=True)
class Uncertain:
    """An initial value known only within bounds: a counter in [lo, hi] (None: unbounded),
    or a categorical state among `values`."""

    lo: int | None = None
    hi: int | None = None
    values: frozenset[str] | None = None


InitialValue = str | int | Uncertain


@record(frozen=True)
class StateDef:
    name: str
    of: tuple[str, ...]  # ("place",), ("actor",) or ("actor", "place")
    value: FieldType  # actor, place, enum or int
    set_by: dict[str, tuple[str, str | None]]  # kind -> (field holding the new value, `was` field)
    add: dict[str, str]
    subtract: dict[str, str]
    span: Span = span_field()

    @property
    def is_counter(self) -> bool:
        return self.value.kind == "int"


@record(frozen=True)
class Notice:
    match: MatchIR  # kind and actor (`by`) of a notice
    before_end: Duration
    text: str = field(default="", compare=False)  # as written: `{kind: ..., by: ...}`


@record(frozen=True)
class PeriodDef:
    id: str
    start: int
    end: int | None  # fixed last minute (from until/before); None with `length`
    length: Duration | None
    renews: Duration | None
    notice: Notice | None
    span: Span = span_field()


@record(frozen=True)
class Total:
    """`total`: the sum of `field` over the matching events lies in [min, max]."""

    field: str
    min: int | None = None
    max: int | None = None


@record(frozen=True)
class CondRef:
    """`{fulfilled|kept|breached: ID}`: a test of another provision in the same world."""

    test: Literal["fulfilled", "kept", "breached"]
    provision: str  # as shown (`other-id#id` for included provisions)
    span: Span = span_field()


@record(frozen=True)
class CondHappened:
    """`{happened: MATCH}`: some matching event up to as_of, within its own window."""

    match: MatchIR
    window: Window = Window()
    span: Span = span_field()


@record(frozen=True)
class CondAll:
    items: tuple[Condition, ...]
    span: Span = span_field()


@record(frozen=True)
class CondAny:
    items: tuple[Condition, ...]
    span: Span = span_field()


@record(frozen=True)
class CondNot:
    item: Condition
    span: Span = span_field()


Condition = CondRef | CondHappened | CondAll | CondAny | CondNot


def condition_tests(c: Condition | None) -> Iterator[CondRef | CondHappened]:
    """Every test inside a condition (what `all`, `any` and `not` combine), in order."""
    if isinstance(c, CondAll | CondAny):
        for item in c.items:
            yield from condition_tests(item)
    elif isinstance(c, CondNot):
        yield from condition_tests(c.item)
    elif c is not None:
        yield c


def condition_refs(c: Condition | None) -> Iterator[CondRef]:
    """Every provision test inside a condition, in order."""
    return (t for t in condition_tests(c) if isinstance(t, CondRef))


def condition_events(c: Condition | None) -> Iterator[CondHappened]:
    """Every `happened` test inside a condition, in order."""
    return (t for t in condition_tests(c) if isinstance(t, CondHappened))


@record(frozen=True)
class Provision:
    id: str  # as shown: `other-id#id` for included provisions
    text: str
    form: Form
    point: str | None = None
    match: MatchIR | None = None  # forbid / require / each
    must: MatchIR | None = None
    unless: MatchIR | None = None
    total: Total | None = None
    cond: StateCond | None = None  # achieve / maintain
    once: bool = False
    window: Window = Window()
    # actor ids (several: a joint duty), or ("actor",): the party of the breaching event's actor
    responsible: tuple[str, ...] = ()
    condition: Condition | None = None  # `if`: the provision applies only where it holds
    binding: bool = True
    reason: str | None = None  # unformalized
    note: str | None = None
    amended_by: tuple[str, ...] = ()
    interpreted_by: str | None = None
    agreement: str = ""
    window_text: str = ""
    condition_text: str = ""  # the `if` as written
    span: Span = span_field()

    def windows(self) -> Iterator[Window]:
        """Its window and the windows of the `happened` tests of its condition."""
        yield self.window
        for h in condition_events(self.condition):
            yield h.window


@record(frozen=True)
class Dormant:
    """A provision the terms define that is not in force for this as_of and reading."""

    id: str
    text: str
    form: str
    reason: str  # e.g. "added by amendment `x`, adopted 2020-11-15, after as_of"
    point: str | None = None
    binding: bool = True
    span: Span = span_field()


@record(frozen=True)
class AmendmentInfo:
    id: str
    adopted: int
    text: str
    applied: bool
    span: Span = span_field()


@record(frozen=True)
class Terms:
    """The terms in force for one `as_of` and reading."""

    id: str
    title: str | None
    file: str
    in_force: int
    zone: Zone
    zone_text: str
    parties: tuple[str, ...]
    actors: Hierarchy
    places: Hierarchy
    kinds: Hierarchy
    kind_defs: dict[str, KindDef]
    states: dict[str, StateDef]
    initial: dict[str, dict[tuple[str, ...], InitialValue]]
    periods: dict[str, PeriodDef]
    provisions: tuple[Provision, ...]
    amendments: tuple[AmendmentInfo, ...] = ()
    interpretation: str | None = None
    interpretations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    dormant: tuple[Dormant, ...] = ()  # defined, but not in force for this as_of and reading

    def provision(self, pid: str) -> Provision | None:
        return next((p for p in self.provisions if p.id == pid), None)
