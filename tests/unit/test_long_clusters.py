"""A categorical state's timeline (checker/compile/statekey.py): changes whose windows
overlap form clusters, and the value at a minute looks at every change of the clusters
that minute may fall in. A key whose longest cluster has more changes than
`Options.chain_from` is chained by the ends of the windows instead, so that a question
late in a long cluster looks at the changes overlapping it alone: the cost of a chain of
handovers of one place no longer grows with the square of its length."""

from __future__ import annotations

from pathlib import Path

import z3

from checker.compile.statekey import LONG_CLUSTER, Timeline
from checker.judge import Options
from checker.judge.asker import Asker

from .test_open_world_plan import _scenario

ROOT = Path(__file__).resolve().parents[2]
LONG = ROOT / "tests/data/long-cluster.yaml"  # 24 handovers of the corridor, one cluster
SHORT = ROOT / "tests/cases/engine/was-prunes-order.yaml"  # two handovers of Aghdam


def _control(path: Path, chain_from: int, place: str = "corridor") -> Timeline:
    asker = Asker(_scenario(path), Options(chain_from=chain_from))
    return asker.states.timelines[("control", (place,))]


def _candidates_before_the_last_change(tl: Timeline) -> int:
    """How many changes the value just before the latest change looks at (the last
    definition of a categorical query is its disjunction: the prefix or a candidate)."""
    last = max(tl.changes, key=lambda c: c.slot.t.lo)
    q = tl.value_at(last.slot.t.plus(-1), exclude=last.slot)
    disjunction = q.defs[-1]
    assert isinstance(disjunction, z3.BoolRef) and z3.is_or(disjunction)
    return disjunction.num_args() - 1


def test_a_cluster_longer_than_the_bound_is_chained() -> None:
    tl = _control(LONG, LONG_CLUSTER)
    assert len(tl.changes) == 24 > LONG_CLUSTER
    assert tl._chained
    # the changes whose windows overlap the last one's, not the 23 before it
    overlapping = tl.overlapping(tl.changes[-1].slot.t.lo, tl.changes[-1].slot.t.hi)
    assert _candidates_before_the_last_change(tl) == len(overlapping) - 1 == 5


def test_as_one_cluster_the_same_question_looks_at_every_change_before_it() -> None:
    tl = _control(LONG, 10**6)
    assert not tl._chained
    assert _candidates_before_the_last_change(tl) == 23


def test_short_clusters_keep_the_cluster_encoding_unless_told() -> None:
    assert not _control(SHORT, LONG_CLUSTER, "aghdam")._chained
    assert _control(SHORT, 0, "aghdam")._chained  # (how the tests ask for every key chained)
