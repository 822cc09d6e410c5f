"""`checker import` as a library call: every column rule, every ACLED precision code, the
GED window and ranges, unmapped values, drop rules, bad rows and bad maps — asserted by
the written reports and by diagnostic codes and positions."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from checker.datasets import acled, ucdp
from checker.datasets.writer import quoted
from checker.diagnostics import Diagnostics, Severity
from checker.ingest import ImportResult, import_dataset
from checker.yamlsource import load_text

TERMS = """\
agreement:
  id: tiny
  in_force: 2020-11-10T00:00+03:00
  timezone: "+03:00"
  parties: [AZ, AM]
actors:
  AZ: {}
  AM: {}
  AZ-forces: {part_of: AZ}
  AM-forces: {part_of: AM}
places:
  zone: {}
  nk: {part_of: zone}
  aghdam: {part_of: zone}
  armenia: {}
events:
  hostilities: {fields: {killed: int}}
  attack: {is_a: hostilities}
  handover: {fields: {from: actor, to: actor}}
  deployment: {fields: {troops: int, role: [peacekeeping, combat], share: number, told: text, sure: bool}}
provisions:
  - id: ceasefire
    text: No hostilities.
    responsible: actor
    forbid: {kind: hostilities, place: zone}
"""

ACLED_MAP = """\
actors:
  - name: [Military Forces of Azerbaijan (2003-), Government of Azerbaijan]
    actor: AZ-forces
  - regex: '^Military Forces of Armenia'
    actor: AM-forces
  - name: Unidentified Armed Group
    actor: unknown
  - name: Either Side
    actor: [AZ-forces, AM-forces]
acled:
  scenario: {id: imported, title: A test import}
  drop:
    - when: {event_type: Protests}
      reason: not in the terms
  events:
    - when: {sub_event_type: Non-violent transfer of territory}
      kind: handover
      actor: actor2
      fields: {from: actor2, to: actor1}
    - when: {event_type: Battles}
      kind: attack
      actor: [actor1, actor2]
    - when: {event_type: {regex: '^Strategic'}, notes: {regex: 'troops'}}
      kind: deployment
      fields: {role: {value: peacekeeping}, troops: fatalities, told: notes}
  fields:
    killed: fatalities
  places:
    - box: {lat: [39.0, 39.5], lon: [46.0, 46.5]}
      place: armenia
    - when: {location: [Hin Tagher, Boyuk Taghlar]}
      place: nk
    - when: {location: {regex: 'corridor'}}
      place: [nk, aghdam]
    - when: {admin1: Aghdam}
      place: aghdam
    - when: {admin1: {regex: '.'}}
      place: zone
"""

UCDP_MAP = """\
actors:
  - name: Government of Azerbaijan
    actor: AZ-forces
  - name: Government of Armenia
    actor: AM-forces
ucdp:
  events:
    - when: {type_of_violence: ['1', '2']}
      kind: attack
      actor: [side_a, side_b]
  fields:
    killed: {min: low, max: high}
  places:
    - when: {adm_1: Aghdam}
      place: aghdam
