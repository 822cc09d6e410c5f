"""Stage 2: a file on disk -> a validated model (terms or scenario), or diagnostics.

Every pydantic error becomes one `Diagnostic` at the YAML position of the
offending key or value; ids repeated in one file are reported here too.
Cross-file work (includes, the scenario's terms) happens in `resolve`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from checker.diagnostics import Diagnostics, did_you_mean
from checker.models import ScenarioFile, TermsFile
from checker.models.base import Model, declared
from checker.models.fast import read
from checker.records import record
from checker.untrusted import safe_start
from checker.yamlsource import load_file, load_text
from checker.yamlvalues import YamlDoc, YamlPath

if TYPE_CHECKING:  # pydantic is imported only for a document it must validate
    from pydantic import ValidationError

M = TypeVar("M", bound=Model)


@record(frozen=True)
class Loaded(Generic[M]):
    """A model together with the document it came from (for positions)."""

    model: M
    doc: YamlDoc

    @property
    def file(self) -> str:
        return self.doc.file


def detect_kind(data: Any) -> str | None:
    """`terms` or `scenario` from a document's top-level keys, else None."""
    if isinstance(data, dict):
        if "scenario" in data:
            return "scenario"
        if "agreement" in data:
            return "terms"
    return None


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[YamlPath, Any, bool]:
    """The longest prefix of pydantic's `loc` that indexes into `data`.

    pydantic inserts union-member names into `loc`; they index nothing and are
    skipped. Returns the data path, the value there, and whether all of `loc`
    was consumed.
    """
    path: list[str | int] = []
    node = data
    consumed = True
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        else:
            consumed = False
    return tuple(path), node, consumed


_PREFERENCE = {"extra_forbidden": 0, "missing": 1, "literal_error": 2, "string_pattern_mismatch": 2}


def _model_fields(model: type[Model], data: Any, path: YamlPath) -> list[str]:
    """Keys allowed at `path` (best effort, for 'did you mean')."""
    current: type[Model] | None = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = declared(current) if current is not None else ()
        info = next((f for f in fields if f.key == part), None)
        if info is None:
            return []
        current = _first_model(info.annotation)
        if current is None:
            return []
    return [f.key for f in declared(current)] if current is not None else []


def _first_model(annotation: Any) -> type[Model] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def report_validation_error(
    err: ValidationError,
    doc: YamlDoc,
    model: type[Model],
    diags: Diagnostics,
    base: YamlPath = (),
) -> None:
    """Turn pydantic's errors into diagnostics, one per offending position."""
    key: YamlPath | str
    allowed: list[str] | str
    best: dict[YamlPath, dict[str, Any]] = {}
    for e in cast(list[dict[str, Any]], err.errors()):
        loc = tuple(e["loc"])
        path, value, consumed = _walk(doc_value(doc, base), loc)
        if loc and loc[-1] == "[key]" and path:
            # An error in a mapping key (an id): the key itself is the offending value.
            value = path[-1]
            e = {**e, "_at_key": True}
        key = path
        if e["type"] == "missing" and loc and _walk(doc_value(doc, base), loc[:-1])[2]:
            # A key missing from a mapping reached without any union (every part of
            # the path indexes the data) is a problem of its own: keep it beside
            # the other problems of that mapping, one per missing key.
            key = (*path, f"<missing {loc[-1]}>")
        current = best.get(key)
        rank = _PREFERENCE.get(e["type"], 5)
        if current is None or rank < _PREFERENCE.get(current["type"], 5):
            best[key] = {**e, "_value": value, "_consumed": consumed, "_path": path}
    # A union reports every member's failure; the deepest path is the real one.
    deepest = [
        e
        for key, e in best.items()
        if not any(len(other) > len(key) and other[: len(key)] == key for other in best)
    ]
    for e in sorted(deepest, key=lambda e: doc.span(base + e["_path"]).line):
        path = e["_path"]
        full = base + path
        kind = e["type"]
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            allowed = _model_fields(model, doc.data, path[:-1])
            diags.add("S101", doc.key_span(full), hint=did_you_mean(key, allowed), key=key)
        elif kind == "missing":
            diags.add("S102", doc.key_span(full), key=str(e["loc"][-1]))
        elif kind == "literal_error":
            expected = str(e.get("ctx", {}).get("expected", ""))
            words = re.findall(r"'([^']*)'", expected)
            allowed = ", ".join(f"`{w}`" for w in words) if words else expected
            diags.add(
                "S104",
                doc.span(full),
                hint=did_you_mean(str(e["_value"]), words),
                value=e["_value"],
                allowed=allowed,
            )
        elif kind == "string_pattern_mismatch":
            span = doc.key_span(full) if e.get("_at_key") else doc.span(full)
            diags.add("S107", span, value=e["_value"])
        else:
            message = str(e["msg"])
            # pydantic names its model classes ("or instance of Agreement"): not the user's words
            message = re.sub(r" or instance of \w+", "", message)
            message = message[0].lower() + message[1:] if message else "invalid value"
            span = doc.key_span(full) if e.get("_at_key") else doc.span(full)
            diags.add("S103", span, message=message, hint=_value_hint(path, e.get("_value")))


