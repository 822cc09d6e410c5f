"""`checker.records.record` makes the classes `dataclasses.dataclass` makes.

Every class shape the package uses is declared twice, once with each decorator,
and the two are compared on what a caller can see: construction, defaults,
equality, hashing, ordering, `repr`, frozenness, `fields`, `replace`, pickling,
pattern matching. Then every record class of the package is compared with a
dataclass twin built from the same declarations.
"""

from __future__ import annotations

import dataclasses
import importlib
import pickle
import pkgutil
import sys
import types
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import checker
from checker import records
from checker.records import record

SHAPES = {
    "plain": """
class C:
    a: int
    b: str = "x"
    c: tuple[int, ...] = ()
""",
    "factory": """
class C:
    a: int
    items: list[int] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)
""",
    "defaults_and_factory": """
class C:
    a: int
    b: int = 3
    items: list[int] = field(default_factory=list)
    c: str = "z"
""",
    "uncompared": """
class C:
    a: int
    b: int = field(default=0, compare=False, repr=False)
    c: str = field(default="", compare=False)
""",
    "post_init": """
class C:
    a: int
    b: int = 0
    def __post_init__(self) -> None:
        object.__setattr__(self, "seen", self.a + self.b)
""",
    "classvar": """
class C:
    LIMIT: ClassVar[int] = 3
    a: int
    b: int = 1
""",
    "explicit": """
class C:
    a: int
    def __repr__(self) -> str:
        return f"<C {self.a}>"
    def __eq__(self, other: object) -> bool:
        return isinstance(other, C) and abs(self.a) == abs(other.a)
    def __hash__(self) -> int:
        return hash(abs(self.a))
""",
    "empty": """
class C:
    pass
""",
    "methods": """
class C:
    a: int
    b: int = 2
    @property
    def total(self) -> int:
        return self.a + self.b
""",
}

INHERITED = """
{deco}
class Base:
    a: int
    b: int = 1

{deco}
class C(Base):
    c: int = 2
    b: int = 5
"""


def _declare(source: str, deco: str) -> type:
    # a module of its own, as dataclass looks names of string annotations up there
    module = types.ModuleType("twins")
    sys.modules["twins"] = module
    scope = module.__dict__
    field = records.field if "@record" in source else dataclasses.field
    scope.update(dataclass=dataclasses.dataclass, record=record, field=field)
    exec("from typing import ClassVar\n" + source, scope)  # noqa: S102
    return scope["C"]  # type: ignore[no-any-return]


def _pair(shape: str, options: str) -> tuple[type, type]:
    source = SHAPES[shape]
    made = []
    for deco in (f"@dataclass({options})", f"@record({options})"):
        made.append(_declare(deco + source, deco))
    return made[0], made[1]


OPTIONS = ["", "frozen=True", "frozen=True, order=True", "order=True"]


def _instances(cls: type, shape: str) -> list[Any]:
    if shape == "empty":
        return [cls(), cls()]
    if shape == "factory":
        return [cls(1), cls(1, [2]), cls(a=1, items=[2], names={"n": 1}), cls(2)]
    if shape == "explicit":
        return [cls(1), cls(-1), cls(2)]
    if shape == "uncompared":
        return [cls(1), cls(1, 5), cls(1, 5, "z"), cls(2, c="q")]
    return [cls(1), cls(1, 2), cls(a=2, b=1), cls(0), cls(-1)]


def _kit(cls: type) -> Any:
    """The module whose `fields` and `replace` serve the class."""
    return records if records.is_record(cls) else dataclasses


def _described(cls: type) -> list[tuple[Any, ...]]:
    return [
        (f.name, _same(f.default), _same(f.default_factory), f.compare, f.repr)
        for f in _kit(cls).fields(cls)
    ]


def _same(value: Any) -> Any:
    """Each module's "no default" is its own object: both read "MISSING"."""
    return "MISSING" if value is dataclasses.MISSING or value is records.MISSING else value


def _observe(cls: type, shape: str) -> list[Any]:
    """Everything a caller can see of the class and some of its instances."""
    kit = _kit(cls)
    seen: list[Any] = [
        _described(cls),
        getattr(cls, "__match_args__", None),
        cls.__hash__ is None,
    ]
    objs = _instances(cls, shape)
    for x in objs:
        seen.append(repr(x).replace("twins.", ""))
        seen.append(tuple(getattr(x, f.name) for f in kit.fields(x)))
        seen.append(vars(x))
        for y in objs:
            seen.append(x == y)
            seen.append(x != y)
            if cls.__hash__ is not None and x == y:
                try:
                    seen.append(hash(x) == hash(y))
                except TypeError as err:  # a frozen record of lists
                    seen.append(str(err))
            try:
                seen.append(x < y)
            except TypeError as err:
                seen.append(str(err).replace(cls.__qualname__, "C"))
        seen.append(x == object())
        seen.append(kit.replace(x) == x)
        if shape != "empty":
            seen.append(repr(kit.replace(x, a=7)).replace("twins.", ""))
    for x in _instances(cls, shape):  # fresh ones: these change them
        for attr in ("a", "zz"):
            try:
                setattr(x, attr, 9)
                seen.append(("set", attr, getattr(x, attr)))
            except (dataclasses.FrozenInstanceError, records.FrozenInstanceError) as err:
                assert isinstance(err, AttributeError)
                seen.append(("frozen", attr, str(err)))
            try:
                delattr(x, attr)
                seen.append(("deleted", attr))
            except AttributeError as err:
                seen.append((type(err).__name__, attr))
    try:
        cls(1, 2, 3, 4, 5)
    except TypeError:
        seen.append("too many")
    return seen


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_same_class(shape: str, options: str) -> None:
    if shape == "explicit" and "order" in options:
        pytest.skip("an explicit __eq__ with order compares differently in each by design")
    std, mine = _pair(shape, options)
    assert _observe(mine, shape) == _observe(std, shape)


