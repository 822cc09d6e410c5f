"""Stage 1: bytes -> safe YAML nodes -> plain values with a path -> span map.

Only mappings, sequences and scalars are built (no object construction); plain
scalars follow the YAML 1.2 core schema, so `NO`, `on` and `2020-11-10` stay
strings. Duplicate keys, explicit tags, size, depth and alias expansion are
checked here; every problem becomes a `Diagnostic` at the node's position.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checker.diagnostics import Diagnostics, Span
from checker.files import read_file
from checker.records import field, record

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

YamlPath = tuple[str | int, ...]

_PLAIN = "tag:checker:plain"
_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
# What any of the five number patterns above can match, tried first: most plain scalars
# (ids, dates, names) match none, and one match is a fifth of the cost of five
_NUMBERISH = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
# The first characters of every non-string the core schema reads (`~`, null, true,
# false, numbers, .inf, .nan; and a line break, as `$` matches before a last one and
# so reads "\n" as null): a scalar starting otherwise is a string
_SPECIAL_START = frozenset("~nNtTfF0123456789+-.\n")


_HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


class _TooDeep(Exception):
    def __init__(self, node_mark: yaml.Mark | None) -> None:
        self.mark = node_mark


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """Composes nodes only; tags are left for `_Builder` to judge."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        # Where each alias was written, by (id of the parent node, position in it):
        # aliased nodes are shared, so their own marks are the anchor's.
        self.alias_marks: dict[tuple[int, object], yaml.Mark] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STD + "str"
        return _STD + ("seq" if kind is SequenceNode else "map")

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
        return _TOO_DEEP in str(err.problem)
    return False


_BOUNDED: bool | None = None
_TOO_DEEP = "maximum nesting depth"


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


@record
class YamlDoc:
    """A loaded document: plain data plus where every value and key was written."""

    file: str
    data: Any
    spans: dict[YamlPath, Span] = field(default_factory=dict)
    key_spans: dict[YamlPath, Span] = field(default_factory=dict)

    def span(self, path: YamlPath) -> Span:
        """The span of the value at `path`, else of its nearest written ancestor."""
        p = tuple(path)
        while p:
            if p in self.spans:
                return self.spans[p]
            p = p[:-1]
        return self.spans.get((), Span(self.file, 1, 1))

    def key_span(self, path: YamlPath) -> Span:
        """The span of the key introducing `path` (falls back to the value's span)."""
        return self.key_spans.get(tuple(path)) or self.span(path)


