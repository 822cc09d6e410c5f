"""Stage 3: one provision (after amendments) -> `ir.Provision` (SPEC §3.5).

Input: an `Entry` from `amendments.py`. Output: the provision with its form,
MATCHes, state condition, `total`, window and responsible party resolved, or
None after diagnostics at the keys that are wrong (wherever they were written).
"""

from __future__ import annotations

from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import FORMS, PeriodDef, Provision, Total
from checker.load import report_validation_error, validated
from checker.models.terms import Provision as ProvisionModel
from checker.resolve.amendments import Entry, entry_doc
from checker.resolve.conditions import ConditionResolver
from checker.resolve.files import TermsSource
from checker.resolve.match import Lexicon, resolve_match, resolve_state_cond
from checker.resolve.windows import WindowResolver, second_key
from checker.timeutil import show

FORM_ONLY = {"must": "each", "total": "require", "once": "achieve"}


def resolve_provision(
    e: Entry,
    lex: Lexicon,
    diags: Diagnostics,
    main: TermsSource,
    periods: dict[str, PeriodDef],
) -> Provision | None:
    model = validated(
        ProvisionModel,
        e.raw,
        lambda err: report_validation_error(err, entry_doc(e), ProvisionModel, diags),
    )
    if model is None:
        return None
    return ProvisionBuilder(e, model, lex, diags, main, periods).build()


class ProvisionBuilder(WindowResolver):
    """One provision model (after amendments) -> `ir.Provision`."""

    def build(self) -> Provision | None:
        m, e = self.m, self.e
        forms = [f for f in FORMS if getattr(m, f) is not None]
        if len(forms) != 1:
            # at the second form written (the one that makes it ambiguous), else the provision
            self.diags.add(
                "S105",
                second_key(e, forms) if forms else e.at.span,
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
        window, window_text = self.window(form)
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
        if m.total is not None and m.total.min is None and m.total.max is None:
            self.diags.add(
                "S102",
                e.where("total").key_span,
                hint="`total` needs `min`, `max` or both",
                key="min",
            )
            ok = False
        elif m.total is not None and match is not None:
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
            if m.total.min is not None and m.total.max is not None and m.total.min > m.total.max:
                self.diags.add(
                    "T303", e.where("total").span, detail=f"min {m.total.min} > max {m.total.max}"
                )
                ok = False
            total = Total(m.total.of, m.total.min, m.total.max)
        responsible = self._responsible()
        condition = None
        if m.if_ is not None:
            shown = "{}" if e.file is self.main else e.file.model.agreement.id + "#{}"
            conditions = ConditionResolver(self, shown)
            condition = conditions.resolve(m.if_, e.raw["if"], e.where("if"))
            ok &= condition is not None
            if form == "unformalized":
                self.diags.add(
                    "R210",
                    e.where("if").key_span,
                    message="an unformalized provision is never checked: `if` has nothing to apply to",
                )
                ok = False
        if window is None or not ok or (m.responsible is not None and responsible is None):
            return None
        return Provision(
            id=e.raw_id if e.file is self.main else f"{e.file.model.agreement.id}#{m.id}",
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
            responsible=responsible or (),
            condition=condition,
            binding=m.binding,
            reason=m.unformalized,
            note=m.note,
            amended_by=tuple(e.amended_by),
            interpreted_by=e.reading,
            agreement=e.file.model.agreement.id,
            window_text=window_text,
            condition_text=show(e.raw["if"]) if condition is not None else "",
            span=e.at.span,
        )

    def _responsible(self) -> tuple[str, ...] | None:
        """The responsible actors (None after a diagnostic); a non-party is noted (L404)."""
        written = self.m.responsible
        if written is None:
            return ()
        at = self.e.where("responsible")
        if written == "actor":
            return ("actor",)
        names = written if isinstance(written, list) else [written]
        spots = [at / i for i in range(len(names))] if isinstance(written, list) else [at]
        if not names:
            self.diags.add("S103", at.span, message="`responsible` needs at least one actor")
            return None
        found: list[str] = []
        for name, spot in zip(names, spots, strict=True):
            if name == "actor":
                self.diags.add(
                    "S103",
                    spot.span,
                    message="`actor` stands alone: the party of the breaching event's actor",
                )
                return None
            aid = self.lex.actor_names.lookup(name, spot.span, self.diags)
            if aid is None:
                return None
            if aid not in found:
                found.append(aid)
            if not self.lex.actors.ancestors[aid] & self._parties():
                self.diags.add("L404", spot.span, id=self.m.id, actor=aid)
        return tuple(found)

    def _parties(self) -> frozenset[str]:
        """The signatories of the provision's own agreement."""
        quiet = Diagnostics()
        names = self.e.file.model.agreement.parties
        found = (self.lex.actor_names.lookup(n, self.e.at.span, quiet) for n in names)
        return frozenset(f for f in found if f is not None)
