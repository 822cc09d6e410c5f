"""Stage 3: one provision (after amendments) -> `ir.Provision` (SPEC §3.5).

Input: an `Entry` from `amendments.py`. Output: the provision with its form,
MATCHes, state condition, `total`, window and responsible party resolved, or
None after diagnostics at the keys that are wrong (wherever they were written).
"""

from __future__ import annotations

from pydantic import ValidationError

from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import FORMS, PeriodDef, Provision
from checker.load import report_validation_error
from checker.models.terms import Provision as ProvisionModel
from checker.resolve.amendments import Entry, entry_doc
from checker.resolve.files import TermsSource
from checker.resolve.match import Lexicon, resolve_match, resolve_state_cond
from checker.resolve.windows import WindowResolver, second_key

FORM_ONLY = {"must": "each", "total": "require", "once": "achieve"}


def resolve_provision(
    e: Entry,
    lex: Lexicon,
    diags: Diagnostics,
    main: TermsSource,
    periods: dict[str, PeriodDef],
) -> Provision | None:
    try:
        model = ProvisionModel.model_validate(e.raw)
    except ValidationError as err:
        report_validation_error(err, entry_doc(e), ProvisionModel, diags)
        return None
    return ProvisionBuilder(e, model, lex, diags, main, periods).build()


class ProvisionBuilder:
    """One provision model (after amendments) -> `ir.Provision`."""

    def __init__(
        self,
        entry: Entry,
        model: ProvisionModel,
        lex: Lexicon,
        diags: Diagnostics,
        main: TermsSource,
        periods: dict[str, PeriodDef],
    ) -> None:
        self.e = entry
        self.m = model
        self.diags = diags
        self.lex = lex
        self.main = main
        self.windows = WindowResolver(entry, model, lex, diags, main, periods)

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
        window, window_text = self.windows.window(form)
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

    def _responsible(self) -> str | None:
        name = self.m.responsible
        if name is None:
            return None
        if name == "actor":
            return "actor"
        return self.lex.actor_names.lookup(name, self.e.where("responsible").span, self.diags)
