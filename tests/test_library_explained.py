"""Every violated or complied provision of every shipped scenario names at least one
report or says in words why none can be named (SPEC §4.3 [v2]: "the reports that decide a
verdict are always named"; issue 12's condition of done), in `check`'s own json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_verdict_of_the_shipped_library_names_a_report_or_says_why_not(
    tmp_path: Path,
) -> None:
    out = tmp_path / "library.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "checker",
            "check",
            "scenarios",
            "--format",
            "json",
            "--output",
            out,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    silent = []
    counted = 0
    for s in doc["scenarios"]:
        for p in s["provisions"]:
            if p["verdict"] not in ("violated", "complied"):
                continue
            counted += 1
            named = p["because"] or p["deciding"]
            # a note is words, not an empty string or a bare code
            said = isinstance(p["note"], str) and len(p["note"].split()) >= 3
            if not (named or said):
                silent.append(f"{s['path']}: {p['id']} {p['verdict']}")
            for b in [*p["because"], *p["deciding"]]:
                assert b["report"] and b["line"] >= 1, (s["path"], p["id"], b)
            for b in p["deciding"]:
                assert b["detail"], (s["path"], p["id"], b)
    assert counted > 1000  # the library is all there (88 scenarios of about 30 provisions)
    assert not silent, silent
