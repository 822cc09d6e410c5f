"""Stage 5: incoherent scenarios (SPEC §4.3) — the minimal conflicting sets of reports
and the maximal coherent readings, each judged in turn, by Liffiton's MARCO scheme."""

from __future__ import annotations

import z3

from checker.ir import Report
from checker.judge.asker import Asker
from checker.judge.options import MAX_CONFLICTS, MAX_READINGS
from checker.judge.verdicts import joint_verdict, verdict_of
from checker.results import Reading

Lits = list[z3.BoolRef]


def readings(asker: Asker, msses: list[Lits]) -> list[Reading]:
    """The verdicts under each maximal coherent subset, most trusted first (at most 8)."""
    weight = {r.id: reliability(r) for r in asker.sc.reports}
    verdicts: list[list[tuple[str, str]]] = [[] for _ in msses]
    for c in asker.compiled:  # one scope per provision, every reading in it
        with asker.scope():
            for i, mss in enumerate(msses):
                verdicts[i].append((c.provision.id, verdict_of(asker, c, mss)))
    with asker.scope():
        joints = [joint_verdict(asker, mss) for mss in msses]
    out = []
    for mss, mine, joint in zip(msses, verdicts, joints, strict=True):
        kept = [asker.report_of[x.get_id()].id for x in mss]
        believed = set(kept)
        dropped = [r.id for r in asker.sc.reports if r.id not in believed]
        out.append(
            Reading(
                tuple(kept),
                tuple(dropped),
                round(sum(weight[k] for k in kept), 6),
                joint,
                tuple(mine),
            )
        )
    out.sort(key=lambda r: (-r.weight, -len(r.reports), r.dropped))
    return out[:MAX_READINGS]


def marco(asker: Asker) -> tuple[list[Lits], list[Lits]]:
    """MUSes (at most MAX_CONFLICTS) and MSSes of the report literals, bounded."""
    lits = asker.report_lits
    by_weight = sorted(
        lits, key=lambda x: -reliability(asker.report_of[x.get_id()])
    )  # grow readings by trusting the most reliable sources first
    chooser = z3.Solver(ctx=asker.ctx)
    chooser.set("random_seed", 0)
    pick = {x.get_id(): z3.Bool(f"pick:{i}", asker.ctx) for i, x in enumerate(lits)}
    muses: list[Lits] = []
    msses: list[Lits] = []
    rounds = 0
    while (len(muses) < MAX_CONFLICTS or len(msses) < MAX_READINGS) and rounds < 64:
        rounds += 1
        if chooser.check() != z3.sat:
            break
        m = chooser.model()
        # every report whose pick the chooser did not set false (read from the picks it
        # set: evaluating each of 1,000 picks took 0.6 s of 20 rounds)
        off = {int(d.name()[len("pick:") :]) for d in m.decls() if z3.is_false(m[d])}
        seed = [x for i, x in enumerate(lits) if i not in off]
        if asker.sat(seed):
            inside = _grow(asker, seed, by_weight)
            mss = [x for x in lits if x.get_id() in inside]
            msses.append(mss)
            chooser.add(
                z3.Or(
                    *[pick[x.get_id()] for x in lits if x.get_id() not in inside]
                    or [z3.BoolVal(False, asker.ctx)]
                )
            )
        else:
            mus, _ = asker.minimal([], seed)
            muses.append(mus)
            chooser.add(z3.Or(*[z3.Not(pick[x.get_id()]) for x in mus]))
    return muses[:MAX_CONFLICTS], msses


def _grow(asker: Asker, seed: Lits, by_weight: Lits) -> set[int]:
    """The ids of a maximal coherent set of reports: `seed`, grown by each other report
    in turn (`by_weight`) that stays coherent with it. Reports are told apart by id:
    `x in grown` compared z3 terms, building an equation per pair (at 1,000 reports,
    66 of an incoherent scenario's 68 s, profiled; docs/performance.md)."""
    grown = list(seed)
    inside = {x.get_id() for x in seed}
    for x in by_weight:
        i = x.get_id()
        if i not in inside and asker.sat([*grown, x]):
            grown.append(x)
            inside.add(i)
    return inside


def reliability(r: Report) -> float:
    if r.source is not None and r.source.reliability is not None:
        return r.source.reliability
    return 1.0
