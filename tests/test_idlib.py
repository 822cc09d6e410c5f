"""The second shipped agreement: the Idlib memorandum of 2018 with the Moscow protocol of
2020 as its amendment (`terms/idlib-2018.yaml`, `scenarios/idlib/`, docs/idlib.md).

The library is also checked by every test that walks `scenarios/` (the shipped library
passes, determinism, the cvc5 cross-check, the partition check); these tests pin what is
particular to it: the terms lint clean, the protocol is an amendment whose provisions are
not in force before 5 March 2020, and the library can be judged at a date before it.
"""

from __future__ import annotations

from pathlib import Path

from checker.api import check_paths, lint_paths, load_terms_in_force
from checker.diagnostics import Severity
from checker.onefile import CheckOptions
from checker.resolve.scenario import Overrides

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "terms" / "idlib-2018.yaml"
LIBRARY = ROOT / "scenarios" / "idlib"
PROTOCOL = ["P1", "P2", "P2.parameters", "P3", "P3.route", "P3.continue"]
BEFORE_PROTOCOL = "2020-03-04"


def test_terms_lint_clean() -> None:
    problems = [d for d in lint_paths([TERMS, LIBRARY]) if d.severity is Severity.ERROR]
    assert problems == [], [d.render() for d in problems]


def test_protocol_is_an_amendment_of_5_march_2020() -> None:
    terms, diags = load_terms_in_force(TERMS)
    assert terms is not None, [d.render() for d in diags]
    assert terms.id == "idlib-2018" and set(terms.parties) == {"RU", "TR"}
    assert [a.id for a in terms.amendments] == ["moscow-protocol"]
    ids = {p.id for p in terms.provisions}
    assert set(PROTOCOL) <= ids
    assert {str(i) for i in range(1, 11)} <= {p.point for p in terms.provisions}
    early, diags = load_terms_in_force(TERMS, BEFORE_PROTOCOL)
    assert early is not None, [d.render() for d in diags]
    assert not set(PROTOCOL) & {p.id for p in early.provisions}


def test_library_passes() -> None:
    run = check_paths([LIBRARY])
    assert not run.errors, [d.render() for e in run.errors for d in e.diagnostics]
    assert len(run.scenarios) >= 12
    failed = [
        (s.id, [(m.what, m.expected, m.actual) for m in s.mismatches])
        for s in run.scenarios
        if not s.passed
    ]
    assert failed == []


def test_library_judged_before_the_protocol() -> None:
    """At an as_of before 5 March 2020 every scenario is judged without an input error and
    the protocol's provisions are `not-in-force`; the scenarios dated before the protocol
    pass unchanged. (Those dated after it expect what later reports show, which is not
    yet known on the earlier date.)"""
    opts = CheckOptions(overrides=Overrides(as_of=BEFORE_PROTOCOL))
    run = check_paths([LIBRARY], opts)
    assert not run.errors, [d.render() for e in run.errors for d in e.diagnostics]
    own = {s.id: s.as_of for s in check_paths([LIBRARY]).scenarios}
    early = [s for s in run.scenarios if own[s.id] <= BEFORE_PROTOCOL]
    assert len(early) >= 8
    for s in run.scenarios:
        verdicts = {p.id: p.verdict for p in s.provisions}
        assert all(verdicts[i] == "not-in-force" for i in PROTOCOL), (s.id, verdicts)
    failed = [
        (s.id, [(m.what, m.expected, m.actual) for m in s.mismatches])
        for s in early
        if not s.passed
    ]
    assert failed == []
