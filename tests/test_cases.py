"""The data-driven corpus: every scenario under tests/cases must meet its `expect` block,
and every file under tests/cases/diagnostics must give exactly the diagnostics it lists.

A diagnostics case names what it expects in a comment line:
    # expect-diagnostics: S101@4:3 R201@9:12
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.api import CheckOptions, check_file, lint_paths
from checker.resolve import TermsCache
from checker.results import FileError

CASES = Path(__file__).parent / "cases"
_EXPECT = re.compile(r"^#[ \t]*expect-diagnostics:[ \t]*(.*)$", re.MULTILINE)


def _scenarios() -> list[Path]:
    return sorted(
        p
        for p in CASES.rglob("*.yaml")
        if "diagnostics" not in p.parts and re.search(r"^scenario\s*:", p.read_text(), re.MULTILINE)
    )


def _diagnostic_cases() -> list[Path]:
    return sorted((CASES / "diagnostics").rglob("*.yaml"))


@pytest.mark.parametrize("path", _scenarios(), ids=lambda p: str(p.relative_to(CASES)))
def test_scenario_meets_expectations(path: Path) -> None:
    outcome = check_file(path, TermsCache(), CheckOptions())
    assert not isinstance(outcome, FileError), [d.render() for d in outcome.diagnostics]
    assert outcome.has_expect, "every case states what it expects"
    problems = [f"{m.what}: expected {m.expected}, got {m.actual}" for m in outcome.mismatches]
    assert not problems, problems


@pytest.mark.parametrize("path", _diagnostic_cases(), ids=lambda p: p.name)
def test_diagnostics_at_positions(path: Path) -> None:
    found = _EXPECT.search(path.read_text())
    assert found, "a diagnostics case lists what it expects"
    expected = sorted(found.group(1).split())
    got = sorted(
        f"{d.code}@{d.span.line}:{d.span.column}"
        for d in lint_paths([path])
        if Path(d.span.file).name == path.name
    )
    assert got == expected
