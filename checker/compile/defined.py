"""Stage 4: the pieces a state timeline is made of (SPEC §3.3): what is defined by
formulas asserted only under the gates of the questions that use it (`Defined`), a
state's value at a minute (`Query`), one slot's possible change of a state (`Change`),
and what a timeline needs of the registry that makes it (`Owner`). The timelines
themselves are statekey.py; the registry, timeline.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import z3

from checker.compile.openworld import Beyond
from checker.compile.sym import Arith, Bool, Cat, Time
from checker.compile.world import Slot, World
from checker.ir import StateDef
from checker.records import field, record


class Owner(Protocol):
    """What a timeline needs of the registry that makes it (checker/compile/timeline.py):
    fresh names, the deadline's tick, where definitions go, and the terms' tests."""

    world: World
    beyond: Beyond | None
    tick: Callable[[], None]
    chain_from: int  # a key whose longest cluster is longer is chained by window ends

    def fresh(self) -> int: ...

    def define(self, gate: int, lit: z3.BoolRef | None, deps: list[Defined]) -> None: ...

    def used(self, d: Defined) -> None: ...

    def kinds_of(self, kinds: dict[str, str]) -> set[str]: ...

    def ns(self, sdef: StateDef) -> str: ...

    def matches(self, value: Cat, target: Cat, sdef: StateDef) -> Bool: ...

    def matches_code(self, value: int, target: int, sdef: StateDef) -> bool: ...


class Defined:
    """Something whose meaning is a set of formulas (`defs`) over fresh variables.

    The formulas are asserted only under the gates (question literals) of the
    questions that use it, so a question pays only for what it depends on.
    `deps` are what the formulas themselves use.
    """

    def __init__(self) -> None:
        self.defs: list[Bool] = []
        self.deps: list[Defined] = []
        self.gates: set[int] = set()  # ids of the gates it is asserted under (0: none needed)


@record
class Change:
    """A slot that may change the state for this key: when it does, and to/by what."""

    slot: Slot
    guard: Bool  # it happened, by as_of, from in_force, of a kind that changes this key
    value: Cat | Arith  # the new value (categorical) or the signed delta (counter)
    was: list[tuple[Bool, Cat]] = field(default_factory=list)  # (kind test, value to match)
    index: int = 0  # position in the timeline's sorted list
    # counters: the range of the delta (None: unbounded)
    delta_range: tuple[float | None, float | None] = (None, None)
    # the change surely applies once its event happened (kind, key, after in_force)
    sure: bool = False


class Query(Defined):
    """The value of one key at one minute (events at that minute included)."""

    def __init__(self, value: Cat | Arith, time: Time | None) -> None:
        super().__init__()
        self.value = value
        self.time = time  # categorical: the minute of the change that set the value
        self.at: Time | None = None  # the minute asked about


def negated_range(hi: float | None, lo: float | None) -> tuple[float | None, float | None]:
    """The range of -x for x in [lo, hi] (None: unbounded)."""
    return (None if hi is None else -hi, None if lo is None else -lo)
