"""Stage 3: the map file — how a dataset's words become the ids of a terms file.

A map is YAML (positions kept, like every input), one per terms file: `actors`
(dataset names, exact or by regular expression, -> actor ids or `unknown`),
shared by the datasets, and a section per dataset (`acled`, `ucdp`) with the
`scenario` header to write and ordered rules — its own `actors` (tried first),
`places` (column values or a latitude/longitude box -> place ids), `events`
(column values -> an event kind, which columns give its actor, which its
fields), `fields` (columns -> fields of every kind that has them) and `drop`
(rows left out on purpose). `checker schema map` prints its JSON Schema.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from checker.diagnostics import Diagnostics
from checker.files import read_prefix
from checker.load import Loaded, display_path, validate
from checker.models.base import field
from checker.models.common import DateValue, Id, Strict
from checker.models.scenario import Expect
from checker.yamlsource import load_file, load_text
from checker.yamlvalues import YamlDoc


class Regex(Strict):
    """`{regex: RE}`: the value contains a match of RE (ignoring case; `^`/`$` anchor it)."""

    regex: str


# A plain string matches the whole value, ignoring case and surrounding spaces; a list
# matches any of its items.
Pattern = str | Regex | list[str | Regex]
Condition = dict[str, Pattern]  # column -> pattern; every one must match
Ids = Id | list[Id]  # an id, `unknown`, or several (the report says one of them)


class ScenarioHeader(Strict):
    """What the written scenario says about itself (SPEC §4)."""

    id: Id | None = None
    title: str | None = None
    description: str | None = None
    as_of: DateValue | None = None
    timezone: str | None = None
    world: Literal["closed", "open"] = "closed"
    note: str | None = None
    expect: Expect | None = None


class ActorRule(Strict):
    """Dataset actor names -> actor ids; `name` exact (ignoring case), or `regex`."""

    name: str | list[str] | None = None
    regex: str | None = None
    actor: Ids
    note: str | None = None


class Box(Strict):
    """A latitude/longitude box, bounds included."""

    lat: tuple[float, float]
    lon: tuple[float, float]


class PlaceRule(Strict):
    """Rows whose columns match `when` (and whose coordinates lie in `box`) -> `place`."""

    when: Condition = {}
    box: Box | None = None
    place: Ids
    note: str | None = None


class Constant(Strict):
    """`{value: V}`: the same value for every row."""

    value: bool | int | float | str


class Span(Strict):
    """`{min: COLUMN, max: COLUMN}`: an uncertain number between two columns."""

    min: str
    max: str


# a column name, a constant, or a range of two columns
FieldSource = str | Constant | Span


class EventRule(Strict):
    """Rows whose columns match `when` -> reports of `kind`."""

    when: Condition = {}
    kind: Id
    actor: str | list[str] | None = None  # the columns naming its actor (default per dataset)
    fields: dict[str, FieldSource] = {}
    note: str | None = None


class DropRule(Strict):
    """Rows whose columns match `when` are left out, counted and reported."""

    when: Condition
    reason: str


class DatasetMap(Strict):
    """The rules for one dataset's exports."""

    scenario: ScenarioHeader = field(default_factory=ScenarioHeader)
    actors: list[ActorRule] = []
    places: list[PlaceRule] = []
    events: list[EventRule] = []
    fields: dict[str, FieldSource] = {}
    drop: list[DropRule] = []
    note: str | None = None


class MapFile(Strict):
    actors: list[ActorRule] = []
    acled: DatasetMap | None = None
    ucdp: DatasetMap | None = None
    note: str | None = None

    def section(self, dataset: str) -> DatasetMap | None:
        found = getattr(self, dataset, None)
        return found if isinstance(found, DatasetMap) else None


_SECTION = re.compile(rb"^(?:acled|ucdp)\s*:", re.MULTILINE)
_OTHER = re.compile(rb"^(?:scenario|agreement)\s*:", re.MULTILINE)


def is_map_file(path: Path | str) -> bool:
    """Whether the file starts like a map (a top-level `acled:` or `ucdp:` section)."""
    head = read_prefix(path, 1 << 20) or b""
    return bool(_SECTION.search(head)) and not _OTHER.search(head)


def load_map(path: Path | str, diags: Diagnostics) -> Loaded[MapFile] | None:
    """Read and validate a map file; every problem at its YAML position."""
    doc = load_file(path, diags, display=display_path(path))
    return _from_doc(doc, diags) if doc is not None else None


def load_map_text(text: str, file: str, diags: Diagnostics) -> Loaded[MapFile] | None:
    """For tests and tools: a map from a string."""
    doc = load_text(text, file, diags)
    return _from_doc(doc, diags) if doc is not None else None


def _from_doc(doc: YamlDoc, diags: Diagnostics) -> Loaded[MapFile] | None:
    model = validate(doc, MapFile, diags)
    return Loaded(model, doc) if model is not None else None
