"""Stage 6: every output format, and diagnostics rendering — the only place output is formatted."""

from checker.report.diagnostics import render_diagnostics
from checker.report.json import render_json, report_schema
from checker.report.text import render_text

FORMATS = {"text": render_text, "json": render_json}

__all__ = ["FORMATS", "render_diagnostics", "render_json", "render_text", "report_schema"]
