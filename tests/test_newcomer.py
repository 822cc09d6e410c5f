"""`checker vocab`, `checker new` and `checker code`, called in-process as the console script
calls them: what they print, what they write, and their exit codes on bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.api import lint_paths, new_scenario
from checker.cli import main
from checker.codes import REGISTRY
from checker.diagnostics import Severity

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "terms" / "nk-ceasefire-2020.yaml"
TERMS_FILES = sorted((ROOT / "terms").glob("*.yaml")) + [ROOT / "tests/cases/mini-terms.yaml"]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def uncommented(skeleton: str) -> str:
    """The skeleton with its example reports and expectations switched on, as the comments
    tell the user to do: remove `# ` before `reports:`, the examples and `expect:`."""
    head, tail = skeleton.split("# reports:\n")
    return head + "reports:\n" + re.sub(r"^# (expect:|  )", r"\1", tail, flags=re.MULTILINE)


# ------------------------------------------------------------------------------ vocab


def test_vocab_shows_ids_names_aliases_fields_states_and_periods(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "vocab", FLAGSHIP)
    assert code == 0 and err == ""
    assert "parties: AZ, AM, RU" in out
    # a tree: Shusha under nk under conflict-zone, each level indented once more
    assert re.search(r"^      nk  Nagorno-Karabakh  \(also: Artsakh\)$", out, re.MULTILINE)
    assert re.search(r"^        shusha  Shusha  \(also: Shushi\)$", out, re.MULTILINE)
    assert re.search(r"^    RU-peacekeepers  ", out, re.MULTILINE)
    assert "role: peacekeeping | monitoring | combat" in out
    assert re.search(r"^    shelling$", out, re.MULTILINE)  # inherits hostilities' fields
    assert "  control: the actor of each place" in out
    assert "  peacekeeping-mandate: from 2020-11-10T00:00+03:00" in out


@pytest.mark.parametrize("terms", TERMS_FILES, ids=lambda p: p.stem)
def test_vocab_lists_every_id_of_every_terms_file(
    terms: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from checker.api import load_terms_in_force

    resolved, _ = load_terms_in_force(terms)
    assert resolved is not None
    code, out, _err = run(capsys, "vocab", terms)
    assert code == 0
    shown = {line.split()[0].rstrip(":") for line in out.splitlines() if line.startswith("  ")}
    for ids in (resolved.actors.ids, resolved.places.ids, resolved.kinds.ids, resolved.states):
        assert set(ids) <= shown


def test_vocab_of_a_scenario_is_that_of_its_terms(capsys: pytest.CaptureFixture[str]) -> None:
    _code, of_terms, _err = run(capsys, "vocab", FLAGSHIP)
    code, out, err = run(capsys, "vocab", ROOT / "scenarios/examples/keepable.yaml")
    assert code == 0 and err == "" and out == of_terms


def test_vocab_of_a_bad_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("agreement:\n  id: x\n  in_force: 2020-11-10\n", encoding="utf-8")
    code, out, err = run(capsys, "vocab", bad)
    assert code == 3 and out == ""
    assert re.search(r"bad\.yaml:\d+:\d+: .* \[S102\]", err)


# ------------------------------------------------------------------------------ new


@pytest.mark.parametrize("terms", TERMS_FILES, ids=lambda p: p.stem)
def test_new_writes_a_skeleton_that_lints_clean_as_is_and_uncommented(
    terms: Path, tmp_path: Path
) -> None:
    target = tmp_path / "drafts" / "my draft.yaml"  # a missing folder; a name that is no id
    assert not [d for d in new_scenario(target, terms) if d.severity is Severity.ERROR]
    text = target.read_text(encoding="utf-8")
    assert "  id: my-draft\n" in text
    assert lint_paths([target]) == []
    filled = tmp_path / "drafts" / "filled.yaml"
    filled.write_text(uncommented(text), encoding="utf-8")
    assert lint_paths([filled]) == []


def test_new_from_the_command_line_names_the_terms_relative_to_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "s.yaml"
    code, out, err = run(capsys, "new", target, "--terms", "terms/nk-ceasefire-2020.yaml")
    assert code == 0 and out == ""
    assert "wrote" in err
    text = target.read_text(encoding="utf-8")
    rel = Path(re.search(r"^  terms: (\S+)", text, re.MULTILINE)[1])  # type: ignore[index]
    assert (target.parent / rel).resolve() == FLAGSHIP
    assert "#      checker vocab terms/nk-ceasefire-2020.yaml\n" in text
    assert "  as_of: 2020-11-10  #" in text


def test_new_quotes_a_terms_path_that_is_not_a_plain_word(tmp_path: Path) -> None:
    odd = tmp_path / "my terms: draft #2"
    odd.mkdir()
    terms = odd / "nk.yaml"
    terms.write_text(FLAGSHIP.read_text(encoding="utf-8"), encoding="utf-8")
    (odd / "ru-tr-monitoring-2020.yaml").write_text(
        (ROOT / "terms/ru-tr-monitoring-2020.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    target = tmp_path / "s.yaml"
    assert not [d for d in new_scenario(target, terms) if d.severity is Severity.ERROR]
    assert '  terms: "my terms: draft #2/nk.yaml"  #' in target.read_text(encoding="utf-8")
    assert lint_paths([target]) == []


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, out, err = run(capsys, "new", target, "--terms", FLAGSHIP, "--as-of", "2020-11-19")
    assert code == 3 and out == ""
    assert err.rstrip().endswith("never replaces a file [O501]")
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_new_with_bad_terms_or_day_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "s.yaml"
    code, _out, err = run(capsys, "new", target, "--terms", tmp_path / "missing.yaml")
    assert code == 3 and "[Y001]" in err
    code, _out, err = run(capsys, "new", target, "--terms", FLAGSHIP, "--as-of", "2020-13-01")
    assert code == 3 and "--as-of: `2020-13-01` is not a valid date [T301]" in err
    assert not target.exists()
    code, _out, err = run(capsys, "new", target)
    assert code == 2 and err.startswith("usage error: ")


# ------------------------------------------------------------------------------ code


def test_code_explains_a_code_with_its_example_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "code", "s101")
    assert code == 0 and err == ""
    assert out.startswith("S101 (error): a key the language does not have\n")
    assert "    provisions:\n" in out  # the bad example, indented instead of fenced
    assert "Fix: `by: 2020-11-20`." in out


def test_code_knows_every_registered_code(capsys: pytest.CaptureFixture[str]) -> None:
    for name in REGISTRY:
        code, out, _err = run(capsys, "code", name)
        assert code == 0 and "\nFix: " in out, name


def test_code_without_argument_lists_them_and_a_wrong_one_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(capsys, "code")
    assert code == 0 and "  T304  months and years after an uncertain event" in out
    code, out, err = run(capsys, "code", "S10")
    assert code == 2 and out == ""
    assert err.startswith("usage error: no diagnostic code `S10`; did you mean `S10")
