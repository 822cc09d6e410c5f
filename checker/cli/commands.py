"""Stage 8: the commands that read and show without judging a library — `lint`,
`explain`, `schema`, `provisions` and `import`. Each imports the pipeline only when run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.cli.common import EXIT_INPUT, EXIT_OK, say, usage


def run_lint(paths: list[Path]) -> int:
    """Validate terms and scenario files (schema, references, times) without judging."""
    from checker.api import lint_paths
    from checker.diagnostics import Severity
    from checker.report import render_diagnostics

    diags = lint_paths(paths)
    say(render_diagnostics(diags))
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    if errors:
        say(f"{errors} error{'s' if errors != 1 else ''}\n")
        return EXIT_INPUT
    return EXIT_OK


def run_explain(
    scenario: Path, provision: str, as_of: str | None = None, interpretation: str | None = None
) -> int:
    """The full reasoning for one provision in one scenario."""
    from checker.api import explain_provision
    from checker.outputs import write_stdout
    from checker.report import render_diagnostics
    from checker.report.reasoning import render_reasoning

    outcome, diags = explain_provision(
        scenario, provision, as_of=as_of, interpretation=interpretation
    )
    say(render_diagnostics(diags))
    if outcome is None:
        return EXIT_INPUT
    write_stdout(render_reasoning(*outcome))
    return EXIT_OK


def run_schema(which: str) -> int:
    """Print the JSON Schema of a file kind (for editors and validators)."""
    import json

    from checker.outputs import write_stdout

    doc: dict[str, Any]
    if which == "report":
        from checker.report import report_schema

        doc = report_schema()
    elif which == "map":
        from checker.datasets.mapfile import MapFile

        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        doc.update(MapFile.model_json_schema())
    elif which in ("terms", "scenario"):
        from checker.models import ScenarioFile, TermsFile

        model = TermsFile if which == "terms" else ScenarioFile
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        doc.update(model.model_json_schema())
    else:
        usage(f"unknown schema `{which}` (choose terms, scenario, report or map)")
    write_stdout(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return EXIT_OK


def run_provisions(terms: Path, as_of: str | None = None, interpretation: str | None = None) -> int:
    """The provisions as a table, each with its window resolved to dates and its `if`."""
    from checker.api import load_terms_in_force
    from checker.outputs import write_stdout
    from checker.report import render_diagnostics
    from checker.report.provisions import render_provisions

    resolved, diags = load_terms_in_force(terms, as_of, interpretation)
    say(render_diagnostics(diags))
    if resolved is None:
        return EXIT_INPUT
    write_stdout(render_provisions(resolved))
    return EXIT_OK


def run_import(
    dataset: str,
    csv: Path,
    map: Path,
    terms: Path,
    output: Path,
    as_of: str | None = None,
    strict: bool = False,
) -> int:
    """Write a scenario from an ACLED or UCDP GED export, through a map file."""
    from checker.ingest import import_dataset
    from checker.report import render_diagnostics
    from checker.untrusted import shown

    result = import_dataset(dataset, csv, map, terms, output, as_of=as_of, strict=strict)
    say(render_diagnostics(result.diagnostics))
    counts = result.counts
    if result.written and counts is not None:
        say(
            f"{shown(result.output)}: {counts.reports} reports from {counts.rows} rows"
            f" ({counts.dropped} dropped by the map, {counts.unmapped} of unmapped event types,"
            f" {counts.bad} that could not be read)\n"
        )
    errors = sum(1 for d in result.diagnostics if d.severity == "error")
    return EXIT_INPUT if errors or not result.written else EXIT_OK
