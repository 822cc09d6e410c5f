"""A direct evaluator of SPEC v2 semantics for `tests/cases/v2/terms.yaml`, on exact events.

A second, independent implementation of the contract (SPEC §3.3 uncertain initial
values, §3.5 `total.max`, `after_all` with `day: N`, conditional provisions, §3.6
provisions not in force, §4.2 `waived`): it imports nothing from `checker/` and
hard-codes that terms file. The reported events are exact, but the initial values
are not (the north starts with B's army or with G, B's army with 12,000 to 13,000
troops), so a scenario has several compatible worlds. Each is judged on its own and
the verdicts are combined as SPEC §4.2 says:

* a world is compatible when every handover's `was` holds against the control just
  before it and no two handovers of a place share a minute (§4.1.4);
* per world and provision: waived (its `if` fails), breached, or kept — and for
  require/achieve, kept is fulfilled or not yet due;
* over the worlds: `waived` if every world waives it; `violated` if every world
  breaches it; `open` if some do; else `pending` if some world has it unfulfilled
  and not yet due; else `complied`. The scenario is `consistent` when some world
  keeps every binding provision in force, `incoherent` when no world is compatible.

The troop count only matters to the cap, which is monotone in it, so the worlds with
12,000 and with 13,000 troops stand for every value between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .worldeval import Event  # the same exact event (kind, actor, place, minute, fields)

TZ = timezone(timedelta(hours=3))
DAY = 24 * 60


def minute_of(dt: datetime) -> int:
    return int(dt.timestamp()) // 60


def day_start(d: date) -> int:
    return minute_of(datetime(d.year, d.month, d.day, tzinfo=TZ))


def day_end(d: date) -> int:
    return day_start(d) + DAY - 1


def local_day(m: int) -> date:
    return datetime.fromtimestamp(m * 60, tz=TZ).date()


IN_FORCE = day_start(date(2021, 1, 1))
PROTOCOL = day_start(date(2021, 2, 15))  # adds `border`, removes `releases-band`

PARENTS = {"A-army": "A", "B-army": "B"}
ACTORS = ["A", "B", "G", "MON", "A-army", "B-army"]
PLACES = ["zone", "north", "south"]


def is_actor(x: str, y: str) -> bool:
    """x matches y through part_of."""
    return x == y or PARENTS.get(x) == y


def in_zone(place: str) -> bool:
    return place in ("zone", "north", "south")


@dataclass
class Judgement:
    verdict: str
    provisions: dict[str, str]


BINDING = (
    "ceasefire",
    "pullback",
    "releases",
    "releases-band",
    "cap",
    "north-handover",
    "talks",
    "exit",
    "mission",
    "restraint",
    "verification",
    "border",
)


def judge(events: list[Event], as_of: date) -> Judgement:
    end = day_end(as_of)
    amended = PROTOCOL <= end
    worlds = []
    for north in ("B-army", "G"):
        if not _coherent(events, north, end):
            continue
        for troops in (12000, 13000):
            worlds.append(_world(events, end, north, troops, amended))
    if not worlds:
        return Judgement("incoherent", {})
    out: dict[str, str] = {}
    for pid in worlds[0]:
        out[pid] = _combine([w[pid] for w in worlds])
    out["pullback-south"] = "not-in-force"
    out["border" if not amended else "releases-band"] = "not-in-force"
    binding = [p for p in BINDING if out[p] != "not-in-force"]
    keeps = any(all(w[p] != "breached" for p in binding if p in w) for w in worlds)
    return Judgement("consistent" if keeps else "violation", out)


def _combine(statuses: list[str]) -> str:
    if all(s == "waived" for s in statuses):
        return "waived"
    if all(s == "breached" for s in statuses):
        return "violated"
    if any(s == "breached" for s in statuses):
        return "open"
    return "pending" if any(s == "pending" for s in statuses) else "complied"


# --------------------------------------------------------------------------- states


def _handovers(events: list[Event], end: int) -> list[Event]:
    return sorted(
        (e for e in events if e.kind == "handover" and IN_FORCE <= e.minute <= end),
        key=lambda e: e.minute,
    )


def _coherent(events: list[Event], north: str, end: int) -> bool:
    control: dict[str, str | None] = {"north": north, "south": None, "zone": None}
    seen: set[tuple[str, int]] = set()
    for e in _handovers(events, end):
        if (e.place, e.minute) in seen:
            return False
        seen.add((e.place, e.minute))
        before = control.get(e.place)
        if before is not None and not is_actor(before, str(e.fields["from"])):
            return False
        control[e.place] = str(e.fields["to"])
    return True


def _north_at(events: list[Event], north: str, minute: int, end: int) -> str:
    value = north
    for e in _handovers(events, end):
        if e.place == "north" and e.minute <= minute:
            value = str(e.fields["to"])
    return value


def _troops_peak(events: list[Event], start: int, end: int) -> int:
    """The highest change of B's army's troops since in_force, after each minute's events
    (a counter's value at a minute includes every event of that minute)."""
    by_minute: dict[int, int] = {}
    for e in events:
        if e.kind in ("deployment", "withdrawal") and e.actor == "B-army":
            if start <= e.minute <= end:
                amount = int(e.fields["troops"])  # type: ignore[call-overload]
                sign = 1 if e.kind == "deployment" else -1
                by_minute[e.minute] = by_minute.get(e.minute, 0) + sign * amount
    total = peak = 0
    for minute in sorted(by_minute):
        total += by_minute[minute]
        peak = max(peak, total)
    return peak


# --------------------------------------------------------------------------- provisions


def _require(found: bool, deadline: int | None, end: int) -> str:
    if found:
        return "fulfilled"
    return "breached" if deadline is not None and deadline <= end else "pending"


def _some(events: list[Event], test, start: int, last: int) -> list[Event]:  # noqa: ANN001
    return [e for e in events if start <= e.minute <= last and test(e)]


def _required(events: list[Event], test, deadline: int, end: int) -> str:  # noqa: ANN001
    """A `require` from in_force to `deadline`: fulfilled, breached or pending at `end`."""
    found = _some(events, test, IN_FORCE, min(deadline, end))
    return _require(bool(found), deadline, end)


def _world(events: list[Event], end: int, north: str, troops: int, amended: bool) -> dict[str, str]:
    s: dict[str, str] = {}
    s["ceasefire"] = (
        "breached"
        if _some(events, lambda e: e.kind == "hostilities" and in_zone(e.place), IN_FORCE, end)
        else "kept"
    )
    s["pullback"] = _required(
        events,
        lambda e: e.kind == "withdrawal" and e.actor == "B-army",
        day_end(date(2021, 3, 1)),
        end,
    )
    s["releases"] = _total(events, lambda e: True, day_end(date(2021, 3, 10)), 0, 5000, end)
    if not amended:
        s["releases-band"] = _total(events, lambda e: is_actor(e.actor, "A"), None, 100, 200, end)
    s["cap"] = "breached" if troops + _troops_peak(events, IN_FORCE, end) > 13000 else "kept"
    s["north-handover"] = _achieve_north(events, north, day_end(date(2021, 2, 1)), end)

    def talks(e: Event) -> bool:
        return e.kind == "talks"

    # `if: {fulfilled: pullback}`
    status = _required(events, talks, day_end(date(2021, 4, 1)), end)
    s["talks"] = status if s["pullback"] == "fulfilled" else "waived"
    # `if: {all: [{kept: ceasefire}, {kept: releases}]}`
    status = _required(
        events,
        lambda e: e.kind == "withdrawal" and e.actor == "A-army",
        day_end(date(2021, 6, 1)),
        end,
    )
    kept = s["ceasefire"] != "breached" and s["releases"] != "breached"
    s["exit"] = status if kept else "waived"
    # `if: {happened: {kind: talks}, by: 2021-03-15}`
    mission_by = day_end(date(2021, 3, 31))
    status = _required(
        events, lambda e: e.kind == "deployment" and e.actor == "MON", mission_by, end
    )
    talked_early = _some(events, talks, IN_FORCE, min(day_end(date(2021, 3, 15)), end))
    s["mission"] = status if talked_early else "waived"
    # `if: {not: {any: [{happened: B's hostilities in the south}, {breached: pullback}]}}`
    b_attacked = _some(
        events,
        lambda e: e.kind == "hostilities" and is_actor(e.actor, "B") and e.place == "south",
        IN_FORCE,
        end,
    )
    if b_attacked or s["pullback"] == "breached":
        s["restraint"] = "waived"
    else:
        a_attacked = _some(
            events,
            lambda e: e.kind == "hostilities" and is_actor(e.actor, "A") and e.place == "south",
            IN_FORCE,
            end,
        )
        s["restraint"] = "breached" if a_attacked else "kept"

    s["verification"] = _verification(events, end)

    if amended:
        s["border"] = _required(
            events,
            lambda e: e.kind == "deployment" and e.actor == "MON" and e.place == "north",
            mission_by,
            end,
        )
    # `if: {fulfilled: border}`: never while the protocol is not adopted
    status = _required(events, talks, day_end(date(2021, 5, 1)), end)
    s["border-watch"] = status if amended and s["border"] == "fulfilled" else "waived"
    return s


def _total(events, test, deadline: int | None, low: int, high: int, end: int) -> str:  # noqa: ANN001
    """`require: {kind: release}` with `total: {of: persons, min: low, max: high}`."""
    last = end if deadline is None else min(deadline, end)
    got = _some(events, lambda e: e.kind == "release" and test(e), IN_FORCE, last)
    total = sum(int(e.fields["persons"]) for e in got)  # type: ignore[call-overload]
    if total > high:
        return "breached"  # past the maximum: at once, whatever the deadline
    return _require(bool(got) and total >= low, deadline, end)


def _achieve_north(events: list[Event], north: str, deadline: int, end: int) -> str:
    def held(m: int) -> bool:
        return is_actor(_north_at(events, north, m, end), "A")

    if deadline > end:
        return "fulfilled" if held(end) else "pending"
    points = [deadline] + [
        e.minute
        for e in _handovers(events, end)
        if e.place == "north" and deadline < e.minute <= end
    ]
    return "fulfilled" if all(held(m) for m in points) else "breached"


def _verification(events: list[Event], end: int) -> str:
    """`after_all` the first withdrawals of A and of B; `by` day 5 after that day."""
    firsts = []
    for party in ("A", "B"):
        mine = [e.minute for e in events if e.kind == "withdrawal" and is_actor(e.actor, party)]
        if not mine:
            return "pending"  # the window has not started
        firsts.append(min(mine))
    anchor = max(firsts)
    deadline = day_end(local_day(anchor) + timedelta(days=5))
    got = _some(
        events, lambda e: e.kind == "deployment" and e.actor == "MON", anchor, min(deadline, end)
    )
    return _require(bool(got), deadline, end)
