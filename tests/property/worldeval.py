"""A direct evaluator of SPEC semantics on one concrete world, for `tests/cases/mini-terms.yaml`.

This is a second, deliberately independent implementation of the contract
(/work/shared/SPEC.md §2, §3.3–3.6, §4.1, §4.2): it imports nothing from
`checker/`, hard-codes the mini-terms vocabulary, states, periods and
provisions, and judges a single *closed* world — a finite list of events whose
kind, actor, place, minute and fields are all exact.

For one such world the SPEC's verdicts reduce to:

* the world is **incompatible** (scenario `incoherent`) when it breaks a state
  rule (§4.1.4): a handover whose `from` does not match the control just
  before it, or two control-changing events of one place in one minute;
* per provision: `violated` if the world breaches it, `complied` if it keeps
  it (require/achieve: fulfilled), `pending` (require/achieve only) if it is
  unfulfilled and not yet due, `unformalized` for `unformalized`;
* the scenario: `violation` if a binding provision is violated, else
  `consistent`.

Times are integer minutes since 1970-01-01T00:00Z (§2).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

# --------------------------------------------------------------------------- time

TERMS_TZ = timezone(timedelta(hours=3))  # agreement.timezone "+03:00"


def minute_of(dt: datetime) -> int:
    """Minutes since the epoch (UTC) of an aware datetime."""
    assert dt.tzinfo is not None
    return int(dt.timestamp()) // 60


def datetime_of(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=UTC)


def day_start(d: date, tz: timezone = TERMS_TZ) -> int:
    """First minute of day `d` in `tz` (a window start `from: D`)."""
    return minute_of(datetime(d.year, d.month, d.day, 0, 0, tzinfo=tz))


def day_end(d: date, tz: timezone = TERMS_TZ) -> int:
    """Last minute of day `d` in `tz` (`until: D`, `by: D`, and the end of `as_of`)."""
    return day_start(d, tz) + 24 * 60 - 1


def add_months(dt: datetime, months: int) -> datetime:
    """Calendar month arithmetic, clamping to the end of the month (§2 Durations)."""
    total = dt.month - 1 + months
    year, month = dt.year + total // 12, total % 12 + 1
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return dt.replace(year=year, month=month, day=day)


IN_FORCE = minute_of(datetime(2020, 11, 10, 0, 0, tzinfo=TERMS_TZ))
MANDATE_FROM_DT = datetime(2020, 11, 10, 0, 0, tzinfo=TERMS_TZ)
MANDATE_LENGTH_MONTHS = 5 * 12
MANDATE_RENEWS_MONTHS = 5 * 12
MANDATE_NOTICE_MONTHS = 6
AMENDMENT_ADOPTED = date(2020, 11, 15)  # kalbajar-extension

# --------------------------------------------------------------------------- vocabulary

ACTOR_PARENTS: dict[str, tuple[str, ...]] = {
    "AZ": (),
    "AM": (),
    "RU": (),
    "TR": (),
    "UNHCR": (),
    "AZ-forces": ("AZ",),
    "AM-forces": ("AM",),
    "RU-peacekeepers": ("RU",),
}
PLACE_PARENTS: dict[str, tuple[str, ...]] = {
    "conflict-zone": (),
    "nk": ("conflict-zone",),
    "shusha": ("nk",),
    "aghdam": ("conflict-zone",),
    "kalbajar": ("conflict-zone",),
    "corridor": ("conflict-zone",),
    "armenia": (),
}
KIND_PARENTS: dict[str, tuple[str, ...]] = {
    "hostilities": (),
    "shelling": ("hostilities",),
    "advance": ("hostilities",),
    "handover": (),
    "checkpoint": (),
    "deployment": (),
    "withdrawal": (),
    "return": (),
    "release": (),
    "establishment": (),
    "termination-notice": (),
}
# the fields each kind declares, with their type: "actor", "int" or a tuple of words
KIND_FIELDS: dict[str, dict[str, object]] = {
    "hostilities": {},
    "shelling": {},
    "advance": {},
    "handover": {"from": "actor", "to": "actor"},
    "checkpoint": {},
    "deployment": {"troops": "int", "role": ("peacekeeping", "monitoring", "combat")},
    "withdrawal": {"troops": "int"},
    "return": {"persons": "int", "supervised_by": "actor"},
    "release": {"persons": "int"},
    "establishment": {"facility": ("peacekeeping-centre", "monitoring-centre")},
    "termination-notice": {},
}
# names and aliases (§3.2: usable wherever an actor or place is named, case-insensitively)
ACTOR_NAMES: dict[str, tuple[str, ...]] = {
    "AZ": ("Republic of Azerbaijan",),
    "AM": ("Republic of Armenia",),
    "RU": ("Russian Federation",),
    "TR": ("Republic of Turkey",),
}
PLACE_NAMES: dict[str, tuple[str, ...]] = {
    "nk": ("Nagorno-Karabakh",),
    "shusha": ("Shushi",),
}

INITIAL_CONTROL = {"aghdam": "AM-forces", "kalbajar": "AM-forces", "shusha": "AZ-forces"}
# the kinds that set `control` of their place, and the field that holds the new value
CONTROL_SET_BY = {"handover": "to", "advance": "actor", "checkpoint": "actor"}
CONTROL_WAS = {"handover": "from"}

PARTIES = ("AZ", "AM", "RU")


def _reaches(x: str, y: str, parents: dict[str, tuple[str, ...]]) -> bool:
    """X matches Y: X is Y or reaches Y through the parent links."""
    seen: set[str] = set()
    todo = [x]
    while todo:
        cur = todo.pop()
        if cur == y:
            return True
        if cur in seen:
            continue
        seen.add(cur)
        todo.extend(parents.get(cur, ()))
    return False


def actor_matches(x: str, y: str) -> bool:
    return _reaches(x, y, ACTOR_PARENTS)


def place_matches(x: str, y: str) -> bool:
    return _reaches(x, y, PLACE_PARENTS)


def kind_matches(x: str, y: str) -> bool:
    return _reaches(x, y, KIND_PARENTS)


# --------------------------------------------------------------------------- worlds


@dataclass(frozen=True)
class Event:
    kind: str
    actor: str
    place: str
    minute: int
    fields: dict[str, object] = field(default_factory=dict, hash=False, compare=True)


@dataclass
class Judgement:
    coherent: bool
    why_incoherent: str | None
    provisions: dict[str, str]  # id -> complied | violated | pending | unformalized
    verdict: str  # consistent | violation | incoherent


PROVISION_IDS = (
    "ceasefire",
    "aghdam",
    "kalbajar",
    "troops-cap",
    "exclusive",
    "returns",
    "centre",
    "releases",
    "mandate-presence",
    "monitors-after-centre",
    "text-only",
)
NON_BINDING = {"monitors-after-centre"}


def as_of_end(as_of: date) -> int:
    return day_end(as_of)


# --------------------------------------------------------------------------- states


class Control:
    """The categorical state `control` of every place, by inertia between events.

    `None` stands for an unknown value (no initial value and not yet set): any
    actor, so a `was` against it can always be met.
    """

    def __init__(self, events: list[Event], end: int) -> None:
        # only events from in_force on change states; the world holds events up to `end`
        changers = sorted(
            (e for e in events if e.kind in CONTROL_SET_BY and IN_FORCE <= e.minute <= end),
            key=lambda e: e.minute,
        )
        self.problem: str | None = None
        self.changes: dict[str, list[tuple[int, str]]] = {}
        value: dict[str, str | None] = dict(INITIAL_CONTROL)
        by_minute: dict[tuple[str, int], int] = {}
        for e in changers:
            key = (e.place, e.minute)
            by_minute[key] = by_minute.get(key, 0) + 1
            if by_minute[key] == 2 and self.problem is None:
                self.problem = f"two changes of control of {e.place} at minute {e.minute}"
        # `was`: against the value just before the event's minute
        for e in changers:
            before = value.get(e.place)
            was_field = CONTROL_WAS.get(e.kind)
            if was_field is not None and before is not None:
                if not actor_matches(before, str(e.fields[was_field])):
                    if self.problem is None:
                        self.problem = (
                            f"{e.kind} of {e.place} at minute {e.minute}: from "
                            f"{e.fields[was_field]} but control was {before}"
                        )
            new = (
                e.actor
                if CONTROL_SET_BY[e.kind] == "actor"
                else str(e.fields[CONTROL_SET_BY[e.kind]])
            )
            value[e.place] = new
            self.changes.setdefault(e.place, []).append((e.minute, new))

    def at(self, place: str, minute: int) -> str | None:
        """The value at `minute` (an event's minute already has its new value)."""
        current = INITIAL_CONTROL.get(place)
        for m, v in self.changes.get(place, []):
            if m <= minute:
                current = v
        return current

    def holds_throughout(self, place: str, is_: str, start: int, end: int) -> bool:
        """`control of place is is_` at every minute of [start, end]."""
        v = self.at(place, start)
        if v is None or not actor_matches(v, is_):
            return False
        for m, v in self.changes.get(place, []):
            if start < m <= end and not actor_matches(v, is_):
                return False
        return True


def troops_of(events: list[Event], key: str, minute: int) -> int:
    """Counter `troops` of actor `key` at `minute` (initial 0; from in_force on)."""
    total = 0
    for e in events:
        if IN_FORCE <= e.minute <= minute and actor_matches(e.actor, key):
            if e.kind == "deployment":
                total += int(e.fields["troops"])  # type: ignore[arg-type]
            elif e.kind == "withdrawal":
                total -= int(e.fields["troops"])  # type: ignore[arg-type]
    return total


# --------------------------------------------------------------------------- periods


def mandate_window(events: list[Event], end: int) -> tuple[int, int | None]:
    """The `mandate` period as a closed window [from, last] (last None: still running)."""
    start = minute_of(MANDATE_FROM_DT)
    notices = [
        e.minute
        for e in events
        if kind_matches(e.kind, "termination-notice")
        and (actor_matches(e.actor, "AZ") or actor_matches(e.actor, "AM"))
        and start <= e.minute <= end
    ]
    if not notices:
        return start, None
    first = min(notices)
    months = MANDATE_LENGTH_MONTHS
    while True:
        term_end_dt = add_months(MANDATE_FROM_DT, months)
        latest_notice = minute_of(add_months(term_end_dt, -MANDATE_NOTICE_MONTHS))
        if first <= latest_notice:
            return start, minute_of(term_end_dt) - 1  # the term covers [.., term end)
        months += MANDATE_RENEWS_MONTHS


# --------------------------------------------------------------------------- provisions


def _in(m: int, start: int, last: int | None) -> bool:
    return start <= m and (last is None or m <= last)


def _forbid(events: list[Event], pred, start: int, last: int | None, end: int) -> str:
    for e in events:
        if e.minute <= end and _in(e.minute, start, last) and pred(e):
            return "violated"
    return "complied"


def _achieve(control: Control, place: str, is_: str, deadline: int, end: int) -> str:
    if deadline <= end:
        return "complied" if control.holds_throughout(place, is_, deadline, end) else "violated"
    v = control.at(place, end)
    return "complied" if v is not None and actor_matches(v, is_) else "pending"


def _require(
    events: list[Event],
    pred,
    start: int,
    last: int | None,
    end: int,
    total_of: str | None = None,
    minimum: int = 1,
) -> str:
    upto = end if last is None else min(last, end)
    got = [e for e in events if start <= e.minute <= upto and pred(e)]
    if total_of is None:
        fulfilled = len(got) >= 1
    else:
        fulfilled = sum(int(e.fields[total_of]) for e in got) >= minimum  # type: ignore[arg-type]
    if fulfilled:
        return "complied"
    if last is not None and last <= end:
        return "violated"
    return "pending"


def judge_world(events: list[Event], as_of: date) -> Judgement:
    end = as_of_end(as_of)
    world = [e for e in events if e.minute <= end]
    assert len(world) == len(events), "a world holds only events up to the end of as_of"

    control = Control(world, end)
    if control.problem is not None:
        return Judgement(False, control.problem, {}, "incoherent")

    amended = as_of >= AMENDMENT_ADOPTED
    v: dict[str, str] = {}

    # ceasefire: forbid {kind: hostilities, place: conflict-zone}, window from in_force
    v["ceasefire"] = _forbid(
        world,
        lambda e: kind_matches(e.kind, "hostilities") and place_matches(e.place, "conflict-zone"),
        IN_FORCE,
        None,
        end,
    )
    # aghdam: achieve control of aghdam is AZ, by 2020-11-20
    v["aghdam"] = _achieve(control, "aghdam", "AZ", day_end(date(2020, 11, 20)), end)
    # kalbajar: by 2020-11-15, 2020-11-25 under kalbajar-extension (adopted 2020-11-15)
    kalbajar_by = date(2020, 11, 25) if amended else date(2020, 11, 15)
    v["kalbajar"] = _achieve(control, "kalbajar", "AZ", day_end(kalbajar_by), end)
    # troops-cap: maintain troops of RU-peacekeepers <= 1960 at every minute from in_force
    change_minutes = sorted({e.minute for e in world if IN_FORCE <= e.minute <= end})
    checks = [IN_FORCE, *change_minutes]
    v["troops-cap"] = (
        "violated"
        if any(troops_of(world, "RU-peacekeepers", m) > 1960 for m in checks)
        else "complied"
    )
    # exclusive: each peacekeeping deployment in nk or corridor must be by RU-peacekeepers
    v["exclusive"] = _forbid(
        world,
        lambda e: (
            kind_matches(e.kind, "deployment")
            and e.fields.get("role") == "peacekeeping"
            and (place_matches(e.place, "nk") or place_matches(e.place, "corridor"))
            and not actor_matches(e.actor, "RU-peacekeepers")
        ),
        IN_FORCE,
        None,
        end,
    )
    # returns: each return must be supervised by UNHCR
    v["returns"] = _forbid(
        world,
        lambda e: (
            kind_matches(e.kind, "return")
            and not actor_matches(str(e.fields["supervised_by"]), "UNHCR")
        ),
        IN_FORCE,
        None,
        end,
    )
    # centre: require an establishment of a peacekeeping-centre (no deadline)
    v["centre"] = _require(
        world,
        lambda e: (
            kind_matches(e.kind, "establishment")
            and e.fields.get("facility") == "peacekeeping-centre"
        ),
        IN_FORCE,
        None,
        end,
    )
    # releases: require releases totalling >= 100 persons by 2020-12-01
    v["releases"] = _require(
        world,
        lambda e: kind_matches(e.kind, "release"),
        IN_FORCE,
        day_end(date(2020, 12, 1)),
        end,
        total_of="persons",
        minimum=100,
    )
    # mandate-presence: forbid withdrawal by RU-peacekeepers during mandate
    m_start, m_last = mandate_window(world, end)
    v["mandate-presence"] = _forbid(
        world,
        lambda e: kind_matches(e.kind, "withdrawal") and actor_matches(e.actor, "RU-peacekeepers"),
        m_start,
        m_last,
        end,
    )
    # monitors-after-centre: require a monitoring deployment within [t0, t0 + 5 days],
    # t0 = the first establishment; not started (pending) while there is none
    anchors = sorted(e.minute for e in world if kind_matches(e.kind, "establishment"))
    if not anchors:
        v["monitors-after-centre"] = "pending"
    else:
        t0 = anchors[0]
        v["monitors-after-centre"] = _require(
            world,
            lambda e: kind_matches(e.kind, "deployment") and e.fields.get("role") == "monitoring",
            t0,
            t0 + 5 * 24 * 60,
            end,
        )
    v["text-only"] = "unformalized"

    assert set(v) == set(PROVISION_IDS)
    binding_violated = any(v[p] == "violated" for p in PROVISION_IDS if p not in NON_BINDING)
    return Judgement(True, None, v, "violation" if binding_violated else "consistent")
