"""What every benchmark script shares: options, child processes with a time bound, bare Z3.

Each measured case runs in a child process (the interpreter given by `--python`,
default the running one, judging the checker found at `--repo`, default this
checkout), so peak memory is the case's own and a case past the bound
(`--limit`, default 200 s) is killed and printed as `> 200 s`.

"Ratio to bare Z3": the same case is judged once more with every solver question
dumped as SMT-LIB2 (the judge option `dump_smt2`); the `z3` binary next to the
interpreter then runs the dumped scripts, and the ratio is our seconds (what
`check_file` took: load, resolve, encode and solve) over the seconds the
binary took for the same questions, its own start-up included. A ratio near 1
means the time is Z3's; a large one means it is ours (Python, encoding).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "runner.py"
INCREMENTAL = "(set-option :incremental true)"
HEADER = "; z3 parameters: "  # the first line of a dump (checker/z3params.py)


def options(description: str, *, limit: float = 200.0) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter of the checker to measure (default: this one)",
    )
    ap.add_argument(
        "--repo",
        default=str(HERE.parent),
        help="checkout whose checker is measured (default: this one)",
    )
    ap.add_argument(
        "--limit",
        type=float,
        default=limit,
        help=f"kill a case after this many seconds (default {limit:g})",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the generated scenarios")
    ap.add_argument("--no-z3", action="store_true", help="skip the bare-Z3 comparison")
    ap.add_argument("--json", metavar="FILE", help="also append every row as JSON to FILE")
    ap.add_argument("--keep", metavar="DIR", help="write the generated files here and keep them")
    return ap


@contextmanager
def workdir(keep: str | None) -> Iterator[Path]:
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield Path(keep)
        return
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        yield Path(tmp)


# ---- child processes --------------------------------------------------------


@dataclass
class Proc:
    returncode: int | None  # None: killed at the bound
    wall: float  # seconds, start to exit
    peak_mb: float  # largest resident set of the child and the descendants it waited for
    cpu: float  # user + system seconds of the child and its waited-for descendants
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode is None


def spawn(cmd: Sequence[str], limit: float, cwd: str | Path | None = None) -> Proc:
    """Run `cmd` to its end or until `limit` seconds, whichever is first (then kill its group)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        p = subprocess.Popen(
            list(cmd), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
            start_new_session=True,
        )  # fmt: skip
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(limit, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - began
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        try:  # what the child left in its group (e.g. pool workers) goes too
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        out.seek(0)
        err.seek(0)
        return Proc(
            None if killed.is_set() else p.returncode,
            wall,
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def tool(python: str, name: str) -> str:
    """An executable installed next to the interpreter (`check`, `z3`)."""
    exe = Path(python).parent / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"no `{name}` next to {python} or on PATH")
    return found


@dataclass
class Judged:
    """One case judged in a child process by bench/runner.py."""

    proc: Proc
    files: list[dict]
    peak_mb: float

    @property
    def ok(self) -> bool:
        return not self.proc.killed and bool(self.files)

    @property
    def seconds(self) -> float:
        return sum(f["seconds"] for f in self.files)

    @property
    def judge_seconds(self) -> float:
        """The judge's own clock (`result.duration`): solving, proofs, not encoding."""
        return sum(f.get("duration") or 0.0 for f in self.files)

    @property
    def in_z3(self) -> float:
        """Seconds inside Z3's answers (solver checks): the rest is the checker's own."""
        return sum(f.get("in_z3") or 0.0 for f in self.files)

    @property
    def cpu(self) -> float:
        return sum(f.get("cpu", 0.0) for f in self.files)

    @property
    def checks(self) -> int:
        return sum(f.get("checks", 0) for f in self.files)

    @property
    def verdict(self) -> str:
        if self.proc.killed:
            return "killed"
        if not self.files:
            return "crash"
        verdicts = [f["verdict"] for f in self.files]
        if len(verdicts) == 1:
            return verdicts[0]
        counts = {v: verdicts.count(v) for v in sorted(set(verdicts))}
        return " ".join(f"{v}:{n}" for v, n in counts.items())


def judge(
    args: argparse.Namespace,
    files: Sequence[Path],
    *,
    timeout: float | None = None,
    dump: Path | None = None,
) -> Judged:
    cmd = [args.python, str(RUNNER), "--repo", args.repo]
    if timeout is not None:
        cmd += ["--timeout", str(timeout)]
    if dump is not None:
        cmd += ["--dump-smt2", str(dump)]
    proc = spawn([*cmd, *map(str, files)], args.limit, cwd=args.repo)
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        if not proc.killed:
            sys.stderr.write(proc.stderr[-2000:])
        return Judged(proc, [], proc.peak_mb)
    for f in data["files"]:
        if f["verdict"] == "input-error":
            sys.stderr.write(f"INPUT ERROR in {f['file']}: {f.get('error')}\n")
        elif not f.get("passed", True) and f["verdict"] != "unknown":
            sys.stderr.write(f"UNEXPECTED VERDICT in {f['file']}: {f['verdict']}\n")
    return Judged(proc, data["files"], data["peak_mb"])


# ---- bare Z3 --------------------------------------------------------------


@dataclass
class Bare:
    seconds: float | None  # None: past the bound
    scripts: int
    questions: int
    disagreements: int  # answers that differ from the ones the checker got


def z3_parameters(text: str) -> list[str]:
    """The parameters a dumped script says the checker's solvers ran with (its first
    line, `; z3 parameters: NAME=VALUE ...`), for the z3 command line."""
    first = text.split("\n", 1)[0]
    return first[len(HEADER) :].split() if first.startswith(HEADER) else []


def bare_z3(args: argparse.Namespace, dump: Path, runs: int = 1) -> Bare:
    """Run the z3 binary on every dumped script (after dropping the line it rejects),
    with the parameters the checker's solvers had; with `runs` > 1, each script that
    many times and its median counted."""
    z3 = tool(args.python, "z3")
    total, questions, differ = 0.0, 0, 0
    scripts = sorted(dump.glob("*.smt2"))
    began = time.perf_counter()
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        if text.startswith(INCREMENTAL):
            text = text[len(INCREMENTAL) :].lstrip("\n")
            script.write_text(text, encoding="utf-8")
        left = args.limit - (time.perf_counter() - began)
        if left <= 0:
            return Bare(None, len(scripts), questions, differ)
        command = [z3, *z3_parameters(text), str(script)]
        p = spawn(command, left)
        if p.killed:
            return Bare(None, len(scripts), questions, differ)
        walls = [p.wall]
        for _ in range(runs - 1):
            again = spawn(command, args.limit)
            if again.killed:
                return Bare(None, len(scripts), questions, differ)
            walls.append(again.wall)
        total += statistics.median(walls)
        said = [ln[len("; z3: ") :].strip() for ln in text.splitlines() if ln.startswith("; z3: ")]
        got = [
            ln.strip() for ln in p.stdout.splitlines() if ln.strip() in ("sat", "unsat", "unknown")
        ]
        questions += len(got)
        differ += sum(1 for a, b in zip(said, got, strict=False) if a != b and a != "unknown")
    return Bare(total, len(scripts), questions, differ)


# ---- load -------------------------------------------------------------------


@contextmanager
def busy(n: int) -> Iterator[None]:
    """n CPU-bound processes (plain busy loops) running meanwhile; killed after, by pid."""
    hogs = [
        subprocess.Popen(
            [sys.executable, "-c", "while True: pass"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(n)
    ]
    try:
        time.sleep(0.5)
        yield
    finally:
        for h in hogs:
            h.kill()
        for h in hogs:
            h.wait()


# ---- printing ---------------------------------------------------------------


def describe(args: argparse.Namespace) -> str:
    """Which checker is measured, and how busy the machine was when it started."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"checker at {args.repo} ({args.python}); load average {load}; {os.cpu_count()} CPUs"


def secs(x: float | None, limit: float) -> str:
    return f"> {limit:g} s" if x is None else f"{x:.2f} s"


def row_json(args: argparse.Namespace, row: dict) -> None:
    if args.json:
        with open(args.json, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def table(rows: list[list[str]], head: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
