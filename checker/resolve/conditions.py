"""Stage 3: a provision's `if:` (SPEC §3.5) -> an `ir.Condition`, and the checks across
provisions: every provision a condition tests exists, is formalized, and no chain of
conditions comes back to where it started.

Input: the condition model with its raw mapping (for positions) and the provision's
window resolver (for the bounds of `happened`). Output: the condition tree with
every test's position; problems are diagnostics at the key that has them.
"""

from __future__ import annotations

from typing import Any

from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import (
    CondAll,
    CondAny,
    CondHappened,
    Condition,
    CondNot,
    CondRef,
    Fixed,
    Provision,
    Window,
    condition_refs,
)
from checker.models.terms import Condition as ConditionModel
from checker.resolve.common import Where
from checker.resolve.match import resolve_match
from checker.resolve.windows import WindowResolver

TESTS = ("fulfilled", "kept", "breached")
KEYS = (*TESTS, "happened", "all", "any", "not")
BOUNDS = ("from", "until", "by", "before")


class ConditionResolver:
    """The conditions of one provision (its file's zone, its positions)."""

    def __init__(self, windows: WindowResolver, shown: str) -> None:
        self.windows = windows
        self.lex = windows.lex
        self.diags = windows.diags
        self.zone = windows.e.file.zone
        self.shown = shown  # how a provision id of this file is shown: "{}" or "other#{}"

    def resolve(self, m: ConditionModel, raw: dict[str, Any], where: Where) -> Condition | None:
        keys = [k for k in KEYS if raw.get(k) is not None]
        if len(keys) != 1:
            spots = sorted((where / k).key_span for k in keys)
            self.diags.add(
                "S105",
                spots[1] if len(spots) > 1 else where.span,
                what="a condition",
                keys=", ".join(f"`{k}`" for k in KEYS),
            )
            return None
        key = keys[0]
        bounds = [b for b in BOUNDS if raw.get(b) is not None]
        if bounds and key != "happened":
            self.diags.add(
                "R210",
                (where / bounds[0]).key_span,
                message=f"`{bounds[0]}` bounds a `happened` condition, not `{key}`",
            )
            return None
        at = where / key
        if key in TESTS:
            return CondRef(key, self.shown.format(raw[key]), at.span)  # type: ignore[arg-type]
        if key == "happened":
            return self._happened(m, raw, where, bounds)
        if key == "not":
            assert m.not_ is not None
            inner = self.resolve(m.not_, raw["not"], at)
            return CondNot(inner, at.span) if inner is not None else None
        items_m = m.all if key == "all" else m.any
        assert items_m is not None
        if not items_m:
            self.diags.add("S103", at.span, message=f"`{key}` needs at least one condition")
            return None
        items = [self.resolve(im, raw[key][i], at / i) for i, im in enumerate(items_m)]
        if any(i is None for i in items):
            return None
        kept = tuple(i for i in items if i is not None)
        return CondAll(kept, at.span) if key == "all" else CondAny(kept, at.span)

    def _happened(
        self, m: ConditionModel, raw: dict[str, Any], where: Where, bounds: list[str]
    ) -> Condition | None:
        ends = [b for b in bounds if b != "from"]
        if len(ends) > 1:
            spots = sorted((where / k).key_span for k in ends)
            self.diags.add(
                "S105", spots[1], what="a `happened` window", keys="`until`, `by`, `before`"
            )
            return None
        match = resolve_match(self.lex, raw["happened"], where / "happened", self.diags)
        start = end = None
        ok = match is not None
        for b in bounds:
            value = getattr(m, "from_" if b == "from" else b)
            point = self.windows.point(value, raw[b], b, where / b, self.zone)
            ok &= point is not None
            if b == "from":
                start = point
            else:
                end = point
        if not ok or match is None:
            return None
        if isinstance(start, Fixed) and isinstance(end, Fixed) and end.minute < start.minute:
            self.diags.add("T303", (where / ends[0]).span, detail="a `happened` condition")
            return None
        return CondHappened(match, Window(start, end), (where / "happened").span)


def check_references(provisions: list[Provision], dormant: set[str], diags: Diagnostics) -> None:
    """Every provision a condition tests is defined and formalized; no cycles (R213)."""
    by_id = {p.id: p for p in provisions}
    edges: dict[str, list[CondRef]] = {}
    for p in provisions:
        for ref in condition_refs(p.condition):
            target = by_id.get(ref.provision)
            if target is None:
                if ref.provision not in dormant:
                    hint = did_you_mean(ref.provision, [*by_id, *dormant])
                    diags.add("R208", ref.span, hint=hint, name=ref.provision)
                continue
            if target.form == "unformalized":
                diags.add(
                    "R210",
                    ref.span,
                    message=f"`if` cannot test `{ref.provision}`: it is unformalized",
                )
                continue
            edges.setdefault(p.id, []).append(ref)
    _report_cycles(edges, diags)


def _report_cycles(edges: dict[str, list[CondRef]], diags: Diagnostics) -> None:
    """Each cycle once, at the reference out of its first member (in sorted order)."""
    color: dict[str, int] = {}
    stack: list[str] = []

    def dfs(x: str) -> None:
        color[x] = 1
        stack.append(x)
        for ref in edges.get(x, []):
            y = ref.provision
            if color.get(y, 0) == 0:
                dfs(y)
            elif color.get(y) == 1:
                cycle = stack[stack.index(y) :]
                first = min(cycle)
                i = cycle.index(first)
                ordered = [*cycle[i:], *cycle[:i], first]
                nxt = ordered[1]
                spot = next(r.span for r in edges[first] if r.provision == nxt)
                diags.add("R213", spot, cycle=" -> ".join(f"`{c}`" for c in ordered))
        stack.pop()
        color[x] = 2

    for x in sorted(edges):
        if color.get(x, 0) == 0:
            dfs(x)
