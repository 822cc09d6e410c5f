"""Stage 1, second half: composed YAML nodes -> plain values, and where each was written.

`checker.yamlsource` reads and composes a file; this walks its nodes. Only
mappings, sequences and scalars are built (no object construction); plain
scalars follow the YAML 1.2 core schema, so `NO`, `on` and `2020-11-10` stay
strings. Duplicate keys, explicit tags, and the bounds on nodes and on nesting
reached through aliases are checked here, each problem a `Diagnostic` at the
node's position (or at the alias that led to it).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checker.diagnostics import Diagnostics, Span
from checker.records import field, record

YamlPath = tuple[str | int, ...]

PLAIN_TAG = "tag:checker:plain"
STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {STD_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}

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


# Where a node was written as the parser gave it: 0-based start line and column, end
# line and column. A `Span` is made from it when first asked for: most values of a
# document are never pointed at, and making a Span for each was a third of reading.
Position = tuple[int, int, int, int]


@record
class YamlDoc:
    """A loaded document: plain data plus where every value and key was written.

    `positions` and `key_positions` are what reading recorded; `spans` and `key_spans`
    hold the spans made from them so far and any set by hand (a document put together
    from others, as an amended provision is). Ask `span` and `key_span`, or
    `all_spans` and `all_key_spans` for every one."""

    file: str
    data: Any
    spans: dict[YamlPath, Span] = field(default_factory=dict)
    key_spans: dict[YamlPath, Span] = field(default_factory=dict)
    positions: dict[YamlPath, Position] = field(default_factory=dict)
    key_positions: dict[YamlPath, Position] = field(default_factory=dict)

    def span(self, path: YamlPath) -> Span:
        """The span of the value at `path`, else of its nearest written ancestor."""
        p = tuple(path)
        while True:
            found = _kept(self.file, self.spans, self.positions, p)
            if found is not None:
                return found
            if not p:
                return Span(self.file, 1, 1)
            p = p[:-1]

    def key_span(self, path: YamlPath) -> Span:
        """The span of the key introducing `path` (falls back to the value's span)."""
        p = tuple(path)
        return _kept(self.file, self.key_spans, self.key_positions, p) or self.span(p)

    def all_spans(self) -> dict[YamlPath, Span]:
        """Every value's span, by path."""
        for p in self.positions:
            _kept(self.file, self.spans, self.positions, p)
        return self.spans

    def all_key_spans(self) -> dict[YamlPath, Span]:
        """Every key's span, by the path of its value."""
        for p in self.key_positions:
            _kept(self.file, self.key_spans, self.key_positions, p)
        return self.key_spans


def _kept(
    file: str, spans: dict[YamlPath, Span], positions: dict[YamlPath, Position], p: YamlPath
) -> Span | None:
    """The span at `p`: one made before or set by hand, else made now from the position
    read there and kept; None when nothing was written at `p`."""
    found = spans.get(p)
    if found is None:
        at = positions.get(p)
        if at is None:
            return None
        found = spans[p] = _made(file, at)
    return found


def _made(file: str, at: Position) -> Span:
    return Span(file, at[0] + 1, at[1] + 1, at[2] + 1, at[3] + 1)


def _position(node: Node) -> Position:
    s, e = node.start_mark, node.end_mark
    return (s.line, s.column, e.line, e.column)


def _span(file: str, node: Node) -> Span:
    return _made(file, _position(node))


def _shown_tag(tag: str) -> str:
    """A tag as users write it: `!!python/object`, not `tag:yaml.org,2002:python/object`."""
    return "!!" + tag[len(STD_TAG) :] if tag.startswith(STD_TAG) else tag


def mark_span(file: str, mark: yaml.Mark | None) -> Span:
    """Where a parser's mark points (the start of the file when it gave none)."""
    if mark is None:
        return Span(file, 1, 1)
    return Span(file, mark.line + 1, mark.column + 1)


class Builder:
    """Plain values from composed nodes: `build(node, ())` gives the data and fills
    `doc` with the span of every value and key. `alias_marks` says where each alias
    was written (PyYAML's composer; empty from libyaml's), so that a bound crossed
    inside an expansion is reported at the alias."""

    def __init__(
        self,
        file: str,
        diags: Diagnostics,
        alias_marks: dict[tuple[int, object], yaml.Mark],
        *,
        max_nodes: int,
        max_depth: int,
    ) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.max_depth = max_depth
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
        return mark_span(self.file, self.aliases[0]) if self.aliases else _span(self.file, node)

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
        if self.nodes > self.max_nodes:
            self.over_budget = True
            self.diags.add("Y010", self._where(node), limit=self.max_nodes)
            return None
        if self.depth >= self.max_depth:
            # Under PyYAML's composer, which bounds written nesting, only aliases get
            # here: a chain of aliases, or one that expands inside itself. Under
            # libyaml's, written nesting gets here too; `load_text` then composes the
            # text again with PyYAML, and only that run's problems are kept.
            self.over_budget = True
            self.diags.add(
                "Y009",
                self._where(node),
                hint="aliases expand to nesting deeper than the bound",
                limit=self.max_depth,
            )
            return None
        at = _position(node)
        if self.merging:
            self.doc.positions.setdefault(path, at)
        else:
            self.doc.positions[path] = at
        if node.tag != PLAIN_TAG and node.tag not in _ALLOWED_TAGS:
            self.diags.add("Y006", _made(self.file, at), tag=_shown_tag(node.tag))
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
            if key_node.tag != PLAIN_TAG and key_node.tag not in _ALLOWED_TAGS:
                self.diags.add("Y006", _span(self.file, key_node), tag=_shown_tag(key_node.tag))
                continue
            key = str(key_node.value)
            if key == "<<" and key_node.tag == PLAIN_TAG:
                # YAML merge keys: explicit keys of this mapping win, so merge last.
                merges.append(value_node)
                continue
            if key in out:
                self.diags.add(
                    "Y007",
                    _span(self.file, key_node),
                    related=[self.doc.key_span((*path, key))],
                    key=key,
                )
                continue
            key_at = _position(key_node)
            if self.merging:
                self.doc.key_positions.setdefault((*path, key), key_at)
            else:
                self.doc.key_positions[(*path, key)] = key_at
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
        if tag == STD_TAG + "str":
            return text
        try:
            value = _core_scalar(text)
        except ValueError:  # a whole number with more digits than Python converts
            shown = text if len(text) <= 24 else text[:20] + "..."
            self.diags.add(
                "S103", _span(self.file, node), message=f"number `{shown}` has too many digits"
            )
            return text  # kept as written, so no second error about its type follows
        if tag == PLAIN_TAG:
            return value
        wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}[tag[len(STD_TAG) :]]
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if type(value) is not wanted:
            self.diags.add(
                "S103",
                _span(self.file, node),
                message=f"`{text}` is not a valid {tag[len(STD_TAG) :]}",
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
