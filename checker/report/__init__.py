"""Stage 6: every output format, and diagnostics rendering — the only place output is formatted.

Each format's module is imported when it is first used (`FORMATS[name]`, or one of the
names below read from this package), so a run pays only for the formats it writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.report.compact import render_compact
    from checker.report.diagnostics import render_diagnostics
    from checker.report.github import render_github
    from checker.report.json import render_json, report_schema
    from checker.report.junit import render_junit
    from checker.report.markdown import render_markdown
    from checker.report.sarif import render_sarif
    from checker.report.text import render_text

# every name this package offers: the module (under checker.report) it comes from
_HOMES = {
    "render_compact": "compact",
    "render_diagnostics": "diagnostics",
    "render_github": "github",
    "render_json": "json",
    "report_schema": "json",
    "render_junit": "junit",
    "render_markdown": "markdown",
    "render_sarif": "sarif",
    "render_text": "text",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


class _Formats(Mapping[str, Callable[..., str]]):
    """Format name to renderer; a renderer's module is imported on first look-up."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names

    def __getitem__(self, key: str) -> Callable[..., str]:
        renderer: Callable[..., str] = __getattr__(self._names[key])
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


# in the order of the command line's `--format text|compact|json|junit|sarif|github|markdown`
FORMATS: Mapping[str, Callable[..., str]] = _Formats(
    {
        "text": "render_text",
        "compact": "render_compact",
        "json": "render_json",
        "junit": "render_junit",
        "sarif": "render_sarif",
        "github": "render_github",
        "markdown": "render_markdown",
    }
)


def shows_passing_explanations(fmt: str, *, verbose: bool, quiet: bool) -> bool:
    """Whether `fmt` shows what decided the verdicts of a scenario that passed, in a run of
    several scenarios: text gives such a scenario its verdict line alone unless `verbose`;
    with `quiet` compact, github, junit and markdown leave passing scenarios out. A run
    whose formats show none is judged verdicts first (`check_file`)."""
    if fmt == "text":
        return verbose
    if fmt in ("compact", "github", "junit", "markdown"):
        return not quiet
    return True


__all__ = [
    "FORMATS",
    "shows_passing_explanations",
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
