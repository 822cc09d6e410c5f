"""The `json` format (`checker-report/1`), deterministic apart from durations, and its schema."""

from __future__ import annotations

import json
import platform
from typing import Any

from checker import __version__
from checker.results import Because, Possible, RunResult, ScenarioResult
from checker.untrusted import clean

SCHEMA_ID = "checker-report/1"


def _because(b: Because) -> dict[str, Any]:
    return {"report": b.report, "file": b.file, "line": b.line, "source": b.source}


def _deciding(b: Because) -> dict[str, Any]:
    return {**_because(b), "detail": b.detail}


def _possible(x: Possible) -> dict[str, Any]:
    return {"party": x.party, **_because(x.report)}


def _span(span: Any) -> dict[str, Any] | None:
    return None if span is None else {"file": span.file, "line": span.line, "column": span.column}


def scenario_json(s: ScenarioResult) -> dict[str, Any]:
    return {
        "path": s.file,
        "id": s.id,
        "title": s.title,
        "terms": s.terms,
        "terms_file": s.terms_file,
        "as_of": s.as_of,
        "world": s.world,
        "interpretation": s.interpretation,
        "verdict": s.verdict,
        "passed": s.passed,
        "reason": s.reason,
        "expectation_mismatches": [
            {"what": m.what, "expected": m.expected, "actual": m.actual, "at": _span(m.span)}
            for m in s.mismatches
        ],
        "provisions": [
            {
                "id": p.id,
                "point": p.point,
                "form": p.form,
                "verdict": p.verdict,
                "responsible": list(p.responsible),
                "possibly_responsible": [_possible(x) for x in p.possibly_responsible],
                "binding": p.binding,
                "amended_by": list(p.amended_by),
                "interpreted_by": p.interpreted_by,
                "window": p.window,
                "because": [_because(b) for b in p.because],
                "deciding": [_deciding(b) for b in p.deciding],
                "note": p.note,
                "by_reading": {r: v for r, v in p.by_reading},
                "explanation": None
                if p.explanation is None
                else {
                    "facts": [
                        {
                            "event": f.event,
                            "attribute": f.attribute,
                            "keeping": f.keeping,
                            "breaching": f.breaching,
                        }
                        for f in p.explanation.facts
                    ],
                    "deciding": [_because(b) for b in p.explanation.deciding],
                },
            }
            for p in s.provisions
        ],
        "joint": None
        if s.joint is None
        else {
            "provisions": list(s.joint.provisions),
            "because": [_because(b) for b in s.joint.because],
        },
        "conflicts": [[_because(b) for b in c] for c in s.conflicts],
        "readings": [
            {
                "reports": list(r.reports),
                "dropped": list(r.dropped),
                "weight": r.weight,
                "verdict": r.verdict,
                "provisions": {pid: v for pid, v in r.provisions},
            }
            for r in s.readings
        ],
        "reading_verdicts": dict(s.reading_verdicts),
        "by_reading_only": {pid: dict(per) for pid, per in sorted(s.by_reading_only.items())},
        "duration": round(s.duration, 3),
    }


def render_json(run: RunResult, **_: Any) -> str:
    run = clean(run)
    doc = {
        "schema": SCHEMA_ID,
        "tool": {
            "name": "checker",
            "version": __version__,
            "z3": _z3_version(),
            "python": platform.python_version(),
        },
        "scenarios": [scenario_json(s) for s in run.scenarios],
        "errors": [
            {
                "file": e.file,
                "diagnostics": [
                    {
                        "file": d.span.file,
                        "line": d.span.line,
                        "column": d.span.column,
                        "code": d.code,
                        "severity": d.severity.value,
                        "message": d.message,
                        "hint": d.hint,
                    }
                    for d in e.diagnostics
                ],
            }
            for e in run.errors
        ],
        "summary": run.summary(),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _z3_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("z3-solver")
    except PackageNotFoundError:
        return "unknown"


_VERDICT = {
    "enum": [
        "complied",
        "violated",
        "open",
        "pending",
        "waived",
        "not-in-force",
        "unformalized",
        "unknown",
    ]
}
_BECAUSE = {
    "type": "object",
    "required": ["report", "file", "line"],
    "properties": {
        "report": {"type": "string"},
        "file": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "source": {"type": ["string", "null"]},
    },
    "additionalProperties": False,
}
_DECIDING = {
    **_BECAUSE,
    "required": ["report", "file", "line", "detail"],
    "properties": {**_BECAUSE["properties"], "detail": {"type": "string"}},  # type: ignore[dict-item]
}
_POSSIBLE = {
    **_BECAUSE,
    "required": ["party", "report", "file", "line"],
    "properties": {"party": {"type": "string"}, **_BECAUSE["properties"]},  # type: ignore[dict-item]
}


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the `json` format."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "agreement checker report",
        "type": "object",
        "required": ["schema", "tool", "scenarios", "summary"],
        "properties": {
            "schema": {"const": SCHEMA_ID},
            "tool": {"type": "object"},
            "scenarios": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["path", "id", "terms", "as_of", "verdict", "passed", "provisions"],
                    "properties": {
                        "path": {"type": "string"},
                        "id": {"type": "string"},
                        "verdict": {"enum": ["consistent", "violation", "incoherent", "unknown"]},
                        "passed": {"type": "boolean"},
                        "provisions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "verdict", "binding", "because"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "verdict": _VERDICT,
                                    "responsible": {"type": "array", "items": {"type": "string"}},
                                    "possibly_responsible": {"type": "array", "items": _POSSIBLE},
                                    "binding": {"type": "boolean"},
                                    "amended_by": {"type": "array", "items": {"type": "string"}},
                                    "because": {"type": "array", "items": _BECAUSE},
                                    "deciding": {"type": "array", "items": _DECIDING},
                                    "note": {"type": ["string", "null"]},
                                },
                            },
                        },
                        "conflicts": {
                            "type": "array",
                            "items": {"type": "array", "items": _BECAUSE},
                        },
                        "readings": {"type": "array"},
                        "duration": {"type": "number"},
                    },
                },
            },
            "errors": {"type": "array"},
            "summary": {
                "type": "object",
                "required": ["passed", "failed"],
                "properties": {
                    k: {"type": "integer"}
                    for k in ("scenarios", "passed", "failed", "unknown", "errors")
                },
            },
        },
    }
