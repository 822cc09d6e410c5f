"""pydantic's models, generated from our declarations when a document needs them.

`models.fast` reads a valid document without pydantic. A document it is not
sure of — an invalid one, or one where pydantic would coerce a value — is
validated by pydantic here, so that every error message is pydantic's, and
`checker schema` prints the JSON Schemas pydantic makes. The pydantic model
of each of our classes is made on first use by `create_model`, from the same
declarations (names, docstrings, fields, aliases, defaults, bounds, patterns,
configuration), so the errors and schemas are those of a pydantic model
written by hand. Importing this module imports pydantic.
"""

from __future__ import annotations

import types
import typing
from typing import Any, ForwardRef, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from checker.models.base import Model, StrPattern, declared, make

M = TypeVar("M", bound=Model)

__all__ = ["plain", "pydantic_model", "validate"]


def _config(extra: Literal["forbid", "allow"]) -> ConfigDict:
    return ConfigDict(
        extra=extra,
        frozen=True,
        populate_by_name=True,  # `from_` as well as `from`
        coerce_numbers_to_str=True,  # `id: 7` is the id "7"
        defer_build=True,  # a model's validator is built when it first validates
    )


class _Forbid(BaseModel):
    model_config = _config("forbid")


class _Allow(BaseModel):
    model_config = _config("allow")


_GENERATED: dict[type[Model], type[BaseModel]] = {}
_PLAIN: dict[type[BaseModel], type[Model]] = {}
_BUILDING: dict[type[Model], set[str]] = {}  # models being generated -> names referred to early


def validate(model: type[M], data: Any) -> M:
    """`data` validated by pydantic, as our model; pydantic's `ValidationError` if invalid."""
    found: M = plain(pydantic_model(model).model_validate(data))
    return found


def pydantic_model(model: type[Model]) -> type[BaseModel]:
    """The pydantic model generated from `model`'s declarations (made once)."""
    found = _GENERATED.get(model)
    if found is not None:
        return found
    _BUILDING[model] = set()
    try:
        fields: dict[str, Any] = {}
        for f in declared(model):
            annotation = _translated(f.annotation, model)
            options: dict[str, Any] = {}
            if f.alias is not None:
                options["alias"] = f.alias
            if f.default_factory is not None:
                factory = f.default_factory
                if isinstance(factory, type) and issubclass(factory, Model):
                    factory = pydantic_model(factory)
                options["default_factory"] = factory
            elif not f.required:
                options["default"] = f.default
            if f.ge is not None:
                options["ge"] = f.ge
            if f.le is not None:
                options["le"] = f.le
            fields[f.name] = (annotation, Field(**options)) if options else annotation
        found = create_model(
            model.__name__,
            __base__=_Allow if model.model_extra_keys == "allow" else _Forbid,
            __doc__=model.__doc__,
            # not the module of our class: pydantic would find our classes there by name
            __module__=__name__,
            **fields,
        )
        referred = _BUILDING[model]
    finally:
        del _BUILDING[model]
    _GENERATED[model] = found
    _PLAIN[found] = model
    if referred:  # a model that refers to itself (`Condition`)
        found.model_rebuild(_types_namespace={name: found for name in referred})
    return found


def _translated(tp: Any, owner: type[Model]) -> Any:
    """`tp` with each of our models replaced by its pydantic model, and `StrPattern` by
    pydantic's `StringConstraints`."""
    if isinstance(tp, type) and issubclass(tp, Model):
        if tp in _BUILDING:
            if tp is not owner:
                raise TypeError(f"{owner.__name__} and {tp.__name__} refer to each other")
            _BUILDING[tp].add(tp.__name__)
            return ForwardRef(tp.__name__)
        return pydantic_model(tp)
    origin = typing.get_origin(tp)
    if origin is None or origin is typing.Literal:
        return tp
    args = tuple(_translated(a, owner) for a in typing.get_args(tp))
    if origin is typing.Annotated:
        metadata = [
            StringConstraints(pattern=m.regex) if isinstance(m, StrPattern) else m for m in args[1:]
        ]
        return typing.Annotated[(args[0], *metadata)]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[args]
    if origin in (list, dict, tuple):
        return origin[args]
    raise TypeError(f"{owner.__name__}: no pydantic type for {tp!r}")


def plain(value: Any) -> Any:
    """pydantic's result as our models (every model, at any depth)."""
    kind = type(value)
    model = _PLAIN.get(kind)
    if model is not None:
        values = value.__dict__
        out = {f.name: plain(values[f.name]) for f in declared(model)}
        if model.model_extra_keys == "allow":
            out["model_extra"] = dict(value.__pydantic_extra__ or {})
        return make(model, out)
    if kind is list:
        return [plain(v) for v in value]
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if kind is tuple:
        return tuple(plain(v) for v in value)
    return value
