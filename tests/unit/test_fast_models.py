"""`checker.models.fast`: a valid document read without pydantic gives exactly what
pydantic's generated models give once turned into our models — same classes, values,
value types, fields and extra keys — and a document pydantic refuses is never read by
it (its errors must come from pydantic). Checked on every YAML file of the repository
and on many mutations of them (values of other types, keys dropped or added). Then:
checking a valid scenario never imports pydantic, and an invalid one still reports
pydantic's errors."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from checker.diagnostics import Diagnostics
from checker.models import ScenarioFile, TermsFile
from checker.models.base import Model, declared
from checker.models.fast import read
from checker.models.terms import Provision
from checker.models.validation import plain, pydantic_model
from checker.yamlsource import load_file

ROOT = Path(__file__).resolve().parents[2]


def _documents() -> list[tuple[str, type[Model], Any]]:
    out: list[tuple[str, type[Model], Any]] = []
    for path in sorted(ROOT.glob("**/*.y*ml")):
        if ".venv" in path.parts or path.suffix not in (".yaml", ".yml"):
            continue
        doc = load_file(path, Diagnostics(), display=str(path))
        if doc is None or not isinstance(doc.data, dict):
            continue
        name = str(path.relative_to(ROOT))
        if "scenario" in doc.data:
            out.append((name, ScenarioFile, doc.data))
        elif "agreement" in doc.data:
            out.append((name, TermsFile, doc.data))
            for i, p in enumerate(doc.data.get("provisions") or []):
                out.append((f"{name} provision {i}", Provision, p))
    return out


DOCUMENTS = _documents()


def same(a: Any, b: Any, where: str = "") -> None:
    """Equal, and of the same types all the way down (`1 == 1.0 == True` is not enough)."""
    assert type(a) is type(b), (where, a, b)
    if isinstance(a, Model):
        assert list(a.__dict__) == list(b.__dict__), where
        for k in a.__dict__:
            same(a.__dict__[k], b.__dict__[k], f"{where}.{k}")
        assert a == b, where
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            same(k, list(b)[list(a).index(k)], f"{where}[key]")
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b or (a != a and b != b), (where, a, b)


def agrees(model: type[Model], data: Any, where: str) -> bool:
    """The fast reader agrees with pydantic on `data`; True when it read it."""
    fast = read(model, data)
    try:
        validated = pydantic_model(model).model_validate(data)
    except ValidationError:
        assert fast is None, f"{where}: pydantic refuses what the fast reader read"
        return False
    slow = plain(validated)
    if fast is not None:
        same(fast, slow, where)
        # what amendments re-read: the dump of the plain model is pydantic's dump
        dumped = validated.model_dump(by_alias=True, exclude_defaults=True)
        same(fast.model_dump(by_alias=True, exclude_defaults=True), dumped, f"{where} dump")
    return fast is not None


def test_documents_are_found() -> None:
    assert len(DOCUMENTS) > 300


@pytest.mark.parametrize(("name", "model", "data"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_every_document_of_the_repository(name: str, model: type[Model], data: Any) -> None:
    agrees(model, data, name)


def test_valid_shipped_files_take_the_fast_path() -> None:
    slow = [
        name
        for name, model, data in DOCUMENTS
        if name.startswith(("scenarios/", "terms/", "bench/"))
        and "map" not in name
        and read(model, data) is None
    ]
    assert not slow


REPLACEMENTS: list[Any] = [
    None, True, False, 0, 1, -3, 2.0, 2.5, float("nan"), "", "x", "7", "2020-11-10",
    "bad id!", "ok-id", [], ["a"], [1], {}, {"not": "x"}, {"min": 1}, {"one_of": [1]},
    {"from": "2020-01-01"}, {"min": 1, "max": 2}, {"x": 1},
]  # fmt: skip


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _mutated(data: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    if not path:
        return value if how == "set" else data
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if not rest and how == "drop":
            del copy[head]
        elif not rest and how == "add":
            copy["extra_key"] = value
        else:
            copy[head] = _mutated(data[head], rest, how, value)
        return copy
    copy_list = list(data)
    if not rest and how == "drop":
        del copy_list[head]
    else:
        copy_list[head] = _mutated(data[head], rest, how, value)
    return copy_list


def test_mutations_agree_with_pydantic() -> None:
    rng = random.Random(9)
    picked = [d for d in DOCUMENTS if read(d[1], d[2]) is not None]
    read_count = 0
    for _ in range(3000):
        name, model, data = rng.choice(picked)
        path = rng.choice(_paths(data)[1:] or [()])
        how = rng.choice(["set", "set", "set", "drop", "add"])
        changed = _mutated(data, path, how, rng.choice(REPLACEMENTS))
        read_count += agrees(model, changed, f"{name} {how} {path}")
    assert read_count > 300  # many mutations stay valid and are read


def test_the_plain_models_behave_as_pydantic_ones() -> None:
    """What the rest of the checker uses of a model: attributes, frozen, equality by fields
    and extra keys, `model_extra`, the constructor (which validates)."""
    from checker.models.scenario import Report, Source

    report = Report.model_validate({"id": "a", "event": "shelling", "place": "aghdam"})
    assert (report.id, report.event, report.date, report.model_extra) == (
        "a",
        "shelling",
        None,
        {"place": "aghdam"},
    )
    assert Source(by="x").model_extra is None
    assert Source(by="x") == Source.model_validate({"by": "x"}) != Source(by="y")
    assert report != Report.model_validate({"id": "a", "event": "shelling", "place": "lachin"})
    with pytest.raises(AttributeError):
        report.id = "b"  # type: ignore[misc]
    assert Source(by=7).by == "7"  # type: ignore[arg-type]  # pydantic coerces it
    with pytest.raises(ValidationError):
        Source(reliability=2)
    assert [f.key for f in declared(Report)][:3] == ["id", "event", "none"]


PYDANTIC = ("pydantic", "pydantic_core", "annotated_types")
CHECK = (
    "import sys\n"
    "from checker.cli import check_main\n"
    "code = check_main(['-q', *sys.argv[1:]])\n"
    f"found = sorted(m for m in sys.modules if m.split('.')[0] in {PYDANTIC!r})\n"
    "print('exit', code, 'imported', found, file=sys.stderr)\n"
)


def _check(*args: str, cwd: Path = ROOT) -> tuple[str, str]:
    """`check -q ARGS` in a fresh process: what it printed, and its exit code and the
    modules of pydantic it imported (the last line)."""
    proc = subprocess.run(
        [sys.executable, "-c", CHECK, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    *printed, last = (proc.stdout + proc.stderr).splitlines()
    return "\n".join(printed), last


def test_checking_a_valid_scenario_never_imports_pydantic() -> None:
    """Importing pydantic is most of the start-up a valid scenario can save."""
    for path in ("scenarios/examples/kalbajar-late.yaml", "scenarios/examples/"):
        printed, last = _check(path)
        assert last == "exit 0 imported []", (path, printed)


BAD = """\
scenario:
  id: bad one
  terms: nk-ceasefire-2020.yaml
  as_off: 2020-11-21
  world: closd
