"""Stage 8: `check` — options over the configuration, `api.check_paths`, then the reports.

Each report goes where its `--format` was bound: a file (written whole or not at
all) or stdout, one format at most. SIGTERM and SIGHUP stop the run as Ctrl-C
does: the workers are stopped and no output file is left half-written. A report
that cannot be written is one line on stderr and exit 3; the others are still
written.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from checker.cli.common import (
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_UNKNOWN,
    Stopped,
    say,
    started,
    usage,
)

if TYPE_CHECKING:
    from checker.config import Config
    from checker.results import RunResult


class Target(NamedTuple):
    """One report: its format, and its file (None: stdout)."""

    format: str
    path: Path | None


def run_check(
    paths: list[Path] | None = None,
    terms: Path | None = None,
    as_of: str | None = None,
    as_known_on: str | None = None,
    interpretation: str | None = None,
    explain: bool = False,
    targets: list[tuple[str, Path | None]] | None = None,
    jobs: int | None = None,
    shard: str | None = None,
    select: str | None = None,
    exitfirst: bool = False,
    timeout: float | None = None,
    rlimit: int | None = None,
    exit_zero: bool = False,
    color: str | None = None,
    quiet: bool = False,
    verbose: bool = False,
    html: Path | None = None,
    dump_smt2: Path | None = None,
    show_config: bool = False,
) -> int:
    """Check scenario files against their terms."""
    from checker.config import DEFAULT, load_config
    from checker.diagnostics import Diagnostics
    from checker.report import render_diagnostics

    problems = Diagnostics()
    config = load_config(problems)
    if problems.has_errors:
        say(render_diagnostics(problems.sorted()))
        return EXIT_INPUT
    _apply_flags(
        config,
        paths=[str(p) for p in paths] if paths else None,
        terms=None if terms is None else str(terms),
        targets=targets,
        jobs=jobs,
        timeout=timeout,
        rlimit=rlimit,
        color=color,
        interpretation=interpretation,
        exit_zero=exit_zero or None,
    )
    if show_config:
        from checker.outputs import write_stdout

        write_stdout(config.show())
        return EXIT_OK
    reports = _targets(config, html)
    if config.color not in ("auto", "always", "never"):
        usage("--color takes auto, always or never")
    shard_spec = _parse_shard(shard) if shard else None

    # the pipeline, imported only now that the command line is known to be good
    from checker.z3load import import_z3

    import_z3()  # (first, the quick way: see checker/z3load.py)
    from checker.api import CheckOptions, check_paths
    from checker.judge import Options
    from checker.resolve import Overrides

    started()

    opts = CheckOptions(
        overrides=Overrides(
            Path(config.terms) if config.terms else None, as_of, as_known_on, config.interpretation
        ),
        judge=Options(
            timeout=config.timeout,
            rlimit=config.rlimit or None,
            dump_smt2=dump_smt2,
            explain=explain,
            timeline=html is not None,
        ),
        select=select,
        jobs=max(1, int(config.jobs)),
        shard=shard_spec,
        exitfirst=exitfirst,
        brief=is_brief(reports, verbose=verbose or explain, quiet=quiet)
        and html is None
        and dump_smt2 is None,
    )
    with _stopped_by_signals():
        with _progress(quiet) as progress:
            run = check_paths(_paths(config), opts, progress=progress)
        _say_diagnostics(run)
        unwritten = _write_reports(run, reports, html, config, verbose or explain, quiet)
    if unwritten or run.errors:
        return EXIT_INPUT
    if not run.scenarios:
        default = config.origin("paths") == DEFAULT
        say("no scenario files found" + (f" ({NOTHING_HERE})" if default else "") + "\n")
        return EXIT_NOTHING
    if run.failed and not config.exit_zero:
        return EXIT_FAILED
    if run.unknown and not config.exit_zero:
        return EXIT_UNKNOWN
    return EXIT_OK


def is_brief(reports: list[Target], *, verbose: bool, quiet: bool) -> bool:
    """No report shows why a passing scenario got its verdicts (the html report and
    `--dump-smt2` aside, which the caller weighs): the run may judge verdicts first."""
    from checker.report import shows_passing_explanations

    return not any(
        shows_passing_explanations(t.format, verbose=verbose, quiet=quiet) for t in reports
    )


NOTHING_HERE = "no PATHS given, none in [tool.checker], and no scenarios/ folder here"


def _paths(config: Config) -> list[str]:
    """What to check: the default `scenarios` only where there is one (without it, no
    scenario files are found: exit 5, not an input error about a folder nobody named)."""
    from checker.config import DEFAULT

    if config.origin("paths") == DEFAULT:
        return [p for p in config.paths if os.path.lexists(p)]
    return config.paths


def _apply_flags(
    config: Config, targets: list[tuple[str, Path | None]] | None, **flags: Any
) -> None:
    """Flags win over [tool.checker], which wins over the defaults; a flag not given (None)
    leaves the value as it was."""
    from checker.config import COMMAND_LINE

    for name, value in flags.items():
        if value is not None:
            config.set(name, value, COMMAND_LINE)
    if targets:
        # files first, then stdout: the same pairing by position as in [tool.checker]
        formats = [f for f, o in targets if o is not None] + [f for f, o in targets if o is None]
        config.set("formats", formats, COMMAND_LINE)
        config.set("outputs", [str(o) for _, o in targets if o is not None], COMMAND_LINE)


def _targets(config: Config, html: Path | None) -> list[Target]:
    """The reports to write, checked: known formats, one to stdout at most, no file twice."""
    from checker.report import FORMATS

    for f in config.formats:
        if f not in FORMATS:
            usage(f"unknown format `{f}` (choose from {', '.join(FORMATS)})")
    if len(config.outputs) > len(config.formats):
        usage("more outputs than formats in [tool.checker]")
    outputs: list[Path | None] = [Path(o) for o in config.outputs]
    outputs += [None] * (len(config.formats) - len(outputs))
    targets = [Target(f, o) for f, o in zip(config.formats, outputs, strict=True)]
    to_stdout = [t.format for t in targets if t.path is None]
    if len(to_stdout) > 1:
        names = ", ".join(to_stdout[:-1]) + " and " + to_stdout[-1]
        usage(
            f"formats {names} would all write to stdout:"
            " give all but one of them an --output FILE right after it"
        )
    seen: dict[str, str] = {}
    files = [(t.format, t.path) for t in targets if t.path is not None]
    for what, path in files + ([("--html", html)] if html is not None else []):
        key = str(path.resolve())
        if key in seen:
            usage(f"{seen[key]} and {what} would both write to {path}")
        seen[key] = what
    return targets


def _say_diagnostics(run: RunResult) -> None:
    """Every diagnostic of the run on stderr, each once (a terms file shared by several
    scenarios reports its problems once)."""
    from checker.report import render_diagnostics

    seen: set[tuple[object, ...]] = set()
    found = [e.diagnostics for e in run.errors] + [s.warnings for s in run.scenarios if s.warnings]
    for diagnostics in found:
        fresh = [d for d in diagnostics if (d.span, d.code, d.message) not in seen]
        seen.update((d.span, d.code, d.message) for d in fresh)
        say(render_diagnostics(fresh))


def _write_reports(
    run: RunResult,
    targets: list[Target],
    html: Path | None,
    config: Config,
    verbose: bool,
    quiet: bool,
) -> int:
    """Render and write every report; the number that could not be written (each said)."""
    from checker.outputs import STDOUT, OutputError, write_report, write_stdout
    from checker.report import FORMATS

    failed: list[tuple[str, OutputError]] = []
    for t in targets:
        to_terminal = t.path is None and sys.stdout is not None and sys.stdout.isatty()
        paint = config.color == "always" or (config.color == "auto" and to_terminal)
        text = FORMATS[t.format](
            run,
            verbose=verbose,
            quiet=quiet,
            color=paint and t.format == "text",
            exit_zero=config.exit_zero,
        )
        try:
            if t.path is None:
                write_stdout(text)
            else:
                write_report(t.path, text)
        except OutputError as err:
            failed.append((f"{t.format} report", err))
    if html is not None:
        from checker.report.html import render_html

        try:
            write_report(html, render_html(run))
        except OutputError as err:
            failed.append(("html report", err))
    if failed:
        from checker.diagnostics import Diagnostics, Span
        from checker.load import display_path
        from checker.report import render_diagnostics

        problems = Diagnostics()
        for what, problem in failed:
            where = problem.target
            shown = where if where == STDOUT else display_path(where)
            problems.add("O501", Span(shown, 0, 0), what=what, reason=problem.reason)
        say(render_diagnostics(problems.items))
    return len(failed)


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        usage(f"--shard takes I/N (like 2/4), not `{text}`")
    if not 1 <= i <= n:
        usage(f"--shard {text}: I must be between 1 and N")
    return i, n


# what stops a run like Ctrl-C does: the job's cancellation (SIGTERM), a closed terminal (SIGHUP)
_STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class _stopped_by_signals:
    """While judging and writing: SIGTERM and SIGHUP raise `Stopped`, so the workers are
    stopped and no temporary file is left behind on the way out (as with Ctrl-C)."""

    def __enter__(self) -> None:
        import threading

        self.before: dict[int, Any] = {}
        # only the main thread may set handlers (a caller's thread: its own business)
        if threading.current_thread() is threading.main_thread():
            self.before = {s: signal.signal(s, _stop) for s in _STOPPING}

    def __exit__(self, *exc: object) -> None:
        for s, handler in self.before.items():
            signal.signal(s, handler)


def _stop(signum: int, _: FrameType | None) -> None:
    raise Stopped(signum, signal.Signals(signum).name)


class _progress:
    """A progress bar on stderr for long runs on a terminal; nothing otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = sys.stderr is not None and sys.stderr.isatty() and not quiet
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.enabled:
            return None
        return self.update

    def update(self, done: int, total: int) -> None:
        if total < 20:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=Console(stderr=True))
            self.bar.start()
            self.task = self.bar.add_task("checking", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
