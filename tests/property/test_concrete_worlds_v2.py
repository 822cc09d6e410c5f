"""Property: for exact events under tests/cases/v2/terms.yaml — uncertain initial values,
"up to" totals, `after_all` with `day: N`, conditional provisions, an amendment that adds
and removes provisions — the engine's verdicts equal a direct evaluation over the
compatible worlds (`worldeval_v2`, a separate implementation of SPEC v2).

The number of examples comes from CHECKER_FUZZ_EXAMPLES (default 60).
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from checker.api import CheckOptions, check_file
from checker.judge import Options
from checker.resolve import TermsCache
from checker.results import FileError, ScenarioResult

from .worldeval_v2 import ACTORS, IN_FORCE, PLACES, TZ, Event, day_end, day_start, judge

TERMS = (Path(__file__).resolve().parents[1] / "cases" / "v2" / "terms.yaml").resolve()
EXAMPLES = int(os.environ.get("CHECKER_FUZZ_EXAMPLES", 60))
CACHE = TermsCache()

AS_OF = [
    date(2021, 1, 20),
    date(2021, 2, 1),
    date(2021, 2, 14),
    date(2021, 2, 15),
    date(2021, 3, 1),
    date(2021, 3, 2),
    date(2021, 3, 10),
    date(2021, 3, 16),
    date(2021, 4, 2),
    date(2021, 6, 2),
]
LANDMARKS = [
    IN_FORCE,
    day_end(date(2021, 2, 1)),
    day_start(date(2021, 2, 15)),
    day_end(date(2021, 3, 1)),
    day_end(date(2021, 3, 10)),
    day_end(date(2021, 3, 15)),
    day_end(date(2021, 3, 31)),
    day_end(date(2021, 4, 1)),
]
KINDS = ["hostilities", "withdrawal", "deployment", "release", "handover", "talks"]


def _yaml(as_of: date, events: list[Event]) -> str:
    lines = [
        "scenario:",
        "  id: concrete-world-v2",
        f"  terms: {TERMS}",
        f"  as_of: {as_of.isoformat()}",
        "reports:" + ("" if events else " []"),
    ]
    for i, e in enumerate(events):
        when = datetime.fromtimestamp(e.minute * 60, tz=TZ).strftime("%Y-%m-%dT%H:%M")
        attrs = {"actor": e.actor, "place": e.place, **{k: str(v) for k, v in e.fields.items()}}
        body = ", ".join(f"{k}: {v}" for k, v in attrs.items())
        lines.append(f"  - {{id: e{i}, event: {e.kind}, {body}, time: {when}}}")
    return "\n".join(lines) + "\n"


@st.composite
def worlds(draw: st.DrawFn) -> tuple[date, list[Event]]:
    as_of = draw(st.sampled_from(AS_OF))
    end = day_end(as_of)
    near = sorted(
        {m + d for m in [*LANDMARKS, end] for d in (-1, 0, 1) if IN_FORCE - 60 <= m + d <= end}
    )
    events: list[Event] = []
    for _ in range(draw(st.integers(0, 7))):
        kind = draw(st.sampled_from(KINDS))
        minute = draw(
            st.one_of(
                st.sampled_from(near),
                st.integers(IN_FORCE - 2 * 24 * 60, end),
                # close after an earlier event: the fifth-day edges of `verification`
                st.sampled_from(
                    [e.minute + d for e in events for d in (5 * 1440, 6 * 1440, -1, 1)] or [end]
                ),
            )
        )
        minute = min(max(minute, IN_FORCE - 2 * 24 * 60), end)
        actor = draw(st.sampled_from(ACTORS))
        place = draw(st.sampled_from(PLACES))
        fields: dict[str, object] = {}
        if kind in ("withdrawal", "deployment"):
            if kind == "deployment":
                actor = draw(st.sampled_from(["MON", "B-army", actor]))
            else:
                actor = draw(st.sampled_from(["A-army", "B-army", actor]))
            fields["troops"] = draw(st.sampled_from([0, 1, 500, 1000, 1001]))
        elif kind == "release":
            fields["persons"] = draw(st.sampled_from([0, 100, 150, 201, 2500, 4999, 5001]))
        elif kind == "handover":
            place = draw(st.sampled_from(["north", "north", "south"]))
            fields["from"] = draw(st.sampled_from(["B-army", "G", "A-army", "B"]))
            fields["to"] = draw(st.sampled_from(["A-army", "A", "G", "B-army"]))
        events.append(Event(kind, actor, place, minute, fields))
    return as_of, events


def _check(text: str, opts: CheckOptions) -> ScenarioResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "world.yaml"
        path.write_text(text)
        result = check_file(path, CACHE, opts)
    assert not isinstance(result, FileError), [d.render() for d in result.diagnostics]
    assert result is not None
    return result


_AFTER_ALL = (
    date(2021, 3, 16),
    [
        Event("withdrawal", "A-army", "north", day_end(date(2021, 2, 20)), {"troops": 1}),
        Event("withdrawal", "B", "south", day_start(date(2021, 3, 1)) + 600, {"troops": 1}),
        Event("deployment", "MON", "zone", day_end(date(2021, 3, 6)), {"troops": 1}),
    ],
)
_HANDOVER_FROM_G = (
    date(2021, 2, 1),
    [
        Event("handover", "G", "north", IN_FORCE + 60, {"from": "G", "to": "A-army"}),
        Event("release", "A", "zone", IN_FORCE + 90, {"persons": 150}),
    ],
)

# talks a minute after the condition's window (15 March): the mission is waived
_TALKS_TOO_LATE = (
    date(2021, 4, 2),
    [Event("talks", "A", "zone", day_end(date(2021, 3, 15)) + 1)],
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(worlds())
@example(_AFTER_ALL)
@example(_HANDOVER_FROM_G)
@example(_TALKS_TOO_LATE)
def test_v2_verdicts_equal_direct_evaluation(world: tuple[date, list[Event]]) -> None:
    as_of, events = world
    text = _yaml(as_of, events)
    expected = judge(events, as_of)
    note(text)
    note(f"worldeval_v2: {expected}")
    every_key_chained = Options(eager_instances=0, bounds=False, chain_from=0)
    for opts in (CheckOptions(), CheckOptions(judge=every_key_chained)):
        result = _check(text, opts)
        got = {p.id: p.verdict for p in result.provisions}
        note(f"engine: {result.verdict} {got}")
        assert result.verdict == expected.verdict
        if expected.verdict != "incoherent":
            assert got == expected.provisions


def test_the_day_after_the_fifth_is_late() -> None:
    """Pinned: the deployment at the first minute of the sixth day misses `verification`."""
    as_of, events = _AFTER_ALL
    late = [
        *events[:2],
        Event("deployment", "MON", "zone", day_start(date(2021, 3, 7)), {"troops": 1}),
    ]
    result = _check(_yaml(as_of, late), CheckOptions())
    assert {p.id: p.verdict for p in result.provisions}["verification"] == "violated"
    assert judge(late, as_of).provisions["verification"] == "violated"
