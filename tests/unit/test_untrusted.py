"""Input text made safe to print: control characters, stray surrogates and runner commands
escaped; a file name never starts like a command; `clean` reaches every string of a result."""

from __future__ import annotations

import os

import pytest

from checker.diagnostics import Diagnostic, Severity, Span
from checker.results import Because, ProvisionResult, RunResult, ScenarioResult
from checker.untrusted import clean, safe_start, shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain — text, ünïcode", "plain — text, ünïcode"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x00\x1b[31m\x7f", "\\x00\\x1b[31m\\x7f"),
        ("\x85\u2028\u202e", "\\u0085\\u2028\\u202e"),
        (os.fsdecode(b"caf\xe9"), "caf\\xe9"),
        (
            "##[set-output name=a;]b ##vso[task.setvariable]",
            "#\\x23[set-output name=a;]b #\\x23vso[task.setvariable]",
        ),
        ("# heading ## two", "# heading ## two"),
    ],
)
def test_shown(text: str, expected: str) -> None:
    assert shown(text) == expected
    assert shown(expected) == expected  # escaping twice changes nothing more


def test_shown_can_keep_line_breaks() -> None:
    assert shown("a\nb\x1b", keep="\r\n") == "a\nb\\x1b"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scenarios/a.yaml", "scenarios/a.yaml"),
        ("/abs/a.yaml", "/abs/a.yaml"),
        ("::error::x.yaml", "./::error::x.yaml"),
        (" ::x.yaml", "./ ::x.yaml"),
        ("_x.yaml", "_x.yaml"),
        ("élan.yaml", "élan.yaml"),
    ],
)
def test_safe_start(name: str, expected: str) -> None:
    assert safe_start(name) == expected


def test_clean_reaches_every_string_and_keeps_the_rest() -> None:
    because = Because("r", "f.yaml", 3, 1, source="x\n::error::y")
    p = ProvisionResult("p", None, "require", "violated", True, "t\x1b", because=(because,))
    s = ScenarioResult("f.yaml", "s", "title\x00", "t", "t.yaml", "2020", "closed", None, "x")
    s.provisions = [p]
    s.reading_verdicts = {"a\n": "b\n"}
    d = Diagnostic("S101", "unknown key `a\nb`", Span("f\n.yaml", 2, 3), Severity.ERROR)
    run = RunResult(scenarios=[s])
    run.warnings = [d]
    out = clean(run)
    (t,) = out.scenarios
    assert t.title == "title\\x00" and t.reading_verdicts == {"a\\n": "b\\n"}
    assert t.provisions[0].text == "t\\x1b"
    assert t.provisions[0].because[0].source == "x\\n::error::y"
    assert out.warnings[0].message == "unknown key `a\\nb`"
    assert out.warnings[0].span == Span("f\\n.yaml", 2, 3)
    assert out.warnings[0].severity is Severity.ERROR
    assert s.title == "title\x00"  # the original is left as it was
