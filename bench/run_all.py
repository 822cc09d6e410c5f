"""Run every benchmark once at modest sizes (a few minutes), one after another.

Each benchmark is its own script (see docs/performance.md); this runs them in
turn with small sizes so that a change can be judged quickly, passing
`--python`, `--repo`, `--limit` and `--no-z3` through. The big sizes are
behind `--full` (far longer: mixed 10,000, counters 1,000, the 1,000-scenario
library). Every row is also appended as JSON to `--json FILE` if given.

Run from the repository root:

    .venv/bin/python bench/run_all.py
    .venv/bin/python bench/run_all.py --full --json after.jsonl
    .venv/bin/python bench/run_all.py --python ../before/.venv/bin/python --repo ../before
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

QUICK = [
    ["bench_engine.py", "counters", "50", "100"],
    ["bench_engine.py", "handovers", "100", "300"],
    ["bench_engine.py", "chain", "40"],
    ["bench_engine.py", "mixed", "10", "100", "300"],
    ["bench_engine.py", "incoherent", "100", "300"],
    ["bench_open.py", "--sizes", "10", "30", "--runs", "1"],
    ["bench_library.py", "200", "30", "2", "--z3-sample", "20"],
    ["bench_single.py", "--runs", "3"],
]
FULL = [
    ["bench_engine.py", "counters", "50", "100", "200", "500", "1000"],
    ["bench_engine.py", "handovers", "50", "100", "200", "500", "1000"],
    ["bench_engine.py", "chain", "40", "60", "80"],
    ["bench_engine.py", "mixed", "100", "1000", "10000"],
    ["bench_engine.py", "incoherent", "100", "300", "1000"],
    ["bench_open.py", "--sizes", "10", "30", "100", "300", "1000", "--runs", "3"],
    ["bench_library.py", "1000", "30", "2"],
    ["bench_single.py", "--runs", "5"],
]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--repo", default=str(HERE.parent))
    ap.add_argument("--limit", type=float, default=200.0, help="seconds per case before a kill")
    ap.add_argument("--full", action="store_true", help="the big sizes too (long)")
    ap.add_argument("--no-z3", action="store_true", help="skip the bare-Z3 comparisons")
    ap.add_argument("--json", metavar="FILE", help="append every row as JSON to FILE")
    a = ap.parse_args()
    common = ["--python", a.python, "--repo", a.repo]
    common += ["--no-z3"] * a.no_z3 + (["--json", a.json] if a.json else [])
    began = time.perf_counter()
    for script, *rest in FULL if a.full else QUICK:
        limit = ["--limit", str(max(a.limit, 600.0) if script == "bench_library.py" else a.limit)]
        cmd = [sys.executable, str(HERE / script), *rest, *common, *limit]
        print(f"\n$ {' '.join([Path(script).name, *rest])}", flush=True)
        subprocess.run(cmd, check=False)
    print(f"\nall benchmarks: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
