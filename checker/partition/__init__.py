"""Stage 4: the independent parts of a large world, found from its formulas.

Reports about different places and actors often share no unknown at all: the
holders of one district and the times of its handovers never meet those of
another. One solver over all of them is exact but slow — every conflict in one
part undoes the search in the others, so 10,000 reports over many districts
took Z3 over 30 s where each district alone takes milliseconds. A conjunction
of formulas over disjoint unknowns is satisfiable exactly when each part is,
and a model of the whole is the union of the parts' models; so a question is
answered by solving each part that it or its assumptions touch, on its own.

The parts are the classes of a union-find over the uninterpreted constants of
the world's formulas (the rules of every world, asserted without a gate),
grown as formulas arrive. A question's gated formulas do not join parts for
good: each conjunct of one joins the parts it touches for that question only.
Nothing here decides what an answer is — it only decides which formulas are
handed to which solver call, so the answers are those of the one big call.

The package: `unionfind` finds the parts, `parts` asks a question part by part (doing
only what changed since the last question), `models` keeps the union of the parts'
models, `pay` says at which sizes parts are worth it.
"""

from checker.partition.parts import Parts
from checker.partition.pay import CLOSED_PART_SIZE, PART_SIZE, PARTS_THAT_PAY

__all__ = ["CLOSED_PART_SIZE", "PART_SIZE", "PARTS_THAT_PAY", "Parts"]
