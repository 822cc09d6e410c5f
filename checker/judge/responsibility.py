"""Stage 5: who is responsible for a breach (SPEC §4.3).

A provision's `responsible` is either fixed by the terms or, for `responsible: actor`,
found from the actors whose reported events breach it. An actor counts for the nearest
party among its `part_of` ancestors. A party is *responsible* when in every compatible
world that breaches the provision one of its events is among the culprits (certain);
*possibly responsible* when that holds in some breaching world but not all, named with
the first report (in the order written) whose event makes it possible.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.compile import sym
from checker.compile.provisions import Compiled
from checker.compile.sym import Bool
from checker.compile.timeline import Defined
from checker.compile.world import Slot
from checker.ir import OTHER, Scenario
from checker.judge.asker import Asker, because_of
from checker.results import Possible


def responsible(
    asker: Asker, c: Compiled, lits: Sequence[z3.BoolRef]
) -> tuple[tuple[str, ...], tuple[Possible, ...]]:
    """(the parties responsible in every breaching world, the others possible in some)."""
    p = c.provision
    if p.responsible != ("actor",):
        return p.responsible, ()
    index = asker.world.index
    asker.session.hold(lits)  # every question below assumes them
    by_party: dict[str, set[int]] = {}
    # the proof is made of reports: unreported (phantom) events could breach too,
    # but no world needs them to, so they name no one
    believed = {x.get_id() for x in lits}
    with asker.states.collecting() as deps:
        culprits = [(s, cond) for s, cond in c.culprits() if _believed(asker, s, believed)]
    culprits.sort(key=lambda sc: sc[0].order)
    party_of_code: dict[int, str] = {}
    # the culprits each party may be among (a culprit's actor may be one of several)
    theirs: dict[str, list[tuple[Slot, Bool]]] = {}
    for slot, cond in culprits:
        parties = set()
        for code in sorted(slot.actor.dom):
            party = party_of_code.get(code)
            if party is None:
                party = party_of_code[code] = party_of(asker.sc, index.name("actor", code))
            by_party.setdefault(party, set()).add(code)
            parties.add(party)
        for party in parties:
            theirs.setdefault(party, []).append((slot, cond))
    breach = asker.question(p.id, "breach")
    uses = [*c.deps, *deps]
    certain: list[str] = []
    possible: list[Possible] = []
    for party in sorted(by_party):
        codes = frozenset(by_party[party])
        mine = [(s, sym.And(cond, sym.cat_in(s.actor, codes))) for s, cond in theirs[party]]
        mine = [(s, f) for s, f in mine if f is not False]
        if not mine:
            continue
        blamed = sym.Or(*(f for _, f in mine))
        if blamed is True or _always(asker, p.id, party, lits, breach, blamed, uses):
            certain.append(party)
            continue
        first = _first(asker, lits, mine, uses)
        if first is None:
            q = asker.gate(f"blame:{p.id}:{party}", blamed, uses)
            if not asker.sat([*lits, q]):
                continue
            first = mine[0][0]
        possible.append(Possible(party, because_of(first.reports[0])))
    return tuple(certain), tuple(possible)


def _always(
    asker: Asker,
    pid: str,
    party: str,
    lits: Sequence[z3.BoolRef],
    breach: z3.BoolRef | bool,
    blamed: Bool,
    uses: list[Defined],
) -> bool:
    """No compatible world breaches the provision without an event of the party among
    the culprits. Asked of the over-approximation of an open world (any unreported
    events at all), so that a party is called certain only where that is proven."""
    if breach is False:
        return False
    q = asker.gate(f"unblamed:{pid}:{party}", sym.Not(blamed), uses)
    fixed = [*lits, q] if breach is True else [*lits, breach, q]
    return asker.impossible(fixed)


def _believed(asker: Asker, slot: Slot, believed: set[int]) -> bool:
    """A reported event whose report is believed (all are, but in a reading): `believed`
    holds the ids of the believed reports' literals."""
    return not slot.phantom and any(
        asker.world.lits[r.id].get_id() in believed for r in slot.reports
    )


def _first(
    asker: Asker, lits: Sequence[z3.BoolRef], mine: list[tuple[Slot, Bool]], uses: list[Defined]
) -> Slot | None:
    """The first reported event that is a culprit of the party in a world of the explicit
    events, if one is found within the proofs' limit of solver calls."""
    for slot, f in mine[: asker.opts.core_budget]:
        if f is True:
            return slot
        q = asker.gate(f"blame:{slot.name}", f, uses)
        if asker.session.sat(asker.real([*lits, q])):
            return slot
    return None


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
