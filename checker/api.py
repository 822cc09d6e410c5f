"""Stage 7: the pipeline, written once — discover, load, resolve, judge, compare with expectations.

Everything the command line does is a call here, so tests make the same calls.
Terms files are loaded and resolved once per process (`TermsCache`); a bad
file becomes a `FileError` and never stops the others from being judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.diagnostics import Diagnostic, Diagnostics, Severity
from checker.judge import Options, judge
from checker.load import load_any, load_scenario
from checker.models import ScenarioFile, TermsFile
from checker.resolve import Overrides, TermsCache, TermsResolver, resolve_scenario
from checker.results import FileError, Mismatch, RunResult, ScenarioResult

YAML_SUFFIXES = (".yaml", ".yml")
_SCENARIO_KEY = re.compile(rb"^scenario\s*:", re.MULTILINE)
_TERMS_KEY = re.compile(rb"^agreement\s*:", re.MULTILINE)


@dataclass
class CheckOptions:
    overrides: Overrides = field(default_factory=Overrides)
    judge: Options = field(default_factory=Options)
    select: str | None = None  # -k: substring of id or path


def display_path(path: Path) -> str:
    """Paths relative to the working directory when below it, as users typed them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(
    paths: Iterable[Path | str], *, want: str = "scenario"
) -> tuple[list[Path], list[Diagnostic]]:
    """Files to work on: named files as given, directories walked in sorted order.

    In a directory, YAML files that are plainly of the other language are
    skipped; files whose kind cannot be told (unreadable, not YAML) are kept so
    their problems are reported, never silently dropped.
    """
    found: list[Path] = []
    problems = Diagnostics()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.suffix in YAML_SUFFIXES and x.is_file()):
                if _kind_hint(f) in (want, "unknown") or want == "any":
                    found.append(f)
        elif p.exists():
            found.append(p)
        else:
            problems.add("Y001", _span(p), reason="no such file or directory")
    return found, problems.sorted()


def _span(p: Path):  # type: ignore[no-untyped-def]
    from checker.diagnostics import Span

    return Span(display_path(p), 1, 1)


def _kind_hint(path: Path) -> str:
    try:
        head = path.read_bytes()[: 1 << 20]
    except OSError:
        return "unknown"
    if _SCENARIO_KEY.search(head):
        return "scenario"
    if _TERMS_KEY.search(head):
        return "terms"
    return "other"


def check_paths(paths: Sequence[Path | str], opts: CheckOptions | None = None) -> RunResult:
    opts = opts or CheckOptions()
    files, missing = discover(paths)
    run = RunResult()
    if missing:
        for d in missing:
            run.errors.append(FileError(d.span.file, [d]))
    cache = TermsCache()
    for f in files:
        shown = display_path(f)
        if opts.select and opts.select not in shown and opts.select not in f.stem:
            continue
        outcome = check_file(f, cache, opts)
        if isinstance(outcome, FileError):
            run.errors.append(outcome)
        else:
            if opts.select and opts.select not in shown and opts.select not in outcome.id:
                continue
            run.scenarios.append(outcome)
    return run


def check_file(path: Path, cache: TermsCache, opts: CheckOptions) -> ScenarioResult | FileError:
    shown = display_path(path)
    diags = Diagnostics()
    loaded = load_scenario(path, diags, display=shown)
    scenario = resolve_scenario(loaded, diags, cache, opts.overrides) if loaded else None
    if scenario is None or diags.has_errors:
        if not diags.has_errors:
            diags.add("E902", _span(path), message="the scenario could not be resolved")
        return FileError(shown, [d for d in diags.sorted()])
    result = judge(scenario, opts.judge)
    compare_expectations(result, scenario)
    return result


def compare_expectations(result: ScenarioResult, scenario) -> None:  # type: ignore[no-untyped-def]
    exp = scenario.expect
    if exp is None:
        return
    if exp.verdict is not None and exp.verdict != result.verdict:
        result.mismatches.append(Mismatch("verdict", exp.verdict, result.verdict, scenario.span))
    by_id = {p.id: p for p in result.provisions}
    for pid, verdict, span in exp.provisions:
        actual = by_id[pid].verdict if pid in by_id else "absent"
        if actual != verdict:
            result.mismatches.append(Mismatch(pid, verdict, actual, span))


def lint_paths(paths: Sequence[Path | str]) -> list[Diagnostic]:
    """Schema and reference checks of terms and scenario files; nothing is judged."""
    files, problems = discover(paths, want="any")
    out = list(problems)
    cache = TermsCache()
    for f in files:
        shown = display_path(f)
        diags = Diagnostics()
        loaded = load_any(f, diags, display=shown)
        if loaded is not None and isinstance(loaded.model, ScenarioFile):
            resolve_scenario(loaded, diags, cache, Overrides())  # type: ignore[arg-type]
        elif loaded is not None and isinstance(loaded.model, TermsFile):
            resolver = TermsResolver(loaded, diags, _load_terms)  # type: ignore[arg-type]
            if resolver.ok:
                resolver.resolve(None, None)
                for name in loaded.model.interpretations:
                    resolver.resolve(None, name)
        out.extend(
            d for d in diags.sorted() if d.span.file == shown or d.severity is Severity.ERROR
        )
    unique: dict[tuple[object, ...], Diagnostic] = {}
    for d in out:
        unique.setdefault((d.span, d.code, d.message), d)
    return sorted(unique.values(), key=Diagnostic.sort_key)


def _load_terms(path: Path, diags: Diagnostics):  # type: ignore[no-untyped-def]
    from checker.load import load_terms

    return load_terms(path, diags, display=display_path(path))


def load_terms_in_force(
    path: Path | str, as_of: str | None = None, interpretation: str | None = None
):  # type: ignore[no-untyped-def]
    """The terms of a file, resolved (for `provisions` and tests); (terms, diagnostics)."""
    from checker import timeutil as tu
    from checker.load import load_terms

    diags = Diagnostics()
    p = Path(path)
    loaded = load_terms(p, diags, display=display_path(p))
    if loaded is None:
        return None, diags.sorted()
    resolver = TermsResolver(loaded, diags, _load_terms)
    if not resolver.ok:
        return None, diags.sorted()
    minute = tu.window_until(as_of, resolver.main.zone) if as_of else None
    return resolver.resolve(minute, interpretation), diags.sorted()
