"""Stage 3 helpers shared by terms and scenario resolution: positions and time errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from checker.diagnostics import Diagnostics, Span
from checker.records import record
from checker.timeutil import TimeError
from checker.yamlvalues import YamlDoc, YamlPath

T = TypeVar("T")


@record(frozen=True)
class Where:
    """A position in a document, for values that may have come from another file."""

    doc: YamlDoc
    path: YamlPath

    def __truediv__(self, part: str | int) -> Where:
        return Where(self.doc, (*self.path, part))

    @property
    def span(self) -> Span:
        return self.doc.span(self.path)

    @property
    def key_span(self) -> Span:
        return self.doc.key_span(self.path)


DATE_FORMS = (
    "dates are read as 2020-11-10, 2020-11 (the month), 2020 (the year), 2020-11-10T14:30 "
    "(with +04:00 or Z for a zone), or a window {from: 2020-11-10, to: 2020-11-12}"
)


def timed(diags: Diagnostics, where: Where, fn: Callable[..., T], *args: Any) -> T | None:
    """Run a timeutil call, turning its `TimeError` into a diagnostic at `where`."""
    try:
        return fn(*args)
    except TimeError as err:
        params = dict(err.params)
        hint = params.pop("hint", None)  # some errors bring their own (T307)
        what = str(params.get("what", ""))
        if hint is None and err.code == "T301" and "date" in what and "skip" not in what:
            hint = DATE_FORMS
        diags.add(err.code, where.span, hint=hint, **params)
        return None
