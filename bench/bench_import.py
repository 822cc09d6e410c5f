"""Benchmark: `checker import acled` of a large generated export, and judging what it wrote.

Generates ROWS rows in ACLED's export format (seeded; dates from November 2020
to September 2023 with all three precision codes, clashes, shelling, drone
strikes, transfers of territory, protests to drop, a few names the map does
not know) and imports them against the flagship terms with a map of its own,
in a child process. Prints the import's wall seconds and peak memory (RSS of
the child). With `--judge N` it then imports the first N rows alone and times
`check` of the scenario that import wrote (the engine's goal: 10,000 reports
judged within 30 s). Not a test: it prints what it measures.

Run from the repository root:

    .venv/bin/python bench/bench_import.py [ROWS] [--judge 10000]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from checker.datasets.acled import COLUMNS  # noqa: E402

MAP = """\
actors:
  - name: Military Forces of Azerbaijan (2003-)
    actor: AZ-forces
  - regex: '^Military Forces of (Armenia|Artsakh)'
    actor: AM-forces
  - name: Unidentified Armed Group (Azerbaijan)
    actor: unknown
acled:
  scenario: {id: bench-import, title: Generated ACLED-format rows}
  drop:
    - when: {event_type: Protests}
      reason: not events of the terms
  events:
    - when: {event_type: Battles}
      kind: attack
      actor: [actor1, actor2]
    - when: {sub_event_type: Air/drone strike}
      kind: drone-strike
    - when: {event_type: Explosions/Remote violence}
      kind: shelling
  fields:
    fatalities: fatalities
  places:
    - when: {location: {regex: '^Hin Tagher|^Khtsaberd'}}
      place: hadrut
    - box: {lat: [39.9, 40.1], lon: [46.8, 47.0]}
      place: aghdam
    - when: {admin1: [Khojavend, Martuni]}
      place: khojavend
    - when: {admin1: Lachin}
      place: lachin
    - when: {admin1: Shusha}
      place: shusha
"""

KINDS = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Mob violence"),  # unmapped: reported once, counted
]
ACTORS = [
    "Military Forces of Azerbaijan (2003-)",
    "Military Forces of Armenia (2018-)",
    "Military Forces of Artsakh",
    "Unidentified Armed Group (Azerbaijan)",
    "Some Militia",  # unmapped
]
PLACES = [
    ("Khojavend", "Hin Tagher", "", ""),
    ("Aghdam", "Aghdam", "39.99", "46.93"),
    ("Khojavend", "Sur", "", ""),
    ("Lachin", "Lachin", "39.64", "46.55"),
    ("Shusha", "Shusha", "39.76", "46.75"),
    ("Tartar", "Tartar", "40.34", "46.93"),  # unmapped
]


def generate(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    start, days = date(2020, 11, 10), (date(2023, 9, 30) - date(2020, 11, 10)).days
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(rows):
            et, st = KINDS[rng.randrange(len(KINDS))] if rng.random() < 0.2 else KINDS[0]
            admin1, location, lat, lon = PLACES[rng.randrange(len(PLACES))]
            day = start + timedelta(days=rng.randrange(days))
            v = dict.fromkeys(COLUMNS, "")
            v.update(
                event_id_cnty=f"GEN{i}",
                event_date=day.isoformat(),
                year=str(day.year),
                time_precision=rng.choice("1111111123"),
                event_type=et,
                sub_event_type=st,
                actor1=rng.choice(ACTORS),
                actor2=rng.choice(ACTORS),
                country="Azerbaijan",
                admin1=admin1,
                location=location,
                latitude=lat,
                longitude=lon,
                source="Generated for the benchmark",
                notes=f"Generated row {i}: {st.lower()} near {location}.",
                fatalities=str(rng.choice((0, 0, 0, 1, 2, 3, 5))),
            )
            w.writerow([v[c] for c in COLUMNS])


def child(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds, peak RSS in MiB (of children so far: run the largest first) and result;
    the child's CPU seconds are printed, as wall time depends on the machine's load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "checker", *args], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"  ({cpu:.1f} CPU s: checker {args[0]})")
    return wall, after.ru_maxrss / 1024, proc


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("rows", nargs="?", type=int, default=100_000)
    ap.add_argument(
        "--judge", type=int, default=0, metavar="N", help="also judge an import of N rows"
    )
    ap.add_argument("--seed", type=int, default=0)
    opts = ap.parse_args()
    terms = ROOT / "terms" / "nk-ceasefire-2020.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "map.yaml").write_text(MAP)
        export = folder / "export.csv"
        generate(export, opts.rows, opts.seed)
        size = export.stat().st_size / 2**20
        out = folder / "imported.yaml"
        common = ["--map", folder / "map.yaml", "--terms", terms, "--as-of", "2023-09-30"]
        wall, peak, proc = child(
            ["import", "acled", str(export), *map(str, common), "-o", str(out)]
        )
        summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        print(
            f"import of {opts.rows} rows ({size:.1f} MiB CSV): {wall:.1f} s wall, peak RSS {peak:.0f} MiB, exit {proc.returncode}"
        )
        print(f"  {summary}")
        if opts.judge:
            small = folder / "small.csv"
            with open(export, encoding="utf-8") as src, open(small, "w", encoding="utf-8") as dst:
                for n, line in enumerate(src):
                    if n > opts.judge:
                        break
                    dst.write(line)
            scenario = folder / "small.yaml"
            _, _, proc = child(
                ["import", "acled", str(small), *map(str, common), "-o", str(scenario)]
            )
            reports = scenario.read_text().count("\n  - id: ")
            wall, peak, proc = child(["check", "-q", str(scenario)])
            tail = (proc.stdout.strip().splitlines() or [""])[-1]
            print(
                f"check of the {reports}-report import of {opts.judge} rows: {wall:.1f} s wall, exit {proc.returncode} ({tail})"
            )
            for line in proc.stdout.splitlines():  # why the solver gave up, if it did
                if "gave up" in line or "limit" in line:
                    print(f"  {line.strip()}")
            if proc.returncode in (2, 3):
                print(proc.stderr.strip()[-2000:])


if __name__ == "__main__":
    main()
