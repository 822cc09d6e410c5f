"""Stage 0: text that comes from input, made safe to print.

Titles, sources, notes, values and file names come from files a stranger may
have written. `shown` writes every control character as an escape (`\\n`,
`\\x1b`, `\\u2028`), each byte of a file name that is not UTF-8 as `\\xNN`, and
breaks up `##[` and `##vso[`, the log commands CI runners obey anywhere on a
line; so input can neither start a line nor reach a terminal raw. `clean` does
the same to every string inside a result, and renderers call it first.
"""

from __future__ import annotations

import copy
import re
import sys
from enum import Enum
from typing import Any, TypeVar

from checker.records import fields, is_record

T = TypeVar("T")

# C0 and C1 controls, DEL, lone surrogates (Python's stand-in for bytes of a file name that are
# not UTF-8), the line and paragraph separators and the bidirectional controls (which reorder
# what a terminal or a browser shows)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
    "|##(?=(?:vso)?\\[)",
    re.IGNORECASE,
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    text = match.group()
    if text == "##":  # `##[` and `##vso[`: GitHub's and Azure's runners obey them mid-line
        return "#\\x23"
    if text in _NAMED:
        return _NAMED[text]
    point = ord(text)
    if point < 0x80:
        return f"\\x{point:02x}"
    if 0xDC80 <= point <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode carries it
        return f"\\x{point - 0xDC00:02x}"
    return f"\\u{point:04x}"


def shown(text: str, *, keep: str = "") -> str:
    """`text` with every control character, stray surrogate and runner command escaped,
    except the characters in `keep` (line breaks a format encodes its own way)."""
    if not _UNSAFE.search(text):
        return text
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)
    return _UNSAFE.sub(_escape, text)


def safe_start(name: str) -> str:
    """A relative file name that starts like a path, never like a command: `./` is put before
    one whose first character is not a letter, a digit, `_`, `.` or `/` (the same file)."""
    if name and not (name[0].isalnum() or name[0] in "_./"):
        return "./" + name
    return name


def clean(value: T) -> T:
    """`value` with every string in it (in records and dataclasses, lists, tuples, dict keys and values,
    at any depth) passed through `shown`. What has nothing to escape is shared, not copied;
    what has is a copy, and `value` itself is left as it was."""
    return _clean(value, {})  # type: ignore[no-any-return]


_ATOMS = frozenset({int, float, bool, type(None)})
# the fields of each record or dataclass met so far (None: the type is neither)
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields(kind: type) -> tuple[str, ...] | None:
    if kind not in _FIELDS:
        if is_record(kind):
            _FIELDS[kind] = tuple(f.name for f in fields(kind))
        else:  # no class is a dataclass unless `dataclasses` was imported by someone
            std = sys.modules.get("dataclasses")
            _FIELDS[kind] = None
            if std is not None and std.is_dataclass(kind) and not issubclass(kind, Enum):
                _FIELDS[kind] = tuple(f.name for f in std.fields(kind))
    return _FIELDS[kind]


def _clean(value: Any, seen: dict[int, Any]) -> Any:
    kind = type(value)
    if kind is str:
        return shown(value) if _UNSAFE.search(value) else value
    if kind in _ATOMS:
        return value
    key = id(value)
    if key in seen:  # shared objects stay shared (and cycles end)
        return seen[key]
    seen[key] = value
    out: Any = value
    names = _fields(kind)
    if names is not None:
        changed = None
        for name in names:
            before = getattr(value, name)
            after = _clean(before, seen)
            if after is not before:
                changed = changed or {}
                changed[name] = after
        if changed:
            out = copy.copy(value)
            for name, after in changed.items():  # frozen ones too: `out` is a fresh copy
                object.__setattr__(out, name, after)
    elif kind is list or kind is tuple:
        items = [_clean(v, seen) for v in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            out = items if kind is list else tuple(items)
    elif kind is dict:
        pairs = [(_clean(k, seen), _clean(v, seen)) for k, v in value.items()]
        if any(
            a is not k or b is not v for (a, b), (k, v) in zip(pairs, value.items(), strict=True)
        ):
            out = dict(pairs)
    # anything else (an enum of the program's own words, a number type) is kept as it is
    seen[key] = out
    return out
