"""Stage 3, `checker.resolve`: every construct of SPEC §3–4 resolves to the expected
IR (`checker.ir`), and every reference problem is reported at the offending key
or value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.diagnostics import Diagnostics
from checker.durations import Duration
from checker.ir import (
    OTHER,
    AbsenceReport,
    Anchored,
    BoolAttr,
    CatAttr,
    CatTest,
    EventReport,
    FieldType,
    Fixed,
    NumAttr,
    NumTest,
    Provision,
    Scenario,
    StateCond,
    StateReport,
    Terms,
    TextAttr,
    Total,
    Window,
)
from checker.load import load_scenario, load_terms
from checker.resolve import TermsCache, TermsResolver, resolve_scenario

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, off: int = 3) -> int:
    """The minute since the epoch of a wall time at UTC offset `off` hours."""
    local = datetime(y, m, d, hh, mm, tzinfo=timezone(timedelta(hours=off)))
    return int((local - _EPOCH).total_seconds() // 60)


def day_end(y: int, m: int, d: int) -> int:
    """The last minute of a day at +03:00."""
    return at(y, m, d) + 24 * 60 - 1


IN_FORCE = at(2020, 11, 10)

TERMS = """\
agreement:
  id: demo
  title: Demo agreement
  signed: 2020-11-09
  in_force: 2020-11-10T00:00+03:00
  timezone: "+03:00"
  parties: [AZ, AM, RU]
  sources: [https://example.org/a]
actors:
  AZ: {name: Republic of Azerbaijan}
  AM: {name: Republic of Armenia, aliases: [Armenia]}
  RU: {name: Russian Federation}
  TR: {}
  AZ-forces: {name: Armed Forces of Azerbaijan, part_of: AZ}
  AM-forces: {part_of: AM}
  RU-peacekeepers: {name: Russian peacekeeping contingent, part_of: RU}
  RU-border-guards: {part_of: [RU]}
places:
  conflict-zone: {name: area of the conflict}
  nk: {name: Nagorno-Karabakh, aliases: [Artsakh], part_of: conflict-zone}
  shusha: {aliases: [Shushi], part_of: nk}
  lachin: {part_of: conflict-zone}
  lachin-corridor: {part_of: [lachin, conflict-zone], width_km: 5}
  aghdam: {part_of: conflict-zone}
events:
  hostilities: {fields: {weapon: text}}
  shelling: {is_a: hostilities, fields: {calibre: int}}
  advance: {is_a: [hostilities]}
  handover: {fields: {from: actor, to: actor}}
  deployment:
    fields: {troops: int, role: [peacekeeping, monitoring, combat], armed: bool, cost: number, base: place}
  withdrawal: {fields: {troops: int}}
  return: {fields: {persons: int, supervised_by: actor}}
  checkpoint: {}
  termination-notice: {}
  establishment: {fields: {facility: [peacekeeping-centre, monitoring-centre]}}
states:
  control:
    of: place
    value: actor
    set_by:
      handover: {to: to, was: from}
      advance: {to: actor}
      checkpoint: actor
  strength:
    of: actor
    value: int
    add: {deployment: troops}
    subtract: {withdrawal: troops}
  presence:
    of: [actor, place]
    value: int
    add: {deployment: troops}
    subtract: {withdrawal: troops}
  mood:
    of: place
    value: [calm, tense]
initial:
  control: {aghdam: AM-forces, Shushi: AZ-forces}
  strength: {RU-peacekeepers: 0}
  presence:
    - {actor: AM-forces, place: nk, value: 5000}
  mood: {nk: tense}
periods:
  mandate:
    from: 2020-11-10T00:00+03:00
    length: 5 years
    renews: 5 years
    notice: {kind: termination-notice, by: [AZ, AM], before_end: 6 months}
  winter: {from: 2020-12-01, until: 2021-02-28}
  spring: {from: 2021-03-01, before: 2021-06-01}
provisions:
  - id: "1"
    point: 1
    text: A complete ceasefire.
    forbid: {kind: hostilities, place: conflict-zone}
    unless: {actor: RU-peacekeepers}
    responsible: actor
  - id: centre
    text: A centre shall be established.
    require: {kind: establishment, facility: peacekeeping-centre}
    from: 2020-11-12
    before: 2020-12-01
  - id: returns
    text: 100 persons return by 1 December.
    require: {kind: return}
    total: {of: persons, min: 100}
    until: 2020-12-01
  - id: exclusive
    text: Peacekeeping only by RU.
    each: {kind: deployment, role: peacekeeping, place: [nk, lachin-corridor]}
    must: {actor: RU-peacekeepers}
    during: mandate
  - id: aghdam
    point: "2"
    text: Aghdam returned by 20 November.
    achieve: {state: control, of: aghdam, is: AZ}
    by: 2020-11-20
    once: true
    responsible: Armenia
  - id: cap
    text: at most 1,960 troops
    maintain: {state: strength, of: RU-peacekeepers, max: 1960}
    until: 2025-11-10
  - id: nk-empty
    text: Armenian forces leave Nagorno-Karabakh within 5 days of its handover.
    maintain: {state: presence, of: [AM-forces, Artsakh], max: 0}
    from: {after: {kind: handover, place: nk}, offset: 5 days}
  - id: words
    text: The parties shall strive for peace.
    unformalized: no observable event
  - id: monitors
    text: monitors within 72 hours of the centre
    require: {kind: deployment, role: monitoring, troops: {min: 10}, armed: false}
    from: {after: {kind: establishment}}
    until: {after: {kind: establishment}, offset: 72 hours}
    binding: false
    note: a goal
amendments:
  - id: extension
    adopted: 2020-11-15
    text: deadlines moved
    source: announced 2020-11-15
    changes:
      aghdam: {by: 2020-11-25}
      returns: {by: 2020-12-10}
  - id: later
    adopted: 2021-01-01
    text: cap removed, calm required
    removes: [cap]
    adds:
      - id: calm
        text: calm in nk
        maintain: {state: mood, of: nk, is: calm}
interpretations:
  strict:
    text: the centre is due by the end of November
    changes:
      centre: {by: 2020-11-30}
"""


def _codes(diags: Diagnostics) -> list[str]:
    return [f"{d.code}@{d.span.line}:{d.span.column}" for d in diags.sorted()]


def _load(path: Path, diags: Diagnostics):  # type: ignore[no-untyped-def]
    return load_terms(path, diags)


def resolver(path: Path) -> tuple[TermsResolver | None, Diagnostics]:
    diags = Diagnostics()
    loaded = load_terms(path, diags)
    if loaded is None:
        return None, diags
    return TermsResolver(loaded, diags, _load), diags


def terms_of(
    tmp_path: Path,
    text: str = TERMS,
    as_of: int | None = None,
    interpretation: str | None = None,
) -> tuple[Terms | None, list[str]]:
    path = tmp_path / "terms.yaml"
    path.write_text(text, encoding="utf-8")
    res, diags = resolver(path)
    if res is None or not res.ok:
        return None, _codes(diags)
    return res.resolve(as_of, interpretation), _codes(diags)


@pytest.fixture
def terms(tmp_path: Path) -> Terms:
    """The demo terms at 20 November 2020 (the first amendment applied)."""
    t, problems = terms_of(tmp_path, as_of=day_end(2020, 11, 20))
    assert problems == []
    assert t is not None
    return t


def prov(terms: Terms, pid: str) -> Provision:
    p = terms.provision(pid)
    assert p is not None, pid
    return p


# ---- agreement and vocabulary ------------------------------------------------


def test_agreement(terms: Terms) -> None:
    assert terms.id == "demo"
    assert terms.title == "Demo agreement"
    assert terms.in_force == IN_FORCE
    assert terms.zone_text == "+03:00"
    assert terms.parties == ("AZ", "AM", "RU")
    assert terms.sources == ("https://example.org/a",)


def test_entities_keep_names_aliases_and_extra_attributes(terms: Terms) -> None:
    nk = terms.places.entities["nk"]
    assert (nk.name, nk.aliases, nk.parents) == (
        "Nagorno-Karabakh",
        ("Artsakh",),
        ("conflict-zone",),
    )
    corridor = terms.places.entities["lachin-corridor"]
    assert corridor.parents == ("lachin", "conflict-zone")
    assert corridor.extra == (("width_km", "5"),)
    assert terms.actors.entities["RU-border-guards"].parents == ("RU",)


def test_part_of_closure(terms: Terms) -> None:
    anc = terms.places.ancestors
    assert anc["shusha"] == {"shusha", "nk", "conflict-zone"}
    assert anc["lachin-corridor"] == {"lachin-corridor", "lachin", "conflict-zone"}
    assert terms.actors.ancestors["AZ-forces"] == {"AZ-forces", "AZ"}
    assert terms.places.matches("shusha", "conflict-zone")
    assert not terms.places.matches("aghdam", "nk")
    assert not terms.places.matches(OTHER, "nk")
    assert terms.places.descendants("nk") == {"nk", "shusha"}
    assert terms.actors.descendants("RU") == {"RU", "RU-peacekeepers", "RU-border-guards"}


def test_is_a_closure(terms: Terms) -> None:
    assert terms.kinds.ancestors["shelling"] == {"shelling", "hostilities"}
    assert terms.kinds.descendants("hostilities") == {"hostilities", "shelling", "advance"}


def test_kind_fields_are_inherited_along_is_a(terms: Terms) -> None:
    assert terms.kind_defs["hostilities"].fields == {"weapon": FieldType("text")}
    assert terms.kind_defs["shelling"].fields == {
        "weapon": FieldType("text"),
        "calibre": FieldType("int"),
    }
    assert terms.kind_defs["advance"].fields == {"weapon": FieldType("text")}
    dep = terms.kind_defs["deployment"].fields
    assert dep == {
        "troops": FieldType("int"),
        "role": FieldType("enum", ("peacekeeping", "monitoring", "combat")),
        "armed": FieldType("bool"),
        "cost": FieldType("number"),
        "base": FieldType("place"),
    }


def test_nearest_field_definition_wins(tmp_path: Path) -> None:
    text = TERMS.replace(
        "  shelling: {is_a: hostilities, fields: {calibre: int}}",
        "  shelling: {is_a: hostilities, fields: {calibre: int, weapon: [gun, mortar]}}",
    )
    t, problems = terms_of(tmp_path, text)
    assert problems == [] and t is not None
    assert t.kind_defs["shelling"].fields["weapon"] == FieldType("enum", ("gun", "mortar"))
    assert t.kind_defs["hostilities"].fields["weapon"] == FieldType("text")


# ---- states, initial values, periods ------------------------------------------


def test_states(terms: Terms) -> None:
    control = terms.states["control"]
    assert (control.of, control.value, control.is_counter) == (
        ("place",),
        FieldType("actor"),
        False,
    )
    assert control.set_by == {
        "handover": ("to", "from"),
        "advance": ("actor", None),
        "checkpoint": ("actor", None),
    }
    strength = terms.states["strength"]
    assert strength.is_counter and strength.of == ("actor",)
    assert (strength.add, strength.subtract) == ({"deployment": "troops"}, {"withdrawal": "troops"})
    assert terms.states["presence"].of == ("actor", "place")
    assert terms.states["mood"].value == FieldType("enum", ("calm", "tense"))


def test_initial_values_by_name_and_pair(terms: Terms) -> None:
    assert terms.initial == {
        "control": {("aghdam",): "AM-forces", ("shusha",): "AZ-forces"},
        "strength": {("RU-peacekeepers",): 0},
        "presence": {("AM-forces", "nk"): 5000},
        "mood": {("nk",): "tense"},
    }


def test_periods(terms: Terms) -> None:
    mandate = terms.periods["mandate"]
    assert (mandate.start, mandate.end) == (IN_FORCE, None)
    assert mandate.length == Duration((("months", 60),), "5 years")
    assert mandate.renews == Duration((("months", 60),), "5 years")
    assert mandate.notice is not None
    assert mandate.notice.before_end == Duration((("months", 6),), "6 months")
    assert mandate.notice.match.kinds == CatTest(frozenset({"termination-notice"}))
    # `by: [AZ, AM]` matches through part_of
    assert mandate.notice.match.actor == CatTest(frozenset({"AZ", "AZ-forces", "AM", "AM-forces"}))
    winter = terms.periods["winter"]
    assert (winter.start, winter.end) == (at(2020, 12, 1), day_end(2021, 2, 28))
    spring = terms.periods["spring"]
    assert (spring.start, spring.end) == (at(2021, 3, 1), day_end(2021, 5, 31))


# ---- provisions: the six forms and their windows --------------------------------


def test_forbid_with_unless_and_responsible_actor(terms: Terms) -> None:
    p = prov(terms, "1")
    assert (p.form, p.point, p.responsible, p.binding) == ("forbid", "1", ("actor",), True)
    assert p.match is not None and p.unless is not None
    assert p.match.kinds == CatTest(frozenset({"hostilities", "shelling", "advance"}))
    assert p.match.place == CatTest(
        frozenset({"conflict-zone", "nk", "shusha", "lachin", "lachin-corridor", "aghdam"})
    )
    assert p.unless.actor == CatTest(frozenset({"RU-peacekeepers"}))
    assert p.window == Window()  # from in_force, no end
    assert p.agreement == "demo"


def test_require_from_before(terms: Terms) -> None:
    p = prov(terms, "centre")
    assert p.form == "require"
    assert p.match is not None
    assert p.match.fields == (("facility", CatTest(frozenset({"peacekeeping-centre"}))),)
    assert p.window == Window(Fixed(at(2020, 11, 12)), Fixed(day_end(2020, 11, 30)))
    assert p.window_text == "from 2020-11-12 before 2020-12-01"


def test_require_total(terms: Terms) -> None:
    p = prov(terms, "returns")
    assert p.total == Total("persons", 100)


def test_each_must_during(terms: Terms) -> None:
    p = prov(terms, "exclusive")
    assert p.form == "each"
    assert p.match is not None and p.must is not None
    assert p.match.place == CatTest(frozenset({"nk", "shusha", "lachin-corridor"}))
    assert p.match.fields == (("role", CatTest(frozenset({"peacekeeping"}))),)
    assert p.must.actor == CatTest(frozenset({"RU-peacekeepers"}))
    assert p.window == Window(during="mandate")


def test_achieve_by_once_and_responsible_by_alias(terms: Terms) -> None:
    p = prov(terms, "aghdam")
    assert (p.form, p.point, p.once, p.responsible) == ("achieve", "2", True, ("AM",))
    assert p.cond == StateCond("control", ("aghdam",), CatTest(frozenset({"AZ", "AZ-forces"})))


def test_maintain_until(terms: Terms) -> None:
    p = prov(terms, "cap")
    assert p.cond == StateCond("strength", ("RU-peacekeepers",), None, None, 1960)
    assert p.window == Window(None, Fixed(day_end(2025, 11, 10)))


def test_maintain_pair_key_from_relative_start(terms: Terms) -> None:
    p = prov(terms, "nk-empty")
    assert p.cond == StateCond("presence", ("AM-forces", "nk"), None, None, 0)
    start = p.window.start
    assert isinstance(start, Anchored)
    assert start.shift.apply(0) == 5 * 24 * 60
    assert start.matches[0].kinds == CatTest(frozenset({"handover"}))
    assert start.matches[0].place == CatTest(frozenset({"nk", "shusha"}))
    assert p.window.end is None


def test_relative_window_both_ends_binding_false_note(terms: Terms) -> None:
    p = prov(terms, "monitors")
    assert (p.binding, p.note) == (False, "a goal")
    assert isinstance(p.window.start, Anchored) and isinstance(p.window.end, Anchored)
    assert (p.window.start.shift.apply(0), p.window.end.shift.apply(0)) == (0, 72 * 60)
    assert p.match is not None
    assert dict(p.match.fields) == {
        "role": CatTest(frozenset({"monitoring"})),
        "troops": NumTest(((10, None),)),
        "armed": CatTest(frozenset({"false"})),
    }


def test_unformalized(terms: Terms) -> None:
    p = prov(terms, "words")
    assert (p.form, p.reason, p.window) == ("unformalized", "no observable event", Window())


def test_relative_before_ends_a_minute_before_the_event(tmp_path: Path) -> None:
    text = TERMS.replace(
        "    until: 2025-11-10\n",
        "    before: {after: {kind: withdrawal}, offset: 2 weeks}\n",
    )
    t, problems = terms_of(tmp_path, text, as_of=day_end(2020, 11, 20))
    assert problems == [] and t is not None
    end = prov(t, "cap").window.end
    assert isinstance(end, Anchored)
    assert end.shift.apply(0) == 14 * 24 * 60 - 1


def test_match_values_not_lists_and_ranges(tmp_path: Path) -> None:
    text = TERMS.replace(
        "    forbid: {kind: hostilities, place: conflict-zone}\n",
        "    forbid: {kind: {not: advance}, actor: [armenia, azerbaijan forces], place: {not: nk},"
        " calibre: {min: 100, max: 200}, troops: [5, 6]}\n",
    ).replace(
        "  AZ-forces: {name: Armed Forces of Azerbaijan, part_of: AZ}",
        "  AZ-forces: {name: Armed Forces of Azerbaijan, aliases: [Azerbaijan forces], part_of: AZ}",
    )
    t, problems = terms_of(tmp_path, text)
    assert problems == [] and t is not None
    m = prov(t, "1").match
    assert m is not None
    assert m.kinds == CatTest(frozenset({"advance"}), negate=True)
    assert m.actor == CatTest(frozenset({"AM", "AM-forces", "AZ-forces"}))
    assert m.place == CatTest(frozenset({"nk", "shusha"}), negate=True)
    assert m.fields == (
        ("calibre", NumTest(((100, 200),))),
        ("troops", NumTest(((5, 5), (6, 6)))),
    )


# ---- amendments and interpretations ------------------------------------------------


def test_amendment_applied_only_when_adopted_by_as_of(tmp_path: Path) -> None:
    before, _ = terms_of(tmp_path, as_of=at(2020, 11, 15) - 1)
    assert before is not None
    assert prov(before, "aghdam").window.end == Fixed(day_end(2020, 11, 20))
    assert prov(before, "aghdam").amended_by == ()
    assert [(a.id, a.applied) for a in before.amendments] == [
        ("extension", False),
        ("later", False),
    ]
    on_the_day, _ = terms_of(tmp_path, as_of=at(2020, 11, 15))  # adopted at its first minute
    assert on_the_day is not None
    assert prov(on_the_day, "aghdam").window.end == Fixed(day_end(2020, 11, 25))
    assert prov(on_the_day, "aghdam").amended_by == ("extension",)
    assert [(a.id, a.applied) for a in on_the_day.amendments] == [
        ("extension", True),
        ("later", False),
    ]
    assert on_the_day.amendments[0].adopted == at(2020, 11, 15)


def test_amendment_by_replaces_until(terms: Terms) -> None:
    p = prov(terms, "returns")
    assert p.window == Window(None, Fixed(day_end(2020, 12, 10)))
    assert p.window_text == "by 2020-12-10"
    assert p.amended_by == ("extension",)
    assert p.total == Total("persons", 100)  # the keys not changed are kept


def test_amendment_adds_and_removes(tmp_path: Path) -> None:
    t, _ = terms_of(tmp_path, as_of=None)  # every amendment
    assert t is not None
    ids = [p.id for p in t.provisions]
    assert "cap" not in ids
    calm = prov(t, "calm")
    assert calm.amended_by == ("later",)
    assert calm.cond == StateCond("mood", ("nk",), CatTest(frozenset({"calm"})))


def test_amendments_apply_in_order_of_adoption(tmp_path: Path) -> None:
    text = TERMS.replace(
        "amendments:\n",
        "amendments:\n"
        "  - id: second\n"
        "    adopted: 2020-11-18\n"
        "    text: later still\n"
        "    changes: {aghdam: {by: 2020-11-28}}\n",
    )
    t, problems = terms_of(tmp_path, text, as_of=day_end(2020, 11, 20))
    assert problems == [] and t is not None
    p = prov(t, "aghdam")
    assert p.window.end == Fixed(day_end(2020, 11, 28))
    assert p.amended_by == ("extension", "second")


def test_interpretation_is_used_only_when_chosen(tmp_path: Path) -> None:
    plain, _ = terms_of(tmp_path)
    strict, _ = terms_of(tmp_path, interpretation="strict")
    assert plain is not None and strict is not None
    assert plain.interpretations == ("strict",)
    assert prov(plain, "centre").interpreted_by is None
    centre = prov(strict, "centre")
    assert centre.interpreted_by == "strict"
    assert strict.interpretation == "strict"
    # `by` replaced the provision's `before`; its `from` stays
    assert centre.window == Window(Fixed(at(2020, 11, 12)), Fixed(day_end(2020, 11, 30)))


# ---- reference problems in terms, at the offending key or value -------------------

MINI = """\
agreement:
  id: mini
  in_force: 2020-11-10
  timezone: "+03:00"
  parties: [AZ, AM]
actors:
  AZ: {name: Azerbaijan}
  AM: {name: Armenia}
places:
  nk: {}
events:
  handover: {fields: {from: actor, to: actor}}
states:
  control: {of: place, value: actor, set_by: {handover: {to: to}}}
provisions:
  - id: p
    text: t
    forbid: {kind: handover}
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # unknown parent, at the value
        ("  nk: {}", "  nk: {part_of: zone}", ["R201@10:17"]),
        ("  nk: {}", "  nk: {part_of: [nk2, nk]}", ["R201@10:18", "R203@10:23"]),
        # a cycle, at the link out of its first member (in sorted order)
        ("  nk: {}", "  nk: {part_of: nk}", ["R203@10:17"]),
        (
            "  AZ: {name: Azerbaijan}\n  AM: {name: Armenia}",
            "  AZ: {name: Azerbaijan, part_of: AM}\n  AM: {name: Armenia, part_of: AZ}",
            ["R203@8:32"],
        ),
        # an ambiguous name
        (
            "  AM: {name: Armenia}\nplaces:",
            "  AM: {name: Armenia}\n  AM2: {aliases: [armenia]}\nplaces:",
            [],
        ),
        (
            "    forbid: {kind: handover}",
            "    forbid: {kind: handover, actor: ARMENIA}\n    note: AM2",
            ["R202@19:37"],
        ),
        # a field the kind does not have
        ("    forbid: {kind: handover}", "    forbid: {kind: handover, colour: red}", ["R204@18:30"]),
        ("{handover: {to: to}}", "{handover: {to: too}}", ["R204@14:62"]),
        # an unknown state, kind, period
        ("    forbid: {kind: handover}", "    achieve: {state: ctrl, of: nk, is: AZ}", ["R201@18:22"]),
        ("    forbid: {kind: handover}", "    forbid: {kind: handoff}", ["R201@18:20"]),
        ("    forbid: {kind: handover}", "    forbid: {kind: handover}\n    during: q", ["R201@19:13"]),
        # two forms: at the second
        (
            "    forbid: {kind: handover}",
            "    forbid: {kind: handover}\n    require: {kind: handover}",
            ["S105@19:5"],
        ),
        # no form: at the provision
        ("    forbid: {kind: handover}", "    note: none", ["S105@16:5"]),
        # two window ends: at the second
        ("    forbid: {kind: handover}", "    forbid: {kind: handover}\n    until: 2021-01-01\n"
         "    by: 2021-01-02", ["S105@20:5"]),
        # reversed window: at its end
        ("    forbid: {kind: handover}", "    forbid: {kind: handover}\n    from: 2021-01-01\n"
         "    until: 2020-12-01", ["T303@20:12"]),
        # months after an event whose time is uncertain
        ("    forbid: {kind: handover}", "    forbid: {kind: handover}\n"
         "    until: {after: {kind: handover}, offset: 6 months}", ["T304@19:46"]),
        # a bad zone, a bad date
        ('  timezone: "+03:00"', '  timezone: "Mars/Olympus"', ["T302@4:13"]),
        ("  in_force: 2020-11-10", "  in_force: 2020-02-30", ["T301@3:13"]),
        # `each` without `must`: at the `each` key
        ("    forbid: {kind: handover}", "    each: {kind: handover}", ["S102@18:5"]),
        # a party that is not an actor
        ("  parties: [AZ, AM]", "  parties: [AZ, AMM]", ["R201@5:17"]),
        # an unknown amendment target
        ("    forbid: {kind: handover}", "    forbid: {kind: handover}\namendments:\n  - id: a\n"
         "    adopted: 2020-11-11\n    text: t\n    changes: {q: {by: 2020-12-01}}", ["R208@23:15"]),
    ],
)  # fmt: skip
def test_reference_problems_at_their_position(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    assert old in MINI
    text = MINI.replace(old, new)
    if new.endswith("note: AM2"):
        text = text.replace(
            "  AM: {name: Armenia}\n", "  AM: {name: Armenia}\n  AM2: {aliases: [armenia]}\n"
        )
    _, problems = terms_of(tmp_path, text)
    assert problems == expected


AMENDED = (
    MINI
    + """\
amendments:
  - id: a
    adopted: 2020-11-11
    text: t
    changes:
      p: CHANGE
"""
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("{forbid: 5}", ["S103@24:19"]),
        ("{by: {after: 5}}", ["S103@24:23"]),
        ("{colour: red}", ["S101@24:11"]),
        ("{text: null}", ["S103@24:17"]),
        ("{until: 2020-13-01}", ["T301@24:18"]),
        ("{by: {after: {kind: handover}, offset: 1 month}}", ["T304@24:49"]),
        ("{id: q}", ["R210@24:11"]),
        ("{forbid: {kind: handover, colour: red}}", ["R204@24:36"]),
    ],
)
def test_problems_in_amended_keys_are_reported_in_the_amendment(
    tmp_path: Path, change: str, expected: list[str]
) -> None:
    _, problems = terms_of(tmp_path, AMENDED.replace("CHANGE", change))
    assert problems == expected


