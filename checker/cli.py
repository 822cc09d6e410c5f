"""Stage 8: the command line — parse options, call `api`, render, map to one exit code.

`check` is the everyday command (= `checker check`); `checker` has every
subcommand. Only the report goes to stdout; diagnostics go to stderr. Exit
codes follow SPEC §5 with precedence 2, 3, 1, 4.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from checker import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INPUT, EXIT_UNKNOWN, EXIT_NOTHING = 0, 1, 2, 3, 4, 5

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check reported scenarios against the terms of an agreement with the Z3 SMT solver.",
    pretty_exceptions_enable=False,
)
check_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"checker {__version__} (z3 {version('z3-solver')})")
        raise typer.Exit(EXIT_OK)


Paths = Annotated[
    list[Path], typer.Argument(help="Scenario files or directories (walked in sorted order).")
]


def run_check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Scenario files or directories (default: `paths` of [tool.checker]).",
            show_default=False,
        ),
    ] = None,
    terms: Annotated[
        Path | None, typer.Option("--terms", help="Use this terms file for every scenario.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge as of the end of this day.")
    ] = None,
    as_known_on: Annotated[
        str | None, typer.Option("--as-known-on", help="Ignore reports published after this day.")
    ] = None,
    interpretation: Annotated[
        str | None,
        typer.Option("--interpretation", help="Read the terms under this interpretation."),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Explain open verdicts too.")] = False,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="Output format; repeatable (one --output each)."),
    ] = None,
    outputs: Annotated[
        list[Path] | None, typer.Option("--output", help="Write the matching --format here.")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes (default: CPU count).")
    ] = None,
    shard: Annotated[
        str | None, typer.Option("--shard", help="I/N: check only the I-th of N parts.")
    ] = None,
    select: Annotated[
        str | None, typer.Option("-k", help="Only scenarios whose id or path contains this.")
    ] = None,
    exitfirst: Annotated[
        bool, typer.Option("-x", "--exitfirst", help="Stop at the first failure.")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.01, help="Seconds per scenario.")
    ] = None,
    rlimit: Annotated[
        int | None,
        typer.Option("--rlimit", min=0, help="Solver resource limit per question (0: none)."),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when scenarios fail.")
    ] = False,
    color: Annotated[str | None, typer.Option("--color", help="auto, always or never.")] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Only failures and the summary.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Show every provision and reading.")
    ] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report here.")
    ] = None,
    dump_smt2: Annotated[
        Path | None,
        typer.Option("--dump-smt2", help="Write every solver question as SMT-LIB2 here."),
    ] = None,
    show_config: Annotated[
        bool, typer.Option("--show-config", help="Print the configuration in effect and exit.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Check scenario files against their terms."""
    from checker.api import CheckOptions, check_paths
    from checker.config import load_config
    from checker.diagnostics import Diagnostics
    from checker.judge import Options
    from checker.report import FORMATS, render_diagnostics
    from checker.resolve import Overrides

    problems = Diagnostics()
    config = load_config(problems)
    if problems.has_errors:
        sys.stderr.write(render_diagnostics(problems.sorted()))
        raise typer.Exit(EXIT_INPUT)
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
        sys.stdout.write(json.dumps(config.as_dict(), indent=2) + "\n")
        raise typer.Exit(EXIT_OK)
    for f in config.formats:
        if f not in FORMATS:
            _usage(f"unknown format `{f}` (choose from {', '.join(FORMATS)})")
    if len(config.outputs) > len(config.formats):
        _usage("more --output than --format")
    if config.color not in ("auto", "always", "never"):
        _usage("--color takes auto, always or never")
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
        shard=_parse_shard(shard) if shard else None,
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
        raise typer.Exit(EXIT_INPUT)
    if not run.scenarios:
        sys.stderr.write("no scenario files found\n")
        raise typer.Exit(EXIT_NOTHING)
    if run.failed and not config.exit_zero:
        raise typer.Exit(EXIT_FAILED)
    if run.unknown and not config.exit_zero:
        raise typer.Exit(EXIT_UNKNOWN)


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        _usage(f"--shard takes I/N (like 2/4), not `{text}`")
        raise
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


def _usage(message: str) -> None:
    sys.stderr.write(f"usage error: {message}\n")
    raise typer.Exit(EXIT_USAGE)


app.command("check")(run_check)
check_app.command()(run_check)


@app.command("lint")
def lint(paths: Paths) -> None:
    """Validate terms and scenario files (schema, references, times) without judging."""
    from checker.api import lint_paths
    from checker.diagnostics import Severity
    from checker.report import render_diagnostics

    diags = lint_paths(paths)
    sys.stderr.write(render_diagnostics(diags))
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    if errors:
        sys.stderr.write(f"{errors} error{'s' if errors != 1 else ''}\n")
        raise typer.Exit(EXIT_INPUT)


@app.command("explain")
def explain_command(
    scenario: Annotated[Path, typer.Argument(help="A scenario file.")],
    provision: Annotated[str, typer.Argument(help="A provision id of its terms.")],
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    interpretation: Annotated[str | None, typer.Option("--interpretation")] = None,
) -> None:
    """The full reasoning for one provision in one scenario."""
    from checker.api import explain_provision
    from checker.report import render_diagnostics
    from checker.report.text import render_reasoning

    outcome, diags = explain_provision(
        scenario, provision, as_of=as_of, interpretation=interpretation
    )
    sys.stderr.write(render_diagnostics(diags))
    if outcome is None:
        raise typer.Exit(EXIT_INPUT)
    sys.stdout.write(render_reasoning(*outcome))


@app.command("schema")
def schema(which: Annotated[str, typer.Argument(help="terms, scenario or report")]) -> None:
    """Print the JSON Schema of a file kind (for editors and validators)."""
    from checker.models import ScenarioFile, TermsFile
    from checker.report import report_schema

    if which == "terms":
        doc = TermsFile.model_json_schema()
    elif which == "scenario":
        doc = ScenarioFile.model_json_schema()
    elif which == "report":
        doc = report_schema()
    else:
        _usage(f"unknown schema `{which}` (choose terms, scenario or report)")
        return
    if which != "report":
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", **doc}
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")


@app.command("provisions")
def provisions(
    terms: Annotated[Path, typer.Argument(help="A terms file.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Amendments adopted by this day only.")
    ] = None,
    interpretation: Annotated[str | None, typer.Option("--interpretation")] = None,
) -> None:
    """The provisions as a table: id, point, form, window, responsible, amendments."""
    from checker.api import load_terms_in_force
    from checker.report import render_diagnostics

    resolved, diags = load_terms_in_force(terms, as_of, interpretation)
    sys.stderr.write(render_diagnostics(diags))
    if resolved is None:
        raise typer.Exit(EXIT_INPUT)
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


def main() -> None:
    app()


def check_main() -> None:
    check_app()
