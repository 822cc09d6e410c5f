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
from checker.results import RunResult

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "scenarios/examples"


# uncertain-date: consistent; contradictory: incoherent, its conflict minimized by
# QuickXplain; ceasefire-breach asked part by part: the session keeps a `Parts`
@pytest.mark.parametrize(
    ("name", "verdict", "partition"),
    [
        ("uncertain-date", "consistent", "auto"),
        ("contradictory", "incoherent", "auto"),
        ("ceasefire-breach", "violation", "always"),
    ],
)
@pytest.mark.parametrize("brief", [False, True])
def test_each_context_is_freed_when_its_judgement_ends(
    monkeypatch: pytest.MonkeyPatch, brief: bool, name: str, verdict: str, partition: str
) -> None:
    recorded = _record_contexts(monkeypatch)
    opts = CheckOptions(brief=brief)
    opts = replace(opts, judge=replace(opts.judge, timeout=None, partition=partition))
    run, made, alive = _judged_without_collector(recorded, EXAMPLES / f"{name}.yaml", opts)
    assert run.scenarios and run.scenarios[0].verdict == verdict
    assert made, "the scenario was judged in a context of its own"
    assert not alive, "a context outlived its judgement, held by a reference cycle"


@pytest.mark.parametrize("brief", [False, True])
def test_no_shipped_scenario_leaves_its_context_to_the_collector(
    monkeypatch: pytest.MonkeyPatch, brief: bool
) -> None:
    """Every path of the judge, as the shipped library takes them (82 of its 216
    judgements, brief and in full, left their context to the collector before the
    session held no cycle)."""
    recorded = _record_contexts(monkeypatch)
    opts = CheckOptions(brief=brief)
    opts = replace(opts, judge=replace(opts.judge, timeout=None))
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert len(files) > 100
    left = []
    for path in files:
        _, _, alive = _judged_without_collector(recorded, path, opts)
        if alive:
            left.append(path.relative_to(ROOT).as_posix())
    assert not left, f"contexts held by a reference cycle after: {left}"


def _record_contexts(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[z3.Context]]:
    """Every Z3 context made from now on, weakly referenced."""
    made: list[weakref.ref[z3.Context]] = []

    class Recorded(z3.Context):
        def __init__(self) -> None:
            super().__init__()
            made.append(weakref.ref(self))

    monkeypatch.setattr(z3, "Context", Recorded)
    return made


def _judged_without_collector(
    made: list[weakref.ref[z3.Context]], path: Path, opts: CheckOptions
) -> tuple[RunResult, list[weakref.ref[z3.Context]], list[weakref.ref[z3.Context]]]:
    """`check_paths` on one file with the cycle collector off: the run, the contexts
    made for it and those still alive after it."""
    made.clear()
    gc.collect()
    gc.disable()
    try:
        run = check_paths([path], opts)
        alive = [r for r in made if r() is not None]
    finally:
        gc.enable()
    return run, list(made), alive
