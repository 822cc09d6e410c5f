"""Stage 7: the pipeline, written once — discover, load, resolve, judge, compare with expectations.

Everything the command line does is a call here, so tests make the same calls.
A library is judged file by file (`onefile.check_file`), in this process or in
worker processes (`pool`), results in file order whatever order they finish in.
Terms files are loaded and resolved once per process (`TermsCache`); a bad file
becomes a `FileError`, and a worker that dies an `unknown` scenario: neither
stops the others from being judged.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.diagnostics import Diagnostic, Diagnostics, Severity, Span
from checker.discover import discover
from checker.judge import Options, make_ahead, settle
from checker.load import display_path, load_any, load_scenario, load_terms
from checker.models import ScenarioFile, TermsFile
from checker.onefile import CheckOptions, check_file, compare_expectations
from checker.records import replace
from checker.resolve import Overrides, TermsCache, TermsResolver, resolve_scenario
from checker.results import FileError, RunResult, ScenarioResult

if TYPE_CHECKING:
    from checker.ir import Provision, Terms
    from checker.pool import Lost
    from checker.results import Because, ProvisionResult

__all__ = [
    "CheckOptions",
    "check_file",
    "check_paths",
    "compare_expectations",
    "discover",
    "explain_provision",
    "lint_paths",
    "load_terms_in_force",
    "shard",
]


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
    if len(files) == 1:  # one scenario is always shown in full
        opts = replace(opts, brief=False)
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
    """Every file's outcome, in the order of `files` whatever order they finish in."""
    results: list[ScenarioResult | FileError | None] = [None] * len(files)
    total = len(files)
    if opts.jobs <= 1 or total <= 1:
        cache = TermsCache()
        threshold = gc.get_threshold()
        try:
            for i, f in enumerate(files):
                # one process: a second core, if any, makes the Z3 context while the file
                # is read (the workers of a parallel run have no core to spare for it)
                make_ahead()
                results[i] = _check_guarded(f, cache, opts)
                if i == 0 and total > 1:  # (one file: nothing comes after to spare)
                    _settle()
                if progress:
                    progress(i + 1, total)
                if opts.exitfirst and _failed(results[i]):
                    break
        finally:  # this process goes on (the command, or whoever called us)
            gc.set_threshold(*threshold)
            settle()
        return results
    from checker.pool import Lost, run_pool  # (multiprocessing: only for runs that use it)

    work = partial(_check_in_worker, opts=opts)
    answers = run_pool(
        work, [str(f) for f in files], min(opts.jobs, total), limit=_watchdog(opts.judge.timeout)
    )
    with closing(answers):  # leaving early (-x, a signal) stops the workers
        for done, (i, answer) in enumerate(answers, 1):
            results[i] = _lost(files[i], answer) if isinstance(answer, Lost) else answer
            if progress:
                progress(done, total)
            if opts.exitfirst and _failed(results[i]):
                break
    return results


def _watchdog(timeout: float | None) -> float | None:
    """How long a worker may stay on one scenario before it is stopped: far enough past
    `--timeout` (which the scenario's own deadline keeps within a second or 10 %) that only
    a worker stuck where the deadline cannot reach it is ever stopped."""
    return None if timeout is None else 2 * timeout + 10


def _lost(path: Path, lost: Lost) -> ScenarioResult:
    """The result of a scenario whose worker ended without answering: `unknown`, with why.
    What the worker said of it once resolved (its id, terms, as_of) is kept."""
    if isinstance(lost.note, ScenarioResult):
        result = lost.note
    else:  # it died before the scenario was resolved: all that is known is the file
        result = ScenarioResult(
            file=display_path(path),
            id=path.stem,
            title=None,
            terms="",
            terms_file="",
            as_of="",
            world="",
            interpretation=None,
            verdict="unknown",
        )
    result.verdict = "unknown"
    result.reason = lost.reason
    result.has_expect = False  # its expectations were never compared: it is not a pass
    return result


# One terms cache per worker process: each terms file is parsed and compiled once there.
_WORKER_CACHE: TermsCache | None = None


def _check_in_worker(
    path: str, note: Callable[[Any], None], opts: CheckOptions
) -> ScenarioResult | FileError | None:
    global _WORKER_CACHE
    first = _WORKER_CACHE is None
    if _WORKER_CACHE is None:
        _WORKER_CACHE = TermsCache()
    result = _check_guarded(Path(path), _WORKER_CACHE, opts, noted=note)
    if first:
        _settle()
    return result


def _check_guarded(
    path: Path,
    cache: TermsCache,
    opts: CheckOptions,
    *,
    noted: Callable[[ScenarioResult], None] | None = None,
) -> ScenarioResult | FileError | None:
    """`check_file`, where a fault of the checker itself costs this scenario (`unknown`,
    with the fault as the reason), never the run nor the other scenarios' results."""
    said: list[ScenarioResult] = []

    def keep(result: ScenarioResult) -> None:
        said.append(result)
        if noted is not None:
            noted(result)

    try:
        return check_file(path, cache, opts, noted=keep)
    except Exception as err:
        from checker.pool import Lost

        where = _innermost(err)
        reason = f"internal error: {type(err).__name__}: {err}{where}"
        return _lost(path, Lost(reason, said[-1] if said else None))


