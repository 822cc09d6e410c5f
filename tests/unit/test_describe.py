"""`describe`: what the HTML timeline shows when one hovers a report."""

from __future__ import annotations

from pathlib import Path

from checker.api import check_paths

TERMS = Path(__file__).resolve().parents[1] / "cases" / "mini-terms.yaml"


def test_each_kind_of_report_in_a_few_words(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        f"scenario:\n  id: d\n  terms: {TERMS}\n  as_of: 2020-12-01\nreports:\n"
        "  - {id: s, event: shelling, actor: {one_of: [AZ-forces, AM-forces]}, place: shusha,"
        " date: 2020-11-12, source: {by: wire, reliability: 0.5}}\n"
        "  - {id: h, event: handover, place: aghdam, from: AM, to: AZ, date: 2020-11-20}\n"
        "  - {id: n, none: {kind: shelling, place: shusha},"
        " date: {from: 2020-11-13, to: 2020-11-20}}\n"
        "  - {id: o, state: control, of: kalbajar, is: AM, date: 2020-11-14}\n",
        encoding="utf-8",
    )
    run = check_paths([path])
    assert not run.errors
    details = {m.label: m.detail for m in run.scenarios[0].timeline}
    assert details == {
        "s": "shelling by AM-forces or AZ-forces at shusha · source: wire (reliability 0.5)",
        "h": "handover by unknown at aghdam; from AM, to AZ",
        "n": "no shelling at shusha",  # the place named, not every place inside it
        "o": "control of kalbajar: AM",
        "aghdam due": "",
        "kalbajar due": "",
        "releases due": "",
    }
