"""The `--html FILE` report: one self-contained page a student can read offline.

Input: a run's results. Output: one HTML file that fetches nothing: its style
inline, and three lines of script that copy each clause's text, written once at the
end, into the provision tables (without scripts, a provision links to its clause
there), which keeps the page to about 9 KB a scenario. First a summary — the counts by outcome and a table of every
scenario, those that failed or could not be judged on top, each linking to its
section — then the files that could not be judged, then one section per scenario
in the same order: its result (PASS, FAIL, UNKNOWN) beside its verdict and whether
its expectations were met, a table of its provisions with each clause's text, the
reports that prove each verdict, the conflicts and readings of an incoherent
scenario, and its timeline (`timeline`). Every text from input is escaped.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Any

from checker import __version__
from checker.report.html_section import (
    FILL_CLAUSES,
    Clauses,
    mismatch_text,
    render_section,
    result_of,
    verdict_html,
)
from checker.report.text import plural, summary_line, why_unknown
from checker.report.timeline import STYLE as TIMELINE_STYLE
from checker.results import FileError, RunResult, ScenarioResult
from checker.untrusted import clean

# A long word (a source's URL) wraps rather than widen the page. In the provision table's
# responsible, window and why columns it may break anywhere: only that lowers a cell's
# minimum width (`break-word` does not), so the table can shrink to the page's width.
STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:1.5em auto;max-width:78em;padding:0 1em;color:#1d1d1d;
 overflow-wrap:break-word}
h1{font-size:1.5em;margin:0} h2{font-size:1.2em;margin:0 0 .4em} h3{font-size:1em;margin:1em 0 .3em}
a{color:#0b57d0} code{background:#f2f2f2;padding:0 .25em;border-radius:3px}
pre{white-space:pre-wrap;margin:.2em 0}
table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{padding:.3em .5em;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th{background:#fafafa;font-weight:600}
section{border-top:2px solid #ddd;margin-top:2em;padding-top:1em}
.muted,.meta{color:#5f5f5f} .meta{font-size:.92em} .small{font-size:.88em}
.badge{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;padding:0 .4em;
 font-weight:700;font-size:.85em;color:#fff;background:#2e7d32}
.badge.FAIL,.badge.ERROR{background:#c62828} .badge.UNKNOWN{background:#6d6d6d}
.counts span{margin-right:1.2em;font-weight:600}
table.p th:nth-child(3){width:36%} table.p td:nth-child(n+4){overflow-wrap:anywhere} table.p th:nth-child(6){width:24%} ol.clauses li{margin:.3em 0}
td:first-child>a{font-family:ui-monospace,monospace;font-size:.92em}
td[class^=v-]{font-weight:600}
.v-violated,.v-violation{color:#c62828} .v-open{color:#b45309} .v-pending{color:#1565c0}
.v-complied,.v-consistent{color:#2e7d32} .v-incoherent{color:#6a1b9a} .v-waived{color:#00838f}
.v-unknown,.v-unformalized,.v-not-in-force{color:#6d6d6d}
tr.miss td{background:#fdecea} tr.fail td:first-child{border-left:4px solid #c62828}
.exp{font-size:.85em;font-weight:600;display:block}
"""


def render_html(run: RunResult, **_: Any) -> str:
    run = clean(run)
    ordered = sorted(run.scenarios, key=_rank)  # stable: run order within each outcome
    anchors = _anchors(ordered)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>checker report: {escape(summary_line(run))}</title>",
        f"<style>{STYLE}{TIMELINE_STYLE}</style></head><body>",
        "<header><h1>Agreement checker report</h1>",
        f'<p class="meta">{plural(len(run.scenarios), "scenario")} · checker {__version__}</p>'
        '<noscript><p class="small">Scripts are off: click a provision to read its clause'
        " in the list at the end.</p></noscript></header>",
        _summary(run, ordered, anchors),
    ]
    if run.errors:
        parts.append(_errors(run.errors))
    clauses = Clauses()
    parts.extend(render_section(s, anchors[id(s)], clauses) for s in ordered)
    parts.append(clauses.render())
    parts.append(f"<script>{FILL_CLAUSES}</script></body></html>\n")
    return "\n".join(parts)


def _rank(s: ScenarioResult) -> int:
    """Failed first, then unknown, then passed."""
    if s.verdict == "unknown":
        return 1
    return 0 if not s.passed else 2


