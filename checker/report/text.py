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

from collections.abc import Callable

from checker.results import (
    Because,
    FileError,
    OpenExplanation,
    Possible,
    ProvisionResult,
    RunResult,
    ScenarioResult,
)
from checker.untrusted import clean, shown

SHOWN = {"violated", "open", "pending", "complied", "waived", "unknown"}
# listed only in verbose output: never checked, or not part of the terms in force
QUIET = {"unformalized", "not-in-force"}


def report_at(b: Because) -> str:
    src = f" ({b.source})" if b.source else ""
    return f"{b.file}:{b.line} `{b.report}`{src}"


def possibly_lines(possible: tuple[Possible, ...], indent: str) -> list[str]:
    """The possibly responsible parties, one line per report that makes them possible."""
    by_report: dict[Because, list[str]] = {}
    for x in possible:
        by_report.setdefault(x.report, []).append(x.party)
    return [
        f"{indent}possibly responsible: {', '.join(parties)}, given {report_at(b)}"
        for b, parties in by_report.items()
    ]


def explanation_lines(p: ProvisionResult, indent: str) -> list[str]:
    """The reports that prove or decide a provision's verdict, and why none can be named."""
    lines: list[str] = []
    if p.verdict == "violated":
        lines += [f"{indent}because {report_at(b)}" for b in p.because]
        lines += [f"{indent}decided by {report_at(b)}: {b.detail}" for b in p.deciding]
        lines += possibly_lines(p.possibly_responsible, indent)
    elif p.verdict == "complied":
        lines += [f"{indent}fulfilled by {report_at(b)}" for b in p.because]
    elif p.verdict == "waived":
        lines += [f"{indent}its condition fails given {report_at(b)}" for b in p.because]
    if p.note and p.verdict in ("violated", "complied", "waived", "unknown", "not-in-force"):
        lines.append(f"{indent}{p.note}")
    return lines


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
    if quiet and s.passed:
        return []
    lines = [verdict_line(s, color=color)]
    if s.reason:
        lines.append(f"  {why_unknown(s)}")
    for m in s.mismatches:
        at = f" ({m.span.file}:{m.span.line})" if m.span else ""
        what = "scenario verdict" if m.what == "verdict" else f"provision {m.what}"
        lines.append(f"  expected {what} {m.expected}, got {m.actual}{at}")
    if quiet:
        return lines
    if s.verdict == "incoherent" and s.readings:
        lines.append(f"  provision verdicts: {trusted_readings(s)}")
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
                lines.append(f"      decided by the uncertainty of {report_at(b)}")
        lines.extend(explanation_lines(p, "      "))
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
            lines.append(f"      given {report_at(b)}")
    for i, conflict in enumerate(s.conflicts, 1):
        lines.append(f"  conflict {i}: these reports cannot all be true:")
        for b in conflict:
            lines.append(f"      {report_at(b)}")
    for i, r in enumerate(s.readings, 1):
        dropped = ", ".join(f"`{d}`" for d in r.dropped) or "nothing"
        changed = [f"{pid} {v}" for pid, v in r.provisions if v not in QUIET]
        lines.append(f"  reading {i} (weight {r.weight:g}, disbelieving {dropped}): {r.verdict}")
        if verbose:
            lines.append("      " + "; ".join(changed))
    return lines


def trusted_readings(s: ScenarioResult) -> str:
    """Which readings an incoherent scenario's provision verdicts come from: those of the
    greatest total weight, taken together (readings come sorted, most trusted first)."""
    top = [i for i, r in enumerate(s.readings, 1) if r.weight == s.readings[0].weight]
    weight = f"{s.readings[0].weight:g}"
    if len(top) == 1:
        return f"under the most trusted reading (reading 1, weight {weight})"
    which = ", ".join(str(i) for i in top[:-1]) + f" and {top[-1]}"
    return f"over the most trusted readings together (readings {which}, weight {weight} each)"


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


def verdict_line(
    s: ScenarioResult, *, color: bool = False, safe: Callable[[str], str] = str
) -> str:
    """A scenario's first line: file, id, verdict, as of, world, reading and status.
    `safe` is applied to each string from input (the caller's job when `s` is clean)."""
    status = "PASS" if s.passed else ("UNKNOWN" if s.verdict == "unknown" else "FAIL")
    extra = f", reading `{safe(s.interpretation)}`" if s.interpretation else ""
    return (
        f"{safe(s.file)}: {safe(s.id)}: {_paint(s.verdict, color)}"
        f" (as of {safe(s.as_of)}, {safe(s.world)} world{extra}) {_paint(status, color)}"
    )


def render_text(
    run: RunResult, *, verbose: bool = False, quiet: bool = False, color: bool = False, **_: object
) -> str:
    # Only what is shown is made safe to print (`clean`): a passing scenario of a library
    # is one line or none, and cleaning every result took 0.2 s per 300 scenarios.
    brief = len(run.scenarios) > 1 and not verbose  # passing scenarios: their verdict line
    lines: list[str] = []
    for s in run.scenarios:
        if needs_attention(s) or quiet:
            continue
        if brief:
            lines.append(verdict_line(s, color=color, safe=shown))
        else:
            lines.extend(render_scenario(clean(s), verbose=verbose, color=color))
    for s in run.scenarios:
        if needs_attention(s):
            lines.extend(render_scenario(clean(s), verbose=verbose, quiet=quiet, color=color))
    lines.extend(_paint_error(error_line(clean(e)), color) for e in run.errors)
    lines.append(summary_line(run))
    return "\n".join(lines) + "\n"


def _paint_error(line: str, color: bool) -> str:
    return line.replace(" ERROR ", f" {_paint('ERROR', color)} ", 1)
