"""`checker.models.fast`: a valid document read without pydantic's validator gives exactly
the models `model_validate` gives — same classes, values, value types, fields set and
extra keys — and a document pydantic refuses is never read by it (its errors must come
from pydantic). Checked on every YAML file of the repository and on many mutations of
them (values of other types, keys dropped or added)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from checker.diagnostics import Diagnostics
from checker.models import ScenarioFile, TermsFile
from checker.models.fast import construct
from checker.models.terms import Provision
from checker.yamlsource import load_file

ROOT = Path(__file__).resolve().parents[2]


def _documents() -> list[tuple[str, type[BaseModel], Any]]:
    out: list[tuple[str, type[BaseModel], Any]] = []
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
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set, where
        assert list(a.__dict__) == list(b.__dict__), where
        for k in a.__dict__:
            same(a.__dict__[k], b.__dict__[k], f"{where}.{k}")
        same(a.__pydantic_extra__, b.__pydantic_extra__, f"{where}.<extra>")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            same(k, list(b)[list(a).index(k)], f"{where}[key]")
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b or (a != a and b != b), (where, a, b)


def agrees(model: type[BaseModel], data: Any, where: str) -> bool:
    """The fast path agrees with pydantic on `data`; True when it read it."""
    fast = construct(model, data)
    try:
        slow = model.model_validate(data)
    except ValidationError:
        assert fast is None, f"{where}: pydantic refuses what the fast path read"
        return False
    if fast is not None:
        same(fast, slow, where)
    return fast is not None


def test_documents_are_found() -> None:
    assert len(DOCUMENTS) > 300


@pytest.mark.parametrize(("name", "model", "data"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_every_document_of_the_repository(name: str, model: type[BaseModel], data: Any) -> None:
    agrees(model, data, name)


def test_valid_shipped_files_take_the_fast_path() -> None:
    slow = [
        name
        for name, model, data in DOCUMENTS
        if name.startswith(("scenarios/", "terms/", "bench/"))
        and "map" not in name
        and construct(model, data) is None
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
    picked = [d for d in DOCUMENTS if construct(d[1], d[2]) is not None]
    read = 0
    for _ in range(3000):
        name, model, data = rng.choice(picked)
        path = rng.choice(_paths(data)[1:] or [()])
        how = rng.choice(["set", "set", "set", "drop", "add"])
        changed = _mutated(data, path, how, rng.choice(REPLACEMENTS))
        read += agrees(model, changed, f"{name} {how} {path}")
    assert read > 300  # many mutations stay valid and are read


def test_the_validator_is_built_once_reading_stops_paying() -> None:
    from checker.models import fast
    from checker.models.common import Strict

    class Small(Strict):
        a: int

    class Listed(Strict):
        xs: list[int]

    read = fast.read(Small, {"a": 1})
    assert type(read) is Small and read.a == 1 and not Small.__pydantic_complete__
    fast._spent[Small] = fast.BUDGET + 1  # a library's worth of documents read
    assert fast.read(Small, {"a": 1}) is None and Small.__pydantic_complete__
    assert fast.read(Listed, {"xs": list(range(fast.LARGE + 1))}) is None  # one large document
    assert Listed.__pydantic_complete__
