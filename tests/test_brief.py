"""A brief run — a library whose outputs show a passing scenario as one line, or not at
all (`check -q DIR`, text without `-v`) — judges verdicts first and explains only the
scenarios that are shown in full. What it shows must be what a full run shows: the same
verdicts everywhere, and a scenario that did not pass byte for byte as a full run gives it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import checker.onefile
from checker.api import CheckOptions, check_paths
from checker.cli.check import Target, is_brief
from checker.report.json import scenario_json
from checker.results import ScenarioResult

ROOT = Path(__file__).resolve().parent.parent
H07 = ROOT / "scenarios/history/h07-hadrut-clashes-2020-12.yaml"


def _shown(s: ScenarioResult) -> dict[str, object]:
    doc = scenario_json(s)
    doc.pop("duration")
    doc.pop("solver_calls", None)  # the brief run asks fewer questions: not shown in text
    return doc


def _library(tmp_path: Path) -> Path:
    """Two scenarios: the shipped h07, which passes, and a copy whose expectation of
    provision 1 is wrong, so it fails."""
    lib = tmp_path / "lib"
    lib.mkdir()
    terms = ROOT / "terms/nk-ceasefire-2020.yaml"
    text = H07.read_text(encoding="utf-8").replace("../../terms/nk-ceasefire-2020.yaml", str(terms))
    (lib / "a-passes.yaml").write_text(text, encoding="utf-8")
    assert '    "1": violated\n' in text
    (lib / "b-fails.yaml").write_text(
        text.replace('    "1": violated\n', '    "1": complied\n'), encoding="utf-8"
    )
    return lib


def test_a_failing_scenario_is_shown_as_a_full_run_shows_it(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    full = check_paths([lib], CheckOptions())
    brief = check_paths([lib], CheckOptions(brief=True))
    assert [s.passed for s in brief.scenarios] == [True, False]
    assert _shown(brief.scenarios[1]) == _shown(full.scenarios[1])
    named = {p.id: p.because for p in brief.scenarios[1].provisions}
    assert named["1"], "the failing scenario names the reports that decide provision 1"


def test_a_passing_scenario_of_a_brief_run_has_its_verdicts_and_names_nothing(
    tmp_path: Path,
) -> None:
    lib = _library(tmp_path)
    full = check_paths([lib], CheckOptions()).scenarios[0]
    brief = check_paths([lib], CheckOptions(brief=True)).scenarios[0]
    assert brief.passed and brief.verdict == full.verdict == "violation"
    assert [(p.id, p.verdict) for p in brief.provisions] == [
        (p.id, p.verdict) for p in full.provisions
    ]
    # the point of it: no question asked to name reports nobody will see
    assert not any(p.because or p.deciding or p.possibly_responsible for p in brief.provisions)
    assert any(p.because for p in full.provisions)
    assert brief.checks < full.checks


def test_one_scenario_is_always_judged_in_full() -> None:
    run = check_paths([H07], CheckOptions(brief=True))
    assert any(p.because for p in run.scenarios[0].provisions)


def test_when_explaining_gives_up_the_verdicts_stand_and_say_why_nothing_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time limit is shared by both judgements: if it runs out while the failing
    scenario is judged again to be explained, its verdicts (already known) are shown,
    and each provision that would name reports says why it names none."""
    lib = _library(tmp_path)
    real = checker.onefile.judge

    def judge_then_give_up(scenario, opts, deadline):  # type: ignore[no-untyped-def]
        result = real(scenario, opts, deadline)
        if opts.explanations:  # the second judgement, to explain
            result.verdict = "unknown"
            result.reason = "time limit reached (--timeout 5)"
        return result

    monkeypatch.setattr(checker.onefile, "judge", judge_then_give_up)
    failing = check_paths([lib], CheckOptions(brief=True)).scenarios[1]
    assert failing.verdict == "violation" and not failing.passed
    assert [m.what for m in failing.mismatches] == ["1"]  # compared once, not twice
    p1 = next(p for p in failing.provisions if p.id == "1")
    assert p1.note == "not explained: time limit reached (--timeout 5) while explaining"


def test_the_shipped_library_gives_the_same_verdicts_brief_and_in_full() -> None:
    """Verdicts never depend on whether they are explained (SPEC §4.4: passing depends on
    verdicts alone), over every shipped scenario."""
    paths = [ROOT / "scenarios"]
    full = check_paths(paths, CheckOptions())
    brief = check_paths(paths, CheckOptions(brief=True))
    assert len(full.scenarios) == len(brief.scenarios) > 100
    for f, b in zip(full.scenarios, brief.scenarios, strict=True):
        assert (b.file, b.verdict, b.passed) == (f.file, f.verdict, f.passed)
        assert [(p.id, p.verdict) for p in b.provisions] == [
            (p.id, p.verdict) for p in f.provisions
        ], b.file


@pytest.mark.parametrize(
    ("outputs", "verbose", "quiet", "brief"),
    [
        (["text"], False, True, True),
        (["text"], False, False, True),  # a passing scenario of a library is one line
        (["text"], True, False, False),
        (["json"], False, True, False),
        (["sarif"], False, True, False),
        (["github"], False, True, True),  # -q leaves out the notices of expected verdicts
        (["github"], False, False, False),
        (["compact"], False, False, False),
        (["junit"], False, True, True),
        (["junit"], False, False, False),  # system-out holds each passing scenario
        (["markdown"], False, True, True),
        (["markdown"], False, False, False),
        (["text", "json"], False, True, False),
    ],
)
def test_a_run_is_brief_only_when_no_output_shows_a_passing_scenario(
    outputs: list[str], verbose: bool, quiet: bool, brief: bool
) -> None:
    reports = [Target(f, None) for f in outputs]
    assert is_brief(reports, verbose=verbose, quiet=quiet) is brief


@pytest.mark.parametrize("flags", [["--html", "r.html"], ["--dump-smt2", "smt"], ["--explain"]])
def test_the_html_report_dumps_and_explain_are_never_brief(
    tmp_path: Path, flags: list[str]
) -> None:
    """Seen from outside: with these, a passing scenario's reasons are there to be seen."""
    lib = _library(tmp_path)
    out = tmp_path / "out.json"
    cmd = [sys.executable, "-m", "checker", "check", str(lib), "-q", *flags]
    cmd += ["--format", "json", "--output", str(out)] if flags[0] != "--html" else []
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    if flags[0] == "--html":
        html = (tmp_path / "r.html").read_text(encoding="utf-8")
        assert "soldier-killed" in html or "because" in html
        return
    passing = json.loads(out.read_text(encoding="utf-8"))["scenarios"][0]
    assert passing["passed"] and any(p["because"] for p in passing["provisions"])
