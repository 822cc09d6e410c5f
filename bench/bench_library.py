"""Benchmark: a generated library (default 1,000 scenarios of 30 reports) checked by
`check --jobs N -q --exit-zero DIR`, as a user runs it on a large library.

The scenarios are the `mixed` workload of bench/workloads.py (seed = the
scenario's number): half the dates uncertain, one ceasefire violation each.
Prints the wall seconds of the whole `check` process, scenarios per second, its
peak memory (the largest single process, workers included), its CPU seconds and
its summary line. Then, in one process without `--jobs`, the solver calls of the
whole library and the in-process seconds; and for the first `--z3-sample`
scenarios the ratio of our seconds to the `z3` binary's on the same questions.

Run from the repository root:

    .venv/bin/python bench/bench_library.py [COUNT] [REPORTS] [JOBS]   # 1000 30 2
    .venv/bin/python bench/bench_library.py 200 30 2 --python ../before/.venv/bin/python --repo ../before
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import workloads  # noqa: E402


def main() -> None:
    ap = harness.options(__doc__, limit=600.0)
    ap.add_argument("numbers", nargs="*", type=int, help="COUNT REPORTS JOBS (1000 30 2)")
    ap.add_argument("--z3-sample", type=int, default=100, help="scenarios compared with bare Z3")
    args = ap.parse_args()
    count, reports, jobs = (args.numbers + [1000, 30, 2][len(args.numbers) :])[:3]
    print(f"library {count} x {reports} reports, --jobs {jobs}: {harness.describe(args)}")
    row: dict = {"workload": "library", "count": count, "reports": reports, "jobs": jobs}
    with harness.workdir(args.keep) as folder:
        lib = folder / "library"
        lib.mkdir(exist_ok=True)
        files = [
            workloads.write("mixed", reports, lib, seed=i, name=f"s{i:05d}.yaml")
            for i in range(count)
        ]
        cmd = [harness.tool(args.python, "check"), "--jobs", str(jobs), "-q", "--exit-zero"]
        p = harness.spawn([*cmd, str(lib)], args.limit, cwd=args.repo)
        last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr[-300:]
        row.update(seconds=None if p.killed else p.wall, peak_mb=p.peak_mb, cpu=p.cpu)
        row["summary"] = last
        if p.killed:
            print(f"check: > {args.limit:g} s (killed)")
        else:
            print(
                f"check: {p.wall:.1f} s ({count / p.wall:.1f} scenarios/s), "
                f"peak {p.peak_mb:.0f} MB, cpu {p.cpu:.1f} s, exit {p.returncode}: {last}"
            )
        judged = harness.judge(args, files)
        row["checks"] = judged.checks
        row["in_process"] = judged.seconds if judged.ok else None
        if judged.ok:
            print(
                f"in one process: {judged.seconds:.1f} s, {judged.checks} solver calls "
                f"({judged.checks / count:.1f} per scenario), verdicts {judged.verdict}"
            )
        else:
            print(f"in one process: > {args.limit:g} s (killed)")
        sample = files[: args.z3_sample]
        if judged.ok and sample and not args.no_z3:
            dump = folder / "smt2"
            harness.judge(args, sample, dump=dump)
            bare = harness.bare_z3(args, dump)
            ours = sum(f["seconds"] for f in judged.files[: len(sample)])
            row["z3"] = bare.seconds
            row["ratio"] = ours / bare.seconds if bare.seconds else None
            print(
                f"first {len(sample)}: ours {ours:.2f} s, bare z3 {harness.secs(bare.seconds, args.limit)}"
                + (f", ours/z3 {row['ratio']:.1f}" if row["ratio"] else "")
            )
    harness.row_json(args, row)


if __name__ == "__main__":
    main()
