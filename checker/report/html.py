"""The `--html FILE` report: one self-contained page (no scripts, no external files) with,
per scenario, its verdict, each provision with its proof, and a timeline of the reports'
possible dates against the provisions' deadlines."""

from __future__ import annotations

from html import escape
from typing import Any

from checker import __version__
from checker.report.text import summary_line, why_unknown
from checker.results import Mark, RunResult, ScenarioResult
from checker.untrusted import clean

COLORS = {
    "violated": "#c62828",
    "open": "#ef6c00",
    "pending": "#1565c0",
    "complied": "#2e7d32",
    "unformalized": "#757575",
    "consistent": "#2e7d32",
    "violation": "#c62828",
    "incoherent": "#6a1b9a",
    "unknown": "#757575",
}
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:2em;border-top:1px solid #ddd;padding-top:1em}
table{border-collapse:collapse;width:100%} td,th{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.v{font-weight:600} .muted{color:#777} code{background:#f4f4f4;padding:0 .2em}
svg text{font:11px system-ui,sans-serif}
"""


def _verdict(v: str) -> str:
    return f'<span class="v" style="color:{COLORS.get(v, "#222")}">{escape(v)}</span>'


def _timeline(s: ScenarioResult) -> str:
    marks: list[Mark] = list(s.timeline)
    if not marks:
        return '<p class="muted">no dated reports</p>'
    lo = min([s.in_force, *(m.lo for m in marks)])
    hi = max(
        [s.as_of_minute, *(m.hi for m in marks if m.kind != "deadline" or m.hi <= s.as_of_minute)]
    )
    hi = max(hi, lo + 1)
    width, left, row = 900, 190, 18
    scale = (width - left - 60) / (hi - lo)  # room on the right for the `as of` label

    def x(minute: int) -> float:
        return left + (min(max(minute, lo), hi) - lo) * scale

    parts: list[str] = []
    for i, m in enumerate(marks):
        y = 20 + i * row
        color = {"deadline": "#c62828", "absence": "#9e9e9e", "observation": "#1565c0"}.get(
            m.kind, "#2e7d32"
        )
        label = escape(m.label if len(m.label) <= 28 else m.label[:27] + "…")
        parts.append(f'<text x="4" y="{y + 4}">{label}</text>')
        if m.kind == "deadline":
            parts.append(
                f'<line x1="{x(m.lo):.1f}" y1="{y - 7}" x2="{x(m.lo):.1f}" y2="{y + 7}" stroke="{color}" stroke-width="2"/>'
            )
        else:
            w = max(3.0, x(m.hi) - x(m.lo))
            parts.append(
                f'<rect x="{x(m.lo):.1f}" y="{y - 5}" width="{w:.1f}" height="10" fill="{color}" opacity=".75"/>'
            )
        parts.append(f"<title>{escape(m.text)}</title>")
    bottom = 20 + len(marks) * row
    for minute, name in ((s.in_force, "in force"), (s.as_of_minute, "as of")):
        parts.append(
            f'<line x1="{x(minute):.1f}" y1="6" x2="{x(minute):.1f}" y2="{bottom}" stroke="#555" stroke-dasharray="3,3"/>'
        )
        parts.append(f'<text x="{x(minute) + 3:.1f}" y="{bottom + 12}">{name}</text>')
    height = bottom + 20
    return f'<svg width="{width}" height="{height}" role="img" aria-label="timeline">{"".join(parts)}</svg>'


def _scenario(s: ScenarioResult) -> str:
    out = [
        f"<h2>{escape(s.id)} — {_verdict(s.verdict)} {'passed' if s.passed else '<b>failed</b>'}</h2>"
    ]
    out.append(
        f'<p class="muted">{escape(s.file)} · terms {escape(s.terms)} · as of {escape(s.as_of)} · {escape(s.world)} world</p>'
    )
    if s.title:
        out.append(f"<p>{escape(s.title)}</p>")
    if s.reason:
        out.append(f"<p>{escape(why_unknown(s))}</p>")
    for m in s.mismatches:
        out.append(
            f"<p><b>expected</b> {escape(m.what)} {escape(m.expected)}, got {_verdict(m.actual)}</p>"
        )
    rows = []
    for p in s.provisions:
        proof = "<br>".join(
            f"<code>{escape(b.report)}</code> {escape(b.file)}:{b.line}"
            + (f" — {escape(b.source)}" if b.source else "")
            for b in p.because
        )
        if p.note and p.verdict == "violated":
            proof = proof + ("<br>" if proof else "") + escape(p.note)
        if p.explanation is not None:
            proof += "<br>".join(
                f"{escape(f.event)}: {escape(f.attribute)} {escape(f.keeping)} (kept) vs {escape(f.breaching)} (breached)"
                for f in p.explanation.facts
            )
        rows.append(
            f"<tr><td><code>{escape(p.id)}</code></td><td>{_verdict(p.verdict)}</td>"
            f"<td>{escape(', '.join(p.responsible))}</td><td>{escape(p.window)}</td><td>{proof}</td></tr>"
        )
    out.append(
        "<table><tr><th>provision</th><th>verdict</th><th>responsible</th><th>window</th><th>because</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    for i, c in enumerate(s.conflicts, 1):
        items = ", ".join(f"<code>{escape(b.report)}</code> (line {b.line})" for b in c)
        out.append(f"<p>conflict {i}: {items}</p>")
    out.append(_timeline(s))
    return "\n".join(out)


def render_html(run: RunResult, **_: Any) -> str:
    run = clean(run)
    body = "\n".join(_scenario(s) for s in run.scenarios)
    errors = "".join(f"<li>{escape(d.render())}</li>" for e in run.errors for d in e.diagnostics)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>checker report</title><style>{STYLE}</style></head><body>"
        f"<h1>Agreement checker report</h1><p>{escape(summary_line(run))} · checker {__version__}</p>"
        + (f"<h2>Files that could not be judged</h2><ul>{errors}</ul>" if errors else "")
        + body
        + "</body></html>\n"
    )
