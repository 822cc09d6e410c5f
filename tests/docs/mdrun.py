"""Run the commands that the docs show, and compare or rewrite the outputs they show.

A doc is a list of steps, read from its Markdown:

- a ```console block: lines `$ COMMAND` each followed by the output shown for it
  (stdout and stderr as a terminal shows them, interleaved). COMMAND is `check ...` or
  `checker ...`, optionally ending in `; echo "exit status: $?"`, which adds that line.
- `<!-- file: PATH -->` before a fenced block: the reader writes the block to PATH.
- `<!-- shows: PATH -->` before a fenced block: the block shows the file PATH as it is
  at that point (written by a command before it).

Commands run in-process (`checker.cli.main`), in a working directory the caller gives, so
that a doc runs in seconds. `run_doc` returns the doc with every output replaced by what
the commands print now: the test compares it with the doc, `regen.py` writes it back.
"""

from __future__ import annotations

import io
import re
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(```+)([\w-]*)\s*$")
DIRECTIVE = re.compile(r"^<!-- (file|shows): (\S+) -->\s*$")
EXIT_SUFFIX = '; echo "exit status: $?"'


@dataclass
class Block:
    """A fenced block: lines[start:end] are its body (between the fences)."""

    lang: str
    start: int
    end: int
    directive: tuple[str, str] | None  # ("file" | "shows", path)


def blocks(lines: list[str]) -> Iterator[Block]:
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        directive = None
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and (d := DIRECTIVE.match(lines[j])):
            directive = (d[1], d[2])
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != m[1]:
            end += 1
        yield Block(m[2], i + 1, end, directive)
        i = end + 1


@contextmanager
def captured() -> Iterator[io.StringIO]:
    """stdout and stderr into one text buffer, in the order written (as a terminal shows)."""
    buffer = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = buffer
    try:
        yield buffer
    finally:
        sys.stdout, sys.stderr = saved


def run_command(command: str) -> list[str]:
    """The lines a command prints, and `exit status: N` when the command asks for it."""
    from checker.cli import check_main, main

    show_exit = command.endswith(EXIT_SUFFIX)
    argv = shlex.split(command.removesuffix(EXIT_SUFFIX))
    if argv[0] not in ("check", "checker"):
        raise ValueError(f"only `check` and `checker` commands can be run: {command}")
    with captured() as out:
        code = check_main(argv[1:]) if argv[0] == "check" else main(argv[1:])
    lines = out.getvalue().splitlines()
    if show_exit:
        lines.append(f"exit status: {code}")
    return lines


def run_doc(text: str, workdir: Path) -> str:
    """The doc with each command's shown output, and each `shows:` block, as they are now.

    Runs in `workdir` (the caller's working directory is restored afterwards)."""
    import os

    lines = text.splitlines()
    out: list[str] = []
    done = 0
    saved = Path.cwd()
    os.chdir(workdir)
    try:
        for b in blocks(lines):
            out += lines[done : b.start]
            body = lines[b.start : b.end]
            if b.directive and b.directive[0] == "file":
                target = workdir / b.directive[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(body) + "\n", encoding="utf-8")
                out += body
            elif b.directive and b.directive[0] == "shows":
                out += (workdir / b.directive[1]).read_text(encoding="utf-8").splitlines()
            elif b.lang == "console":
                out += _console(body)
            else:
                out += body
            done = b.end
    finally:
        os.chdir(saved)
    out += lines[done:]
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _console(body: list[str]) -> list[str]:
    out: list[str] = []
    for line in body:
        if line.startswith("$ "):
            out.append(line)
            out += run_command(line[2:])
    return out


def written_files(text: str) -> dict[str, str]:
    """The last content each `file:` block gives each path."""
    lines = text.splitlines()
    files: dict[str, str] = {}
    for b in blocks(lines):
        if b.directive and b.directive[0] == "file":
            files[b.directive[1]] = "\n".join(lines[b.start : b.end]) + "\n"
    return files


# ------------------------------------------------------------------ the docs that are run

ROOT = Path(__file__).resolve().parents[2]
# the tutorial's finished scenario ships in the library, where `check scenarios/` judges it
TUTORIAL_FILE = "scenarios/mine/aliyev-turkish-peacekeepers.yaml"
TUTORIAL_SHIPPED = "scenarios/tutorial/aliyev-turkish-peacekeepers.yaml"


def workspace(doc: str, tmp: Path) -> Path:
    """Where a doc's commands run: the repository for the README (its commands only read);
    for the tutorial an empty folder with a copy of `terms/`, as a reader's clone has, so
    that the files the reader writes start from nothing."""
    import shutil

    if doc == "README.md":
        return ROOT
    shutil.copytree(ROOT / "terms", tmp / "terms")
    return tmp


RUN_DOCS = ("README.md", "docs/tutorial.md")