def _settle() -> None:
    """After the first scenario: what is loaded by now (modules, the terms cache) lives
    as long as the process, so Python's cycle collector stops walking it every time
    it collects a scenario's garbage. And it collects less often: a scenario's objects,
    its Z3 context among them, are freed by reference counting, and the collector only
    finds the few cycles left (about 70 small objects a scenario); at the default
    threshold of 700 new objects it ran about five times a 30-report scenario, for
    3.3 ms of its CPU, at 10,000 for 1.1 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])


# the cycle collector's threshold (new objects) in a process that judges many scenarios
COLLECT_AFTER = 10_000


def _innermost(err: BaseException) -> str:
    """` (at file.py:LINE)` of the frame where `err` was raised, for a report to the makers."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    return f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"


def lint_paths(paths: Sequence[Path | str], *, prove: bool = True) -> list[Diagnostic]:
    """Schema and reference checks of terms and scenario files; nothing is judged."""
    # here, not at the top: the map files' models cost `check` start-up and it reads none
    from checker.datasets.mapfile import is_map_file, load_map

    files, problems = discover(paths, want="any")
    out = list(problems)
    cache = TermsCache()
    for f in files:
        shown = display_path(f)
        diags = Diagnostics()
        if is_map_file(f):  # its names are checked by `checker import`, against terms and export
            load_map(f, diags)
            loaded = None
        else:
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
    ids = [x.id for x in scenario.terms.provisions] + [d.id for d in scenario.terms.dormant]
    if pid not in ids:
        from checker.diagnostics import did_you_mean

        diags.add("R208", Span(display_path(p), 1, 1), hint=did_you_mean(pid, ids), name=pid)
        return None, diags.sorted()
    judge = Judge(scenario, Options(explain=True, explain_only=pid))
    result = judge.run()
    judge.session.close()
    compare_expectations(result, scenario)
    mine = next(x for x in result.provisions if x.id == pid)
    # the reports fulfilling a complied require/achieve are its proof (`because`)
    extra = mine.because if mine.verdict == "complied" else ()
    provision = scenario.terms.provision(pid)
    # notes on the terms are for `checker lint` and `checker provisions`
    return (result, mine, extra, provision), [
        d for d in diags.sorted() if d.severity is not Severity.NOTE
    ]


def vocabulary(path: Path | str) -> tuple[str | None, list[Diagnostic]]:
    """`checker vocab`: the vocabulary of a terms file as text; (text, diagnostics).
    Given a scenario, the vocabulary of the terms it names: what it may say."""
    from checker.report.vocabulary import render_vocabulary

    found = Diagnostics()
    loaded = load_any(path, found)
    if loaded is None:
        return None, found.sorted()
    if isinstance(loaded.model, ScenarioFile):
        path = Path(path).parent / loaded.model.scenario.terms
    terms, diags = load_terms_in_force(path)
    return (render_vocabulary(terms) if terms is not None else None), diags


def new_scenario(
    path: Path | str, terms_path: Path | str, *, as_of: str | None = None
) -> list[Diagnostic]:
    """`checker new`: write a commented scenario skeleton at `path` for the terms at
    `terms_path`. An existing `path` is never replaced (O501); missing folders are made."""
    import os

    from checker import timeutil as tu
    from checker.report.skeleton import render_skeleton, scenario_id

    target = Path(path)
    shown = display_path(target, follow=False)
    if os.path.lexists(target):
        why = "it exists already, and `checker new` never replaces a file"
        return [_entry_problem(shown, "O501", what="scenario", reason=why)]
    terms, diags = load_terms_in_force(terms_path)
    if terms is None or any(d.severity is Severity.ERROR for d in diags):
        return diags
    if as_of is not None:
        try:
            tu.window_until(as_of, terms.zone)
        except tu.TimeError as err:
            return [*diags, _entry_problem("--as-of", err.code, **err.params)]
    rel = os.path.relpath(Path(terms_path).resolve(), target.parent.resolve())
    typed = display_path(terms_path)
    text = render_skeleton(terms, scenario_id(target.stem), Path(rel).as_posix(), as_of, typed)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as out:  # "x": never over a file made meanwhile
            out.write(text)
    except OSError as err:
        return [
            *diags,
            _entry_problem(shown, "O501", what="scenario", reason=err.strerror or str(err)),
        ]
    return diags


def _entry_problem(file: str, code: str, **params: object) -> Diagnostic:
    """A problem with a file as a whole (line 0: shown as `path: message [CODE]`)."""
    diags = Diagnostics()
    diags.add(code, Span(file, 0, 0), None, (), None, **params)
    return diags.sorted()[0]
