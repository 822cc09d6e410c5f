"""`record`: the standard library's `dataclass`, made for a short-lived command's start-up.

`dataclasses.dataclass` compiles six functions per class, one `exec` each, and
computes a signature for a class without a docstring: about 1.6 ms of CPU per
frozen class on Python 3.11, and a `check` run defines about ninety of them
before it reads a file (a sixth of the run of a small scenario). `record` makes
the same classes — the same `__init__`, `__eq__`, `__hash__`, ordering,
`__repr__`, frozenness, `__post_init__` call and `__match_args__` — but compiles
only `__init__`, the first time an instance is made; comparisons and hashing are
closures over the compared fields (`operator.attrgetter`), and `__repr__` and a
frozen class's `__setattr__`/`__delattr__` are shared. A class never used in a
run costs almost nothing. It does not import `dataclasses` either (with `inspect`, about
10 ms): `field`, `fields` and `replace` are its own, with the standard meaning.

What it does not take (`init=False`, `kw_only`, `slots`, `unsafe_hash`, ...)
it refuses at import rather than ignore: tests/unit/test_records.py compares it
with `dataclass` on every shape the package uses and on every class of it.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from functools import cache
from operator import attrgetter
from types import CodeType, FunctionType
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["FrozenInstanceError", "Field", "field", "fields", "record", "replace"]

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """A field of a frozen record assigned or deleted."""


class Field:
    """One field of a record: what `field(...)` declared, and its name and annotation."""

    __slots__ = ("name", "type", "default", "default_factory", "compare", "repr")

    def __init__(
        self,
        default: Any,
        default_factory: Any,
        compare: bool,
        repr: bool,  # noqa: A002
    ) -> None:
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, compare={self.compare})"


@overload
def field(*, default: T, compare: bool = True, repr: bool = True) -> T: ...  # noqa: A002


@overload
def field(
    *,
    default_factory: Callable[[], T],
    compare: bool = True,
    repr: bool = True,  # noqa: A002
) -> T: ...


@overload
def field(*, compare: bool = True, repr: bool = True) -> Any: ...  # noqa: A002


def field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    compare: bool = True,
    repr: bool = True,  # noqa: A002
) -> Any:
    """A field's default (a value, or a function making one) and whether it is compared
    and shown: `dataclasses.field`'s meaning."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, compare, repr)


def fields(of: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    try:
        found: dict[str, Field] = of.__record_fields__
    except AttributeError:
        raise TypeError("must be called with a record type or instance") from None
    return tuple(found.values())


def is_record(of: Any) -> bool:
    return hasattr(of, "__record_fields__")


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record `obj` with some fields changed (`dataclasses.replace`)."""
    for f in fields(obj):
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = False, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(
    cls: type[T] | None = None, /, *, frozen: bool = False, order: bool = False
) -> type[T] | Callable[[type[T]], type[T]]:
    """`@dataclass`, `@dataclass(frozen=True)`, `@dataclass(frozen=True, order=True)`."""

    def wrap(cls: type[T]) -> type[T]:
        _process(cls, frozen=frozen, order=order)
        return cls

    return wrap if cls is None else wrap(cls)


def _process(cls: type, *, frozen: bool, order: bool) -> None:
    found: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = base.__dict__.get("__record_fields__")
        if inherited is not None:
            if base.__dict__["__record_frozen__"] != frozen:
                raise TypeError(f"{cls.__qualname__}: frozen and non-frozen records mixed")
            found.update(inherited)
    own = cls.__dict__.get("__annotations__", {})
    for name, annotation in own.items():
        if _is_classvar(annotation):
            continue
        default = cls.__dict__.get(name, MISSING)
        f = default if isinstance(default, Field) else Field(default, MISSING, True, True)
        _check_field(cls, name, f)
        f.name = name
        f.type = annotation
        found[name] = f
        if isinstance(default, Field):
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    _check_order(cls, list(found.values()))

    cls.__record_fields__ = found  # type: ignore[attr-defined]
    cls.__record_frozen__ = frozen  # type: ignore[attr-defined]
    if "__match_args__" not in cls.__dict__:
        cls.__match_args__ = tuple(found)  # type: ignore[attr-defined,misc]
    body = cls.__dict__
    if "__repr__" not in body:
        cls.__repr__ = _repr  # type: ignore[assignment]
    if frozen:
        if "__setattr__" in body or "__delattr__" in body:
            raise TypeError(f"{cls.__qualname__}: a frozen record defines __setattr__")
        cls.__setattr__ = _frozen_setattr  # type: ignore[assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[assignment]

    # Comparisons are closures over the compared fields (no code made); `__init__` is
    # compiled the first time an instance is made, until then a stand-in does that.
    compared = [f.name for f in found.values() if f.compare]
    made = _comparisons(_key_of(compared))
    wanted = [m for m in ("__eq__",) if m not in body]
    explicit_hash = body.get("__hash__", MISSING)
    if explicit_hash is MISSING or (explicit_hash is None and "__eq__" in body):
        if frozen:
            wanted.append("__hash__")
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    if order:
        for m in ("__lt__", "__le__", "__gt__", "__ge__"):
            if m in body:
                raise TypeError(f"{cls.__qualname__}: an ordered record defines {m}")
            wanted.append(m)
    for m in wanted:
        function = made[m]
        function.__qualname__ = f"{cls.__qualname__}.{m}"
        function.__module__ = cls.__module__
        setattr(cls, m, function)
    if "__init__" not in body:
        cls.__init__ = _stand_in(cls)  # type: ignore[misc]


def _key_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of an instance's compared fields, as dataclass compares them."""
    if not names:
        return lambda self: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return attrgetter(*names)  # several names: a tuple


def _comparisons(key: Callable[[Any], tuple[Any, ...]]) -> dict[str, Callable[..., Any]]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(key(self))

    def __lt__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) < key(other)
        return NotImplemented

    def __le__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) <= key(other)
        return NotImplemented

    def __gt__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) > key(other)
        return NotImplemented

    def __ge__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) >= key(other)
        return NotImplemented

    return {
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__lt__": __lt__,
        "__le__": __le__,
        "__gt__": __gt__,
        "__ge__": __ge__,
    }


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))


