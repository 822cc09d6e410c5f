"""Stage 3: a provision's window (SPEC §3.5) -> `ir.Window` and its text for tables.

Input: the provision model (after amendments), its `Entry` (for positions) and
the periods. Output: fixed ends as minutes in the provision's own file's zone,
relative ends as anchors with their offsets, or a period by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checker import durations as du
from checker import timeutil as tu
from checker.diagnostics import Diagnostics, Span, did_you_mean
from checker.ir import Anchored, Fixed, PeriodDef, Point, Window
from checker.models.common import Relative
from checker.models.terms import Provision as ProvisionModel
from checker.records import record
from checker.resolve.amendments import END_KEYS, Entry
from checker.resolve.common import Where, timed
from checker.resolve.files import TermsSource
from checker.resolve.match import Lexicon, resolve_match
from checker.shifts import Edge, Shift
from checker.timeutil import show


def second_key(e: Entry, keys: Sequence[str]) -> Span:
    """Where the second of `keys` (in file order) is written."""
    spans = sorted((e.where(k).key_span for k in keys), key=lambda s: (s.line, s.column))
    return spans[1]


@record
class WindowResolver:
    """The window of one provision: its entry and model (after amendments), the
    vocabulary, the main terms file and the periods."""

    e: Entry
    m: ProvisionModel
    lex: Lexicon
    diags: Diagnostics
    main: TermsSource
    periods: dict[str, PeriodDef]

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
        return self.point(value, self.e.raw[key], key, self.e.where(key), zone)

    def point(self, value: Any, raw: Any, key: str, where: Where, zone: tu.Zone) -> Point | None:
        """One window end (`key` is `from`, `until`, `by` or `before`) as written at `where`."""
        if isinstance(value, Relative):
            return self._relative(raw, key, where, zone)
        fn = {
            "from": tu.window_from,
            "until": tu.window_until,
            "by": tu.window_until,
            "before": tu.window_before,
        }[key]
        minute = timed(self.diags, where, fn, value, zone)
        return Fixed(minute) if minute is not None else None

    def _relative(self, raw: dict[str, Any], key: str, where: Where, zone: tu.Zone) -> Point | None:
        anchors = [k for k in ("after", "after_all") if raw.get(k) is not None]
        shifts = [k for k in ("offset", "day") if raw.get(k) is not None]
        for keys, names, needed in (
            (anchors, "`after`, `after_all`", 1),
            (shifts, "`offset`, `day` (or neither)", 0),
        ):
            if len(keys) > 1 or len(keys) < needed:
                spots = sorted((where / k).key_span for k in keys)
                self.diags.add(
                    "S105",
                    spots[1] if len(spots) > 1 else where.span,
                    what="a relative window end",
                    keys=names,
                )
                return None
        written = raw[anchors[0]]
        many = anchors[0] == "after_all"
        if many and (not isinstance(written, list) or not written):
            self.diags.add(
                "S103", (where / "after_all").span, message="`after_all` takes a list of MATCHes"
            )
            return None
        places = (
            [where / "after_all" / i for i in range(len(written))] if many else [where / "after"]
        )
        found = [
            resolve_match(self.lex, m, at, self.diags)
            for m, at in zip(written if many else [written], places, strict=True)
        ]
        matches = tuple(m for m in found if m is not None)
        duration = None
        if raw.get("offset") is not None:
            duration = timed(self.diags, where / "offset", du.parse_duration, str(raw["offset"]))
            if duration is None:
                return None
            if duration.is_calendar:
                timed(self.diags, where / "offset", du.require_exact, duration)
                return None
        if len(matches) != len(found):
            return None
        edge = EDGES[key]
        shown = tuple(show(m) for m in (written if many else [written]))
        shift = Shift(duration, raw.get("day"), edge, zone)
        return Anchored(matches, shift, every=many, written=shown)


EDGES: dict[str, Edge] = {"from": "start", "until": "end", "by": "end", "before": "before"}


def _show(raw: Any) -> str:
    """A window end as written, in YAML flow style: a relative end with its full MATCH."""
    return show(raw)
