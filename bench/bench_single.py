"""Benchmark: one 30-report scenario checked end to end by the `check` command, start-up included.

What a user waits for after saving one file: the process starts, imports the
checker and Z3, loads and resolves the terms and the scenario, judges it and
prints. The scenario is the `mixed` workload of bench/workloads.py (half the
dates uncertain, one ceasefire violation). Prints the median, min and max wall
seconds of `--runs` whole `check -q FILE` processes and their peak memory, the
median of as many `check --version` (start-up alone), where the imports of one
run go (`python -X importtime`, self time summed by package: z3, pydantic, yaml,
each stage of ours), then, in-process, the seconds `check_file` took, the solver
calls and the ratio of ours to the `z3` binary on the same questions.

Run from the repository root:

    .venv/bin/python bench/bench_single.py [REPORTS] [--runs 5]
    .venv/bin/python bench/bench_single.py --python ../before/.venv/bin/python --repo ../before
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import workloads  # noqa: E402


def main() -> None:
    ap = harness.options(__doc__)
    ap.add_argument("reports", nargs="?", type=int, default=30)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"single {args.reports}-report scenario, `check -q`: {harness.describe(args)}")
    row: dict = {"workload": "single", "size": args.reports}
    with harness.workdir(args.keep) as folder:
        path = workloads.write("mixed", args.reports, folder, seed=args.seed)
        check = harness.tool(args.python, "check")
        harness.spawn([check, "-q", "--exit-zero", str(path)], args.limit, cwd=args.repo)  # warm-up
        runs = [
            harness.spawn([check, "-q", "--exit-zero", str(path)], args.limit, cwd=args.repo)
            for _ in range(args.runs)
        ]
        walls = [None if p.killed else p.wall for p in runs]
        if None in walls:
            print(f"check: > {args.limit:g} s (killed)")
        else:
            row.update(seconds=statistics.median(walls), min=min(walls), max=max(walls))
            row["peak_mb"] = max(p.peak_mb for p in runs)
            summary = runs[-1].stdout.strip().splitlines()[-1:] or [runs[-1].stderr[-200:]]
            print(
                f"check: median {row['seconds']:.3f} s (min {row['min']:.3f}, max {row['max']:.3f}) "
                f"of {args.runs}, peak {row['peak_mb']:.0f} MB: {summary[0]}"
            )
        bare = [harness.spawn([check, "--version"], args.limit) for _ in range(args.runs)]
        if not any(p.killed for p in bare):
            row["startup"] = statistics.median(p.wall for p in bare)
            print(f"start-up alone (`check --version`): median {row['startup']:.3f} s")
        imports = import_times(args.python, path, args.repo)
        row["imports"] = {k: round(v, 4) for k, v in imports.most_common()}
        shown = ", ".join(f"{k} {v * 1000:.0f}" for k, v in imports.most_common(12))
        print(f"imports of one run, ms (self time by package): {shown}")
        judged = harness.judge(args, [path])
        if judged.ok:
            row.update(in_process=judged.seconds, checks=judged.checks, verdict=judged.verdict)
            line = (
                f"in-process: {judged.seconds:.3f} s, {judged.checks} solver calls, "
                f"verdict {judged.verdict}"
            )
            if not args.no_z3:
                dump = folder / "smt2"
                harness.judge(args, [path], dump=dump)
                bare = harness.bare_z3(args, dump)
                row["z3"] = bare.seconds
                if bare.seconds:
                    row["ratio"] = judged.seconds / bare.seconds
                    line += f", bare z3 {bare.seconds:.3f} s, ours/z3 {row['ratio']:.1f}"
            print(line)
    harness.row_json(args, row)


def import_times(python: str, path: Path, repo: str | None) -> Counter[str]:
    """Seconds spent importing, by package (`checker.STAGE` for ours), in one `check -q`
    run under `python -X importtime`; `total` is their sum."""
    code = (
        "import sys; from checker.cli import check_main; "
        f"check_main(['-q', '--exit-zero', {str(path)!r}])"
    )
    done = subprocess.run(
        [python, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=repo
    )
    out: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if m:
            parts = m.group(2).split(".")
            name = ".".join(parts[:2]) if parts[0] == "checker" else parts[0]
            out[name] += int(m.group(1)) / 1e6
    out["total"] = sum(out.values())
    return out


if __name__ == "__main__":
    main()
