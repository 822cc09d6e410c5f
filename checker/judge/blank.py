"""Stage 5: what a scenario's result holds before any question is asked — its identity,
its timeline for the HTML report, and the provisions not in force. No solver here."""

from __future__ import annotations

from checker import timeutil as tu
from checker.describe import describe_report
from checker.ir import AbsenceReport, EventReport, Fixed, Scenario
from checker.results import Mark, ProvisionResult, ScenarioResult


def blank_result(sc: Scenario, timeline: bool = True) -> ScenarioResult:
    """A scenario's result before any verdict: what it is, and (with `timeline`) its
    timeline."""
    return ScenarioResult(
        file=sc.file,
        id=sc.id,
        title=sc.title,
        terms=sc.terms.id,
        terms_file=sc.terms.file,
        as_of=sc.as_of_text,
        world=sc.world,
        interpretation=sc.interpretation,
        verdict="unknown",
        has_expect=sc.expect is not None,
        span=sc.span,
        timeline=_timeline(sc) if timeline else [],
        in_force=sc.terms.in_force,
        as_of_minute=sc.as_of,
    )


def dormant_results(sc: Scenario) -> list[ProvisionResult]:
    """The provisions the terms define that are not in force (SPEC §3.6): `not-in-force`."""
    return [
        ProvisionResult(
            id=d.id,
            point=d.point,
            form=d.form,
            verdict="not-in-force",
            binding=d.binding,
            text=d.text,
            note=d.reason,
            span=d.span,
        )
        for d in sc.terms.dormant
    ]


# the timeline of the scenario last asked about: a library worker says what it judges
# (`check_file`'s `noted`) before it judges it, and a brief run may judge it twice
_last: tuple[Scenario, tuple[Mark, ...]] | None = None


def _timeline(sc: Scenario) -> list[Mark]:
    """Reports and fixed deadlines in time order, for the HTML report."""
    global _last
    if _last is None or _last[0] is not sc:
        _last = (sc, tuple(_marks(sc)))
    return list(_last[1])


def _marks(sc: Scenario) -> list[Mark]:

    def show(lo: int, hi: int) -> str:
        a, b = tu.format_instant(lo, sc.zone), tu.format_instant(hi, sc.zone)
        return a if lo == hi else f"{a} .. {b}"

    marks = []
    for r in sc.reports:
        kind = (
            "event"
            if isinstance(r, EventReport)
            else "absence"
            if isinstance(r, AbsenceReport)
            else "observation"
        )
        detail = describe_report(r, sc.terms)
        marks.append(Mark(r.id, kind, r.lo, r.hi, show(r.lo, r.hi), r.span.line, detail))
    for p in sc.terms.provisions:
        if isinstance(p.window.end, Fixed):
            m = p.window.end.minute
            marks.append(Mark(f"{p.id} due", "deadline", m, m, show(m, m)))
    return sorted(marks, key=lambda m: (m.lo, m.hi, m.label))
