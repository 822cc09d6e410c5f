"""SPEC §4.3 and §7: a scenario's verdicts and explanations depend on the scenario, the
terms and the options alone — never on what else ran before it in the same process,
nor on `--jobs` or `--shard`. The shipped library is judged in three orders in one
process each, and with processes; the json of every scenario (durations aside) must be
byte-identical."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from checker.api import CheckOptions, check_file, discover
from checker.report.json import scenario_json
from checker.resolve import TermsCache
from checker.results import ScenarioResult

ROOT = Path(__file__).resolve().parents[1]


def _canonical(doc: dict[str, Any]) -> str:
    doc = dict(doc)
    doc.pop("duration", None)
    return json.dumps(doc, sort_keys=True)


def _judge_in_order(files: list[Path]) -> dict[str, str]:
    cache = TermsCache()  # one process, one cache: what an earlier scenario leaves behind
    out = {}
    for f in files:
        result = check_file(f, cache, CheckOptions())
        assert isinstance(result, ScenarioResult), f
        out[str(f)] = _canonical(scenario_json(result))
    return out


def test_library_in_three_orders_gives_identical_json() -> None:
    files, problems = discover([ROOT / "scenarios"])
    assert files and not problems
    forward = _judge_in_order(files)
    backward = _judge_in_order(list(reversed(files)))
    shuffled = list(files)
    random.Random(20201110).shuffle(shuffled)
    mixed = _judge_in_order(shuffled)
    for f in files:
        assert forward[str(f)] == backward[str(f)] == mixed[str(f)], f


def test_jobs_and_shards_give_identical_json(tmp_path: Path) -> None:
    library = ROOT / "scenarios" / "history"
    exe = [sys.executable, "-m", "checker", "check", "--format", "json", "--exit-zero"]

    def scenarios(*args: str) -> dict[str, str]:
        done = subprocess.run(
            [*exe, *args, str(library)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return {s["path"]: _canonical(s) for s in json.loads(done.stdout)["scenarios"]}

    one = scenarios("--jobs", "1")
    two = scenarios("--jobs", "2")
    halves = {**scenarios("--shard", "1/2"), **scenarios("--shard", "2/2")}
    assert one == two == halves


_PARTED = """
import json, sys
from pathlib import Path
from checker.api import CheckOptions, check_file
from checker.judge import Options
from checker.report.json import scenario_json
from checker.resolve import TermsCache
opts = CheckOptions(judge=Options(partition="always", explain=True))
r = check_file(Path(sys.argv[1]), TermsCache(), opts)
doc = scenario_json(r)
doc.pop("duration", None)
print(json.dumps([doc, r.checks], sort_keys=True))
"""


def test_a_world_judged_part_by_part_is_asked_the_same_calls_in_every_process() -> None:
    """Parts are found by the addresses of Z3's terms, which differ from process to
    process (and Python's string hashes with them): which parts share a solver call
    must follow a stable order, or the solver calls, their models (the explanations)
    and where a resource limit is reached would differ from run to run."""
    path = ROOT / "tests" / "data" / "mixed-300.yaml"
    outs = {
        subprocess.run(
            [sys.executable, "-c", _PARTED, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
            cwd=ROOT,
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(outs) == 1, outs
