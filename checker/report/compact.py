"""The `compact` format — one `file:line:col: verdict subject message` line per finding — and
the list of findings the CI formats (`compact`, `github`, `sarif`) share.

A finding is something a reader may look at, located in a file:

- a violated provision, at the first report that proves it (at line 1 of the
  scenario file when no report is needed, e.g. a closed world's silence), the
  provision itself as a related location. In an `incoherent` scenario
  provision verdicts are those of the most trusted readings (no proofs), so
  there the conflicts are the findings instead;
- a violation no single provision shows (the joint conflict);
- each expectation mismatch, at its place in `expect`; a scenario without
  `expect` whose verdict is not `consistent` (it fails);
- each set of reports that cannot all be true (`incoherent`);
- a scenario the solver gave up on, or whose worker died;
- input errors (files that could not be judged) — listed by `github` and
  `sarif`; `compact`, like `text`, leaves them to the diagnostics on stderr.

Each has a level. What fails the run is an `error`: an unmet expectation, a
scenario without `expect` that is not `consistent` and the violations that make
it so, an input error, an `unknown` scenario (a `warning` under `--exit-zero`,
which does not fail on it). What the scenario's `expect` asked for — a violated
provision, a joint violation, incoherent reports — and a missed goal
(`binding: false`) are a `notice`; `quiet` leaves notices out.
"""

from __future__ import annotations

from typing import Any

from checker.diagnostics import Span
from checker.records import field, record
from checker.report.text import summary_line, why_unknown
from checker.results import Because, Mismatch, ProvisionResult, RunResult, ScenarioResult
from checker.untrusted import shown

# levels of finding
ERROR, WARNING, NOTICE = "error", "warning", "notice"
# a violation `expect` does not list, in a scenario whose stated verdict holds
WITHIN = "within the expected verdict"

# kinds of finding
VIOLATED = "violated"
JOINT = "joint"
MISMATCH = "mismatch"
NO_EXPECT = "no-expect"
CONFLICT = "conflict"
UNKNOWN = "unknown"
INPUT_ERROR = "input-error"


@record(frozen=True)
class Related:
    """A second place a finding points at (a provision, a report)."""

    file: str
    line: int
    column: int
    message: str
    end_line: int | None = None
    end_column: int | None = None


@record(frozen=True)
class Finding:
    kind: str
    level: str  # ERROR, WARNING or NOTICE
    file: str
    line: int
    column: int
    verdict: str  # the verdict found: of the provision, the scenario, or "error"
    subject: str  # a provision id, the scenario id, or a diagnostic code
    message: str  # without the scenario id (see `text`)
    title: str
    scenario: ScenarioResult | None = None
    provision: ProvisionResult | None = None
    rule: str = ""  # the SARIF rule id
    related: tuple[Related, ...] = field(default=())
    goal: bool = False  # about a provision that is a goal (`binding: false`), not a duty

    @property
    def text(self) -> str:
        """The message, prefixed by the scenario id when the subject is not the scenario."""
        if self.scenario is None or self.subject == self.scenario.id:
            return self.message
        return f"{self.scenario.id}: {self.message}"

    @property
    def full_text(self) -> str:
        """The message, always prefixed by the scenario id (for formats without a subject)."""
        return self.message if self.scenario is None else f"{self.scenario.id}: {self.message}"


def _because(b: Because) -> str:
    src = f" ({b.source})" if b.source else ""
    return f"`{b.report}`{src}"


def _related_because(b: Because) -> Related:
    src = f" ({b.source})" if b.source else ""
    return Related(b.file, max(b.line, 1), max(b.column, 1), f"report `{b.report}`{src}")


def _related_provision(p: ProvisionResult) -> tuple[Related, ...]:
    if p.span is None:
        return ()
    return (
        Related(
            p.span.file,
            max(p.span.line, 1),
            max(p.span.column, 1),
            f"provision `{p.id}`: {p.text}",
            p.span.end_line,
            p.span.end_column,
        ),
    )


def _at(span: Span | None, s: ScenarioResult) -> tuple[str, int, int]:
    """A span's place; without one, line 1 of the scenario file."""
    if span is None:
        return s.file, 1, 1
    return span.file, max(span.line, 1), max(span.column, 1)


def accepted(s: ScenarioResult, what: str, verdict: str) -> bool:
    """Whether `s`'s expectations accept `what` (a provision id, or "verdict" for the
    scenario's) having `verdict`: `expect` states that verdict for it, or — for a provision
    `expect` does not list — the scenario verdict it states, if any, holds. Without `expect`
    only the scenario verdict `consistent` is accepted."""
    if not s.has_expect:
        return what == "verdict" and verdict == "consistent"
    stated = s.expected.get(what)
    if stated is not None:
        return stated == verdict
    return what == "verdict" or s.expected.get("verdict", s.verdict) == s.verdict


