"""Stage 3: a scenario's reports -> events, absences and state observations (SPEC §4).

Input: the scenario model with its document, its terms in force, zone and
`as_of`. Output: `ir.Report`s with the minute bounds of their dates and the
sets of values each attribute may take. Every mistake in a report is found,
even after the first, each at its position.
"""

from __future__ import annotations

from typing import Any, cast

from checker import timeutil as tu
from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import (
    AbsenceReport,
    Attr,
    CatAttr,
    EventReport,
    FieldKind,
    FieldType,
    Report,
    Source,
    StateReport,
    Terms,
)
from checker.models.scenario import Report as ReportModel
from checker.models.scenario import ScenarioFile
from checker.records import record
from checker.resolve.attrs import AttrReader
from checker.resolve.common import Where, timed
from checker.resolve.match import Lexicon, resolve_match, resolve_state_cond
from checker.yamlvalues import YamlDoc

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


@record
class ReportReader:
    """The reports of one scenario, read against its terms in force."""

    doc: YamlDoc
    model: ScenarioFile
    diags: Diagnostics
    terms: Terms
    lex: Lexicon
    zone: tu.Zone
    as_of: int

    def __post_init__(self) -> None:
        self.attrs = AttrReader(self.lex, self.diags)

    def at(self, *path: str | int) -> Where:
        return Where(self.doc, tuple(path))

    def doc_value(self, where: Where) -> Any:
        node = self.doc.data
        for part in where.path:
            node = node[part]
        return node

    def reports(self, known_on: int | None) -> list[Report]:
        out: list[Report] = []
        ids: dict[str, ReportModel] = {}
        for i, r in enumerate(self.model.reports):
            rid = r.id or f"line-{self.at('reports', i).span.line}"
            ids[rid] = r
        events = {rid for rid, r in ids.items() if r.event is not None}
        for i, r in enumerate(self.model.reports):
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
        return timed(self.diags, at / "date", self.range, raw)

    def range(self, raw: Any) -> tuple[int, int]:
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
        kind = self.lex.kind_names.lookup(r.event, at / "event", self.diags)
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
            attr = self.attrs.attr(ft, extra[name], at / name)
            if attr is None:
                ok = False
            else:
                values[name] = attr
        if not ok:
            return None
        actor = values.pop("actor", None) or self.attrs.unknown(FieldType("actor"))
        place = values.pop("place", None) or self.attrs.unknown(FieldType("place"))
        assert isinstance(actor, CatAttr) and isinstance(place, CatAttr)
        for name in sorted(fields):
            if name not in values:
                values[name] = self.attrs.unknown(fields[name])
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
