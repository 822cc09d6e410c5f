"""Diagnostics as `file:line:col: message [code]` lines (hints indented below), input escaped."""

from __future__ import annotations

from collections.abc import Iterable

from checker.diagnostics import Diagnostic
from checker.untrusted import clean


def render_diagnostics(diags: Iterable[Diagnostic]) -> str:
    return "".join(d.render() + "\n" for d in clean(list(diags)))