def _as_expected(s: ScenarioResult, verdict: str) -> str:
    """The prefix of a finding about the scenario verdict `verdict` that `expect` accepts:
    it states that verdict, or (with `expect`) states none."""
    if not accepted(s, "verdict", verdict):
        return ""
    return "as expected: " if s.expected.get("verdict") == verdict else "expect states no verdict: "


def possibly_text(p: ProvisionResult) -> str:
    """`possibly responsible: AM, RU (given `r`)`, one group per report, or ""."""
    by_report: dict[Because, list[str]] = {}
    for x in p.possibly_responsible:
        by_report.setdefault(x.report, []).append(x.party)
    groups = [f"{', '.join(parties)} (given `{b.report}`)" for b, parties in by_report.items()]
    return "possibly responsible: " + "; ".join(groups) if groups else ""


def _violated(s: ScenarioResult, p: ProvisionResult) -> Finding:
    # located at the first report that proves it, else the first that decides it
    named = p.because or p.deciding
    if named:
        first = named[0]
        file, line, col = first.file, max(first.line, 1), max(first.column, 1)
    else:
        file, line, col = s.file, 1, 1
    details = []
    if p.responsible:
        details.append("responsible: " + ", ".join(p.responsible))
    if p.possibly_responsible:
        details.append(possibly_text(p))
    if p.because:
        details.append("because " + ", ".join(_because(b) for b in p.because))
    details.extend(f"decided by `{b.report}`: {b.detail}" for b in p.deciding)
    if p.note:
        details.append(p.note)
    if p.amended_by:
        details.append("amended by " + ", ".join(p.amended_by))
    if p.interpreted_by:
        details.append(f"read as {p.interpreted_by}")
    where = f" (provision at {p.span.file}:{p.span.line})" if p.span else ""
    if not p.binding:
        level, prefix, title = NOTICE, "goal, not binding: ", "violated (a goal)"
    elif s.expected.get(p.id) == "violated":
        level, prefix, title = NOTICE, "as expected: ", "violated as expected"
    elif accepted(s, p.id, "violated"):
        level, prefix, title = NOTICE, WITHIN + ": ", f"violated ({WITHIN})"
    else:
        level, prefix, title = ERROR, "", "violated"
    tail = f" [{'; '.join(details)}]" if details else ""
    return Finding(
        kind=VIOLATED,
        level=level,
        file=file,
        line=line,
        column=col,
        verdict="violated",
        subject=p.id,
        message=f"{prefix}{p.text}{where}{tail}",
        title=f"{s.id}: {p.id} {title}",
        scenario=s,
        provision=p,
        rule=p.id,
        related=tuple(_related_provision(p)) + tuple(_related_because(b) for b in named[1:]),
        goal=not p.binding,
    )


def _first_or_start(because: tuple[Because, ...], s: ScenarioResult) -> tuple[str, int, int]:
    """The place of the first report, or line 1 of the scenario file when there is none."""
    if not because:
        return _at(None, s)
    b = because[0]
    return b.file, max(b.line, 1), max(b.column, 1)


def _about_verdict(
    s: ScenarioResult,
    verdict: str,
    because: tuple[Because, ...],
    text: str,
    **fields: Any,
) -> Finding:
    """A finding that shows the scenario verdict `verdict` (a joint violation, incoherent
    reports), at its first report: a notice when `expect` accepts that verdict."""
    expected = accepted(s, "verdict", verdict)
    file, line, col = _first_or_start(because, s)
    return Finding(
        level=NOTICE if expected else ERROR,
        file=file,
        line=line,
        column=col,
        verdict=verdict,
        subject=s.id,
        message=_as_expected(s, verdict) + text,
        title=f"{s.id}: {fields.pop('title')}" + (" (as expected)" if expected else ""),
        scenario=s,
        **fields,
    )


def _joint(s: ScenarioResult, by_id: dict[str, ProvisionResult]) -> Finding:
    assert s.joint is not None
    given = ", ".join(_because(b) for b in s.joint.because) or "no report"
    related: list[Related] = []
    for pid in s.joint.provisions:
        if pid in by_id:
            related.extend(_related_provision(by_id[pid]))
    text = f"no world keeps these provisions together: {', '.join(s.joint.provisions)}"
    return _about_verdict(
        s,
        "violation",
        s.joint.because,
        f"{text} [given {given}]",
        kind=JOINT,
        title="joint violation",
        rule="joint-violation",
        related=tuple(related),
    )


def _in_scenario(s: ScenarioResult, span: Span | None = None, **fields: Any) -> Finding:
    """A finding of `s` at `span` (by default the scenario's own place; line 1 of its file
    without one), its subject the scenario unless `fields` name another."""
    file, line, col = _at(span or s.span, s)
    fields.setdefault("subject", s.id)
    return Finding(file=file, line=line, column=col, scenario=s, **fields)


