"""`checker explain`: everything known about one provision in one scenario, as text.

Input: the scenario's result, the provision's result, the reports fulfilling it and the
provision as resolved. Output: its text and window, its verdict with what that verdict
means, who is responsible (certainly or possibly), the reports that prove or decide it,
and for an incoherent scenario the readings its verdict comes from, with their weights.
"""

from __future__ import annotations

from checker.report.text import possibly_lines, report_at, trusted_readings
from checker.results import Because, ProvisionResult, ScenarioResult
from checker.untrusted import clean

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
# an incoherent scenario has no compatible world: its verdicts are over the worlds of the
# reports its most trusted readings believe
_OVER_READINGS = {
    "violated": "every world compatible with the reports they believe breaches it",
    "complied": "every world compatible with the reports they believe keeps it",
    "pending": "no such world breaches it, and in some it is not yet due",
    "open": "some such worlds keep it and others breach it",
    "waived": "its condition (`if`) fails in every such world, so it does not apply",
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
    incoherent = scenario.verdict == "incoherent" and bool(scenario.readings)
    if incoherent and p.verdict in _OVER_READINGS:
        single = sum(r.weight == scenario.readings[0].weight for r in scenario.readings) == 1
        over = _OVER_READINGS[p.verdict]
        meaning = f"{trusted_readings(scenario)}, {over.replace('they believe', 'it believes') if single else over}"
    else:
        meaning = _MEANING.get(p.verdict, "")
    lines.append(f"verdict: {p.verdict} — {meaning}")
    if incoherent:
        lines.extend(_readings(scenario, p))
    if p.responsible:
        lines.append("  responsible: " + ", ".join(p.responsible))
    lines.extend(possibly_lines(p.possibly_responsible, "  "))
    lines.extend(_proof(p, fulfilled))
    if p.explanation is not None:
        lines.append("  what differs between a world that keeps it and one that breaches it:")
        for f in p.explanation.facts:
            lines.append(
                f"    {f.event}: {f.attribute} {f.keeping} (kept) vs {f.breaching} (breached)"
            )
        lines.append("  the reports whose uncertainty decides it:")
        lines.extend(f"    {report_at(b)}" for b in p.explanation.deciding)
    if p.verdict in ("unformalized", "unknown", "not-in-force") and p.note:
        lines.append(f"  why: {p.note}")
    lines.append(f"scenario verdict: {scenario.verdict}")
    return "\n".join(lines) + "\n"


def _proof(p: ProvisionResult, fulfilled: tuple[Because, ...]) -> list[str]:
    """The reports that force, fulfil or decide the verdict, and the note."""
    lines = []
    if p.verdict == "violated" and p.because:
        lines.append("  these reports already force the breach (leaving out any one would not):")
        lines.extend(f"    {report_at(b)}" for b in p.because)
    if p.verdict == "waived" and p.because:
        lines.append("  these reports make its condition fail (leaving out any one would not):")
        lines.extend(f"    {report_at(b)}" for b in p.because)
    if fulfilled:
        lines.append("  these reports already fulfil it (leaving out any one would not):")
        lines.extend(f"    {report_at(b)}" for b in fulfilled)
    if p.deciding:
        lines.append("  the reports that decide it:")
        lines.extend(f"    {report_at(b)}: {b.detail}" for b in p.deciding)
    if p.note and p.verdict in ("violated", "complied", "waived"):
        lines.append(f"  {p.note}")
    return lines


def _readings(s: ScenarioResult, p: ProvisionResult) -> list[str]:
    """Every reading with its weight and this provision's verdict under it, the most
    trusted ones (those the verdict comes from) marked."""
    best = s.readings[0].weight
    lines = ["  the reports cannot all be true; the verdict under each reading of them:"]
    for i, r in enumerate(s.readings, 1):
        dropped = ", ".join(f"`{d}`" for d in r.dropped) or "nothing"
        verdict = dict(r.provisions).get(p.id, "-")
        mark = "  (most trusted: counted)" if r.weight == best else ""
        lines.append(
            f"    reading {i} (weight {r.weight:g}, disbelieving {dropped}): {verdict}{mark}"
        )
    return lines
