"""Stage 5: explanations beyond proofs (SPEC §4.3) — for an `open` verdict, one compatible
world that keeps the provision and one that breaches it, as the few facts that differ,
and the reports whose uncertainty decides it.

The breaching world is chosen as close to the keeping one as the solver allows: each
uncertain report in turn is pinned to its keeping-world values while that stays
satisfiable, so the reports left unpinned are the ones that decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import z3

from checker import timeutil as tu
from checker.answers import Sat
from checker.compile import sym
from checker.compile.sym import Cat, Num
from checker.compile.world import Slot
from checker.judge.asker import Asker
from checker.results import Because, Fact, OpenExplanation

P = TypeVar("P")


def _values(judge: Asker, slot: Slot, model: z3.ModelRef) -> dict[str, str]:
    """A slot's attributes in a model, as text (only what can vary)."""
    w = judge.world
    out: dict[str, str] = {}
    exists = model.eval(_expr(slot.exists, judge.ctx), model_completion=True)
    out["happened"] = "yes" if z3.is_true(exists) else "no"
    if out["happened"] == "no":
        return out
    if not slot.t.exact:
        minute = model.eval(slot.t.e, model_completion=True).as_long()
        out["time"] = tu.format_instant(minute, judge.sc.zone)
    for name, value, ns in (
        ("kind", slot.kind, "kind"),
        ("actor", slot.actor, "actor"),
        ("place", slot.place, "place"),
    ):
        if len(value.dom) > 1:
            out[name] = _name(w.index.name(ns, _int(model, value)))
    for fname, v in sorted(slot.fields.items()):
        if isinstance(v, Num) and not isinstance(v.e, int | float):
            out[fname] = str(model.eval(v.e, model_completion=True))
        elif isinstance(v, Cat) and len(v.dom) > 1:
            ns = w.index.namespace(slot.field_types[fname])
            out[fname] = _name(w.index.name(ns, _int(model, v)))
    return out


def _expr(b: object, ctx: z3.Context | None = None) -> z3.BoolRef:
    return z3.BoolVal(b, ctx) if isinstance(b, bool) else b


def _int(model: z3.ModelRef, c: Cat) -> int:
    if isinstance(c.e, int):
        return c.e
    return model.eval(c.e, model_completion=True).as_long()  # type: ignore[no-any-return]


def _name(value: str) -> str:
    return "someone/somewhere else" if value == "*other*" else value


def _pins(judge: Asker, slot: Slot, values: dict[str, str], model: z3.ModelRef) -> list[object]:
    """Formulas each fixing one of the slot's uncertain attributes (whether it happened,
    its minute, kind, actor, place, each field) to its value in `model`."""
    pins: list[object] = [
        sym.Eq(
            _expr(slot.exists, judge.ctx),
            model.eval(_expr(slot.exists, judge.ctx), model_completion=True),
        )
    ]
    if values.get("happened") == "yes":
        # the model's value on the left: the terms z3py made while the checker's handles
        # were its own classes (a numeral's class is a subclass of theirs, so Python
        # asked it first)
        if not slot.t.exact:
            pins.append(model.eval(slot.t.e, model_completion=True) == slot.t.e)
        for v in (slot.kind, slot.actor, slot.place, *slot.fields.values()):
            e = v.e
            if not isinstance(e, int | float):
                pins.append(model.eval(e, model_completion=True) == e)
    return [p for p in pins if not isinstance(p, bool)]


def explain_open(judge: Asker, pid: str, lits: Sequence[z3.BoolRef]) -> OpenExplanation | None:
    keep_q = judge.question(pid, "keep")
    breach_q = judge.question(pid, "breach")
    if isinstance(keep_q, bool) or isinstance(breach_q, bool):
        return None
    # An open world's two worlds are looked for without its per-point unreported changes
    # first (`Asker.fewer`): worlds without them are worlds of the scenario, and most
    # explanations are found there, far sooner; only if that has none, with them.
    with judge.fewer():
        found = _two_worlds(judge, pid, lits, keep_q, breach_q)
    if found is None and judge.holds_fewer:
        found = _two_worlds(judge, pid, lits, keep_q, breach_q)
    return found


