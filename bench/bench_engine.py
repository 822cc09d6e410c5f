"""Benchmark: one generated scenario of N reports judged in-process, per size, per workload.

Workloads (generators in bench/workloads.py, against bench/bench-terms.yaml):

  counters   deployments and withdrawals of the peacekeeping contingent under a
             `maintain` cap: the counter timeline (sizes 50 100 200)
  handovers  handovers of many districts with `was` holders and `one_of`
             holders: categorical timelines and preconditions (50 100 200)
  chain      K handovers of ONE district, overlapping 30-day windows, every
             holder `one_of`; judge timeout 10 s: the worst case of ordering
             (40 60 80)
  mixed      the engine at scale: all of the above plus returns, releases,
             establishments and one shelling (a violation, so one proof is
             minimized); half the dates uncertain (10 100 1000; 10000 by hand)
  steady     `mixed` at constant density: 1,060 days of true events per 1,000
             reports, so growth is the reports' alone (1000 2000 4000; 10000 by
             hand)
  open       `world: open` with absences and state observations: phantom
             (unreported) events (30 100 300; 1000 by hand)
  incoherent `mixed` and a less reliable rival source denying one in a hundred
             exactly timed events: conflicts and readings (100 300 1000)

Every size prints: the verdict; seconds for `check_file` (load, resolve,
encode, solve), its CPU seconds, the part of them inside Z3's answers ("in Z3":
the rest is the checker's own work), and the part before the judge's own clock
(`result.duration`) starts, "setup": load, resolve, encode; milliseconds per
report; the child process's wall seconds (start-up included); its peak memory;
the solver calls; the seconds the `z3` binary takes for the same questions,
and the ratio of ours to that. With `--runs N` the times are medians of N runs
(a case whose first run takes over a minute runs once). A case past `--limit`
is killed.

Run from the repository root:

    .venv/bin/python bench/bench_engine.py                    # mixed 10 100 1000
    .venv/bin/python bench/bench_engine.py counters 50 100 200 --runs 3
    .venv/bin/python bench/bench_engine.py chain              # 40 60 80, --timeout 10
    .venv/bin/python bench/bench_engine.py mixed 10000 --limit 600
    .venv/bin/python bench/bench_engine.py open --python ../before/.venv/bin/python --repo ../before
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import workloads  # noqa: E402

SIZES = {
    "counters": [50, 100, 200],
    "handovers": [50, 100, 200],
    "chain": [40, 60, 80],
    "mixed": [10, 100, 1000],
    "steady": [1000, 2000, 4000],
    "open": [30, 100, 300],
    "incoherent": [100, 300, 1000],
}
TIMEOUT = {"chain": 10.0}  # judge seconds; the others keep the judge's default (60)
WATCH = {"counters": "troops-cap", "mixed": "ceasefire", "steady": "ceasefire"}


def measure(args, kind: str, n: int, folder: Path) -> dict:
    """One size: judged `--runs` times (medians; one run if the first took over a minute).

    The questions are dumped first, in a run of their own that is not counted; then each
    judged run is followed by the bare `z3` answering them, and `ours/z3` is the median of
    those pairs' ratios: the machine's speed drifts by a third between minutes, and a
    pair shares its minute."""
    path = workloads.write(kind, n, folder, seed=args.seed)
    timeout = args.timeout if args.timeout is not None else TIMEOUT.get(kind)
    dump = folder / f"smt2-{kind}-{n}"
    dumped = not args.no_z3 and harness.judge(args, [path], timeout=timeout, dump=dump).ok
    want = getattr(args, "runs", 1)
    runs: list[harness.Judged] = []
    bares: list[harness.Bare] = []
    while not runs or (runs[-1].ok and len(runs) < want and runs[0].proc.wall < 60):
        runs.append(harness.judge(args, [path], timeout=timeout))
        if dumped and runs[-1].ok:
            bares.append(harness.bare_z3(args, dump))
    run = runs[0]
    ok = all(r.ok for r in runs)
    row: dict = {
        "workload": kind,
        "size": n,
        "repo": args.repo,
        "runs": len(runs),
        "verdict": " / ".join(dict.fromkeys(r.verdict for r in runs)),
        "seconds": statistics.median(r.seconds for r in runs) if ok else None,
        "cpu": statistics.median(r.cpu for r in runs) if ok else None,
        "in_z3": statistics.median(r.in_z3 for r in runs) if ok else None,
        # load, resolve and encode: everything before the judge's own clock starts
        "setup": statistics.median(r.seconds - r.judge_seconds for r in runs) if ok else None,
        "process": statistics.median(r.proc.wall for r in runs) if ok else None,
        "peak_mb": max(r.peak_mb for r in runs),
        "checks": run.checks,
        "z3": None,
        "ratio": None,
    }
    if ok:
        f = run.files[0]
        row["reason"] = f.get("reason")
        row["watch"] = f.get("provisions", {}).get(WATCH.get(kind, ""), "")
    row["z3_skipped"] = args.no_z3 or not ok
    if ok and bares and all(b.seconds for b in bares):
        row["z3"] = statistics.median(b.seconds for b in bares)
        row["z3_questions"] = bares[0].questions
        row["z3_disagreements"] = max(b.disagreements for b in bares)
        row["ratio"] = statistics.median(
            r.seconds / b.seconds for r, b in zip(runs, bares, strict=True)
        )
    return row


HEAD = ["reports", "verdict", "time", "cpu", "in Z3", "setup", "ms/report", "process"]
HEAD += ["peak MB", "calls"]
HEAD += ["bare z3", "ours/z3", "watched"]
WIDTHS = [7, 12, 9, 9, 9, 9, 9, 9, 7, 6, 9, 7, 9]


def line(cells: list) -> str:
    return "  ".join(str(c).rjust(w) for c, w in zip(cells, WIDTHS, strict=True))


def show(r: dict, limit: float) -> str:
    sec = r["seconds"]
    z3 = "-" if r.get("z3_skipped") or sec is None else harness.secs(r["z3"], limit)
    verdict = r["verdict"] + (f" ({r['reason']})" if r.get("reason") else "")
    return line(
        [
            r["size"],
            verdict,
            harness.secs(sec, limit),
            harness.secs(r["cpu"], limit) if sec is not None else "-",
            harness.secs(r["in_z3"], limit) if sec is not None else "-",
            harness.secs(r["setup"], limit) if sec is not None else "-",
            "-" if sec is None else f"{1000 * sec / r['size']:.1f}",
            harness.secs(r["process"], limit),
            f"{r['peak_mb']:.0f}",
            r["checks"] if sec is not None else "-",
            z3,
            "-" if r["ratio"] is None else f"{r['ratio']:.1f}",
            r.get("watch", ""),
        ]
    )


def main() -> None:
    ap = harness.options(__doc__)
    ap.add_argument("what", nargs="*", help="[WORKLOAD] [SIZES...] (default: mixed)")
    ap.add_argument("--timeout", type=float, default=None, help="judge seconds per scenario")
    ap.add_argument("--runs", type=int, default=1, help="runs per size; medians are printed")
    args = ap.parse_args()
    what = list(args.what)
    kind = what.pop(0) if what and not what[0].isdigit() else "mixed"
    if kind not in SIZES:
        ap.error(f"unknown workload {kind!r}; one of {', '.join(SIZES)}")
    sizes = [int(x) for x in what] or SIZES[kind]
    print(f"{kind}: {harness.describe(args)}", flush=True)
    print(line(HEAD), flush=True)
    rows = []
    with harness.workdir(args.keep) as folder:
        for n in sizes:
            row = measure(args, kind, n, folder)
            harness.row_json(args, row)
            rows.append(row)
            print(show(row, args.limit), flush=True)
    done = [r for r in rows if r["seconds"]]
    if len(done) > 1:
        first = done[0]
        growth = ", ".join(
            f"x{r['size'] / first['size']:g} reports: x{r['seconds'] / first['seconds']:.1f} time"
            for r in done[1:]
        )
        print(f"growth from {first['size']} reports: {growth}")


if __name__ == "__main__":
    main()
