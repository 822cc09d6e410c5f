"""The pipeline is the file tree: imports only go down the stages (DESIGN.md), every module
opens with a docstring, and z3 stays in the solver-facing modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "checker"

LAYER = {
    "__init__": 0, "records": 0, "diagnostics": 0, "codes": 0, "untrusted": 0,
    "files": 1, "yamlsource": 1, "yamlvalues": 1, "models": 1,
    "load": 2, "discover": 2,
    "ir": 3, "resolve": 3, "timeutil": 3, "durations": 3, "shifts": 3, "datasets": 3,
    "describe": 3,
    "z3load": 4, "z3raw": 4, "z3params": 4, "watchdog": 4, "cores": 4, "replay": 4, "apart": 4,
    "answers": 4, "partition": 4, "solver": 4, "compile": 4,
    "judge": 5, "lint": 5, "results": 5,
    "report": 6,
    "config": 7, "api": 7, "onefile": 7, "pool": 7, "outputs": 7, "ingest": 7,
    "cli": 8, "__main__": 8,
}  # fmt: skip
# judge/lint build question literals and read models; what they return holds no z3 objects
Z3_ALLOWED = {
    "z3load", "z3raw", "z3params", "answers", "cores", "replay", "apart", "partition", "solver",
    "compile", "judge", "lint",
}  # fmt: skip


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _stage(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
    return names


def test_every_module_has_a_stage() -> None:
    assert {_stage(p) for p in _modules()} <= set(LAYER)


def test_imports_only_go_down() -> None:
    wrong = []
    for path in _modules():
        mine = LAYER[_stage(path)]
        for name in _imports(path):
            if not name.startswith("checker"):
                continue
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if LAYER[target] > mine:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not wrong, wrong


def test_z3_only_in_solver_facing_modules() -> None:
    users = {
        _stage(p) for p in _modules() if any(n == "z3" or n.startswith("z3.") for n in _imports(p))
    }
    assert users <= Z3_ALLOWED, users - Z3_ALLOWED


def test_every_module_opens_with_a_docstring() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text())) is None
    ]
    assert not missing, missing


# The judge's own stages, in the order they may import each other: each module imports
# only those listed before it, so `run` (the order of questions) sits on top and no two
# of them import each other.
JUDGE_ORDER = [
    "options", "contexts", "asker", "verdicts", "proofs", "responsibility", "deciding", "worlds",
    "readings", "blank", "run", "__init__",
]  # fmt: skip


def test_the_judge_stages_import_only_earlier_ones() -> None:
    folder = PACKAGE / "judge"
    assert {p.stem for p in folder.glob("*.py")} <= set(JUDGE_ORDER)
    wrong = []
    for path in sorted(folder.glob("*.py")):
        mine = JUDGE_ORDER.index(path.stem)
        for name in _imports(path):
            if name.startswith("checker.judge."):
                target = name.split(".")[2]
                if JUDGE_ORDER.index(target) >= mine:
                    wrong.append(f"judge/{path.name} imports {name}")
    assert not wrong, wrong
