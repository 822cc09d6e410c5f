"""Stage 3: vocabulary lookup and hierarchy closure.

Names resolve by id, `name` or alias, case-insensitively; an unknown or
ambiguous name is a diagnostic naming the closest ids. `part_of` / `is_a`
graphs are closed into ancestor sets after a cycle check that names the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.diagnostics import Diagnostics, Span, did_you_mean
from checker.ir import OTHER, Entity, Hierarchy
from checker.resolve.common import Where


class Vocabulary:
    """One namespace (actors, places or event kinds) with its lookup index."""

    def __init__(self, what: str, entities: dict[str, Entity]) -> None:
        self.what = what
        self.entities = entities
        self.index: dict[str, set[str]] = {}
        for ent in entities.values():
            for name in (ent.id, ent.name, *ent.aliases):
                if name:
                    self.index.setdefault(name.casefold(), set()).add(ent.id)

    def lookup(self, name: object, at: Span | Where, diags: Diagnostics) -> str | None:
        """The id `name` denotes, or None after reporting why not at `at` (a place in a
        document is made a span only then: most names are found)."""
        text = str(name)
        if text in self.entities:
            return text
        found = self.index.get(text.casefold(), set())
        if len(found) == 1:
            return next(iter(found))
        span = at if isinstance(at, Span) else at.span
        if len(found) > 1:
            diags.add(
                "R202",
                span,
                what=self.what,
                name=text,
                candidates=", ".join(f"`{c}`" for c in sorted(found)),
            )
            return None
        pool = [
            *self.entities,
            *(n for e in self.entities.values() for n in (e.name, *e.aliases) if n),
        ]
        hint = did_you_mean(text, pool)
        if hint is None and self.entities:
            hint = (
                "known "
                + self.what
                + "s: "
                + ", ".join(f"`{i}`" for i in sorted(self.entities)[:12])
            )
            if len(self.entities) > 12:
                hint += ", ..."
        diags.add("R201", span, hint=hint, what=self.what, name=text)
        return None


def close_hierarchy(
    what: str,
    entities: dict[str, Entity],
    diags: Diagnostics,
    vocab: Vocabulary,
    parent_spans: dict[str, tuple[Span, ...]] | None = None,
) -> Hierarchy:
    """Resolve parent names, reject cycles, and compute ancestor sets.

    `parent_spans[id][i]` is where the i-th parent name of `id` was written
    (an unknown name is reported there); the entity's own span otherwise.
    """
    parents: dict[str, tuple[str, ...]] = {}
    links: dict[tuple[str, str], Span] = {}  # (child, parent) -> where the link is written
    for ent in entities.values():
        resolved: list[str] = []
        spans = (parent_spans or {}).get(ent.id, ())
        for i, name in enumerate(ent.parents):
            at = spans[i] if i < len(spans) else ent.span
            pid = vocab.lookup(name, at, diags)
            if pid is not None and pid not in resolved:
                resolved.append(pid)
                links[(ent.id, pid)] = at
        parents[ent.id] = tuple(resolved)
    cyclic = _report_cycles(what, parents, entities, diags, links)
    ancestors: dict[str, frozenset[str]] = {}

    def visit(x: str, trail: frozenset[str]) -> frozenset[str]:
        if x in ancestors:
            return ancestors[x]
        acc = {x}
        for p in parents.get(x, ()):
            if p not in trail and p not in cyclic:
                acc |= visit(p, trail | {x})
        ancestors[x] = frozenset(acc)
        return ancestors[x]

    for x in sorted(entities):
        visit(x, frozenset())
    closed = {
        i: Entity(e.id, e.name, e.aliases, parents[i], e.extra, e.span) for i, e in entities.items()
    }
    return Hierarchy(closed, ancestors)


def _report_cycles(
    what: str,
    parents: dict[str, tuple[str, ...]],
    entities: dict[str, Entity],
    diags: Diagnostics,
    links: dict[tuple[str, str], Span],
) -> set[str]:
    """Report each cycle once (at the link out of its first member in sorted order).

    Returns the members of every cycle.
    """
    color: dict[str, int] = {}
    stack: list[str] = []
    members: set[str] = set()
    link = "is_a" if what == "event kind" else "part_of"

    def dfs(x: str) -> None:
        color[x] = 1
        stack.append(x)
        for p in parents.get(x, ()):
            if color.get(p, 0) == 0:
                dfs(p)
            elif color.get(p) == 1:
                cycle = stack[stack.index(p) :]
                members.update(cycle)
                start = min(cycle)
                i = cycle.index(start)
                ordered = cycle[i:] + cycle[:i] + [start]
                diags.add(
                    "R203",
                    links.get((start, ordered[1]), entities[start].span),
                    kind=link,
                    cycle=" -> ".join(f"`{c}`" for c in ordered),
                )
        stack.pop()
        color[x] = 2

    for x in sorted(entities):
        if color.get(x, 0) == 0:
            dfs(x)
    return members


def expand(h: Hierarchy, ids: Iterable[str]) -> frozenset[str]:
    """Every id that matches one of `ids` (the ids and their descendants)."""
    out: set[str] = set()
    for i in ids:
        if i == OTHER:
            out.add(OTHER)
        else:
            out |= h.descendants(i)
    return frozenset(out)
