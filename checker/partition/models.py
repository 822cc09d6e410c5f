"""The model of a question answered part by part: one Z3 model holding, for each part,
the constants of the model that answered that part, updated part by part.

The proofs ask hundreds of questions one after another, each with one report changed,
so all but a part or two keep their models. Merging every part's constants again for
each answer cost a third of judging 10,000 reports, and so did copying the merged
model for each answer. Here the one model is updated in place, only where a part's
model changed; the model last handed out is first given a copy of its own when it is
still held (an explanation keeps one world while it asks about another).

Each constant is copied from the model of its own part only: a small part is solved
together with others in one call (`PART_BATCH`), so a model often holds the constants
of parts it no longer answers, and those must not override the constants that a later
model gave those parts.
"""

from __future__ import annotations

import weakref

import z3
from z3 import z3core

from checker.compile.concrete import ModelEval
from checker.partition.unionfind import GROUND, Partition
from checker.z3raw import mk_app, raw

_num_consts = raw(z3core.Z3_model_get_num_consts)
_const_decl = raw(z3core.Z3_model_get_const_decl)
_const_interp = raw(z3core.Z3_model_get_const_interp)
_add_interp = raw(z3core.Z3_add_const_interp)
_translate = raw(z3core.Z3_model_translate)
_model_eval = raw(z3core.Z3_model_eval)
_inc_ref = raw(z3core.Z3_model_inc_ref)
_dec_ref = raw(z3core.Z3_model_dec_ref)

# a model's constants by part: part -> declaration's address -> declaration
_Decls = dict[int, dict[int, object]]
# a term of several parts is read in the merged model (parts are numbered from 0, and
# GROUND is the part of what has no unknowns)
SEVERAL = -2


class PartModels:
    """Which model answers each part now, and the merged model of them all."""

    def __init__(self, ctx: z3.Context, world: Partition) -> None:
        self.ctx = ctx
        self._c = ctx.ref()
        self.world = world
        self._want: dict[int, z3.ModelRef] = {}  # part -> the model that answers it now
        self._changed: set[int] = set()  # parts whose model changed since the last merge
        self._live: z3.ModelRef | None = None  # the merged model
        self._live_of: dict[int, z3.ModelRef] = {}  # part -> whose constants `_live` has
        self._handed: weakref.ref[z3.ModelRef] | None = None
        # by the model's id; the model is kept with them, so the id is never reused
        self._decls: dict[int, tuple[z3.ModelRef, _Decls]] = {}
        self._empty: z3.ModelRef | None = None
        # a term (by address) -> its part (GROUND: no unknowns), or SEVERAL
        self._term_part: dict[int, int] = {}

    def reset(self) -> None:
        """The parts were joined: every part is answered again, and merged anew."""
        self._want.clear()
        self._changed.clear()
        self._live = None  # a model handed out keeps the old one alive as it was
        self._handed = None
        self._live_of.clear()
        self._decls.clear()
        self._term_part.clear()

    def assign(self, part: int, model: z3.ModelRef) -> None:
        if self._want.get(part) is not model:
            self._want[part] = model
            self._changed.add(part)

    def model(self) -> z3.ModelRef:
        """The union of the parts' models as they are now (each constant from its own
        part's model), as a model nothing else changes."""
        if self._live is not None and not self._changed:
            handed = self._handed() if self._handed is not None else None
            if handed is not None:
                return handed
        into = self._merged()
        view = z3.ModelRef(into, self.ctx)
        self._handed = weakref.ref(view)
        return view

    def values(self) -> ModelEval:
        """The values of terms as the merged model gives them, each read from the model of
        its own part where it has one: refining a candidate world reads a few hundred
        values a question, and merging 300 parts' models for it cost more than that."""
        return ModelEval(self.ctx, self.model_of)

    def model_of(self, e: z3.ExprRef) -> object:
        """The raw model to read `e` in: its part's (a term without unknowns reads alike
        in any), the empty one where its part has no model yet, the merged one for a term
        of several parts."""
        key = e.ast.value
        part = self._term_part.get(key)
        if part is None:
            parts = self.world.touched(e, note=False)
            part = parts.pop() if len(parts) == 1 else SEVERAL if parts else GROUND
            self._term_part[key] = part
        if part == SEVERAL:
            return self._merged()
        got = self._want.get(part)
        return got.model if got is not None else self._empty_model()

    def _merged(self) -> object:
        """The merged model, brought up to date (the model handed out last first given a
        copy of its own if something still holds it)."""
        if self._live is None:
            self._live = z3.ModelRef(z3core.Z3_mk_model(self._c), self.ctx)
            self._changed = set(self._want)
        if not self._changed:
            return self._live.model
        self._detach()
        c = self._c
        into = self._live.model
        for part in self._changed:
            new = self._want[part]
            mine = self._part_decls(new).get(part, {})
            src = new.model
            for decl in mine.values():
                _add_interp(c, into, decl, _const_interp(c, src, decl))
            old = self._live_of.get(part)
            if old is not None and old is not new:
                for addr, decl in self._part_decls(old).get(part, {}).items():
                    if addr not in mine:
                        _add_interp(c, into, decl, self._default(decl))
            self._live_of[part] = new
        self._changed.clear()
        return into

    def _detach(self) -> None:
        """Give the model handed out last, if anything still holds it, a copy of its own
        before the merged model changes under it."""
        handed = self._handed() if self._handed is not None else None
        self._handed = None
        if handed is None:
            return
        c = self._c
        copy = _translate(c, handed.model, c)
        _inc_ref(c, copy)
        old = handed.model
        handed.model = copy
        _dec_ref(c, old)

    def _part_decls(self, m: z3.ModelRef) -> _Decls:
        """The constants model `m` gives a value, by part (found once per model)."""
        got = self._decls.get(id(m))
        if got is not None:
            return got[1]
        c = self._c
        src = m.model
        out: _Decls = {}
        for i in range(_num_consts(c, src)):
            decl = _const_decl(c, src, i)
            part = self.world.part_of_const(decl)
            held = out.get(part)
            if held is None:
                out[part] = {decl.value: decl}
            else:
                held[decl.value] = decl
        self._decls[id(m)] = (m, out)
        return out

    def _default(self, decl: object) -> object:
        """The value Z3's model completion gives a constant a model lacks: a part's new
        model may lack a constant its old one had (one it no longer constrains), and
        every evaluation with completion (the only kind made) must then see what it
        would in a model merged from the start."""
        c = self._c
        value = (z3.Ast * 1)()
        if not _model_eval(c, self._empty_model(), mk_app(c, decl, 0, None), True, value):
            # interrupted at the deadline (see ModelEval._raw): the time limit, as Z3 raises
            raise z3.Z3Exception("model completion interrupted")
        return value[0]

    def _empty_model(self) -> object:
        if self._empty is None:
            self._empty = z3.ModelRef(z3core.Z3_mk_model(self._c), self.ctx)
        return self._empty.model
