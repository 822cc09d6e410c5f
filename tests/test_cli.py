"""The command line as users run it: exit codes and their precedence, stdout only the report,
stderr `file:line:col: message`, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from checker.cli.check import NOTHING_HERE

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
TERMS = CASES / "mini-terms.yaml"


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "checker", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def scenario(tmp: Path, name: str, body: str, expect: str | None = None) -> Path:
    text = f"scenario:\n  id: {name}\n  terms: {TERMS}\n  as_of: 2020-12-01\n{body}"
    if expect:
        text += f"expect:\n{expect}"
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PASSING = (
    "reports:\n"
    "  - {id: a, event: handover, place: aghdam, from: AM, to: AZ, date: 2020-11-20}\n"
    "  - {id: k, event: handover, place: kalbajar, from: AM, to: AZ, date: 2020-11-24}\n"
    "  - {id: r, event: release, persons: 100, date: 2020-11-30}\n"
)


def test_passing_scenario_exits_0_and_prints_only_the_report(tmp_path: Path) -> None:
    path = scenario(tmp_path, "ok", PASSING, "  verdict: consistent\n")
    proc = run("check", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("1 passed, 0 failed")
    assert proc.stderr == ""


def test_failed_expectation_exits_1(tmp_path: Path) -> None:
    path = scenario(tmp_path, "bad", "reports: []\n", "  verdict: consistent\n")
    proc = run("check", path)
    assert proc.returncode == 1
    assert "expected scenario verdict consistent, got violation" in proc.stdout
    assert "0 passed, 1 failed" in proc.stdout


def test_no_expect_passes_only_when_consistent(tmp_path: Path) -> None:
    assert run("check", scenario(tmp_path, "quiet", PASSING)).returncode == 0
    assert run("check", scenario(tmp_path, "empty", "reports: []\n")).returncode == 1


def test_exit_zero(tmp_path: Path) -> None:
    path = scenario(tmp_path, "bad", "reports: []\n", "  verdict: consistent\n")
    assert run("check", "--exit-zero", path).returncode == 0


def test_usage_error_exits_2(tmp_path: Path) -> None:
    assert run("check", "--no-such-option", tmp_path).returncode == 2
    assert run("check", "--format", "yaml", tmp_path).returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--jobs", "0"],
        ["check", "-j", "two"],
        ["check", "--timeout", "inf"],
        ["check", "--rlimit", "-1"],
        ["check", "-k"],
        ["check", "--no-explain"],
        ["lint"],
        ["explain", "only-a-scenario.yaml"],
        ["no-such-command"],
    ],
)
def test_usage_errors_are_one_line(args: list[str]) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("usage error: ") and proc.stderr.count("\n") == 1


def test_help_without_a_command() -> None:
    bare = run()
    assert bare.returncode == 2 and "commands:" in bare.stdout
    assert all(c in bare.stdout for c in ("check", "lint", "explain", "schema", "provisions"))
    shown = run("--help")
    assert shown.returncode == 0 and shown.stdout == bare.stdout
    assert run("check", "--help").stdout.count("[tool.checker]") == 1


@pytest.mark.parametrize("columns", ["40", "60", "80", "200"])
def test_help_names_the_default_paths_whatever_the_width(columns: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": columns},
    )
    words = " ".join(proc.stdout.split())
    assert "(default: `paths` of [tool.checker])" in words, proc.stdout


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """`code` run by a fresh Python in the repository: what a new process imports."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_start_up_imports_only_what_the_command_needs() -> None:
    # start-up is part of every run: parsing, --version, --help and --show-config load
    # neither the pipeline nor the output formats
    code = (
        "import sys\n"
        "from checker.cli import check_main, main\n"
        "for args in (['--version'], ['--show-config']):\n"
        "    assert check_main(args) == 0\n"
        "assert main(['--help']) == 0\n"
        "heavy = {'checker.api', 'checker.report.json', 'pydantic', 'z3', 'yaml', 'rich',\n"
        "         'typer', 'multiprocessing'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"


def test_a_check_imports_only_what_it_uses() -> None:
    # z3's loader imports importlib.resources (with tempfile, zipfile, shutil: ~20 ms of a
    # 0.3 s run) only to find its own folder; `check` imports z3 with a stand-in for it
    code = (
        "import sys\n"
        "from checker.cli import check_main\n"
        "assert check_main(['-q', 'scenarios/examples/keepable.yaml']) == 0\n"
        "import z3\n"
        "assert z3.Solver().check(z3.Bool('p')) == z3.sat\n"
        "print(sorted({'importlib.resources', 'tempfile', 'zipfile'} & set(sys.modules)))\n"
        "print(sorted({'json', 'zoneinfo'} & set(sys.modules)))\n"
        "import importlib.resources\n"
        "print(importlib.resources.files('checker').joinpath('z3load.py').is_file())\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    # the real module comes after; a run with offset zones and no --show-config needs
    # neither json nor zoneinfo
    assert proc.stdout.splitlines()[-3:] == ["[]", "[]", "True"]


def test_z3_is_imported_as_usual_when_the_stand_in_falls_short() -> None:
    # a z3 whose loader asks importlib.resources for more than the stand-in has
    code = (
        "import sys, types\n"
        "import checker.z3load as z3load\n"
        "z3load._stand_in = lambda: types.ModuleType('importlib.resources')\n"
        "z3load.import_z3()\n"
        "import z3\n"
        "assert z3.Solver().check(z3.Bool('p')) == z3.sat\n"
        "print('importlib.resources' in sys.modules)\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "True"  # (the usual import ran)


def test_input_error_exits_3_with_position(tmp_path: Path) -> None:
    path = scenario(tmp_path, "typo", "reports:\n  - {id: a, event: handovr, place: aghdam}\n")
    proc = run("check", path)
    assert proc.returncode == 3
    assert f"{path.name}:6:" in proc.stderr or ":6:" in proc.stderr
    assert "handovr" in proc.stderr and "did you mean `handover`" in proc.stderr


def test_bad_file_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    scenario(tmp_path, "a-good", PASSING, "  verdict: consistent\n")
    (tmp_path / "b-bad.yaml").write_text("scenario: [\n", encoding="utf-8")
    scenario(tmp_path, "c-fail", "reports: []\n", "  verdict: consistent\n")
    proc = run("check", tmp_path)
    assert proc.returncode == 3  # 3 takes precedence over 1
    assert "a-good" in proc.stdout and "c-fail" in proc.stdout
    assert "b-bad.yaml:2:1" in proc.stderr
    assert proc.stdout.rstrip().endswith("1 passed, 1 failed, 1 error")


def test_no_scenarios_exits_5(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("just: data\n", encoding="utf-8")
    proc = run("check", tmp_path)
    assert proc.returncode == 5


def test_terms_files_in_a_directory_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "terms.yaml").write_text(TERMS.read_text(), encoding="utf-8")
    scenario(tmp_path, "ok", PASSING, "  verdict: consistent\n")
    proc = run("check", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 passed" in proc.stdout


def _uncertain_deployments(count: int) -> str:
    return "reports:\n" + "".join(
        f"  - {{id: d{i}, event: deployment, actor: {{one_of: [RU-peacekeepers, AZ-forces]}},"
        f" place: nk, troops: {{min: 1, max: 500}}, role: peacekeeping, date: 2020-11}}\n"
        for i in range(count)
    )


def test_solver_give_up_exits_4(tmp_path: Path) -> None:
    # the resource limit decides, whatever the machine's speed
    path = scenario(tmp_path, "hard", _uncertain_deployments(40))
    proc = run("check", "--rlimit", "2000", path)
    assert proc.returncode == 4, proc.stdout
    assert "unknown" in proc.stdout and "solver gave up: resource limit" in proc.stdout
    # the wall clock only guards against hangs: a hundred handovers of one place in
    # overlapping windows are never settled in 0.2 s (120 uncertain deployments were, by
    # the time the engine judged them in 0.1 s, now and then before a 0.05 s limit)
    proc = run("check", "--timeout", "0.2", "--rlimit", "0", ROOT / "tests/data/hard-chain.yaml")
    assert proc.returncode == 4, proc.stdout
    assert "solver gave up: time limit reached" in proc.stdout


def test_json_is_deterministic_and_schema_valid(tmp_path: Path) -> None:
    import jsonschema

    path = scenario(
        tmp_path,
        "j",
        "reports:\n  - {id: s, event: shelling, actor: {one_of: [AZ-forces, AM-forces]}, place: nk, date: 2020-11-12}\n",
    )
    first = run("check", "--format", "json", path)
    second = run("check", "--format", "json", path)
    assert first.returncode == 1
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    for doc in (a, b):
        for s in doc["scenarios"]:
            s.pop("duration")
    assert a == b
    schema = json.loads(run("schema", "report").stdout)
    jsonschema.validate(json.loads(first.stdout), schema)
    ceasefire = next(p for p in a["scenarios"][0]["provisions"] if p["id"] == "ceasefire")
    assert ceasefire["verdict"] == "violated"
    # either side may have shelled: neither is responsible in every world, both in some
    assert ceasefire["responsible"] == []
    assert [(x["party"], x["report"]) for x in ceasefire["possibly_responsible"]] == [
        ("AM", "s"),
        ("AZ", "s"),
    ]
    assert [x["report"] for x in ceasefire["because"]] == ["s"]
    assert a["schema"] == "checker-report/1"


def test_as_of_and_interpretation_options(tmp_path: Path) -> None:
    path = scenario(tmp_path, "opts", PASSING)
    early = json.loads(run("check", "--format", "json", "--as-of", "2020-11-14", path).stdout)
    verdicts = {p["id"]: p["verdict"] for p in early["scenarios"][0]["provisions"]}
    assert verdicts["aghdam"] == "pending"
    strict = json.loads(
        run(
            "check",
            "--format",
            "json",
            "--as-of",
            "2021-01-05",
            "--interpretation",
            "strict-centre",
            path,
        ).stdout
    )
    verdicts = {p["id"]: p["verdict"] for p in strict["scenarios"][0]["provisions"]}
    assert verdicts["centre"] == "violated"


def test_as_known_on_ignores_later_publications(tmp_path: Path) -> None:
    body = (
        "reports:\n"
        "  - {id: s, event: shelling, place: nk, date: 2020-11-12, source: {by: x, published: 2020-11-20}}\n"
    )
    path = scenario(tmp_path, "known", body)
    later = json.loads(run("check", "--format", "json", path).stdout)
    earlier = json.loads(
        run("check", "--format", "json", "--as-known-on", "2020-11-15", path).stdout
    )

    def verdict(doc: dict) -> str:  # type: ignore[type-arg]
        return {p["id"]: p["verdict"] for p in doc["scenarios"][0]["provisions"]}["ceasefire"]

    assert verdict(later) == "violated"
    assert verdict(earlier) == "complied"


@pytest.mark.parametrize("which", ["terms", "scenario", "report"])
def test_schema_command(which: str) -> None:
    proc = run("schema", which)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["$schema"].startswith("https://json-schema.org/")


def test_version_and_console_scripts() -> None:
    proc = run("check", "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("checker ")
    for args in (["--version"], ["check", "--version"]):  # `checker --version` too
        same = run(*args)
        assert (same.returncode, same.stdout, same.stderr) == (0, proc.stdout, "")
    bindir = Path(sys.executable).parent
    for script in ("check", "checker"):
        exe = bindir / script
        if exe.exists():
            out = subprocess.run(
                [str(exe), "--version"] if script == "check" else [str(exe), "--help"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert out.returncode == 0, out.stderr


def test_shipped_library_passes_without_an_error(tmp_path: Path) -> None:
    # SPEC §6 levels: expected violations are notices; a passing library shows no error
    sarif, html = tmp_path / "checker.sarif", tmp_path / "report.html"
    proc = run(
        "check", "scenarios", "--format", "github", "--format", "sarif", "--output", sarif,
        "--html", html,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    annotations = [ln for ln in lines if ln.startswith("::")]
    assert annotations and all(a.startswith("::notice ") for a in annotations)
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert results and all((r["kind"], r["level"]) == ("pass", "none") for r in results)
    # the text report: one line per passing scenario, then the summary
    report = lines[len(annotations) :]
    from checker.discover import discover

    found, problems = discover([ROOT / "scenarios"])  # scenario files only, not map files
    assert not problems
    files = sorted(str(p.relative_to(ROOT)) for p in found)
    assert len(report) == len(files) + 1
    assert all(ln.endswith(" PASS") for ln in report[:-1])
    assert [ln.split(":")[0] for ln in report[:-1]] == files
    assert report[-1] == f"{len(files)} passed, 0 failed"
    # the HTML report: a row and a section per scenario, of a size one can open at once
    page = html.read_text(encoding="utf-8")
    assert page.count('<span class="badge PASS">PASS</span>') == 2 * len(files)
    # and each a timeline of its reports (made only for the HTML report)
    drawn = page.count('<svg class="tl"') + page.count("No dated reports or deadlines to draw")
    assert drawn == len(files) and page.count('<svg class="tl"') > len(files) // 2
    assert len(page.encode()) < 11_000 * len(files)  # 9 KB a scenario now


def _library(tmp: Path, count: int) -> Path:
    lib = tmp / "lib"
    (lib / "sub").mkdir(parents=True)
    for i in range(count):
        folder = lib / "sub" if i % 3 == 0 else lib
        body = PASSING if i % 2 == 0 else "reports: []\n"
        scenario(folder, f"s{i:02d}", body, "  verdict: consistent\n")
    return lib


def test_shards_cover_every_file_exactly_once(tmp_path: Path) -> None:
    from checker.api import discover, shard

    lib = _library(tmp_path, 11)
    files, _ = discover([lib])
    for n in (1, 2, 3, 4, 12):
        parts = [shard(files, (i, n)) for i in range(1, n + 1)]
        flat = [f for part in parts for f in part]
        assert sorted(flat) == sorted(files) and len(flat) == len(set(flat))
    assert run("check", "--shard", "0/2", lib).returncode == 2
    assert run("check", "--shard", "x", lib).returncode == 2


def test_jobs_do_not_change_the_report(tmp_path: Path) -> None:
    lib = _library(tmp_path, 7)
    one = run("check", "--jobs", "1", "--format", "json", lib)
    two = run("check", "--jobs", "2", "--format", "json", lib)
    assert one.returncode == two.returncode == 1

    def stable(text: str) -> object:
        doc = json.loads(text)
        for s in doc["scenarios"]:
            s.pop("duration")
        return doc

    assert stable(one.stdout) == stable(two.stdout)
    paths = [s["path"] for s in json.loads(one.stdout)["scenarios"]]
    assert paths == sorted(paths) and len(paths) == 7


def test_k_selects_by_id_or_path_and_x_stops_early(tmp_path: Path) -> None:
    lib = _library(tmp_path, 6)
    proc = run("check", "-k", "s04", lib)
    assert "s04" in proc.stdout and "s02" not in proc.stdout
    proc = run("check", "-x", "--jobs", "1", lib)
    assert proc.returncode == 1
    assert proc.stdout.rstrip().endswith("0 passed, 1 failed")  # lib/s01 fails first; nothing after


def test_pyproject_config_and_flags_override(tmp_path: Path) -> None:
    lib = _library(tmp_path, 3)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.checker]\npaths = ["{lib}"]\njobs = 1\nformat = "json"\nexit-zero = true\n'
    )
    shown = run("check", "--show-config", "--jobs", "3", cwd=tmp_path).stdout
    # the keys [tool.checker] takes, each with where its value came from
    table = tomllib.loads(shown)["tool"]["checker"]
    assert table["paths"] == [str(lib)] and table["format"] == ["json"] and table["exit-zero"]
    origins = {ln.split(" = ")[0]: ln.rsplit("# ", 1)[1] for ln in _settings(shown)}
    assert origins == {
        "paths": "pyproject.toml",
        "jobs": "command line",
        "format": "pyproject.toml",
        "output": "default",
        "timeout": "default",
        "rlimit": "default",
        "exit-zero": "pyproject.toml",
        "color": "default",
    }
    assert f"pyproject.toml ({tmp_path / 'pyproject.toml'})" in shown
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["summary"]["scenarios"] == 3
    proc = run("check", "--format", "text", cwd=tmp_path)
    assert "passed" in proc.stdout.splitlines()[-1]
    (tmp_path / "pyproject.toml").write_text("[tool.checker]\njbos = 2\n")
    proc = run("check", "--show-config", cwd=tmp_path)
    assert proc.returncode == 3 and "did you mean `jobs`" in proc.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\njobs = "two"\ntimeout = inf\n')
    proc = run("check", "--show-config", cwd=tmp_path)
    assert (
        proc.returncode == 3
        and "pyproject.toml:2:1: `tool.checker.jobs` must be an integer" in proc.stderr
    )
    assert "pyproject.toml:3:1: `tool.checker.timeout` must be a finite number" in proc.stderr


def _settings(shown: str) -> list[str]:
    return [ln for ln in shown.splitlines() if " = " in ln and not ln.startswith("#")]


def test_show_config_outside_a_project(tmp_path: Path) -> None:
    shown = run("check", "--show-config", "--format", "sarif", "--output", "x.sarif", cwd=tmp_path)
    assert shown.returncode == 0 and "pyproject.toml (none found)" in shown.stdout
    table = tomllib.loads(shown.stdout)["tool"]["checker"]
    assert table["format"] == ["sarif"] and table["output"] == ["x.sarif"]
    assert "# terms is not set" in shown.stdout
    origins = {ln.rsplit("# ", 1)[1] for ln in _settings(shown.stdout)}
    assert origins == {"default", "default: the number of CPUs", "command line"}


def test_check_without_paths_outside_a_project_finds_nothing(tmp_path: Path) -> None:
    # no PATHS, none configured, no scenarios/ folder: no scenario files (5), not an input error
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 5, proc.stderr
    assert proc.stderr == f"no scenario files found ({NOTHING_HERE})\n"
    # a folder that is named and missing stays an input error
    assert run("check", "scenarios", cwd=tmp_path).returncode == 3
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\npaths = ["lib"]\n')
    assert run("check", cwd=tmp_path).returncode == 3
    # and the default folder is used where it exists
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "scenarios").mkdir()
    scenario(tmp_path / "scenarios", "ok", PASSING, "  verdict: consistent\n")
    assert run("check", cwd=tmp_path).returncode == 0


def test_pre_commit_hooks_file() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"] for h in hooks}
    assert {"check-scenarios", "check-library", "lint-agreements"} <= ids
    for h in hooks:
        assert h["language"] == "python" and h["entry"].split()[0] in ("check", "checker")


def test_interpretation_all_marks_differing_provisions(tmp_path: Path) -> None:
    path = scenario(tmp_path, "readings", PASSING)
    doc = json.loads(
        run(
            "check", "--format", "json", "--as-of", "2021-01-05", "--interpretation", "all", path
        ).stdout
    )
    s = doc["scenarios"][0]
    centre = next(p for p in s["provisions"] if p["id"] == "centre")
    assert centre["verdict"] == "pending"  # the scenario's own reading: no deadline
    assert centre["by_reading"] == {"strict-centre": "violated"}
    assert s["reading_verdicts"] == {"(none)": "consistent", "strict-centre": "violation"}


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    path = scenario(tmp_path, "page", PASSING, "  verdict: consistent\n")
    out = tmp_path / "report.html"
    proc = run("check", "--html", out, path)
    assert proc.returncode == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "page" in page
    assert page.count("<script") == 1 and "<script>" in page  # inline, nothing fetched
    assert "http://" not in page and "https://" not in page
    # the three reports and the three fixed deadlines on the timeline, each hoverable
    assert page.count("<g class=row><title>") == 6
    assert page.count(' class="event') == 3 and page.count("<path class=dl") == 3


def test_as_of_before_in_force_warns(tmp_path: Path) -> None:
    path = scenario(tmp_path, "early", "reports: []\n")
    path.write_text(path.read_text().replace("as_of: 2020-12-01", "as_of: 2020-11-08"))
    proc = run("check", path)
    assert proc.returncode == 0
    assert (
        "early.yaml:4:10: warning: `as_of` is before the agreement enters into force [T306]"
        in proc.stderr
    )
