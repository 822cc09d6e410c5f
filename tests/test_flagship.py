"""SPEC §8: the flagship's public vocabulary is a published interface — every property
the SPEC states of `terms/nk-ceasefire-2020.yaml` is pinned here."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import timeutil as tu
from checker.api import CheckOptions, check_file, lint_paths, load_terms_in_force
from checker.diagnostics import Severity
from checker.resolve import TermsCache
from checker.results import FileError

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "terms" / "nk-ceasefire-2020.yaml"

PROVISIONS = [
    "1", "2", "3.troops", "3.armour", "3.vehicles", "3.exclusive", "4.term", "5",
    "6.kalbajar", "6.lachin", "6.corridor-control", "6.new-route", "6.corridor-security",
    "7", "8", "9.unblock", "9.nakhchivan-security", "9.fsb-oversight", "9.new-links",
]  # fmt: skip
ACTORS = ["AZ", "AM", "RU", "AZ-forces", "AM-forces", "NK-forces", "RU-peacekeepers", "RU-border-guards", "TR", "UNHCR"]  # fmt: skip
PLACES = ["conflict-zone", "nk", "contact-line", "shusha", "stepanakert", "hadrut", "aghdam", "kalbajar", "lachin", "lachin-corridor", "nakhchivan-link", "armenia"]  # fmt: skip
KINDS = ["hostilities", "attack", "shelling", "drone-strike", "advance", "handover", "deployment", "withdrawal", "return", "release", "obstruction", "checkpoint", "establishment", "termination-notice", "route-plan"]  # fmt: skip


@pytest.fixture(scope="module")
def terms():  # type: ignore[no-untyped-def]
    resolved, diags = load_terms_in_force(TERMS)
    assert resolved is not None, [d.render() for d in diags]
    return resolved


def test_agreement_header(terms) -> None:  # type: ignore[no-untyped-def]
    assert terms.id == "nk-ceasefire-2020"
    assert terms.in_force == tu.window_from("2020-11-09T21:00+00:00", tu.parse_zone("+00:00"))
    assert terms.zone_text == "+03:00"
    assert set(terms.parties) == {"AZ", "AM", "RU"}


def test_public_ids_exist(terms) -> None:  # type: ignore[no-untyped-def]
    assert set(ACTORS) <= set(terms.actors.ids)
    assert set(PLACES) <= set(terms.places.ids)
    assert set(KINDS) <= set(terms.kinds.ids)
    assert {"control", "troops", "armoured-vehicles", "vehicles"} <= set(terms.states)
    ids = {p.id for p in terms.provisions}
    assert set(PROVISIONS) <= ids
    assert not any(i in ids for i in PROVISIONS if "#" in i)
    assert all("#" in p.id for p in terms.provisions if p.agreement != terms.id)
    assert "gazakh-variant" in terms.interpretations
    assert [a.id for a in terms.amendments] == ["kalbajar-extension"]


def test_hierarchies(terms) -> None:  # type: ignore[no-untyped-def]
    actors, places, kinds = terms.actors, terms.places, terms.kinds
    assert actors.matches("AZ-forces", "AZ") and actors.matches("AM-forces", "AM")
    assert actors.matches("RU-peacekeepers", "RU") and actors.matches("RU-border-guards", "RU")
    for p in ("contact-line", "shusha", "stepanakert", "hadrut"):
        assert places.matches(p, "nk")
    for p in ("nk", "aghdam", "kalbajar", "lachin", "lachin-corridor"):
        assert places.matches(p, "conflict-zone")
    for p in ("aghdam", "kalbajar", "lachin"):
        assert not places.matches(p, "nk")
    assert not places.matches("armenia", "conflict-zone")
    for k in ("attack", "shelling", "drone-strike", "advance"):
        assert kinds.matches(k, "hostilities")
    assert {"from", "to"} <= set(terms.kind_defs["handover"].fields)
    dep = terms.kind_defs["deployment"].fields
    assert {"troops", "armoured_vehicles", "vehicles", "role"} <= set(dep)
    assert set(dep["role"].words) == {"peacekeeping", "monitoring", "combat"}


def test_aliases(terms) -> None:  # type: ignore[no-untyped-def]
    names = {a.casefold(): p for p, e in terms.places.entities.items() for a in e.aliases}
    assert names.get("shushi") == "shusha"
    assert names.get("khankendi") == "stepanakert" or terms.places.entities["stepanakert"].name


def test_control_state(terms) -> None:  # type: ignore[no-untyped-def]
    control = terms.states["control"]
    assert control.of == ("place",) and control.value.kind == "actor"
    changers = set(control.set_by)
    assert changers == {"handover", "advance", "checkpoint"}
    initial = terms.initial["control"]
    for district in ("aghdam", "kalbajar", "lachin"):
        assert initial[(district,)] == "AM-forces"
    for counter in ("troops", "armoured-vehicles", "vehicles"):
        s = terms.states[counter]
        assert s.is_counter and s.of == ("actor",)
        assert set(s.add) == {"deployment"} and set(s.subtract) == {"withdrawal"}


def test_kalbajar_extension(terms) -> None:  # type: ignore[no-untyped-def]
    kalbajar = terms.provision("6.kalbajar")
    assert kalbajar.amended_by == ("kalbajar-extension",)
    before, _ = load_terms_in_force(TERMS, as_of="2020-11-14")
    assert before.provision("6.kalbajar").amended_by == ()


def _keepable(tmp: Path, as_of: str) -> Path:
    text = f"""\
