"""A categorical state's timeline is built from clusters of overlapping windows, or,
when a cluster is longer than `Options.chain_from` changes, chained by the ends of the
windows (checker/compile/statekey.py). Only speed may depend on which: every key
chained must give the same verdicts, proofs, responsible parties and joint conflict on
the hand-worked cases, the examples and the Idlib library, and one long cluster asked
as a single cluster the same as chained."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import CheckOptions, check_file
from checker.judge import Options
from checker.resolve import TermsCache

from .test_lazy_rules import FILES, ROOT, _answers

LONG = ROOT / "tests" / "data" / "long-cluster.yaml"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_key_chained_gives_the_same_answers(path: Path) -> None:
    default = check_file(path, TermsCache(), CheckOptions())
    chained = check_file(path, TermsCache(), CheckOptions(judge=Options(chain_from=0)))
    assert _answers(chained) == _answers(default)


def test_a_long_cluster_gives_the_same_answers_unchained() -> None:
    chained = check_file(LONG, TermsCache(), CheckOptions())
    clustered = check_file(LONG, TermsCache(), CheckOptions(judge=Options(chain_from=10**6)))
    assert chained.verdict == "violation"  # (decided: neither run gave up)
    assert _answers(clustered) == _answers(chained)
