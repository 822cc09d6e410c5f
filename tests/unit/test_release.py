"""A judged scenario's Z3 context is freed as soon as the judge is done with it, by
reference counting alone: a library process then never waits for Python's cycle
collector to free a context (which cost that collection the freeing, and the next
scenario's context page faults on tables the allocator had handed to others)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
import z3

from checker.api import CheckOptions, check_paths
from checker.records import replace

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios/examples/uncertain-date.yaml"


@pytest.mark.parametrize("brief", [False, True])
def test_each_context_is_freed_when_its_judgement_ends(
    monkeypatch: pytest.MonkeyPatch, brief: bool
) -> None:
    made: list[weakref.ref[z3.Context]] = []

    class Recorded(z3.Context):
        def __init__(self) -> None:
            super().__init__()
            made.append(weakref.ref(self))

    monkeypatch.setattr(z3, "Context", Recorded)
    opts = CheckOptions(brief=brief)
    opts = replace(opts, judge=replace(opts.judge, timeout=None))
    gc.collect()
    gc.disable()
    try:
        run = check_paths([SCENARIO], opts)
        alive = [r for r in made if r() is not None]
    finally:
        gc.enable()
    assert run.scenarios and run.scenarios[0].verdict == "consistent"
    assert made, "the scenario was judged in a context of its own"
    assert not alive, "a context outlived its judgement, held by a reference cycle"
