"""Stage 5: terms lint — what can be proved about a terms file without any scenario.

In an open world with no reports (every world the terms allow), as of a day
after the last date the terms name: the binding provisions can all hold
together (L401), none is vacuous — no world can breach it (L402) — and none
with a deadline can never fall due (L403). Findings are diagnostics at the
provision's position.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from checker.answers import GaveUp
from checker.diagnostics import Diagnostics
from checker.durations import add_duration
from checker.ir import Fixed, Provision, Scenario, Terms
from checker.judge import Judge, Options, Undecided

if TYPE_CHECKING:
    import z3

DAY = 24 * 60


def lint_as_of(terms: Terms) -> int:
    """A minute after every fixed date the terms name, so every fixed deadline is judged."""
    points = [terms.in_force]
    for p in terms.provisions:
        for end in (p.window.start, p.window.end):
            if isinstance(end, Fixed):
                points.append(end.minute)
    for period in terms.periods.values():
        points.append(period.start)
        if period.end is not None:
            points.append(period.end)
        if period.length is not None:  # the end of the first term: duties during it fall due
            points.append(add_duration(period.start, period.length, terms.zone))
    return max(points) + DAY


def lint_terms(terms: Terms, diags: Diagnostics, *, timeout: float = 60.0) -> None:
    binding = [p for p in terms.provisions if p.form != "unformalized"]
    if not binding:
        return
    as_of = lint_as_of(terms)
    scenario = Scenario(
        id=f"lint-{terms.id}",
        title=None,
        file=terms.file,
        terms=terms,
        as_of=as_of,
        as_of_text="lint",
        zone=terms.zone,
        world="open",
        complete=(),
        reports=(),
        expect=None,
    )
    try:
        judge = Judge(scenario, Options(timeout=timeout))
    except GaveUp as gave_up:
        diags.add("E901", binding[0].span, reason=gave_up.reason)
        return
    try:
        with judge.scope():
            _joint(judge, binding, diags)
        for p in binding:
            if (
                p.form in ("require", "achieve")
                and p.window.end is None
                and p.window.during is None
            ):
                continue  # a duty with no deadline is never breached by design: pending until met
            with judge.scope():
                _vacuous(judge, p, diags)
    except GaveUp as gave_up:
        diags.add("E901", binding[0].span, reason=gave_up.reason)
    finally:
        judge.session.close()


def _joint(judge: Judge, binding: list[Provision], diags: Diagnostics) -> None:
    """L401: the binding provisions cannot all be kept."""
    keeps = [
        q
        for p in binding
        if p.binding
        for q in [judge.question(p.id, "keep")]
        if not isinstance(q, bool)
    ]
    always_broken = [p for p in binding if p.binding and judge.question(p.id, "keep") is False]
    if not always_broken and _possible_all(judge, keeps):
        return
    core, _ = judge.minimal([], keeps) if not always_broken else ([], True)
    names = {
        cast("z3.BoolRef", judge.question(p.id, "keep")).get_id(): p.id
        for p in binding
        if p.binding and not isinstance(judge.question(p.id, "keep"), bool)
    }
    ids = [p.id for p in always_broken] or [names[c.get_id()] for c in core]
    first = next(p for p in binding if p.id == ids[0])
    diags.add(
        "L401",
        first.span,
        related=[p.span for p in binding if p.id in ids[1:]],
        detail=", ".join(f"`{i}`" for i in ids),
    )


def _vacuous(judge: Judge, p: Provision, diags: Diagnostics) -> None:
    """L402: no world breaches it; L403: its deadline can never come."""
    if not _maybe(lambda: judge.possible(p.id, "breach", [])):
        diags.add("L402", p.span, id=p.id, detail="no world allowed by the terms breaches it")
    elif p.window.end is not None and p.form in ("require", "achieve"):
        due = judge.compiled_by_id[p.id].due
        if due is False or (due is not True and not _possible(judge, p.id, due)):
            diags.add("L403", p.span, id=p.id, detail="its deadline can never come")


def _maybe(ask: Callable[[], bool]) -> bool:
    """An open-world answer, where "cannot tell" counts as possible: lint reports only
    what it proves."""
    try:
        return ask()
    except Undecided:
        return True


def _possible_all(judge: Judge, keeps: list[z3.BoolRef]) -> bool:
    return _maybe(lambda: judge.sat(keeps))


def _possible(judge: Judge, pid: str, formula: object) -> bool:
    q = judge.gate(f"lint:due:{pid}", formula, judge.compiled_by_id[pid].deps)
    return _maybe(lambda: judge.sat([q]))
