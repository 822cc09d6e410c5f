"""Cross-check: every solver question of the shipped library and the engine cases, exported
as SMT-LIB2 (`check --dump-smt2`), gets the same sat/unsat answer from cvc5 as from Z3."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.api import CheckOptions, check_paths
from checker.judge import Options

cvc5 = pytest.importorskip("cvc5")

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = [ROOT / "scenarios", ROOT / "tests" / "cases" / "engine"]


def cvc5_answer(path: Path) -> str:
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("tlimit-per", "20000")
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(path))
    answers = []
    while True:
        command = parser.nextCommand()
        if command.isNull():
            break
        out = command.invoke(solver, symbols).strip()
        if out in ("sat", "unsat", "unknown"):
            answers.append(out)
    assert len(answers) == 1, answers
    return answers[0]


@pytest.mark.parametrize("library", LIBRARIES, ids=lambda p: p.name)
def test_cvc5_agrees_with_z3(library: Path, tmp_path: Path) -> None:
    if not library.exists():
        pytest.skip(f"{library} is absent")
    run = check_paths([library], CheckOptions(judge=Options(dump_smt2=tmp_path)))
    assert run.scenarios, "the library has scenarios"
    questions = sorted(tmp_path.glob("*.smt2"))
    assert questions, "the questions were exported"
    compared = disagreements = 0
    problems = []
    for q in questions:
        z3_said = re.match(r"; z3: (\w+)", q.read_text()).group(1)  # type: ignore[union-attr]
        other = cvc5_answer(q)
        if "unknown" in (z3_said, other):
            continue
        compared += 1
        if z3_said != other:
            disagreements += 1
            problems.append(f"{q.name}: z3 {z3_said}, cvc5 {other}")
    assert compared >= len(questions) * 0.9, f"only {compared} of {len(questions)} compared"
    assert not problems, problems