def _span(file: str, node: Node) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(file, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _shown_tag(tag: str) -> str:
    """A tag as users write it: `!!python/object`, not `tag:yaml.org,2002:python/object`."""
    return "!!" + tag[len(_STD) :] if tag.startswith(_STD) else tag


def _mark_span(file: str, mark: yaml.Mark | None) -> Span:
    if mark is None:
        return Span(file, 1, 1)
    return Span(file, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(
        self, file: str, diags: Diagnostics, alias_marks: dict[tuple[int, object], yaml.Mark]
    ) -> None:
        self.file = file
        self.diags = diags
        self.doc = YamlDoc(file, None)
        self.nodes = 0
        self.over_budget = False
        self.alias_marks = alias_marks
        # Marks of the aliases being expanded, outermost first: a bound crossed
        # inside an expansion is reported where the outermost alias was written.
        self.aliases: list[yaml.Mark] = []
        self.depth = 0
        # Inside `<<` merge sources, spans already recorded (explicit keys) win.
        self.merging = 0

    def _where(self, node: Node) -> Span:
        return _mark_span(self.file, self.aliases[0]) if self.aliases else _span(self.file, node)

    def child(self, parent: Node, slot: object, node: Node, path: YamlPath) -> Any:
        """Build `node`, written at `slot` of `parent` (an index, or the key node)."""
        key = slot if isinstance(slot, int) else id(slot)
        mark = self.alias_marks.get((id(parent), key))
        if mark is not None:
            self.aliases.append(mark)
        try:
            return self.build(node, path)
        finally:
            if mark is not None:
                self.aliases.pop()

    def build(self, node: Node, path: YamlPath) -> Any:
        if self.over_budget:
            return None
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.over_budget = True
            self.diags.add("Y010", self._where(node), limit=MAX_NODES)
            return None
        if self.depth >= MAX_DEPTH:
            # Only aliases get here (the composer bounds written nesting): a chain
            # of aliases, or one that expands inside itself.
            self.over_budget = True
            self.diags.add(
                "Y009",
                self._where(node),
                hint="aliases expand to nesting deeper than the bound",
                limit=MAX_DEPTH,
            )
            return None
        span = _span(self.file, node)
        if self.merging:
            self.doc.spans.setdefault(path, span)
        else:
            self.doc.spans[path] = span
        if node.tag != _PLAIN and node.tag not in _ALLOWED_TAGS:
            self.diags.add("Y006", span, tag=_shown_tag(node.tag))
            return None
        self.depth += 1
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                if not self.alias_marks:  # no alias marks to follow: `child` is `build`
                    build = self.build
                    return [build(c, (*path, i)) for i, c in enumerate(node.value)]
                return [self.child(node, i, c, (*path, i)) for i, c in enumerate(node.value)]
            return self._scalar(node)
        finally:
            self.depth -= 1

    def _mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.diags.add("Y011", _span(self.file, key_node))
                continue
            if key_node.tag != _PLAIN and key_node.tag not in _ALLOWED_TAGS:
                self.diags.add("Y006", _span(self.file, key_node), tag=_shown_tag(key_node.tag))
                continue
            key = str(key_node.value)
            if key == "<<" and key_node.tag == _PLAIN:
                # YAML merge keys: explicit keys of this mapping win, so merge last.
                merges.append(value_node)
                continue
            if key in out:
                self.diags.add(
                    "Y007",
                    _span(self.file, key_node),
                    related=[self.doc.key_spans[(*path, key)]],
                    key=key,
                )
                continue
            key_span = _span(self.file, key_node)
            if self.merging:
                self.doc.key_spans.setdefault((*path, key), key_span)
            else:
                self.doc.key_spans[(*path, key)] = key_span
            if self.alias_marks:
                out[key] = self.child(node, key_node, value_node, (*path, key))
            else:
                out[key] = self.build(value_node, (*path, key))
        for value_node in merges:
            self._merge(value_node, path, out)
        return out

    def _merge(self, value_node: Node, path: YamlPath, out: dict[str, Any]) -> None:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for src in sources:
            self.merging += 1
            try:
                value = self.build(src, path) if isinstance(src, MappingNode) else None
            finally:
                self.merging -= 1
            if not isinstance(value, dict):
                if not self.over_budget:
                    self.diags.add(
                        "S103", _span(self.file, src), message="`<<` merges only mappings"
                    )
                continue
            for key, item in value.items():
                out.setdefault(key, item)

    def _scalar(self, node: ScalarNode) -> Any:
        text = node.value
        tag = node.tag
        if tag == _STD + "str":
            return text
        try:
            value = _core_scalar(text)
        except ValueError:  # a whole number with more digits than Python converts
            shown = text if len(text) <= 24 else text[:20] + "..."
            self.diags.add(
                "S103", _span(self.file, node), message=f"number `{shown}` has too many digits"
            )
            return text  # kept as written, so no second error about its type follows
        if tag == _PLAIN:
            return value
        wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}[tag[len(_STD) :]]
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if type(value) is not wanted:
            self.diags.add(
                "S103",
                _span(self.file, node),
                message=f"`{text}` is not a valid {tag[len(_STD) :]}",
            )
            return None
        return value


def _core_scalar(text: str) -> Any:
    if text and text[0] not in _SPECIAL_START:
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if not _NUMBERISH.match(text):
        return text
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


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
        diags.add("Y009", _mark_span(file, err.mark), limit=MAX_DEPTH)
        return None
    except yaml.composer.ComposerError as err:
        if "single document" in str(err.context):
            diags.add("Y005", _mark_span(file, err.problem_mark))
        elif "duplicate anchor" in str(err.context):
            # PyYAML's problem text here is just "second occurrence"
            problem = str(err.context).split(";")[0]
            diags.add("Y003", _mark_span(file, err.problem_mark), problem=problem)
        else:
            diags.add("Y003", _mark_span(file, err.problem_mark), problem=err.problem)
        return None
    except yaml.MarkedYAMLError as err:
        if libyaml and err.problem is not None and _TOO_DEEP in err.problem:
            # libyaml's own bound (1,000 levels): `load_text` has PyYAML say where
            # nesting first went past ours
            diags.add("Y009", _mark_span(file, err.problem_mark), limit=MAX_DEPTH)
            return None
        problem = err.problem or err.context or "cannot parse"
        hint = None
        if "mapping values are not allowed" in problem:
            # `source: Reuters: shelling near Shusha` — YAML reads the second `: ` as a key
            hint = 'a value that contains ": " must be quoted: source: "Reuters: shelling"'
        diags.add("Y003", _mark_span(file, err.problem_mark), problem=problem, hint=hint)
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
    builder = _Builder(file, diags, getattr(loader, "alias_marks", {}))
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