def _check_field(cls: type, name: str, f: Field) -> None:
    if f.default is not MISSING and type(f.default) in (list, dict, set):
        raise ValueError(f"{cls.__qualname__}.{name}: a mutable default; use default_factory")


def _check_order(cls: type, declared: list[Field]) -> None:
    seen_default = False
    for f in declared:
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(f"{cls.__qualname__}: non-default argument {f.name!r} follows default")
        seen_default = seen_default or has_default


def _stand_in(cls: type) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if cls.__dict__.get("__init__") is __init__:
            _compile_init(cls)
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _compile_init(cls: type) -> None:
    declared = list(cls.__record_fields__.values())  # type: ignore[attr-defined]
    frozen: bool = cls.__record_frozen__  # type: ignore[attr-defined]
    post_init = hasattr(cls, "__post_init__")
    names = [f.name for f in declared]
    # the defaults are the function's, not its code's: a factory's field defaults to
    # MISSING, which the code replaces by a fresh value
    defaults = tuple(
        f.default if f.default_factory is MISSING else MISSING
        for f in declared
        if f.default is not MISSING or f.default_factory is not MISSING
    )
    factories = {f.name: f.default_factory for f in declared if f.default_factory is not MISSING}
    if not factories:
        # the code of `__init__` depends only on the number of fields, frozenness and
        # `__post_init__`: a template per shape, renamed
        code = _template(len(names), frozen, post_init)
        rename = {f"_{i}_": n for i, n in enumerate(names)}
        code = code.replace(
            co_varnames=tuple(rename.get(v, v) for v in code.co_varnames),
            co_names=tuple(rename.get(v, v) for v in code.co_names),
            co_consts=tuple(rename.get(c, c) if type(c) is str else c for c in code.co_consts),
            co_qualname=f"{cls.__qualname__}.__init__",
        )
        function = FunctionType(code, {}, "__init__")
    else:  # the code names each factory
        scope: dict[str, Any] = {"__MISSING": MISSING}
        assigned = []
        for n in names:
            value = n
            if n in factories:
                scope[f"__f_{n}"] = factories[n]
                value = f"__f_{n}() if {n} is __MISSING else {n}"
            assigned.append((n, value))
        function = _init_function(assigned, frozen, post_init, scope)
    function.__defaults__ = defaults or None
    function.__qualname__ = f"{cls.__qualname__}.__init__"
    function.__module__ = cls.__module__
    cls.__init__ = function  # type: ignore[misc]


def _init_function(
    assigned: list[tuple[str, str]], frozen: bool, post_init: bool, scope: dict[str, Any]
) -> FunctionType:
    """`def __init__(self, NAME, ...)` that sets each field NAME to its value's expression,
    then calls `__post_init__` (the defaults are set on the function)."""
    if frozen:  # into the instance's dict: a quarter faster than object.__setattr__
        lines = [f" __d[{name!r}] = {value}" for name, value in assigned]
        lines[:0] = [" __d = self.__dict__"] if lines else []
    else:
        lines = [f" self.{name} = {value}" for name, value in assigned]
    if post_init:
        lines.append(" self.__post_init__()")
    params = ", ".join(name for name, _ in assigned)
    source = f"def __init__(self, {params}):\n" + "\n".join(lines or [" pass"])
    made: dict[str, Any] = {}
    exec(source, scope, made)  # noqa: S102  # our own text
    return made["__init__"]  # type: ignore[no-any-return]


@cache
def _template(count: int, frozen: bool, post_init: bool) -> CodeType:
    """The code of `__init__` for `count` fields named `_0_`, `_1_`, ..."""
    names = [f"_{i}_" for i in range(count)]
    return _init_function([(n, n) for n in names], frozen, post_init, {}).__code__


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = (f for f in self.__record_fields__.values() if f.repr)
    inside = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in shown)
    return f"{self.__class__.__qualname__}({inside})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