reports:
  - {id: a, event: shelling, place: aghdam, date: 2020-11-12, source: {by: x, reliability: 3}}
  - {id: b, evnt: shelling, place: aghdam, time: {from: 2020-11-12}}
  - {id: c, state: control, of: aghdam, is: {one_of: [AZ]}, min: x}
"""

# what `check` said of BAD when pydantic validated every document
BAD_SAYS = """\
bad.yaml: ERROR not judged: line 1:1: missing required key `as_of` [S102] (and 6 more errors)
0 passed, 0 failed, 1 error
bad.yaml:1:1: missing required key `as_of` [S102]
bad.yaml:2:7: `bad one` is not a valid id [S107]
bad.yaml:4:3: unknown key `as_off` [S101]
  hint: did you mean `as_of`?
bad.yaml:5:10: `closd` is not one of `closed`, `open` [S104]
  hint: did you mean `closed`?
bad.yaml:7:92: input should be less than or equal to 1 [S103]
bad.yaml:8:50: input should be a valid string [S103]
  hint: `time:` is one exact minute (`time: 2020-11-12T06:00`); a window is written \
`date: {from: 2020-11-12T06:00, to: 2020-11-13T18:00}`
bad.yaml:9:66: input should be a valid integer, unable to parse string as an integer [S103]"""


def test_an_invalid_scenario_gets_pydantic_s_diagnostics(tmp_path: Path) -> None:
    """A document the fast reader refuses is validated by pydantic: the same problems, at
    the same places, as when pydantic validated every document."""
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    printed, last = _check("bad.yaml", cwd=tmp_path)
    assert last.startswith("exit 3 imported [") and "'pydantic'" in last, last
    assert printed == BAD_SAYS
