"""The `text` format: what needs attention at the end, then a summary line.

One scenario is shown in full: its verdict line, every provision with its verdict, the
responsible parties and the reports that prove it, the provisions that are not
formalized in one line. Of several, a scenario that passed is its verdict line alone
(`verbose`: in full too, with every reading's verdicts), and the scenarios that failed or
could not be judged come after the passing ones, in full, then a line per file that
could not be judged; `quiet` leaves out the passing scenarios and shows the others by
their verdict line and unmet expectations.
"""

from __future__ import annotations

from checker.results import Because, FileError, OpenExplanation, RunResult, ScenarioResult
from checker.untrusted import clean

SHOWN = {"violated", "open", "pending", "complied", "waived", "unknown"}
# listed only in verbose output: never checked, or not part of the terms in force
QUIET = {"unformalized", "not-in-force"}


def _where(b: Because) -> str:
    src = f" ({b.source})" if b.source else ""
    return f"{b.file}:{b.line} `{b.report}`{src}"


_ANSI = {
    "violated": "31", "violation": "31", "FAIL": "31;1", "open": "33", "pending": "34",
    "complied": "32", "consistent": "32", "PASS": "32", "incoherent": "35", "unknown": "90",
    "UNKNOWN": "90", "unformalized": "90", "ERROR": "31;1", "waived": "36", "not-in-force": "90",
}  # fmt: skip


# reasons for `unknown` that are faults of the run (a worker that died), not the solver's limits
_RUN_FAULTS = ("worker ", "internal error")


def why_unknown(s: ScenarioResult) -> str:
    """Why a scenario is `unknown`: `solver gave up: ...`, or the fault of the run."""
    reason = s.reason or "no reason given"
    return reason if reason.startswith(_RUN_FAULTS) else f"solver gave up: {reason}"


def _paint(word: str, color: bool) -> str:
    code = _ANSI.get(word)
    return f"\x1b[{code}m{word}\x1b[0m" if color and code else word


def render_scenario(
    s: ScenarioResult, *, verbose: bool = False, quiet: bool = False, color: bool = False
) -> list[str]:
    status = "PASS" if s.passed else ("UNKNOWN" if s.verdict == "unknown" else "FAIL")
    if quiet and s.passed:
        return []
    extra = f", reading `{s.interpretation}`" if s.interpretation else ""
    lines = [
        f"{s.file}: {s.id}: {_paint(s.verdict, color)} (as of {s.as_of}, {s.world} world{extra})"
        f" {_paint(status, color)}"
    ]
    if s.reason:
        lines.append(f"  {why_unknown(s)}")
    for m in s.mismatches:
        at = f" ({m.span.file}:{m.span.line})" if m.span else ""
        what = "scenario verdict" if m.what == "verdict" else f"provision {m.what}"
        lines.append(f"  expected {what} {m.expected}, got {m.actual}{at}")
    if quiet:
        return lines
    width = max((len(p.id) for p in s.provisions), default=0)
    unformalized: list[str] = []
    dormant: list[str] = []
    for p in s.provisions:
        if p.verdict in QUIET and not verbose:
            (unformalized if p.verdict == "unformalized" else dormant).append(p.id)
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
        if p.by_reading:
            notes.append("differs: " + ", ".join(f"{v} under {r}" for r, v in p.by_reading))
        tail = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {p.id.ljust(width)}  {_paint(p.verdict, color)}{tail}")
        if p.explanation is not None:
            lines.append("      kept in one world and breached in another; what differs:")
            for f in p.explanation.facts:
                lines.append(
                    f"        {f.event}: {f.attribute} {f.keeping} (kept) vs {f.breaching} (breached)"
                )
            for b in p.explanation.deciding:
                lines.append(f"      decided by the uncertainty of {_where(b)}")
        if p.verdict == "violated":
            for b in p.because:
                lines.append(f"      because {_where(b)}")
            if p.note and not p.because:
                lines.append(f"      {p.note}")
        elif p.verdict == "waived":
            for b in p.because:
                lines.append(f"      its condition fails given {_where(b)}")
            if p.note and not p.because:
                lines.append(f"      {p.note}")
        elif p.verdict in ("unknown", "not-in-force") and p.note:
            lines.append(f"      {p.note}")
    if unformalized:
        lines.append("  not formalized (never checked): " + ", ".join(unformalized))
    if dormant:
        lines.append("  not in force (as of this day, under this reading): " + ", ".join(dormant))
    for pid, per in sorted(s.by_reading_only.items()):
        lines.append(
            f"  {pid}  only in some readings: " + ", ".join(f"{v} under {r}" for r, v in per)
        )
    if len(s.reading_verdicts) > 1:
        lines.append(
            "  by reading: " + ", ".join(f"{r} {v}" for r, v in s.reading_verdicts.items())
        )
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
        changed = [f"{pid} {v}" for pid, v in r.provisions if v not in QUIET]
        lines.append(f"  reading {i} (disbelieving {dropped}): {r.verdict}")
        if verbose:
            lines.append("      " + "; ".join(changed))
    return lines


