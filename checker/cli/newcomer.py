"""Stage 8: the commands for someone writing a scenario — `vocab` (what may be said),
`new` (a skeleton to start from) and `code` (what a diagnostic means). Each is a thin
call of a library function (`api.vocabulary`, `api.new_scenario`, `report.codes`)."""

from __future__ import annotations

from pathlib import Path

from checker.cli.common import EXIT_INPUT, EXIT_OK, say, usage


def run_vocab(terms: Path) -> int:
    """The vocabulary of a terms file as a tree: the ids, names and aliases a scenario may use."""
    from checker.api import vocabulary
    from checker.outputs import write_stdout
    from checker.report import render_diagnostics

    text, diags = vocabulary(terms)
    say(render_diagnostics(diags))
    if text is None:
        return EXIT_INPUT
    write_stdout(text)
    return EXIT_OK


def run_new(scenario: Path, terms: Path, as_of: str | None = None) -> int:
    """Write a commented scenario skeleton for a terms file (never over an existing file)."""
    from checker.api import new_scenario
    from checker.diagnostics import Severity
    from checker.load import display_path
    from checker.report import render_diagnostics

    diags = new_scenario(scenario, terms, as_of=as_of)
    say(render_diagnostics(diags))
    if any(d.severity is Severity.ERROR for d in diags):
        return EXIT_INPUT
    name = display_path(scenario)
    say(f"wrote {name}; next: fill it in, then `check {name}`\n")
    return EXIT_OK


def run_code(code: str | None = None) -> int:
    """What a diagnostic code means, with a bad example and its fix (no CODE: every code)."""
    from checker.codes import REGISTRY
    from checker.outputs import write_stdout
    from checker.report.codes import render_code, render_code_list

    if code is None:
        write_stdout(render_code_list())
        return EXIT_OK
    wanted = code.strip().upper()
    if wanted not in REGISTRY:
        from difflib import get_close_matches

        close = get_close_matches(wanted, list(REGISTRY), n=3)
        maybe = f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
        from checker.untrusted import shown

        usage(f"no diagnostic code `{shown(code)}`{maybe} (`checker code` lists them all)")
    write_stdout(render_code(wanted))
    return EXIT_OK
