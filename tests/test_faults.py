"""SPEC §5–7 (v2): a run survives faults, as a hostile user or a hostile machine brings them —
one test per attack of issue 10, each run as a user runs `check`.

A killed worker costs only its own scenario; SIGTERM and SIGINT stop the workers and
leave the previous report as it was; a report that cannot be written is one line and
exit 3; `--output` binds to the `--format` before it (the docs/ci.md recipe is run as
written); every library entry that cannot be read is an input error, read within bounds;
a file name that is not UTF-8 is shown escaped in every format; input text never starts
a line of output; `--timeout` takes positive finite seconds only.

Worker processes are found as the children of the run in /proc (Linux); the tests that
need them, or need permissions to bite as root does not let them, say why they skip.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "tests" / "cases" / "mini-terms.yaml"
EASY = ROOT / "tests" / "cases" / "engine" / "basic.yaml"
HARD = ROOT / "tests" / "data" / "hard-chain.yaml"
CHECK = [sys.executable, "-m", "checker", "check"]
# the checker of this checkout, whatever the working directory of the run
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
PROC = Path("/proc")
T = TypeVar("T")

needs_proc = pytest.mark.skipif(
    not (PROC / "self" / "stat").exists(), reason="finds worker processes in /proc (Linux)"
)


def _unprivileged() -> list[str]:
    """A command prefix under which file permissions bite: root's capabilities to read and
    search anything are dropped (the test skips when that cannot be done)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("as root, permissions bite only without CAP_DAC_OVERRIDE (needs setpriv)")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _easy(folder: Path, name: str) -> Path:
    """A scenario judged in well under a second, whose expectations hold."""
    text = EASY.read_text().replace("id: basic", f"id: {name}")
    path = folder / f"{name}.yaml"
    path.write_text(text.replace("../mini-terms.yaml", str(TERMS)))
    return path


def _library(folder: Path) -> Path:
    """`a-hard.yaml` (first in sorted order: the first worker takes it, and is busy with it
    for its whole time limit) and three easy scenarios."""
    lib = folder / "lib"
    lib.mkdir()
    (lib / "a-hard.yaml").write_text(
        HARD.read_text().replace("../cases/mini-terms.yaml", str(TERMS))
    )
    for i in range(3):
        _easy(lib, f"easy-{i}")
    return lib


