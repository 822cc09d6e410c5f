"""Stage 3: a loaded map checked against a dataset and a terms file, ready to apply.

Every name the map uses is checked where it is written: columns against the
export's (`D607`), regular expressions (`D608`), actor, place and kind ids
against the terms (`R201`, with "did you mean"), fields against their kinds
(`R204`) and constants against the fields' types (`R205`). The result answers,
for one row, which rule drops it, which event rule takes it, which places and
which actors its values are — the first rule that matches wins, and answers are
cached by the values they depend on, so a large export costs one look-up per
distinct value.
"""

from __future__ import annotations

import re
from typing import Any

from checker.datasets.csvrows import Row
from checker.datasets.mapfile import (
    Constant,
    DatasetMap,
    FieldSource,
    MapFile,
    Pattern,
    Regex,
    ScenarioHeader,
    Span,
)
from checker.datasets.profile import Profile
from checker.diagnostics import Diagnostics, did_you_mean
from checker.diagnostics import Span as Where
from checker.ir import FieldType, Terms
from checker.load import Loaded
from checker.records import field, record, replace
from checker.yamlvalues import YamlPath

UNKNOWN = "unknown"
Ids = tuple[str, ...]


@record(frozen=True)
class Matcher:
    exact: frozenset[str]
    regexes: tuple[re.Pattern[str], ...]

    def __call__(self, value: str) -> bool:
        return value.casefold() in self.exact or any(r.search(value) for r in self.regexes)


Condition = tuple[tuple[str, Matcher], ...]


def holds(cond: Condition, row: Row) -> bool:
    return all(m(row.get(column)) for column, m in cond)


@record(frozen=True)
class FieldRule:
    name: str
    type: FieldType
    column: str | None = None  # the value of this column
    low: str | None = None  # or the range of these two
    high: str | None = None
    value: Any = None  # or this constant


@record(frozen=True)
class EventRule:
    index: int
    cond: Condition
    kind: str
    actor: tuple[str, ...]
    fields: dict[str, FieldRule]


@record(frozen=True)
class PlaceRule:
    cond: Condition
    box: tuple[float, float, float, float] | None  # south, north, west, east
    ids: Ids


@record
class Rules:
    profile: Profile
    header: ScenarioHeader
    events: list[EventRule] = field(default_factory=list)
    drops: list[tuple[Condition, Where]] = field(default_factory=list)
    places: list[PlaceRule] = field(default_factory=list)
    actors: list[tuple[Matcher, Ids]] = field(default_factory=list)
    defaults: dict[str, FieldRule] = field(default_factory=dict)  # the map's `fields`
    columns: set[str] = field(default_factory=set)  # every column the rules read
    _rule_cache: dict[tuple[str, ...], tuple[int | None, EventRule | None]] = field(
        default_factory=dict
    )
    _place_cache: dict[tuple[str, ...], Ids | None] = field(default_factory=dict)
    _actor_cache: dict[str, Ids | None] = field(default_factory=dict)
    _rule_columns: tuple[str, ...] = ()
    _place_columns: tuple[str, ...] = ()

    def finish(self) -> None:
        used = {c for e in self.events for c, _ in e.cond} | {
            c for d, _ in self.drops for c, _ in d
        }
        self._rule_columns = tuple(sorted(used))
        where = {c for p in self.places for c, _ in p.cond}
        if any(p.box for p in self.places):
            where |= {self.profile.lat, self.profile.lon}
        self._place_columns = tuple(sorted(where))
        self.columns |= used | where

    def rule(self, row: Row) -> tuple[int | None, EventRule | None]:
        """(the index of the drop rule that takes the row, else None; the event rule, else None)."""
        key = tuple(row.get(c) for c in self._rule_columns)
        found = self._rule_cache.get(key)
        if found is None:
            drop = next((i for i, (c, _) in enumerate(self.drops) if holds(c, row)), None)
            event = (
                None
                if drop is not None
                else next((e for e in self.events if holds(e.cond, row)), None)
            )
            found = self._rule_cache[key] = (drop, event)
        return found

    def place(self, row: Row) -> Ids | None:
        key = tuple(row.get(c) for c in self._place_columns)
        if key in self._place_cache:
            return self._place_cache[key]
        found = next((p.ids for p in self.places if self._place_holds(p, row)), None)
        self._place_cache[key] = found
        return found

    def _place_holds(self, p: PlaceRule, row: Row) -> bool:
        if p.box is not None:
            try:
                lat, lon = float(row.get(self.profile.lat)), float(row.get(self.profile.lon))
            except ValueError:
                return False
            south, north, west, east = p.box
            if not (south <= lat <= north and west <= lon <= east):
                return False
        return holds(p.cond, row)

    def actor(self, name: str) -> Ids | None:
        if name not in self._actor_cache:
            self._actor_cache[name] = next((ids for m, ids in self.actors if m(name)), None)
        return self._actor_cache[name]


