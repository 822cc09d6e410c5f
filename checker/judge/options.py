"""Stage 5: the judge's options and limits, and the give-up of an open-world question the
two encodings cannot settle. Nothing here asks the solver."""

from __future__ import annotations

from pathlib import Path

from checker.answers import GaveUp
from checker.compile.statekey import LONG_CLUSTER
from checker.compile.timeline import EAGER_INSTANCES, HINT_FROM
from checker.records import record
from checker.solver import DEFAULT_MEMORY_MB, DEFAULT_RLIMIT

MAX_READINGS = 8
PARTITION_FROM = 1000  # reports; below it one solver call per question is quicker
# changes of one counter from which a closed world is always asked part by part (with
# "auto"): troop movements alone have few formulas (the counter's work is in the
# questions, the cap over every movement) and one solver carries every question's
# formulas in every call. Measured, `bench/workloads.py counters` (warm, in-process):
# 1,500 movements 0.37 s in one solver against 0.54 s part by part, 1,600 0.86 s
# against 0.80 s, 1,750 1.12 s against 0.76 s, 2,000 1.26 s against 1.03 s, 4,000
# 9.7 s against 2.4 s (whole process 1,042 against 208 MiB)
COUNTER_PARTS_FROM = 1600
MAX_WITNESSES = 4  # models of real worlds kept to answer questions without the solver
MAX_CONFLICTS = 8


@record
class Options:
    timeout: float | None = 60.0  # seconds of wall-clock time per scenario, everything included
    rlimit: int | None = DEFAULT_RLIMIT
    memory_mb: int | None = DEFAULT_MEMORY_MB
    dump_smt2: Path | None = None  # write every solver question here as SMT-LIB2
    core_budget: int = 400  # solver calls per minimal explanation (deterministic)
    explain: bool = False  # explain `open` verdicts with two worlds (SPEC §4.3)
    # with `explain`: only this provision's (`checker explain` shows no other; each
    # open provision's two worlds took a second at 1,000 reports of an open world)
    explain_only: str | None = None
    # False: verdicts alone — no reports named, no responsibility, no joint conflict —
    # for results nobody will see; the verdicts are the same (`check_file` uses it)
    explanations: bool = True
    # rules of at most this many instances are asserted up front, the rest on demand;
    # the answers never depend on it (tests run with 0: everything on demand)
    eager_instances: int = EAGER_INSTANCES
    bounds: bool = True  # settle counter conditions from the ranges alone where they can
    # a maintained counter with this many changes offers a candidate world in which it
    # is broken, tried before the full question (tests run with 0: always)
    hints_from: int = HINT_FROM
    # a categorical state's key whose longest cluster of overlapping windows has more
    # changes than this is chained by the ends of the windows (tests run with 0: every
    # key chained); the answers never depend on it
    chain_from: int = LONG_CLUSTER
    # "auto": from PARTITION_FROM reports on, and when the world has enough sizeable
    # parts (checker/solver.py) or a counter of COUNTER_PARTS_FROM changes, each
    # question is answered part by part (independent unknowns in separate
    # solver calls); "always" and "never" force it. The answers never depend on it.
    partition: str = "auto"
    # the reports' timeline, which only the HTML report draws (`check` asks for it with
    # --html alone: at 30 reports it is 3 % of judging a scenario's verdicts)
    timeline: bool = True


UNDECIDED = (
    "open world: whether it holds could depend on more unreported events than are "
    "modelled one by one"
)


class Undecided(GaveUp):
    """An open-world question that neither the explicit unreported events decide (they
    allow no world) nor the over-approximation refutes (it allows one)."""

    def __init__(self) -> None:
        super().__init__(UNDECIDED)
