"""Stage 6: every output format, and diagnostics rendering — the only place output is formatted."""

from checker.report.compact import render_compact
from checker.report.diagnostics import render_diagnostics
from checker.report.github import render_github
from checker.report.json import render_json, report_schema
from checker.report.junit import render_junit
from checker.report.markdown import render_markdown
from checker.report.sarif import render_sarif
from checker.report.text import render_text

# in the order of SPEC §5's `--format text|compact|json|junit|sarif|github|markdown`
FORMATS = {
    "text": render_text,
    "compact": render_compact,
    "json": render_json,
    "junit": render_junit,
    "sarif": render_sarif,
    "github": render_github,
    "markdown": render_markdown,
}

__all__ = [
    "FORMATS",
    "render_compact",
    "render_diagnostics",
    "render_github",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "render_text",
    "report_schema",
]
