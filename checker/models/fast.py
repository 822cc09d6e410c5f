"""Stage 1: the models of a valid document, built without pydantic's validator.

Building pydantic's validators costs more start-up than judging a small
scenario, so the models defer it (`defer_build`) and `construct` reads a plain
document straight into them, from the models' own field declarations. It only
answers when it is sure of what `model_validate` would return — the same
models, values, types and fields set — and otherwise returns None: then
`model_validate` runs, for the value or for its errors, which therefore always
come from pydantic. Only exact types are taken (an `int` where a `str` is
declared is pydantic's to coerce) and a union only when one member fits.

Reading this way costs about seven times pydantic's validator once that is
built, so `read` stops using it for a model after `BUDGET` seconds of CPU in
a process (a library of scenarios) or for a large document: it builds the
validator then, once, as it used to be built at import.
"""

from __future__ import annotations

import re
import time
import types
import typing
from functools import cache
from typing import Any, TypeVar

from annotated_types import Ge, Le
from pydantic import BaseModel, StringConstraints

M = TypeVar("M", bound=BaseModel)

__all__ = ["construct", "read"]

BUDGET = 0.03  # seconds of CPU per model and process before its validator is built
LARGE = 400  # entries in a document's top-level lists and mappings: validated by pydantic
_spent: dict[type[BaseModel], float] = {}


class _Unsure(Exception):
    """pydantic might coerce or choose differently: let it validate."""


class _Fail:
    """pydantic would refuse the value whatever its mode."""


FAIL: Any = _Fail()
_SCALARS = (bool, int, float, str)
_UNIONS = (typing.Union, types.UnionType)


def read(model: type[M], data: Any) -> M | None:
    """`construct` while it is the cheaper way, else None (then `model_validate`)."""
    if model.__pydantic_complete__:
        return None
    spent = _spent.get(model, 0.0)
    if spent > BUDGET or _size(data) > LARGE:
        model.model_rebuild()
        return None
    began = time.process_time()
    try:
        return construct(model, data)
    finally:
        _spent[model] = spent + time.process_time() - began


def _size(data: Any) -> int:
    if type(data) is not dict:
        return 0
    return sum(len(v) for v in data.values() if type(v) in (list, dict))


def construct(model: type[M], data: Any) -> M | None:
    """`model.model_validate(data)` for a document sure to be valid, else None."""
    try:
        built = _model(model, data)
    except (_Unsure, RecursionError):
        return None
    return None if built is FAIL else typing.cast(M, built)


def _value(tp: Any, value: Any) -> Any:
    """`value` as pydantic makes it for type `tp`; FAIL, or `_Unsure` raised."""
    if tp is Any:
        return value
    if tp is None or tp is type(None):
        return None if value is None else FAIL
    if tp in _SCALARS:
        if type(value) is tp:
            return value
        if value is None or isinstance(value, dict | list):
            return FAIL
        raise _Unsure
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model(tp, value)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in _UNIONS:
        return _union(args, value)
    if origin is typing.Literal:
        if any(type(value) is type(a) and value == a for a in args):
            return value
        if all(type(a) is str for a in args) and (
            value is None or type(value) in (str, list, dict)
        ):
            return FAIL
        raise _Unsure
    if origin is typing.Annotated:
        return _constrained(_value(args[0], value), args[1:])
    if origin is list:
        if type(value) is list:
            items = [_value(args[0], v) for v in value]
            return FAIL if any(i is FAIL for i in items) else items
        if value is None or type(value) in _SCALARS or type(value) is dict:
            return FAIL
        raise _Unsure
    if origin is dict:
        if type(value) is dict:
            out = {}
            for k, v in value.items():
                key, item = _value(args[0], k), _value(args[1], v)
                if key is FAIL or item is FAIL:
                    return FAIL
                out[key] = item
            return out
        if value is None or type(value) in _SCALARS or type(value) is list:
            return FAIL
        raise _Unsure
    raise _Unsure


def _union(members: tuple[Any, ...], value: Any) -> Any:
    """A union in pydantic's smart mode: a member of the value's exact type wins; else
    the one member that takes it (several: pydantic's choice, unsure)."""
    if type(value) in _SCALARS:
        for m in members:
            if _base(m) is type(value):
                found = _value(m, value)
                if found is not FAIL:
                    return found
    fits = [f for f in (_value(m, value) for m in members) if f is not FAIL]
    if len(fits) > 1:
        raise _Unsure
    return fits[0] if fits else FAIL


def _base(tp: Any) -> Any:
    return _base(typing.get_args(tp)[0]) if typing.get_origin(tp) is typing.Annotated else tp


def _constrained(value: Any, metadata: Any) -> Any:
    """`value` after the constraints of a field or an `Annotated` type."""
    if value is FAIL or value is None:
        return value
    for m in metadata:
        if isinstance(m, StringConstraints) and type(value) is str:
            rest = {k: v for k, v in vars(m).items() if v is not None and k != "pattern"}
            if rest or m.pattern is None or "\n" in value or "\r" in value:
                raise _Unsure
            if _pattern(m.pattern).search(value) is None:
                return FAIL
        elif isinstance(m, Ge) and type(value) in (int, float):
            if not value >= m.ge:
                return FAIL
        elif isinstance(m, Le) and type(value) in (int, float):
            if not value <= m.le:
                return FAIL
        else:
            raise _Unsure
    return value


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _model(model: type[BaseModel], data: Any) -> Any:
    if type(data) is not dict:
        if data is None or type(data) in _SCALARS or type(data) is list:
            return FAIL
        raise _Unsure
    config = model.model_config
    if not config.get("populate_by_name") or config.get("extra") not in ("forbid", "allow"):
        raise _Unsure
    values: dict[str, Any] = {}
    used: set[Any] = set()
    failed = False
    for name, field in model.__pydantic_fields__.items():
        if field.validation_alias not in (None, field.alias):
            raise _Unsure
        keys = [k for k in dict.fromkeys((field.alias, name)) if k is not None and k in data]
        if len(keys) > 1:
            raise _Unsure
        if not keys:
            failed = failed or field.is_required()
            continue
        used.add(keys[0])
        item = _constrained(_value(field.annotation, data[keys[0]]), field.metadata)
        failed = failed or item is FAIL
        values[name] = item
    extra = {k: v for k, v in data.items() if k not in used}
    if any(type(k) is not str or k.startswith("_") for k in extra):
        raise _Unsure
    if extra and config["extra"] == "forbid":
        return FAIL
    if failed:
        return FAIL
    return model.model_construct({*values, *extra}, **values, **extra)
