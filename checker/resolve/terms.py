"""Stage 3: a loaded terms file (and its includes) -> `ir.Terms` in force.

Builds the vocabulary and hierarchies, kind fields (inherited along `is_a`),
states, initial values and periods once; then, for each `as_of` and reading
asked for, applies the chosen interpretation and the amendments adopted by
`as_of` (in order of adoption) and resolves every provision. Each provision
remembers which amendments shaped it.
"""

from __future__ import annotations

from typing import Any

from checker.diagnostics import Diagnostics
from checker.ir import FORMS, AmendmentInfo, Dormant, Terms
from checker.load import Loaded
from checker.models.terms import TermsFile
from checker.resolve.amendments import (
    Entry,
    amendment_order,
    apply_change,
    defined_elsewhere,
    provision_entries,
)
from checker.resolve.conditions import check_references
from checker.resolve.files import LoadTerms, file_time, gather_files
from checker.resolve.periods import resolve_periods
from checker.resolve.provisions import resolve_provision
from checker.resolve.states import resolve_initial, resolve_states, terms_initial
from checker.resolve.vocabulary import build_lexicon, parties

__all__ = ["LoadTerms", "TermsResolver", "resolve_initial"]


class TermsResolver:
    """Resolves one terms file with its includes; reusable for several `as_of` values."""

    def __init__(self, main: Loaded[TermsFile], diags: Diagnostics, load: LoadTerms) -> None:
        self.diags = diags
        files = [file_time(lt, diags) for lt in gather_files(main, diags, load)]
        self.files = [f for f in files if f is not None]
        self.ok = len(self.files) == len(files)
        if not self.ok:
            return
        self.main = self.files[0]
        self.lex = build_lexicon(self.files, diags)
        self.lex.states = resolve_states(self.files, self.lex, diags)
        self.parties = parties(self.main, self.lex, diags)
        self.initial = terms_initial(self.files, self.lex, diags)
        self.periods = resolve_periods(self.files, self.lex, diags)

    def amendments(self) -> list[tuple[AmendmentInfo, int]]:
        """Every amendment of the main file with its adoption minute, in order of adoption."""
        return amendment_order(self.main, self.diags)

    def resolve(self, as_of: int | None, interpretation: str | None) -> Terms | None:
        """The terms in force at `as_of` (None: with every amendment) under a reading."""
        if not self.ok:
            return None
        before = len(self.diags.errors())
        entries = provision_entries(self.files, self.main)
        removed: dict[str, tuple[Entry, str]] = {}
        if interpretation is not None:
            if interpretation not in self.main.model.interpretations:
                return None
            change: Any = self.main.model.interpretations[interpretation]
            at = self.main.at("interpretations", interpretation)
            apply_change(entries, change, at, self.main, self.diags, None, interpretation, removed)
        infos: list[AmendmentInfo] = []
        for info, index in self.amendments():
            applied = as_of is None or info.adopted <= as_of
            if applied:
                change = self.main.model.amendments[index]
                at = self.main.at("amendments", index)
                apply_change(entries, change, at, self.main, self.diags, info.id, None, removed)
            infos.append(AmendmentInfo(info.id, info.adopted, info.text, applied, info.span))
        provisions = [
            p
            for e in entries
            if (p := resolve_provision(e, self.lex, self.diags, self.main, self.periods))
            is not None
        ]
        dormant = self._dormant(entries, removed, interpretation)
        check_references(provisions, {d.id for d in dormant}, self.diags)
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
            dormant=dormant,
        )

    def _dormant(
        self, entries: list[Entry], removed: dict[str, tuple[Entry, str]], reading: str | None
    ) -> tuple[Dormant, ...]:
        """Provisions the terms define but that are not in force (SPEC §3.6)."""
        in_force = {e.raw_id for e in entries}
        out: dict[str, Dormant] = {}
        others = defined_elsewhere(self.main, reading)
        for pid, (e, why) in [*removed.items(), *others.items()]:
            if pid in in_force or pid in out:
                continue
            form = next((f for f in FORMS if e.raw.get(f) is not None), "unformalized")
            point = e.raw.get("point")
            out[pid] = Dormant(
                pid,
                str(e.raw.get("text", "")),
                form,
                why,
                None if point is None else str(point),
                e.raw.get("binding", True) is not False,
                e.at.span,
            )
        return tuple(out.values())
