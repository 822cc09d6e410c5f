"""Stage 8: the command line — parse options, call `api`, render, map to one exit code.

`check` is the everyday command (= `checker check`); `checker` has every
subcommand. Only the report goes to stdout; diagnostics go to stderr. Exit
codes follow SPEC §5 with precedence 2, 3, 1, 4.

Start-up time is part of every run, so this module imports only the standard
library's `argparse` at the top: the pipeline, the output formats, `rich` (the
progress bar) and the rest are imported inside the command that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from checker import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INPUT, EXIT_UNKNOWN, EXIT_NOTHING = 0, 1, 2, 3, 4, 5
EXIT_ABORTED = 130  # Ctrl-C: 128 + SIGINT, silently, as before

DESCRIPTION = "Check reported scenarios against the terms of an agreement with the Z3 SMT solver."


class UsageError(Exception):
    """A bad command line: one line on stderr, exit 2."""


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it, without importing shutil
    (and with it bz2, lzma and zlib) on every start."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


class _Parser(argparse.ArgumentParser):
    """argparse with the tool's usage errors: one line, `usage error: ...`, exit 2."""

    def __init__(self, prog: str, description: str) -> None:
        super().__init__(
            prog=prog, description=description, allow_abbrev=False, formatter_class=_Formatter
        )

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _usage(message: str) -> NoReturn:
    raise UsageError(message)


def _version_line() -> str:
    return f"checker {__version__} (z3 {_installed_version('z3-solver')})"


def _installed_version(name: str) -> str:
    """The version of an installed distribution, read from the name of its
    `NAME-VERSION.dist-info` folder on sys.path — what importlib.metadata finds, without
    the 20-40 ms its import costs here; importlib.metadata itself for any other layout."""
    prefix = name.replace("-", "_").lower() + "-"
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.lower().startswith(prefix) and entry.endswith(".dist-info"):
                return entry[len(prefix) : -len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


class _Version(argparse.Action):
    """`--version`: print and exit as soon as it is read (like an eager option)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(_version_line() + "\n")
        parser.exit(EXIT_OK)


def _number(kind: Callable[[str], float], low: float, what: str) -> Callable[[str], Any]:
    """An argparse type: `kind` of the text, at least `low`."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"`{text}` is not {what}") from None
        if value != value or value == float("inf"):  # nan or inf (for no limit: --rlimit 0)
            raise argparse.ArgumentTypeError(f"`{text}` is not a finite number")
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not `{text}`")
        return value

    return parse


# ---------------------------------------------------------------------------------------------
# check


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATHS",
        help="Scenario files or directories (default: `paths` of [tool.checker]).",
    )
    p.add_argument(
        "--terms", type=Path, metavar="FILE", help="Use this terms file for every scenario."
    )
    p.add_argument("--as-of", metavar="DAY", help="Judge as of the end of this day.")
    p.add_argument("--as-known-on", metavar="DAY", help="Ignore reports published after this day.")
    p.add_argument(
        "--interpretation", metavar="NAME", help="Read the terms under this interpretation."
    )
    p.add_argument("--explain", action="store_true", help="Explain open verdicts too.")
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        metavar="FORMAT",
        help="Output format; repeatable (one --output each).",
    )
    p.add_argument(
        "--output",
        dest="outputs",
        action="append",
        type=Path,
        metavar="FILE",
        help="Write the matching --format here.",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_number(int, 1, "an integer"),
        metavar="N",
        help="Processes (default: CPU count).",
    )
    p.add_argument("--shard", metavar="I/N", help="I/N: check only the I-th of N parts.")
    p.add_argument(
        "-k", dest="select", metavar="TEXT", help="Only scenarios whose id or path contains this."
    )
    p.add_argument("-x", "--exitfirst", action="store_true", help="Stop at the first failure.")
    p.add_argument(
        "--timeout",
        type=_number(float, 0.01, "a number"),
        metavar="SECONDS",
        help="Seconds per scenario.",
    )
    p.add_argument(
        "--rlimit",
        type=_number(int, 0, "an integer"),
        metavar="N",
        help="Solver resource limit per question (0: none).",
    )
    p.add_argument("--exit-zero", action="store_true", help="Exit 0 even when scenarios fail.")
    p.add_argument("--color", metavar="WHEN", help="auto, always or never.")
    p.add_argument("-q", "--quiet", action="store_true", help="Only failures and the summary.")
    p.add_argument("-v", "--verbose", action="store_true", help="Show every provision and reading.")
    p.add_argument(
        "--html", type=Path, metavar="FILE", help="Also write a self-contained HTML report here."
    )
    p.add_argument(
        "--dump-smt2",
        type=Path,
        metavar="DIR",
        help="Write every solver question as SMT-LIB2 here.",
    )
    p.add_argument(
        "--show-config", action="store_true", help="Print the configuration in effect and exit."
    )
    p.add_argument("--version", action=_Version, help="Show the version.")


