#!/usr/bin/env python3
"""The one entry point for newcomers and CI: `python3 dev.py check|test|lint [ARGS...]`.

Standard library only. Each command first makes sure `.venv` exists and holds
the current install of the project (`pip install -e '.[test]'`, redone when
`pyproject.toml` is newer than the stamp `.venv/.installed`) and byte-compiled
(`checker/**/__pycache__`, redone when a source file is newer than the stamp
`.venv/.compiled`), then runs the tool from it and exits with its exit code.
Set-up messages go to stderr, so stdout carries only the tool's own output.

Byte-compiling is explicit because the install is editable and Python never
writes `.pyc` files when PYTHONDONTWRITEBYTECODE is set (as on some CI
machines): without them every start of `check` compiles the whole package
again. `compileall` writes them whatever that variable says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
COMPILED = VENV / ".compiled"
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "checker"
LINT_PATHS = ("checker", "tests", "bench", "dev.py")

USAGE = """\
usage: python3 dev.py COMMAND [ARGS...]

commands:
  check [ARGS...]   check scenario files (default: scenarios/) with .venv/bin/check
  test [ARGS...]    run the test suite: .venv/bin/python -m pytest ARGS
  lint              ruff check and ruff format --check on checker/ tests/ bench/ dev.py

Every command first creates .venv and installs the project into it when needed.
"""


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def venv_bin(name: str) -> Path:
    """The path of an executable inside .venv (POSIX or Windows layout)."""
    if os.name == "nt":
        return VENV / "Scripts" / (name + ".exe")
    return VENV / "bin" / name


def run(cmd: list[str], *, cwd: Path | None = None, to_stderr: bool = False) -> int:
    """Run `cmd`; return its exit code (128 + N for a child killed by signal N)."""
    try:
        done = subprocess.run(cmd, cwd=cwd, stdout=sys.stderr if to_stderr else None)
    except FileNotFoundError:
        say(f"cannot run {cmd[0]}")
        return 127
    except KeyboardInterrupt:
        return 130
    code = done.returncode
    return 128 - code if code < 0 else code


def needs_install() -> bool:
    if not STAMP.exists():
        return True
    return PYPROJECT.stat().st_mtime > STAMP.stat().st_mtime


def newest_source(folder: Path) -> float:
    """The latest modification time of a `.py` file under `folder` (0 if none)."""
    newest = 0.0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                newest = max(newest, newest_source(Path(entry.path)))
            elif entry.name.endswith(".py"):
                newest = max(newest, entry.stat().st_mtime)
    return newest


def needs_compile() -> bool:
    if not COMPILED.exists():
        return True
    return newest_source(PACKAGE) > COMPILED.stat().st_mtime


def compile_package(python: Path) -> None:
    """Write `.pyc` files for checker/ so that starting the tool does not compile it.

    Only files whose source changed are compiled again. A file that does not
    compile (being edited) is left for the tool to report, and is tried again
    on the next run; it never stops the command.
    """
    began = time.time()
    code = run(
        [
            str(python),
            "-m",
            "compileall",
            "-q",
            "--invalidation-mode",
            "timestamp",
            str(PACKAGE),
        ],
        cwd=ROOT,
        to_stderr=True,
    )
    if code != 0:
        say("byte-compiling checker/ failed (see above); running anyway, trying again next time")
        return
    COMPILED.touch()
    os.utime(COMPILED, (began, began))  # a file saved while compiling is newer still


def ensure_venv() -> int:
    """Create .venv if missing and (re)install the project if stale; 0 when ready."""
    python = venv_bin("python")
    if not python.exists():
        say("creating .venv")
        args = [sys.executable, "-m", "venv"]
        if VENV.exists():  # a half-made or foreign directory: start again
            args.append("--clear")
        code = run([*args, str(VENV)], cwd=ROOT, to_stderr=True)
        if code != 0 or not python.exists():
            say(
                "could not create .venv "
                "(on Debian/Ubuntu: apt-get install python3-venv; then delete .venv and retry)"
            )
            return code or 1
        STAMP.unlink(missing_ok=True)
    if needs_install():
        say("installing the project into .venv (pip install -e '.[test]')")
        code = run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-e",
                ".[test]",
            ],
            cwd=ROOT,
            to_stderr=True,
        )
        if code != 0:
            say(f"pip install failed (exit {code}); fix the error above and run again")
            return code
        STAMP.touch()
        COMPILED.unlink(missing_ok=True)
    if needs_compile():
        compile_package(python)
    return 0


def cmd_check(args: list[str]) -> int:
    if not args:
        default = ROOT / "scenarios"
        try:
            args = [os.path.relpath(default) + os.sep]
        except ValueError:  # another drive on Windows
            args = [str(default)]
    return run([str(venv_bin("check")), *args])


def cmd_test(args: list[str]) -> int:
    return run([str(venv_bin("python")), "-m", "pytest", *args], cwd=ROOT)


def cmd_lint(args: list[str]) -> int:
    if args:
        say("lint takes no arguments")
        return 2
    paths = [p for p in LINT_PATHS if (ROOT / p).exists()]
    ruff = str(venv_bin("ruff"))
    first = run([ruff, "check", *paths], cwd=ROOT)
    second = run([ruff, "format", "--check", *paths], cwd=ROOT)
    return first or second


COMMANDS = {"check": cmd_check, "test": cmd_test, "lint": cmd_lint}


def main(argv: list[str]) -> int:
    if not argv:
        print(USAGE, end="", file=sys.stderr)
        return 2
    if argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    command, args = argv[0], argv[1:]
    if command not in COMMANDS:
        print(USAGE, end="", file=sys.stderr)
        say(f"unknown command `{command}`")
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under any system python3
        say(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
        return 2
    code = ensure_venv()
    if code != 0:
        return code
    return COMMANDS[command](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
