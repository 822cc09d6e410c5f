"""Hostile input through the command line, as a stranger's pull request would bring it:
every file gives exit 3 and `file:line:col: message` on stderr, no traceback, in bounded
time and memory — and a library with some bad files still judges every good one."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
TERMS = CASES / "mini-terms.yaml"
POSITION = re.compile(r"^[^\s:][^:]*:\d+:\d+: ", re.MULTILINE)
SECONDS = 60
MEMORY_MB = 1500

SCENARIO_HEAD = f"scenario:\n  id: hostile\n  terms: {TERMS}\n  as_of: 2020-12-01\n"


def _generated() -> dict[str, bytes]:
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(9)
    )
    return {
        "empty.yaml": b"",
        "only-comment.yaml": b"# nothing here\n",
        "binary.yaml": bytes(range(256)) * 4,
        "latin1.yaml": "scenario:\n  id: caf\xe9\n".encode("latin-1"),
        "nul-byte.yaml": b"scenario:\n  id: x\x00y\n",
        "syntax.yaml": b"scenario: {id: x\nreports: [\n",
        "tab-indent.yaml": b"scenario:\n\tid: x\n",
        "python-tag.yaml": (
            SCENARIO_HEAD + "reports: !!python/object/apply:os.system ['true']\n"
        ).encode(),
        "python-name.yaml": (
            SCENARIO_HEAD + "reports:\n  - id: !!python/name:os.system x\n"
        ).encode(),
        "deep.yaml": ("scenario:\n  id: deep\n" + deep).encode(),
        "alias-bomb.yaml": ("scenario:\n  id: bomb\n" + bomb).encode(),
        "repeated-key.yaml": (SCENARIO_HEAD + "reports: []\nreports: []\n").encode(),
        "impossible-date.yaml": (
            SCENARIO_HEAD.replace("2020-12-01", "2020-02-30") + "reports: []\n"
        ).encode(),
        "impossible-time.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: shelling, place: nk, time: 2020-11-12T25:61}\n"
        ).encode(),
        "reversed-range.yaml": (
            SCENARIO_HEAD
            + "reports:\n  - {event: shelling, place: nk, date: {from: 2020-11-20, to: 2020-11-10}}\n"
        ).encode(),
        "reversed-number.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: release, place: nk, persons: {min: 9, max: 2}}\n"
        ).encode(),
        "unknown-kind.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: shellling, place: nk}\n"
        ).encode(),
        "unknown-field.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: release, place: nk, prisoners: 5}\n"
        ).encode(),
        "wrong-type.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: release, place: nk, persons: many}\n"
        ).encode(),
        "negative-count.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: release, place: nk, persons: -5}\n"
        ).encode(),
        "enum-word.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: deployment, place: nk, role: tourism}\n"
        ).encode(),
        "two-shapes.yaml": (
            SCENARIO_HEAD + "reports:\n  - {event: shelling, state: control, place: nk}\n"
        ).encode(),
        "repeated-id.yaml": (
            SCENARIO_HEAD + "reports:\n  - {id: a, event: shelling}\n  - {id: a, event: shelling}\n"
        ).encode(),
        "reports-not-list.yaml": (SCENARIO_HEAD + "reports: 5\n").encode(),
        "top-level-list.yaml": b"- scenario\n- reports\n",
        "huge-int.yaml": (
            SCENARIO_HEAD
            + "reports:\n  - {event: release, place: nk, persons: "
            + "9" * 5000
            + "}\n"
        ).encode(),
    }


def _run(
    *args: str | Path, cwd: Path = ROOT
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "checker", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=SECONDS * 2,
    )
    took = time.monotonic() - began
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return proc, took, peak


def _assert_input_error(
    proc: subprocess.CompletedProcess[str], took: float, peak_mb: float, name: str
) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr[-2000:]
    assert proc.returncode == 3, (proc.returncode, proc.stdout[-500:], proc.stderr[-500:])
    assert POSITION.search(proc.stderr), proc.stderr[-500:]
    assert name in proc.stderr
    assert took < SECONDS, took
    assert peak_mb < MEMORY_MB, peak_mb


@pytest.mark.parametrize("name", sorted(_generated()))
def test_generated_hostile_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_generated()[name])
    for command in ("check", "lint"):
        _assert_input_error(*_run(command, path), name)


def test_thirty_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    line = "  - {event: shelling, place: nk, date: 2020-11-12, note: " + "x" * 200 + "}\n"
    with path.open("w") as f:
        f.write(SCENARIO_HEAD + "reports:\n")
        for _ in range(30 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert path.stat().st_size >= 30 * 1024 * 1024
    proc, took, peak = _run("check", path)
    _assert_input_error(proc, took, peak, "huge.yaml")
    assert "too large" in proc.stderr


DIAGNOSTIC_CASES = sorted((CASES / "diagnostics").glob("*.yaml"))


@pytest.mark.parametrize("path", DIAGNOSTIC_CASES, ids=lambda p: p.name)
def test_every_diagnostics_case_exits_3_through_lint(path: Path) -> None:
    proc, took, peak = _run("lint", path)
    if "warning" in path.name or "note" in path.name:  # not input errors
        return
    _assert_input_error(proc, took, peak, path.name)


def test_bad_files_do_not_stop_the_good_ones(tmp_path: Path) -> None:
    good = SCENARIO_HEAD.replace("hostile", "good") + (
        "reports:\n"
        "  - {id: a, event: handover, place: aghdam, from: AM, to: AZ, date: 2020-11-20}\n"
        "  - {id: k, event: handover, place: kalbajar, from: AM, to: AZ, date: 2020-11-24}\n"
        "  - {id: r, event: release, persons: 100, date: 2020-11-30}\n"
        "expect: {verdict: consistent}\n"
    )
    (tmp_path / "a-good.yaml").write_text(good)
    for name, data in list(_generated().items())[:8]:
        (tmp_path / f"b-{name}").write_bytes(data)
    (tmp_path / "z-good.yaml").write_text(good.replace("id: good", "id: good-too"))
    proc, took, peak = _run("check", tmp_path)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "a-good.yaml: good: consistent" in proc.stdout
    assert "z-good.yaml: good-too: consistent" in proc.stdout
    assert proc.stdout.rstrip().endswith("2 passed, 0 failed, 6 errors")