def _facts(explanation: OpenExplanation, indent: str) -> list[str]:
    return [
        f"{indent}{f.event}: {f.attribute} {f.keeping} (kept) vs {f.breaching} (breached)"
        for f in explanation.facts
    ]


def summary_line(run: RunResult) -> str:
    parts = [f"{run.passed} passed", f"{run.failed} failed"]
    if run.unknown:
        parts.append(f"{run.unknown} unknown")
    if run.errors:
        parts.append(plural(len(run.errors), "error"))
    return ", ".join(parts)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def needs_attention(s: ScenarioResult) -> bool:
    """A scenario that failed or could not be judged (`unknown`)."""
    return not s.passed or s.verdict == "unknown"


def error_line(e: FileError) -> str:
    """A file that could not be judged, with its first problem (its full list is on stderr)."""
    errors = [d for d in e.diagnostics if d.severity.value == "error"] or e.diagnostics
    line = f"{e.file}: ERROR not judged"
    if not errors:
        return line
    first = errors[0]
    if first.span.file != e.file:
        where = f"{first.span}: "
    else:
        where = f"line {first.span.line}:{first.span.column}: " if first.span.line > 0 else ""
    more = f" (and {plural(len(errors) - 1, 'more error')})" if len(errors) > 1 else ""
    return f"{line}: {where}{first.message} [{first.code}]{more}"


def render_text(
    run: RunResult, *, verbose: bool = False, quiet: bool = False, color: bool = False, **_: object
) -> str:
    run = clean(run)
    brief = len(run.scenarios) > 1 and not verbose  # passing scenarios: their verdict line
    lines: list[str] = []
    for s in run.scenarios:
        if needs_attention(s) or quiet:
            continue
        shown = render_scenario(s, verbose=verbose, color=color)
        lines.extend(shown[:1] if brief else shown)
    for s in run.scenarios:
        if needs_attention(s):
            lines.extend(render_scenario(s, verbose=verbose, quiet=quiet, color=color))
    lines.extend(_paint_error(error_line(e), color) for e in run.errors)
    lines.append(summary_line(run))
    return "\n".join(lines) + "\n"


def _paint_error(line: str, color: bool) -> str:
    return line.replace(" ERROR ", f" {_paint('ERROR', color)} ", 1)


_MEANING = {
    "violated": "every world compatible with the reports breaches it",
    "complied": "every world compatible with the reports keeps it",
    "pending": "no compatible world breaches it, and in some it is not yet due",
    "open": "some compatible worlds keep it and others breach it",
    "unformalized": "it is not formalized, so it is never checked",
    "waived": "its condition (`if`) fails in every compatible world, so it does not apply",
    "not-in-force": "it is not part of the terms in force for this as_of and reading",
    "unknown": "the checker could not decide it",
}


def render_reasoning(scenario, p, fulfilled, provision) -> str:  # type: ignore[no-untyped-def]
    """`checker explain`: everything known about one provision in one scenario."""
    scenario, p, fulfilled, provision = clean((scenario, p, fulfilled, provision))
    lines = [f"{scenario.file}: {scenario.id} (as of {scenario.as_of}, {scenario.world} world)"]
    lines.append(f"provision {p.id}" + (f" (point {p.point})" if p.point else "") + f": {p.form}")
    lines.append(f"  text: {p.text}")
    if p.window:
        lines.append(f"  window: {p.window}")
    if provision is not None and provision.note:
        lines.append(f"  modelling note: {provision.note}")
    if p.amended_by:
        lines.append("  amended by: " + ", ".join(p.amended_by))
    if p.interpreted_by:
        lines.append(f"  read as: {p.interpreted_by}")
    if not p.binding:
        lines.append("  a goal, not binding: it never makes the scenario fail")
    lines.append(f"verdict: {p.verdict} — {_MEANING.get(p.verdict, '')}")
    if p.responsible:
        lines.append("  responsible: " + ", ".join(p.responsible))
    if p.verdict == "violated":
        if p.because:
            lines.append(
                "  these reports already force the breach (leaving out any one would not):"
            )
            lines.extend(f"    {_where(b)}" for b in p.because)
        if p.note:
            lines.append(f"  {p.note}")
    if p.verdict == "waived" and p.because:
        lines.append("  these reports make its condition fail (leaving out any one would not):")
        lines.extend(f"    {_where(b)}" for b in p.because)
    if fulfilled:
        lines.append("  these reports already fulfil it:")
        lines.extend(f"    {_where(b)}" for b in fulfilled)
    if p.explanation is not None:
        lines.append("  what differs between a world that keeps it and one that breaches it:")
        for f in p.explanation.facts:
            lines.append(
                f"    {f.event}: {f.attribute} {f.keeping} (kept) vs {f.breaching} (breached)"
            )
        lines.append("  the reports whose uncertainty decides it:")
        lines.extend(f"    {_where(b)}" for b in p.explanation.deciding)
    if p.verdict in ("unformalized", "unknown", "not-in-force") and p.note:
        lines.append(f"  why: {p.note}")
    lines.append(f"scenario verdict: {scenario.verdict}")
    return "\n".join(lines) + "\n"
