"""Stage 3: a loaded terms file (and its includes) -> `ir.Terms` in force.

Builds the vocabulary and hierarchies, kind fields (inherited along `is_a`),
states, initial values and periods; then applies the chosen interpretation and
the amendments adopted by `as_of` (in order of adoption) and resolves every
provision. Each provision remembers which amendments shaped it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker import timeutil as tu
from checker.diagnostics import Diagnostics, Span, did_you_mean
from checker.ir import (
    FORMS,
    AmendmentInfo,
    Anchored,
    CatTest,
    Entity,
    FieldType,
    Fixed,
    KindDef,
    MatchIR,
    Notice,
    PeriodDef,
    Point,
    Provision,
    StateDef,
    Terms,
    Window,
)
from checker.load import Loaded, report_validation_error
from checker.models.terms import Provision as ProvisionModel
from checker.models.terms import TermsFile
from checker.resolve.common import Where, timed
from checker.resolve.match import Lexicon, resolve_match, resolve_names, resolve_state_cond
from checker.resolve.names import Vocabulary, close_hierarchy
from checker.yamlsource import YamlDoc

LoadTerms = Callable[[Path, Diagnostics], "Loaded[TermsFile] | None"]
END_KEYS = ("until", "by", "before")
FORM_ONLY = {"must": "each", "total": "require", "once": "achieve"}


@dataclass
class _File:
    loaded: Loaded[TermsFile]
    zone: tu.Zone
    in_force: int

    @property
    def model(self) -> TermsFile:
        return self.loaded.model

    def at(self, *path: str | int) -> Where:
        return Where(self.loaded.doc, tuple(path))


def gather_files(
    main: Loaded[TermsFile], diags: Diagnostics, load: LoadTerms
) -> list[Loaded[TermsFile]]:
    """The main file and its includes, depth first, each once; include cycles reported."""
    out: list[Loaded[TermsFile]] = []
    seen: set[str] = set()

    def visit(lt: Loaded[TermsFile], trail: tuple[str, ...]) -> None:
        key = str(Path(lt.file).resolve())
        if key in seen:
            return
        seen.add(key)
        out.append(lt)
        for i, rel in enumerate(lt.model.includes):
            path = (Path(lt.file).parent / rel).resolve()
            where = Where(lt.doc, ("includes", i))
            if str(path) in trail or str(path) == key:
                cycle = " -> ".join(Path(p).name for p in (*trail, key, str(path)))
                diags.add("R211", where.span, cycle=cycle)
                continue
            sub = load(path, diags)
            if sub is None:
                diags.add("R206", where.span, path=rel)
                continue
            visit(sub, (*trail, key))

    visit(main, ())
    return out


def _file_time(lt: Loaded[TermsFile], diags: Diagnostics) -> _File | None:
    at = Where(lt.doc, ("agreement",))
    zone = timed(diags, at / "timezone", tu.parse_zone, lt.model.agreement.timezone)
    if zone is None:
        return None
    z = zone
    in_force = timed(diags, at / "in_force", tu.window_from, lt.model.agreement.in_force, z)
    if in_force is None:
        return None
    return _File(lt, zone, in_force)


class TermsResolver:
    """Resolves one terms file with its includes; reusable for several `as_of` values."""

    def __init__(self, main: Loaded[TermsFile], diags: Diagnostics, load: LoadTerms) -> None:
        self.diags = diags
        files = [_file_time(lt, diags) for lt in gather_files(main, diags, load)]
        self.files = [f for f in files if f is not None]
        self.ok = len(self.files) == len(files)
        if not self.ok:
            return
        self.main = self.files[0]
        self.parent_spans: dict[str, dict[str, tuple[Span, ...]]] = {}
        self.actors = self._entities("actors", "actor")
        self.places = self._entities("places", "place")
        self.kinds_raw = self._entities("events", "event kind")
        self.lex = self._lexicon()
        self.parties = self._parties()
        self.initial = self._initial()
        self.periods = self._periods()

    # ---- vocabulary ------------------------------------------------------

    def _entities(self, section: str, what: str) -> dict[str, Entity]:
        out: dict[str, Entity] = {}
        link = "is_a" if section == "events" else "part_of"
        spans = self.parent_spans.setdefault(section, {})
        dumps: dict[str, tuple[Any, str, Span]] = {}
        for f in self.files:
            for eid, model in getattr(f.model, section).items():
                where = f.at(section, eid)
                dump = model.model_dump(by_alias=True)
                if eid in dumps:
                    if dumps[eid][0] != dump:
                        first = dumps[eid]
                        self.diags.add(
                            "R207", where.key_span, related=[first[2]], name=eid, other=first[1]
                        )
                    continue
                dumps[eid] = (dump, f.loaded.file, where.key_span)
                parents = getattr(model, "part_of", None) if section != "events" else model.is_a
                if isinstance(parents, list):
                    spans[eid] = tuple((where / link / i).span for i in range(len(parents)))
                else:
                    spans[eid] = ((where / link).span,)
                extra = tuple(sorted((k, str(v)) for k, v in (model.model_extra or {}).items()))
                out[eid] = Entity(
                    eid,
                    getattr(model, "name", None),
                    tuple(getattr(model, "aliases", ())),
                    tuple(parents if isinstance(parents, list) else [parents] if parents else []),
                    extra,
                    where.key_span,
                )
        return out

    def _lexicon(self) -> Lexicon:
        d = self.diags
        ps = self.parent_spans
        actors = close_hierarchy(
            "actor", self.actors, d, Vocabulary("actor", self.actors), ps["actors"]
        )
        places = close_hierarchy(
            "place", self.places, d, Vocabulary("place", self.places), ps["places"]
        )
        kinds = close_hierarchy(
            "event kind", self.kinds_raw, d, Vocabulary("event kind", self.kinds_raw), ps["events"]
        )
        own: dict[str, dict[str, FieldType]] = {}
        for f in self.files:
            for kid, km in f.model.events.items():
                fields: dict[str, FieldType] = {}
                for fname, ftype in km.fields.items():
                    if fname in ("kind", "actor", "place", "id", "source", "date", "time"):
                        self.diags.add(
                            "R210",
                            f.at("events", kid, "fields", fname).key_span,
                            message=f"`{fname}` is a built-in attribute of every event, not a field",
                        )
                        continue
                    if isinstance(ftype, list):
                        fields[fname] = FieldType("enum", tuple(str(w) for w in ftype))
                    else:
                        fields[fname] = FieldType(ftype)
                own.setdefault(kid, fields)
        kind_defs: dict[str, KindDef] = {}
        for kid in kinds.ids:
            merged: dict[str, FieldType] = {}
            # nearest definitions win: walk ancestors farthest-first
            for anc in sorted(kinds.ancestors[kid], key=lambda a: len(kinds.ancestors[a])):
                merged.update(own.get(anc, {}))
            kind_defs[kid] = KindDef(kid, merged)
        lex = Lexicon(actors, places, kinds, kind_defs, {})
        lex.states = self._states(lex)
        return lex

    def _parties(self) -> tuple[str, ...]:
        at = self.main.at("agreement", "parties")
        ids = [
            self.lex.actor_names.lookup(p, (at / i).span, self.diags)
            for i, p in enumerate(self.main.model.agreement.parties)
        ]
        return tuple(i for i in ids if i is not None)

    # ---- states ----------------------------------------------------------

    def _states(self, lex: Lexicon) -> dict[str, StateDef]:
        out: dict[str, StateDef] = {}
        for f in self.files:
            for name, sm in f.model.states.items():
                if name in out:
                    continue
                at = f.at("states", name)
                of = tuple(sm.of) if isinstance(sm.of, list) else (sm.of,)
                if of not in (("place",), ("actor",), ("actor", "place")):
                    self.diags.add(
                        "R210",
                        (at / "of").span,
                        message="`of` is `place`, `actor` or `[actor, place]`",
                    )
                    continue
                value = (
                    FieldType("enum", tuple(sm.value))
                    if isinstance(sm.value, list)
                    else FieldType(sm.value)
                )
                sdef = StateDef(name, of, value, {}, {}, {}, at.key_span)
                if value.kind == "int":
                    if sm.set_by:
                        self.diags.add(
                            "R210",
                            (at / "set_by").key_span,
                            message="a counter (`value: int`) is changed by `add`/`subtract`, not `set_by`",
                        )
                    add = self._counter_rules(lex, sm.add, at / "add")
                    sub = self._counter_rules(lex, sm.subtract, at / "subtract")
                    sdef = StateDef(name, of, value, {}, add, sub, at.key_span)
                else:
                    if sm.add or sm.subtract:
                        self.diags.add(
                            "R210",
                            at.key_span,
                            message="a categorical state is changed by `set_by`, not `add`/`subtract`",
                        )
                    if of == ("actor", "place"):
                        self.diags.add(
                            "R210",
                            (at / "of").span,
                            message="a categorical state is kept per `place` or per `actor`",
                        )
                    sdef = StateDef(
                        name,
                        of,
                        value,
                        self._set_by(lex, sdef, sm.set_by, at / "set_by"),
                        {},
                        {},
                        at.key_span,
                    )
                out[name] = sdef
        return out

    def _kind_id(self, lex: Lexicon, name: str, where: Where) -> str | None:
        return lex.kind_names.lookup(name, where.key_span, self.diags)

    def _counter_rules(self, lex: Lexicon, rules: dict[str, str], at: Where) -> dict[str, str]:
        out: dict[str, str] = {}
        for kname, fname in rules.items():
            kid = self._kind_id(lex, kname, at / kname)
            if kid is None:
                continue
            ft = lex.kind_defs[kid].fields.get(fname)
            if ft is None or ft.kind not in ("int", "number"):
                self.diags.add(
                    "R204",
                    (at / kname).span,
                    hint=did_you_mean(fname, lex.kind_defs[kid].fields),
                    kind=kid,
                    field=fname,
                ) if ft is None else self.diags.add(
                    "R210", (at / kname).span, message=f"field `{fname}` of `{kid}` is not a number"
                )
                continue
            out[kid] = fname
        return out

    def _set_by(
        self, lex: Lexicon, sdef: StateDef, rules: dict[str, Any], at: Where
    ) -> dict[str, tuple[str, str | None]]:
        out: dict[str, tuple[str, str | None]] = {}
        for kname, rule in rules.items():
            where = at / kname
            kid = self._kind_id(lex, kname, where)
            if kid is None:
                continue
            to, was = (rule, None) if isinstance(rule, str) else (rule.to, rule.was)
            fields = lex.kind_defs[kid].fields
            ok = True
            for role, fname in (("to", to), ("was", was)):
                if fname is None or fname == "actor" and sdef.value.kind == "actor":
                    continue
                if fname == "place" and sdef.value.kind == "place":
                    continue
                spot = where if isinstance(rule, str) else where / role
                ft = fields.get(fname)
                if ft is None:
                    self.diags.add(
                        "R204", spot.span, hint=did_you_mean(fname, fields), kind=kid, field=fname
                    )
                    ok = False
                elif ft.kind != sdef.value.kind or ft.words != sdef.value.words:
                    self.diags.add(
                        "R210",
                        spot.span,
                        message=f"field `{fname}` of `{kid}` is {ft.describe()}, but state `{sdef.name}` holds {sdef.value.describe()}",
                    )
                    ok = False
            if ok:
                out[kid] = (to, was)
        return out

    def _initial(self) -> dict[str, dict[tuple[str, ...], str | int]]:
        out: dict[str, dict[tuple[str, ...], str | int]] = {}
        for f in reversed(self.files):  # the main file's values win
            for name, values in f.model.initial.items():
                merged = resolve_initial(self.lex, name, values, f.at("initial", name), self.diags)
                out.setdefault(name, {}).update(merged)
        return out

    # ---- periods ---------------------------------------------------------

    def _periods(self) -> dict[str, PeriodDef]:
        out: dict[str, PeriodDef] = {}
        for f in self.files:
            for pid, pm in f.model.periods.items():
                if pid in out:
                    continue
                at = f.at("periods", pid)
                z = f.zone
                start = timed(self.diags, at / "from", tu.window_from, pm.from_, z)
                ends = [k for k in ("length", "until", "before") if getattr(pm, k) is not None]
                if len(ends) > 1:
                    self.diags.add(
                        "S105",
                        (at / ends[1]).key_span,
                        what=f"period `{pid}`",
                        keys="`length`, `until`, `before`",
                    )
                    continue
                end: int | None = None
                length = renews = None
                if pm.until is not None:
                    end = timed(self.diags, at / "until", tu.window_until, pm.until, z)
                elif pm.before is not None:
                    end = timed(self.diags, at / "before", tu.window_before, pm.before, z)
                elif pm.length is not None:
                    length = timed(self.diags, at / "length", tu.parse_duration, pm.length)
                    if length is not None and length.months == 0 and length.minutes == 0:
                        self.diags.add("T305", (at / "length").span, what="`length`")
                        length = None
                if pm.renews is not None:
                    renews = timed(self.diags, at / "renews", tu.parse_duration, pm.renews)
                    if renews is not None and renews.months == 0 and renews.minutes == 0:
                        self.diags.add("T305", (at / "renews").span, what="`renews`")
                        renews = None
                    if pm.length is None:
                        self.diags.add(
                            "R210", (at / "renews").key_span, message="`renews` needs `length`"
                        )
                notice = None
                if pm.notice is not None:
                    nat = at / "notice"
                    kinds = resolve_names(
                        self.lex, "kind", pm.notice.kind, nat / "kind", self.diags
                    )
                    by = resolve_names(self.lex, "actor", pm.notice.by, nat / "by", self.diags)
                    before_end = timed(
                        self.diags, nat / "before_end", tu.parse_duration, pm.notice.before_end
                    )
                    if kinds is not None and by is not None and before_end is not None:
                        notice = Notice(
                            MatchIR(CatTest(kinds), CatTest(by), span=nat.span), before_end
                        )
                    if pm.length is None:
                        self.diags.add("R210", nat.key_span, message="`notice` needs `length`")
                if start is None:
                    continue
                if end is not None and end < start:
                    end_key = "until" if pm.until is not None else "before"
                    self.diags.add("T303", (at / end_key).span, detail=f"period `{pid}`")
                out[pid] = PeriodDef(pid, start, end, length, renews, notice, at.key_span)
        return out

    # ---- provisions ------------------------------------------------------

    def amendments(self) -> list[tuple[AmendmentInfo, int]]:
        """Every amendment of the main file with its adoption minute, in order of adoption."""
        out: list[tuple[AmendmentInfo, int]] = []
        for i, am in enumerate(self.main.model.amendments):
            at = self.main.at("amendments", i)
            adopted = timed(self.diags, at / "adopted", tu.window_from, am.adopted, self.main.zone)
            if adopted is None:
                continue
            out.append((AmendmentInfo(am.id, adopted, am.text, False, at.span), i))
        out.sort(key=lambda pair: (pair[0].adopted, pair[1]))
        return out

    def resolve(self, as_of: int | None, interpretation: str | None) -> Terms | None:
        """The terms in force at `as_of` (None: with every amendment) under a reading."""
        if not self.ok:
            return None
        before = len(self.diags.errors())
        entries = self._provision_entries()
        if interpretation is not None:
            if interpretation not in self.main.model.interpretations:
                return None
            change: Any = self.main.model.interpretations[interpretation]
            self._apply(
                entries,
                change,
                self.main.at("interpretations", interpretation),
                None,
                interpretation,
            )
        infos: list[AmendmentInfo] = []
        for info, index in self.amendments():
            applied = as_of is None or info.adopted <= as_of
            if applied:
                change = self.main.model.amendments[index]
                self._apply(entries, change, self.main.at("amendments", index), info.id, None)
            infos.append(AmendmentInfo(info.id, info.adopted, info.text, applied, info.span))
        provisions = [p for e in entries if (p := self._provision(e)) is not None]
        if len(self.diags.errors()) > before:
            return None
        m = self.main.model.agreement
        return Terms(
            id=m.id,
            title=m.title,
            file=self.main.loaded.file,
            in_force=self.main.in_force,
            zone=self.main.zone,
            zone_text=m.timezone,
            parties=self.parties,
            actors=self.lex.actors,
            places=self.lex.places,
            kinds=self.lex.kinds,
            kind_defs=self.lex.kind_defs,
            states=self.lex.states,
            initial=self.initial,
            periods=self.periods,
            provisions=tuple(provisions),
            amendments=tuple(infos),
            interpretation=interpretation,
            interpretations=tuple(self.main.model.interpretations),
            sources=tuple(m.sources),
        )

    def _provision_entries(self) -> list[_Entry]:
        entries: list[_Entry] = []
        for f in self.files:
            raw_list = f.loaded.doc.data.get("provisions") or []
            for i, raw in enumerate(raw_list):
                at = f.at("provisions", i)
                origin = {k: at / k for k in raw}
                shown = raw["id"] if f is self.main else f"{f.model.agreement.id}#{raw['id']}"
                entries.append(_Entry(str(shown), dict(raw), origin, at, f, [], None))
        return entries

    def _apply(
        self,
        entries: list[_Entry],
        change: Any,
        at: Where,
        amendment: str | None,
        reading: str | None,
    ) -> None:
        by_id = {e.raw_id: e for e in entries if e.file is self.main}
        for pid in change.removes:
            if pid in by_id:
                entries.remove(by_id.pop(pid))
            else:
                self._unknown_provision(pid, at / "removes", by_id)
        for pid, keys in change.changes.items():
            entry = by_id.get(pid)
            if entry is None:
                self._unknown_provision(pid, at / "changes" / pid, by_id)
                continue
            if "id" in keys:
                self.diags.add(
                    "R210",
                    (at / "changes" / pid / "id").key_span,
                    hint="remove the provision and add a new one",
                    message="`changes` cannot change a provision's `id`",
                )
                keys = {k: v for k, v in keys.items() if k != "id"}
            if any(k in keys for k in END_KEYS):
                for k in END_KEYS:
                    entry.raw.pop(k, None)
            if any(k in keys for k in FORMS):
                for k in FORMS:
                    entry.raw.pop(k, None)
            for k, v in keys.items():
                entry.raw[k] = v
                entry.origin[k] = at / "changes" / pid / k
            if amendment:
                entry.amended_by.append(amendment)
            if reading:
                entry.reading = reading
        for j, prov in enumerate(change.adds):
            raw = prov.model_dump(by_alias=True, exclude_defaults=True)
            where = at / "adds" / j
            entry = _Entry(prov.id, raw, {k: where / k for k in raw}, where, self.main, [], reading)
            if amendment:
                entry.amended_by.append(amendment)
            entries.append(entry)

    def _unknown_provision(self, pid: str, where: Where, by_id: dict[str, Any]) -> None:
        self.diags.add("R208", where.key_span, hint=did_you_mean(pid, by_id), name=pid)

    def _provision(self, e: _Entry) -> Provision | None:
        try:
            model = ProvisionModel.model_validate(e.raw)
        except ValidationError as err:
            report_validation_error(err, _entry_doc(e), ProvisionModel, self.diags)
            return None
        return ProvisionBuilder(self, e, model).build()


def _entry_doc(e: _Entry) -> YamlDoc:
    """The provision as amended, as a document of its own for error positions.

    Its keys may come from the provision, an amendment or an interpretation:
    each keeps the position where it was written.
    """
    doc = YamlDoc(e.at.doc.file, e.raw)
    doc.spans[()] = e.at.span
    for key in e.raw:
        w = e.where(key)
        n = len(w.path)
        for path, span in w.doc.spans.items():
            if path[:n] == w.path:
                doc.spans[(key, *path[n:])] = span
        for path, span in w.doc.key_spans.items():
            if path[:n] == w.path:
                doc.key_spans[(key, *path[n:])] = span
    return doc


@dataclass
class _Entry:
    raw_id: str
    raw: dict[str, Any]
    origin: dict[str, Where]
    at: Where
    file: _File
    amended_by: list[str]
    reading: str | None

    def where(self, key: str) -> Where:
        return self.origin.get(key, self.at / key)


class ProvisionBuilder:
    """One provision model (after amendments) -> `ir.Provision`."""

    def __init__(self, owner: TermsResolver, entry: _Entry, model: ProvisionModel) -> None:
        self.r = owner
        self.e = entry
        self.m = model
        self.diags = owner.diags
        self.lex = owner.lex

    def build(self) -> Provision | None:
        m, e = self.m, self.e
        forms = [f for f in FORMS if getattr(m, f) is not None]
        if len(forms) != 1:
            # at the second form written (the one that makes it ambiguous), else the provision
            self.diags.add(
                "S105",
                self._second_key(forms) if forms else e.at.span,
                what=f"provision `{m.id}`",
                keys=", ".join(f"`{f}`" for f in FORMS),
            )
            return None
        form = forms[0]
        ok = True
        for key, owner in FORM_ONLY.items():
            if e.raw.get(key) not in (None, False) and form != owner:
                self.diags.add(
                    "R210",
                    e.where(key).key_span,
                    message=f"`{key}` belongs to `{owner}` provisions, not `{form}`",
                )
                ok = False
        if m.unless is not None and form not in ("forbid", "each"):
            self.diags.add(
                "R210",
                e.where("unless").key_span,
                message=f"`unless` belongs to `forbid` and `each` provisions, not `{form}`",
            )
            ok = False
        if form == "each" and m.must is None:
            self.diags.add("S102", e.where("each").key_span, key="must")
            ok = False
        window, window_text = self._window(form)
        match = must = unless = None
        cond = None
        if form in ("forbid", "require", "each"):
            match = resolve_match(self.lex, e.raw[form], e.where(form), self.diags)
            ok &= match is not None
        if m.must is not None:
            must = resolve_match(self.lex, e.raw["must"], e.where("must"), self.diags)
            ok &= must is not None
        if m.unless is not None:
            unless = resolve_match(self.lex, e.raw["unless"], e.where("unless"), self.diags)
            ok &= unless is not None
        if form in ("achieve", "maintain"):
            cond = resolve_state_cond(self.lex, e.raw[form], e.where(form), self.diags)
            ok &= cond is not None
        total = None
        if m.total is not None and match is not None:
            kinds = match.kinds.values if match.kinds and not match.kinds.negate else None
            ft = self.lex.field_type(m.total.of, kinds)
            if ft is None or ft.kind not in ("int", "number"):
                self.diags.add(
                    "R204",
                    e.where("total").span,
                    hint=did_you_mean(m.total.of, self.lex.all_fields(kinds)),
                    kind="/".join(sorted(kinds or [])) or "(any)",
                    field=m.total.of,
                )
                ok = False
            total = (m.total.of, m.total.min)
        responsible = self._responsible()
        if window is None or not ok or (m.responsible is not None and responsible is None):
            return None
        return Provision(
            id=e.raw_id if e.file is self.r.main else f"{e.file.model.agreement.id}#{m.id}",
            text=m.text,
            form=form,
            point=None if m.point is None else str(m.point),
            match=match,
            must=must,
            unless=unless,
            total=total,
            cond=cond,
            once=m.once,
            window=window,
            responsible=responsible,
            binding=m.binding,
            reason=m.unformalized,
            note=m.note,
            amended_by=tuple(e.amended_by),
            interpreted_by=e.reading,
            agreement=e.file.model.agreement.id,
            window_text=window_text,
            span=e.at.span,
        )

    def _second_key(self, keys: Sequence[str]) -> Span:
        """Where the second of `keys` (in file order) is written."""
        spans = sorted((self.e.where(k).key_span for k in keys), key=lambda s: (s.line, s.column))
        return spans[1]

    def _responsible(self) -> str | None:
        name = self.m.responsible
        if name is None:
            return None
        if name == "actor":
            return "actor"
        return self.lex.actor_names.lookup(name, self.e.where("responsible").span, self.diags)

    def _window(self, form: str) -> tuple[Window | None, str]:
        m, e = self.m, self.e
        ends = [k for k in END_KEYS if getattr(m, k) is not None]
        if form == "unformalized":
            return Window(), ""
        if len(ends) > 1:
            self.diags.add(
                "S105",
                self._second_key(ends),
                what=f"the window of `{m.id}`",
                keys="`until`, `by`, `before`",
            )
            return None, ""
        if m.during is not None:
            if ends or m.from_ is not None:
                self.diags.add(
                    "R210",
                    e.where("during").key_span,
                    message="`during` replaces `from`/`until`/`by`/`before`",
                )
                return None, ""
            if m.during not in self.r.periods:
                self.diags.add(
                    "R201",
                    e.where("during").span,
                    hint=did_you_mean(m.during, self.r.periods),
                    what="period",
                    name=m.during,
                )
                return None, ""
            return Window(during=m.during), f"during {m.during}"
        zone = e.file.zone
        start = end = None
        texts = []
        ok = True
        if m.from_ is not None:
            start = self._point(m.from_, "from", zone)
            ok &= start is not None
            texts.append(f"from {_show(e.raw.get('from'))}")
        if ends:
            key = ends[0]
            end = self._point(getattr(m, key), key, zone)
            ok &= end is not None
            texts.append(f"{key} {_show(e.raw.get(key))}")
        if not ok:
            return None, ""
        if isinstance(start, Fixed) and isinstance(end, Fixed) and end.minute < start.minute:
            self.diags.add("T303", e.where(ends[0]).span, detail=f"provision `{m.id}`")
            return None, ""
        if start is None and e.file is not self.r.main:
            # SPEC §3.5's default start is the provision's own agreement's in_force
            start = Fixed(e.file.in_force)
        return Window(start, end), " ".join(texts)

    def _point(self, value: Any, key: str, zone: tu.Zone) -> Point | None:
        where = self.e.where(key)
        if not isinstance(value, str | int):
            raw = self.e.raw[key]
            match = resolve_match(self.lex, raw.get("after"), where / "after", self.diags)
            offset = 0
            if raw.get("offset") is not None:
                dur = timed(self.diags, where / "offset", tu.parse_duration, str(raw["offset"]))
                if dur is None:
                    return None
                if dur.is_calendar:
                    timed(self.diags, where / "offset", tu.require_exact, dur)
                    return None
                offset = dur.minutes
            if key == "before":
                offset -= 1
            return Anchored(match, offset) if match is not None else None
        fn = {
            "from": tu.window_from,
            "until": tu.window_until,
            "by": tu.window_until,
            "before": tu.window_before,
        }[key]
        minute = timed(self.diags, where, fn, value, zone)
        return Fixed(minute) if minute is not None else None


def _show(raw: Any) -> str:
    if isinstance(raw, dict):
        off = f" + {raw['offset']}" if raw.get("offset") else ""
        return f"(first {raw.get('after', {}).get('kind', 'event')}){off}"
    return str(raw)


def resolve_initial(
    lex: Lexicon, name: str, values: Any, at: Where, diags: Diagnostics
) -> dict[tuple[str, ...], str | int]:
    """One state's initial values (terms or scenario `initial:`) -> key tuple -> value."""
    sdef = lex.states.get(name)
    out: dict[tuple[str, ...], str | int] = {}
    if sdef is None:
        diags.add("R201", at.key_span, hint=did_you_mean(name, lex.states), what="state", name=name)
        return out
    items: list[tuple[Any, Any, Where]] = []
    if isinstance(values, list):
        for i, entry in enumerate(values):
            items.append(([entry.actor, entry.place], entry.value, at / i))
    else:
        items = [(k, v, at / k) for k, v in values.items()]
    for raw_key, raw_value, where in items:
        parts = raw_key if isinstance(raw_key, list) else [raw_key]
        if len(parts) != len(sdef.of):
            diags.add(
                "S103",
                where.key_span,
                message=f"state `{name}` is kept per {' and '.join(sdef.of)}",
            )
            continue
        key = [
            lex.names_for(w).lookup(p, where.key_span, diags)
            for w, p in zip(sdef.of, parts, strict=True)
        ]
        if any(k is None for k in key):
            continue
        value = _initial_value(lex, sdef, raw_value, where, diags)
        if value is not None:
            out[tuple(k for k in key if k is not None)] = value
    return out


def _initial_value(
    lex: Lexicon, sdef: StateDef, raw: Any, where: Where, diags: Diagnostics
) -> str | int | None:
    if sdef.is_counter:
        if isinstance(raw, bool) or not isinstance(raw, int):
            diags.add("S103", where.span, message=f"state `{sdef.name}` is a whole number")
            return None
        return raw
    if sdef.value.kind == "enum":
        if str(raw) not in sdef.value.words:
            diags.add("S104", where.span, value=raw, allowed=", ".join(sdef.value.words))
            return None
        return str(raw)
    return lex.names_for(sdef.value.kind).lookup(raw, where.span, diags)


def span_of(where: Where) -> Span:
    return where.span
