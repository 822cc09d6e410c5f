"""When a world is asked part by part: the sizes at which parts pay (measured; used by
`Session.merge_unless_parts_pay` and the judge's choice, `Asker._choose_parts`). Only
speed depends on them, never an answer."""

from __future__ import annotations

# a world is judged part by part when it has this many parts of this many formulas
# (measured: 1,000 handovers over 48 districts, 2x quicker; 1,000 mixed reports, whose
# parts hold at most 54 formulas, 25 % slower)
PARTS_THAT_PAY = 16
PART_SIZE = 100
# In a closed world, parts of this many formulas already pay: one solver answers each
# question over the whole world, part by part only the parts a question changed
# (measured, `bench/workloads.py mixed`, whose districts' parts hold 50 to 140
# formulas from 1,100 reports on: 1,200 reports 1.5x quicker part by part, 1,500
# 2.1x, 2,000 1.8x; 1,000 reports, with 6 such parts, one solver 1.2x quicker). Not
# an open world: `open` of 100 and 300 reports took 2.5x and 2.8x as long part by part.
CLOSED_PART_SIZE = 50
