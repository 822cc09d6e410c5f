"""Stage 3: the resolved representation the engine consumes.

Everything here is plain, frozen data: names are canonical ids, hierarchies are
closed (ancestor sets), times are minutes since the epoch, MATCH tests are
expanded to the sets of concrete values they accept. Spans ride along for
reporting and are excluded from equality.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from checker.diagnostics import Span
from checker.durations import Duration, Shift
from checker.timeutil import Zone

# "someone / somewhere else": a value outside the vocabulary.
OTHER = "*other*"

FieldKind = Literal["actor", "place", "int", "number", "bool", "text", "enum"]
Form = Literal["forbid", "require", "each", "achieve", "maintain", "unformalized"]
FORMS: tuple[Form, ...] = ("forbid", "require", "each", "achieve", "maintain", "unformalized")


def _span_field() -> Span:
    return field(default=Span("<none>"), compare=False, repr=False)


@dataclass(frozen=True)
class Entity:
    """An actor, place or event kind."""

    id: str
    name: str | None
    aliases: tuple[str, ...]
    parents: tuple[str, ...]
    extra: tuple[tuple[str, str], ...] = ()
    span: Span = _span_field()


@dataclass(frozen=True)
class Hierarchy:
    """A closed `part_of` / `is_a` graph: `ancestors[x]` includes x itself."""

    entities: dict[str, Entity]
    ancestors: dict[str, frozenset[str]]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.entities))

    def matches(self, x: str, y: str) -> bool:
        """X matches Y: X is Y or reaches Y through the links."""
        return x != OTHER and y in self.ancestors.get(x, frozenset())

    def descendants(self, y: str) -> frozenset[str]:
        return frozenset(x for x, anc in self.ancestors.items() if y in anc)


@dataclass(frozen=True)
class FieldType:
    kind: FieldKind
    words: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(f"`{w}`" for w in self.words)
        return {"int": "a whole number >= 0", "number": "a number", "bool": "true or false"}.get(
            self.kind, f"a{'n' if self.kind == 'actor' else ''} {self.kind}"
        )


@dataclass(frozen=True)
class KindDef:
    id: str
    fields: dict[str, FieldType]  # inherited along is_a included


@dataclass(frozen=True)
class CatTest:
    """Accepts a categorical value v iff (v in values) != negate (OTHER is never in values)."""

    values: frozenset[str]
    negate: bool = False

    def accepts(self, v: str) -> bool:
        return (v in self.values) != self.negate


@dataclass(frozen=True)
class NumTest:
    """Accepts a number within any of the closed ranges (None: unbounded), xor negate."""

    ranges: tuple[tuple[float | None, float | None], ...]
    negate: bool = False

    def accepts(self, v: float) -> bool:
        inside = any((lo is None or v >= lo) and (hi is None or v <= hi) for lo, hi in self.ranges)
        return inside != self.negate


Test = CatTest | NumTest


@dataclass(frozen=True)
class MatchIR:
    """A resolved MATCH; `kinds` already holds every kind that is_a the named ones."""

    kinds: CatTest | None = None
    actor: CatTest | None = None
    place: CatTest | None = None
    fields: tuple[tuple[str, Test], ...] = ()
    span: Span = _span_field()


@dataclass(frozen=True)
class Fixed:
    minute: int


@dataclass(frozen=True)
class Anchored:
    """A minute anchored on events: the first event matching each of `matches` has
    happened (`after` names one; `after_all` several, and the anchor is the latest of
    those first events), then `shift` gives the window end from that minute."""

    matches: tuple[MatchIR, ...]
    shift: Shift
    every: bool = False  # written as `after_all`
    written: tuple[str, ...] = field(default=(), compare=False)  # each MATCH as written


Point = Fixed | Anchored


@dataclass(frozen=True)
class Window:
    """A closed window of minutes; None ends are unbounded (start: in_force)."""

    start: Point | None = None
    end: Point | None = None
    during: str | None = None


@dataclass(frozen=True)
class StateCond:
    state: str
    key: tuple[str, ...]
    test: CatTest | None = None  # categorical: the accepted values
    min: int | None = None  # counters
    max: int | None = None


@dataclass(frozen=True)
class Uncertain:
    """An initial value known only within bounds: a counter in [lo, hi] (None: unbounded),
    or a categorical state among `values`."""

    lo: int | None = None
    hi: int | None = None
    values: frozenset[str] | None = None


InitialValue = str | int | Uncertain


@dataclass(frozen=True)
class StateDef:
    name: str
    of: tuple[str, ...]  # ("place",), ("actor",) or ("actor", "place")
    value: FieldType  # actor, place, enum or int
    set_by: dict[str, tuple[str, str | None]]  # kind -> (field holding the new value, `was` field)
    add: dict[str, str]
    subtract: dict[str, str]
    span: Span = _span_field()

    @property
    def is_counter(self) -> bool:
        return self.value.kind == "int"


@dataclass(frozen=True)
class Notice:
    match: MatchIR  # kind and actor (`by`) of a notice
    before_end: Duration
    text: str = field(default="", compare=False)  # as written: `{kind: ..., by: ...}`


@dataclass(frozen=True)
class PeriodDef:
    id: str
    start: int
    end: int | None  # fixed last minute (from until/before); None with `length`
    length: Duration | None
    renews: Duration | None
    notice: Notice | None
    span: Span = _span_field()


@dataclass(frozen=True)
class Total:
    """`total`: the sum of `field` over the matching events lies in [min, max]."""

    field: str
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class CondRef:
    """`{fulfilled|kept|breached: ID}`: a test of another provision in the same world."""

    test: Literal["fulfilled", "kept", "breached"]
    provision: str  # as shown (`other-id#id` for included provisions)
    span: Span = _span_field()


@dataclass(frozen=True)
class CondHappened:
    """`{happened: MATCH}`: some matching event up to as_of, within its own window."""

    match: MatchIR
    window: Window = Window()
    span: Span = _span_field()


@dataclass(frozen=True)
class CondAll:
    items: tuple[Condition, ...]
    span: Span = _span_field()


@dataclass(frozen=True)
class CondAny:
    items: tuple[Condition, ...]
    span: Span = _span_field()


@dataclass(frozen=True)
class CondNot:
    item: Condition
    span: Span = _span_field()


Condition = CondRef | CondHappened | CondAll | CondAny | CondNot


def condition_refs(c: Condition | None) -> Iterator[CondRef]:
    """Every provision test inside a condition, in order."""
    if isinstance(c, CondRef):
        yield c
    elif isinstance(c, CondAll | CondAny):
        for item in c.items:
            yield from condition_refs(item)
    elif isinstance(c, CondNot):
        yield from condition_refs(c.item)


def condition_events(c: Condition | None) -> Iterator[CondHappened]:
    """Every `happened` test inside a condition, in order."""
    if isinstance(c, CondHappened):
        yield c
    elif isinstance(c, CondAll | CondAny):
        for item in c.items:
            yield from condition_events(item)
    elif isinstance(c, CondNot):
        yield from condition_events(c.item)


@dataclass(frozen=True)
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
    span: Span = _span_field()

    def windows(self) -> Iterator[Window]:
        """Its window and the windows of the `happened` tests of its condition."""
        yield self.window
        for h in condition_events(self.condition):
            yield h.window


@dataclass(frozen=True)
class Dormant:
    """A provision the terms define that is not in force for this as_of and reading."""

    id: str
    text: str
    form: str
    reason: str  # e.g. "added by amendment `x`, adopted 2020-11-15, after as_of"
    point: str | None = None
    binding: bool = True
    span: Span = _span_field()


@dataclass(frozen=True)
class AmendmentInfo:
    id: str
    adopted: int
    text: str
    applied: bool
    span: Span = _span_field()


@dataclass(frozen=True)
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


# ---- scenarios -------------------------------------------------------------


@dataclass(frozen=True)
class CatAttr:
    """An uncertain categorical attribute: the concrete values it may take."""

    values: frozenset[str]


@dataclass(frozen=True)
class NumAttr:
    lo: float | None
    hi: float | None
    integer: bool = True


@dataclass(frozen=True)
class BoolAttr:
    values: frozenset[bool]


@dataclass(frozen=True)
class TextAttr:
    value: str | None  # None: unknown


Attr = CatAttr | NumAttr | BoolAttr | TextAttr


@dataclass(frozen=True)
class Source:
    text: str
    by: str | None = None
    published: int | None = None
    url: str | None = None
    reliability: float | None = None


@dataclass(frozen=True)
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
    span: Span = _span_field()


@dataclass(frozen=True)
class AbsenceReport:
    id: str
    match: MatchIR
    lo: int
    hi: int
    source: Source | None = None
    span: Span = _span_field()


@dataclass(frozen=True)
class StateReport:
    id: str
    cond: StateCond
    lo: int
    hi: int
    source: Source | None = None
    span: Span = _span_field()


Report = EventReport | AbsenceReport | StateReport


@dataclass(frozen=True)
class Complete:
    match: MatchIR
    lo: int | None = None
    hi: int | None = None


@dataclass(frozen=True)
class Expectation:
    verdict: str | None
    provisions: tuple[tuple[str, str, Span], ...]  # (provision id, verdict, where written)


@dataclass(frozen=True)
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
    span: Span = _span_field()
