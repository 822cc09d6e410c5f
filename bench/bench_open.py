"""Benchmark: open worlds (`world: open`), where the engine adds unreported (phantom) events.

Part 1, generated: scenarios of 10, 30 and 100 reports (bench/workloads.py
`open`: events, absences `none:` and state observations `state:`) judged
in-process, as `bench_engine.py open --runs N` does (medians of `--runs`).

Part 2, shipped: every scenario of the library (`scenarios/`) with `world: open`,
each checked on its own by the `check` command as a user runs it (whole process,
start-up included; the median of `--runs` runs), first on a quiet machine, then
while two CPU-bound processes (busy loops this script starts and stops) compete
for the processors. Prints time, verdict and whether it met its `expect`; a
verdict `unknown` means the judge gave up (time limit) under that load. Solver
calls and the ratio to bare Z3 are measured once, quiet.

Run from the repository root:

    .venv/bin/python bench/bench_open.py
    .venv/bin/python bench/bench_open.py --runs 5 --sizes 10 30 100 300
    .venv/bin/python bench/bench_open.py --only shipped --python ../before/.venv/bin/python --repo ../before
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_engine  # noqa: E402
import harness  # noqa: E402

OPEN = re.compile(r"^\s*world:\s*open\b", re.MULTILINE)
SCENARIO = re.compile(r"^scenario:", re.MULTILINE)  # not a dataset map, which may set a world


def shipped(repo: str) -> list[Path]:
    root = Path(repo) / "scenarios"
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*.yaml")}
    return sorted(p for p, t in texts.items() if SCENARIO.search(t) and OPEN.search(t))


def check_once(args, path: Path, out: Path) -> tuple[float | None, str, str, float]:
    """One whole `check` process: (seconds or None if killed, verdict, passed, peak MB)."""
    out.unlink(missing_ok=True)
    cmd = [harness.tool(args.python, "check"), "-q", "--format", "json", "--output", str(out)]
    p = harness.spawn([*cmd, str(path)], args.limit, cwd=args.repo)
    if p.killed:
        return None, "killed", "-", p.peak_mb
    try:
        sc = json.loads(out.read_text(encoding="utf-8"))["scenarios"][0]
        verdict, passed = sc["verdict"], "yes" if sc["passed"] else "NO"
        if sc.get("reason"):
            verdict += f" ({sc['reason']})"
    except (OSError, ValueError, IndexError, KeyError):
        verdict, passed = f"exit {p.returncode}", "-"
    return p.wall, verdict, passed, p.peak_mb


def check_runs(args, path: Path, folder: Path) -> dict:
    runs = [check_once(args, path, folder / "out.json") for _ in range(args.runs)]
    times = [t for t, *_ in runs]
    verdicts = sorted({v for _, v, _, _ in runs})
    return {
        "seconds": None if None in times else statistics.median(times),
        "min": None if None in times else min(times),
        "max": None if None in times else max(times),
        "verdict": " / ".join(verdicts),
        "passed": " / ".join(sorted({p for *_, p, _ in runs})),
        "peak_mb": max(m for *_, m in runs),
    }


def main() -> None:
    ap = harness.options(__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10, 30, 100])
    ap.add_argument("--runs", type=int, default=3, help="runs per case (medians)")
    ap.add_argument("--only", choices=["generated", "shipped"])
    ap.add_argument("--busy", type=int, default=2, help="CPU-bound processes for the loaded runs")
    args = ap.parse_args()
    args.timeout = None
    with harness.workdir(args.keep) as folder:
        if args.only != "shipped":
            print(f"generated open worlds: {harness.describe(args)}", flush=True)
            print(bench_engine.line(bench_engine.HEAD), flush=True)
            for n in args.sizes:
                row = bench_engine.measure(args, "open", n, folder)
                harness.row_json(args, row)
                print(bench_engine.show(row, args.limit), flush=True)
        if args.only == "generated":
            return
        files = shipped(args.repo)
        print(
            f"\nshipped open-world scenarios, `check` per file, median of {args.runs}: "
            + harness.describe(args),
            flush=True,
        )
        rows = []
        for path in files:
            row: dict = {"workload": "open-shipped", "file": str(path.relative_to(args.repo))}
            row["quiet"] = check_runs(args, path, folder)
            judged = harness.judge(args, [path])
            row["checks"] = judged.checks
            row["seconds_in_process"] = judged.seconds if judged.ok else None
            if judged.ok and not args.no_z3:
                dump = folder / f"smt2-{path.stem}"
                harness.judge(args, [path], dump=dump)
                bare = harness.bare_z3(args, dump)
                row["z3"] = bare.seconds
                if bare.seconds:
                    row["ratio"] = judged.seconds / bare.seconds
            rows.append(row)
        with harness.busy(args.busy):
            for row in rows:
                row["loaded"] = check_runs(args, Path(args.repo) / row["file"], folder)
        out = []
        for row in rows:
            harness.row_json(args, row)
            q, b = row["quiet"], row["loaded"]
            out.append(
                [
                    Path(row["file"]).stem,
                    harness.secs(q["seconds"], args.limit),
                    q["verdict"],
                    q["passed"],
                    f"{q['peak_mb']:.0f}",
                    row["checks"],
                    harness.secs(row.get("z3"), args.limit) if "z3" in row else "-",
                    f"{row['ratio']:.1f}" if row.get("ratio") else "-",
                    harness.secs(b["seconds"], args.limit),
                    b["verdict"],
                    b["passed"],
                ]
            )
        head = ["scenario", "quiet", "verdict", "passed", "peak MB", "calls", "bare z3"]
        head += ["ours/z3", f"{args.busy} busy", "verdict", "passed"]
        print(harness.table(out, head))
        gave_up = [
            r["file"] for r in rows for k in ("quiet", "loaded") if "unknown" in r[k]["verdict"]
        ]
        print("gave up (unknown): " + (", ".join(gave_up) if gave_up else "none"))


if __name__ == "__main__":
    main()
