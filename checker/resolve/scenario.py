"""Stage 3: a loaded scenario -> `ir.Scenario`, with its terms resolved in force.

Reports become events, absences and state observations with minute bounds
and the sets of concrete values each attribute may take. The terms file is
loaded and resolved once per process (`TermsCache`), whatever the number of
scenarios that use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from checker import timeutil as tu
from checker.diagnostics import Diagnostics, Span, did_you_mean
from checker.ir import (
    OTHER,
    AbsenceReport,
    Attr,
    BoolAttr,
    CatAttr,
    Complete,
    EventReport,
    Expectation,
    FieldKind,
    FieldType,
    NumAttr,
    Report,
    Scenario,
    Source,
    StateReport,
    Terms,
    TextAttr,
)
from checker.load import Loaded, load_terms
from checker.models.scenario import Report as ReportModel
from checker.models.scenario import ScenarioFile
from checker.resolve.common import Where, timed
from checker.resolve.match import Lexicon, resolve_match, resolve_state_cond
from checker.resolve.terms import TermsResolver, resolve_initial

REPORT_KEYS = {
    "id",
    "event",
    "none",
    "state",
    "date",
    "time",
    "source",
    "note",
    "same_as",
    "after",
    "before",
    "of",
    "is",
    "min",
    "max",
}


@dataclass
class TermsCache:
    """Terms files loaded and resolved once per process, by absolute path."""

    resolvers: dict[str, tuple[TermsResolver | None, list[Any]]] = field(default_factory=dict)
    resolved: dict[tuple[str, tuple[str, ...], str | None], Terms | None] = field(
        default_factory=dict
    )

    def resolver(self, path: Path, diags: Diagnostics) -> TermsResolver | None:
        key = str(path.resolve())
        if key not in self.resolvers:
            local = Diagnostics()
            loaded = load_terms(path, local)
            res = TermsResolver(loaded, local, load_terms) if loaded is not None else None
            self.resolvers[key] = (
                res if res is not None and res.ok and not local.has_errors else None,
                list(local.items),
            )
        res, items = self.resolvers[key]
        diags.extend(items)
        return res

    def terms(
        self,
        path: Path,
        res: TermsResolver,
        as_of: int | None,
        reading: str | None,
        diags: Diagnostics,
    ) -> Terms | None:
        applied = tuple(
            info.id for info, _ in res.amendments() if as_of is None or info.adopted <= as_of
        )
        key = (str(path.resolve()), applied, reading)
        if key not in self.resolved:
            local = Diagnostics()
            res.diags = local
            self.resolved[key] = res.resolve(as_of, reading)
            self.resolvers[str(path.resolve())][1].extend(local.items)
            diags.extend(local.items)
        return self.resolved[key]


def _shown(value: Any) -> str:
    """A value as YAML flow text, for messages (not Python's repr)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


NO_READING = "(none)"


@dataclass
class Overrides:
    """Command-line options that change what a scenario says about itself."""

    terms: Path | None = None
    as_of: str | None = None
    as_known_on: str | None = None
    interpretation: str | None = None
    expectations: bool = True  # False: another reading of the terms, judged for comparison only


def resolve_scenario(
    loaded: Loaded[ScenarioFile],
    diags: Diagnostics,
    cache: TermsCache,
    opts: Overrides | None = None,
) -> Scenario | None:
    return ScenarioResolver(loaded, diags, cache, opts or Overrides()).resolve()


class ScenarioResolver:
    def __init__(
        self, loaded: Loaded[ScenarioFile], diags: Diagnostics, cache: TermsCache, opts: Overrides
    ) -> None:
        self.loaded = loaded
        self.m = loaded.model
        self.diags = diags
        self.cache = cache
        self.opts = opts
        self.doc = loaded.doc

    def at(self, *path: str | int) -> Where:
        return Where(self.doc, tuple(path))

    def resolve(self) -> Scenario | None:
        h = self.m.scenario
        terms_path = self.opts.terms or (Path(self.loaded.file).parent / h.terms)
        before = len(self.diags.errors())
        res = self.cache.resolver(terms_path, self.diags)
        if res is None:
            self.diags.add("R206", self.at("scenario", "terms").span, path=str(terms_path))
            return None
        zone: tu.Zone | None
        zone = res.main.zone
        if h.timezone is not None:
            zone = timed(self.diags, self.at("scenario", "timezone"), tu.parse_zone, h.timezone)
            if zone is None:
                return None
        as_of_text = self.opts.as_of or h.as_of
        as_of = timed(self.diags, self.at("scenario", "as_of"), tu.window_until, as_of_text, zone)
        if as_of is None:
            return None
        reading = self.opts.interpretation or h.interpretation
        if reading == NO_READING:  # `--interpretation all` asks for the plain text too
            reading = None
        if reading is not None and reading not in res.main.model.interpretations:
            self.diags.add(
                "R212",
                self.at("scenario", "interpretation").span,
                hint=did_you_mean(reading, res.main.model.interpretations),
                name=reading,
            )
            return None
        terms = self.cache.terms(terms_path, res, as_of, reading, self.diags)
        if terms is None:
            return None
        if as_of < terms.in_force:
            self.diags.add("T306", self.at("scenario", "as_of").span)
        self.terms = terms
        self.zone = zone
        self.as_of = as_of
        self.lex = Lexicon.of(terms)
        if self.m.initial:
            initial = {k: dict(v) for k, v in terms.initial.items()}
            for name, values in self.m.initial.items():
                initial.setdefault(name, {}).update(
                    resolve_initial(self.lex, name, values, self.at("initial", name), self.diags)
                )
            from dataclasses import replace

            self.terms = terms = replace(terms, initial=initial)
        known_on = None
        if self.opts.as_known_on is not None:
            known_on = timed(
                self.diags, self.at("scenario"), tu.window_until, self.opts.as_known_on, zone
            )
        reports = self._reports(known_on)
        complete = self._complete()
        expect = self._expect() if self.opts.expectations else None
        if len(self.diags.errors()) > before:
            return None
        return Scenario(
            id=h.id,
            title=h.title,
            file=self.loaded.file,
            terms=terms,
            as_of=as_of,
            as_of_text=str(as_of_text),
            zone=zone,
            world=h.world,
            complete=tuple(complete),
            reports=tuple(reports),
            expect=expect,
            interpretation=reading,
            span=self.at("scenario").key_span,
        )

    # ---- reports ---------------------------------------------------------

    def _reports(self, known_on: int | None) -> list[Report]:
        out: list[Report] = []
        ids: dict[str, ReportModel] = {}
        for i, r in enumerate(self.m.reports):
            rid = r.id or f"line-{self.at('reports', i).span.line}"
            ids[rid] = r
        events = {rid for rid, r in ids.items() if r.event is not None}
        for i, r in enumerate(self.m.reports):
            at = self.at("reports", i)
            rid = r.id or f"line-{at.span.line}"
            source = self._source(r, at)
            if (
                known_on is not None
                and source is not None
                and source.published is not None
                and source.published > known_on
            ):
                continue
            shapes = [k for k in ("event", "none", "state") if getattr(r, k) is not None]
            if len(shapes) != 1:
                # at the second shape written (the one that makes it ambiguous), else the report
                spans = sorted(
                    ((at / k).key_span for k in shapes), key=lambda s: (s.line, s.column)
                )
                self.diags.add(
                    "S105",
                    spans[1] if len(spans) > 1 else at.span,
                    what="a report",
                    keys="`event`, `none`, `state`",
                )
                continue
            window = self._when(r, at)
            # A report with a bad date is still checked, so every mistake in it is found.
            lo, hi = window if window is not None else (self.terms.in_force, self.as_of)
            rep = self._report(r, rid, at, shapes[0], lo, hi, source, events)
            if rep is not None and window is not None:
                out.append(rep)
        return out

    def _report(
        self,
        r: ReportModel,
        rid: str,
        at: Where,
        shape: str,
        lo: int,
        hi: int,
        source: Source | None,
        events: set[str],
    ) -> Report | None:
        if shape == "event":
            for key in ("same_as", "after", "before"):
                ref = getattr(r, key)
                if ref is not None and ref not in events:
                    self.diags.add(
                        "R209", (at / key).span, hint=did_you_mean(ref, events), name=ref
                    )
            return self._event(r, rid, at, lo, hi, source)
        self._only(r, at, shape)
        if shape == "none":
            match = resolve_match(self.lex, self.doc_value(at / "none"), at / "none", self.diags)
            return AbsenceReport(rid, match, lo, hi, source, at.span) if match is not None else None
        raw = {
            k: v for k, v in self.doc_value(at).items() if k in ("state", "of", "is", "min", "max")
        }
        cond = resolve_state_cond(self.lex, raw, at, self.diags)
        return StateReport(rid, cond, lo, hi, source, at.span) if cond is not None else None

    def doc_value(self, where: Where) -> Any:
        node = self.doc.data
        for part in where.path:
            node = node[part]
        return node

    def _only(self, r: ReportModel, at: Where, shape: str) -> None:
        allowed = {
            "none": {"id", "none", "date", "time", "source", "note"},
            "state": {"id", "state", "of", "is", "min", "max", "date", "time", "source", "note"},
        }[shape]
        for key in self.doc_value(at):
            if key not in allowed:
                self.diags.add(
                    "S101",
                    (at / key).key_span,
                    hint=f"a `{shape}` report takes "
                    + ", ".join(f"`{k}`" for k in sorted(allowed)),
                    key=key,
                )

    def _when(self, r: ReportModel, at: Where) -> tuple[int, int] | None:
        if r.time is not None and r.date is not None:
            spans = sorted(
                ((at / k).key_span for k in ("date", "time")), key=lambda s: (s.line, s.column)
            )
            self.diags.add("S105", spans[1], what="a report", keys="`date`, `time` (or neither)")
            return None
        if r.time is not None:
            m = timed(self.diags, at / "time", tu.parse_exact_time, str(r.time), self.zone)
            return (m, m) if m is not None else None
        if r.date is None:
            return (self.terms.in_force, self.as_of)
        raw = self.doc_value(at / "date")
        return timed(self.diags, at / "date", self._range, raw)

    def _range(self, raw: Any) -> tuple[int, int]:
        return tu.parse_date_range(
            raw, self.zone, default_lo=self.terms.in_force, default_hi=self.as_of
        )

    def _source(self, r: ReportModel, at: Where) -> Source | None:
        s = r.source
        if s is None:
            return None
        if isinstance(s, str):
            return Source(s)
        published = None
        if s.published is not None:
            published = timed(
                self.diags, at / "source" / "published", tu.window_from, s.published, self.zone
            )
        text = ", ".join(x for x in (s.by, str(s.published) if s.published else None) if x)
        return Source(text or (s.url or ""), s.by, published, s.url, s.reliability)

    def _event(
        self, r: ReportModel, rid: str, at: Where, lo: int, hi: int, source: Source | None
    ) -> EventReport | None:
        kind = self.lex.kind_names.lookup(r.event, (at / "event").span, self.diags)
        if kind is None:
            return None
        # What a report names is what happened: `event: hostilities` is an event of
        # that kind, `place: nk` is nk itself; uncertainty is written as one_of/unknown.
        kinds = frozenset({kind})
        fields = dict(self.terms.kind_defs[kind].fields)
        extra = r.model_extra or {}
        for key in ("of", "is", "min", "max"):
            if getattr(r, key if key != "is" else "is_") is not None:
                self.diags.add(
                    "S101",
                    (at / key).key_span,
                    hint="an `event` report takes the kind's fields",
                    key=key,
                )
        values: dict[str, Attr] = {}
        ok = True
        for name in sorted(extra):
            ft = (
                FieldType(cast(FieldKind, name)) if name in ("actor", "place") else fields.get(name)
            )
            if ft is None:
                self.diags.add(
                    "R204",
                    (at / name).key_span,
                    hint=did_you_mean(name, ["actor", "place", *fields, *REPORT_KEYS]),
                    kind=kind,
                    field=name,
                )
                ok = False
                continue
            attr = self._attr(ft, extra[name], at / name)
            if attr is None:
                ok = False
            else:
                values[name] = attr
        if not ok:
            return None
        actor = values.pop("actor", None) or self._unknown(FieldType("actor"))
        place = values.pop("place", None) or self._unknown(FieldType("place"))
        assert isinstance(actor, CatAttr) and isinstance(place, CatAttr)
        for name in sorted(fields):
            if name not in values:
                values[name] = self._unknown(fields[name])
        return EventReport(
            rid,
            kinds,
            lo,
            hi,
            actor,
            place,
            tuple(sorted(values.items())),
            r.same_as,
            r.after,
            r.before,
            source,
            at.span,
        )

    def _unknown(self, ft: FieldType) -> Attr:
        if ft.kind in ("actor", "place"):
            return CatAttr(frozenset(self.lex.hierarchy(ft.kind).ids) | {OTHER})
        if ft.kind == "enum":
            return CatAttr(frozenset(ft.words))
        if ft.kind == "int":
            return NumAttr(0, None, True)
        if ft.kind == "number":
            return NumAttr(None, None, False)
        if ft.kind == "bool":
            return BoolAttr(frozenset({True, False}))
        return TextAttr(None)

    def _attr(self, ft: FieldType, raw: Any, at: Where) -> Attr | None:
        """An attribute value (possibly uncertain) -> the values it may take.

        Problems are reported at the offending value: an item of `one_of`, a side
        of `{min, max}`, or the whole value.
        """
        if raw == "unknown":
            return self._unknown(ft)
        field = str(at.path[-1])

        def bad(where: Where, value: Any, expected: str | None = None) -> None:
            self.diags.add(
                "R205",
                where.span,
                field=field,
                expected=expected or ft.describe(),
                value=_shown(value),
            )

        one_of = isinstance(raw, dict) and "one_of" in raw
        if one_of and (set(raw) != {"one_of"} or not isinstance(raw["one_of"], list)):
            self.diags.add(
                "S103", at.span, message="`one_of` takes a list of values, and only that"
            )
            return None
        if one_of and not raw["one_of"]:
            self.diags.add(
                "S103", (at / "one_of").span, message="`one_of` needs at least one value"
            )
            return None
        if ft.kind in ("int", "number"):
            return self._num(ft, raw, at, bad)
        options: list[Any] = raw["one_of"] if one_of else raw if isinstance(raw, list) else [raw]

        def spot(j: int) -> Where:
            return at / "one_of" / j if one_of else at / j if isinstance(raw, list) else at

        if ft.kind == "bool":
            for j, o in enumerate(options):
                if not isinstance(o, bool):
                    bad(spot(j), o)
                    return None
            return BoolAttr(frozenset(options))
        if ft.kind == "text":
            if isinstance(raw, dict | list):
                bad(at, raw, "text")
                return None
            return TextAttr(str(raw))
        values: set[str] = set()
        for j, name in enumerate(options):
            where = spot(j)
            if isinstance(name, dict | list) or name is None:
                bad(where, name)
                return None
            if ft.kind == "enum":
                if str(name) not in ft.words:
                    self.diags.add(
                        "S104",
                        where.span,
                        hint=did_you_mean(str(name), ft.words),
                        value=name,
                        allowed=", ".join(f"`{w}`" for w in ft.words),
                    )
                    return None
                values.add(str(name))
                continue
            if name == "unknown":
                values |= set(self.lex.hierarchy(ft.kind).ids) | {OTHER}
                continue
            found = self.lex.names_for(ft.kind).lookup(name, where.span, self.diags)
            if found is None:
                return None
            values.add(found)
        return CatAttr(frozenset(values))

    def _num(
        self, ft: FieldType, raw: Any, at: Where, bad: Callable[[Where, Any], None]
    ) -> NumAttr | None:
        integer = ft.kind == "int"

        def ok(v: Any) -> bool:
            return (
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and math.isfinite(v)
                and (not integer or (v == int(v) and v >= 0))
            )

        if isinstance(raw, dict) and set(raw) <= {"min", "max"}:
            for side in ("min", "max"):
                if raw.get(side) is not None and not ok(raw[side]):
                    bad(at / side, raw[side])
                    return None
            lo, hi = raw.get("min"), raw.get("max")
        elif isinstance(raw, dict) and "one_of" in raw:
            nums = raw["one_of"]
            for j, n in enumerate(nums):
                if not ok(n):
                    bad(at / "one_of" / j, n)
                    return None
            lo, hi = min(nums), max(nums)
        elif ok(raw):
            lo = hi = raw
        else:
            bad(at, raw)
            return None
        if lo is not None and hi is not None and lo > hi:
            self.diags.add("T303", at.span, detail=f"min {lo} > max {hi}")
            return None
        if integer and lo is None:
            lo = 0
        return NumAttr(lo, hi, integer)

    # ---- world and expectations ------------------------------------------

    def _complete(self) -> list[Complete]:
        out: list[Complete] = []
        for i, _entry in enumerate(self.m.scenario.complete):
            at = self.at("scenario", "complete", i)
            raw = self.doc_value(at)
            if isinstance(raw, dict) and "match" in raw:
                match = resolve_match(self.lex, raw["match"], at / "match", self.diags)
                lo = hi = None
                if raw.get("date") is not None:
                    rng = timed(self.diags, at / "date", self._range, raw["date"])
                    if rng is None:
                        continue
                    lo, hi = rng
                if match is not None:
                    out.append(Complete(match, lo, hi))
            else:
                match = resolve_match(self.lex, raw, at, self.diags)
                if match is not None:
                    out.append(Complete(match))
        if out and self.m.scenario.world == "closed":
            self.diags.add(
                "R210",
                self.at("scenario", "complete").key_span,
                message="`complete` applies to `world: open` only (a closed world is complete already)",
            )
        return out

    def _expect(self) -> Expectation | None:
        e = self.m.expect
        if e is None:
            return None
        known = {p.id for p in self.terms.provisions}
        entries: list[tuple[str, str, Span]] = []
        for pid, verdict in e.provisions.items():
            where = self.at("expect", "provisions", pid)
            if pid not in known:
                self.diags.add("R208", where.key_span, hint=did_you_mean(pid, known), name=pid)
                continue
            entries.append((pid, verdict, where.key_span))
        return Expectation(e.verdict, tuple(entries))
