"""Stage 3 IR, the building blocks: vocabulary, MATCH tests, window ends, state conditions.

Plain frozen data: names are canonical ids, hierarchies closed (ancestor sets),
times minutes since the epoch, MATCH tests expanded to the concrete values they
accept. Spans ride along for reporting and are excluded from equality.
"""

from __future__ import annotations

from typing import Literal

from checker.diagnostics import Span
from checker.records import field, record
from checker.shifts import Shift

# "someone / somewhere else": a value outside the vocabulary.
OTHER = "*other*"

FieldKind = Literal["actor", "place", "int", "number", "bool", "text", "enum"]
Form = Literal["forbid", "require", "each", "achieve", "maintain", "unformalized"]
FORMS: tuple[Form, ...] = ("forbid", "require", "each", "achieve", "maintain", "unformalized")


def span_field() -> Span:
    return field(default=Span("<none>"), compare=False, repr=False)


@record(frozen=True)
class Entity:
    """An actor, place or event kind."""

    id: str
    name: str | None
    aliases: tuple[str, ...]
    parents: tuple[str, ...]
    extra: tuple[tuple[str, str], ...] = ()
    span: Span = span_field()


@record(frozen=True)
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
        # each name's, once asked (the same terms serve every scenario of a library); kept
        # beside the fields, so neither compared nor shown
        below: dict[str, frozenset[str]] = self.__dict__.setdefault("_below", {})
        found = below.get(y)
        if found is None:
            found = below[y] = frozenset(x for x, anc in self.ancestors.items() if y in anc)
        return found


@record(frozen=True)
class FieldType:
    kind: FieldKind
    words: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(f"`{w}`" for w in self.words)
        return {"int": "a whole number >= 0", "number": "a number", "bool": "true or false"}.get(
            self.kind, f"a{'n' if self.kind == 'actor' else ''} {self.kind}"
        )


@record(frozen=True)
class KindDef:
    id: str
    fields: dict[str, FieldType]  # inherited along is_a included


@record(frozen=True)
class CatTest:
    """Accepts a categorical value v iff (v in values) != negate (OTHER is never in values)."""

    values: frozenset[str]
    negate: bool = False

    def accepts(self, v: str) -> bool:
        return (v in self.values) != self.negate


@record(frozen=True)
class NumTest:
    """Accepts a number within any of the closed ranges (None: unbounded), xor negate."""

    ranges: tuple[tuple[float | None, float | None], ...]
    negate: bool = False

    def accepts(self, v: float) -> bool:
        inside = any((lo is None or v >= lo) and (hi is None or v <= hi) for lo, hi in self.ranges)
        return inside != self.negate


Test = CatTest | NumTest


@record(frozen=True)
class MatchIR:
    """A resolved MATCH; `kinds` already holds every kind that is_a the named ones."""

    kinds: CatTest | None = None
    actor: CatTest | None = None
    place: CatTest | None = None
    fields: tuple[tuple[str, Test], ...] = ()
    span: Span = span_field()


@record(frozen=True)
class Fixed:
    minute: int


@record(frozen=True)
class Anchored:
    """A minute anchored on events: the first event matching each of `matches` has
    happened (`after` names one; `after_all` several, and the anchor is the latest of
    those first events), then `shift` gives the window end from that minute."""

    matches: tuple[MatchIR, ...]
    shift: Shift
    every: bool = False  # written as `after_all`
    written: tuple[str, ...] = field(default=(), compare=False)  # each MATCH as written


Point = Fixed | Anchored


@record(frozen=True)
class Window:
    """A closed window of minutes; None ends are unbounded (start: in_force)."""

    start: Point | None = None
    end: Point | None = None
    during: str | None = None


@record(frozen=True)
class StateCond:
    state: str
    key: tuple[str, ...]
    test: CatTest | None = None  # categorical: the accepted values
    min: int | None = None  # counters
    max: int | None = None