scenario:
  id: keepable-{as_of}
  terms: {TERMS}
  as_of: {as_of}
reports:
  - {{id: aghdam, event: handover, place: aghdam, from: AM-forces, to: AZ-forces, date: 2020-11-20}}
  - {{id: kalbajar, event: handover, place: kalbajar, from: AM-forces, to: AZ-forces, date: 2020-11-25}}
  - {{id: lachin, event: handover, place: lachin, from: AM-forces, to: AZ-forces, date: 2020-12-01}}
  - id: peacekeepers
    event: deployment
    actor: RU-peacekeepers
    place: {{one_of: [nk, lachin-corridor]}}
    troops: 1960
    armoured_vehicles: 90
    vehicles: 380
    role: peacekeeping
    date: {{from: 2020-11-10, to: 2020-11-20}}
"""
    path = tmp / f"keepable-{as_of}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("as_of", ["2020-11-20", "2020-12-01", "2021-06-01", "2023-11-09"])
def test_keepable_scenario_is_consistent(tmp_path: Path, as_of: str) -> None:
    result = check_file(_keepable(tmp_path, as_of), TermsCache(), CheckOptions())
    assert not isinstance(result, FileError), [d.render() for d in result.diagnostics]
    assert result.verdict == "consistent", [(p.id, p.verdict) for p in result.provisions]


@pytest.mark.parametrize("as_of", ["2020-11-10", "2020-11-12", "2020-11-14"])
def test_reporting_nothing_is_consistent_before_kalbajar_deadline(
    tmp_path: Path, as_of: str
) -> None:
    path = tmp_path / "nothing.yaml"
    path.write_text(f"scenario:\n  id: nothing\n  terms: {TERMS}\n  as_of: {as_of}\nreports: []\n")
    result = check_file(path, TermsCache(), CheckOptions())
    assert not isinstance(result, FileError)
    assert result.verdict == "consistent", [(p.id, p.verdict) for p in result.provisions]


def test_terms_lint_proves_joint_satisfiability() -> None:
    errors = [d for d in lint_paths([TERMS]) if d.severity is Severity.ERROR]
    assert errors == []


def test_every_point_is_encoded(terms) -> None:  # type: ignore[no-untyped-def]
    points = {p.point for p in terms.provisions if p.agreement == terms.id}
    assert {str(i) for i in range(1, 10)} <= points