def _run(*args: str | Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("timeout", 120)
    proc = subprocess.run(
        [*kw.pop("prefix", []), *CHECK, *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        env=ENV,
        **kw,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat from the state on (`state ppid pgrp ...`), or None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    """The living children of `pid`, the first started first."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[1] == str(pid) and fields[0] != "Z":
                found.append((int(fields[19]), int(entry.name)))  # (start time, pid)
    return [pid for _, pid in sorted(found)]


def _alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _wait_for(check: Callable[[], T], seconds: float = 30) -> T:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {seconds} s")
        time.sleep(0.02)


@contextmanager
def _started(*args: str | Path) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """`check ARGS` running with its two workers started; killed with all of them at the end."""
    proc = subprocess.Popen(
        [*CHECK, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,  # a group of its own, to clean up after a failed test
    )
    try:
        workers = _wait_for(lambda: len(_children(proc.pid)) == 2 and _children(proc.pid))
        yield proc, workers
    finally:
        _end_group(proc)


def _end_group(proc: subprocess.Popen[str]) -> None:
    """Kill whatever is left of the run's process group, and reap the run."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


# ---- 1. a worker that dies, and signals to the run ------------------------------------


@needs_proc
def test_a_killed_worker_costs_only_its_scenario(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    with _started("--jobs", "2", "--timeout", "30", "--format", "json", lib) as (proc, workers):
        os.kill(workers[0], signal.SIGKILL)  # the first worker: the one on a-hard.yaml
        out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    report = json.loads(out)
    # by file: a worker killed before it read its scenario could not tell the id
    verdicts = {Path(s["path"]).name: (s["verdict"], s["reason"]) for s in report["scenarios"]}
    assert verdicts["a-hard.yaml"] == ("unknown", "worker died: signal 9")
    assert [verdicts[f"easy-{i}.yaml"][0] for i in range(3)] == ["violation"] * 3
    assert report["summary"] == {
        "scenarios": 4,
        "passed": 3,
        "failed": 0,
        "unknown": 1,
        "errors": 0,
    }
    assert proc.returncode == 4


def _signalled_run(tmp_path: Path) -> tuple[Path, tuple[str | Path, ...]]:
    """A previous report, and the arguments of a `--jobs 2` run that would replace it
    (one of its scenarios is hard: the run is still going when the signal comes)."""
    lib = _library(tmp_path)
    report = tmp_path / "report.json"
    report.write_text("the previous report\n")
    return report, ("--jobs", "2", "--timeout", "30", "--format", "json", "--output", report, lib)


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_workers_and_keeps_the_previous_report(
    tmp_path: Path, signum: signal.Signals
) -> None:
    report, args = _signalled_run(tmp_path)
    with _started(*args) as (proc, workers):
        began = time.monotonic()
        proc.send_signal(signum)
        proc.wait(timeout=10)
        stopped = time.monotonic() - began
        _wait_for(lambda: not any(_alive(w) for w in workers), seconds=5)
    assert stopped < 5  # not when the hard scenario's 30 s are up
    assert proc.returncode == 128 + signum
    assert report.read_text() == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "report.json"]


# `check` with the signal sent at one exact point: just after the second worker's fork,
# before the pool had it in its list (the test above sends it when it sees two workers:
# now and then, on a loaded machine, at that point). Every worker is slow to get going,
# as one not yet scheduled is: the SIGTERM that multiprocessing's exit handler sent to
# the worker the pool did not know came while its at-fork hooks ran, was lost there, and
# the run waited for that worker for ever (it failed the test above twice in full runs).
_SIGNAL_AT_SECOND_FORK = """
import os, signal, sys, time
from multiprocessing.context import ForkProcess

signum, real_start, started = int(sys.argv.pop(1)), ForkProcess.start, []


def start(process):
    real_start(process)
    started.append(process)
    if len(started) == 2:
        os.kill(os.getpid(), signum)


ForkProcess.start = start
os.register_at_fork(after_in_child=lambda: time.sleep(3))
from checker.cli import check_script

check_script()
"""


@needs_proc
@pytest.mark.skipif(sys.platform != "linux", reason="starts the workers by fork (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_a_worker_starts_still_stops_the_run(
    tmp_path: Path, signum: signal.Signals
) -> None:
    report, args = _signalled_run(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SIGNAL_AT_SECOND_FORK, str(int(signum)), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=10)
        _wait_for(lambda: not _left_in_group(proc.pid), seconds=5)  # no worker left behind
    finally:
        _end_group(proc)
    assert "Traceback" not in err, err
    assert proc.returncode == 128 + signum
    assert report.read_text() == "the previous report\n"


def _left_in_group(pgrp: int) -> list[int]:
    """The living processes of process group `pgrp` (a run started in a session of its own)."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[0] != "Z" and fields[2] == str(pgrp):
                found.append(int(entry.name))
    return found


# ---- 2. reports that cannot be written -------------------------------------------------


def test_a_full_disk_leaves_the_previous_report_whole(tmp_path: Path) -> None:
    scenario = _easy(tmp_path, "easy")
    report = tmp_path / "report.json"
    assert _run("--format", "json", "--output", report, scenario).returncode == 0
    before = report.read_bytes()
    assert len(before) > 4096

    def limit_file_size() -> None:  # `ulimit -f 4`
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = _run("--format", "json", "--output", report, scenario, preexec_fn=limit_file_size)
    assert proc.returncode == 3
    assert proc.stderr == f"{report}: cannot write the json report: File too large [O501]\n"
    assert report.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["easy.yaml", "report.json"]


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize(
    "case", ["missing directory", "a directory", "/dev/full", "read-only directory", "stdout"]
)
def test_an_unwritable_output_is_one_line_and_exit_3(tmp_path: Path, case: str) -> None:
    scenario = _easy(tmp_path, "easy")
    prefix: list[str] = []
    hook: Callable[[], None] | None = None
    target: Path | None = tmp_path / "report.json"
    if case == "missing directory":
        target = tmp_path / "no-such-dir" / "report.json"
        reason = "no such directory"
    elif case == "a directory":
        target = tmp_path
        reason = "it is a directory"
    elif case == "/dev/full":
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full here")
        target = Path("/dev/full")
        reason = "No space left on device"
    elif case == "read-only directory":
        prefix = _unprivileged()
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        target = locked / "report.json"
        reason = "Permission denied"
    else:
        target, hook, reason = None, _close_stdout, "it is closed"
    output = ["--output", target] if target is not None else []
    proc = _run("--format", "json", *output, scenario, prefix=prefix, preexec_fn=hook)
    assert proc.returncode == 3, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"{target or 'stdout'}: cannot write the json report: {reason}")
    assert line.endswith("[O501]")


# ---- 3. --output binds to the --format before it ----------------------------------------


def _ci_recipe() -> str:
    """The `check` command of docs/ci.md's GitHub Actions job, as written there."""
    text = (ROOT / "docs" / "ci.md").read_text()
    found = re.search(r"run: >\n((?:\s+check .*\n)(?:\s+--.*\n)*)", text)
    assert found, "docs/ci.md has no `run: >` step running check"
    return " ".join(found.group(1).split())


def test_the_ci_recipe_writes_each_format_where_it_says(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    for i in range(4):
        _easy(tmp_path / "scenarios", f"s{i}")
    command = _ci_recipe().replace("${{ matrix.shard }}", "1")
    words = shlex.split(command)
    assert words[0] == "check"
    proc = _run(*words[1:], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("1 passed, 0 failed")  # github: the text report
    sarif = json.loads((tmp_path / "checker-1.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    junit = ET.parse(tmp_path / "junit-1.xml").getroot()
    assert junit.tag == "testsuites" and junit.get("tests") == "1"


def test_two_formats_to_stdout_are_a_usage_error(tmp_path: Path) -> None:
    scenario = _easy(tmp_path, "easy")
    proc = _run("--format", "json", "--format", "sarif", "--output", tmp_path / "x", scenario)
    assert proc.returncode == 0 and json.loads(proc.stdout)["schema"] == "checker-report/1"
    for args in (
        ["--format", "json", "--format", "text"],
        ["--output", tmp_path / "x.json", "--format", "json"],
        ["--format", "json", "--output", tmp_path / "a", "--output", tmp_path / "b"],
    ):
        proc = _run(*args, scenario)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.startswith("usage error: ") and proc.stderr.count("\n") == 1


# ---- 4. library entries that cannot be read --------------------------------------------


def test_broken_links_in_a_library_are_input_errors(tmp_path: Path) -> None:
    _easy(tmp_path, "good")
    (tmp_path / "dangling.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    proc = _run(tmp_path, cwd=tmp_path)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        "dangling.yaml: broken symbolic link: it points to `nowhere.yaml`,"
        " which does not exist [Y014]",
        "loop.yaml: broken symbolic link: a symbolic link loop [Y014]",
    ]
    assert "good.yaml: good: violation" in proc.stdout


def test_directories_that_cannot_be_listed_or_searched_are_input_errors(tmp_path: Path) -> None:
    prefix = _unprivileged()
    _easy(tmp_path, "good")
    for name, mode in (("unlisted", 0o333), ("unsearchable", 0o666)):
        (tmp_path / name).mkdir()
        _easy(tmp_path / name, f"{name}-inside")
        (tmp_path / name).chmod(mode)
    try:
        proc = _run(tmp_path, cwd=tmp_path, prefix=prefix)
    finally:
        for name in ("unlisted", "unsearchable"):
            (tmp_path / name).chmod(0o755)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        "unlisted: cannot read directory: permission denied (it cannot be listed) [Y013]",
        "unsearchable: cannot read directory: permission denied (it cannot be searched) [Y013]",
    ]
    assert "good.yaml: good: violation" in proc.stdout


def test_pipes_and_devices_in_a_library_are_refused_unread(tmp_path: Path) -> None:
    _easy(tmp_path, "good")
    os.mkfifo(tmp_path / "pipe.yaml")  # nobody ever writes to it
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    proc = _run(tmp_path, cwd=tmp_path, timeout=60)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        "pipe.yaml: only regular files are read, and this is a named pipe (FIFO) [Y012]",
        "zero.yaml: only regular files are read, and this is a character device [Y012]",
    ]
    assert "good.yaml: good: violation" in proc.stdout


# ---- 5. files without end ----------------------------------------------------------------


def _memory_cap() -> None:
    cap = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    _easy(tmp_path, "good")
    with (tmp_path / "huge.yaml").open("wb") as f:
        f.truncate(3 * 1024**3)  # 3 GB of nothing, taking no disk
    proc = _run(tmp_path, "--jobs", "1", cwd=tmp_path, preexec_fn=_memory_cap)
    assert proc.returncode == 3
    assert proc.stderr == (
        "huge.yaml:1:1: file is too large (3221225472 bytes; the limit is 8388608) [Y008]\n"
    )
    assert "good.yaml: good: violation" in proc.stdout


def test_terms_and_includes_that_never_end_are_refused(tmp_path: Path) -> None:
    zero = _easy(tmp_path, "zero")
    zero.write_text(zero.read_text().replace(str(TERMS), "/dev/zero"))
    terms = tmp_path / "terms.yaml"
    terms.write_text(TERMS.read_text() + "includes: [/dev/urandom]\n")
    random = _easy(tmp_path, "random")
    random.write_text(random.read_text().replace(str(TERMS), "terms.yaml"))
    os.mkfifo(tmp_path / "pipe-terms.yaml")
    pipe = _easy(tmp_path, "pipe")
    pipe.write_text(pipe.read_text().replace(str(TERMS), "pipe-terms.yaml"))
    proc = _run(pipe, random, zero, "--jobs", "1", cwd=tmp_path, timeout=60, preexec_fn=_memory_cap)
    assert proc.returncode == 3
    for shown, kind in (
        ("/dev/zero", "a character device"),
        ("/dev/urandom", "a character device"),
        ("pipe-terms.yaml", "a named pipe (FIFO)"),
    ):
        assert f"{shown}: only regular files are read, and this is {kind} [Y012]\n" in proc.stderr
    assert proc.stdout.rstrip().endswith("0 passed, 0 failed, 3 errors")


# ---- 6. file names that are not UTF-8 ----------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_shown_escaped_everywhere(tmp_path: Path) -> None:
    scenario = _easy(tmp_path, "good")
    os.rename(scenario, os.path.join(os.fsencode(tmp_path), b"caf\xe9.yaml"))
    json_file, html_file = tmp_path / "report.json", tmp_path / "report.html"

    def run(*args: str | Path) -> bytes:
        proc = subprocess.run(
            [*CHECK, *map(str, args), tmp_path],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
            env=ENV,
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        return proc.stdout

    for fmt in ("text", "compact", "github", "junit", "markdown"):
        assert "xe9.yaml" in run("--format", fmt).decode("utf-8"), fmt  # (markdown: `\\`)
    sarif = json.loads(run("--format", "sarif").decode("utf-8"))
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    ]
    assert "caf%E9.yaml" in uris
    shown = json.loads(run("--format", "json").decode("utf-8"))["scenarios"][0]["path"]
    assert shown == "caf\\xe9.yaml"
    run("--format", "json", "--output", json_file, "--html", html_file)
    assert json.loads(json_file.read_bytes().decode("utf-8"))["scenarios"][0]["path"] == shown
    assert "caf\\xe9.yaml" in html_file.read_bytes().decode("utf-8")


# ---- 7. input text that tries to inject commands -----------------------------------------


INJECTED = (
    "x\n::error file=README.md,line=1::injected\n::add-mask::secret"
    " ##[set-output name=a;]b \x1b[2J\x00"
)


def test_input_text_never_starts_a_line_nor_reaches_the_terminal_raw(tmp_path: Path) -> None:
    scenario = _easy(tmp_path, "shelled")
    text = scenario.read_text().replace("reports:\n", "reports:\n" + _shelling(INJECTED), 1)
    scenario.write_text(
        text.replace("  as_of:", '  title: "NUL \\0 ESC \\e[2J"\n  as_of:', 1)
        + "expect:\n  verdict: consistent\n"
    )
    typo = tmp_path / "typo.yaml"  # a diagnostic echoes the key it does not know
    typo.write_text(
        f"scenario:\n  id: typo\n  terms: {TERMS}\n  as_of: 2020-12-01\n"
        f'  "{INJECTED.encode("unicode_escape").decode()}": 1\n'
    )
    for fmt in ("text", "github", "compact", "markdown", "junit", "json", "sarif"):
        proc = _run("--format", fmt, "-v", scenario, typo, cwd=tmp_path)
        assert proc.returncode == 3
        for line in (proc.stdout + proc.stderr).splitlines():
            assert not line.lstrip().startswith(("::add-mask", "::error file=README")), (fmt, line)
        for raw in ("\x00", "\x1b", "##[", "##vso["):
            assert raw not in proc.stdout + proc.stderr, (fmt, raw)


def _shelling(source: str) -> str:
    quoted = source.encode("unicode_escape").decode()
    return f'  - {{id: shot, event: shelling, place: nk, date: 2020-11-12, source: "{quoted}"}}\n'


# ---- 8. --timeout ------------------------------------------------------------------------


def test_timeout_takes_positive_finite_seconds_only(tmp_path: Path) -> None:
    scenario = _easy(tmp_path, "easy")
    for value in ("inf", "nan", "0", "-1", "1e300"):
        proc = _run(f"--timeout={value}", scenario)
        assert proc.returncode == 2, value
        assert proc.stderr.startswith("usage error: argument --timeout: "), proc.stderr
        assert proc.stderr.count("\n") == 1


# A Ctrl-C that arrives while `checker.cli` imports its own modules (before any command
# runs): the import of one of them is interrupted, as a real SIGINT would interrupt it.
_CTRL_C_WHILE_IMPORTING = """
import builtins, runpy, sys
real = builtins.__import__
def interrupted(name, *args, **kwargs):
    if name == "checker.cli.check":
        raise KeyboardInterrupt
    return real(name, *args, **kwargs)
builtins.__import__ = interrupted
sys.argv = ["checker", "check", "--version"]
runpy.run_module("checker", run_name="__main__")
"""


def test_ctrl_c_while_the_command_is_imported_ends_it_quietly() -> None:
    # SPEC §5: Ctrl-C ends a run with 130, without a traceback, wherever it arrives in the
    # checker's own code; here before the command's modules are all imported
    proc = subprocess.run(
        [sys.executable, "-c", _CTRL_C_WHILE_IMPORTING],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert (proc.returncode, proc.stderr) == (130, "")