"""


ACLED_ROW = {
    "event_id_cnty": "AZE1",
    "event_date": "2020-12-12",
    "time_precision": "1",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Azerbaijan (2003-)",
    "actor2": "Military Forces of Armenia (2018-)",
    "admin1": "Aghdam",
    "location": "Aghdam",
    "source": "A news agency",
    "notes": "Shots were fired.",
    "fatalities": "2",
}
UCDP_ROW = {
    "id": "101",
    "type_of_violence": "1",
    "side_a": "Government of Azerbaijan",
    "side_b": "Government of Armenia",
    "adm_1": "Aghdam",
    "date_start": "2020-12-12",
    "date_end": "2020-12-12",
    "best": "3",
    "low": "2",
    "high": "5",
    "source_article": "A news agency",
}


def acled_row(**values: str) -> dict[str, str]:
    return {**ACLED_ROW, **values}


def ucdp_row(**values: str) -> dict[str, str]:
    return {**UCDP_ROW, **values}


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_text(out.getvalue(), encoding="utf-8")


def run(
    tmp: Path,
    rows: list[dict[str, str]] | str | bytes,
    *,
    dataset: str = "acled",
    map_text: str | None = None,
    **options: Any,
) -> tuple[ImportResult, dict[str, Any]]:
    (tmp / "terms.yaml").write_text(TERMS)
    (tmp / "map.yaml").write_text(map_text or (ACLED_MAP if dataset == "acled" else UCDP_MAP))
    export = tmp / "export.csv"
    if isinstance(rows, bytes):
        export.write_bytes(rows)
    elif isinstance(rows, str):
        export.write_text(rows, encoding="utf-8")
    else:
        columns = acled.COLUMNS if dataset == "acled" else ucdp.COLUMNS
        write_csv(export, columns, rows)
    out = tmp / "out" / "imported.yaml"
    out.parent.mkdir(exist_ok=True)
    result = import_dataset(dataset, export, tmp / "map.yaml", tmp / "terms.yaml", out, **options)
    if not result.written:
        return result, {}
    diags = Diagnostics()
    loaded = load_text(out.read_text(encoding="utf-8"), "out.yaml", diags)
    assert loaded is not None and not diags.items, diags.items
    return result, loaded.data


def codes(result: ImportResult) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in result.diagnostics]


def only(doc: dict[str, Any]) -> dict[str, Any]:
    (report,) = doc["reports"]
    return report  # type: ignore[no-any-return]


# ---- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("1", "2020-12-12"),  # the actual date
        ("2", {"from": "2020-12-09", "to": "2020-12-15"}),  # the week around the coded date
        ("3", "2020-12"),  # the month of the coded date
    ],
)
def test_every_acled_precision_code(tmp_path: Path, code: str, written: object) -> None:
    result, doc = run(tmp_path, [acled_row(time_precision=code)])
    assert codes(result) == []
    assert only(doc)["date"] == written


@pytest.mark.parametrize("code", ["0", "4", "", "week"])
def test_an_unknown_precision_code_is_a_bad_row(tmp_path: Path, code: str) -> None:
    result, doc = run(tmp_path, [acled_row(event_id_cnty="A1"), acled_row(time_precision=code)])
    assert codes(result) == [("D603", 3)]
    assert [r["id"] for r in doc["reports"]] == ["A1"]


def test_week_and_month_windows_cross_month_ends(tmp_path: Path) -> None:
    rows = [
        acled_row(event_id_cnty="W", event_date="2020-12-30", time_precision="2"),
        acled_row(event_id_cnty="M", event_date="15 February 2024", time_precision="3"),
    ]
    result, doc = run(tmp_path, rows)
    assert codes(result) == []
    assert [r["date"] for r in doc["reports"]] == [
        {"from": "2020-12-27", "to": "2021-01-02"},
        "2024-02",
    ]
    # as_of defaults to the last day any report may lie on: the end of February 2024
    assert doc["scenario"]["as_of"] == "2024-02-29"


@pytest.mark.parametrize("text", ["2020-13-01", "12/12/2020", "31 Foo 2020", ""])
def test_a_date_that_cannot_be_read_is_a_bad_row(tmp_path: Path, text: str) -> None:
    result, _ = run(tmp_path, [acled_row(event_date=text)])
    assert codes(result) == [("D603", 2)]


def test_ucdp_window_range_and_best(tmp_path: Path) -> None:
    rows = [
        ucdp_row(),
        ucdp_row(id="102", date_end="2020-12-14", low="4", high="4", best="4"),
        ucdp_row(id="103", date_start="2020-12-14 00:00:00.000", date_end="2020-12-13"),
        ucdp_row(id="104", low="6", high="5"),
    ]
    result, doc = run(tmp_path, rows, dataset="ucdp")
    assert codes(result) == [("D603", 4), ("D603", 5)]
    first, second = doc["reports"]
    assert first["id"] == "ucdp-101" and first["date"] == "2020-12-12"
    assert first["killed"] == {"min": 2, "max": 5}
    assert "best estimate 3 (low 2, high 5)" in first["note"]
    assert first["actor"] == {"one_of": ["AZ-forces", "AM-forces"]}
    assert second["date"] == {"from": "2020-12-12", "to": "2020-12-14"} and second["killed"] == 4


# ---- columns -------------------------------------------------------------------------


def test_handover_takes_its_actor_and_fields_from_the_actor_columns(tmp_path: Path) -> None:
    row = acled_row(
        event_type="Strategic developments", sub_event_type="Non-violent transfer of territory"
    )
    result, doc = run(tmp_path, [row])
    assert codes(result) == []
    report = only(doc)
    assert report["event"] == "handover" and report["actor"] == "AM-forces"
    assert (report["from"], report["to"]) == ("AM-forces", "AZ-forces")
    assert "killed" not in report  # the map's `fields` apply only to kinds that have them


def test_field_sources_constant_column_and_types(tmp_path: Path) -> None:
    row = acled_row(event_type="Strategic developments", notes="troops arrived", fatalities="40")
    result, doc = run(tmp_path, [row])
    assert codes(result) == []
    report = only(doc)
    assert report["event"] == "deployment"
    assert (report["role"], report["troops"], report["told"]) == (
        "peacekeeping",
        40,
        "troops arrived",
    )


def test_fatalities_that_are_no_whole_number_are_a_bad_row(tmp_path: Path) -> None:
    result, doc = run(
        tmp_path, [acled_row(fatalities="-1"), acled_row(event_id_cnty="B", fatalities="x")]
    )
    assert codes(result) == [("D603", 2), ("D603", 3)]
    assert doc["reports"] == []


def test_actor_names_exact_regex_unknown_and_several(tmp_path: Path) -> None:
    rows = [
        acled_row(event_id_cnty="A", actor1="  military forces of azerbaijan (2003-) "),
        acled_row(event_id_cnty="B", actor1="Unidentified Armed Group", actor2=""),
        acled_row(
            event_id_cnty="C", actor1="Either Side", actor2="Military Forces of Armenia (2018-)"
        ),
    ]
    result, doc = run(tmp_path, rows)
    assert codes(result) == []
    actors = [r["actor"] for r in doc["reports"]]
    assert actors == [
        {"one_of": ["AZ-forces", "AM-forces"]},
        "unknown",
        {"one_of": ["AZ-forces", "AM-forces"]},
    ]


def test_places_first_rule_wins_boxes_and_lists(tmp_path: Path) -> None:
    rows = [
        acled_row(event_id_cnty="A", location="Boyuk Taghlar"),
        acled_row(event_id_cnty="B", location="Lachin corridor area"),
        acled_row(event_id_cnty="C", location="Somewhere", latitude="39.2", longitude="46.1"),
        acled_row(event_id_cnty="D", location="Somewhere"),
        acled_row(event_id_cnty="E", location="Else", admin1="Khojavend"),
    ]
    result, doc = run(tmp_path, rows)
    assert codes(result) == []
    places = [r["place"] for r in doc["reports"]]
    assert places == ["nk", {"one_of": ["nk", "aghdam"]}, "armenia", "aghdam", "zone"]


def test_provenance_id_source_and_note(tmp_path: Path) -> None:
    result, doc = run(tmp_path, [acled_row(notes="Line one\nline two")])
    report = only(doc)
    assert report["id"] == "AZE1"
    assert report["source"] == "ACLED AZE1, ../export.csv:2: A news agency"
    assert report["note"] == "Line one\nline two"
    assert doc["scenario"]["terms"] == "../terms.yaml"


# ---- every row accounted for -----------------------------------------------------------


def test_unmapped_values_are_reported_once_with_count_and_first_line(tmp_path: Path) -> None:
    rows = [
        acled_row(event_id_cnty="A", actor1="Mystery Men"),
        acled_row(event_id_cnty="B", event_type="Riots", sub_event_type="Mob violence"),
        acled_row(event_id_cnty="C", actor1="Mystery Men", admin1="", location="Nowhere"),
        acled_row(event_id_cnty="D", event_type="Riots", sub_event_type="Mob violence"),
    ]
    result, doc = run(tmp_path, rows)
    found = {(d.code, d.span.line, d.severity, d.message) for d in result.diagnostics}
    assert found == {
        ("D604", 2, Severity.WARNING, "no actor for `Mystery Men` in the map (2 rows, first here)"),
        (
            "D604",
            3,
            Severity.WARNING,
            "no event kind for `Riots / Mob violence` in the map (2 rows, first here)",
        ),
        ("D604", 4, Severity.WARNING, "no place for `Nowhere` in the map (1 row, first here)"),
    }
    assert [r["id"] for r in doc["reports"]] == ["A", "C"]
    assert doc["reports"][0]["actor"] == {"one_of": ["unknown", "AM-forces"]}
    assert "place" not in doc["reports"][1]  # left out: any place
    assert result.counts is not None and result.counts.unmapped == 2


def test_strict_makes_unmapped_values_errors(tmp_path: Path) -> None:
    result, _ = run(tmp_path, [acled_row(actor1="Mystery Men")], strict=True)
    assert [(d.code, d.severity) for d in result.diagnostics] == [("D604", Severity.ERROR)]
    assert result.written


def test_drop_rules_count_what_they_drop(tmp_path: Path) -> None:
    rows = [acled_row(event_id_cnty=f"P{i}", event_type="Protests") for i in range(3)]
    result, doc = run(tmp_path, [acled_row(), *rows])
    (d,) = result.diagnostics
    assert (d.code, Path(d.span.file).name, d.span.line) == ("D605", "map.yaml", 13)
    assert d.message.startswith("3 rows dropped by this rule (first: ")
    assert d.message.endswith("export.csv:3)")
    assert len(doc["reports"]) == 1 and result.counts is not None and result.counts.dropped == 3


# ---- bad rows and bad files ------------------------------------------------------------


def test_malformed_rows_cost_only_themselves(tmp_path: Path) -> None:
    header = ",".join(acled.COLUMNS)
    good = ",".join(acled_row(event_id_cnty="G1").get(c, "") for c in acled.COLUMNS)
    good2 = good.replace("G1", "G2", 1)
    text = f"{header}\n{good}\nonly,three,fields\n\n{good2}\n"
    result, doc = run(tmp_path, text)
    assert codes(result) == [("D602", 3)]
    assert [r["id"] for r in doc["reports"]] == ["G1", "G2"]
    assert result.counts is not None and result.counts.rows == 2


def test_a_line_that_is_not_utf8_is_a_bad_row(tmp_path: Path) -> None:
    header = ",".join(acled.COLUMNS)
    good = ",".join(acled_row(event_id_cnty="G1").get(c, "") for c in acled.COLUMNS)
    bad = good.replace("G1", "BAD").encode() + b"\xff"
    result, doc = run(tmp_path, f"{header}\n".encode() + bad + b"\n" + good.encode() + b"\n")
    assert codes(result) == [("D602", 2)]
    assert [r["id"] for r in doc["reports"]] == ["G1"]


def test_repeated_and_unusable_ids(tmp_path: Path) -> None:
    rows = [acled_row(), acled_row(), acled_row(event_id_cnty="has space")]
    result, doc = run(tmp_path, rows)
    assert codes(result) == [("D606", 3), ("D603", 4)]
    assert len(doc["reports"]) == 1


def test_a_missing_column_writes_nothing(tmp_path: Path) -> None:
    result, _ = run(tmp_path, "event_id_cnty,event_date\nA,2020-12-12\n")
    assert not result.written
    assert {c for c, _ in codes(result)} == {"D601"}


def test_an_empty_export_writes_a_scenario_with_no_reports(tmp_path: Path) -> None:
    result, doc = run(tmp_path, [])
    assert result.written and doc["reports"] == []


# ---- the map -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replace", "code", "line"),
    [
        ("event_type: Protests", "D607", 13),  # a column the export does not have
        ("regex: '^Strategic'", "D608", 23),  # a regular expression that does not compile
        ("actor: unknown", "R201", 7),  # an actor id the terms do not have
        ("kind: attack", "R201", 21),  # an event kind the terms do not have
        ("troops: fatalities", "R204", 25),  # a field the kind does not have
        ("role: {value: peacekeeping}", "R205", 25),  # a constant of the wrong type
        ("scenario: {id: imported", "S101", 11),  # a key the map language does not have
    ],
)
def test_map_problems_are_reported_where_they_are_written(
    tmp_path: Path, replace: str, code: str, line: int
) -> None:
    broken = {
        "event_type: Protests": "evnt_type: Protests",
        "regex: '^Strategic'": "regex: '^Strat(egic'",
        "actor: unknown": "actor: nobody",
        "kind: attack": "kind: atack",
        "troops: fatalities": "tanks: fatalities",
        "role: {value: peacekeeping}": "role: {value: blue}",
        "scenario: {id: imported": "scenario: {ident: imported",
    }[replace]
    assert replace in ACLED_MAP
    result, _ = run(tmp_path, [acled_row()], map_text=ACLED_MAP.replace(replace, broken, 1))
    assert not result.written
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in result.diagnostics][:1] == [
        (code, "map.yaml", line)
    ]


def test_a_map_without_the_dataset_section(tmp_path: Path) -> None:
    result, _ = run(tmp_path, [ucdp_row()], dataset="ucdp", map_text=ACLED_MAP)
    assert codes(result) == [("D609", 1)] and not result.written


# ---- writing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'a "quote" and \\ back',
        "new\nline\ttab",
        "\x85\u2028\u2029\x7f\x9f",
        "# not a comment: x",
        "ü 𝄞",
        "true",
    ],
)
def test_written_strings_read_back_exactly(text: str) -> None:
    diags = Diagnostics()
    doc = load_text(f"key: {quoted(text)}\n", "t.yaml", diags)
    assert doc is not None and not diags.items
    assert doc.data == {"key": text}


def test_an_import_too_large_for_check_is_written_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [acled_row(event_id_cnty=f"R{i}") for i in range(40)]
    monkeypatch.setattr("checker.ingest.MAX_NODES", 1100)  # the real bound is 200,000 values
    result, doc = run(tmp_path, rows)
    assert result.written and len(doc["reports"]) == 40
    (d,) = result.diagnostics
    assert (d.code, d.severity) == ("D610", Severity.WARNING)
    assert "about 480 values, more than 1100" in d.message  # 12 a report: one_of actors
    # the count is the loader's: the file is those 480 values and a few of the header
    text = (tmp_path / "out" / "imported.yaml").read_text()
    for bound, fits in ((480, False), (500, True)):
        diags = Diagnostics()
        monkeypatch.setattr("checker.yamlsource.MAX_NODES", bound)
        load_text(text, "x.yaml", diags)
        assert (not diags.items) == fits