@pytest.mark.parametrize("options", OPTIONS)
def test_inherited_fields(options: str) -> None:
    std = _declare(INHERITED.format(deco=f"@dataclass({options})"), "")
    mine = _declare(INHERITED.format(deco=f"@record({options})"), "")
    for cls in (std, mine):
        assert [f.name for f in _kit(cls).fields(cls)] == ["a", "b", "c"]
        assert cls(1).b == 5
    assert repr(mine(1, 2, 3)) == repr(std(1, 2, 3))
    assert (mine(1) == mine(1, 5, 2)) is (std(1) == std(1, 5, 2)) is True


def test_pickles_and_matches() -> None:
    _, mine = _pair("uncompared", "frozen=True")
    x = mine(1, 5, "z")
    back = pickle.loads(pickle.dumps(x))  # noqa: S301  # our own bytes
    assert back == x and back.b == 5 and hash(back) == hash(x)
    match x:
        case mine(a, b):  # type: ignore[misc]
            assert (a, b) == (1, 5)
        case _:
            pytest.fail("did not match")


def test_refuses_what_it_does_not_make() -> None:
    with pytest.raises(TypeError, match="non-default"):
        _declare("@record\nclass C:\n    a: int = 1\n    b: int\n", "")
    with pytest.raises(ValueError, match="mutable default"):
        _declare("@record\nclass C:\n    a: list[int] = []\n", "")
    with pytest.raises(TypeError, match="unexpected keyword"):
        _declare("@record\nclass C:\n    a: int = field(default=1, init=False)\n", "")
    with pytest.raises(TypeError, match="frozen"):
        _declare(
            "@record(frozen=True)\nclass C:\n    a: int\n    def __setattr__(self, n, v): pass\n",
            "",
        )
    with pytest.raises(TypeError, match="frozen and non-frozen"):
        _declare(
            INHERITED.format(deco="@record").replace(
                "@record\nclass C", "@record(frozen=True)\nclass C"
            ),
            "",
        )


@given(
    st.lists(
        st.tuples(st.integers(-3, 3), st.text(max_size=2), st.integers(-3, 3)),
        min_size=2,
        max_size=6,
    )
)
def test_equal_hash_and_order_as_dataclass(values: list[tuple[int, str, int]]) -> None:
    source = (
        'class C:\n    a: int\n    b: str = "x"\n    c: int = field(default=0, compare=False)\n'
    )
    std = _declare("@dataclass(frozen=True, order=True)\n" + source, "")
    mine = _declare("@record(frozen=True, order=True)\n" + source, "")
    for x in values:
        for y in values:
            s, m = (std(*x), std(*y)), (mine(*x), mine(*y))
            assert (m[0] == m[1], m[0] < m[1], m[0] >= m[1]) == (
                s[0] == s[1],
                s[0] < s[1],
                s[0] >= s[1],
            )
            assert (hash(m[0]) == hash(m[1])) == (hash(s[0]) == hash(s[1]))
            assert repr(m[0]) == repr(s[0])


def _package_records() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(checker.__path__, "checker."):
        if info.name.startswith(("checker.cli", "checker.__main__")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == info.name:
                if "__record_fields__" in value.__dict__:
                    found[f"{info.name}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


def test_every_record_of_the_package_is_its_dataclass_twin() -> None:
    classes = _package_records()
    assert len(classes) > 60
    for cls in classes:
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            for f in base.__dict__.get("__record_fields__", {}).values():
                annotations[f.name] = f.type
                default = {} if f.default is records.MISSING else {"default": f.default}
                if f.default_factory is not records.MISSING:
                    default = {"default_factory": f.default_factory}
                namespace[f.name] = dataclasses.field(**default, compare=f.compare, repr=f.repr)
        namespace["__annotations__"] = annotations
        frozen = cls.__dict__["__record_frozen__"]
        order = "__lt__" in cls.__dict__
        twin = dataclasses.dataclass(frozen=frozen, order=order)(type(cls.__name__, (), namespace))
        assert _described(cls) == _described(twin), cls
        assert cls.__match_args__ == twin.__match_args__, cls  # type: ignore[attr-defined]
        assert (cls.__hash__ is None) == (twin.__hash__ is None) or "__hash__" in cls.__dict__, cls


def test_no_dataclasses_on_the_way_of_a_check() -> None:
    """`record` exists for start-up time: importing the pipeline imports no `dataclasses`
    (nor `inspect`, which it imports)."""
    code = (
        "import sys, checker.api, checker.cli.check, checker.onefile, checker.judge;"
        "print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
