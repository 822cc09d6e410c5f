"""Stage 2, `checker.load`: files -> pydantic models of SPEC §3–4, every schema
problem at the YAML position of the offending key or value, and the command
line's `lint` on good and bad files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checker.diagnostics import Diagnostics
from checker.load import (
    detect_kind,
    load_any,
    load_scenario,
    load_scenario_text,
    load_terms,
    load_terms_text,
)
from checker.models import ScenarioFile, TermsFile
from checker.models.common import NotValue, RangeValue
from checker.models.scenario import Bounds, DateWindow, OneOf, Source
from checker.models.terms import Notice, PairInitial, SetBy

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"

# The examples of SPEC §3, put together.
SPEC_TERMS = """\
agreement:
  id: nk-ceasefire-2020
  title: Statement by the President of the Republic of Azerbaijan
  signed: 2020-11-09
  in_force: 2020-11-10T00:00+03:00
  timezone: "+03:00"
  parties: [AZ, AM, RU]          # the signatories
  sources: [https://pax.peaceagreements.org/agreements/2324]

actors:
  AZ: {name: Republic of Azerbaijan}
  AM: {name: Republic of Armenia}
  RU: {name: Russian Federation}
  AZ-forces: {name: Armed Forces of Azerbaijan, part_of: AZ}
  AM-forces: {part_of: AM}
  IL-forces: {}
  RU-peacekeepers: {name: Russian peacekeeping contingent, part_of: RU}

places:
  conflict-zone: {name: area of the Nagorno-Karabakh conflict}
  nk: {name: Nagorno-Karabakh, aliases: [Artsakh], part_of: conflict-zone}
  shusha: {aliases: [Shushi], part_of: nk}
  lachin: {part_of: conflict-zone}
  lachin-corridor: {part_of: [lachin, conflict-zone], width_km: 5}
  aghdam: {part_of: conflict-zone}
  kalbajar: {part_of: conflict-zone}
  south-lebanon: {}

events:
  hostilities: {}
  shelling: {is_a: hostilities}
  advance: {is_a: [hostilities]}
  handover: {fields: {from: actor, to: actor}}
  deployment: {fields: {troops: int, armoured_vehicles: int, vehicles: int, role: [peacekeeping, monitoring, combat]}}
  withdrawal: {fields: {troops: int}}
  return: {fields: {persons: int, supervised_by: actor}}
  checkpoint: {}
  termination-notice: {}

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

initial:
  control: {aghdam: AM-forces, kalbajar: AM-forces, lachin: AM-forces, shusha: AZ-forces}
  strength: {RU-peacekeepers: 0}
  presence:
    - {actor: IL-forces, place: south-lebanon, value: 5000}

periods:
  peacekeeping-mandate:
    from: 2020-11-10T00:00+03:00
    length: 5 years
    renews: 5 years
    notice:
      kind: termination-notice
      by: [AZ, AM]
      before_end: 6 months

provisions:
  - id: "6.kalbajar"
    point: 6
    text: The Republic of Armenia shall return the Kalbajar District to ...
    responsible: AM
    achieve: {state: control, of: kalbajar, is: AZ}
    by: 2020-11-15
  - id: ceasefire
    text: A complete ceasefire.
    forbid: {kind: hostilities, place: conflict-zone, actor: {not: RU-peacekeepers}}
    unless: {kind: advance}
    responsible: actor
  - id: releases
    text: release 5,000 prisoners by 10 March
    require: {kind: return}
    total: {of: persons, min: 5000}
    before: 2021-03-10
  - id: returns
    text: returns under UNHCR supervision
    each: {kind: return}
    must: {supervised_by: RU}
    during: peacekeeping-mandate
  - id: cap
    text: at most 1,960 troops
    maintain: {state: strength, of: RU-peacekeepers, min: 0, max: 1960}
    from: 2020-11-10
    until: {after: {kind: withdrawal, troops: {min: 1000}}, offset: 14 days}
    binding: false
    note: a goal
  - id: text-only
    text: the parties shall strive for peace
    unformalized: no observable event

amendments:
  - id: kalbajar-extension
    adopted: 2020-11-15
    text: At Armenia's request Azerbaijan agreed to move the Kalbajar deadline to 25 November.
    source: announced by the Azerbaijani presidential aide, 2020-11-15
    changes:
      "6.kalbajar": {by: 2020-11-25}     # keys of the provision replaced
    adds: []                             # whole new provisions
    removes: []                          # provision ids

interpretations:
  gazakh-variant:
    text: the unofficial copies' point 2
    changes:
      ceasefire: {until: 2025-01-01}
    removes: [text-only]

includes: []
"""

SPEC_SCENARIO = """\
scenario:
  id: kalbajar-late
  title: Kalbajar handed over on 25 November
  terms: ../terms/nk-ceasefire-2020.yaml   # relative to this file
  as_of: 2020-12-01                         # what is known up to the end of this day
  timezone: null                            # bare dates here (and as_of's day); default: the terms'
  world: open
  complete: [{kind: handover}, {match: {kind: deployment}, date: {from: 2020-11-10, to: 2020-11-20}}]
  interpretation: null

reports:
  - id: kalbajar
    event: handover                         # an event report: the kind ...
    place: kalbajar                         # ... and its attributes
    actor: AM
    from: AM-forces
    to: AZ-forces
    date: 2020-11-25
    source: {by: Azerbaijani Ministry of Defence, published: 2020-11-25, url: https://example.org}

  - id: no-turkish-peacekeepers
    none: {kind: deployment, actor: TR, role: peacekeeping, place: nk}
    date: {from: 2020-11-10, to: 2020-11-30}   # the window the absence covers
    source: Kremlin spokesman, 2020-11-10

  - id: corridor-held
    state: control                          # a state observation, true at some minute of its date
    of: lachin-corridor
    is: RU-peacekeepers
    date: 2020-12-05

  - event: deployment
    actor: {one_of: [AZ-forces, AM-forces]}
    troops: {min: 1900, max: 2100}
    place: unknown
    time: 2020-11-10T03:15+04:00
    same_as: kalbajar
    after: kalbajar
    before: corridor-held
    source: {by: a reporter, reliability: 0.5}

expect:
  verdict: consistent
  provisions: {"6.kalbajar": complied}
"""


def _problems(diags: Diagnostics) -> list[str]:
    return [f"{d.code}@{d.span.line}:{d.span.column}" for d in diags.sorted()]


def terms_model(text: str) -> tuple[TermsFile | None, list[str]]:
    diags = Diagnostics()
    loaded = load_terms_text(text, "t.yaml", diags)
    return (loaded.model if loaded else None), _problems(diags)


def scenario_model(text: str) -> tuple[ScenarioFile | None, list[str]]:
    diags = Diagnostics()
    loaded = load_scenario_text(text, "s.yaml", diags)
    return (loaded.model if loaded else None), _problems(diags)


# ---- every construct loads to the expected model -----------------------------------


@pytest.fixture
def terms() -> TermsFile:
    model, problems = terms_model(SPEC_TERMS)
    assert problems == []
    assert model is not None
    return model


def test_agreement(terms: TermsFile) -> None:
    a = terms.agreement
    assert (a.id, a.signed, a.in_force, a.timezone) == (
        "nk-ceasefire-2020",
        "2020-11-09",
        "2020-11-10T00:00+03:00",
        "+03:00",
    )
    assert a.parties == ["AZ", "AM", "RU"]
    assert a.sources == ["https://pax.peaceagreements.org/agreements/2324"]


def test_vocabulary(terms: TermsFile) -> None:
    assert terms.actors["AZ-forces"].part_of == "AZ"
    assert terms.actors["AZ-forces"].name == "Armed Forces of Azerbaijan"
    assert terms.actors["IL-forces"].part_of is None
    assert terms.places["nk"].aliases == ["Artsakh"]
    corridor = terms.places["lachin-corridor"]
    assert corridor.part_of == ["lachin", "conflict-zone"]
    assert corridor.model_extra == {"width_km": 5}  # kept, never reasoned about
    assert terms.events["shelling"].is_a == "hostilities"
    assert terms.events["advance"].is_a == ["hostilities"]
    assert terms.events["handover"].fields == {"from": "actor", "to": "actor"}
    assert terms.events["deployment"].fields["role"] == ["peacekeeping", "monitoring", "combat"]


def test_states_and_initial(terms: TermsFile) -> None:
    control = terms.states["control"]
    assert (control.of, control.value) == ("place", "actor")
    assert control.set_by == {
        "handover": SetBy(to="to", was="from"),
        "advance": SetBy(to="actor"),
        "checkpoint": "actor",
    }
    strength = terms.states["strength"]
    assert (strength.value, strength.add, strength.subtract) == (
        "int",
        {"deployment": "troops"},
        {"withdrawal": "troops"},
    )
    assert terms.states["presence"].of == ["actor", "place"]
    assert terms.initial["control"]["kalbajar"] == "AM-forces"
    assert terms.initial["strength"] == {"RU-peacekeepers": 0}
    assert terms.initial["presence"] == [
        PairInitial(actor="IL-forces", place="south-lebanon", value=5000)
    ]


def test_periods(terms: TermsFile) -> None:
    p = terms.periods["peacekeeping-mandate"]
    assert (p.from_, p.length, p.renews) == ("2020-11-10T00:00+03:00", "5 years", "5 years")
    assert p.notice == Notice(kind="termination-notice", by=["AZ", "AM"], before_end="6 months")


def test_provisions(terms: TermsFile) -> None:
    by_id = {p.id: p for p in terms.provisions}
    k = by_id["6.kalbajar"]
    assert (k.point, k.responsible, k.by) == (6, "AM", "2020-11-15")
    assert k.achieve is not None
    assert (k.achieve.state, k.achieve.of, k.achieve.is_) == ("control", "kalbajar", "AZ")
    c = by_id["ceasefire"]
    assert c.forbid == {
        "kind": "hostilities",
        "place": "conflict-zone",
        "actor": NotValue(not_="RU-peacekeepers"),
    }
    assert c.unless is not None and c.responsible == "actor"
    r = by_id["releases"]
    assert r.total is not None and (r.total.of, r.total.min) == ("persons", 5000)
    assert r.before == "2021-03-10"
    e = by_id["returns"]
    assert e.each is not None and e.must is not None and e.during == "peacekeeping-mandate"
    m = by_id["cap"]
    assert m.maintain is not None and (m.maintain.min, m.maintain.max) == (0, 1960)
    assert (m.from_, m.binding, m.note) == ("2020-11-10", False, "a goal")
    assert m.until is not None and not isinstance(m.until, str | int)
    assert m.until.after == {"kind": "withdrawal", "troops": RangeValue(min=1000)}
    assert m.until.offset == "14 days"
    assert by_id["text-only"].unformalized == "no observable event"


def test_amendments_interpretations_includes(terms: TermsFile) -> None:
    (a,) = terms.amendments
    assert (a.id, a.adopted) == ("kalbajar-extension", "2020-11-15")
    assert a.changes == {"6.kalbajar": {"by": "2020-11-25"}}
    assert (a.adds, a.removes) == ([], [])
    i = terms.interpretations["gazakh-variant"]
    assert i.changes == {"ceasefire": {"until": "2025-01-01"}}
    assert i.removes == ["text-only"]
    assert terms.includes == []


def test_scenario_model() -> None:
    model, problems = scenario_model(SPEC_SCENARIO)
    assert problems == []
    assert model is not None
    h = model.scenario
    assert (h.id, h.as_of, h.timezone, h.world, h.interpretation) == (
        "kalbajar-late",
        "2020-12-01",
        None,
        "open",
        None,
    )
    assert h.complete[0] == {"kind": "handover"}
    assert h.complete[1].match == {"kind": "deployment"}  # type: ignore[union-attr]
    event, absence, state, uncertain = model.reports
    assert (event.event, event.date, event.model_extra) == (
        "handover",
        "2020-11-25",
        {"place": "kalbajar", "actor": "AM", "from": "AM-forces", "to": "AZ-forces"},
    )
    assert isinstance(event.source, Source) and event.source.published == "2020-11-25"
    assert absence.none == {
        "kind": "deployment",
        "actor": "TR",
        "role": "peacekeeping",
        "place": "nk",
    }
    assert absence.date == DateWindow(from_="2020-11-10", to="2020-11-30")
    assert absence.source == "Kremlin spokesman, 2020-11-10"
    assert (state.state, state.of, state.is_) == ("control", "lachin-corridor", "RU-peacekeepers")
    assert uncertain.id is None
    assert uncertain.model_extra == {
        "actor": {"one_of": ["AZ-forces", "AM-forces"]},
        "troops": {"min": 1900, "max": 2100},
        "place": "unknown",
    }
    assert (uncertain.same_as, uncertain.after, uncertain.before) == (
        "kalbajar",
        "kalbajar",
        "corridor-held",
    )
    assert isinstance(uncertain.source, Source) and uncertain.source.reliability == 0.5
    assert model.expect is not None
    assert model.expect.verdict == "consistent"
    assert model.expect.provisions == {"6.kalbajar": "complied"}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2020-11-20", "2020-11-20"),
        ("2020-11", "2020-11"),
        ("2020", 2020),  # a bare year is an int
        ("{from: 2020-12-11, to: 2020-12-13}", DateWindow(from_="2020-12-11", to="2020-12-13")),
        ("{after: 2020-11-10}", DateWindow(after="2020-11-10")),
        ("{before: 2020-12-01}", DateWindow(before="2020-12-01")),
    ],
)
def test_every_uncertain_date_form_loads(written: str, expected: object) -> None:
    text = f"scenario: {{id: s, terms: t.yaml, as_of: 2020-12-01}}\nreports:\n  - {{event: x, date: {written}}}\n"
    model, problems = scenario_model(text)
    assert problems == [] and model is not None
    assert model.reports[0].date == expected


def test_uncertain_state_values_load() -> None:
    text = (
        "scenario: {id: s, terms: t.yaml, as_of: 2020-12-01}\n"
        "reports:\n"
        "  - {state: control, of: nk, is: {one_of: [AZ, AM]}}\n"
        "  - {state: strength, of: RU, is: {min: 1, max: 5}}\n"
        "  - {state: presence, of: [RU, nk], min: 1}\n"
    )
    model, problems = scenario_model(text)
    assert problems == [] and model is not None
    assert model.reports[0].is_ == OneOf(one_of=["AZ", "AM"])
    assert model.reports[1].is_ == Bounds(min=1, max=5)
    assert (model.reports[2].of, model.reports[2].min) == (["RU", "nk"], 1)


def test_detect_kind() -> None:
    assert detect_kind({"scenario": {}}) == "scenario"
    assert detect_kind({"agreement": {}}) == "terms"
    assert detect_kind({"other": 1}) is None
    assert detect_kind([1]) is None


def test_load_any_chooses_the_language(tmp_path: Path) -> None:
    t = tmp_path / "t.yaml"
    t.write_text(SPEC_TERMS)
    s = tmp_path / "s.yaml"
    s.write_text(SPEC_SCENARIO)
    diags = Diagnostics()
    lt, ls = load_any(t, diags), load_any(s, diags)
    assert lt is not None and isinstance(lt.model, TermsFile)
    assert ls is not None and isinstance(ls.model, ScenarioFile)
    assert lt.file == str(t)
    assert load_terms(t, diags) is not None and load_scenario(s, diags) is not None
    assert list(diags) == []


# ---- schema problems, each at the offending key or value ------------------------------

TERMS_HEAD = """\
agreement:
  id: t
  in_force: 2020-11-10
  timezone: "+03:00"
  parties: [AZ]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # unknown key, at the key
        (TERMS_HEAD + "provisons: []\n", ["S101@6:1"]),
        (TERMS_HEAD.replace("  id: t\n", "  id: t\n  signd: 2020-11-09\n"), ["S101@3:3"]),
        (TERMS_HEAD + "actors:\n  AZ: {nmae: x}\n", ["S101@7:8"]),
        # missing key, at the mapping's key (or the list item) that lacks it
        (TERMS_HEAD.replace('  timezone: "+03:00"\n', ""), ["S102@1:1"]),
        (TERMS_HEAD + "periods:\n  p: {length: 5 years}\n", ["S102@7:3"]),
        (TERMS_HEAD + "provisions:\n  - id: p\n    forbid: {}\n", ["S102@7:5"]),
        # every missing key, beside the other problems of the same mapping
        (
            TERMS_HEAD + "provisions:\n  - {forbid: {}, colour: red}\n",
            ["S102@7:5", "S102@7:5", "S101@7:18"],
        ),
        # wrong type, at the value
        (TERMS_HEAD.replace("parties: [AZ]", "parties: AZ"), ["S103@5:12"]),
        (TERMS_HEAD + "provisions:\n  - {id: p, text: t, forbid: [x]}\n", ["S103@7:30"]),
        (
            TERMS_HEAD + "provisions:\n  - {id: p, text: t, forbid: {}, binding: maybe}\n",
            ["S103@7:43"],
        ),
        (TERMS_HEAD + "agreement: 5\n", ["Y007@6:1"]),
        (TERMS_HEAD + "actors: [AZ]\n", ["S103@6:9"]),
        # a word outside an enumeration, at the value
        (TERMS_HEAD + "events:\n  e: {fields: {n: integer}}\n", ["S104@7:19"]),
        (TERMS_HEAD + "states:\n  s: {of: places, value: int}\n", ["S104@7:11"]),
        # ids, at the value or the key
        (TERMS_HEAD.replace("id: t", "id: 1t"), ["S107@2:7"]),
        (TERMS_HEAD + "actors:\n  A B: {}\n", ["S107@7:3"]),
        (TERMS_HEAD + "provisions:\n  - {id: 'a b', text: t, forbid: {}}\n", ["S107@7:10"]),
        # an id repeated in one file, at the repetition
        (
            TERMS_HEAD + "provisions:\n  - {id: p, text: t, forbid: {}}\n"
            "  - {id: p, text: u, forbid: {}}\n",
            ["S106@8:10"],
        ),
        (
            TERMS_HEAD + "amendments:\n  - {id: a, adopted: 2020-11-11, text: t}\n"
            "  - {id: a, adopted: 2020-11-12, text: t}\n",
            ["S106@8:10"],
        ),
    ],
)
def test_terms_schema_problems_at_their_position(text: str, expected: list[str]) -> None:
    _, problems = terms_model(text)
    assert problems == expected


