"""Stage 3: named periods (SPEC §3.4) -> `PeriodDef`s.

Input: the terms files and their `Lexicon`. Output: each period's start, fixed
end or length, renewal and notice rule, read in its own file's zone. A period
with an error is left out after its diagnostic.
"""

from __future__ import annotations

from checker import durations as du
from checker import timeutil as tu
from checker.diagnostics import Diagnostics
from checker.ir import CatTest, MatchIR, Notice, PeriodDef
from checker.resolve.common import timed
from checker.resolve.files import TermsSource, definitions
from checker.resolve.match import Lexicon, resolve_names
from checker.timeutil import show


def resolve_periods(
    files: list[TermsSource], lex: Lexicon, diags: Diagnostics
) -> dict[str, PeriodDef]:
    out: dict[str, PeriodDef] = {}
    for f, pid, pm in definitions(files, "periods"):
        at = f.at("periods", pid)
        z = f.zone
        start = timed(diags, at / "from", tu.window_from, pm.from_, z)
        ends = [k for k in ("length", "until", "before") if getattr(pm, k) is not None]
        if len(ends) > 1:
            diags.add(
                "S105",
                (at / ends[1]).key_span,
                what=f"period `{pid}`",
                keys="`length`, `until`, `before`",
            )
            continue
        end: int | None = None
        length = renews = None
        if pm.until is not None:
            end = timed(diags, at / "until", tu.window_until, pm.until, z)
        elif pm.before is not None:
            end = timed(diags, at / "before", tu.window_before, pm.before, z)
        elif pm.length is not None:
            length = timed(diags, at / "length", du.parse_duration, pm.length)
            if length is not None and length.is_zero:
                diags.add("T305", (at / "length").span, what="`length`")
                length = None
        if pm.renews is not None:
            renews = timed(diags, at / "renews", du.parse_duration, pm.renews)
            if renews is not None and renews.is_zero:
                diags.add("T305", (at / "renews").span, what="`renews`")
                renews = None
            if pm.length is None:
                diags.add("R210", (at / "renews").key_span, message="`renews` needs `length`")
        notice = None
        if pm.notice is not None:
            nat = at / "notice"
            kinds = resolve_names(lex, "kind", pm.notice.kind, nat / "kind", diags)
            by = resolve_names(lex, "actor", pm.notice.by, nat / "by", diags)
            before_end = timed(diags, nat / "before_end", du.parse_duration, pm.notice.before_end)
            if kinds is not None and by is not None and before_end is not None:
                match = MatchIR(CatTest(kinds), CatTest(by), span=nat.span)
                shown = show({"kind": pm.notice.kind, "by": pm.notice.by})
                notice = Notice(match, before_end, shown)
            if pm.length is None:
                diags.add("R210", nat.key_span, message="`notice` needs `length`")
        if start is None:
            continue
        if end is not None and end < start:
            end_key = "until" if pm.until is not None else "before"
            diags.add("T303", (at / end_key).span, detail=f"period `{pid}`")
        out[pid] = PeriodDef(pid, start, end, length, renews, notice, at.key_span)
    return out