def test_messages_of_reference_problems(tmp_path: Path) -> None:
    text = MINI.replace("  nk: {}", "  nk: {part_of: nk}").replace(
        "    forbid: {kind: handover}", "    forbid: {kind: handovr}"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text)
    res, diags = resolver(path)
    assert res is not None
    res.resolve(None, None)
    messages = {d.code: (d.message, d.hint) for d in diags.sorted()}
    assert messages["R203"][0] == "`part_of` has a cycle: `nk` -> `nk`"
    assert messages["R201"] == ("unknown event kind `handovr`", "did you mean `handover`?")


# ---- includes ----------------------------------------------------------------------

OTHER_TERMS = """\
agreement:
  id: other
  in_force: 2020-11-10
  timezone: "+03:00"
  parties: [AZ]
actors:
  AZ: {name: Azerbaijan}
  UN: {name: United Nations}
events:
  handover: {fields: {from: actor, to: actor}}
  visit: {}
periods:
  talks: {from: 2020-12-01, until: 2020-12-31}
provisions:
  - id: p
    text: no visits by the UN
    forbid: {kind: visit, actor: UN}
"""


def _with_include(tmp_path: Path, other: str = OTHER_TERMS) -> tuple[Terms | None, list[str]]:
    (tmp_path / "sub").mkdir(exist_ok=True)
    (tmp_path / "sub" / "other.yaml").write_text(other)
    text = MINI + "includes: [sub/other.yaml]\n"
    return terms_of(tmp_path, text)


