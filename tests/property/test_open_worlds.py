"""Open worlds against concrete worlds (SPEC §4.1-4.2): a generated world of exact events
(`test_concrete_worlds.worlds`) is split into reported events and unreported ones, and
only the reported ones are given to the engine, as an open world. The whole world is
then one of the scenario's compatible worlds, so every verdict the engine decides must
hold in it (`worldeval.judge_world`): `complied` and `violated` must be its verdicts;
`pending` (no compatible world breaches, some are not yet due) allows it to be fulfilled
already, never breached; `open` and `unknown` promise nothing.

This pins what the open world's shortcuts rely on: questions asked without the per-point
unreported changes, proofs asked with every other report false, and the
over-approximation standing for any unreported events."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from checker.api import CheckOptions
from checker.judge import Options

from .test_concrete_worlds import World, _check, worlds
from .worldeval import judge_world

EXAMPLES = int(os.environ.get("CHECKER_FUZZ_EXAMPLES", 40))
# what the whole world's verdict may be, for each verdict the engine decides
ALLOWS = {
    "complied": {"complied"},
    "violated": {"violated"},
    "pending": {"pending", "complied"},
    "unformalized": {"unformalized"},
}


@st.composite
def split_worlds(draw: st.DrawFn) -> tuple[World, list[int]]:
    """A concrete world that keeps the state rules, and which of its events are reported
    (at least one unreported: else it is the closed world's test)."""
    world = draw(worlds())
    assume(not world.broken and world.events)
    reported = [i for i in range(len(world.events)) if draw(st.booleans())]
    assume(len(reported) < len(world.events))
    return world, reported


def _open_yaml(world: World, reported: list[int]) -> str:
    text = world.yaml(reported).replace("  world: closed\n", "  world: open\n", 1)
    assert "world: open" in text
    return text


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    split_worlds(),
    # as judged, part by part, and with every counter's candidate world tried first
    st.sampled_from([Options(), Options(partition="always"), Options(hints_from=0)]),
)
def test_decided_verdicts_hold_in_a_world_with_unreported_events(
    case: tuple[World, list[int]], opts: Options
) -> None:
    world, reported = case
    whole = judge_world(world.events, world.as_of)
    assume(whole.coherent)  # (a world that breaks a state rule is no world at all)
    text = _open_yaml(world, reported)
    note(text)
    note(f"unreported: {[world.events[i] for i in range(len(world.events)) if i not in reported]}")
    note(f"the whole world: {whole}")
    result = _check(text, CheckOptions(judge=opts))
    got = {p.id: p.verdict for p in result.provisions}
    note(f"engine: {result.verdict} {got} reason={result.reason}")
    assert result.verdict != "incoherent", "the whole world is compatible with the reports"
    for pid, verdict in got.items():
        if verdict in ALLOWS:
            assert whole.provisions[pid] in ALLOWS[verdict], pid
