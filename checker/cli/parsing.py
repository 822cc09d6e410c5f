"""Stage 8: the command line's grammar — every command's options, and their types.

Only the standard library's `argparse` is imported here (start-up time is part of
every run). `--output FILE` binds to the `--format` written before it; a value of
the wrong kind is a usage error naming the option, never a traceback later on.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from checker import __version__
from checker.cli.common import EXIT_OK, UsageError


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


class Parser(argparse.ArgumentParser):
    """argparse with the tool's usage errors: one line, `usage error: ...`, exit 2."""

    def __init__(self, prog: str, description: str) -> None:
        super().__init__(
            prog=prog, description=description, allow_abbrev=False, formatter_class=_Formatter
        )

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def version_line() -> str:
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
        sys.stdout.write(version_line() + "\n")
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


def _seconds(text: str) -> float:
    """`--timeout`: a positive, finite number of seconds, at most `MAX_TIMEOUT`."""
    from checker.config import MAX_TIMEOUT, timeout_problem

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a number of seconds") from None
    problem = timeout_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(
            f"`{text}` is {problem} (more than 0 and at most {MAX_TIMEOUT:.0f})"
        )
    return value


class _FormatAction(argparse.Action):
    """`--format NAME`: one more report, to stdout unless an `--output` follows."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:  # fmt: skip
        targets: list[tuple[str, Path | None]] = list(getattr(namespace, self.dest) or [])
        targets.append((str(values), None))
        setattr(namespace, self.dest, targets)


class _OutputAction(argparse.Action):
    """`--output FILE`: where the report of the `--format` just before it goes."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:  # fmt: skip
        targets: list[tuple[str, Path | None]] = list(getattr(namespace, self.dest) or [])
        if not targets:
            parser.error(
                f"--output {values} must follow the --format it is for"
                f" (like --format json --output {values})"
            )
        name, output = targets[-1]
        if output is not None:
            parser.error(f"--format {name} has two outputs: {output} and {values}")
        targets[-1] = (name, Path(values))
        setattr(namespace, self.dest, targets)


def _paths(p: argparse.ArgumentParser, nargs: str, help: str) -> None:
    p.add_argument("paths", nargs=nargs, type=Path, metavar="PATHS", help=help)


def check_arguments(p: argparse.ArgumentParser) -> None:
    _paths(p, "*", "Scenario files or directories (default: `paths` of [tool.checker]).")
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
        dest="targets",
        action=_FormatAction,
        metavar="FORMAT",
        help="Output format; repeatable. It goes to stdout unless an --output follows it.",
    )
    p.add_argument(
        "--output",
        dest="targets",
        action=_OutputAction,
        metavar="FILE",
        help="Write the report of the --format just before it to this file.",
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
        type=_seconds,
        metavar="SECONDS",
        help="Seconds per scenario (a positive number).",
    )
    p.add_argument(
        "--rlimit",
        type=_number(int, 0, "an integer"),
        metavar="N",
        help="Solver resource limit per question (0: none).",
    )
    p.add_argument("--exit-zero", action="store_true", help="Exit 0 even when scenarios fail.")
    p.add_argument("--color", metavar="WHEN", help="auto, always or never.")
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="Only what needs attention, briefly, and the summary; no notices.",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="Every scenario in full (by default a passing one is one line).",
    )
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


def lint_arguments(p: argparse.ArgumentParser) -> None:
    _paths(p, "+", "Scenario files or directories (walked in sorted order).")


def explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, metavar="SCENARIO", help="A scenario file.")
    p.add_argument("provision", metavar="PROVISION", help="A provision id of its terms.")
    p.add_argument("--as-of", metavar="DAY", help="Judge as of the end of this day.")
    p.add_argument(
        "--interpretation", metavar="NAME", help="Read the terms under this interpretation."
    )


def schema_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("which", metavar="WHICH", help="terms, scenario, report or map")


def import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", choices=("acled", "ucdp"), metavar="DATASET", help="acled or ucdp")
    p.add_argument("csv", type=Path, metavar="CSV", help="The dataset's CSV export.")
    p.add_argument("--map", type=Path, required=True, metavar="MAP", help="The map file.")
    p.add_argument("--terms", type=Path, required=True, metavar="TERMS", help="A terms file.")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="SCENARIO",
        help="The scenario to write.",
    )
    p.add_argument("--as-of", metavar="DAY", help="The scenario's as_of (default: the map's).")
    p.add_argument("--strict", action="store_true", help="Values the map does not map are errors.")


def provisions_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("terms", type=Path, metavar="TERMS", help="A terms file.")
    p.add_argument("--as-of", metavar="DAY", help="Amendments adopted by this day only.")
    p.add_argument(
        "--interpretation", metavar="NAME", help="Read the terms under this interpretation."
    )


def vocab_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "terms", type=Path, metavar="TERMS", help="A terms file (or a scenario: its terms)."
    )


def new_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, metavar="SCENARIO", help="The scenario file to write.")
    p.add_argument(
        "--terms", type=Path, required=True, metavar="TERMS", help="The terms it is judged by."
    )
    p.add_argument(
        "--as-of", metavar="DAY", help="Its as_of (default: the day the terms enter into force)."
    )


def code_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "code", nargs="?", metavar="CODE", help="A diagnostic code, e.g. S101 (none: list them)."
    )
