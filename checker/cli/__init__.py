"""Stage 8: the command line — parse options, call `api`, render, map to one exit code.

`check` is the everyday command (= `checker check`); `checker` has every
subcommand. Only the report goes to stdout; diagnostics go to stderr. Exit
codes follow SPEC §5 with precedence 2, 3, 1, 4. The grammar is `parsing`,
`check` runs a library, `commands` the others; this module dispatches and turns
every way a command can end — a usage error, a signal, an unwritable stdout —
into one exit code, never a traceback.

Start-up time is part of every run, so only the standard library's `argparse`
is imported at the top: the pipeline, the output formats, `rich` (the progress
bar) and the rest are imported inside the command that needs them.
"""

from __future__ import annotations

# A Ctrl-C while the command's own modules are imported ends it as one during a run does:
# quietly, with 130 (128 + SIGINT). (The pipeline is imported later, inside `_guarded`.)
try:
    import argparse
    import os
    import sys
    from collections.abc import Callable, Sequence
    from typing import NoReturn

    from checker.cli.check import run_check
    from checker.cli.commands import run_explain, run_import, run_lint, run_provisions, run_schema
    from checker.cli.common import (
        EXIT_ABORTED,
        EXIT_INPUT,
        EXIT_OK,
        EXIT_USAGE,
        Stopped,
        UsageError,
        hold_collector,
        say,
        started,
        usage,
    )
    from checker.cli.newcomer import run_code, run_new, run_vocab
    from checker.cli.parsing import (
        Parser,
        check_arguments,
        code_arguments,
        explain_arguments,
        import_arguments,
        lint_arguments,
        new_arguments,
        provisions_arguments,
        schema_arguments,
        version_line,
        vocab_arguments,
    )
    from checker.outputs import OutputError
except KeyboardInterrupt:
    raise SystemExit(130) from None

DESCRIPTION = "Check reported scenarios against the terms of an agreement with the Z3 SMT solver."

__all__ = ["check_main", "check_script", "checker_script", "exit_with", "main"]

Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int]]

COMMANDS: dict[str, Command] = {
    "check": (check_arguments, run_check),
    "lint": (lint_arguments, run_lint),
    "explain": (explain_arguments, run_explain),
    "schema": (schema_arguments, run_schema),
    "provisions": (provisions_arguments, run_provisions),
    "import": (import_arguments, run_import),
    "vocab": (vocab_arguments, run_vocab),
    "new": (new_arguments, run_new),
    "code": (code_arguments, run_code),
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
    parser = Parser(prog, _summary(run))
    add_arguments(parser)
    # options may come after the paths, as in `check scenarios/ -q`
    args = parser.parse_intermixed_args(argv)
    if name != "check":  # (`check` says when its pipeline is imported)
        started()
    return run(**vars(args))


def _guarded(body: Callable[[], int]) -> int:
    """Run a command: usage errors as one line and exit 2, an unwritable stdout as one line
    and exit 3, a signal as exit 128 + N (Ctrl-C quietly), never a traceback."""
    try:
        return body()
    except SystemExit as done:  # argparse's --help, and --version
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    except UsageError as err:
        say(f"usage error: {err}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_ABORTED
    except Stopped as stop:
        say(f"stopped by {stop.name}\n")
        return 128 + stop.signum
    except OutputError as err:  # stdout of a command other than `check` (which says its own)
        say(f"{err.target}: cannot write the output: {err.reason} [O501]\n")
        return EXIT_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """`checker COMMAND ...`; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)

    def body() -> int:
        from checker.outputs import write_stdout

        if not args:
            write_stdout(_main_help())
            return EXIT_USAGE
        first, rest = args[0], args[1:]
        if first in ("-h", "--help"):
            write_stdout(_main_help())
            return EXIT_OK
        if first == "--version":
            write_stdout(version_line() + "\n")
            return EXIT_OK
        if first not in COMMANDS:
            what = "option" if first.startswith("-") else "command"
            usage(
                f"no such {what} `{first}` (choose a command: {', '.join(COMMANDS)};"
                " see `checker --help`)"
            )
        return _run_command(f"checker {first}", first, rest)

    return _guarded(body)


def check_main(argv: Sequence[str] | None = None) -> int:
    """`check ...` (the same as `checker check ...`); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    return _guarded(lambda: _run_command("check", "check", args))


def _hold_standard_streams() -> None:
    """A process started with stdout or stderr closed: put /dev/null on the free descriptor,
    so no file the run opens takes its number (and a report meant for stdout is not written
    into it); Python has already made `sys.stdout` None, which the run reports."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


def exit_with(code: int) -> NoReturn:
    """End the process with `code` at once: the atexit handlers run and the output is
    flushed, but the interpreter's teardown (every module and solver object freed one by
    one, 0.1 s after a judged run) is skipped, as mypy does; nothing is left open by then."""
    import atexit

    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):  # the reader went away at the very end
        code = code or EXIT_INPUT
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def checker_script() -> NoReturn:
    """The `checker` console script and `python -m checker`."""
    hold_collector()
    _hold_standard_streams()
    exit_with(main())


def check_script() -> NoReturn:
    """The `check` console script."""
    hold_collector()
    _hold_standard_streams()
    exit_with(check_main())
