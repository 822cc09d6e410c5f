"""Stage 6: one scenario's section of the HTML report (see `html`).

Input: a judged scenario. Output: its `<section>`: the result (PASS, FAIL,
UNKNOWN) beside the scenario verdict and whether its expectations were met, a
table of its provisions (each clause's text written once, in `Clauses`), the
conflicts and readings of an incoherent scenario, and its timeline. Every text
from input is escaped.
"""

from __future__ import annotations

import re
from html import escape

from checker.report.compact import WITHIN, accepted
from checker.report.text import why_unknown
from checker.report.timeline import render_timeline
from checker.results import Because, ProvisionResult, ScenarioResult

_SCENARIO_MEANING = {
    "consistent": "some world compatible with the reports keeps every binding provision",
    "violation": "no world compatible with the reports keeps every binding provision at once",
    "incoherent": "no world is compatible with all the reports: they contradict each other"
    " or the terms",
    "unknown": "the checker could not decide",
}


# Each clause's text is written once, in the list at the end; this fills the provision
# tables' cells from it. Without scripts, a provision's id links to its clause there.
FILL_CLAUSES = (
    'document.querySelectorAll("td[data-c]").forEach(function(td){'
    'var t=document.querySelector("#c"+td.dataset.c+" .t");if(t)td.textContent=t.textContent;});'
)


class Clauses:
    """The provisions' texts, each once, numbered in the order the tables first show them."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str, str], int] = {}

    def number(self, terms: str, p: ProvisionResult) -> int:
        return self.numbers.setdefault((terms, p.id, p.text), len(self.numbers) + 1)

    def render(self) -> str:
        items = "".join(
            f'<li id="c{n}"><code>{escape(pid)}</code> <span class="small muted">'
            f'{escape(terms)}</span> <span class="t">{escape(text)}</span>'
            for (terms, pid, text), n in self.numbers.items()
        )
        return (
            '<section id="clauses"><h2>Clauses</h2><p class="small">The text of every provision'
            f' in the tables above.</p><ol class="clauses">{items}</ol></section>'
        )


def result_of(s: ScenarioResult) -> str:
    if s.verdict == "unknown":
        return "UNKNOWN"
    return "PASS" if s.passed else "FAIL"


def verdict_html(verdict: str) -> str:
    return f'<b class="v-{escape(verdict)}">{escape(verdict)}</b>'


def _verdict_cell(verdict: str) -> str:
    """`<td>` with a verdict, its colour from its class (no quotes: the page is large)."""
    v = escape(verdict)
    return f"<td class=v-{v}>{v}" if re.fullmatch(r"[a-z-]+", verdict) else f"<td>{v}"


def mismatch_text(what: str, expected: str, actual: str) -> str:
    subject = "scenario verdict" if what == "verdict" else f"provision {what}"
    return f"expected {subject} {expected}, got {actual}"


def render_section(s: ScenarioResult, anchor: str, clauses: Clauses) -> str:
    result = result_of(s)
    title = f' <span class="muted">{escape(s.title)}</span>' if s.title else ""
    out = [
        f'<section id="{anchor}"><h2><span class="badge {result}">{result}</span> '
        f"<code>{escape(s.id)}</code>{title}</h2>",
        f"<p><b>Scenario verdict:</b> {verdict_html(s.verdict)} — "
        f"{escape(_SCENARIO_MEANING.get(s.verdict, ''))}.<br>"
        f"<b>Expectations:</b> {_expectations(s)}</p>",
        _meta(s),
    ]
    if s.provisions:
        out.append(_provisions(s, clauses))
    out.extend(_incoherence(s))
    if s.joint is not None:
        given = ", ".join(_report(b) for b in s.joint.because) or "no report"
        provisions = ", ".join(f"<code>{escape(x)}</code>" for x in s.joint.provisions)
        out.append(
            f"<p><b>No compatible world keeps these provisions together:</b> {provisions}, "
            f"given {given}.</p>"
        )
    out.append("<h3>Timeline</h3>" + render_timeline(s))
    out.append('<p class="small"><a href="#summary">↑ back to the summary</a></p></section>')
    return "\n".join(out)


def _expectations(s: ScenarioResult) -> str:
    if s.verdict == "unknown":
        return f"not compared: {escape(why_unknown(s))}. It counts as unknown, not as passed."
    if not s.has_expect:
        if s.passed:
            return "none stated; a scenario without <code>expect</code> passes when consistent."
        return (
            "none stated, so it <b>fails</b>: without <code>expect</code> only a consistent"
            " scenario passes."
        )
    stated = "; ".join(
        escape(f"verdict {v}" if what == "verdict" else f"{what} {v}")
        for what, v in s.expected.items()
    )
    if not s.mismatches:
        return "met" + (f" ({stated})" if stated else "") + ", so it passes."
    missed = "; ".join(escape(mismatch_text(m.what, m.expected, m.actual)) for m in s.mismatches)
    return f"<b>not met</b>: {missed}. So it <b>fails</b>."


def _meta(s: ScenarioResult) -> str:
    bits = [
        f"<code>{escape(s.file)}</code>",
        f"terms <code>{escape(s.terms)}</code> ({escape(s.terms_file)})",
        f"as of {escape(s.as_of)}",
        f"{escape(s.world)} world",
    ]
    if s.interpretation:
        bits.append(f"reading <code>{escape(s.interpretation)}</code>")
    if len(s.reading_verdicts) > 1:
        bits.append(
            "by reading: "
            + ", ".join(f"{escape(r)} {verdict_html(v)}" for r, v in s.reading_verdicts.items())
        )
    return f'<p class="meta">{" · ".join(bits)}</p>'


def _provisions(s: ScenarioResult, clauses: Clauses) -> str:
    missed = {m.what: m.expected for m in s.mismatches}
    rows = []
    unformalized = []
    for p in s.provisions:
        if p.verdict == "unformalized":
            unformalized.append(f"<code>{escape(p.id)}</code>")
            continue
        rows.append(_provision_row(s, p, missed.get(p.id), clauses))
    table = (
        '<table class="p"><thead><tr><th>provision<th>verdict<th>clause<th>responsible<th>window'
        "<th>why</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    if s.verdict == "incoherent":
        table = (
            '<p class="small">The verdicts below are those of the most trusted readings'
            " (the greatest total weight of believed reports).</p>" + table
        )
    for pid, per in sorted(s.by_reading_only.items()):
        table += (
            f'<p class="small"><code>{escape(pid)}</code> only in some readings: '
            + ", ".join(f"{verdict_html(v)} under {escape(r)}" for r, v in per)
            + "</p>"
        )
    if unformalized:
        table += '<p class="small muted">Not formalized (never checked): '
        table += ", ".join(unformalized) + "</p>"
    return table


def _provision_row(
    s: ScenarioResult, p: ProvisionResult, expected: str | None, clauses: Clauses
) -> str:
    verdict = _verdict_cell(p.verdict)
    if expected is not None:
        verdict += f'<i class="exp v-violation">expected {escape(expected)}</i>'
    elif p.verdict == "violated" and s.expected.get(p.id) == "violated":
        verdict += '<i class="exp muted">as expected</i>'
    elif p.verdict == "violated" and p.binding and accepted(s, p.id, "violated"):
        verdict += f'<i class="exp muted">{WITHIN}</i>'
    n = clauses.number(s.terms, p)
    ident = f"<a href=#c{n}>{escape(p.id)}</a>"
    notes = []
    if p.point and p.id != p.point and not p.id.startswith(p.point + "."):
        notes.append(f"point {p.point}")
    if not p.binding:
        notes.append("goal, not binding")
    if p.amended_by:
        notes.append("amended by " + ", ".join(p.amended_by))
    if p.interpreted_by:
        notes.append(f"read as {p.interpreted_by}")
    if notes:
        ident += f'<i class="exp muted">{escape("; ".join(notes))}</i>'
    row = "<tr class=miss>" if expected is not None else "<tr>"
    return (
        f"{row}<td>{ident}{verdict}<td data-c={n}>"
        f"<td>{_parties(p)}<td>{escape(p.window)}<td>{_why(p)}"
    )


def _report(b: Because) -> str:
    source = f" — {escape(b.source)}" if b.source else ""
    return f"<code>{escape(b.report)}</code> (line {b.line}){source}"


def _parties(p: ProvisionResult) -> str:
    """The parties responsible, then those only possibly so, each with its report: its id
    and line only, as the same report's source may be named for every party."""
    out = escape(", ".join(p.responsible))
    if p.possibly_responsible:
        possible = "; ".join(
            f"{escape(x.party)} (given <code>{escape(x.report.report)}</code>,"
            f" line {x.report.line})"
            for x in p.possibly_responsible
        )
        out += f'<i class="exp muted">possibly: {possible}</i>'
    return out


