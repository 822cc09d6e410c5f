"""The `text` format: a verdict line per scenario, its provisions, then a summary line."""

from __future__ import annotations

from checker.results import Because, RunResult, ScenarioResult

SHOWN = {"violated", "open", "pending", "complied"}


def _where(b: Because) -> str:
    src = f" ({b.source})" if b.source else ""
    return f"{b.file}:{b.line} `{b.report}`{src}"


def render_scenario(s: ScenarioResult, *, verbose: bool = False, quiet: bool = False) -> list[str]:
    status = "PASS" if s.passed else ("UNKNOWN" if s.verdict == "unknown" else "FAIL")
    if quiet and s.passed:
        return []
    extra = f", reading `{s.interpretation}`" if s.interpretation else ""
    lines = [f"{s.file}: {s.id}: {s.verdict} (as of {s.as_of}, {s.world} world{extra}) {status}"]
    if s.reason:
        lines.append(f"  solver gave up: {s.reason}")
    for m in s.mismatches:
        at = f" ({m.span.file}:{m.span.line})" if m.span else ""
        what = "scenario verdict" if m.what == "verdict" else f"provision {m.what}"
        lines.append(f"  expected {what} {m.expected}, got {m.actual}{at}")
    if quiet:
        return lines
    width = max((len(p.id) for p in s.provisions), default=0)
    for p in s.provisions:
        if p.verdict == "unformalized" and not verbose:
            continue
        notes = []
        if p.responsible:
            notes.append("responsible: " + ", ".join(p.responsible))
        if p.amended_by:
            notes.append("amended by " + ", ".join(p.amended_by))
        if p.interpreted_by:
            notes.append(f"read as {p.interpreted_by}")
        if not p.binding:
            notes.append("goal, not binding")
        tail = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {p.id.ljust(width)}  {p.verdict}{tail}")
        if p.verdict == "violated":
            for b in p.because:
                lines.append(f"      because {_where(b)}")
            if p.note and not p.because:
                lines.append(f"      {p.note}")
    if s.joint is not None:
        lines.append("  no world keeps these provisions together: " + ", ".join(s.joint.provisions))
        for b in s.joint.because:
            lines.append(f"      given {_where(b)}")
    for i, conflict in enumerate(s.conflicts, 1):
        lines.append(f"  conflict {i}: these reports cannot all be true:")
        for b in conflict:
            lines.append(f"      {_where(b)}")
    for i, r in enumerate(s.readings, 1):
        dropped = ", ".join(f"`{d}`" for d in r.dropped) or "nothing"
        changed = [f"{pid} {v}" for pid, v in r.provisions if v not in ("unformalized",)]
        lines.append(f"  reading {i} (disbelieving {dropped}): {r.verdict}")
        if verbose:
            lines.append("      " + "; ".join(changed))
    return lines


def summary_line(run: RunResult) -> str:
    parts = [f"{run.passed} passed", f"{run.failed} failed"]
    if run.unknown:
        parts.append(f"{run.unknown} unknown")
    if run.errors:
        parts.append(f"{len(run.errors)} errors")
    return ", ".join(parts)


def render_text(run: RunResult, *, verbose: bool = False, quiet: bool = False) -> str:
    lines: list[str] = []
    for s in run.scenarios:
        lines.extend(render_scenario(s, verbose=verbose, quiet=quiet))
    lines.append(summary_line(run))
    return "\n".join(lines) + "\n"
