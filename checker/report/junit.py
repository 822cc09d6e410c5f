"""The `junit` format: JUnit XML for CI test tabs — one test case per scenario.

`<testsuites>` holds one `<testsuite name="checker">`; each scenario is a
`<testcase name=ID classname=PATH.DOTTED file=PATH>`: a failing one carries a
`<failure>` (its expectation mismatches, or "verdict X, no expect"), one the
solver gave up on (or whose worker died) an `<error>`; each file that could not be judged is a test
case with an `<error>`. The scenario's text report is its `<system-out>`.
Times are seconds rounded to the millisecond; nothing else varies.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePath
from typing import Any

from checker.report.text import render_scenario, why_unknown
from checker.results import FileError, RunResult, ScenarioResult
from checker.untrusted import clean

SUITE = "checker"

# characters XML 1.0 cannot hold at all, even escaped (YAML's "\x01" can make them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _clean(root: ET.Element) -> None:
    for el in root.iter():
        for k, v in el.attrib.items():
            el.set(k, xml_safe(v))
        if el.text:
            el.text = xml_safe(el.text)


def classname(path: str) -> str:
    """`tests/cases/basic.yaml` → `tests.cases.basic` (how JUnit viewers group test cases)."""
    p = PurePath(path.replace("\\", "/"))
    parts = [x for x in p.with_suffix("").parts if x not in ("/", ".", "..")]
    return ".".join(parts) or path


def _seconds(duration: float) -> str:
    return f"{round(duration, 3):.3f}"


def failure_message(s: ScenarioResult) -> str:
    if s.mismatches:
        return "; ".join(
            f"expected {'verdict' if m.what == 'verdict' else m.what} {m.expected}, got {m.actual}"
            for m in s.mismatches
        )
    return f"verdict {s.verdict}, no expect"


def _scenario_case(s: ScenarioResult, verbose: bool, quiet: bool) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "name": s.id,
            "classname": classname(s.file),
            "file": s.file,
            "time": _seconds(s.duration),
        },
    )
    if s.span is not None:
        case.set("line", str(s.span.line))
    report = "\n".join(render_scenario(s, verbose=verbose)) + "\n"
    if s.verdict == "unknown":
        err = ET.SubElement(case, "error", {"message": why_unknown(s)})
        err.set("type", "unknown")
        err.text = report
    elif not s.passed:
        fail = ET.SubElement(case, "failure", {"message": failure_message(s), "type": s.verdict})
        fail.text = report
    elif not quiet:
        ET.SubElement(case, "system-out").text = report
    return case


def _error_case(e: FileError) -> ET.Element:
    case = ET.Element(
        "testcase",
        {"name": e.file, "classname": classname(e.file), "file": e.file, "time": "0.000"},
    )
    first = e.diagnostics[0] if e.diagnostics else None
    err = ET.SubElement(
        case,
        "error",
        {
            "message": first.message if first else "the file could not be judged",
            "type": first.code if first else "input",
        },
    )
    err.text = "".join(d.render() + "\n" for d in e.diagnostics)
    return case


def render_junit(run: RunResult, *, verbose: bool = False, quiet: bool = False, **_: Any) -> str:
    run = clean(run)
    total = sum(s.duration for s in run.scenarios)
    counts = {
        "tests": str(len(run.scenarios) + len(run.errors)),
        "failures": str(run.failed),
        "errors": str(run.unknown + len(run.errors)),
        "skipped": "0",
        "time": _seconds(total),
    }
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    for s in run.scenarios:
        suite.append(_scenario_case(s, verbose, quiet))
    for e in run.errors:
        suite.append(_error_case(e))
    _clean(root)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