def _why(p: ProvisionResult) -> str:
    parts = []
    if p.because:
        lead = "fulfilled by " if p.verdict == "complied" else "because "
        parts.append(lead + "; ".join(_report(b) for b in p.because))
    parts.extend(f"decided by {_report(b)}: {escape(b.detail or '')}" for b in p.deciding)
    if p.note:
        parts.append(escape(p.note))
    if p.explanation is not None:
        parts.extend(
            escape(f"{f.event}: {f.attribute} {f.keeping} (kept) vs {f.breaching} (breached)")
            for f in p.explanation.facts
        )
        if p.explanation.deciding:
            parts.append(
                "decided by the uncertainty of "
                + "; ".join(_report(b) for b in p.explanation.deciding)
            )
    if p.by_reading:
        parts.append(
            "differs: " + ", ".join(f"{verdict_html(v)} under {escape(r)}" for r, v in p.by_reading)
        )
    return "<br>".join(parts)


def _incoherence(s: ScenarioResult) -> list[str]:
    """The conflicts, and each reading with its weight and the verdicts it changes."""
    out = []
    for i, conflict in enumerate(s.conflicts, 1):
        reports = ", ".join(_report(b) for b in conflict)
        out.append(f"<p><b>Conflict {i}:</b> these reports cannot all be true: {reports}.</p>")
    if not s.readings:
        return out
    shown = {p.id: p.verdict for p in s.provisions}
    best = max(r.weight for r in s.readings)
    rows = []
    for i, r in enumerate(s.readings, 1):
        changed = [
            f"<code>{escape(pid)}</code> {verdict_html(v)}"
            for pid, v in r.provisions
            if shown.get(pid) not in (None, v)
        ]
        trusted = ' <span class="small muted">most trusted</span>' if r.weight == best else ""
        dropped = ", ".join(f"<code>{escape(d)}</code>" for d in r.dropped) or "nothing"
        rows.append(
            f"<tr><td>{i}{trusted}<td>{r.weight:g}<td>{dropped}<td>{verdict_html(r.verdict)}"
            f"<td>{', '.join(changed) or 'as in the table above'}</tr>"
        )
    out.append(
        '<h3>Readings</h3><p class="small">Each reading believes a largest set of reports'
        " that can all be true, leaving out the others; its weight is the total"
        " reliability of what it believes.</p><table><thead><tr><th>reading<th>weight"
        "<th>leaves out<th>verdict<th>provision verdicts that differ</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return out