class _Compiler:
    def __init__(
        self,
        loaded: Loaded[MapFile],
        section: DatasetMap,
        profile: Profile,
        terms: Terms,
        d: Diagnostics,
    ):
        self.shared = loaded.model.actors
        self.m = section
        self.base: YamlPath = (profile.name,)
        self.doc = loaded.doc
        self.profile = profile
        self.terms = terms
        self.diags = d
        self.rules = Rules(profile, section.scenario)

    def at(self, *path: str | int) -> YamlPath:
        return (*self.base, *path)

    def column(self, name: str, path: YamlPath, *, key: bool = False) -> bool:
        if name in self.profile.columns:
            self.rules.columns.add(name)
            return True
        span = self.doc.key_span(path) if key else self.doc.span(path)
        hint = did_you_mean(name, self.profile.columns)
        self.diags.add("D607", span, hint=hint, column=name, dataset=self.profile.title)
        return False

    def matcher(self, pattern: Pattern | list[str], path: YamlPath) -> Matcher:
        items = pattern if isinstance(pattern, list) else [pattern]
        exact: set[str] = set()
        regexes: list[re.Pattern[str]] = []
        for j, item in enumerate(items):
            at = (*path, j) if isinstance(pattern, list) else path
            if isinstance(item, Regex):
                try:
                    regexes.append(re.compile(item.regex, re.IGNORECASE))
                except re.error as err:
                    self.diags.add("D608", self.doc.span((*at, "regex")), problem=str(err))
            else:
                exact.add(item.strip().casefold())
        return Matcher(frozenset(exact), tuple(regexes))

    def condition(self, when: dict[str, Pattern], path: YamlPath) -> Condition:
        out = []
        for column, pattern in when.items():
            if self.column(column, (*path, column), key=True):
                out.append((column, self.matcher(pattern, (*path, column))))
        return tuple(out)

    def ids(self, what: str, value: str | list[str], path: YamlPath, unknown: bool) -> Ids:
        hierarchy = {"actor": self.terms.actors, "place": self.terms.places}.get(what)
        known = (hierarchy or self.terms.kinds).entities
        items = value if isinstance(value, list) else [value]
        for j, name in enumerate(items):
            if name in known or (unknown and name == UNKNOWN):
                continue
            at = (*path, j) if isinstance(value, list) else path
            hint = did_you_mean(name, list(known) + ([UNKNOWN] if unknown else []))
            self.diags.add("R201", self.doc.span(at), hint=hint, what=what, name=name)
        return tuple(dict.fromkeys(items))

    def compile(self) -> Rules:
        for base, actor_rules in ((self.base, self.m.actors), ((), self.shared)):
            for i, a in enumerate(actor_rules):
                self.actor_rule((*base, "actors", i), a.name, a.regex, a.actor)
        for i, p in enumerate(self.m.places):
            box = None
            if p.box is not None:
                (south, north), (west, east) = sorted(p.box.lat), sorted(p.box.lon)
                box = (south, north, west, east)
            cond = self.condition(p.when, self.at("places", i, "when"))
            ids = self.ids("place", p.place, self.at("places", i, "place"), True)
            self.rules.places.append(PlaceRule(cond, box, ids))
        for i, d in enumerate(self.m.drop):
            self.rules.drops.append(
                (
                    self.condition(d.when, self.at("drop", i, "when")),
                    self.doc.span(self.at("drop", i)),
                )
            )
        for name, source in self.m.fields.items():
            self.default_field(name, source)
        for i, e in enumerate(self.m.events):
            self.event(i, e.kind, e.actor, e.fields, e.when)
        self.rules.finish()
        return self.rules

    def actor_rule(
        self, at: YamlPath, name: str | list[str] | None, regex: str | None, actor: Any
    ) -> None:
        names = name if isinstance(name, list) else [name] if name else []
        if bool(names) == bool(regex):
            self.diags.add("S105", self.doc.span(at), what="an actor rule", keys="`name`, `regex`")
            return
        pattern: Pattern | list[str] = names if names else Regex(regex=regex or "")
        m = self.matcher(pattern, (*at, "name") if names else at)
        self.rules.actors.append((m, self.ids("actor", actor, (*at, "actor"), True)))

    def event(
        self, i: int, kind: str, actor: Any, fields: dict[str, FieldSource], when: Any
    ) -> None:
        cond = self.condition(when, self.at("events", i, "when"))
        if not self.ids("event kind", kind, self.at("events", i, "kind"), False):
            return
        columns = actor if isinstance(actor, list) else [actor] if actor else []
        for j, c in enumerate(columns):
            self.column(
                c,
                self.at("events", i, "actor", j)
                if isinstance(actor, list)
                else self.at("events", i, "actor"),
            )
        kd = self.terms.kind_defs.get(kind)
        own: dict[str, FieldRule] = {}
        for name, source in fields.items():
            ft = kd.fields.get(name) if kd else None
            if ft is None:
                self.diags.add(
                    "R204",
                    self.doc.key_span(self.at("events", i, "fields", name)),
                    kind=kind,
                    field=name,
                )
                continue
            made = self.field(name, ft, source, self.at("events", i, "fields", name))
            if made is not None:
                own[name] = made
        mine = kd.fields if kd else {}
        # the map's `fields`, for this kind's own types of them
        shared = {n: replace(r, type=mine[n]) for n, r in self.rules.defaults.items() if n in mine}
        actors = tuple(columns) or self.profile.default_actor
        self.rules.events.append(EventRule(i, cond, kind, actors, {**shared, **own}))

    def default_field(self, name: str, source: FieldSource) -> None:
        types = {kd.fields[name] for kd in self.terms.kind_defs.values() if name in kd.fields}
        if not types:
            self.diags.add(
                "R210",
                self.doc.key_span(self.at("fields", name)),
                message=f"no event kind of the terms has a field `{name}`",
            )
            return
        ft = next(iter(sorted(types, key=lambda t: (t.kind, t.words))))
        rule = self.field(name, ft, source, self.at("fields", name))
        if rule is not None:
            self.rules.defaults[name] = rule

    def field(
        self, name: str, ft: FieldType, source: FieldSource, path: YamlPath
    ) -> FieldRule | None:
        numeric = ft.kind in ("int", "number")
        if isinstance(source, str):
            if ft.kind == "place":
                self.bad(name, path, "a place id as `{value: ID}`", source)
                return None
            return FieldRule(name, ft, column=source) if self.column(source, path) else None
        if isinstance(source, Span):
            if not numeric:
                self.bad(name, path, ft.describe(), "a range of columns")
                return None
            ok = self.column(source.min, (*path, "min")) & self.column(source.max, (*path, "max"))
            return FieldRule(name, ft, low=source.min, high=source.max) if ok else None
        return self.constant(name, ft, source, path)

    def constant(self, name: str, ft: FieldType, c: Constant, path: YamlPath) -> FieldRule | None:
        v = c.value
        at = (*path, "value")
        if ft.kind in ("actor", "place"):
            ids = self.ids(ft.kind, str(v), at, True)
            return FieldRule(name, ft, value=ids[0]) if ids else None
        ok = {
            "int": isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            "number": isinstance(v, int | float) and not isinstance(v, bool),
            "bool": isinstance(v, bool),
            "enum": str(v) in ft.words,
            "text": True,
        }.get(ft.kind, False)
        if not ok:
            self.bad(name, at, ft.describe(), v)
            return None
        return FieldRule(name, ft, value=v)

    def bad(self, name: str, path: YamlPath, expected: str, value: object) -> None:
        self.diags.add("R205", self.doc.span(path), field=name, expected=expected, value=value)


def compile_rules(
    loaded: Loaded[MapFile], profile: Profile, terms: Terms, diags: Diagnostics
) -> Rules | None:
    """The map's rules for `profile` and `terms`; None when the map names something wrong."""
    section = loaded.model.section(profile.name)
    if section is None:
        diags.add("D609", loaded.doc.span(()), dataset=profile.name)
        return None
    mine = Diagnostics()
    rules = _Compiler(loaded, section, profile, terms, mine).compile()
    diags.extend(mine.items)
    return None if mine.has_errors else rules
