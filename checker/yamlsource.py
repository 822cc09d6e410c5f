"""Stage 1: bytes -> safe YAML nodes, within the bounds of size and nesting.

A file is read within `MAX_BYTES` and decoded; libyaml composes its nodes
(PyYAML's composer where a problem needs its position), and
`checker.yamlvalues` builds plain values from them with the span of each. Bad
bytes, bad YAML, several documents, too deep a nesting and too many nodes each
become a `Diagnostic` at their position.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import Node, ScalarNode, SequenceNode

from checker.diagnostics import Diagnostics, Span
from checker.files import read_file
from checker.yamlvalues import PLAIN_TAG, STD_TAG, Builder, YamlDoc, mark_span

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

_HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


class _TooDeep(Exception):
    def __init__(self, node_mark: yaml.Mark | None) -> None:
        self.mark = node_mark


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """Composes nodes only; tags are left for `Builder` to judge."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        # Where each alias was written, by (id of the parent node, position in it):
        # aliased nodes are shared, so their own marks are the anchor's.
        self.alias_marks: dict[tuple[int, object], yaml.Mark] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return PLAIN_TAG if implicit[0] else STD_TAG + "str"
        return STD_TAG + ("seq" if kind is SequenceNode else "map")

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # PyYAML's composer recurses; bounding depth here keeps hostile nesting
        # from reaching Python's recursion limit.
        if parent is not None and index is not None and self.check_event(AliasEvent):
            slot = index if isinstance(index, int) else id(index)
            self.alias_marks[(id(parent), slot)] = self.peek_event().start_mark
        self._depth += 1
        try:
            # A key is not a level of its own (`parent` set, `index` None): the value
            # beside it is what the bound counts, as when the nodes are built.
            if self._depth > MAX_DEPTH and (parent is None or index is not None):
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


if _HAVE_LIBYAML:

    class _CLoader(yaml.CSafeLoader):  # type: ignore[misc]
        """libyaml's composer (13x faster) with the same tag handling as `_Loader`."""

        resolve = _Loader.resolve


def _libyaml_bounds_nesting() -> bool:
    """Does this libyaml refuse nesting past its own bound (1,000 levels since 0.2.6)?

    Then its composer's recursion in C is bounded, and nesting past `MAX_DEPTH` is found
    while the nodes are built; an older libyaml needs the first pass of `_check_depth`.
    Asked of the library once per process (two short texts, a few microseconds)."""
    global _BOUNDED
    if _BOUNDED is None:
        _BOUNDED = all(
            _refused_as_too_deep(probe) for probe in ("[" * 1001 + "]" * 1001, "- " * 1001 + "x")
        )
    return _BOUNDED


def _refused_as_too_deep(text: str) -> bool:
    try:
        for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass
    except yaml.MarkedYAMLError as err:
        return _libyaml_too_deep(err)
    return False


def _libyaml_too_deep(err: yaml.MarkedYAMLError) -> bool:
    """Is this libyaml refusing nesting past its own bound?"""
    return err.problem is not None and "maximum nesting depth" in err.problem


_BOUNDED: bool | None = None


def _check_depth(text: str) -> None:
    """libyaml's composer recurses in C: without libyaml's own bound, measure nesting on
    the event stream first."""
    depth = 0
    change = _DEPTH_CHANGE
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        step = change.get(type(event))
        if step is None:
            step = change[type(event)] = _depth_change(event)
        if step:
            depth += step
            if depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark)


def _depth_change(event: yaml.Event) -> int:
    if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
        return 1
    return -1 if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent) else 0


# the change of nesting each kind of event makes, by its exact type (a dict lookup is a
# third of the cost of the isinstance tests, once per event of every document)
_DEPTH_CHANGE: dict[type, int] = {}