def _anchors(scenarios: list[ScenarioResult]) -> dict[int, str]:
    """A unique, URL-safe anchor per scenario, from its id."""
    seen: set[str] = set()
    out: dict[int, str] = {}
    for s in scenarios:
        base = "s-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", s.id).strip("-") or "scenario")
        anchor, n = base, 1
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        out[id(s)] = anchor
    return out


# ---- summary ---------------------------------------------------------------------------


def _summary(run: RunResult, ordered: list[ScenarioResult], anchors: dict[int, str]) -> str:
    counts = (
        '<p class="counts">'
        + "".join(
            f'<span class="{css if n else "muted"}">{text}</span>'
            for n, text, css in (
                (run.failed, f"{run.failed} failed", "v-violation"),
                (run.unknown, f"{run.unknown} unknown", "v-unknown"),
                (len(run.errors), f"{plural(len(run.errors), 'file')} not judged", "v-violation"),
                (run.passed, f"{run.passed} passed", "v-consistent"),
            )
        )
        + "</p>"
    )
    verdicts = Counter(s.verdict for s in run.scenarios)
    provisions = Counter(p.verdict for s in run.scenarios for p in s.provisions)
    by = (
        '<p class="meta">Scenario verdicts: '
        + (", ".join(f"{verdict_html(v)} {n}" for v, n in sorted(verdicts.items())) or "none")
        + ". Provision verdicts: "
        + (", ".join(f"{verdict_html(v)} {n}" for v, n in sorted(provisions.items())) or "none")
        + ".</p>"
    )
    rows = [_summary_row(s, anchors[id(s)]) for s in ordered]
    rows[:0] = [
        f'<tr class="fail"><td><span class="badge ERROR">ERROR</span><td>'
        f'<a href="#errors">{escape(e.file)}</a><td>—<td>not judged<td>'
        f"{escape(_first_problem(e))}</tr>"
        for e in run.errors
    ]
    table = (
        "<table><thead><tr><th>result<th>scenario<th>verdict<th>expectations"
        "<th>violated provisions, or what went wrong</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return (
        '<nav id="summary" aria-label="summary"><h2>Summary</h2>'
        + counts
        + by
        + (table if rows else '<p class="muted">No scenario was checked.</p>')
        + "</nav>"
    )


def _summary_row(s: ScenarioResult, anchor: str) -> str:
    result = result_of(s)
    if s.verdict == "unknown":
        what = escape(why_unknown(s))
    elif s.mismatches:
        what = "; ".join(escape(mismatch_text(m.what, m.expected, m.actual)) for m in s.mismatches)
    else:
        what = _violated_list(s)
    if not s.has_expect and not s.passed and s.verdict != "unknown":
        what = f"verdict {escape(s.verdict)} without expect" + (f": {what}" if what else "")
    return (
        f'<tr class="{"fail" if result != "PASS" else ""}"><td><span class="badge {result}">'
        f'{result}</span><td><a href="#{anchor}"><code>{escape(s.id)}</code></a>'
        f'<div class="small muted">{escape(s.file)}</div><td>{verdict_html(s.verdict)}'
        f"<td>{_expectations_word(s)}<td>{what or '—'}</tr>"
    )


def _violated_list(s: ScenarioResult) -> str:
    names = [
        f"<code>{escape(p.id)}</code>" + ("" if p.binding else " (goal)")
        for p in s.provisions
        if p.verdict == "violated"
    ]
    if s.joint is not None and not names:
        return "jointly: " + ", ".join(f"<code>{escape(x)}</code>" for x in s.joint.provisions)
    return ", ".join(names)


def _expectations_word(s: ScenarioResult) -> str:
    if s.verdict == "unknown":
        return "not judged"
    if not s.has_expect:
        return "none stated"
    return "met" if not s.mismatches else f"<b>{len(s.mismatches)} not met</b>"


def _first_problem(e: FileError) -> str:
    return e.diagnostics[0].render().splitlines()[0] if e.diagnostics else "could not be judged"


def _errors(errors: list[FileError]) -> str:
    items = "".join(
        f"<li><code>{escape(e.file)}</code><ul>"
        + "".join(f"<li><pre>{escape(d.render())}</pre>" for d in e.diagnostics)
        + "</ul>"
        for e in errors
    )
    return f'<section id="errors"><h2>Files that could not be judged</h2><ul>{items}</ul></section>'
