"""Generators of the benchmark scenarios: deterministic (one seed each) and valid.

Every generator first draws a *true world* — exact minutes, who held each
place, how many troops were deployed — and then writes reports that are true
of it but say less: half the dated reports get a window of about a month
(`date: 2021-03` or `date: {from: ..., to: ...}` spanning 30 days) instead of
an exact minute, and holders may be `{one_of: [...]}`. So every scenario but
`incoherent` is coherent (the true world is one of its worlds), while many
windows overlap and the order of events is uncertain.

Workloads (all against `bench/bench-terms.yaml`, the test agreement with 48
more districts `d01`..`d48`). Every scenario starts with six exact reports
(seven in `mixed`) that keep the terms' other duties: the November 2020
handovers of Aghdam and Kalbajar, a release of 100, the peacekeeping centre,
monitors and the main force of 1,500. N counts them too, except in `chain`.
Each scenario's `expect:` is the verdict its true world implies: `consistent`,
or for `mixed` `violation` with the ceasefire violated.

- `counters`: deployments and withdrawals of the peacekeeping contingent
  (rotations: each withdrawal is followed by a deployment of as many troops),
  on top of a main force of 1,500 below the cap of 1,960 (`troops-cap`).
- `handovers`: handovers of the districts (about four per district, as many
  districts as that takes, at most 48) with `from` (the holder before, a
  `was` precondition) and `to`, a third of each as `{one_of: [...]}`.
- `chain`: K handovers of ONE district, every date a 30-day window, about 5
  days apart, so each window overlaps about a dozen others; both holders
  are always `{one_of: [true, other]}`.
- `mixed`: the engine at scale: 35% rotations, 30% handovers of the
  districts, the rest checkpoints, returns, releases and establishments, and
  one shelling that breaks the ceasefire (verdict `violation`, one proof
  minimized).
- `steady`: `mixed` at constant density: the true days span 1,060 days per
  1,000 reports (`mixed` puts every size in the same 1,060 days, so at 10,000
  reports each window overlaps ten times as many others as at 1,000). For
  growth with the number of reports alone.
- `open`: `world: open`, like `mixed` (without the shelling) plus absences
  (`none:`, true of the true world) and state observations (`state:`).
- `incoherent`: `mixed`, and a second source (reliability 0.5) that reports
  no such event in the place on the day of one in a hundred exactly timed
  events: the one kind of scenario here that is not coherent (`incoherent`,
  with its conflicts and readings).

Run `python bench/workloads.py KIND N [--seed S]` to print one scenario.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
TERMS = HERE / "bench-terms.yaml"

BASE = date(2020, 11, 11)  # day 0 of the true timelines (the day after in_force)
FIRST_DAY, LAST_DAY = 40, 1100  # true days used (2020-12-21 .. 2023-11-16)
AS_OF = "2023-12-31"
DAY = 1440

DISTRICTS = [f"d{i:02d}" for i in range(1, 49)]
HOLDERS = ["AZ-forces", "AM-forces", "NK-forces", "RU-peacekeepers"]
CAP, MAIN_FORCE = 1960, 1500


def initial_holder(place: str) -> str:
    """The holder `bench-terms.yaml` starts each district with."""
    return "AM-forces" if int(place[1:]) % 2 else "AZ-forces"


# ---- writing reports ------------------------------------------------------


def _scalar(v: object) -> str:
    return str(v)


def _flow(v: object) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def render(reports: list[dict[str, object]]) -> str:
    out = []
    for r in reports:
        lines = [f"{k}: {_flow(v)}" for k, v in r.items()]
        out.append("  - " + "\n    ".join(lines) + "\n")
    return "".join(out)


def scenario_text(
    sid: str,
    reports: list[dict[str, object]],
    *,
    world: str = "closed",
    title: str = "",
    expect: str = "{verdict: consistent}",
    as_of: str = AS_OF,
) -> str:
    """The scenario file; `expect` is what the true world implies (so `check` passes)."""
    head = [
        "scenario:",
        f"  id: {sid}",
        f"  title: {title or sid}",
        f"  terms: {TERMS}",
        f"  as_of: {as_of}",
    ]
    if world != "closed":
        head.append(f"  world: {world}")
    body = render(reports) if reports else "  []\n"
    return "\n".join(head) + "\n\nreports:\n" + body + f"\nexpect: {expect}\n"


# ---- the true world and its uncertain reports -------------------------------


@dataclass
class Gen:
    """One scenario being generated: the random source, the minutes taken, the reports."""

    rng: random.Random
    first: int = FIRST_DAY  # the true days used: first .. last - 1
    last: int = LAST_DAY
    used: set[int] = field(default_factory=set)
    reports: list[dict[str, object]] = field(default_factory=list)
    count: int = 0

    def minute(self, day: int) -> int:
        """A true minute on `day` no other true event has (so no two changes collide)."""
        while True:
            m = day * DAY + self.rng.randrange(60, DAY - 60)
            if m not in self.used:
                self.used.add(m)
                return m

    def when(self, minute: int, uncertain: bool) -> dict[str, object]:
        """The date of a report of an event at `minute`: exact, or a window of about a month."""
        day = BASE + timedelta(days=minute // DAY)
        if not uncertain:
            hh, mm = divmod(minute % DAY, 60)
            return {"time": f"{day}T{hh:02d}:{mm:02d}"}
        if self.rng.random() < 0.5:
            return {"date": f"{day.year}-{day.month:02d}"}  # the calendar month
        start = day - timedelta(days=self.rng.randrange(30))
        return {"date": {"from": start, "to": start + timedelta(days=29)}}

    def add(self, prefix: str, minute: int, body: dict[str, object], uncertain: bool) -> str:
        self.count += 1
        rid = f"{prefix}{self.count}"
        self.reports.append({"id": rid, **body, **self.when(minute, uncertain), "source": "bench"})
        return rid

    def uncertain(self) -> bool:
        return self.rng.random() < 0.5

    def one_of(self, true: str, pool: list[str], p: float) -> object:
        """`true`, or with probability p `{one_of: [true, another]}` in random order."""
        if self.rng.random() >= p:
            return true
        other = self.rng.choice([x for x in pool if x != true])
        pair = [true, other]
        self.rng.shuffle(pair)
        return {"one_of": pair}


def fixed(g: Gen, *, shelling: bool) -> list[tuple[int, int]]:
    """The exact reports every `mixed`/`open` scenario has; returns troop changes (minute, delta)."""
    g.reports += [
        {
            "id": "aghdam",
            "event": "handover",
            "place": "aghdam",
            "from": "AM-forces",
            "to": "AZ-forces",
            "date": "2020-11-20",
        },
        {
            "id": "kalbajar",
            "event": "handover",
            "place": "kalbajar",
            "from": "AM-forces",
            "to": "AZ-forces",
            "date": "2020-11-25",
        },
        {
            "id": "first-release",
            "event": "release",
            "actor": "AZ",
            "place": "nk",
            "persons": 100,
            "date": "2020-11-30",
        },
        {
            "id": "centre",
            "event": "establishment",
            "actor": "RU",
            "place": "aghdam",
            "facility": "peacekeeping-centre",
            "date": "2020-12-01",
        },
    ]
    if shelling:
        g.reports.append(
            {
                "id": "breach",
                "event": "shelling",
                "actor": "unknown",
                "place": "nk",
                "time": "2020-12-11T04:30",
            }
        )
    g.reports.append(
        {
            "id": "monitors",
            "event": "deployment",
            "actor": "RU-peacekeepers",
            "place": "aghdam",
            "troops": 10,
            "role": "monitoring",
            "date": "2020-12-03",
        }
    )
    return [(-1, 10), *main_force(g)]


def main_force(g: Gen) -> list[tuple[int, int]]:
    g.reports.append(
        {
            "id": "main-force",
            "event": "deployment",
            "actor": "RU-peacekeepers",
            "place": "nk",
            "troops": MAIN_FORCE,
            "role": "peacekeeping",
            "time": "2020-11-10T12:00",
        }
    )
    return [(-1, MAIN_FORCE)]


def rotations(g: Gen, n: int, lo: int = 5, hi: int = 60) -> list[tuple[int, int]]:
    """n reports of rotations: a withdrawal of x troops, then 1..20 days later a deployment of x.

    True force: the main force minus whoever is rotating out, never above it, so the
    true world keeps the cap; in other orders the windows allow, it may not.
    """
    changes: list[tuple[int, int]] = []
    while n > 0:
        x = g.rng.randrange(lo, hi + 1)
        day = g.rng.randrange(g.first, g.last - 21)
        out = g.minute(day)
        g.add(
            "wd",
            out,
            {"event": "withdrawal", "actor": "RU-peacekeepers", "place": "armenia", "troops": x},
            g.uncertain(),
        )
        changes.append((out, -x))
        n -= 1
        if n == 0:
            break
        back = g.minute(day + g.rng.randrange(1, 21))
        g.add(
            "dp",
            back,
            {
                "event": "deployment",
                "actor": "RU-peacekeepers",
                "place": "nk",
                "troops": x,
                "role": "peacekeeping",
            },
            g.uncertain(),
        )
        changes.append((back, x))
        n -= 1
    return changes


def handover_chains(
    g: Gen, n: int, places: list[str], *, p_one_of: float = 1 / 3, spacing: int | None = None
) -> dict[str, list[tuple[int, str]]]:
    """n handovers spread over `places`; per place a true chain of holders.

    Returns each place's true timeline [(minute, holder after)], starting with the
    initial holder at minute -1.
    """
    per = {p: n // len(places) + (1 if i < n % len(places) else 0) for i, p in enumerate(places)}
    timelines: dict[str, list[tuple[int, str]]] = {}
    for place in places:
        k = per[place]
        if spacing is None:
            days = sorted(g.rng.sample(range(g.first, g.last), k))
        else:
            start = g.rng.randrange(g.first, max(g.first + 1, g.last - spacing * k))
            days = [start + spacing * i + g.rng.randrange(spacing) for i in range(k)]
        holder = initial_holder(place)
        line = [(-1, holder)]
        for day in days:
            nxt = g.rng.choice([h for h in HOLDERS if h != holder])
            m = g.minute(day)
            body: dict[str, object] = {
                "event": "handover",
                "place": place,
                "from": g.one_of(holder, HOLDERS, p_one_of),
                "to": g.one_of(nxt, HOLDERS, p_one_of),
            }
            g.add("ho", m, body, g.uncertain() if spacing is None else True)
            holder = nxt
            line.append((m, holder))
        timelines[place] = line
    return timelines


def others(g: Gen, n: int) -> None:
    """n reports of events no state follows: checkpoints, returns, releases, establishments."""
    for _ in range(n):
        m = g.minute(g.rng.randrange(g.first, g.last))
        kind = g.rng.choices(["checkpoint", "return", "release", "establishment"], [1, 4, 4, 1])[0]
        body: dict[str, object]
        if kind == "checkpoint":
            body = {"event": "checkpoint", "actor": "RU-peacekeepers", "place": "corridor"}
        elif kind == "return":
            body = {
                "event": "return",
                "place": "nk",
                "persons": g.rng.randrange(1, 500),
                "supervised_by": "UNHCR",
            }
        elif kind == "release":
            body = {"event": "release", "actor": "AZ", "place": "nk"}
            body["persons"] = g.rng.randrange(1, 30)
        else:
            body = {
                "event": "establishment",
                "actor": "RU",
                "place": "aghdam",
                "facility": "monitoring-centre",
            }
        g.add("ev", m, body, g.uncertain())


# ---- the workloads --------------------------------------------------------


def counters(n: int, seed: int = 0) -> str:
    g = Gen(random.Random(seed))
    fixed(g, shelling=False)
    rotations(g, max(0, n - len(g.reports)))
    g.rng.shuffle(g.reports)
    return scenario_text(f"bench-counters-{n}", g.reports, title=f"{n} troop movements")


def handovers(n: int, seed: int = 0) -> str:
    g = Gen(random.Random(seed))
    fixed(g, shelling=False)
    n = max(1, n - len(g.reports))
    handover_chains(g, n, DISTRICTS[: max(1, min(len(DISTRICTS), n // 4 or 1))])
    g.rng.shuffle(g.reports)
    return scenario_text(f"bench-handovers-{n}", g.reports, title=f"{n} handovers")


def chain(n: int, seed: int = 0) -> str:
    g = Gen(random.Random(seed))
    fixed(g, shelling=False)
    handover_chains(g, n, ["d01"], p_one_of=1.0, spacing=5)
    g.rng.shuffle(g.reports)
    return scenario_text(f"bench-chain-{n}", g.reports, title=f"{n} handovers of one place")


def _mix(g: Gen, n: int, *, shelling: bool) -> tuple[list, dict]:
    troops = fixed(g, shelling=shelling)
    rest = max(0, n - len(g.reports))
    n_rot, n_ho = rest * 35 // 100, rest * 30 // 100
    troops += rotations(g, n_rot)
    places = DISTRICTS[: max(1, min(len(DISTRICTS), n_ho // 4 or 1))]
    lines = handover_chains(g, n_ho, places) if n_ho else {}
    others(g, rest - n_rot - n_ho)
    return troops, lines


def _mixed(n: int, name: str, title: str, g: Gen, as_of: str = AS_OF) -> str:
    _mix(g, n, shelling=True)
    g.rng.shuffle(g.reports)
    return scenario_text(
        f"bench-{name}-{n}",
        g.reports,
        title=title,
        expect="{verdict: violation, provisions: {ceasefire: violated}}",
        as_of=as_of,
    )


def mixed(n: int, seed: int = 0) -> str:
    return _mixed(n, "mixed", f"{n} reports, mixed", Gen(random.Random(seed)))


def steady(n: int, seed: int = 0) -> str:
    """`mixed` at the density of 1,000 reports: the true days span 1,060 days per 1,000
    reports (as years of coded events do), so a window overlaps as many others at any
    size; `as_of` 45 days after the last."""
    g = Gen(random.Random(seed), last=FIRST_DAY + max(60, (LAST_DAY - FIRST_DAY) * n // 1000))
    as_of = str(BASE + timedelta(days=g.last + 45))
    return _mixed(n, "steady", f"{n} reports, mixed, 1,000 a 1,060 days", g, as_of)


def open_world(n: int, seed: int = 0) -> str:
    """About 70% events as in `mixed` (no shelling), 15% absences, 15% state observations."""
    g = Gen(random.Random(seed))
    n_abs = max(1, n * 15 // 100)
    n_obs = max(1, n * 15 // 100)
    troops, lines = _mix(g, max(6, n - n_abs - n_obs), shelling=False)
    events = list(g.reports)
    extra: list[dict[str, object]] = []
    taken = {p: {m // DAY for m, _ in line} for p, line in lines.items()}
    for i in range(n_abs):
        if i % 2 == 0 or not lines:  # no fighting anywhere for a month: true, there is none
            start = BASE + timedelta(days=g.rng.randrange(g.first, g.last - 30))
            match: dict[str, object] = {"kind": "hostilities", "place": "conflict-zone"}
        else:  # no handover of a district for ten days with no true handover there
            place = g.rng.choice(sorted(lines))
            while True:
                d0 = g.rng.randrange(g.first, g.last - 10)
                if not any(d in taken[place] for d in range(d0 - 1, d0 + 11)):
                    break
            start = BASE + timedelta(days=d0)
            match = {"kind": "handover", "place": place}
        end = start + timedelta(days=29 if match["kind"] == "hostilities" else 9)
        extra.append({"id": f"none{i}", "none": match, "date": {"from": start, "to": end}})
    for i in range(n_obs):
        day = g.rng.randrange(g.first, g.last)
        end = (day + 1) * DAY  # the value at the end of that day is the true one at some minute
        if i % 2 == 0 or not lines:
            force = sum(d for m, d in troops if m < end)
            obs: dict[str, object] = {
                "state": "troops",
                "of": "RU-peacekeepers",
                "min": force - 100,
                "max": force + 100,
            }
        else:
            place = g.rng.choice(sorted(lines))
            holder = [h for m, h in lines[place] if m < end][-1]
            obs = {"state": "control", "of": place, "is": holder}
        extra.append({"id": f"seen{i}", **obs, "date": BASE + timedelta(days=day)})
    g.reports = events + extra
    g.rng.shuffle(g.reports)
    return scenario_text(
        f"bench-open-{n}", g.reports, world="open", title=f"{n} reports, open world"
    )


def incoherent(n: int, seed: int = 0) -> str:
    """`mixed`, and a second source (`rival`) that reports no such event in the place on
    the day of one in a hundred exactly timed events (at least one): each such pair is
    a conflict, so the scenario is incoherent, and its readings drop one side of each
    (the rival's reports are less reliable, reliability 0.5, so the most trusted
    reading keeps the events). N counts the rival's reports too."""
    g = Gen(random.Random(seed))
    k = max(1, n // 100)
    _mix(g, n - k, shelling=True)
    exact = [r for r in g.reports if "time" in r and "event" in r and "place" in r]
    for i, r in enumerate(g.rng.sample(exact, min(k, len(exact)))):
        day = str(r["time"])[:10]
        match = {"kind": r["event"], "place": r["place"]}
        rival = {"by": "rival", "reliability": 0.5}
        g.reports.append({"id": f"rival{i}", "none": match, "date": day, "source": rival})
    g.rng.shuffle(g.reports)
    return scenario_text(
        f"bench-incoherent-{n}",
        g.reports,
        title=f"{n} reports, mixed, and a rival source that contradicts {k} of them",
        expect="{verdict: incoherent}",
    )


WORKLOADS: dict[str, Callable[[int, int], str]] = {
    "counters": counters,
    "handovers": handovers,
    "chain": chain,
    "mixed": mixed,
    "steady": steady,
    "open": open_world,
    "incoherent": incoherent,
}


def write(kind: str, n: int, folder: Path, seed: int = 0, name: str | None = None) -> Path:
    path = folder / (name or f"{kind}-{n}.yaml")
    path.write_text(WORKLOADS[kind](n, seed), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=sorted(WORKLOADS))
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(WORKLOADS[a.kind](a.n, a.seed), end="")


if __name__ == "__main__":
    main()
