"""Shared building blocks of both languages: ids, MATCH values, windows."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# Provision ids may start with a digit: they follow the numbered points of the text (`6.kalbajar`).
PROVISION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ProvisionId = Annotated[str, StringConstraints(pattern=PROVISION_ID_PATTERN)]
# Names may be ids, `name`s or aliases, so they are free text until resolved.
Name = str
NameOrNames = Union[Name, list[Name]]
Scalar = Union[bool, int, float, str]
DateValue = Union[str, int]  # a date/datetime string; a bare year arrives as int


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        coerce_numbers_to_str=True,
        defer_build=True,  # built on first use: a valid document never needs it (fast.py)
    )


class NotValue(Strict):
    """`{not: ...}`: anything but the value(s)."""

    not_: Scalar | list[Scalar] = Field(alias="not")


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
    day: int | None = Field(default=None, ge=0)


WindowPoint = Union[DateValue, Relative]


def schema_extra(title: str) -> dict[str, Any]:
    return {"title": title}
