"""The child process of the benchmarks: judge scenario files in-process, print one JSON line.

Run by the bench scripts with the interpreter being measured (`--python`), never
by hand as a benchmark of its own:

    PYTHON bench/runner.py --repo REPO [--timeout S] [--dump-smt2 DIR] FILE...

It uses only API names that every version of the checker has
(`checker.api.check_file`, `checker.api.CheckOptions`, `checker.judge.Options`,
`checker.resolve.TermsCache`), and judges as `check` does without `--html`: with every
explanation, without the HTML report's timeline, and (where the version has it) the Z3
context made on a second core while the file is read. Printed: per file the verdict,
the provision verdicts, the solver calls (`checks`), the judge's own duration, the
seconds `check_file` took (load, resolve, encode, solve) and the part of them spent
inside Z3's answers (`in_z3`); then the peak memory of this process in MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--timeout", type=float, default=None)
    ap.add_argument("--dump-smt2", default=None)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    sys.path.insert(0, str(Path(a.repo).resolve()))

    import checker.api as api
    import checker.judge as judge
    from checker.resolve import TermsCache

    fields: dict[str, object] = {} if a.timeout is None else {"timeout": a.timeout}
    if a.dump_smt2:
        fields["dump_smt2"] = Path(a.dump_smt2)
    try:  # as `check` judges without --html: no timeline (a version without the option
        # always made it)
        opts = api.CheckOptions(judge=judge.Options(**fields, timeline=False))
    except TypeError:
        opts = api.CheckOptions(judge=judge.Options(**fields))
    cache = TermsCache()
    # the seconds spent inside Z3's answers (every version asks through this function,
    # looked up at each call); the rest of `seconds` is the checker's own work
    from z3 import z3core

    in_z3 = [0.0]
    answer = z3core.Z3_solver_check_assumptions

    def timed_answer(*args: object) -> object:
        began = time.perf_counter()
        try:
            return answer(*args)
        finally:
            in_z3[0] += time.perf_counter() - began

    z3core.Z3_solver_check_assumptions = timed_answer
    # as `check` does in one process (a version without it makes the context on the spot)
    make_ahead = getattr(judge, "make_ahead", lambda: None)
    out = []
    for f in a.files:
        make_ahead()
        in_z3[0] = 0.0
        began, cpu = time.perf_counter(), time.process_time()
        result = api.check_file(Path(f), cache, opts)
        took = time.perf_counter() - began
        row: dict[str, object] = {"file": f, "seconds": took, "cpu": time.process_time() - cpu}
        row["in_z3"] = in_z3[0]
        verdict = getattr(result, "verdict", None)
        if verdict is None:  # a FileError: the scenario is not valid input
            diags = getattr(result, "diagnostics", None) or getattr(result, "problems", [])
            row["verdict"] = "input-error"
            row["error"] = "; ".join(str(d) for d in list(diags)[:3]) or repr(result)[:300]
        else:
            row["verdict"] = verdict
            row["reason"] = getattr(result, "reason", None)
            row["passed"] = bool(getattr(result, "passed", False))
            row["checks"] = getattr(result, "checks", 0)
            row["duration"] = getattr(result, "duration", None)
            row["provisions"] = {p.id: p.verdict for p in getattr(result, "provisions", [])}
        out.append(row)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"files": out, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
