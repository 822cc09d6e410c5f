"""The refinement of "no two changes of one key at one minute" (checker/compile/refine.py):
pairs of changes whose windows overlap are asserted distinct as candidate worlds break
them. Once one pair of a key breaks, every pending pair of that key is asserted at once
(up to `ALL_PAIRS_UP_TO`): asserted one broken pair at a time, the solver moved the
collision to another pair every round. Either way the answers are the same, since every
instance is a consequence of the world's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import CheckOptions, check_file
from checker.compile import refine
from checker.judge import Options
from checker.resolve import TermsCache
from checker.results import ScenarioResult

ROOT = Path(__file__).resolve().parents[2]
LONG = ROOT / "tests/data/long-cluster.yaml"  # 24 handovers of the corridor, one cluster
CORRIDOR = ("control", ("corridor",))


Rounds = list[tuple[int, int]]


def _judged(monkeypatch: pytest.MonkeyPatch, up_to: int) -> tuple[ScenarioResult, Rounds]:
    """The scenario judged with every rule instance on demand, and how many distinct
    pairs of the corridor were pending before and after each refinement round that
    asserted some."""
    monkeypatch.setattr(refine, "ALL_PAIRS_UP_TO", up_to)
    rounds: Rounds = []
    plain = refine.refine

    def spied(tls: refine.Rules, ev: refine.ModelEval, active: set[int]) -> int:
        before = len(tls.timelines[CORRIDOR].distinct_pending)
        added = plain(tls, ev, active)
        after = len(tls.timelines[CORRIDOR].distinct_pending)
        if after != before:
            rounds.append((before, after))
        return added

    monkeypatch.setattr(refine, "refine", spied)
    opts = CheckOptions(judge=Options(eager_instances=0, timeline=False))
    result = check_file(LONG, TermsCache(), opts)
    assert isinstance(result, ScenarioResult)
    return result, rounds


def _verdicts(r: ScenarioResult) -> tuple[object, ...]:
    return (r.verdict, tuple((p.id, p.verdict, p.because) for p in r.provisions))


def test_one_broken_pair_asserts_every_pair_of_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    _, rounds = _judged(monkeypatch, refine.ALL_PAIRS_UP_TO)
    # one round asserts pairs of the corridor, and it asserts them all
    assert len(rounds) == 1
    before, after = rounds[0]
    assert before > 1 and after == 0


def test_past_the_bound_only_broken_pairs_are_asserted_and_answers_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    all_at_once, _ = _judged(monkeypatch, refine.ALL_PAIRS_UP_TO)
    one_by_one, rounds = _judged(monkeypatch, 0)
    # the broken pairs alone were asserted, the others left pending
    assert rounds and all(after > 0 for _, after in rounds)
    assert _verdicts(all_at_once) == _verdicts(one_by_one)
