"""The CI formats (SPEC §6) on hand-made results: compact, junit, sarif, github, markdown."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from checker.diagnostics import Diagnostic, Span
from checker.report import FORMATS
from checker.report.compact import findings, render_compact
from checker.report.github import command, escape_data, escape_property, render_github
from checker.report.junit import classname, render_junit
from checker.report.markdown import HEADER, render_markdown
from checker.report.sarif import artifact_uri, render_sarif
from checker.results import (
    Because,
    FileError,
    JointConflict,
    Mismatch,
    ProvisionResult,
    RunResult,
    ScenarioResult,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas"
SCHEMA_FILE = SCHEMA_FILE / "sarif-schema-2.1.0.json"
TERMS = "terms/mini.yaml"


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


# ---- hand-made results ----------------------------------------------------------------


def prov(
    pid: str,
    verdict: str = "complied",
    *,
    because: tuple[Because, ...] = (),
    binding: bool = True,
    line: int = 10,
    **kw: Any,
) -> ProvisionResult:
    return ProvisionResult(
        id=pid,
        point=kw.pop("point", None),
        form=kw.pop("form", "forbid"),
        verdict=verdict,
        binding=binding,
        text=kw.pop("text", f"text of {pid}"),
        because=because,
        span=Span(TERMS, line, 5, line + 3, 3),
        **kw,
    )


def scenario(sid: str, verdict: str = "consistent", **kw: Any) -> ScenarioResult:
    file = kw.pop("file", f"scenarios/{sid}.yaml")
    return ScenarioResult(
        file=file,
        id=sid,
        title=None,
        terms="mini",
        terms_file=TERMS,
        as_of="2020-12-01",
        world="closed",
        interpretation=None,
        verdict=verdict,
        span=Span(file, 2, 1),
        duration=kw.pop("duration", 0.0123456),
        **kw,
    )


def shelling(file: str = "scenarios/bad.yaml", source: str | None = "wire") -> Because:
    return Because("shelling", file, 7, 5, source)


def clean_run() -> RunResult:
    return RunResult(scenarios=[scenario("ok", provisions=[prov("ceasefire"), prov("aghdam")])])


def full_run() -> RunResult:
    bad = scenario(
        "bad",
        "violation",
        provisions=[
            prov(
                "ceasefire",
                "violated",
                because=(shelling(), Because("s2", "scenarios/bad.yaml", 9, 5)),
            ),
            prov("releases", "violated", line=20, responsible=("AM",)),
            prov("goal", "violated", binding=False, line=30, because=(shelling(),)),
        ],
    )
    expect = scenario(
        "expect",
        "consistent",
        has_expect=True,
        provisions=[prov("kalbajar", "complied")],
        mismatches=[
            Mismatch("verdict", "violation", "consistent", Span("scenarios/expect.yaml", 2, 1)),
            Mismatch("kalbajar", "violated", "complied", Span("scenarios/expect.yaml", 11, 5)),
        ],
    )
    incoherent = scenario(
        "incoherent",
        "incoherent",
        has_expect=True,
        expected={"verdict": "incoherent"},
        provisions=[prov("aghdam", "violated")],
        conflicts=[
            (
                Because("a", "scenarios/incoherent.yaml", 7, 5),
                Because("b", "scenarios/incoherent.yaml", 8, 5),
            )
        ],
    )
    joint = scenario(
        "joint",
        "violation",
        provisions=[prov("x"), prov("y", line=40)],
        joint=JointConflict(("x", "y"), (Because("r", "scenarios/joint.yaml", 6, 5),)),
    )
    unknown = scenario("slow", "unknown", reason="timeout after 10s")
    wanted = scenario(
        "wanted",
        "violation",
        has_expect=True,
        expected={"verdict": "violation", "ceasefire": "violated"},
        provisions=[prov("ceasefire", "violated", because=(shelling("scenarios/wanted.yaml"),))],
    )
    err = FileError(
        "scenarios/broken.yaml",
        [Diagnostic("R201", "unknown event kind `x`", Span("scenarios/broken.yaml", 4, 9))],
    )
    return RunResult(scenarios=[bad, expect, incoherent, joint, unknown, wanted], errors=[err])


# ---- all formats ----------------------------------------------------------------------


def test_every_format_of_spec_is_registered() -> None:
    assert set(FORMATS) == {"text", "compact", "json", "junit", "sarif", "github", "markdown"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("flags", [{}, {"verbose": True}, {"quiet": True}])
def test_renderers_share_the_signature(fmt: str, flags: dict[str, bool]) -> None:
    for run in (RunResult(), clean_run(), full_run()):
        out = FORMATS[fmt](run, **flags)
        assert isinstance(out, str) and out.endswith("\n")


# ---- compact --------------------------------------------------------------------------


def test_compact_one_line_per_finding() -> None:
    lines = render_compact(full_run()).splitlines()
    assert lines == [
        "scenarios/bad.yaml:7:5: violated ceasefire bad: text of ceasefire "
        "(provision at terms/mini.yaml:10) [because `shelling` (wire), `s2`]",
        "scenarios/bad.yaml:1:1: violated releases bad: text of releases "
        "(provision at terms/mini.yaml:20) [responsible: AM]",
        "scenarios/bad.yaml:7:5: violated goal bad: goal, not binding: text of goal "
        "(provision at terms/mini.yaml:30) [because `shelling` (wire)]",
        "scenarios/bad.yaml:2:1: violation bad verdict violation, no expect "
        "(without one, only consistent passes)",
        "scenarios/expect.yaml:2:1: consistent expect expected scenario verdict violation, "
        "got consistent",
        "scenarios/expect.yaml:11:5: complied kalbajar expect: expected provision kalbajar "
        "violated, got complied",
        "scenarios/incoherent.yaml:7:5: incoherent incoherent as expected: conflict 1: "
        "these reports cannot all be true: `a`, `b`",
        "scenarios/joint.yaml:6:5: violation joint no world keeps these provisions together: "
        "x, y [given `r`]",
        "scenarios/joint.yaml:2:1: violation joint verdict violation, no expect "
        "(without one, only consistent passes)",
        "scenarios/slow.yaml:2:1: unknown slow solver gave up: timeout after 10s",
        "scenarios/wanted.yaml:7:5: violated ceasefire wanted: as expected: text of ceasefire "
        "(provision at terms/mini.yaml:10) [because `shelling` (wire)]",
        "2 passed, 3 failed, 1 unknown, 1 error",
    ]


def test_compact_clean_and_quiet() -> None:
    assert render_compact(clean_run()) == "1 passed, 0 failed\n"
    warned = RunResult(
        scenarios=[scenario("ok", provisions=[prov("goal", "violated", binding=False)])]
    )
    assert len(render_compact(warned).splitlines()) == 2
    assert render_compact(warned, quiet=True) == "1 passed, 0 failed\n"
    quiet = render_compact(full_run(), quiet=True)
    assert "as expected" not in quiet and "goal, not binding" not in quiet
    assert len(quiet.splitlines()) == len(render_compact(full_run()).splitlines()) - 3


def test_compact_lines_stay_one_line() -> None:
    p = prov("c", "violated", text="line one\nline two", because=(shelling(source="a\nb"),))
    out = render_compact(RunResult(scenarios=[scenario("s", "violation", provisions=[p])]))
    first = out.splitlines()[0]
    assert "line one line two" in first and "(a b)" in first
    assert re.match(r"^\S+:\d+:\d+: violated c ", first)


def _levels(run: RunResult, **options: bool) -> dict[tuple[str, str, str], str]:
    return {
        (f.scenario.id if f.scenario else "", f.kind, f.subject): f.level
        for f in findings(run, **options)
    }


def test_findings_levels() -> None:
    levels = _levels(full_run())
    # what fails the run: errors
    assert levels[("bad", "violated", "ceasefire")] == "error"  # no expect: the violation fails
    assert levels[("bad", "no-expect", "bad")] == "error"
    assert levels[("expect", "mismatch", "kalbajar")] == "error"
    assert levels[("joint", "joint", "joint")] == "error"
    assert levels[("slow", "unknown", "slow")] == "error"
    assert levels[("", "input-error", "R201")] == "error"
    # what the scenario expects, and missed goals: notices
    assert levels[("bad", "violated", "goal")] == "notice"
    assert levels[("wanted", "violated", "ceasefire")] == "notice"
    assert levels[("incoherent", "conflict", "incoherent")] == "notice"
    # an incoherent scenario's provision verdicts are the trusted readings': conflicts instead
    assert ("incoherent", "violated", "aghdam") not in levels
    # --exit-zero: an unknown verdict does not fail the run, so it warns
    assert _levels(full_run(), exit_zero=True)[("slow", "unknown", "slow")] == "warning"
    # -q: notices left out, nothing else
    quiet = _levels(full_run(), quiet=True)
    assert quiet == {k: v for k, v in levels.items() if v != "notice"}


def test_levels_follow_what_expect_asked_for() -> None:
    def failing(expected: dict[str, str], verdict: str = "violation", **kw: Any) -> RunResult:
        s = scenario(
            "s",
            verdict,
            has_expect=True,
            expected=expected,
            provisions=[prov("a", "violated"), prov("b", "violated", line=20)],
            mismatches=[Mismatch("c", "complied", "pending")],
            **kw,
        )
        return RunResult(scenarios=[s])

    # listed as violated: a notice even though the scenario fails on something else
    levels = _levels(failing({"verdict": "violation", "a": "violated", "c": "complied"}))
    assert levels[("s", "violated", "a")] == "notice"
    # unlisted, and the stated scenario verdict holds: accepted
    assert levels[("s", "violated", "b")] == "notice"
    # unlisted, and the scenario verdict stated is another: the violation is why it fails
    levels = _levels(failing({"verdict": "consistent", "a": "violated"}))
    assert levels[("s", "violated", "a")] == "notice"
    assert levels[("s", "violated", "b")] == "error"
    # listed with another verdict: an error, beside the mismatch
    assert _levels(failing({"a": "complied"}))[("s", "violated", "a")] == "error"
    # a joint violation or incoherent reports the scenario verdict stated is not: errors
    joint = JointConflict(("a", "b"), ())
    assert _levels(failing({"verdict": "consistent"}, joint=joint))[("s", "joint", "s")] == "error"
    assert _levels(failing({"verdict": "violation"}, joint=joint))[("s", "joint", "s")] == "notice"
    pair = (Because("x", "s.yaml", 3, 1), Because("y", "s.yaml", 4, 1))
    conflicting = failing({"verdict": "consistent"}, "incoherent", conflicts=[pair])
    assert _levels(conflicting)[("s", "conflict", "s")] == "error"


def test_notices_say_whether_expect_asked_for_them() -> None:
    def message(expected: dict[str, str], verdict: str = "violation", **kw: Any) -> list[str]:
        s = scenario("s", verdict, has_expect=True, expected=expected, **kw)
        return [f.message.split(": ")[0] for f in findings(RunResult(scenarios=[s]))]

    violated = [prov("a", "violated")]
    assert message({"a": "violated"}, provisions=violated) == ["as expected"]
    assert message({"verdict": "violation"}, provisions=violated) == ["within the expected verdict"]
    joint = JointConflict(("a", "b"), ())
    assert message({"verdict": "violation"}, joint=joint) == ["as expected"]
    assert message({}, joint=joint) == ["expect states no verdict"]


def test_unknown_scenario_is_one_finding() -> None:
    # its unmet expectations follow from the give-up: the unknown finding says it
    s = scenario(
        "slow",
        "unknown",
        reason="time limit reached (60 s)",
        has_expect=True,
        expected={"verdict": "consistent"},
        mismatches=[Mismatch("verdict", "consistent", "unknown")],
    )
    (only,) = findings(RunResult(scenarios=[s]), exit_zero=True)
    assert (only.kind, only.level) == ("unknown", "warning")


def passing_run() -> RunResult:
    """A library that passes, with everything that is only a notice in it."""
    run = full_run()
    keep = {"incoherent", "wanted"}
    goal = scenario("goal", provisions=[prov("g", "violated", binding=False)])
    return RunResult(scenarios=[s for s in run.scenarios if s.id in keep] + [goal])


def test_a_passing_library_has_no_error() -> None:
    run = passing_run()
    assert run.passed == len(run.scenarios) == 3 and not run.failed
    github = render_github(run)
    assert "::error" not in github and github.count("::notice") == 3
    assert not any(ln.startswith("::") for ln in render_github(run, quiet=True).splitlines())
    doc = json.loads(render_sarif(run))
    _validate(doc)
    results = doc["runs"][0]["results"]
    assert {(r["kind"], r["level"]) for r in results} == {
        ("pass", "none"),
        ("informational", "none"),
    }


# ---- junit ----------------------------------------------------------------------------


def test_junit_structure() -> None:
    run = full_run()
    root = ET.fromstring(render_junit(run))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "checker"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [s.id for s in run.scenarios] + [
        "scenarios/broken.yaml"
    ]
    assert [c.get("file") for c in cases][:2] == ["scenarios/bad.yaml", "scenarios/expect.yaml"]
    assert cases[0].get("classname") == "scenarios.bad"
    assert cases[0].get("time") == "0.012"
    assert suite.get("tests") == "7"
    assert suite.get("failures") == "3"
    assert suite.get("errors") == "2"  # the unknown scenario and the broken file
    assert suite.get("skipped") == "0"
    assert suite.get("time") == "0.074"
    by = {c.get("name"): c for c in cases}
    assert by["bad"].find("failure").get("message") == "verdict violation, no expect"  # type: ignore[union-attr]
    assert (
        by["expect"].find("failure").get("message")  # type: ignore[union-attr]
        == "expected verdict violation, got consistent; expected kalbajar violated, got complied"
    )
    assert by["incoherent"].find("failure") is None
    assert by["wanted"].find("failure") is None and by["wanted"].find("system-out") is not None
    assert by["slow"].find("error").get("message") == "solver gave up: timeout after 10s"  # type: ignore[union-attr]
    broken = by["scenarios/broken.yaml"].find("error")
    assert broken is not None and broken.get("type") == "R201"
    assert "scenarios/broken.yaml:4:9: unknown event kind `x` [R201]" in (broken.text or "")


def test_junit_clean_is_valid_and_deterministic() -> None:
    out = render_junit(clean_run())
    assert out == render_junit(clean_run())
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "0")


def test_junit_survives_characters_xml_cannot_hold() -> None:
    p = prov("c", "violated", because=(shelling(source='bell\x07 & <tag> "q"'),))
    run = RunResult(scenarios=[scenario("s\x01", "violation", provisions=[p])])
    root = ET.fromstring(render_junit(run))
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "s\\x01"
    assert 'bell\\x07 & <tag> "q"' in (case.find("failure").text or "")  # type: ignore[union-attr]


def test_junit_classname() -> None:
    assert classname("tests/cases/basic.yaml") == "tests.cases.basic"
    assert classname("/abs/x.yml") == "abs.x"
    assert classname("../up/x.yaml") == "up.x"


# ---- sarif ----------------------------------------------------------------------------


def _validate(doc: dict[str, Any]) -> None:
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SCHEMA_FILE}")
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(doc)


def test_sarif_clean_run_has_empty_results() -> None:
    doc = json.loads(render_sarif(clean_run()))
    _validate(doc)
    (run,) = doc["runs"]
    assert doc["version"] == "2.1.0"
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
    assert run["tool"]["driver"]["name"] == "checker"
    from checker import __version__

    assert run["tool"]["driver"]["version"] == __version__
    _validate(json.loads(render_sarif(RunResult())))


def test_sarif_results() -> None:
    doc = json.loads(render_sarif(full_run()))
    _validate(doc)
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == [
        "ceasefire",
        "releases",
        "goal",
        "expectation",
        "joint-violation",
        "unknown",
        "R201",
    ]
    results = run["results"]
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_rule.setdefault(r["ruleId"], []).append(r)
    cf = by_rule["ceasefire"][0]
    assert (cf["kind"], cf["level"]) == ("fail", "error")
    loc = cf["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "scenarios/bad.yaml"
    assert loc["region"] == {"startLine": 7, "startColumn": 5}
    related = cf["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == TERMS
    assert related[0]["physicalLocation"]["region"]["startLine"] == 10
    assert related[1]["message"]["text"] == "report `s2`"
    (rel,) = by_rule["releases"]  # no report needed: line 1 of the scenario file
    assert rel["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert rel["properties"]["responsible"] == ["AM"]
    assert (by_rule["goal"][0]["kind"], by_rule["goal"][0]["level"]) == ("informational", "none")
    wanted = [r for r in by_rule["ceasefire"] if r["properties"]["scenario"] == "wanted"]
    assert [(r["kind"], r["level"]) for r in wanted] == [("pass", "none")]
    # SARIF 2.1.0 §3.27.10: a kind other than `fail` has the level `none`
    assert all(r["level"] == "none" for r in results if r["kind"] != "fail")
    assert by_rule["unknown"][0]["level"] == "error"
    zero = json.loads(render_sarif(full_run(), exit_zero=True))["runs"][0]["results"]
    assert [r["level"] for r in zero if r["ruleId"] == "unknown"] == ["warning"]
    assert len(by_rule["expectation"]) == 4  # 2 mismatches + 2 failing without expect
    assert by_rule["R201"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    rule = rules[0]
    assert rule["shortDescription"]["text"] == "text of ceasefire"
    assert rule["properties"]["form"] == "forbid"
    assert all(r["ruleId"] != "aghdam" for r in results)  # incoherent: no provision results


def test_sarif_rule_text_is_truncated_and_point_kept() -> None:
    p = prov("long", "violated", text="word " * 100, point="9", because=(shelling(),))
    doc = json.loads(
        render_sarif(RunResult(scenarios=[scenario("s", "violation", provisions=[p])]))
    )
    _validate(doc)
    (rule,) = [r for r in doc["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "long"]
    assert len(rule["shortDescription"]["text"]) <= 120
    assert rule["shortDescription"]["text"].endswith("…")
    assert rule["properties"]["point"] == "9"


def test_sarif_start_line_always_set() -> None:
    m = Mismatch("verdict", "violation", "consistent", None)
    s = scenario("s", "consistent", has_expect=True, mismatches=[m])
    s.span = None
    doc = json.loads(render_sarif(RunResult(scenarios=[s])))
    _validate(doc)
    (r,) = doc["runs"][0]["results"]
    assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_artifact_uri() -> None:
    assert artifact_uri("scenarios/a b.yaml") == "scenarios/a%20b.yaml"
    assert artifact_uri("/tmp/x.yaml") == "file:///tmp/x.yaml"
    assert artifact_uri("dir\\x.yaml") == "dir/x.yaml"


# ---- github ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50%", "50%25", "50%25"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
        ("%0A", "%250A", "%250A"),  # an escape in the input is not an escape in the output
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_github_command() -> None:
    line = command("error", "50% of\nit", file="a,b:c.yaml", line=3, col=None, title="t: x")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,title=t%3A x::50%25 of%0Ait"
    assert command("warning", "m") == "::warning::m"


def test_github_annotations_then_text() -> None:
    out = render_github(full_run())
    lines = out.splitlines()
    annotations = [ln for ln in lines if ln.startswith("::")]
    assert len(annotations) == len(findings(full_run()))
    assert annotations[0] == (
        "::error file=scenarios/bad.yaml,line=7,col=5,title=bad%3A ceasefire violated::"
        "bad: text of ceasefire (provision at terms/mini.yaml:10) [because `shelling` (wire), `s2`]"
    )
    assert any(a.startswith("::notice file=scenarios/bad.yaml,line=7,") for a in annotations)
    assert any(a.startswith("::notice file=scenarios/wanted.yaml,line=7,") for a in annotations)
    assert any(a.startswith("::error file=scenarios/slow.yaml,") for a in annotations)
    assert any(
        a.startswith("::error file=scenarios/broken.yaml,line=4,col=9,") for a in annotations
    )
    assert out.endswith(FORMATS["text"](full_run()))
    zero = render_github(full_run(), exit_zero=True)
    assert any(a.startswith("::warning file=scenarios/slow.yaml,") for a in zero.splitlines())
    quiet = [ln for ln in render_github(full_run(), quiet=True).splitlines() if ln[:2] == "::"]
    assert len(quiet) == len(annotations) - 3 and not any("::notice" in a for a in quiet)


def test_github_escapes_a_newline_in_a_message() -> None:
    p = prov("c", "violated", text="one\ntwo", because=(shelling(source="50%"),))
    out = render_github(RunResult(scenarios=[scenario("s", "violation", provisions=[p])]))
    first = out.splitlines()[0]
    assert "one%0Atwo" in first and "(50%25)" in first


def test_github_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    render_github(full_run())
    text = target.read_text(encoding="utf-8")
    assert text == "earlier step\n" + render_markdown(full_run())


def test_github_without_step_summary_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    render_github(full_run())
    assert list(tmp_path.iterdir()) == []


def test_github_unwritable_step_summary_is_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory
    out = render_github(clean_run())
    assert out.endswith("1 passed, 0 failed\n")
    assert "cannot write the job summary" in capsys.readouterr().err


# ---- markdown -------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    assert row.startswith("| ") and row.endswith(" |")
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def test_markdown_table_shape() -> None:
    run = full_run()
    lines = render_markdown(run).splitlines()
    start = lines.index(HEADER)
    assert _cells(lines[start]) == ["scenario", "verdict", "result", "violated provisions"]
    assert lines[start + 1] == "|---|---|---|---|"
    rows = lines[start + 2 : start + 2 + len(run.scenarios)]
    assert all(len(_cells(r)) == 4 for r in rows)
    assert lines[start + 2 + len(run.scenarios)] == ""
    cells = {_cells(r)[0].split("<br>")[0]: _cells(r) for r in rows}
    assert cells["`bad`"][1:] == [
        "violation",
        "❌ fail",
        "`ceasefire`, `releases` (responsible: AM), `goal` (goal)",
    ]
    assert cells["`incoherent`"][2] == "✅ pass"
    assert cells["`joint`"][3] == "jointly: `x`, `y`"
    assert cells["`slow`"][2] == "❔ unknown"
    assert "## checker: 2 passed, 3 failed, 1 unknown, 1 error" == lines[0]
    assert "**Total: 6 scenarios: 2 passed, 3 failed, 1 unknown, 1 error**" in lines
    assert "- scenarios/broken.yaml:4:9: unknown event kind `x` [R201]" in lines


def test_markdown_escapes_cells_and_quiet_hides_passes() -> None:
    s = scenario("ok", file="dir/a|b.yaml")
    out = render_markdown(RunResult(scenarios=[s, scenario("bad", "violation")]))
    row = next(ln for ln in out.splitlines() if "`ok`" in ln)
    assert "a\\|b.yaml" in row and len(_cells(row)) == 4
    quiet = render_markdown(RunResult(scenarios=[s, scenario("bad", "violation")]), quiet=True)
    assert "`ok`" not in quiet and "`bad`" in quiet
    assert "**Total: 2 scenarios: 1 passed, 1 failed**" in quiet


def test_markdown_empty_run() -> None:
    out = render_markdown(RunResult())
    assert HEADER not in out
    assert "**Total: 0 scenarios: 0 passed, 0 failed**" in out
