"""Stage 1: a valid document read into the models, without pydantic.

Importing pydantic and building its validators costs more start-up than
judging a small scenario, so a document is read here straight into the plain
models of `models.base`, from their own declarations. `read` only answers when
it is sure of what pydantic's `model_validate` would make of the document —
the same classes, values, value types and extra keys — and otherwise returns
None: then pydantic validates (`models.validation`), for the value or for its
errors, which therefore always come from pydantic. Only exact types are taken
(an `int` where a `str` is declared is pydantic's to coerce) and a union only
when one member fits.

Each type is compiled once per process into a reading function (a model's
into a table of its fields), so reading costs about what pydantic's own
validator plus turning its result into our models would; a library of
scenarios reads every document here too.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from checker.models.base import Model, StrPattern, declared, make

M = TypeVar("M", bound=Model)

__all__ = ["FAIL", "read", "reader"]


class _Unsure(Exception):
    """pydantic might coerce or choose differently: let it validate."""


class _Fail:
    """pydantic would refuse the value whatever its mode."""

    def __repr__(self) -> str:
        return "FAIL"


FAIL: Any = _Fail()
_SCALARS = (bool, int, float, str)
_UNIONS = (typing.Union, types.UnionType)

Reader = Callable[[Any], Any]


def read(model: type[M], data: Any) -> M | None:
    """`model.model_validate(data)` for a document sure to be valid, else None."""
    try:
        built = reader(model)(data)
    except (_Unsure, RecursionError):
        return None
    return None if built is FAIL else typing.cast(M, built)


_READERS: dict[Any, Reader] = {}


def reader(tp: Any) -> Reader:
    """The function that reads a value of type `tp` as pydantic would: the value, FAIL, or
    `_Unsure` raised."""
    found = _READERS.get(tp)
    if found is None:
        found = _READERS[tp] = _compile(tp)
    return found


def _compile(tp: Any) -> Reader:
    if tp is Any:
        return _any
    if tp is None or tp is type(None):
        return _none
    if tp in _SCALARS:
        return _scalar(tp)
    if isinstance(tp, type) and issubclass(tp, Model):
        return _model(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in _UNIONS:
        return _union(args)
    if origin is typing.Literal:
        return _literal(args)
    if origin is typing.Annotated:
        return _constrained(reader(args[0]), args[1:], None, None)
    if origin is list:
        return _list(reader(args[0]))
    if origin is dict:
        return _dict(reader(args[0]), reader(args[1]))
    return _unsure


def _any(value: Any) -> Any:
    return value


def _none(value: Any) -> Any:
    return None if value is None else FAIL


def _unsure(value: Any) -> Any:
    raise _Unsure


def _scalar(tp: type) -> Reader:
    def read_scalar(value: Any) -> Any:
        if type(value) is tp:
            return value
        if value is None or type(value) is dict or type(value) is list:
            return FAIL
        raise _Unsure

    return read_scalar


def _union(members: tuple[Any, ...]) -> Reader:
    """A union in pydantic's smart mode: a member of the value's exact type wins; else
    the one member that takes it (several: pydantic's choice, unsure)."""
    readers = [reader(m) for m in members]
    exact = {
        t: [r for m, r in zip(members, readers, strict=True) if _base(m) is t] for t in _SCALARS
    }

    def read_union(value: Any) -> Any:
        for r in exact.get(type(value), ()):
            found = r(value)
            if found is not FAIL:
                return found
        fit = FAIL
        for r in readers:
            found = r(value)
            if found is not FAIL:
                if fit is not FAIL:
                    raise _Unsure
                fit = found
        return fit

    return read_union


def _base(tp: Any) -> Any:
    return _base(typing.get_args(tp)[0]) if typing.get_origin(tp) is typing.Annotated else tp


def _literal(allowed: tuple[Any, ...]) -> Reader:
    words = all(type(a) is str for a in allowed)

    def read_literal(value: Any) -> Any:
        if any(type(value) is type(a) and value == a for a in allowed):
            return value
        if words and (value is None or type(value) in (str, list, dict)):
            return FAIL
        raise _Unsure

    return read_literal


def _constrained(inner: Reader, metadata: Any, ge: float | None, le: float | None) -> Reader:
    """`inner` then the constraints of an `Annotated` type or a field (`ge`, `le`)."""
    patterns = []
    for m in metadata:
        if not isinstance(m, StrPattern):
            return _unsure
        patterns.append(re.compile(m.regex))

    def read_constrained(value: Any) -> Any:
        value = inner(value)
        if value is FAIL or value is None:
            return value
        for pattern in patterns:
            if type(value) is not str:
                raise _Unsure
            if "\n" in value or "\r" in value:  # where pydantic's regex engine and ours may differ
                raise _Unsure
            if pattern.search(value) is None:
                return FAIL
        if ge is not None or le is not None:
            if type(value) is not int and type(value) is not float:
                raise _Unsure
            if (ge is not None and not value >= ge) or (le is not None and not value <= le):
                return FAIL
        return value

    return read_constrained


def _list(item: Reader) -> Reader:
    def read_list(value: Any) -> Any:
        if type(value) is list:
            items = []
            for v in value:
                found = item(v)
                if found is FAIL:  # one item pydantic refuses: so is the list
                    return FAIL
                items.append(found)
            return items
        if value is None or type(value) in _SCALARS or type(value) is dict:
            return FAIL
        raise _Unsure

    return read_list


def _dict(key: Reader, item: Reader) -> Reader:
    def read_dict(value: Any) -> Any:
        if type(value) is dict:
            out = {}
            for k, v in value.items():
                k = key(k)
                if k is FAIL:
                    return FAIL
                found = item(v)
                if found is FAIL:
                    return FAIL
                out[k] = found
            return out
        if value is None or type(value) in _SCALARS or type(value) is list:
            return FAIL
        raise _Unsure

    return read_dict


_FRESH: Any = object()  # in a model's template: a default made anew for each model


def _model(model: type[Model]) -> Reader:
    """A model's reader. Its table (each key -> the field's name, reader, whether it is
    required and its other key) is made on the first document, as a model may refer to
    itself (`Condition`) or to models declared after it."""
    # every field in order, holding its default: MISSING when required, _FRESH for a
    # list, dict or factory (made anew)
    template: dict[str, Any] = {}
    by_key: dict[Any, tuple[str, Reader, bool, str | None]] = {}
    fresh: list[tuple[str, Callable[[], Any]]] = []
    required = 0
    prepared = False
    allow = model.model_extra_keys == "allow"

    def prepare() -> None:
        nonlocal required, prepared
        prepared = True
        for f in declared(model):
            read_value = reader(f.annotation)
            if f.ge is not None or f.le is not None:
                read_value = _constrained(read_value, (), f.ge, f.le)
            required += f.required
            by_key[f.key] = (f.name, read_value, f.required, f.name if f.alias else None)
            if f.alias:
                by_key[f.name] = (f.name, read_value, f.required, f.key)
            if not f.fresh:
                template[f.name] = f.default
            else:
                template[f.name] = _FRESH
                fresh.append((f.name, f.default_value))

    def read_model(data: Any) -> Any:
        if type(data) is not dict:
            if type(data) is model:  # a model given to a constructor: kept, as pydantic does
                return data
            if data is None or type(data) in _SCALARS or type(data) is list:
                return FAIL
            raise _Unsure
        if not prepared:
            prepare()
        values = template.copy()
        missing = required
        extra: dict[Any, Any] | None = None
        for key, value in data.items():
            entry = by_key.get(key)
            if entry is None:
                if extra is None:
                    extra = {}
                extra[key] = value
                continue
            name, read_value, is_required, other = entry
            if other is not None and other in data:
                raise _Unsure  # both the alias and the name: pydantic's choice
            value = read_value(value)
            if value is FAIL:
                return FAIL
            values[name] = value
            missing -= is_required
        if missing:
            return FAIL
        if extra is not None:
            if any(type(k) is not str or k.startswith("_") for k in extra):
                raise _Unsure
            if not allow:
                return FAIL
        for name, make_default in fresh:
            if values[name] is _FRESH:
                values[name] = make_default()
        if allow:
            values["model_extra"] = extra if extra is not None else {}
        return make(model, values)

    return read_model