def test_include_merges_vocabulary_and_qualifies_provisions(tmp_path: Path) -> None:
    t, problems = _with_include(tmp_path)
    assert problems == [] and t is not None
    assert set(t.actors.ids) == {"AZ", "AM", "UN"}
    assert "visit" in t.kinds.ids
    assert "talks" in t.periods
    assert [p.id for p in t.provisions] == ["p", "other#p"]
    included = prov(t, "other#p")
    assert included.agreement == "other"
    assert prov(t, "p").agreement == "mini"


def test_include_identical_redefinition_is_fine(tmp_path: Path) -> None:
    # `AZ` and `handover` are defined in both files, identically
    _, problems = _with_include(tmp_path)
    assert problems == []


def test_include_different_redefinition_is_r207(tmp_path: Path) -> None:
    other = OTHER_TERMS.replace("  AZ: {name: Azerbaijan}", "  AZ: {name: Republic of Azerbaijan}")
    _, problems = _with_include(tmp_path, other)
    assert problems == ["R207@7:3"]  # at the second definition, in the included file
    res, diags = resolver(tmp_path / "terms.yaml")
    (d,) = diags.sorted()
    assert d.span.file.endswith("other.yaml")
    assert [(r.file, r.line, r.column) for r in d.related] == [(str(tmp_path / "terms.yaml"), 7, 3)]


