"""The small base of our models: plain frozen classes declared by their annotations.

A model is declared once, as a class of annotated fields (a default, or
`field(...)` for an alias such as `from`, a bound `ge`/`le` or a default
factory) on `Model`, with `extra="allow"` as a class keyword where unknown keys
are kept. Declaring one costs next to nothing at import: nothing is generated
per class, and the field table (annotations evaluated, defaults sorted out) is
made on first use. A valid document is read into these classes by
`models.fast`; pydantic's models are generated from the same declarations
only when a document must be validated in full (for its errors) and for the
JSON Schemas (`models.validation`), so a valid document never imports pydantic
(start-up time: importing it costs more than judging a small scenario).

Instances are frozen, equal when their type, fields and extra keys are, and
keep the parts of pydantic's interface the checker uses: `model_extra`,
`model_dump(by_alias=..., exclude_defaults=...)`, `model_validate` and
`model_json_schema`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, cast, dataclass_transform

from checker.records import MISSING  # no default: the field is required

__all__ = ["Declared", "Model", "StrPattern", "declared", "field", "make"]


class StrPattern:
    """`Annotated[str, StrPattern(RE)]`: a string that contains a match of RE (pydantic's
    `StringConstraints(pattern=RE)` in the generated models)."""

    __slots__ = ("regex",)

    def __init__(self, regex: str) -> None:
        self.regex = regex

    def __repr__(self) -> str:
        return f"StrPattern({self.regex!r})"


class _FieldSpec:
    """What `field(...)` declares beside the annotation."""

    __slots__ = ("alias", "default", "default_factory", "ge", "le")

    def __init__(
        self,
        default: Any,
        default_factory: Callable[[], Any] | None,
        alias: str | None,
        ge: float | None,
        le: float | None,
    ) -> None:
        self.default = default
        self.default_factory = default_factory
        self.alias = alias
        self.ge = ge
        self.le = le


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | None = None,
    alias: str | None = None,
    ge: float | None = None,
    le: float | None = None,
) -> Any:
    """A field's alias (the key written in YAML when it is a Python keyword), default and
    bounds; a plain default is written `name: T = value`."""
    return _FieldSpec(default, default_factory, alias, ge, le)


class Declared:
    """One field of a model, as declared: its name, the key it is written as, its
    type (annotations evaluated) and its default."""

    __slots__ = ("alias", "annotation", "default", "default_factory", "ge", "key", "le", "name")

    def __init__(self, name: str, annotation: Any, spec: Any) -> None:
        self.name = name
        self.annotation = annotation
        if not isinstance(spec, _FieldSpec):
            spec = _FieldSpec(spec, None, None, None, None)
        self.alias = spec.alias
        self.key = spec.alias or name
        self.default = spec.default
        self.default_factory = spec.default_factory
        self.ge = spec.ge
        self.le = spec.le

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.default_factory is None

    @property
    def fresh(self) -> bool:
        """Whether an omitted field's value is made anew for each model: by its factory,
        or a copy of a `[]` or `{}` default (as pydantic copies them)."""
        return self.default_factory is not None or type(self.default) in (list, dict)

    def default_value(self) -> Any:
        """The value of an omitted field (see `fresh`): no two models share one."""
        if self.default_factory is not None:
            return self.default_factory()
        default = self.default
        if type(default) is list:
            return list(default)
        if type(default) is dict:
            return dict(default)
        return default


_DECLARED: dict[type, tuple[Declared, ...]] = {}


def declared(model: type[Model]) -> tuple[Declared, ...]:
    """The fields of `model` in declaration order, those of its bases first (a field
    declared again keeps its place), as pydantic orders them."""
    found = _DECLARED.get(model)
    if found is None:
        table: dict[str, Declared] = {}
        for cls in reversed(model.__mro__):
            if not (isinstance(cls, type) and issubclass(cls, Model)) or cls is Model:
                continue
            namespace = vars(sys.modules[cls.__module__])
            for name, annotation in cls.__dict__.get("__annotations__", {}).items():
                if isinstance(annotation, str):
                    if annotation.startswith("ClassVar"):
                        continue
                    annotation = eval(_code(annotation), namespace, {cls.__name__: cls})  # noqa: S307 (our own source)
                table[name] = Declared(name, annotation, cls.__dict__.get(name, MISSING))
        found = _DECLARED[model] = tuple(table.values())
    return found


_CODE: dict[str, CodeType] = {}


def _code(annotation: str) -> CodeType:
    """An annotation compiled once: many read alike (`str | None`), and compiling is most of
    evaluating one."""
    found = _CODE.get(annotation)
    if found is None:
        found = _CODE[annotation] = compile(annotation, "<annotation>", "eval")
    return found


_new = object.__new__
_set = object.__setattr__


class _Readers:
    """How a document becomes a model, and a model's JSON Schema: `fast` and `validation`
    read into these classes, so they stand above this module, and the package's face
    (`checker/models/__init__.py`) hands them in before any model is declared."""

    validate: Callable[[type[Model], Any], Model]
    schema: Callable[[type[Model]], dict[str, Any]]


_readers = _Readers()


def install(
    validate: Callable[[type[Model], Any], Model], schema: Callable[[type[Model]], dict[str, Any]]
) -> None:
    _readers.validate = validate
    _readers.schema = schema


def make(model: type[Model], values: dict[str, Any]) -> Any:
    """An instance of `model` holding `values` (every field, and `model_extra` for a model
    that keeps extra keys), without reading or checking anything."""
    instance = _new(model)
    _set(instance, "__dict__", values)
    return instance


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Model:
    """A frozen model: see the module's docstring."""

    # `forbid`: an unknown key is an error; `allow`: it is kept in `model_extra`
    model_extra_keys: ClassVar[Literal["forbid", "allow"]] = "forbid"

    def __init_subclass__(cls, *, extra: Literal["forbid", "allow"] | None = None) -> None:
        super().__init_subclass__()
        if extra is not None:
            cls.model_extra_keys = extra

    def __init__(self, **data: Any) -> None:
        # what `model_validate` makes of the keyword arguments, as pydantic's constructor
        _set(self, "__dict__", type(self).model_validate(data).__dict__)

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """The model of `data`; pydantic's `ValidationError` when it is not valid."""
        return cast(Self, _readers.validate(cls, data))

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the model (pydantic's, generated from the declarations)."""
        return _readers.schema(cls)

    @property
    def model_extra(self) -> dict[str, Any] | None:
        """The unknown keys kept (a model with `extra="allow"`), else None."""
        extra: dict[str, Any] | None = self.__dict__.get("model_extra")
        return extra

    def model_dump(
        self, *, by_alias: bool = False, exclude_defaults: bool = False
    ) -> dict[str, Any]:
        """The model as plain dicts and lists, as pydantic's `model_dump` gives it."""
        out: dict[str, Any] = _dump(self, by_alias, exclude_defaults)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *(v for k, v in self.__dict__.items() if k != "model_extra")))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot set `{name}`")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete `{name}`")

    def __repr__(self) -> str:
        items = [(k, v) for k, v in self.__dict__.items() if k != "model_extra"]
        items.extend((self.model_extra or {}).items())
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in items)})"

    if not TYPE_CHECKING:
        # an extra key read as an attribute, as pydantic allows (never seen by mypy)
        def __getattr__(self, name: str) -> Any:
            extra = self.__dict__.get("model_extra")
            if extra is not None and name in extra:
                return extra[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _dump(value: Any, by_alias: bool, exclude_defaults: bool) -> Any:
    if isinstance(value, Model):
        out: dict[str, Any] = {}
        values = value.__dict__
        for f in declared(type(value)):
            item = values[f.name]
            if exclude_defaults and not f.required and item == f.default_value():
                continue
            out[f.key if by_alias else f.name] = _dump(item, by_alias, exclude_defaults)
        for k, item in (value.model_extra or {}).items():
            out[k] = _dump(item, by_alias, exclude_defaults)
        return out
    if type(value) is list:
        return [_dump(v, by_alias, exclude_defaults) for v in value]
    if type(value) is tuple:
        return tuple(_dump(v, by_alias, exclude_defaults) for v in value)
    if type(value) is dict:
        return {k: _dump(v, by_alias, exclude_defaults) for k, v in value.items()}
    return value
