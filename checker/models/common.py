"""Shared building blocks of both languages: ids, MATCH values, windows."""

from __future__ import annotations

from typing import Annotated, Union

from checker.models.base import Model, StrPattern, field

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"

Id = Annotated[str, StrPattern(ID_PATTERN)]
# Provision ids may start with a digit: they follow the numbered points of the text (`6.kalbajar`).
PROVISION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ProvisionId = Annotated[str, StrPattern(PROVISION_ID_PATTERN)]
# Names may be ids, `name`s or aliases, so they are free text until resolved.
Name = str
NameOrNames = Union[Name, list[Name]]
Scalar = Union[bool, int, float, str]
DateValue = Union[str, int]  # a date/datetime string; a bare year arrives as int


class Strict(Model):
    """The base of every model: unknown keys forbidden (`extra="allow"` keeps them), a key
    accepted by its field's name as well as its alias, numbers taken where a string is
    declared (pydantic's `populate_by_name` and `coerce_numbers_to_str`: see validation.py)."""


class NotValue(Strict):
    """`{not: ...}`: anything but the value(s)."""

    not_: Scalar | list[Scalar] = field(alias="not")


class RangeValue(Strict):
    """`{min: N, max: N}` for numbers (either side may be omitted)."""

    min: int | float | None = None
    max: int | float | None = None


class OneOf(Strict):
    """An uncertain value: one of these."""

    one_of: list[Scalar]


class Bounds(Strict):
    """An uncertain number: somewhere in `[min, max]`."""

    min: int | float | None = None
    max: int | float | None = None


MatchValue = Union[Scalar, list[Scalar], NotValue, RangeValue]
# A MATCH: `kind`, `actor`, `place` and any field of the kind, each a MatchValue.
Match = dict[str, MatchValue]


class Relative(Strict):
    """A window end anchored on events: the first matching `after`, or the latest of the
    first events matching each of `after_all`; moved by `offset` or to a `day` after it."""

    after: Match | None = None
    after_all: list[Match] | None = None
    offset: str | None = None
    day: int | None = field(default=None, ge=0)


WindowPoint = Union[DateValue, Relative]
