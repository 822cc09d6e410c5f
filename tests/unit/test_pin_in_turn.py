"""The pinning of an `open` explanation (checker/judge/worlds.py `pin_in_turn`): runs of
slots pinned in one call, halved when they cannot be, pin exactly what one call per slot
in turn pins, in calls that grow with the slots that cannot be pinned."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from checker.judge.worlds import pin_in_turn

Token = tuple[int, int]  # (slot, attribute)


class Oracle:
    """A breach that some sets of pins together rule out (satisfiable stays so with
    fewer pins, as the solver's answers do)."""

    def __init__(self, conflicts: Sequence[frozenset[Token]]) -> None:
        self.conflicts = conflicts
        self.pinned: set[Token] = set()
        self.calls = 0

    def sat(self, pins: set[Token]) -> bool:
        return not any(c <= pins for c in self.conflicts)

    def pin(self, name: str, pins: Sequence[Token]) -> bool:
        self.calls += 1
        if self.sat(self.pinned | set(pins)):
            self.pinned |= set(pins)
            return True
        return False


def one_at_a_time(slots: Sequence[tuple[int, Sequence[Token]]], oracle: Oracle) -> set[Token]:
    """What explain_open pinned before: each slot whole, else each of its pins."""
    for i, pins in slots:
        if oracle.pin(f"{i}", pins) or len(pins) == 1:
            continue
        for one in pins:
            oracle.pin(f"{i}", [one])
    return oracle.pinned


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[tuple[int, list[Token]]], list[frozenset[Token]]]:
    n = draw(st.integers(1, 40))
    slots = [(i, [(i, j) for j in range(draw(st.integers(1, 4)))]) for i in range(n)]
    tokens = [t for _, pins in slots for t in pins]
    conflict = st.frozensets(st.sampled_from(tokens), min_size=1, max_size=3)
    return slots, draw(st.lists(conflict, max_size=6))


@given(worlds())
def test_runs_pin_what_one_slot_at_a_time_pins(
    world: tuple[list[tuple[int, list[Token]]], list[frozenset[Token]]],
) -> None:
    slots, conflicts = world
    expected = one_at_a_time(slots, Oracle(conflicts))
    runs = Oracle(conflicts)
    pin_in_turn(slots, runs.pin, "pin")
    assert runs.pinned == expected


def test_one_slot_that_matters_among_many_costs_a_few_calls() -> None:
    # 256 slots of 3 attributes; the breach needs slot 100's second attribute changed:
    # one call per slot made 256 + 3 calls, halving makes 2 per level and the attributes
    slots = [(i, [(i, j) for j in range(3)]) for i in range(256)]
    oracle = Oracle([frozenset({(100, 1)})])
    pin_in_turn(slots, oracle.pin, "pin")
    assert oracle.pinned == {t for _, pins in slots for t in pins} - {(100, 1)}
    assert oracle.calls <= 2 * 8 + 3
    nothing = Oracle([])
    pin_in_turn(slots, nothing.pin, "pin")
    assert nothing.calls == 1
