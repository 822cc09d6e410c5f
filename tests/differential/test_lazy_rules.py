"""The rules of every world (each `was`, one change of a key per minute, a condition held
throughout a window) are asserted whole when small and instance by instance on demand
when large, and what the ranges of counters decide is added as a rule. Forcing every
instance on demand, without the ranges, must not change any verdict, proof or
responsible party of the hand-worked cases, the examples and the Idlib library (whose
terms use `after_all`, `if:` and an amendment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import CheckOptions, check_file, discover
from checker.judge import Options
from checker.resolve import TermsCache
from checker.results import ScenarioResult

ROOT = Path(__file__).resolve().parents[2]
FILES, _ = discover(
    [
        ROOT / "tests" / "cases" / "engine",
        ROOT / "scenarios" / "examples",
        ROOT / "scenarios" / "idlib",
    ]
)


def _answers(result: object) -> tuple[object, ...]:
    assert isinstance(result, ScenarioResult)
    return (
        result.verdict,
        tuple((p.id, p.verdict, p.because, p.responsible) for p in result.provisions),
        result.conflicts,
        result.joint,
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rules_on_demand_give_the_same_answers(path: Path) -> None:
    eager = check_file(path, TermsCache(), CheckOptions())
    plain = Options(eager_instances=0, bounds=False)
    lazy = check_file(path, TermsCache(), CheckOptions(judge=plain))
    assert _answers(lazy) == _answers(eager)