def run_check(
    paths: list[Path] | None = None,
    terms: Path | None = None,
    as_of: str | None = None,
    as_known_on: str | None = None,
    interpretation: str | None = None,
    explain: bool = False,
    formats: list[str] | None = None,
    outputs: list[Path] | None = None,
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
    from checker.config import load_config
    from checker.diagnostics import Diagnostics
    from checker.report import FORMATS, render_diagnostics

    problems = Diagnostics()
    config = load_config(problems)
    if problems.has_errors:
        sys.stderr.write(render_diagnostics(problems.sorted()))
        return EXIT_INPUT
    # flags win over [tool.checker], which wins over the defaults
    if paths:
        config.paths = [str(p) for p in paths]
    if terms is not None:
        config.terms = str(terms)
    if formats:
        config.formats = list(formats)
        config.outputs = [str(o) for o in outputs or []]
    elif outputs:
        config.outputs = [str(o) for o in outputs]
    for name, value in (("jobs", jobs), ("timeout", timeout), ("rlimit", rlimit), ("color", color)):
        if value is not None:
            setattr(config, name, value)
    if interpretation is not None:
        config.interpretation = interpretation
    config.exit_zero = config.exit_zero or exit_zero
    if show_config:
        import json

        sys.stdout.write(json.dumps(config.as_dict(), indent=2) + "\n")
        return EXIT_OK
    for f in config.formats:
        if f not in FORMATS:
            _usage(f"unknown format `{f}` (choose from {', '.join(FORMATS)})")
    if len(config.outputs) > len(config.formats):
        _usage("more --output than --format")
    if config.color not in ("auto", "always", "never"):
        _usage("--color takes auto, always or never")
    shard_spec = _parse_shard(shard) if shard else None

    # the pipeline, imported only now that the command line is known to be good
    from checker.api import CheckOptions, check_paths
    from checker.judge import Options
    from checker.resolve import Overrides

    opts = CheckOptions(
        overrides=Overrides(
            Path(config.terms) if config.terms else None, as_of, as_known_on, config.interpretation
        ),
        judge=Options(
            timeout=config.timeout,
            rlimit=config.rlimit or None,
            dump_smt2=dump_smt2,
            explain=explain,
        ),
        select=select,
        jobs=max(1, int(config.jobs)),
        shard=shard_spec,
        exitfirst=exitfirst,
    )
    with _progress(quiet) as progress:
        run = check_paths(config.paths, opts, progress=progress)
    seen: set[tuple[object, ...]] = set()
    found = [e.diagnostics for e in run.errors] + [s.warnings for s in run.scenarios if s.warnings]
    for diagnostics in found:
        fresh = [d for d in diagnostics if (d.span, d.code, d.message) not in seen]
        seen.update((d.span, d.code, d.message) for d in fresh)
        sys.stderr.write(render_diagnostics(fresh))
    for i, f in enumerate(config.formats):
        to_terminal = i >= len(config.outputs) and sys.stdout.isatty()
        paint = config.color == "always" or (config.color == "auto" and to_terminal)
        text = FORMATS[f](run, verbose=verbose or explain, quiet=quiet, color=paint and f == "text")
        if i < len(config.outputs):
            Path(config.outputs[i]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if html is not None:
        from checker.report.html import render_html

        html.write_text(render_html(run), encoding="utf-8")
    if run.errors:
        return EXIT_INPUT
    if not run.scenarios:
        sys.stderr.write("no scenario files found\n")
        return EXIT_NOTHING
    if run.failed and not config.exit_zero:
        return EXIT_FAILED
    if run.unknown and not config.exit_zero:
        return EXIT_UNKNOWN
    return EXIT_OK


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        _usage(f"--shard takes I/N (like 2/4), not `{text}`")
    if not 1 <= i <= n:
        _usage(f"--shard {text}: I must be between 1 and N")
    return i, n


class _progress:
    """A progress bar on stderr for long runs on a terminal; nothing otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = sys.stderr.isatty() and not quiet
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
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=_stderr_console())
            self.bar.start()
            self.task = self.bar.add_task("checking", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


# ---------------------------------------------------------------------------------------------
# lint, explain, schema, provisions


def _lint_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATHS",
        help="Scenario files or directories (walked in sorted order).",
    )


def run_lint(paths: list[Path]) -> int:
    """Validate terms and scenario files (schema, references, times) without judging."""
    from checker.api import lint_paths
    from checker.diagnostics import Severity
    from checker.report import render_diagnostics

    diags = lint_paths(paths)
    sys.stderr.write(render_diagnostics(diags))
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    if errors:
        sys.stderr.write(f"{errors} error{'s' if errors != 1 else ''}\n")
        return EXIT_INPUT
    return EXIT_OK


def _explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, metavar="SCENARIO", help="A scenario file.")
    p.add_argument("provision", metavar="PROVISION", help="A provision id of its terms.")
    p.add_argument("--as-of", metavar="DAY", help="Judge as of the end of this day.")
    p.add_argument(
        "--interpretation", metavar="NAME", help="Read the terms under this interpretation."
    )


def run_explain(
    scenario: Path, provision: str, as_of: str | None = None, interpretation: str | None = None
) -> int:
    """The full reasoning for one provision in one scenario."""
    from checker.api import explain_provision
    from checker.report import render_diagnostics
    from checker.report.text import render_reasoning

    outcome, diags = explain_provision(
        scenario, provision, as_of=as_of, interpretation=interpretation
    )
    sys.stderr.write(render_diagnostics(diags))
    if outcome is None:
        return EXIT_INPUT
    sys.stdout.write(render_reasoning(*outcome))
    return EXIT_OK


def _schema_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("which", metavar="WHICH", help="terms, scenario or report")


def run_schema(which: str) -> int:
    """Print the JSON Schema of a file kind (for editors and validators)."""
    import json

    doc: dict[str, Any]
    if which == "report":
        from checker.report import report_schema

        doc = report_schema()
    elif which in ("terms", "scenario"):
        from checker.models import ScenarioFile, TermsFile

        model = TermsFile if which == "terms" else ScenarioFile
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        doc.update(model.model_json_schema())
    else:
        _usage(f"unknown schema `{which}` (choose terms, scenario or report)")
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return EXIT_OK


def _provisions_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("terms", type=Path, metavar="TERMS", help="A terms file.")
    p.add_argument("--as-of", metavar="DAY", help="Amendments adopted by this day only.")
    p.add_argument(
        "--interpretation", metavar="NAME", help="Read the terms under this interpretation."
    )


def run_provisions(terms: Path, as_of: str | None = None, interpretation: str | None = None) -> int:
    """The provisions as a table: id, point, form, window, responsible, amendments."""
    from checker.api import load_terms_in_force
    from checker.report import render_diagnostics

    resolved, diags = load_terms_in_force(terms, as_of, interpretation)
    sys.stderr.write(render_diagnostics(diags))
    if resolved is None:
        return EXIT_INPUT
    rows = [("id", "point", "form", "window", "responsible", "amended by")]
    for p in resolved.provisions:
        rows.append(
            (
                p.id,
                p.point or "",
                p.form + ("" if p.binding else " (goal)"),
                p.window_text,
                p.responsible or "",
                ", ".join(p.amended_by),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        sys.stdout.write(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n"
        )
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# the two commands

Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int]]

COMMANDS: dict[str, Command] = {
    "check": (_check_arguments, run_check),
    "lint": (_lint_arguments, run_lint),
    "explain": (_explain_arguments, run_explain),
    "schema": (_schema_arguments, run_schema),
    "provisions": (_provisions_arguments, run_provisions),
}


def _summary(run: Callable[..., int]) -> str:
    return (run.__doc__ or "").strip().splitlines()[0]


def _main_help() -> str:
    width = max(len(name) for name in COMMANDS) + 2
    commands = "".join(f"  {name.ljust(width)}{_summary(c[1])}\n" for name, c in COMMANDS.items())
    return (
        "usage: checker [-h] [--version] COMMAND [ARGS ...]\n\n"
        f"{DESCRIPTION}\n\n"
        f"commands:\n{commands}\n"
        "options:\n"
        f"  {'-h, --help'.ljust(width)}show this help message and exit\n"
        f"  {'--version'.ljust(width)}show the version and exit\n\n"
        "`checker COMMAND --help` shows a command's options; `check` is `checker check`.\n"
    )


def _run_command(prog: str, name: str, argv: Sequence[str]) -> int:
    add_arguments, run = COMMANDS[name]
    parser = _Parser(prog, _summary(run))
    add_arguments(parser)
    # options may come after the paths, as in `check scenarios/ -q`
    args = parser.parse_intermixed_args(argv)
    return run(**vars(args))


def _guarded(body: Callable[[], int]) -> int:
    """Run a command: usage errors as one line and exit 2, Ctrl-C and a closed pipe quietly."""
    try:
        return body()
    except SystemExit as done:  # argparse's --help, and --version
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    except UsageError as err:
        sys.stderr.write(f"usage error: {err}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_ABORTED
    except BrokenPipeError:
        # the reader went away (`check ... | head`): no traceback, and none at exit either
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):  # not a real file (a caller's capture)
            pass
        return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """`checker COMMAND ...`; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)

    def body() -> int:
        if not args:
            sys.stdout.write(_main_help())
            return EXIT_USAGE
        first, rest = args[0], args[1:]
        if first in ("-h", "--help"):
            sys.stdout.write(_main_help())
            return EXIT_OK
        if first == "--version":
            sys.stdout.write(_version_line() + "\n")
            return EXIT_OK
        if first not in COMMANDS:
            what = "option" if first.startswith("-") else "command"
            _usage(
                f"no such {what} `{first}` (choose a command: {', '.join(COMMANDS)};"
                " see `checker --help`)"
            )
        return _run_command(f"checker {first}", first, rest)

    return _guarded(body)


def check_main(argv: Sequence[str] | None = None) -> int:
    """`check ...` (the same as `checker check ...`); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    return _guarded(lambda: _run_command("check", "check", args))


def exit_with(code: int) -> NoReturn:
    """End the process with `code` at once: the atexit handlers run and the output is
    flushed, but the interpreter's teardown (every module and solver object freed one by
    one, 0.1 s after a judged run) is skipped, as mypy does; nothing is left open by then."""
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # the reader went away at the very end
        code = code or EXIT_FAILED
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def checker_script() -> NoReturn:
    """The `checker` console script and `python -m checker`."""
    exit_with(main())


def check_script() -> NoReturn:
    """The `check` console script."""
    exit_with(check_main())
