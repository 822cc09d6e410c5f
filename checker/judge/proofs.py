"""Stage 5: minimal sets of reports that force an answer (SPEC §4.3).

A proof of a breach, of a waiver or of a fulfilment is a minimal core over report
literals: removing any one report lets some compatible world answer otherwise. In a
closed world a report left out of a core counts as false (its event did not happen).
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.answers import Swap
from checker.compile.provisions import Compiled
from checker.compile.world import Slot
from checker.ir import Provision
from checker.judge.asker import Asker
from checker.results import Because


def proof(asker: Asker, pid: str, lits: Sequence[z3.BoolRef]) -> tuple[list[z3.BoolRef], bool]:
    """A set of reports that forces the breach, and whether it is known to be minimal
    (False: the solver-call budget ran out before it was shrunk all the way)."""
    q = asker.question(pid, "keep")
    if q is False:
        return [], True
    fixed = [] if q is True else [q]
    single = single_proof(asker, pid, fixed, lits)
    if single is not None:
        return single, True
    return asker.minimal(fixed, list(lits), absent_false=asker.sc.world == "closed")


def waiver(asker: Asker, pid: str, lits: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
    """A minimal set of reports under which the provision's `if` fails."""
    q = asker.question(pid, "applies")
    if isinstance(q, bool):
        return []
    core, _ = asker.minimal([q], list(lits), absent_false=asker.sc.world == "closed")
    return core


def single_proof(
    asker: Asker, pid: str, fixed: list[z3.BoolRef], lits: Sequence[z3.BoolRef]
) -> list[z3.BoolRef] | None:
    """The earliest report that alone forces the breach of a forbid/each provision
    (None: none does, or another form).

    A report alone forces it only if its own event is a culprit, so only the
    culprits' reports are tried, in report order; with no report at all not
    forcing it, a single one is a minimal proof, and the earliest such is the
    canonical one (docs/semantics.md)."""
    c = asker.compiled_by_id[pid]
    if c.provision.form not in ("forbid", "each"):
        return None
    return _single(asker, fixed, lits, [slot for slot, _ in c.culprits()])


def fulfilled_by(asker: Asker, pid: str, lits: Sequence[z3.BoolRef]) -> tuple[Because, ...]:
    """For a complied require/achieve: a minimal set of reports that forces its fulfilment.

    Most fulfilments rest on one report (the handover, the establishment), so the reports
    whose events could fulfil it are tried alone first, in report order, as for the
    proofs of forbid/each; only when none suffices alone is the set minimized."""
    c = asker.compiled_by_id[pid]
    if c.fulfilled is None:
        return ()
    q = asker.question(pid, "unfulfilled")
    if isinstance(q, bool):
        return ()
    single = _single(asker, [q], lits, _fulfillers(asker, c))
    if single is not None:
        return tuple(asker.because(single))
    core, _ = asker.minimal([q], list(lits), absent_false=asker.sc.world == "closed")
    return tuple(asker.because(core))


def _fulfillers(asker: Asker, c: Compiled) -> list[Slot]:
    """The reported events that could take part in fulfilling a require (a matching
    event) or an achieve (a change of its state)."""
    p = c.provision
    if p.form == "require" and p.match is not None:
        return [
            s
            for s in asker.world.candidates(p.match)
            if asker.world.matches(s, p.match) is not False
        ]
    if p.form == "achieve" and p.cond is not None:
        return [ch.slot for ch in asker.states.timeline(p.cond.state, p.cond.key).changes]
    return []


def _single(
    asker: Asker, fixed: list[z3.BoolRef], lits: Sequence[z3.BoolRef], slots: list[Slot]
) -> list[z3.BoolRef] | None:
    """No report, else the earliest single report among those of `slots` that with
    `fixed` is impossible on its own; None when none is.

    Every other report is asked as false. In a closed world that is the question: its
    event did not happen. In an open world it is then not believed, and its event may
    still have happened unreported; as the over-approximation stands for any
    unreported events, the answer is the one with it left free, found without a
    search over whether it holds (`open`, 1,000 reports: these questions took Z3
    22.1 s left free, 5.5 s asked as false; the same answers on every workload,
    shipped scenario and case)."""
    order = {lit.get_id(): i for i, lit in enumerate(lits)}
    suspects = sorted(
        {
            asker.world.lits[r.id].get_id()
            for slot in slots
            if not slot.phantom
            for r in slot.reports
            if asker.world.lits[r.id].get_id() in order
        },
        key=order.__getitem__,
    )
    if not suspects:
        return None
    # (the negations made once, not once per report tried: 10,000 reports, hundreds tried)
    absent = [asker.session.negation(x) for x in lits]
    # each question is the last with report `i` in and the last one's out (`Swap`)
    last: tuple[list[z3.BoolRef], int | None] | None = None

    def forced(i: int | None) -> bool:
        """Impossible with `fixed` and report `i` alone (None: with no report)?"""
        nonlocal last
        if i is None:
            asked = asker.over([*fixed, *absent])
        else:
            asked = asker.over([*fixed, lits[i], *absent[:i], *absent[i + 1 :]])
        if last is not None and last[1] != i:
            base, j = last
            came = [lits[i]] if i is not None else []
            gone = [absent[i]] if i is not None else []
            if j is not None:
                came.append(absent[j])
                gone.append(lits[j])
            asked = Swap(asked, base, came, gone)
        last = (asked, i)
        return not asker.session.sat(asked)

    with asker.fewer():  # (questions of `over` alone)
        if forced(None):
            return []
        for k in suspects[: asker.opts.core_budget]:
            if forced(order[k]):
                return [lits[order[k]]]
    return None


def fulfilled_note(p: Provision) -> str:
    """Why a complied require/achieve names no fulfilling report: it is fulfilled with
    every report left out (in a closed world: with none of their events)."""
    if p.form == "achieve":
        return "no report needed: the initial state already fulfils it"
    return "no report needed to fulfil it"


def kept_note(p: Provision, world: str) -> str:
    """Why a complied forbid/each/maintain names no report: nothing breaches it."""
    what = "breaks its condition" if p.form == "maintain" else "breaches it"
    if world == "closed":
        return f"no reported event {what} (closed world)"
    return f"no reported event {what}, and no unreported one can"


def unprompted_note(p: Provision, world: str) -> str:
    """Why a breach needs no report at all (forms without their own note in `deciding`)."""
    closed = world == "closed"
    if p.form == "require":
        return "nothing reported fulfils it" + (" (closed world)" if closed else "")
    if p.form == "achieve":
        return "the initial state stands" + (
            " (closed world: no reported event changes it in time)" if closed else ""
        )
    return "forced by the terms alone"
