"""Claims of docs/reference.md that no other test pins, checked by judging small files:
a `null` in an interpretation's `changes` removes the key; `day: 0` is the anchor's own
day; `by`/`before` dates are inclusive whole days; a month added to 31 January ends a
period on the last day of February; a closed-world absence that contradicts an event
report makes the scenario incoherent."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import CheckOptions, check_paths, load_terms_in_force

TERMS = """\
agreement:
  id: claims
  in_force: 2021-01-01T00:00
  timezone: "+03:00"
  parties: [A, B]
actors: {A: {}, B: {}}
events:
  attack: {}
  talks: {}
  withdrawal: {fields: {troops: int}}
periods:
  month: {from: 2021-01-31, length: 1 month}
provisions:
  - {id: w, text: withdraw by 10 February, require: {kind: withdrawal}, by: 2021-02-10}
  - {id: w-before, text: withdraw before 10 February, require: {kind: withdrawal}, before: 2021-02-10}
  - id: t0
    text: talks on the day of the withdrawal
    require: {kind: talks}
    by: {after: {kind: withdrawal}, day: 0}
  - {id: c, text: talks once withdrawn, require: {kind: talks}, by: 2021-03-01, if: {fulfilled: w}}
  - {id: quiet, text: no attack that month, forbid: {kind: attack}, during: month}
interpretations:
  loose:
    text: no deadline and no condition
    changes:
      w: {by: null}
      c: {if: null}
"""


@pytest.fixture()
def terms(tmp_path: Path) -> Path:
    path = tmp_path / "terms.yaml"
    path.write_text(TERMS, encoding="utf-8")
    return path


def verdicts(
    tmp_path: Path, terms: Path, reports: str, as_of: str = "2021-03-15"
) -> dict[str, str]:
    path = tmp_path / "s.yaml"
    path.write_text(
        f"scenario: {{id: s, terms: {terms.name}, as_of: {as_of}}}\nreports:\n{reports}",
        encoding="utf-8",
    )
    run = check_paths([path], CheckOptions())
    assert not run.errors, run.errors
    (result,) = run.scenarios
    return {"scenario": result.verdict} | {p.id: p.verdict for p in result.provisions}


def test_a_null_in_changes_removes_the_key(terms: Path) -> None:
    plain, _ = load_terms_in_force(terms)
    loose, _ = load_terms_in_force(terms, interpretation="loose")
    assert plain is not None and loose is not None
    assert plain.provision("w").window.end is not None  # type: ignore[union-attr]
    assert loose.provision("w").window.end is None  # type: ignore[union-attr]
    assert plain.provision("c").condition is not None  # type: ignore[union-attr]
    assert loose.provision("c").condition is None  # type: ignore[union-attr]


def test_one_month_after_31_january_ends_with_february(terms: Path) -> None:
    from checker.report.provisions import describe_window

    resolved, _ = load_terms_in_force(terms)
    assert resolved is not None
    shown = describe_window(resolved.provision("quiet").window, resolved)  # type: ignore[union-attr]
    assert "to 2021-02-27T23:59+03:00" in shown  # the term is [31 Jan, 28 Feb)


@pytest.mark.parametrize(
    ("time", "w", "w_before"),
    [
        ("2021-02-09T23:59", "complied", "complied"),
        ("2021-02-10T23:59", "complied", "violated"),
        ("2021-02-11T00:00", "violated", "violated"),
    ],
)
def test_by_and_before_dates_are_whole_days(
    tmp_path: Path, terms: Path, time: str, w: str, w_before: str
) -> None:
    got = verdicts(tmp_path, terms, f"  - {{event: withdrawal, time: {time}}}\n")
    assert (got["w"], got["w-before"]) == (w, w_before)


@pytest.mark.parametrize(("talks", "verdict"), [("23:59", "complied"), ("00:00", "violated")])
def test_day_0_is_the_anchors_own_day(
    tmp_path: Path, terms: Path, talks: str, verdict: str
) -> None:
    day = "2021-01-05" if talks == "23:59" else "2021-01-06"
    reports = (
        "  - {event: withdrawal, time: 2021-01-05T10:00}\n"
        f"  - {{event: talks, time: {day}T{talks}}}\n"
    )
    assert verdicts(tmp_path, terms, reports)["t0"] == verdict


def test_an_absence_that_contradicts_an_event_is_incoherent(tmp_path: Path, terms: Path) -> None:
    reports = (
        "  - {id: a, event: attack, date: 2021-01-05}\n"
        "  - {id: q, none: {kind: attack}, date: {from: 2021-01-01, to: 2021-01-10}}\n"
    )
    assert verdicts(tmp_path, terms, reports)["scenario"] == "incoherent"
