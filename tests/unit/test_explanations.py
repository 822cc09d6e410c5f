"""Hand-worked explanations (SPEC §4.3 [v2]) of the cases in tests/cases/explanations/:
the reports that decide a verdict, notes true of their scenario, responsibility that is
certain or possible, and what `checker explain` shows. Each expectation below is worked
out by hand from the scenario and the clause of the SPEC quoted beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.api import CheckOptions, check_file, check_paths, explain_provision
from checker.report import FORMATS
from checker.report.html import render_html
from checker.report.reasoning import render_reasoning
from checker.resolve import TermsCache
from checker.results import FileError, ProvisionResult, RunResult, ScenarioResult

CASES = Path(__file__).resolve().parents[1] / "cases" / "explanations"
ENGINE = CASES.parent / "engine"


def _judged(name: str) -> ScenarioResult:
    outcome = check_file(CASES / f"{name}.yaml", TermsCache(), CheckOptions())
    assert not isinstance(outcome, FileError), [d.render() for d in outcome.diagnostics]
    assert not outcome.mismatches, outcome.mismatches
    return outcome


def _provision(s: ScenarioResult, pid: str) -> ProvisionResult:
    return next(p for p in s.provisions if p.id == pid)


def test_a_late_handover_is_named_with_its_time_against_the_deadline() -> None:
    # §4.3 [v2]: "for a missed require/achieve, every report that would fulfil it but
    # falls outside the window, with its time against the deadline". Aghdam is due by the
    # end of 20 November (+03:00); the handover is dated the 21st: one calendar day late.
    # No report forces the miss (a closed world's silence does), so `because` is empty.
    p = _provision(_judged("late-handover"), "aghdam")
    assert p.verdict == "violated" and p.because == ()
    assert [(b.report, b.line, b.detail) for b in p.deciding] == [
        ("aghdam-late", 9, "2020-11-21 is 1 day after the deadline 2020-11-20T23:59+03:00")
    ]
    assert p.deciding[0].source == "a late account"
    # "Notes are true of the scenario": a reported event does change control of Aghdam
    # (too late), so the note may not say that the initial state stands unchanged.
    assert p.note == "no reported event brings it about by its deadline (closed world)"


def test_the_initial_state_stands_only_when_nothing_changes_it() -> None:
    # §4.3 [v2]: with no report at all nothing can be named, so the note says why — and
    # here it is true that no reported event changes the state.
    p = _provision(_judged("nothing-reported"), "aghdam")
    assert p.verdict == "violated" and p.because == () and p.deciding == ()
    assert p.note == "the initial state stands: no reported event changes it (closed world)"


def test_a_drawdown_one_minute_late_names_the_late_step_and_what_stood() -> None:
    # 12,000 troops less three steps of 1,000 is 9,000 from 12:00 on 6 March; the fourth
    # step (400, down to 8,600) comes at 00:01 on 9 March, one minute after the deadline
    # (00:00). §4.3 [v2]: the late report with its time against the deadline "or the last
    # report that set the state to another value" — both are named (docs/semantics.md).
    p = _provision(_judged("drawdown-late"), "drawdown")
    assert p.verdict == "violated" and p.because == ()
    assert [(b.report, b.detail) for b in p.deciding] == [
        ("step-4", "2020-03-09T00:01+03:00 is 1 minute after the deadline 2020-03-09T00:00+03:00"),
        (
            "step-3",
            "2020-03-06T12:00+03:00: troops of US-forces became 9000, the last reported"
            " change by the deadline 2020-03-09T00:00+03:00",
        ),
    ]
    assert p.note == "no reported event brings it about by its deadline (closed world)"


def test_a_total_missed_names_the_late_amount_and_says_the_sum_falls_short() -> None:
    # 40 in time and 70 on 3 December: the 70 would fulfil the total of 100 but falls
    # outside the window (two calendar days after the deadline at the end of the 1st),
    # §4.3 [v2]; what the window holds does not give the total, and the note says so.
    p = _provision(_judged("total-short"), "releases")
    assert p.verdict == "violated" and p.because == ()
    assert [(b.report, b.detail) for b in p.deciding] == [
        ("late-release", "2020-12-03 is 2 days after the deadline 2020-12-01T23:59+03:00")
    ]
    assert p.note == (
        "the matching events reported in its window do not give the total it asks for"
        " (closed world)"
    )


def test_a_broken_maintain_names_the_change_and_the_value_reached() -> None:
    # §4.3 [v2]: "for maintain, the report whose change broke the condition and the value
    # it reached": 12,000 - 3,400 + 3,500 = 12,100 > 12,000 from the surge on.
    p = _provision(_judged("drawdown-late"), "cap")
    assert p.verdict == "violated"
    assert [b.report for b in p.because] == ["surge"]
    assert [(b.report, b.detail) for b in p.deciding] == [
        (
            "surge",
            "2020-03-09T12:00+03:00: troops of US-forces became 12100, which breaks the condition",
        )
    ]


def test_responsibility_is_certain_or_possible_with_the_report_that_makes_it_so() -> None:
    # §4.3 [v2]: `responsible` names the parties responsible in every compatible world that
    # breaches it; `possibly_responsible` the others responsible in some, "each with the
    # report that makes it possible". The TB fighters' shelling breaches it in every
    # world; the unknown actor's may be anyone's: US, ICRC (its own top ancestor) or an
    # actor outside the vocabulary (`unknown`).
    p = _provision(_judged("drawdown-late"), "no-attacks")
    assert p.responsible == ("TB",)
    assert [b.report for b in p.because] == ["shelling-tb"]
    assert [(x.party, x.report.report) for x in p.possibly_responsible] == [
        ("ICRC", "shelling-unknown"),
        ("US", "shelling-unknown"),
        ("unknown", "shelling-unknown"),
    ]


def test_an_uncertain_actor_alone_makes_no_party_certain() -> None:
    # One shelling by AZ-forces or AM-forces: each side breaches it in some world but not
    # in every one, so neither is certain and both are possible (§4.3 [v2]).
    p = _provision(_judged("uncertain-shelling"), "ceasefire")
    assert p.verdict == "violated" and p.responsible == ()
    assert [(x.party, x.report.report) for x in p.possibly_responsible] == [
        ("AM", "shelling"),
        ("AZ", "shelling"),
    ]


def test_complied_provisions_name_their_fulfilling_reports_or_say_why_none() -> None:
    # §4.3 [v2]: "for a complied require/achieve, a minimal set of reports that fulfils it
    # (shown by check, not only by explain)". A complied forbid/maintain is kept because
    # nothing breaches it: no report can be named, and the note says so.
    s = _judged("fulfilled")
    assert [b.report for b in _provision(s, "aghdam").because] == ["aghdam-on-time"]
    assert [b.report for b in _provision(s, "centre").because] == ["centre-opened"]
    assert _provision(s, "ceasefire").note == "no reported event breaches it (closed world)"
    assert (
        _provision(s, "troops-cap").note == "no reported event breaks its condition (closed world)"
    )


@pytest.fixture(scope="module")
def run() -> RunResult:
    return check_paths([CASES / "drawdown-late.yaml", CASES / "late-handover.yaml"])


@pytest.mark.parametrize("fmt", ["text", "compact", "junit", "sarif", "github", "markdown"])
def test_every_format_shows_who_is_possibly_responsible(run: RunResult, fmt: str) -> None:
    # §4.3 [v2] and issue 12: responsible and possibly_responsible "in every format".
    out = FORMATS[fmt](run, verbose=True)
    assert "possibly" in out and ("shelling-unknown" in out or fmt == "markdown")
    if fmt in ("text", "compact", "junit", "github"):
        assert "shelling-unknown" in out and "step-4" in out  # and the deciding reports


def test_json_and_html_carry_deciding_reports_and_possible_parties(run: RunResult) -> None:
    # §6: json per provision; the keys are documented in docs/outputs.md.
    doc = json.loads(FORMATS["json"](run))
    p = next(p for p in doc["scenarios"][0]["provisions"] if p["id"] == "no-attacks")
    assert p["responsible"] == ["TB"]
    assert p["possibly_responsible"][0] == {
        "party": "ICRC",
        "report": "shelling-unknown",
        "file": p["possibly_responsible"][0]["file"],
        "line": 13,
        "source": None,
    }
    late = next(p for s in doc["scenarios"] for p in s["provisions"] if p["id"] == "aghdam")
    assert (
        late["deciding"][0]["report"] == "aghdam-late"
        and "1 day after" in late["deciding"][0]["detail"]
    )
    page = render_html(run)
    assert (
        "possibly: " in page
        and "shelling-unknown" in page
        and "1 minute after the deadline" in page
    )


def test_explain_open_shows_only_the_count_that_decides() -> None:
    # §4.3 [v2]: "only facts that P depends on are shown (a troop count for a troop cap,
    # not a minute that changes nothing)". 1,960 + 0 keeps the cap, 1,960 + 1 breaks it,
    # whatever the day of the reinforcement.
    outcome, _ = explain_provision(CASES / "open-count.yaml", "troops-cap")
    assert outcome is not None
    explanation = outcome[1].explanation
    assert explanation is not None
    assert [(f.event, f.attribute) for f in explanation.facts] == [("reinforcement", "troops")]
    assert [b.report for b in explanation.deciding] == ["reinforcement"]


def test_explain_open_finds_its_worlds_where_they_need_the_per_point_changes() -> None:
    # The two worlds are looked for first without the unreported changes planned per
    # point (a world without them is a world of the scenario); eleven alternating
    # observations of Aghdam have no world without them, so both worlds are looked for
    # again with them. `aghdam` is open: AM-forces held it at noon on the deadline day,
    # and an unreported handover to AZ by 23:59 keeps it; the breaching world differs in
    # that unreported event alone (no report decides).
    outcome, _ = explain_provision(ENGINE / "open-world-many-changes.yaml", "aghdam")
    assert outcome is not None
    explanation = outcome[1].explanation
    assert explanation is not None and explanation.facts
    assert {f.event for f in explanation.facts} == {"an unreported event"}
    assert explanation.deciding == ()


def test_checker_explain_finds_the_two_worlds_of_its_provision_alone() -> None:
    # `checker explain` shows one provision: the two worlds of the scenario's other open
    # provisions are not looked for (in an open world each costs solver calls on the
    # whole world). e11 (nothing reported, open world) leaves 1 and 2 both open.
    path = CASES.parents[2] / "scenarios" / "edge-cases" / "e11-open-world-nothing.yaml"
    outcome, _ = explain_provision(path, "2")
    assert outcome is not None
    result, mine = outcome[0], outcome[1]
    assert mine.verdict == "open" and mine.explanation is not None
    others = [p for p in result.provisions if p.id != "2" and p.verdict == "open"]
    assert others and all(p.explanation is None for p in others)


def test_explain_names_the_readings_an_incoherent_verdict_comes_from() -> None:
    # §4.3 [v2]: the verdicts of an incoherent scenario are those over the most trusted
    # readings; "explain says so and names them, and readings show their weights". Source
    # A (0.8) dates the handover in time, source B (0.5) a day late.
    outcome, _ = explain_provision(CASES / "weighted-readings.yaml", "aghdam")
    assert outcome is not None
    text = render_reasoning(*outcome)
    assert "verdict: complied — under the most trusted reading (reading 1, weight 0.8)" in text
    assert (
        "reading 1 (weight 0.8, disbelieving `account-b`): complied  (most trusted: counted)"
        in text
    )
    assert "reading 2 (weight 0.5, disbelieving `account-a`): violated\n" in text
    # and the proof is the one under that reading: the account it believes
    assert [b.report for b in outcome[1].because] == ["account-a"]


def test_deciding_reports_are_bounded_and_say_so() -> None:
    # A world of thousands of reports must not ask about each of them: past the limit of
    # solver calls per provision (the proofs' limit) the note says not every report was
    # examined, so what is shown stays true (docs/semantics.md).
    from checker.judge import Options

    opts = CheckOptions(judge=Options(core_budget=1))
    outcome = check_file(CASES / "drawdown-late.yaml", TermsCache(), opts)
    assert not isinstance(outcome, FileError)
    p = _provision(outcome, "drawdown")
    assert [b.report for b in p.deciding] == ["step-4"]
    assert p.note is not None and p.note.endswith(
        "; not every report was examined (limit of 1 solver calls)"
    )


def test_a_possible_party_is_named_with_the_first_report_it_can_have_made() -> None:
    # §4.3 [v2]: a possibly responsible party comes "with the report that makes it
    # possible". AM-forces fired nothing on the 12th, so the first shelling is AZ's in
    # every world and the report that makes AM possible is the second.
    p = _provision(_judged("possible-given-later"), "ceasefire")
    assert p.responsible == ("AZ",)
    assert [(x.party, x.report.report) for x in p.possibly_responsible] == [("AM", "second")]


@pytest.mark.parametrize("partition", ["never", "always"])
def test_every_possible_party_is_named_with_the_first_report_it_can_have_made(
    partition: str,
) -> None:
    # §4.3 [v2]: both shellings may be either party's, so neither is responsible in every
    # world and the first shelling makes each possible. The question for the second
    # party about the same report once reused the first's gate name, and one solver
    # (not the parts) then named AZ with the second shelling.
    from checker.judge import Options

    opts = CheckOptions(judge=Options(partition=partition))
    outcome = check_file(CASES / "possible-parties-one-report.yaml", TermsCache(), opts)
    assert not isinstance(outcome, FileError)
    p = _provision(outcome, "ceasefire")
    assert p.responsible == ()
    assert [(x.party, x.report.report) for x in p.possibly_responsible] == [
        ("AM", "first"),
        ("AZ", "first"),
    ]


def test_a_possible_party_past_the_limit_of_solver_calls_is_still_named() -> None:
    # With one solver call per search, the first shelling (which AM cannot have fired) is
    # the only one tried; AM is still possibly responsible (one question over all its
    # events says so), named with its first event that may be a culprit at all.
    from checker.judge import Options

    opts = CheckOptions(judge=Options(core_budget=1))
    outcome = check_file(CASES / "possible-given-later.yaml", TermsCache(), opts)
    assert not isinstance(outcome, FileError)
    p = _provision(outcome, "ceasefire")
    assert [(x.party, x.report.report) for x in p.possibly_responsible] == [("AM", "first")]


def test_the_timeline_is_drawn_only_when_asked_for() -> None:
    # Only the HTML report draws a scenario's timeline, so `check` asks for it with --html
    # alone; without it the result has none and the same verdicts.
    from checker.judge import Options

    drawn = _judged("possible-given-later")
    outcome = check_file(
        CASES / "possible-given-later.yaml",
        TermsCache(),
        CheckOptions(judge=Options(timeline=False)),
    )
    assert not isinstance(outcome, FileError)
    reports = [m.label for m in drawn.timeline if m.kind != "deadline"]
    assert reports == ["first", "not-am", "second"]
    assert outcome.timeline == []
    assert [(p.id, p.verdict) for p in outcome.provisions] == [
        (p.id, p.verdict) for p in drawn.provisions
    ]
