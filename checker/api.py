"""Stage 7: the pipeline, written once — discover, load, resolve, judge, compare with expectations.

Everything the command line does is a call here, so tests make the same calls.
Terms files are loaded and resolved once per process (`TermsCache`); a bad
file becomes a `FileError` and never stops the others from being judged.
"""

from __future__ import annotations

import codecs
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker.answers import Deadline
from checker.diagnostics import Diagnostic, Diagnostics, Severity
from checker.judge import Options, judge
from checker.load import display_path, load_any, load_scenario, load_terms
from checker.models import ScenarioFile, TermsFile
from checker.resolve import Overrides, TermsCache, TermsResolver, resolve_scenario
from checker.results import FileError, Mismatch, RunResult, ScenarioResult

if TYPE_CHECKING:
    from checker.ir import Provision, Terms
    from checker.results import Because, ProvisionResult

YAML_SUFFIXES = (".yaml", ".yml")
_SCENARIO_KEY = re.compile(rb"^scenario\s*:", re.MULTILINE)
_TERMS_KEY = re.compile(rb"^agreement\s*:", re.MULTILINE)


@dataclass
class CheckOptions:
    overrides: Overrides = field(default_factory=Overrides)
    judge: Options = field(default_factory=Options)
    select: str | None = None  # -k: substring of id or path
    jobs: int = 1
    shard: tuple[int, int] | None = None  # (I, N), 1-based
    exitfirst: bool = False


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
    try:
        codecs.getincrementaldecoder("utf-8")().decode(
            head, final=False
        )  # head may cut a character
    except UnicodeDecodeError:
        return "unknown"  # not text: report it rather than guess it is not a scenario
    return "unknown" if b"\x00" in head else "other"


def shard(files: list[Path], spec: tuple[int, int] | None) -> list[Path]:
    """Shard I of N (1-based): every N-th file of the sorted list, starting at the I-th.

    The union of the N shards is every file, each exactly once, whatever N.
    """
    if spec is None:
        return files
    index, count = spec
    return [f for i, f in enumerate(files) if i % count == index - 1]


