"""Stage 8: the command line — parse options, call `api`, render, map to one exit code.

`check` is the everyday command (= `checker check`); `checker` has every
subcommand. Only the report goes to stdout; diagnostics go to stderr. Exit
codes follow SPEC §5 with precedence 2, 3, 1, 4.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

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
        import z3

        typer.echo(f"checker {__version__} (z3 {z3.get_version_string()})")
        raise typer.Exit(EXIT_OK)


Paths = Annotated[
    list[Path], typer.Argument(help="Scenario files or directories (walked in sorted order).")
]


def run_check(
    paths: Paths,
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
        typer.Option("--format", help="text or json; repeatable (one --output each)."),
    ] = None,
    outputs: Annotated[
        list[Path] | None, typer.Option("--output", help="Write the matching --format here.")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Processes to use.")] = 1,
    select: Annotated[
        str | None, typer.Option("-k", help="Only scenarios whose id or path contains this.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds per scenario.")
    ] = 60.0,
    rlimit: Annotated[
        int, typer.Option("--rlimit", min=0, help="Solver resource limit per question (0: none).")
    ] = 50_000_000,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when scenarios fail.")
    ] = False,
    color: Annotated[str, typer.Option("--color", help="auto, always or never.")] = "auto",
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Only failures and the summary.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Show every provision and reading.")
    ] = False,
    dump_smt2: Annotated[
        Path | None,
        typer.Option("--dump-smt2", help="Write every solver question as SMT-LIB2 here."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Check scenario files against their terms."""
    from checker.api import CheckOptions, check_paths
    from checker.judge import Options
    from checker.report import FORMATS, render_diagnostics
    from checker.resolve import Overrides

    chosen = formats or ["text"]
    for f in chosen:
        if f not in FORMATS:
            _usage(f"unknown format `{f}` (choose from {', '.join(FORMATS)})")
    if outputs and len(outputs) > len(chosen):
        _usage("more --output than --format")
    if color not in ("auto", "always", "never"):
        _usage("--color takes auto, always or never")
    opts = CheckOptions(
        overrides=Overrides(terms, as_of, as_known_on, interpretation),
        judge=Options(timeout=timeout, rlimit=rlimit or None, dump_smt2=dump_smt2),
        select=select,
    )
    run = check_paths(paths, opts)
    for err in run.errors:
        sys.stderr.write(render_diagnostics(err.diagnostics))
    outs = list(outputs or [])
    for i, f in enumerate(chosen):
        text = FORMATS[f](run, verbose=verbose or explain, quiet=quiet)
        if i < len(outs):
            outs[i].write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if run.errors:
        raise typer.Exit(EXIT_INPUT)
    if not run.scenarios:
        sys.stderr.write("no scenario files found\n")
        raise typer.Exit(EXIT_NOTHING)
    if run.failed and not exit_zero:
        raise typer.Exit(EXIT_FAILED)
    if run.unknown and not exit_zero:
        raise typer.Exit(EXIT_UNKNOWN)


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