def _two_worlds(
    judge: Asker, pid: str, lits: Sequence[z3.BoolRef], keep_q: z3.BoolRef, breach_q: z3.BoolRef
) -> OpenExplanation | None:
    """A world that keeps the provision and the closest that breaches it, as the facts
    that differ and the reports they are about (None: either is not found)."""
    keep = judge.session.check(judge.real([*lits, keep_q]))
    if not isinstance(keep, Sat):
        return None
    keep_model = keep.model
    uncertain = [s for s in judge.world.slots if _varies(s)]
    keep_values = {s.name: _values(judge, s, keep_model) for s in uncertain}
    # Each slot in turn is pinned whole where the breach allows it, else attribute by
    # attribute: an attribute left unpinned is one the breach needs changed, never a
    # minute that merely came along with a count.
    pinned: list[z3.BoolRef] = []

    def pin(name: str, pins: Sequence[object]) -> bool:
        lit = judge.gate(name, sym.And(*pins), [])
        if judge.session.sat(judge.real([*lits, breach_q, *pinned, lit])):
            pinned.append(lit)
            return True
        return False

    runs = [(i, _pins(judge, s, keep_values[s.name], keep_model)) for i, s in enumerate(uncertain)]
    pin_in_turn([(i, pins) for i, pins in runs if pins], pin, f"pin:{pid}")
    breach = judge.session.check(judge.real([*lits, breach_q, *pinned]))
    if not isinstance(breach, Sat):
        return None
    facts: list[Fact] = []
    deciding: list[Because] = []
    for s in uncertain:
        before = keep_values[s.name]
        after = _values(judge, s, breach.model)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if not changed:
            continue
        label = s.reports[0].id if s.reports else "an unreported event"
        for k in changed:
            facts.append(Fact(label, k, before.get(k, "-"), after.get(k, "-")))
        for r in s.reports:
            src = r.source.text if r.source else None
            deciding.append(Because(r.id, r.span.file, r.span.line, r.span.column, src))
    return OpenExplanation(tuple(facts), tuple(deciding))


def pin_in_turn(
    slots: Sequence[tuple[int, Sequence[P]]],
    pin: Callable[[str, Sequence[P]], bool],
    prefix: str,
) -> None:
    """Pin each slot in turn (its number, its pins) whole where `pin` allows it, else each
    of its pins in turn (`pin(name, pins)` pins them all if that stays satisfiable, and
    says whether it did) — with the result of one call per slot, in fewer calls.

    A run of slots that can be pinned whole together is pinned in one call: one at a
    time, each would be, as each such call holds fewer pins (satisfiable stays so with
    fewer constraints). Else the run is halved. Most slots do not matter to a breach, so
    the calls grow with the few that do, not with the reports: an open world of 300
    reports took 50 s to explain one slot at a time (docs/performance.md)."""

    def settle(run: Sequence[tuple[int, Sequence[P]]], whole_fails: bool) -> bool:
        # (True: every slot of the run was pinned whole; `whole_fails`: the run cannot be)
        if len(run) == 1:
            i, pins = run[0]
            if not whole_fails and pin(f"{prefix}:{i}", pins):
                return True
            if len(pins) > 1:
                for j, one in enumerate(pins):
                    pin(f"{prefix}:{i}:{j}", [one])
            return False
        if not whole_fails and pin(f"{prefix}:{run[0][0]}-{run[-1][0]}", _every(run)):
            return True
        half = len(run) // 2
        first = settle(run[:half], False)
        # the whole run could not be pinned: with its first half pinned whole, the rest
        # cannot be either
        return settle(run[half:], first) and first

    if slots:
        settle(slots, False)


def _every(run: Sequence[tuple[int, Sequence[P]]]) -> list[P]:
    return [one for _, pins in run for one in pins]


def _varies(s: Slot) -> bool:
    if not isinstance(s.exists, bool) and s.phantom:
        return True
    return (
        not s.t.exact
        or any(len(v.dom) > 1 for v in (s.kind, s.actor, s.place))
        or any(not isinstance(v.e, int | float) for v in s.fields.values())
    )
