"""Language v2 as users see it beyond verdicts: the report schema and json for the new
verdicts and joint duties, `checker provisions` reading windows out, the schemas of the
new keys, and `explain` of a provision not in force."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from checker.api import CheckOptions, check_paths, explain_provision, load_terms_in_force
from checker.models import ScenarioFile, TermsFile
from checker.report import render_json, report_schema
from checker.report.provisions import render_provisions

V2 = Path(__file__).parent / "cases" / "v2"


def test_json_with_new_verdicts_is_valid_and_names_joint_duties() -> None:
    run = check_paths(
        [V2 / "total-max-over-before-deadline.yaml", V2 / "not-in-force-before-amendment.yaml"],
        CheckOptions(),
    )
    doc = json.loads(render_json(run))
    jsonschema.validate(doc, report_schema())
    first = {p["id"]: p for p in doc["scenarios"][0]["provisions"]}
    second = {p["id"]: p for p in doc["scenarios"][1]["provisions"]}
    assert first["releases"]["verdict"] == "violated"
    assert first["releases"]["responsible"] == ["A", "G"]  # a joint duty names every one
    assert [b["report"] for b in first["releases"]["because"]] == ["first", "second"]
    assert first["exit"]["verdict"] == "waived"
    assert [b["report"] for b in first["exit"]["because"]] == ["first", "second"]
    assert second["border"]["verdict"] == "not-in-force"


def test_a_violated_conditional_provision_is_proved_with_its_condition() -> None:
    run = check_paths([V2 / "cond-fulfilled-violated.yaml"], CheckOptions())
    talks = next(p for p in run.scenarios[0].provisions if p.id == "talks")
    assert talks.verdict == "violated"
    assert [b.report for b in talks.because] == ["pulled-back"]  # it makes the `if` hold


def test_provisions_table_reads_windows_out() -> None:
    terms, _ = load_terms_in_force(V2 / "time-terms.yaml")
    assert terms is not None
    out = render_provisions(terms)
    assert "to 41 days (calendar days in Europe/Kyiv) after the first event matching" in out
    assert "{kind: withdrawal, actor: A} and {kind: withdrawal, actor: B}" in out
    assert "the last minute of day 5 after the day of the latest of" in out
    assert "the last minute of day 2 after the day of the first event matching" in out
    early, _ = load_terms_in_force(V2 / "terms.yaml", "2021-02-10")
    assert early is not None
    text = render_provisions(early)
    assert "if: {fulfilled: pullback}" in text
    assert "border: added by amendment `protocol`, adopted 2021-02-15, after as_of" in text
    assert "to 2021-03-01T23:59+03:00" in text  # `by: 2021-03-01`, resolved


def test_provisions_table_resolves_periods_and_amendments() -> None:
    flagship = Path(__file__).parents[1] / "terms" / "nk-ceasefire-2020.yaml"
    terms, _ = load_terms_in_force(flagship)
    assert terms is not None
    out = render_provisions(terms).splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith("6.kalbajar "))
    assert "kalbajar-extension" in out[at]
    assert out[at + 2].endswith("to 2020-11-25T23:59+03:00")  # the amended deadline
    assert any(
        "a first term of 5 years to 2025-11-09T23:59+03:00" in line
        and "(for the first term: by 2025-05-10T00:00+03:00)" in line
        for line in out
    )


def test_schemas_describe_the_new_keys() -> None:
    terms = json.dumps(TermsFile.model_json_schema())
    for key in ('"after_all"', '"day"', '"if"', '"happened"', '"fulfilled"', '"one_of"'):
        assert key in terms, key
    total = TermsFile.model_json_schema()["$defs"]["Total"]["properties"]
    assert {"of", "min", "max"} <= set(total)
    verdicts = json.dumps(ScenarioFile.model_json_schema())
    assert '"waived"' in verdicts and '"not-in-force"' in verdicts


def test_explain_a_provision_not_in_force() -> None:
    outcome, diags = explain_provision(V2 / "not-in-force-before-amendment.yaml", "border")
    assert outcome is not None and not diags  # notes on the terms are for lint
    _, mine, _, provision = outcome
    assert (mine.verdict, provision) == ("not-in-force", None)
    assert mine.note == "added by amendment `protocol`, adopted 2021-02-15, after as_of"
