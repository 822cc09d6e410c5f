"""Stage 3: imported reports and the scenario header as YAML text (SPEC §4).

The text is written by hand, one report at a time, so an import of any size
streams. Ids are written plain where YAML reads them back as the same string;
every other string is double-quoted with JSON's escapes, and characters YAML
would not read raw (C1 controls, line separators) are escaped too, so what a
row says comes back exactly when the scenario is loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from checker.datasets.convert import Report
from checker.datasets.mapfile import ScenarioHeader

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_DAYLIKE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
# what YAML does not read raw inside double quotes, and the line breaks it would fold
_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def quoted(text: str) -> str:
    body = json.dumps(text, ensure_ascii=False)
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", body)


@lru_cache(maxsize=4096)  # ids, kinds and places repeat from row to row
def scalar(text: str) -> str:
    """`text` plain when YAML reads it back as this same string, else quoted."""
    if (_PLAIN.match(text) and text.lower() not in _WORDS) or _DAYLIKE.match(text):
        return text
    return quoted(text)


def _ids(ids: tuple[str, ...]) -> str:
    if len(ids) == 1:
        return scalar(ids[0])
    return "{one_of: [" + ", ".join(scalar(i) for i in ids) + "]}"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int | float) for x in v):
        return f"{{min: {v[0]!r}, max: {v[1]!r}}}"
    if isinstance(v, tuple):
        return _ids(v)
    return scalar(str(v))


def _date(d: str | tuple[date, date]) -> str:
    if isinstance(d, str):
        return d
    return f"{{from: {d[0].isoformat()}, to: {d[1].isoformat()}}}"


def _count(v: Any) -> int:
    """How many YAML values `v` is written as (a flow mapping or list counts itself)."""
    if isinstance(v, tuple) and len(v) == 2 and not isinstance(v[0], str):
        return 3  # {min, max}
    if isinstance(v, tuple) and len(v) > 1:
        return 2 + len(v)  # {one_of: [...]}
    return 1


def report_values(r: Report) -> int:
    """How many values the loader builds for `r` (it bounds them per file)."""
    n = 4 + (r.note is not None)  # the report, its id, kind and source
    n += sum(_count(v) for v in (r.actor, r.place) if v is not None)
    n += 1 if isinstance(r.date, str) else 3
    return n + sum(_count(v) for _, v in r.fields)


def report_yaml(r: Report) -> str:
    lines = [f"  - id: {scalar(r.id)}", f"    event: {scalar(r.kind)}"]
    if r.actor is not None:
        lines.append(f"    actor: {_ids(r.actor)}")
    if r.place is not None:
        lines.append(f"    place: {_ids(r.place)}")
    lines.append(f"    date: {_date(r.date)}")
    lines.extend(f"    {scalar(name)}: {_value(v)}" for name, v in r.fields)
    lines.append(f"    source: {quoted(r.source)}")
    if r.note:
        lines.append(f"    note: {quoted(r.note)}")
    return "\n".join(lines) + "\n"


def header_yaml(h: ScenarioHeader, sid: str, terms: str, as_of: str, comment: Iterable[str]) -> str:
    lines = [f"# {c}" for c in comment]
    lines += ["scenario:", f"  id: {scalar(sid)}"]
    if h.title:
        lines.append(f"  title: {quoted(h.title)}")
    if h.description:
        lines.append(f"  description: {quoted(h.description)}")
    lines += [f"  terms: {quoted(terms)}", f"  as_of: {scalar(as_of)}"]
    if h.timezone:
        lines.append(f"  timezone: {quoted(h.timezone)}")
    if h.world != "closed":
        lines.append(f"  world: {h.world}")
    if h.note:
        lines.append(f"  note: {quoted(h.note)}")
    return "\n".join(lines) + "\n\nreports:\n"


def expect_yaml(h: ScenarioHeader) -> str:
    if h.expect is None:
        return ""
    lines = ["", "expect:"]
    if h.expect.verdict:
        lines.append(f"  verdict: {h.expect.verdict}")
    if h.expect.provisions:
        lines.append("  provisions:")
        lines += [f"    {quoted(p)}: {v}" for p, v in h.expect.provisions.items()]
    return "\n".join(lines) + "\n"