def test_include_cycle_is_r211(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(OTHER_TERMS + "includes: [terms.yaml]\n")
    _, problems = terms_of(tmp_path, MINI + "includes: [b.yaml]\n")
    assert problems == ["R211@18:12"]  # at `terms.yaml` in b.yaml


def test_include_of_itself_is_r211(tmp_path: Path) -> None:
    _, problems = terms_of(tmp_path, MINI + "includes: [terms.yaml]\n")
    assert problems == ["R211@19:12"]


def test_missing_include_is_r206(tmp_path: Path) -> None:
    _, problems = terms_of(tmp_path, MINI + "includes: [nowhere.yaml]\n")
    assert sorted(problems) == ["R206@19:12", "Y001@1:1"]


# ---- scenarios -----------------------------------------------------------------------

SCENARIO = """\
scenario:
  id: all-forms
  title: every report form
  terms: terms.yaml
  as_of: 2020-12-01
  world: open
  complete:
    - {kind: handover}
    - {match: {kind: return}, date: {from: 2020-11-10, to: 2020-11-20}}
  interpretation: strict
reports:
  - id: exact
    event: handover
    place: aghdam
    actor: armenia
    from: AM-forces
    to: Republic of azerbaijan
    time: 2020-11-20T10:15+04:00
    source: {by: MoD, published: 2020-11-20, url: https://example.org/x, reliability: 0.9}
  - id: day
    event: shelling
    actor: {one_of: [AZ-forces, AM-forces]}
    place: Shushi
    calibre: {min: 100, max: 155}
    date: 2020-11-11
    source: a newspaper
    same_as: month
  - id: month
    event: hostilities
    actor: unknown
    date: 2020-11
    after: exact
  - id: year
    event: deployment
    troops: 1960
    role: {one_of: [peacekeeping, monitoring]}
    armed: true
    cost: 2.5
    base: nk
    date: 2020
    before: exact
  - event: withdrawal
    date: {from: 2020-11-11, to: 2020-11-13}
  - event: withdrawal
    date: {after: 2020-11-10}
  - event: withdrawal
    date: {before: 2020-11-20}
  - event: withdrawal
  - id: quiet
    none: {kind: hostilities, place: nk, actor: {not: RU}}
    date: {from: 2020-11-10, to: 2020-11-30}
  - id: held
    state: control
    of: aghdam
    is: {one_of: [AZ, RU]}
    date: 2020-11-25
  - id: counted
    state: strength
    of: RU-peacekeepers
    min: 100
    max: 2000
  - id: pair
    state: presence
    of: [AM-forces, nk]
    is: 0
initial:
  strength: {RU-peacekeepers: 5}
  presence:
    - {actor: AM-forces, place: nk, value: 10}
expect:
  verdict: consistent
  provisions: {aghdam: complied, centre: pending}
"""


def scenario_of(tmp_path: Path, text: str = SCENARIO) -> tuple[Scenario | None, list[str]]:
    (tmp_path / "terms.yaml").write_text(TERMS)
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    diags = Diagnostics()
    loaded = load_scenario(path, diags)
    if loaded is None:
        return None, _codes(diags)
    return resolve_scenario(loaded, diags, TermsCache()), _codes(diags)


@pytest.fixture
def scen(tmp_path: Path) -> Scenario:
    s, problems = scenario_of(tmp_path)
    assert problems == []
    assert s is not None
    return s


def report(s: Scenario, rid: str):  # type: ignore[no-untyped-def]
    found = [r for r in s.reports if r.id == rid]
    assert len(found) == 1, rid
    return found[0]


ALL_ACTORS = frozenset(
    {"AZ", "AM", "RU", "TR", "AZ-forces", "AM-forces", "RU-peacekeepers", "RU-border-guards", OTHER}
)
ALL_PLACES = frozenset(
    {"conflict-zone", "nk", "shusha", "lachin", "lachin-corridor", "aghdam", OTHER}
)


def test_scenario_header(scen: Scenario) -> None:
    assert (scen.id, scen.title, scen.world, scen.interpretation) == (
        "all-forms",
        "every report form",
        "open",
        "strict",
    )
    assert scen.as_of == day_end(2020, 12, 1)
    assert scen.as_of_text == "2020-12-01"
    assert scen.terms.id == "demo"
    # the chosen interpretation and the amendments adopted by as_of are in force
    assert prov(scen.terms, "centre").interpreted_by == "strict"
    assert prov(scen.terms, "aghdam").amended_by == ("extension",)


def test_event_report_exact_time_names_and_source(scen: Scenario) -> None:
    r = report(scen, "exact")
    assert isinstance(r, EventReport)
    assert r.kinds == {"handover"}
    assert (r.lo, r.hi) == (at(2020, 11, 20, 10, 15, off=4),) * 2
    # a report names exact values: by id, name or alias, case-insensitively
    assert r.actor == CatAttr(frozenset({"AM"}))
    assert r.place == CatAttr(frozenset({"aghdam"}))
    assert dict(r.fields) == {
        "from": CatAttr(frozenset({"AM-forces"})),
        "to": CatAttr(frozenset({"AZ"})),
    }
    assert r.source is not None
    assert (r.source.by, r.source.url, r.source.reliability) == (
        "MoD",
        "https://example.org/x",
        0.9,
    )
    assert r.source.published == at(2020, 11, 20)


def test_event_report_day_one_of_bounds_same_as(scen: Scenario) -> None:
    r = report(scen, "day")
    assert isinstance(r, EventReport)
    assert r.kinds == {"shelling"}
    assert (r.lo, r.hi) == (at(2020, 11, 11), day_end(2020, 11, 11))
    assert r.actor == CatAttr(frozenset({"AZ-forces", "AM-forces"}))
    assert r.place == CatAttr(frozenset({"shusha"}))
    assert dict(r.fields) == {
        "calibre": NumAttr(100, 155, True),
        "weapon": TextAttr(None),  # omitted: unknown
    }
    assert r.same_as == "month"
    assert r.source is not None and r.source.text == "a newspaper" and r.source.by is None


def test_event_report_month_unknown_actor_after(scen: Scenario) -> None:
    r = report(scen, "month")
    assert isinstance(r, EventReport)
    assert r.kinds == {"hostilities"}  # a report names its kind exactly
    assert (r.lo, r.hi) == (at(2020, 11, 1), day_end(2020, 11, 30))
    assert r.actor == CatAttr(ALL_ACTORS)  # `unknown`: anyone, someone else included
    assert r.place == CatAttr(ALL_PLACES)  # omitted: anywhere
    assert r.after == "exact"


def test_event_report_year_typed_fields_before(scen: Scenario) -> None:
    r = report(scen, "year")
    assert isinstance(r, EventReport)
    assert (r.lo, r.hi) == (at(2020, 1, 1), day_end(2020, 12, 31))
    assert dict(r.fields) == {
        "troops": NumAttr(1960, 1960, True),
        "role": CatAttr(frozenset({"peacekeeping", "monitoring"})),
        "armed": BoolAttr(frozenset({True})),
        "cost": NumAttr(2.5, 2.5, False),
        "base": CatAttr(frozenset({"nk"})),
    }
    assert r.before == "exact"


def test_uncertain_date_windows(scen: Scenario) -> None:
    withdrawals = [
        r for r in scen.reports if isinstance(r, EventReport) and r.kinds == {"withdrawal"}
    ]
    assert [(r.id, r.lo, r.hi) for r in withdrawals] == [
        ("line-42", at(2020, 11, 11), day_end(2020, 11, 13)),  # {from, to}
        ("line-44", at(2020, 11, 11), day_end(2020, 12, 1)),  # {after}: exclusive, to as_of
        ("line-46", IN_FORCE, day_end(2020, 11, 19)),  # {before}: exclusive, from in_force
        ("line-48", IN_FORCE, day_end(2020, 12, 1)),  # no date: in_force .. as_of
    ]
    # an omitted int field is any whole number >= 0
    assert dict(withdrawals[0].fields) == {"troops": NumAttr(0, None, True)}


def test_absence_report(scen: Scenario) -> None:
    r = report(scen, "quiet")
    assert isinstance(r, AbsenceReport)
    assert (r.lo, r.hi) == (IN_FORCE, day_end(2020, 11, 30))
    assert r.match.kinds == CatTest(frozenset({"hostilities", "shelling", "advance"}))
    assert r.match.place == CatTest(frozenset({"nk", "shusha"}))
    assert r.match.actor == CatTest(frozenset({"RU", "RU-peacekeepers", "RU-border-guards"}), True)


def test_state_reports(scen: Scenario) -> None:
    held = report(scen, "held")
    assert isinstance(held, StateReport)
    assert (held.lo, held.hi) == (at(2020, 11, 25), day_end(2020, 11, 25))
    assert held.cond.state == "control" and held.cond.key == ("aghdam",)
    assert held.cond.test is not None
    assert {"AZ", "AZ-forces", "RU", "RU-peacekeepers"} <= held.cond.test.values
    counted = report(scen, "counted")
    assert isinstance(counted, StateReport)
    assert counted.cond == StateCond("strength", ("RU-peacekeepers",), None, 100, 2000)
    assert (counted.lo, counted.hi) == (IN_FORCE, day_end(2020, 12, 1))
    pair = report(scen, "pair")
    assert isinstance(pair, StateReport)
    assert pair.cond == StateCond("presence", ("AM-forces", "nk"), None, 0, 0)


def test_scenario_initial_overrides_the_terms(scen: Scenario) -> None:
    assert scen.terms.initial["strength"] == {("RU-peacekeepers",): 5}
    assert scen.terms.initial["presence"] == {("AM-forces", "nk"): 10}
    assert scen.terms.initial["control"] == {("aghdam",): "AM-forces", ("shusha",): "AZ-forces"}


def test_complete_entries(scen: Scenario) -> None:
    first, second = scen.complete
    assert first.match.kinds == CatTest(frozenset({"handover"}))
    assert (first.lo, first.hi) == (None, None)
    assert second.match.kinds == CatTest(frozenset({"return"}))
    assert (second.lo, second.hi) == (IN_FORCE, day_end(2020, 11, 20))


def test_expectations(scen: Scenario) -> None:
    assert scen.expect is not None
    assert scen.expect.verdict == "consistent"
    assert [(pid, v) for pid, v, _ in scen.expect.provisions] == [
        ("aghdam", "complied"),
        ("centre", "pending"),
    ]


def test_scenario_timezone_overrides_the_terms(tmp_path: Path) -> None:
    text = SCENARIO.replace("  world: open\n", '  world: open\n  timezone: "+00:00"\n')
    s, problems = scenario_of(tmp_path, text)
    assert problems == [] and s is not None
    assert s.as_of == at(2020, 12, 1, off=0) + 24 * 60 - 1
    assert (report(s, "day").lo, report(s, "day").hi) == (
        at(2020, 11, 11, off=0),
        at(2020, 11, 12, off=0) - 1,
    )
    # an explicit offset wins over any zone
    assert report(s, "exact").lo == at(2020, 11, 20, 10, 15, off=4)


def test_amendments_follow_the_scenario_as_of(tmp_path: Path) -> None:
    s, _ = scenario_of(tmp_path, SCENARIO.replace("as_of: 2020-12-01", "as_of: 2020-11-14"))
    assert s is not None
    assert prov(s.terms, "aghdam").amended_by == ()
    assert prov(s.terms, "aghdam").window.end == Fixed(day_end(2020, 11, 20))


# ---- reference problems in scenarios ------------------------------------------------

HEAD = """\
scenario:
  id: s
  terms: terms.yaml
  as_of: 2020-12-01
reports:
"""


@pytest.mark.parametrize(
    ("reports", "expected"),
    [
        ("  - {event: handover, actor: AZZ}\n", ["R201@6:30"]),
        ("  - {event: handovr}\n", ["R201@6:13"]),
        ("  - {event: handover, colour: red}\n", ["R204@6:23"]),
        ("  - {event: deployment, role: pecekeeping}\n", ["S104@6:31"]),
        ("  - {event: deployment, troops: many}\n", ["R205@6:33"]),
        ("  - {event: deployment, troops: -5}\n", ["R205@6:33"]),
        ("  - {event: deployment, troops: {min: 9, max: 1}}\n", ["T303@6:33"]),
        ("  - {event: deployment, armed: {one_of: [yes]}}\n", ["R205@6:42"]),
        ("  - {event: handover, place: {one_of: [nk, nowhere]}}\n", ["R201@6:44"]),
        ("  - {event: handover, date: 2020-02-30}\n", ["T301@6:29"]),
        ("  - {event: handover, date: {from: 2020-12-05, to: 2020-12-01}}\n", ["T303@6:29"]),
        ("  - {event: handover, time: 2020-11-20}\n", ["T301@6:29"]),
        ("  - {event: handover, date: 2020-11-20, time: 2020-11-20T10:00}\n", ["S105@6:41"]),
        ("  - {event: handover, none: {kind: handover}}\n", ["S105@6:23"]),
        ("  - {none: {kind: handover}, place: nk}\n", ["S101@6:30"]),
        ("  - {event: handover, same_as: nothing}\n", ["R209@6:32"]),
        ("  - {event: handover, after: nothing}\n", ["R209@6:30"]),
        ("  - {state: control, of: nk, is: AZ, actor: AZ}\n", ["S101@6:38"]),
        ("  - {state: controll, of: nk, is: AZ}\n", ["R201@6:13"]),
        ("  - {state: control, of: nk}\n", ["S102@6:5"]),
        ("  - {state: strength, of: AZ, is: many}\n", ["S103@6:35"]),
        ("  - {state: strength, of: AZ, min: 9, max: 1}\n", ["T303@6:44"]),
        ("  - {state: presence, of: AZ, max: 1}\n", ["S103@6:27"]),
        ("  - {event: handover, actor: armenia}\n", []),
        ("  - {event: deployment, troops: {min: 10, max: many}}\n", ["R205@6:48"]),
        ("  - {event: deployment, troops: {one_of: [1, x]}}\n", ["R205@6:46"]),
        ("  - {event: deployment, troops: {one_of: 5}}\n", ["S103@6:33"]),
        ("  - {event: deployment, troops: .inf}\n", ["R205@6:33"]),
        ("  - {event: handover, actor: {one_of: []}}\n", ["S103@6:39"]),
        ("  - {event: handover, actor: {one_of: [AZ], also: AM}}\n", ["S103@6:30"]),
        ("  - {event: handover, source: {published: 2020-11-31}}\n", ["T301@6:43"]),
    ],
)
def test_report_problems_at_their_position(
    tmp_path: Path, reports: str, expected: list[str]
) -> None:
    _, problems = scenario_of(tmp_path, HEAD + reports)
    assert problems == expected


def test_a_report_with_a_bad_date_is_still_checked(tmp_path: Path) -> None:
    text = HEAD + "  - {event: handover, actor: AZZ, date: 2020-02-30, colour: red}\n"
    _, problems = scenario_of(tmp_path, text)
    assert problems == ["R201@6:30", "T301@6:41", "R204@6:53"]


def test_header_problems(tmp_path: Path) -> None:
    text = HEAD.replace("  as_of: 2020-12-01\n", '  as_of: 2020-12-01\n  timezone: "Mars/X"\n')
    assert scenario_of(tmp_path, text + "  []\n")[1] == ["T302@5:13"]
    text = HEAD.replace("  as_of: 2020-12-01\n", "  as_of: 2020-12-01\n  interpretation: lax\n")
    assert scenario_of(tmp_path, text + "  []\n")[1] == ["R212@5:19"]
    text = HEAD.replace("2020-12-01", "2020-12-32")
    assert scenario_of(tmp_path, text + "  []\n")[1] == ["T301@4:10"]
    text = HEAD.replace("terms.yaml", "missing.yaml")
    problems = scenario_of(tmp_path, text + "  []\n")[1]
    assert sorted(problems) == ["R206@3:10", "Y001@1:1"]


def test_expectation_problems(tmp_path: Path) -> None:
    text = HEAD + "  []\nexpect:\n  provisions: {aghdm: violated}\n"
    _, problems = scenario_of(tmp_path, text)
    assert problems == ["R208@8:16"]


def test_closed_world_with_complete_is_an_error(tmp_path: Path) -> None:
    text = HEAD.replace(
        "  as_of: 2020-12-01\n", "  as_of: 2020-12-01\n  complete: [{kind: handover}]\n"
    )
    _, problems = scenario_of(tmp_path, text + "  []\n")
    assert problems == ["R210@5:3"]


def test_scenario_initial_problems(tmp_path: Path) -> None:
    text = HEAD + "  []\ninitial:\n  strenght: {AZ: 1}\n  control: {nowhere: AZ, nk: nobody}\n"
    _, problems = scenario_of(tmp_path, text)
    assert problems == ["R201@8:3", "R201@9:13", "R201@9:30"]
