"""Stage 5: SPEC §4.2 verdicts from solver questions, with minimal explanations.

The stages, each importing only those before it: `options` (limits), `contexts` (a
fresh Z3 context per scenario, made ahead where a core is free), `asker` (the
encoding and the questions), `verdicts`, `proofs`, `responsibility`, `worlds` (two
worlds for an `open` verdict), `readings` (incoherent scenarios), `blank` (a result
before any question) and `run` (the whole judgement in its fixed order).
"""

from __future__ import annotations

from checker.judge.blank import blank_result, dormant_results
from checker.judge.contexts import make_ahead, settle
from checker.judge.options import Options, Undecided
from checker.judge.run import Judge, judge

__all__ = [
    "Judge",
    "Options",
    "Undecided",
    "blank_result",
    "dormant_results",
    "judge",
    "make_ahead",
    "settle",
]