def _mismatch(s: ScenarioResult, m: Mismatch, by_id: dict[str, ProvisionResult]) -> Finding:
    what = "scenario verdict" if m.what == "verdict" else f"provision {m.what}"
    prov = by_id.get(m.what) if m.what != "verdict" else None
    return _in_scenario(
        s,
        m.span,
        kind=MISMATCH,
        level=ERROR,
        verdict=m.actual,
        subject=s.id if m.what == "verdict" else m.what,
        message=f"expected {what} {m.expected}, got {m.actual}",
        title=f"{s.id}: expectation not met",
        provision=prov,
        rule="expectation",
        related=_related_provision(prov) if prov is not None else (),
    )


def _conflict(s: ScenarioResult, i: int, conflict: tuple[Because, ...]) -> Finding:
    reports = ", ".join(_because(b) for b in conflict)
    return _about_verdict(
        s,
        "incoherent",
        conflict,
        f"conflict {i}: these reports cannot all be true: {reports}",
        kind=CONFLICT,
        title="incoherent reports",
        rule="incoherent",
        related=tuple(_related_because(b) for b in conflict[1:]),
    )


def scenario_findings(s: ScenarioResult, *, exit_zero: bool = False) -> list[Finding]:
    """The findings of one scenario, each with its level (`exit_zero`: an `unknown`
    verdict is a warning, since it does not fail the run)."""
    out: list[Finding] = []
    by_id = {p.id: p for p in s.provisions}
    if s.verdict != "incoherent":
        out.extend(_violated(s, p) for p in s.provisions if p.verdict == "violated")
    if s.joint is not None:
        out.append(_joint(s, by_id))
    if s.verdict != "unknown":  # an unknown scenario's mismatches follow from the give-up
        out.extend(_mismatch(s, m, by_id) for m in s.mismatches)
    if not s.has_expect and s.verdict not in ("consistent", "unknown"):
        out.append(
            _in_scenario(
                s,
                kind=NO_EXPECT,
                level=ERROR,
                verdict=s.verdict,
                message=f"verdict {s.verdict}, no expect (without one, only consistent passes)",
                title=f"{s.id}: {s.verdict}",
                rule="expectation",
            )
        )
    out.extend(_conflict(s, i, c) for i, c in enumerate(s.conflicts, 1))
    if s.verdict == "unknown":
        out.append(
            _in_scenario(
                s,
                kind=UNKNOWN,
                level=WARNING if exit_zero else ERROR,
                verdict="unknown",
                message=why_unknown(s),
                title=f"{s.id}: {why_unknown(s).split(':')[0]}",
                rule="unknown",
            )
        )
    return out


def input_findings(run: RunResult) -> list[Finding]:
    out: list[Finding] = []
    for err in run.errors:
        for d in err.diagnostics:
            message = d.message + (f" (hint: {d.hint})" if d.hint else "")
            out.append(
                Finding(
                    kind=INPUT_ERROR,
                    level=ERROR if d.severity.value == "error" else WARNING,
                    file=d.span.file,
                    line=max(d.span.line, 1),
                    column=max(d.span.column, 1),
                    verdict="error",
                    subject=d.code,
                    message=message,
                    title=f"{d.code}: input error",
                    rule=d.code,
                    related=tuple(
                        Related(r.file, max(r.line, 1), max(r.column, 1), "related")
                        for r in d.related
                    ),
                )
            )
    return out


def findings(
    run: RunResult, *, quiet: bool = False, inputs: bool = True, exit_zero: bool = False
) -> list[Finding]:
    """Every finding of a run, scenarios in run order, then input errors (`inputs`).

    `quiet` leaves out the notices; `exit_zero` makes `unknown` a warning.
    """
    out: list[Finding] = []
    for s in run.scenarios:
        out.extend(scenario_findings(s, exit_zero=exit_zero))
    if inputs:
        out.extend(input_findings(run))
    return [f for f in out if not (quiet and f.level == NOTICE)]


def compact_line(f: Finding) -> str:
    return f"{f.file}:{f.line}:{f.column}: {f.verdict} {f.subject} {one_line(f.text)}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def render_compact(
    run: RunResult, *, quiet: bool = False, exit_zero: bool = False, **_: Any
) -> str:
    # whitespace in a finding's text is folded into single spaces first, then what is left
    # of the input escaped
    chosen = findings(run, quiet=quiet, inputs=False, exit_zero=exit_zero)
    lines = [shown(compact_line(f)) for f in chosen]
    lines.append(summary_line(run))
    return "\n".join(lines) + "\n"
