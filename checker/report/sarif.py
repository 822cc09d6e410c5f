"""The `sarif` format: SARIF 2.1.0 for code-scanning tabs.

One run of the tool `checker`. Results (`results: []` when there is nothing):

- one per violated provision, rule id = the provision id, located at the first
  report that proves it, the provision and the other proving reports as related
  locations;
- one per failed expectation (rule `expectation`), at its place in `expect`;
  a scenario without `expect` whose verdict is not `consistent` is one too;
- a violation no single provision shows (rule `joint-violation`), a scenario
  the solver gave up on (rule `unknown`);
- one per input error, rule id = the diagnostic code.

Levels follow the findings' (see `compact`): what fails the run is `kind: "fail"` with
`level: "error"` (`"warning"` for `unknown` under `--exit-zero`). What a scenario's
`expect` asked for is `kind: "pass"`, a missed goal (`binding: false`) `kind:
"informational"`, both with `level: "none"`, as SARIF 2.1.0 requires of every kind but
`fail` (§3.27.10). So a library that passes has no result of level `error`.

`rules` lists every rule a result uses, provisions first as they appear.
URIs are the paths as shown to the user (relative to the working directory
when below it), `region.startLine` is always set.
"""

from __future__ import annotations

import json
from pathlib import PurePath, PurePosixPath
from typing import Any
from urllib.parse import quote

from checker import __version__, codes
from checker.report.compact import CONFLICT, NOTICE, VIOLATED, Finding, Related, findings
from checker.results import ProvisionResult, RunResult
from checker.untrusted import shown

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/agreement-checker/"
_TEXT_LIMIT = 120

_BUILTIN_RULES = {
    "expectation": (
        "a scenario's `expect` is not met",
        "A scenario passes when every stated expectation holds; without `expect` "
        "it passes only when its verdict is consistent (docs/reference.md, section Expectations).",
    ),
    "joint-violation": (
        "provisions that cannot all be kept together",
        "No compatible world keeps every binding provision at once, "
        "though no single provision is violated.",
    ),
    "unknown": (
        "the scenario could not be judged",
        "The solver reached its time or resource limit on this scenario, "
        "or the process judging it died.",
    ),
}


def artifact_uri(path: str) -> str:
    """A path as a URI reference: relative paths stay relative, absolute become `file:`.
    Every byte of the name that is not plain ASCII is percent-encoded, a byte that is not
    UTF-8 too (from the name on disk), so the URI is ASCII and names the file exactly."""
    posix = path.replace("\\", "/")
    raw = posix.encode("utf-8", errors="surrogateescape")
    if PurePosixPath(posix).is_absolute() or PurePath(path).is_absolute():
        return "file://" + quote(raw if raw.startswith(b"/") else b"/" + raw, safe="/:")
    return quote(raw, safe="/")


def truncate(text: str, limit: int = _TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _region(
    line: int, column: int, end_line: int | None = None, end_column: int | None = None
) -> dict[str, int]:
    region: dict[str, int] = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if end_line is not None and end_line >= region["startLine"]:
        region["endLine"] = end_line
        if end_column is not None and end_column >= 1:
            if end_line > region["startLine"] or end_column >= region["startColumn"]:
                region["endColumn"] = end_column
    return region


def _location(file: str, line: int, column: int, **extra: Any) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(file)},
            "region": _region(line, column, extra.get("end_line"), extra.get("end_column")),
        }
    }


def _related(i: int, r: Related) -> dict[str, Any]:
    loc = _location(r.file, r.line, r.column, end_line=r.end_line, end_column=r.end_column)
    loc["id"] = i
    loc["message"] = {"text": r.message}
    return loc


def _provision_rule(p: ProvisionResult, terms: str) -> dict[str, Any]:
    props: dict[str, Any] = {"form": p.form, "point": p.point, "binding": p.binding, "terms": terms}
    if p.window:
        props["window"] = p.window
    return {
        "id": p.id,
        "name": p.id,
        "shortDescription": {"text": truncate(p.text) or p.id},
        "fullDescription": {"text": p.text or p.id},
        "defaultConfiguration": {"level": "error" if p.binding else "note"},
        "properties": props,
    }


def _other_rule(rule: str) -> dict[str, Any]:
    if rule in _BUILTIN_RULES:
        short, full = _BUILTIN_RULES[rule]
    elif rule in codes.REGISTRY:
        short, full = codes.REGISTRY[rule].summary, codes.REGISTRY[rule].template
    else:
        short, full = rule, rule
    return {
        "id": rule,
        "name": rule,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
    }


def kind_and_level(f: Finding) -> tuple[str, str]:
    """A finding's SARIF `kind` and `level`."""
    if f.level == NOTICE:
        return ("informational" if f.goal else "pass"), "none"
    return "fail", f.level


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    kind, level = kind_and_level(f)
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": {"text": f.full_text},
        "locations": [_location(f.file, f.line, f.column)],
    }
    if f.related:
        result["relatedLocations"] = [_related(i, r) for i, r in enumerate(f.related, 1)]
    props: dict[str, Any] = {"verdict": f.verdict}
    if f.scenario is not None:
        props["scenario"] = f.scenario.id
        props["terms"] = f.scenario.terms
        props["asOf"] = f.scenario.as_of
    if f.provision is not None and f.provision.responsible:
        props["responsible"] = list(f.provision.responsible)
    if f.provision is not None and f.provision.possibly_responsible:
        props["possiblyResponsible"] = [
            {"party": x.party, "report": x.report.report} for x in f.provision.possibly_responsible
        ]
    result["properties"] = props
    return result


def sarif_document(run: RunResult, *, exit_zero: bool = False) -> dict[str, Any]:
    chosen = [f for f in findings(run, exit_zero=exit_zero) if f.kind != CONFLICT]
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for f in chosen:
        if f.rule in index:
            continue
        if f.kind == VIOLATED and f.provision is not None and f.scenario is not None:
            rule = _provision_rule(f.provision, f.scenario.terms)
        else:
            rule = _other_rule(f.rule)
        index[f.rule] = len(rules)
        rules.append(rule)
    results = [_result(f, index[f.rule]) for f in chosen]
    document: dict[str, Any] = _escaped(
        {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "checker",
                            "version": __version__,
                            "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": rules,
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                    "properties": {"summary": run.summary()},
                }
            ],
        }
    )
    return document


def _escaped(doc: Any, key: str = "") -> Any:
    """Every text of the document with input escaped, but URIs (already percent-encoded)."""
    if isinstance(doc, str):
        return doc if key == "uri" else shown(doc)
    if isinstance(doc, dict):
        return {k: _escaped(v, k) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_escaped(v) for v in doc]
    return doc


def render_sarif(run: RunResult, *, exit_zero: bool = False, **_: Any) -> str:
    """The whole document whatever `quiet` says: code scanning wants every result
    (`verbose` and `quiet` change nothing)."""
    document = sarif_document(run, exit_zero=exit_zero)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