def _value_hint(path: tuple[Any, ...], value: object) -> str | None:
    """What users meant by the values they most often got wrong."""
    key = path[-1] if path else None
    if key == "time" and isinstance(value, dict):
        return (
            "`time:` is one exact minute (`time: 2020-11-12T06:00`); a window is written "
            "`date: {from: 2020-11-12T06:00, to: 2020-11-13T18:00}`"
        )
    return None


def doc_value(doc: YamlDoc, base: YamlPath) -> Any:
    node = doc.data
    for part in base:
        node = node[part]
    return node


def validate(doc: YamlDoc, model: type[M], diags: Diagnostics, base: YamlPath = ()) -> M | None:
    data = doc_value(doc, base)
    if not isinstance(data, dict):
        diags.add("S108", doc.span(base))
        return None
    return validated(model, data, lambda err: report_validation_error(err, doc, model, diags, base))


def validated(model: type[M], data: Any, failed: Callable[[ValidationError], None]) -> M | None:
    """`model.model_validate(data)`, or None after `failed(error)`. A valid document is
    read without pydantic (`models.fast`: start-up time); one it is not sure of is
    validated by pydantic, so every error comes from pydantic."""
    fast = read(model, data)
    if fast is not None:
        return fast
    from pydantic import ValidationError

    from checker.models.validation import validate as validate_by_pydantic

    try:
        return validate_by_pydantic(model, data)
    except ValidationError as err:
        failed(err)
        return None


def _check_repeated_ids(doc: YamlDoc, diags: Diagnostics, lists: tuple[str, ...]) -> None:
    data = doc.data
    for list_key in lists:
        items = data.get(list_key)
        if not isinstance(items, list):
            continue
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                ident = str(item["id"])
                if ident in seen:
                    first = doc.span((list_key, seen[ident], "id"))
                    diags.add("S106", doc.span((list_key, index, "id")), related=[first], id=ident)
                else:
                    seen[ident] = index


def display_path(path: Path | str, *, follow: bool = True) -> str:
    """How a file is named in diagnostics and reports: relative to the working
    directory when below it (as users type paths), else as given; `./` before a
    name that starts with neither a letter, a digit, `_`, `.` nor `/`, so that
    a file name cannot begin a line of output with a command (`::error`).

    `follow=False` names a symbolic link itself, not what it points to (for a
    problem with the link)."""
    p = Path(path)
    try:
        real = p.resolve() if follow else p.parent.resolve() / p.name
        return safe_start(str(real.relative_to(Path.cwd().resolve())))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link loop on the way
        return safe_start(str(p))


def load_terms(
    path: Path | str, diags: Diagnostics, display: str | None = None
) -> Loaded[TermsFile] | None:
    doc = load_file(path, diags, display=display if display is not None else display_path(path))
    return _terms_from_doc(doc, diags) if doc is not None else None


def _terms_from_doc(doc: YamlDoc, diags: Diagnostics) -> Loaded[TermsFile] | None:
    if isinstance(doc.data, dict):
        _check_repeated_ids(doc, diags, ("provisions", "amendments"))
    model = validate(doc, TermsFile, diags)
    return Loaded(model, doc) if model is not None else None


def load_scenario(
    path: Path | str, diags: Diagnostics, display: str | None = None
) -> Loaded[ScenarioFile] | None:
    doc = load_file(path, diags, display=display if display is not None else display_path(path))
    return _scenario_from_doc(doc, diags) if doc is not None else None


def _scenario_from_doc(doc: YamlDoc, diags: Diagnostics) -> Loaded[ScenarioFile] | None:
    if isinstance(doc.data, dict):
        _check_repeated_ids(doc, diags, ("reports",))
    model = validate(doc, ScenarioFile, diags)
    return Loaded(model, doc) if model is not None else None


def load_any(
    path: Path | str, diags: Diagnostics, display: str | None = None
) -> Loaded[TermsFile] | Loaded[ScenarioFile] | None:
    """Load a file of either language, chosen by its top-level keys."""
    doc = load_file(path, diags, display=display if display is not None else display_path(path))
    if doc is None:
        return None
    kind = detect_kind(doc.data)
    if kind == "scenario":
        return _scenario_from_doc(doc, diags)
    if kind == "terms":
        return _terms_from_doc(doc, diags)
    diags.add("S109", doc.span(()) if doc.data is not None else doc.span(()))
    return None


def load_scenario_text(text: str, file: str, diags: Diagnostics) -> Loaded[ScenarioFile] | None:
    """For tests and tools: a scenario from a string."""
    doc = load_text(text, file, diags)
    return _scenario_from_doc(doc, diags) if doc is not None else None


def load_terms_text(text: str, file: str, diags: Diagnostics) -> Loaded[TermsFile] | None:
    doc = load_text(text, file, diags)
    return _terms_from_doc(doc, diags) if doc is not None else None
