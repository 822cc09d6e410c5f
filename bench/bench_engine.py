"""Benchmark: seconds to judge one scenario of 10, 100 and 1,000 reports, end to end.

Half the reports have uncertain dates (a whole day), half exact minutes; they
mix counters (rotations: deployments and withdrawals that keep the cap),
categorical state changes (checkpoints), and events that forbid/each/require
provisions look at; one shelling makes the ceasefire violated, so a proof is
minimized too. The mandate-presence provision is violated by every withdrawal.
Run: `.venv/bin/python bench/bench_engine.py [SIZES...]`. Prints one line per size.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from checker.api import CheckOptions, check_file
from checker.resolve import TermsCache

TERMS = Path(__file__).resolve().parent.parent / "tests" / "cases" / "mini-terms.yaml"
START = date(2020, 11, 11)


FIXED = """\
  - {id: aghdam, event: handover, place: aghdam, from: AM, to: AZ, date: 2020-11-20}
  - {id: kalbajar, event: handover, place: kalbajar, from: AM, to: AZ, date: 2020-11-25}
  - {id: main-force, event: deployment, actor: RU-peacekeepers, place: nk, troops: 1500, role: peacekeeping, time: 2020-11-10T12:00}
  - {id: first-release, event: release, actor: AZ, place: nk, persons: 100, date: 2020-11-30}
  - {id: breach, event: shelling, actor: unknown, place: nk, date: 2020-12-11}
"""


def report(i: int, rng: random.Random) -> str:
    day = START + timedelta(days=1 + rng.randrange(0, 1000))
    when = (
        f"date: {day}" if i % 2 else f"time: {day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}"
    )
    kind = rng.choices(
        ["rotation-out", "rotation-in", "checkpoint", "return", "release", "establishment"],
        weights=[20, 20, 10, 25, 20, 5],
    )[0]
    head = f"  - id: r{i}\n    {when}\n    source: bench\n"
    if kind == "rotation-in":
        body = "    event: deployment\n    actor: RU-peacekeepers\n    place: nk\n"
        body += f"    troops: {rng.randrange(1, 10)}\n    role: peacekeeping\n"
    elif kind == "rotation-out":
        body = "    event: withdrawal\n    actor: RU-peacekeepers\n    place: armenia\n"
        body += f"    troops: {rng.randrange(1, 10)}\n"
    elif kind == "checkpoint":
        body = "    event: checkpoint\n    actor: RU-peacekeepers\n    place: corridor\n"
    elif kind == "return":
        body = f"    event: return\n    place: nk\n    persons: {rng.randrange(1, 500)}\n"
        body += "    supervised_by: UNHCR\n"
    elif kind == "release":
        body = f"    event: release\n    actor: AZ\n    place: nk\n    persons: {rng.randrange(1, 30)}\n"
    else:
        body = "    event: establishment\n    actor: RU\n    place: aghdam\n    facility: monitoring-centre\n"
    return head + body


def scenario(n: int, seed: int = 0) -> str:
    """Five fixed reports (handovers, the main force, a release, one shelling) and n - 5 random ones."""
    rng = random.Random(seed)
    reports = FIXED + "".join(report(i, rng) for i in range(max(0, n - 5)))
    return f"scenario:\n  id: bench-{n}\n  terms: {TERMS}\n  as_of: 2023-11-01\nreports:\n{reports}"


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bench-{n}.yaml"
            path.write_text(scenario(n), encoding="utf-8")
            began = time.perf_counter()
            result = check_file(path, TermsCache(), CheckOptions())
            took = time.perf_counter() - began
            verdict = getattr(result, "verdict", "error")
            checks = getattr(result, "checks", 0)
            print(f"{n:>6} reports  {took:8.2f} s  verdict {verdict}  solver checks {checks}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
