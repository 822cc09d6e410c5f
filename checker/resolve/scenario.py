"""Stage 3: a loaded scenario -> `ir.Scenario`, with its terms resolved in force.

The header (terms, zone, `as_of`, reading, initial overrides) is read here;
reports, `complete` and `expect` by `reports.py` and `expectations.py`. The
terms file is loaded and resolved once per process (`TermsCache`), whatever
the number of scenarios that use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker import timeutil as tu
from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import Scenario, Terms
from checker.load import Loaded, load_terms
from checker.models.scenario import ScenarioFile
from checker.records import field, record, replace
from checker.resolve.common import Where, timed
from checker.resolve.expectations import complete, expect
from checker.resolve.match import Lexicon
from checker.resolve.reports import ReportReader
from checker.resolve.states import resolve_initial
from checker.resolve.terms import TermsResolver


@record
class TermsCache:
    """Terms files loaded and resolved once per process, by absolute path."""

    resolvers: dict[str, tuple[TermsResolver | None, list[Any]]] = field(default_factory=dict)
    resolved: dict[tuple[str, tuple[str, ...], str | None], Terms | None] = field(
        default_factory=dict
    )
    # the absolute path of each terms path as scenarios write it (resolving one asks
    # the file system about every folder on the way: 0.1 ms, three times a scenario)
    absolute: dict[Path, str] = field(default_factory=dict)

    def key(self, path: Path) -> str:
        key = self.absolute.get(path)
        if key is None:
            key = self.absolute[path] = str(path.resolve())
        return key

    def resolver(self, path: Path, diags: Diagnostics) -> TermsResolver | None:
        key = self.key(path)
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
        key = (self.key(path), applied, reading)
        if key not in self.resolved:
            local = Diagnostics()
            res.diags = local
            self.resolved[key] = res.resolve(as_of, reading)
            self.resolvers[self.key(path)][1].extend(local.items)
            diags.extend(local.items)
        return self.resolved[key]


NO_READING = "(none)"


@record
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
        lex = Lexicon.of(terms)
        if self.m.initial:
            initial = {k: dict(v) for k, v in terms.initial.items()}
            for name, values in self.m.initial.items():
                initial.setdefault(name, {}).update(
                    resolve_initial(lex, name, values, self.at("initial", name), self.diags)
                )
            terms = replace(terms, initial=initial)
        reader = ReportReader(self.doc, self.m, self.diags, terms, lex, zone, as_of)
        known_on = None
        if self.opts.as_known_on is not None:
            known_on = timed(
                self.diags, self.at("scenario"), tu.window_until, self.opts.as_known_on, zone
            )
        reports = reader.reports(known_on)
        classes = complete(reader)
        expectation = expect(reader) if self.opts.expectations else None
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
            complete=tuple(classes),
            reports=tuple(reports),
            expect=expectation,
            interpretation=reading,
            span=self.at("scenario").key_span,
        )
