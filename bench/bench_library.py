"""Benchmark: a generated library of scenarios (default 1,000 of 30 reports) checked by
`check --jobs N` as a user runs it; prints wall seconds and scenarios per second.

Run: `.venv/bin/python bench/bench_library.py [COUNT] [REPORTS] [JOBS]`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import scenario  # noqa: E402


def main(count: int, reports: int, jobs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            text = scenario(reports, seed=i).replace(f"id: bench-{reports}", f"id: lib-{i:05d}")
            (Path(tmp) / f"s{i:05d}.yaml").write_text(text, encoding="utf-8")
        exe = Path(sys.executable).parent / "check"
        began = time.perf_counter()
        proc = subprocess.run(
            [str(exe), "--jobs", str(jobs), "-q", "--exit-zero", tmp],
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - began
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
        print(
            f"{count} scenarios x {reports} reports, --jobs {jobs}: {took:.1f} s "
            f"({count / took:.1f} scenarios/s); exit {proc.returncode}; {last}"
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1000, 30, 2][len(args) :]))
