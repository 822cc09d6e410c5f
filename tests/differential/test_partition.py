"""A large world is judged part by part: the formulas over unknowns that no rule
links are asked of separate solver calls (checker/partition.py). That only decides
which formulas go to which call, so judging every hand-worked case and example that
way — from the first report on, and with every rule instance on demand so that the
refinement loop runs through the parts too — must not change any verdict, proof or
responsible party."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import CheckOptions, check_file, discover
from checker.judge import Options
from checker.resolve import TermsCache
from checker.results import ScenarioResult

ROOT = Path(__file__).resolve().parents[2]
FILES, _ = discover(
    [ROOT / "tests" / "cases" / "engine", ROOT / "scenarios" / "examples", ROOT / "scenarios"]
)


def _answers(result: object) -> tuple[object, ...]:
    assert isinstance(result, ScenarioResult)
    return (
        result.verdict,
        result.reason,
        tuple((p.id, p.verdict, p.note, p.because, p.responsible) for p in result.provisions),
        result.conflicts,
        result.joint,
    )


@pytest.mark.parametrize("path", sorted(set(FILES)), ids=lambda p: str(p.relative_to(ROOT)))
def test_judged_part_by_part_gives_the_same_answers(path: Path) -> None:
    whole = check_file(path, TermsCache(), CheckOptions(judge=Options(partition="never")))
    parted = check_file(path, TermsCache(), CheckOptions(judge=Options(partition="always")))
    assert _answers(parted) == _answers(whole)
    lazy = Options(partition="always", eager_instances=0, bounds=False)
    assert _answers(check_file(path, TermsCache(), CheckOptions(judge=lazy))) == _answers(whole)


@pytest.mark.parametrize("path", sorted(set(FILES)), ids=lambda p: str(p.relative_to(ROOT)))
def test_candidate_worlds_change_no_answer(path: Path) -> None:
    """A broken counter's candidate world (checker/compile/timeline.py) is tried first
    only from HINT_FROM changes on; offered for every counter, in one solver and part by
    part, it may only make answers come sooner."""
    whole = check_file(path, TermsCache(), CheckOptions(judge=Options(partition="never")))
    for mode in ("never", "always"):
        hinted = Options(partition=mode, hints_from=0)
        got = check_file(path, TermsCache(), CheckOptions(judge=hinted))
        assert _answers(got) == _answers(whole)
