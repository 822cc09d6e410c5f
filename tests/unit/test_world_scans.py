"""`World.candidates`: a scan for a MATCH looks only at the slots whose kind may be one
it names. It must never leave out a slot that MATCH can match, and must keep the
world's order — checked for every MATCH of the shipped terms, scenarios and cases,
and of generated large worlds, against `World.matches` over every slot."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.diagnostics import Diagnostics
from checker.ir import MatchIR, Scenario
from checker.judge.asker import Asker
from checker.load import load_scenario, load_scenario_text
from checker.records import fields
from checker.resolve import Overrides, TermsCache, resolve_scenario

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import workloads  # noqa: E402

SHIPPED = sorted(
    p
    for folder in ("scenarios", "tests/cases")
    for p in (ROOT / folder).rglob("*.yaml")
    if "diagnostics" not in p.parts
)
GENERATED = [("mixed", 300), ("open", 60), ("handovers", 100)]


def _matches_in(obj: object, seen: set[int]) -> Iterator[MatchIR]:
    """Every MatchIR reachable from a resolved object (records, tuples, lists, dicts)."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, MatchIR):
        yield obj
        return
    if isinstance(obj, (list, tuple, frozenset, set)):
        for x in obj:
            yield from _matches_in(x, seen)
        return
    if isinstance(obj, dict):
        for x in obj.values():
            yield from _matches_in(x, seen)
        return
    try:
        fs = fields(obj)
    except TypeError:
        return
    for f in fs:
        yield from _matches_in(getattr(obj, f.name), seen)


def _resolved(loaded: object) -> Scenario | None:
    diags = Diagnostics()
    sc = resolve_scenario(loaded, diags, TermsCache(), Overrides())  # type: ignore[arg-type]
    return None if sc is None or diags.has_errors else sc


def _check_world(sc: Scenario) -> int:
    asker = Asker(sc)
    try:
        w = asker.world
        seen: set[int] = set()
        found = [*_matches_in(sc.terms, seen), *_matches_in(sc.reports, seen)]
        for m in found:
            every = [s for s in w.slots if w.matches(s, m) is not False]
            scanned = [s for s in w.candidates(m) if w.matches(s, m) is not False]
            assert scanned == every, (sc.file, m)
            assert w.candidates(m) is w.candidates(m)  # found once per kind test
        return len(found)
    finally:
        asker.release()


def test_scans_keep_every_slot_a_match_can_match() -> None:
    judged = 0
    for path in SHIPPED:
        diags = Diagnostics()
        loaded = load_scenario(path, diags)
        sc = _resolved(loaded) if loaded is not None and not diags.has_errors else None
        if sc is None:
            continue  # a case of input errors: it has no world
        _check_world(sc)
        judged += 1
    assert judged >= 300, judged  # (326 valid scenarios and cases on 1 December)


@pytest.mark.parametrize(("kind", "n"), GENERATED)
def test_scans_of_large_generated_worlds(kind: str, n: int) -> None:
    text = workloads.WORKLOADS[kind](n, 0)
    diags = Diagnostics()
    loaded = load_scenario_text(text, f"{kind}-{n}.yaml", diags)
    assert loaded is not None and not diags.has_errors
    sc = _resolved(loaded)
    assert sc is not None
    assert _check_world(sc) > 0
