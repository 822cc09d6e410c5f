"""Stage 3: a provision's window (SPEC §3.5) -> `ir.Window` and its text for tables.

Input: the provision model (after amendments), its `Entry` (for positions) and
the periods. Output: fixed ends as minutes in the provision's own file's zone,
relative ends as anchors with their offsets, or a period by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checker import timeutil as tu
from checker.diagnostics import Diagnostics, Span, did_you_mean
from checker.ir import Anchored, Fixed, PeriodDef, Point, Window
from checker.models.terms import Provision as ProvisionModel
from checker.resolve.amendments import END_KEYS, Entry
from checker.resolve.common import timed
from checker.resolve.files import TermsSource
from checker.resolve.match import Lexicon, resolve_match


def second_key(e: Entry, keys: Sequence[str]) -> Span:
    """Where the second of `keys` (in file order) is written."""
    spans = sorted((e.where(k).key_span for k in keys), key=lambda s: (s.line, s.column))
    return spans[1]


class WindowResolver:
    """The window of one provision."""

    def __init__(
        self,
        entry: Entry,
        model: ProvisionModel,
        lex: Lexicon,
        diags: Diagnostics,
        main: TermsSource,
        periods: dict[str, PeriodDef],
    ) -> None:
        self.e = entry
        self.m = model
        self.lex = lex
        self.diags = diags
        self.main = main
        self.periods = periods

    def window(self, form: str) -> tuple[Window | None, str]:
        m, e = self.m, self.e
        ends = [k for k in END_KEYS if getattr(m, k) is not None]
        if form == "unformalized":
            return Window(), ""
        if len(ends) > 1:
            self.diags.add(
                "S105",
                second_key(e, ends),
                what=f"the window of `{m.id}`",
                keys="`until`, `by`, `before`",
            )
            return None, ""
        if m.during is not None:
            if ends or m.from_ is not None:
                self.diags.add(
                    "R210",
                    e.where("during").key_span,
                    message="`during` replaces `from`/`until`/`by`/`before`",
                )
                return None, ""
            if m.during not in self.periods:
                self.diags.add(
                    "R201",
                    e.where("during").span,
                    hint=did_you_mean(m.during, self.periods),
                    what="period",
                    name=m.during,
                )
                return None, ""
            return Window(during=m.during), f"during {m.during}"
        zone = e.file.zone
        start = end = None
        texts = []
        ok = True
        if m.from_ is not None:
            start = self._point(m.from_, "from", zone)
            ok &= start is not None
            texts.append(f"from {_show(e.raw.get('from'))}")
        if ends:
            key = ends[0]
            end = self._point(getattr(m, key), key, zone)
            ok &= end is not None
            texts.append(f"{key} {_show(e.raw.get(key))}")
        if not ok:
            return None, ""
        if isinstance(start, Fixed) and isinstance(end, Fixed) and end.minute < start.minute:
            self.diags.add("T303", e.where(ends[0]).span, detail=f"provision `{m.id}`")
            return None, ""
        if start is None and e.file is not self.main:
            # SPEC §3.5's default start is the provision's own agreement's in_force
            start = Fixed(e.file.in_force)
        return Window(start, end), " ".join(texts)

    def _point(self, value: Any, key: str, zone: tu.Zone) -> Point | None:
        where = self.e.where(key)
        if not isinstance(value, str | int):
            raw = self.e.raw[key]
            match = resolve_match(self.lex, raw.get("after"), where / "after", self.diags)
            offset = 0
            if raw.get("offset") is not None:
                dur = timed(self.diags, where / "offset", tu.parse_duration, str(raw["offset"]))
                if dur is None:
                    return None
                if dur.is_calendar:
                    timed(self.diags, where / "offset", tu.require_exact, dur)
                    return None
                offset = dur.minutes
            if key == "before":
                offset -= 1
            return Anchored(match, offset) if match is not None else None
        fn = {
            "from": tu.window_from,
            "until": tu.window_until,
            "by": tu.window_until,
            "before": tu.window_before,
        }[key]
        minute = timed(self.diags, where, fn, value, zone)
        return Fixed(minute) if minute is not None else None


def _show(raw: Any) -> str:
    if isinstance(raw, dict):
        off = f" + {raw['offset']}" if raw.get("offset") else ""
        return f"(first {raw.get('after', {}).get('kind', 'event')}){off}"
    return str(raw)
