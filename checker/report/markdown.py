"""The `markdown` format: a summary table for CI job pages (GitHub's job summary and the like).

A heading with the summary line, then one row per scenario:
`| scenario | verdict | result | violated provisions |`, a totals line, the
unmet expectations of failed scenarios, and the files that could not be judged.
"""

from __future__ import annotations

from typing import Any

from checker.report.text import summary_line, why_unknown
from checker.results import ProvisionResult, RunResult, ScenarioResult
from checker.untrusted import clean

HEADER = "| scenario | verdict | result | violated provisions |"
RULE = "|---|---|---|---|"


def cell(text: str) -> str:
    """Text safe inside a table cell: one line; pipes, backslashes, brackets (no link or image
    can be made of input) and HTML escaped."""
    text = " ".join(text.split())
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Inline code for a name; a name with a backtick or a pipe falls back to escaped text."""
    return f"`{text}`" if not any(c in text for c in "`|\n") else cell(text)


def result_of(s: ScenarioResult) -> str:
    if s.verdict == "unknown":
        return "❔ unknown"
    return "✅ pass" if s.passed else "❌ fail"


def violated_cell(s: ScenarioResult) -> str:
    names = []
    for p in s.provisions:
        if p.verdict != "violated":
            continue
        names.append(code(p.id) + _parties(p) + ("" if p.binding else " (goal)"))
    if s.verdict == "incoherent" and names:
        return "under the most trusted readings: " + ", ".join(names)
    if not names and s.joint is not None:
        return "jointly: " + ", ".join(code(pid) for pid in s.joint.provisions)
    return ", ".join(names) or "—"


def _parties(p: ProvisionResult) -> str:
    """` (responsible: AZ; possibly: AM, RU)`: who is responsible, certainly or possibly."""
    parts = []
    if p.responsible:
        parts.append("responsible: " + ", ".join(p.responsible))
    if p.possibly_responsible:
        parts.append("possibly: " + ", ".join(x.party for x in p.possibly_responsible))
    return f" ({cell('; '.join(parts))})" if parts else ""


def _row(s: ScenarioResult) -> str:
    scenario = f"{code(s.id)}<br>{cell(s.file)}"
    return f"| {scenario} | {cell(s.verdict)} | {result_of(s)} | {violated_cell(s)} |"


def totals_line(run: RunResult) -> str:
    n = len(run.scenarios)
    return f"**Total: {n} scenario{'s' if n != 1 else ''}: {summary_line(run)}**"


def render_markdown(run: RunResult, *, verbose: bool = False, quiet: bool = False, **_: Any) -> str:
    """`quiet` keeps only the rows of scenarios that did not pass."""
    run = clean(run)
    lines = [f"## checker: {summary_line(run)}", ""]
    rows = [s for s in run.scenarios if not (quiet and s.passed and s.verdict != "unknown")]
    if rows:
        lines += [HEADER, RULE, *(_row(s) for s in rows), ""]
    lines += [totals_line(run), ""]
    failed = [s for s in run.scenarios if not s.passed or s.verdict == "unknown"]
    if failed:
        lines += ["### Not passed", ""]
        for s in failed:
            if s.verdict == "unknown":
                why = [why_unknown(s)]
            elif s.mismatches:
                why = [
                    f"expected {'verdict' if m.what == 'verdict' else code(m.what)} "
                    f"{m.expected}, got {m.actual}"
                    for m in s.mismatches
                ]
            else:
                why = [f"verdict {s.verdict}, no expect"]
            lines.append(f"- {code(s.id)} ({cell(s.file)}): " + "; ".join(cell(w) for w in why))
        lines.append("")
    if run.errors:
        lines += ["### Files that could not be judged", ""]
        for e in run.errors:
            for d in e.diagnostics:
                lines.append(f"- {cell(str(d.span))}: {cell(d.message)} [{d.code}]")
        lines.append("")
    return "\n".join(lines)
