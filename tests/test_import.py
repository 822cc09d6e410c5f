"""`checker import` as users run it: the shipped samples import to the shipped scenarios,
are judged as they expect, every proof leads back to its CSV row; exit codes of bad rows,
unmapped values under --strict, and usage errors."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "scenarios" / "datasets"
SOURCE = re.compile(r"^(?:ACLED|UCDP GED) (\S+), (\S+):(\d+)")


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped terms, samples and map, laid out as in the repository."""
    top = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "terms", top / "terms")
    (top / "scenarios").mkdir()
    shutil.copytree(DATASETS, top / "scenarios" / "datasets")
    return top


@pytest.mark.parametrize("dataset", ["acled", "ucdp"])
def test_samples_import_to_the_shipped_scenarios(copy: Path, dataset: str) -> None:
    folder = copy / "scenarios" / "datasets"
    out = folder / f"{dataset}-sample.yaml"
    out.unlink()
    proc = run(
        "import", dataset, folder / f"{dataset}-sample.csv", "--map", folder / "nk-map.yaml",
        "--terms", copy / "terms" / "nk-ceasefire-2020.yaml", "-o", out, cwd=copy,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "error" not in proc.stderr and "D604" not in proc.stderr
    assert out.read_text() == (DATASETS / f"{dataset}-sample.yaml").read_text()


@pytest.mark.parametrize("dataset", ["acled", "ucdp"])
def test_every_proof_leads_back_to_its_row(dataset: str) -> None:
    scenario = DATASETS / f"{dataset}-sample.yaml"
    proc = run("check", "--format", "json", scenario)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (result,) = json.loads(proc.stdout)["scenarios"]
    assert result["passed"]
    with open(DATASETS / f"{dataset}-sample.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        lines = {}
        for row in reader:
            lines[reader.line_num] = row  # the line a row ends on
    id_column = "event_id_cnty" if dataset == "acled" else "id"
    proofs = [b for p in result["provisions"] for b in p["because"]]
    assert proofs, "the sample proves something"
    for because in proofs:
        m = SOURCE.match(because["source"])
        assert m, because
        row_id, csv_name, line = m.group(1), m.group(2), int(m.group(3))
        assert csv_name == f"{dataset}-sample.csv"
        assert lines[line][id_column] == row_id == because["report"]


def test_lint_accepts_the_samples_and_the_map() -> None:
    proc = run("lint", DATASETS)
    assert proc.returncode == 0, proc.stderr


def _bad_export(tmp: Path) -> Path:
    with open(DATASETS / "acled-sample.csv", encoding="utf-8") as f:
        lines = f.read().splitlines()
    lines.insert(3, "a,malformed,row")
    lines[5] = lines[5].replace("Military Forces of Azerbaijan (2003-)", "Nobody We Know")
    path = tmp / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_bad_row_is_exit_3_and_the_others_still_import(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    proc = run(
        "import", "acled", _bad_export(tmp_path), "--map", DATASETS / "nk-map.yaml",
        "--terms", ROOT / "terms" / "nk-ceasefire-2020.yaml", "-o", out,
    )  # fmt: skip
    assert proc.returncode == 3
    assert re.search(
        r"export\.csv:4:1: malformed row: 3 fields where the header has 31 \[D602\]", proc.stderr
    )
    assert re.search(r"export\.csv:6:1: warning: no actor for `Nobody We Know`", proc.stderr)
    assert "16 reports from 17 rows" in proc.stderr
    assert out.exists()


def test_strict_turns_unmapped_values_into_errors(tmp_path: Path) -> None:
    export = _bad_export(tmp_path)
    text = export.read_text().splitlines()
    del text[3]
    export.write_text("\n".join(text) + "\n")
    args = ("import", "acled", export, "--map", DATASETS / "nk-map.yaml", "--terms",
            ROOT / "terms" / "nk-ceasefire-2020.yaml", "-o", tmp_path / "out.yaml")  # fmt: skip
    assert run(*args).returncode == 0
    strict = run(*args, "--strict")
    assert strict.returncode == 3
    assert "warning: no actor" not in strict.stderr
    assert re.search(r"export\.csv:5:1: no actor for `Nobody We Know` .*\[D604\]", strict.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["import", "acled", "x.csv", "--terms", "t.yaml", "-o", "o.yaml"],  # no --map
        ["import", "gdelt", "x.csv", "--map", "m", "--terms", "t.yaml", "-o", "o.yaml"],
    ],
)
def test_import_usage_errors_exit_2(args: list[str]) -> None:
    proc = run(*args)
    assert proc.returncode == 2 and proc.stderr.startswith("usage error:")


def test_schema_map() -> None:
    proc = run("schema", "map")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert {"acled", "ucdp", "actors"} <= set(schema["properties"])