_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _text_span(file: str, text: str, index: int) -> Span:
    """The position of character `index` of `text`, lines counted as YAML counts them."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return Span(file, line, index - start + 1)


def _decode(raw: bytes, file: str, diags: Diagnostics) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        # the bytes before the bad one are valid: count lines and characters there
        before = raw[: err.start].decode("utf-8-sig", errors="replace")
        diags.add("Y002", _text_span(file, before, len(before)))
        return None
    if "\x00" in text:
        diags.add("Y002", _text_span(file, text, text.index("\x00")))
        return None
    return text


def load_text(text: str, file: str, diags: Diagnostics) -> YamlDoc | None:
    """Parse `text` (named `file` in diagnostics); None when nothing usable came out.

    libyaml composes (13x faster than PyYAML's composer) but cannot say where each
    alias was written, and a recent libyaml bounds nesting only at its own 1,000
    levels: when nesting goes past `MAX_DEPTH`, or expanding aliases crosses a bound,
    the text is composed again by PyYAML, so the problem points at the node or alias.
    """
    if not _HAVE_LIBYAML:
        return _load_text(text, file, diags, libyaml=False)
    mine = Diagnostics()
    doc = _load_text(text, file, mine, libyaml=True)
    if any(d.code in ("Y009", "Y010") for d in mine.items):
        # PyYAML's composer says where: at the node written too deep, or at the alias
        # whose expansion crossed a bound
        return _load_text(text, file, diags, libyaml=False)
    diags.extend(mine.items)
    return doc


def _load_text(text: str, file: str, diags: Diagnostics, *, libyaml: bool) -> YamlDoc | None:
    loader: Any = None
    try:
        if libyaml:  # positions of errors found by libyaml count bytes
            if not _libyaml_bounds_nesting():
                _check_depth(text)
            loader = _CLoader(text)
        else:
            loader = _Loader(text)
        node = loader.get_single_node()
    except _TooDeep as err:
        diags.add("Y009", mark_span(file, err.mark), limit=MAX_DEPTH)
        return None
    except yaml.composer.ComposerError as err:
        if "single document" in str(err.context):
            diags.add("Y005", mark_span(file, err.problem_mark))
        elif "duplicate anchor" in str(err.context):
            # PyYAML's problem text here is just "second occurrence"
            problem = str(err.context).split(";")[0]
            diags.add("Y003", mark_span(file, err.problem_mark), problem=problem)
        else:
            diags.add("Y003", mark_span(file, err.problem_mark), problem=err.problem)
        return None
    except yaml.MarkedYAMLError as err:
        if libyaml and _libyaml_too_deep(err):
            # libyaml's own bound (1,000 levels): `load_text` has PyYAML say where
            # nesting first went past ours
            diags.add("Y009", mark_span(file, err.problem_mark), limit=MAX_DEPTH)
            return None
        problem = err.problem or err.context or "cannot parse"
        hint = None
        if "mapping values are not allowed" in problem:
            # `source: Reuters: shelling near Shusha` — YAML reads the second `: ` as a key
            hint = 'a value that contains ": " must be quoted: source: "Reuters: shelling"'
        diags.add("Y003", mark_span(file, err.problem_mark), problem=problem, hint=hint)
        return None
    except yaml.YAMLError as err:  # reader errors carry a position but no mark object
        position = getattr(err, "position", None)
        if position is not None:
            if libyaml:  # libyaml counts bytes of UTF-8, PyYAML characters
                head = text.encode("utf-8", errors="surrogatepass")[:position]
                position = len(head.decode("utf-8", errors="ignore"))
            span = _text_span(file, text, position)
        else:
            span = Span(file, 1, 1)
        diags.add("Y003", span, problem=str(getattr(err, "reason", err)))
        return None
    except UnicodeEncodeError as err:  # a lone surrogate in a string handed to libyaml
        diags.add("Y002", _text_span(file, text, err.start))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        diags.add("Y004", Span(file, 1, 1))
        return None
    # the bounds read here, when used, so that a test or caller may set them on this module
    builder = Builder(
        file, diags, getattr(loader, "alias_marks", {}), max_nodes=MAX_NODES, max_depth=MAX_DEPTH
    )
    data = builder.build(node, ())
    builder.doc.data = data
    return builder.doc


def load_file(
    path: Path | str, diags: Diagnostics, *, display: str | None = None
) -> YamlDoc | None:
    """Read (within `MAX_BYTES`, regular files only) and parse one file; problems go to
    `diags` under the name `display`."""
    file = display if display is not None else str(path)
    raw = read_file(path, diags, file, limit=MAX_BYTES)
    if raw is None:
        return None
    text = _decode(raw, file, diags)
    if text is None:
        return None
    return load_text(text, file, diags)
