"""Stage 5: SPEC §4.2 verdicts — of one provision over a set of report literals, of the
scenario as a whole, and of a provision over the union of several sets of worlds."""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.compile.provisions import Compiled
from checker.judge.asker import Asker
from checker.results import JointConflict, ProvisionResult


def verdict_of(asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef]) -> str:
    p = c.provision
    if p.form == "unformalized":
        return "unformalized"
    if c.applies is not True and not asker.possible(p.id, "applies", lits):
        return "waived"  # its `if` fails in every compatible world (SPEC §4.2)
    if not asker.possible(p.id, "keep", lits):
        return "violated"
    if asker.possible(p.id, "breach", lits):
        return "open"
    if c.fulfilled is not None and asker.possible(p.id, "unfulfilled", lits):
        return "pending"
    return "complied"


def _binding(asker: Asker) -> list[Compiled]:
    return [c for c in asker.compiled if c.provision.binding and c.provision.form != "unformalized"]


def joint(
    asker: Asker,
    lits: Sequence[z3.BoolRef],
    provisions: list[ProvisionResult],
    *,
    explain: bool = True,
) -> tuple[str, JointConflict | None]:
    """The scenario verdict, and for a violation no single provision shows (`explain`),
    the provisions and reports that cannot hold together."""
    if any(r.verdict == "violated" and r.binding for r in provisions):
        return "violation", None
    keeps = {c.provision.id: asker.question(c.provision.id, "keep") for c in _binding(asker)}
    if any(q is False for q in keeps.values()):
        return "violation", None
    keep_lits = [q for q in keeps.values() if not isinstance(q, bool)]
    if asker.sat([*lits, *keep_lits]):
        return "consistent", None
    if not explain:
        return "violation", None
    core, _ = asker.minimal([], [*keep_lits, *lits])
    ids = {q.get_id(): pid for pid, q in keeps.items() if not isinstance(q, bool)}
    names = tuple(ids[c.get_id()] for c in core if c.get_id() in ids)
    return "violation", JointConflict(names, tuple(asker.because(core)))


def joint_verdict(asker: Asker, lits: Sequence[z3.BoolRef]) -> str:
    """The scenario verdict alone (for a reading of an incoherent scenario)."""
    keeps = [asker.question(c.provision.id, "keep") for c in _binding(asker)]
    if any(q is False for q in keeps):
        return "violation"
    ok = asker.sat([*lits, *(q for q in keeps if not isinstance(q, bool))])
    return "consistent" if ok else "violation"


def union_verdict(verdicts: set[str]) -> str:
    """The verdict over the union of several sets of worlds, from the verdict over each."""
    if len(verdicts) == 1:
        return next(iter(verdicts))
    if "waived" in verdicts:  # waiving worlds keep it (and fulfil it) but decide nothing
        rest = verdicts - {"waived"}
        if rest <= {"complied", "pending"}:
            return union_verdict(rest)
        return "open"
    if verdicts <= {"complied", "pending"}:
        return "pending"
    return "open"
