"""Golden outputs: a small fixed library rendered in every format, compared with
tests/golden/<format>.txt. `pytest --update-golden` rewrites them; review the diff.

The library (tests/golden/library/, against tests/cases/mini-terms.yaml): a
passing scenario with a missed goal (a notice), a violated provision with its
proof and no `expect`, a failed expectation, an incoherent scenario that expects
to be, a file that cannot be judged, and a passing scenario that expects its
violation (a notice). It is checked from the repository root, so paths read
`tests/golden/library/...`. Besides each format with its defaults, `text -v` is
kept too (`text-verbose.txt`). Durations, times and tool versions are normalised
away.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.api import check_paths
from checker.report import FORMATS
from checker.results import RunResult

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
LIBRARY = "tests/golden/library"
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / ".." / "shared" / "schemas"
SARIF_SCHEMA_FILE = SARIF_SCHEMA / "sarif-schema-2.1.0.json"

GOLDEN_FORMATS = ("text", "compact", "json", "junit", "sarif", "github", "markdown")
# golden name: (format, its options)
GOLDENS: dict[str, tuple[str, dict[str, bool]]] = {
    **{fmt: (fmt, {}) for fmt in GOLDEN_FORMATS},
    "text-verbose": ("text", {"verbose": True}),
}


@pytest.fixture(scope="module")
def run() -> Iterator[RunResult]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        mp.delenv("GITHUB_STEP_SUMMARY", raising=False)  # never write to a real job summary
        yield check_paths([LIBRARY])


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _json(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def normalise(fmt: str, out: str) -> str:
    """Take out what changes from run to run or release to release."""
    if fmt == "junit":
        return re.sub(r'\btime="[0-9.]+"', 'time="*"', out)
    if fmt == "sarif":
        doc = json.loads(out)
        for r in doc["runs"]:
            driver = r["tool"]["driver"]
            driver["version"] = "*"
            if "semanticVersion" in driver:
                driver["semanticVersion"] = "*"
        return _json(doc)
    if fmt == "json":
        doc = json.loads(out)
        doc["tool"] = {k: ("*" if k != "name" else v) for k, v in doc["tool"].items()}
        for s in doc["scenarios"]:
            s["duration"] = 0
        return _json(doc)
    return out


def test_library_is_as_described(run: RunResult) -> None:
    verdicts = {s.id: (s.verdict, s.passed) for s in run.scenarios}
    assert verdicts == {
        "golden-pass": ("consistent", True),
        "golden-violation": ("violation", False),
        "golden-expect-fail": ("consistent", False),
        "golden-incoherent": ("incoherent", True),
        "golden-expected-violation": ("violation", True),
    }
    assert [e.file for e in run.errors] == [f"{LIBRARY}/5-input-error.yaml"]
    proofs = {
        p.id: [b.report for b in p.because]
        for s in run.scenarios
        for p in s.provisions
        if s.id == "golden-violation" and p.verdict == "violated"
    }
    assert proofs == {"ceasefire": ["shelling"]}


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden(name: str, run: RunResult, request: pytest.FixtureRequest) -> None:
    fmt, options = GOLDENS[name]
    out = normalise(fmt, FORMATS[fmt](run, **options))
    path = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-golden"):
        path.write_text(out, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path.name} is missing: run `pytest --update-golden` and review it"
    expected = path.read_text(encoding="utf-8")
    assert out == expected, (
        f"{name} output changed: run `pytest --update-golden` and review the diff"
    )


def test_golden_sarif_validates(run: RunResult) -> None:
    if not SARIF_SCHEMA_FILE.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA_FILE}")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA_FILE.read_text(encoding="utf-8"))
    doc = json.loads(FORMATS["sarif"](run))
    cls = jsonschema.validators.validator_for(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(doc)
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {
        "monitors-after-centre",
        "ceasefire",
        "expectation",
        "R201",
    }
    rules = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    for r in results:
        assert rules[r["ruleIndex"]] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_golden_junit_parses(run: RunResult) -> None:
    root = ET.fromstring(FORMATS["junit"](run))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["checker"]
    cases = suites[0].findall("testcase")
    names = [c.get("name") for c in cases]
    assert names[: len(run.scenarios)] == [s.id for s in run.scenarios]
    assert len(cases) == len(run.scenarios) + len(run.errors)
    assert suites[0].get("tests") == str(len(cases))
    assert suites[0].get("failures") == str(len(suites[0].findall("testcase/failure")))
    assert suites[0].get("errors") == str(len(suites[0].findall("testcase/error")))


@pytest.mark.parametrize("which", ["terms", "scenario", "map"])
def test_golden_json_schema(which: str, request: pytest.FixtureRequest) -> None:
    """`checker schema terms|scenario|map` prints the JSON Schema pydantic makes of the
    models, byte for byte (editors and validators read it)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "checker", "schema", which],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    path = GOLDEN / "schema" / f"{which}.json"
    if request.config.getoption("--update-golden"):
        path.write_text(proc.stdout, encoding="utf-8", newline="\n")
        return
    assert proc.stdout == path.read_text(encoding="utf-8"), (
        f"the {which} schema changed: run `pytest --update-golden` and review the diff"
    )