def check_paths(
    paths: Sequence[Path | str],
    opts: CheckOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Check every scenario under `paths`; results come in sorted file order."""
    opts = opts or CheckOptions()
    files, missing = discover(paths)
    files = shard(files, opts.shard)
    run = RunResult()
    for d in missing:
        run.errors.append(FileError(d.span.file, [d]))
    for outcome in _run_files(files, opts, progress):
        if isinstance(outcome, FileError):
            run.errors.append(outcome)
        elif outcome is not None:
            run.scenarios.append(outcome)
    return run


def _failed(outcome: ScenarioResult | FileError | None) -> bool:
    if isinstance(outcome, FileError):
        return True
    return outcome is not None and not outcome.passed


def _run_files(
    files: list[Path], opts: CheckOptions, progress: Callable[[int, int], None] | None
) -> list[ScenarioResult | FileError | None]:
    results: list[ScenarioResult | FileError | None] = [None] * len(files)
    total = len(files)
    if opts.jobs <= 1 or total <= 1:
        cache = TermsCache()
        for i, f in enumerate(files):
            results[i] = check_file(f, cache, opts)
            if i == 0:
                _settle()
            if progress:
                progress(i + 1, total)
            if opts.exitfirst and _failed(results[i]):
                break
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    done = 0
    with ProcessPoolExecutor(max_workers=min(opts.jobs, total), mp_context=ctx) as pool:
        futures = {pool.submit(_check_in_worker, str(f), opts): i for i, f in enumerate(files)}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            done += 1
            if progress:
                progress(done, total)
            if opts.exitfirst and _failed(results[i]):
                for other in futures:
                    other.cancel()
                break
    return results


# One terms cache per worker process: each terms file is parsed and compiled once there.
_WORKER_CACHE: TermsCache | None = None


def _check_in_worker(path: str, opts: CheckOptions) -> ScenarioResult | FileError | None:
    global _WORKER_CACHE
    first = _WORKER_CACHE is None
    if _WORKER_CACHE is None:
        _WORKER_CACHE = TermsCache()
    result = check_file(Path(path), _WORKER_CACHE, opts)
    if first:
        _settle()
    return result


def _settle() -> None:
    """After the first scenario: what is loaded by now (modules, the terms cache) lives
    as long as the process, so Python's cycle collector stops walking it every time
    it collects a scenario's garbage."""
    import gc

    gc.collect()
    gc.freeze()


def check_file(
    path: Path, cache: TermsCache, opts: CheckOptions
) -> ScenarioResult | FileError | None:
    """Load, resolve and judge one scenario file (None: not selected by `-k`).

    `--timeout` bounds all of it, loading included, and `duration` counts all of it.
    """
    began = time.monotonic()
    deadline = Deadline(opts.judge.timeout)
    shown = display_path(path)
    diags = Diagnostics()
    loaded = load_scenario(path, diags, display=shown)
    if opts.select and loaded is not None:
        if opts.select not in shown and opts.select not in loaded.model.scenario.id:
            return None
    every_reading = opts.overrides.interpretation == ALL_READINGS
    overrides = replace(opts.overrides, interpretation=None) if every_reading else opts.overrides
    scenario = resolve_scenario(loaded, diags, cache, overrides) if loaded else None
    if scenario is None or diags.has_errors:
        if not diags.has_errors:
            diags.add("E902", _span(path), message="the scenario could not be resolved")
        return FileError(shown, [d for d in diags.sorted()])
    result = judge(scenario, opts.judge, deadline)
    result.warnings = [d for d in diags.sorted() if d.severity is Severity.WARNING]
    compare_expectations(result, scenario)
    if every_reading and loaded is not None:
        _judge_every_reading(result, scenario, loaded, diags, cache, opts, deadline)
        if diags.has_errors:
            return FileError(shown, [d for d in diags.sorted()])
    result.duration = time.monotonic() - began
    return result


ALL_READINGS = "all"


def _judge_every_reading(result, scenario, loaded, diags, cache, opts, deadline) -> None:  # type: ignore[no-untyped-def]
    """`--interpretation all`: judge under each reading too and mark what differs.

    The result stays the scenario's own reading (what `expect` is checked against);
    each provision lists the readings under which its verdict is different.
    Expectations are not read under the other readings, so an expectation on a
    provision that only the scenario's own reading has is not an error there.
    """
    from checker.resolve.scenario import NO_READING

    base = scenario.interpretation or NO_READING
    verdicts: dict[str, dict[str, str]] = {base: {p.id: p.verdict for p in result.provisions}}
    result.reading_verdicts = {base: result.verdict}
    for name in [NO_READING, *scenario.terms.interpretations]:
        if name == base:
            continue
        reading = replace(opts.overrides, interpretation=name, expectations=False)
        other = resolve_scenario(loaded, diags, cache, reading)
        if other is None:
            continue
        judged = judge(other, opts.judge, deadline)
        verdicts[name] = {p.id: p.verdict for p in judged.provisions}
        result.reading_verdicts[name] = judged.verdict
    result.provisions = [
        replace(
            p,
            by_reading=tuple(
                (name, v.get(p.id, "absent"))
                for name, v in verdicts.items()
                if v.get(p.id, "absent") != p.verdict
            ),
        )
        for p in result.provisions
    ]
    extra = sorted(
        {pid for v in verdicts.values() for pid in v} - {p.id for p in result.provisions}
    )
    for pid in extra:  # provisions that only some reading adds
        result.by_reading_only[pid] = tuple(
            (name, v[pid]) for name, v in verdicts.items() if pid in v
        )


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


def lint_paths(paths: Sequence[Path | str], *, prove: bool = True) -> list[Diagnostic]:
    """Schema and reference checks of terms and scenario files; nothing is judged."""
    files, problems = discover(paths, want="any")
    out = list(problems)
    cache = TermsCache()
    for f in files:
        shown = display_path(f)
        diags = Diagnostics()
        loaded = load_any(f, diags, display=shown)
        if loaded is not None and isinstance(loaded.model, ScenarioFile):
            resolve_scenario(loaded, diags, cache, Overrides())
        elif loaded is not None and isinstance(loaded.model, TermsFile):
            resolver = TermsResolver(loaded, diags, load_terms)
            if resolver.ok:
                terms = resolver.resolve(None, None)
                for name in loaded.model.interpretations:
                    resolver.resolve(None, name)
                if terms is not None and not diags.has_errors and prove:
                    from checker.lint import lint_terms

                    lint_terms(terms, diags)
        out.extend(
            d for d in diags.sorted() if d.span.file == shown or d.severity is Severity.ERROR
        )
    unique: dict[tuple[object, ...], Diagnostic] = {}
    for d in out:
        unique.setdefault((d.span, d.code, d.message), d)
    return sorted(unique.values(), key=Diagnostic.sort_key)


def load_terms_in_force(
    path: Path | str, as_of: str | None = None, interpretation: str | None = None
) -> tuple[Terms | None, list[Diagnostic]]:
    """The terms of a file, resolved (for `provisions` and tests); (terms, diagnostics)."""
    from checker import timeutil as tu

    diags = Diagnostics()
    p = Path(path)
    loaded = load_terms(p, diags)
    if loaded is None:
        return None, diags.sorted()
    resolver = TermsResolver(loaded, diags, load_terms)
    if not resolver.ok:
        return None, diags.sorted()
    minute = tu.window_until(as_of, resolver.main.zone) if as_of else None
    return resolver.resolve(minute, interpretation), diags.sorted()


def explain_provision(
    path: Path | str, pid: str, *, as_of: str | None = None, interpretation: str | None = None
) -> tuple[
    tuple[ScenarioResult, ProvisionResult, tuple[Because, ...], Provision | None] | None,
    list[Diagnostic],
]:
    """((scenario result, the provision's result, reports fulfilling it), diagnostics)."""
    from checker.diagnostics import Span
    from checker.explain import fulfilled_by
    from checker.judge import Judge

    p = Path(path)
    diags = Diagnostics()
    loaded = load_scenario(p, diags)
    scenario = (
        resolve_scenario(loaded, diags, TermsCache(), Overrides(None, as_of, None, interpretation))
        if loaded
        else None
    )
    if scenario is None or diags.has_errors:
        return None, diags.sorted()
    ids = [x.id for x in scenario.terms.provisions]
    if pid not in ids:
        from checker.diagnostics import did_you_mean

        diags.add("R208", Span(display_path(p), 1, 1), hint=did_you_mean(pid, ids), name=pid)
        return None, diags.sorted()
    judge = Judge(scenario, Options(explain=True))
    result = judge.run()
    judge.session.close()
    compare_expectations(result, scenario)
    mine = next(x for x in result.provisions if x.id == pid)
    extra: tuple[Because, ...] = ()
    if mine.verdict == "complied" and mine.form in ("require", "achieve"):
        with judge.scope():
            extra = fulfilled_by(judge, pid, judge.report_lits)
    provision = scenario.terms.provision(pid)
    return (result, mine, extra, provision), diags.sorted()