SCENARIO_HEAD = """\
scenario:
  id: s
  terms: t.yaml
  as_of: 2020-12-01
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SCENARIO_HEAD.replace("  as_of:", "  asof:"), ["S102@1:1", "S101@4:3"]),
        (SCENARIO_HEAD + "reprots: []\n", ["S101@5:1"]),
        (SCENARIO_HEAD.replace("  terms: t.yaml\n", ""), ["S102@1:1"]),
        (SCENARIO_HEAD.replace("  id: s\n", "  id: s\n  world: half\n"), ["S104@3:10"]),
        (SCENARIO_HEAD + "expect:\n  verdict: fine\n", ["S104@6:12"]),
        (SCENARIO_HEAD + "expect:\n  provisions: {a: broken}\n", ["S104@6:19"]),
        (SCENARIO_HEAD + "reports:\n  - {event: x, date: [2020]}\n", ["S103@6:22"]),
        (SCENARIO_HEAD + "reports:\n  - {event: x, date: {form: 2020-11-10}}\n", ["S101@6:23"]),
        (
            SCENARIO_HEAD + "reports:\n  - {event: x, source: {by: a, reliability: 2}}\n",
            ["S103@6:45"],
        ),
        (SCENARIO_HEAD + "reports:\n  - {event: x, same_as: 'not an id'}\n", ["S107@6:25"]),
        (
            SCENARIO_HEAD + "reports:\n  - {id: a, event: x}\n  - {id: a, event: y}\n",
            ["S106@7:10"],
        ),
        (SCENARIO_HEAD + "reports: {a: 1}\n", ["S103@5:10"]),
    ],
)
def test_scenario_schema_problems_at_their_position(text: str, expected: list[str]) -> None:
    _, problems = scenario_model(text)
    assert problems == expected


def test_unknown_key_hints_the_closest() -> None:
    diags = Diagnostics()
    load_terms_text(TERMS_HEAD + "provisons: []\n", "t.yaml", diags)
    (d,) = diags.sorted()
    assert d.message == "unknown key `provisons`"
    assert d.hint is not None and "`provisions`" in d.hint
    diags = Diagnostics()
    load_scenario_text(SCENARIO_HEAD.replace("  as_of:", "  asof:"), "s.yaml", diags)
    hints = {d.code: d.hint for d in diags.sorted()}
    assert hints["S101"] == "did you mean `as_of`?"


def test_enumeration_message_lists_the_words() -> None:
    diags = Diagnostics()
    load_scenario_text(SCENARIO_HEAD + "expect:\n  verdict: consitent\n", "s.yaml", diags)
    (d,) = diags.sorted()
    assert d.message == (
        "`consitent` is not one of `consistent`, `violation`, `incoherent`, `unknown`"
    )
    assert d.hint == "did you mean `consistent`?"


def test_messages_do_not_name_model_classes() -> None:
    diags = Diagnostics()
    load_scenario_text("scenario: 5\n", "s.yaml", diags)
    (d,) = diags.sorted()
    assert (d.code, d.span.line, d.span.column) == ("S103", 1, 11)
    assert "ScenarioHeader" not in d.message


def test_not_a_mapping_and_neither_language(tmp_path: Path) -> None:
    _, problems = scenario_model("- a\n- b\n")
    assert problems == ["S108@1:1"]
    path = tmp_path / "x.yaml"
    path.write_text("title: nothing\n")
    diags = Diagnostics()
    assert load_any(path, diags) is None
    assert _problems(diags) == ["S109@1:1"]


def test_yaml_problems_come_with_schema_problems() -> None:
    # a repeated key does not stop the rest of the file from being checked
    _, problems = scenario_model(SCENARIO_HEAD + "  id: t\nexpect: {verdict: maybe}\n")
    assert problems == ["Y007@5:3", "S104@6:19"]


# ---- the command line: `checker lint` ---------------------------------------------------

FIVE_MISTAKES = """\
scenario:
  id: five-mistakes
  terms: {terms}
  as_of: 2020-12-01
reports:
  - id: a
    event: handover
    place: aghdam
    actor: AZZ
    date: 2020-02-30
  - id: b
    event: deployment
    role: pecekeeping
    troops: many
    id: c
"""


def _lint(*paths: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker", "lint", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_lint_reports_five_mistakes_and_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "five.yaml"
    path.write_text(FIVE_MISTAKES.format(terms=CASES / "mini-terms.yaml"))
    proc = _lint(path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    located = [line for line in proc.stderr.splitlines() if line.startswith(f"{path}:")]
    positions = [line.split(": ", 1)[0].removeprefix(f"{path}:") for line in located]
    assert positions == ["9:12", "10:11", "13:11", "14:13", "15:5"], proc.stderr
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in located]
    assert codes == ["R201", "T301", "S104", "R205", "Y007"]


def test_cli_lint_valid_files_exit_0(tmp_path: Path) -> None:
    proc = _lint(CASES / "mini-terms.yaml", CASES / "engine" / "basic.yaml")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_cli_lint_bad_yaml_exits_3_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"scenario: &a [*a]\nreports: {\n\xff")
    proc = _lint(bad)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 3
    assert f"{bad}:3:1:" in proc.stderr
