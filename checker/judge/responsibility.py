"""Stage 5: who is responsible for a breach (SPEC §4.3).

A provision's `responsible` is either fixed by the terms or, for `responsible: actor`,
the parties of the actors whose events breach it in some compatible world. An actor
counts for the nearest party among its `part_of` ancestors.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.compile import sym
from checker.compile.provisions import Compiled
from checker.ir import OTHER, Scenario
from checker.judge.asker import Asker


def responsible(asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef]) -> tuple[str, ...]:
    p = c.provision
    if p.responsible != ("actor",):
        return p.responsible
    index = asker.world.index
    by_party: dict[str, set[int]] = {}
    # the proof is made of reports: unreported (phantom) events could breach too,
    # but no world needs them to, so they name no one
    with asker.states.collecting() as deps:
        culprits = [(s, cond) for s, cond in c.culprits() if not s.phantom]
    for slot, _ in culprits:
        for code in sorted(slot.actor.dom):
            by_party.setdefault(party_of(asker.sc, index.name("actor", code)), set()).add(code)
    found = []
    for party in sorted(by_party):
        codes = frozenset(by_party[party])
        blamed = sym.Or(*(sym.And(cond, sym.cat_in(s.actor, codes)) for s, cond in culprits))
        if blamed is False:
            continue
        if blamed is True:
            found.append(party)
            continue
        q = asker.gate(f"blame:{p.id}:{party}", blamed, [*c.deps, *deps])
        if asker.sat([*lits, q]):
            found.append(party)
    return tuple(found)


def party_of(sc: Scenario, actor: str) -> str:
    """The nearest party among an actor's `part_of` ancestors, else its topmost ancestor."""
    if actor == OTHER:
        return "unknown"
    terms = sc.terms
    h = terms.actors
    frontier = [actor]
    seen = set()
    while frontier:
        for a in frontier:
            if a in terms.parties:
                return a
        seen.update(frontier)
        frontier = sorted({p for a in frontier for p in h.entities[a].parents} - seen)
    roots = sorted(a for a in h.ancestors[actor] if not h.entities[a].parents)
    return roots[0] if roots else actor
