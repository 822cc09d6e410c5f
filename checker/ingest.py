"""Stage 7: `checker import` — an event-dataset export and a map -> a scenario file.

The terms give the ids, the map how the dataset's words become them
(`datasets.rules`); the CSV streams row by row through `datasets.convert` into
a temporary spool, and the scenario — header, reports, the map's expectations
— replaces the output file in one step (`outputs`). A bad row costs only
itself; a map, terms file or CSV that cannot be used writes nothing.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from checker import timeutil as tu
from checker.datasets import acled, ucdp
from checker.datasets.convert import Converter, Counts
from checker.datasets.csvrows import CsvRows
from checker.datasets.mapfile import load_map
from checker.datasets.profile import Profile
from checker.datasets.rules import compile_rules
from checker.datasets.writer import expect_yaml, header_yaml, report_values, report_yaml
from checker.diagnostics import Diagnostic, Diagnostics, Span
from checker.ir import Terms
from checker.load import display_path, load_terms
from checker.outputs import write_parts
from checker.records import field, record
from checker.resolve import TermsResolver
from checker.yamlsource import MAX_BYTES, MAX_NODES

PROFILES: dict[str, Profile] = {p.name: p for p in (acled.PROFILE, ucdp.PROFILE)}
_CHUNK = 1 << 16


@record
class ImportResult:
    """What an import did: its diagnostics, its counts, and whether it wrote the file."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: Counts | None = None
    written: bool = False
    output: str = ""


def _terms(path: Path, diags: Diagnostics) -> Terms | None:
    loaded = load_terms(path, diags)
    if loaded is None:
        return None
    resolver = TermsResolver(loaded, diags, load_terms)
    return resolver.resolve(None, None) if resolver.ok else None


def _relative(target: Path, output: Path) -> str:
    """`target` as a path from the folder of `output` (as a scenario names its terms)."""
    return Path(os.path.relpath(target.resolve(), output.resolve().parent)).as_posix()


def _scenario_id(output: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]", "-", output.stem)
    return stem if stem[:1].isalpha() else f"import-{stem}"


def import_dataset(
    dataset: str,
    csv_path: Path | str,
    map_path: Path | str,
    terms_path: Path | str,
    output: Path | str,
    *,
    as_of: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import the export `csv_path` of `dataset` (`acled` or `ucdp`) into the scenario
    `output`; every problem is a diagnostic of the result."""
    profile = PROFILES[dataset]
    csv_path, output = Path(csv_path), Path(output)
    diags = Diagnostics()
    result = ImportResult(output=display_path(output))
    terms = _terms(Path(terms_path), diags)
    mapped = load_map(map_path, diags)
    rules = compile_rules(mapped, profile, terms, diags) if terms and mapped else None
    if rules is None or mapped is None or terms is None or diags.has_errors:
        result.diagnostics = diags.sorted()
        return result
    rows = CsvRows(csv_path, display_path(csv_path), diags)
    try:
        if not rows.open() or not _has_columns(rows, profile, rules.columns, diags):
            result.diagnostics = diags.sorted()
            return result
        conv = Converter(rules, _relative(csv_path, output), rows.file, diags, strict)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            values = 0
            for row in rows.rows():
                report = conv.convert(row)
                if report is not None:
                    spool.write(report_yaml(report))
                    values += report_values(report)
            conv.finish([span for _, span in rules.drops])
            header = rules.header
            day = as_of or (str(header.as_of) if header.as_of is not None else None)
            if day is None:
                last = conv.last_day
                day = (
                    last.isoformat() if last else tu.format_instant(terms.in_force, terms.zone)[:10]
                )
            counts = conv.counts
            comment = (
                f"Imported by `checker import {profile.name}` from {conv.csv_name}"
                f" with the map {_relative(Path(map_path), output)}.",
                f"{counts.rows} rows: {counts.reports} reports, {counts.dropped} dropped by the"
                " map's rules,",
                f"{counts.unmapped} of event types the map does not map, {counts.bad} that could"
                " not be read.",
                "Each report's source names its row (file:line). Import again rather than",
                "edit this file: an import rewrites it.",
            )
            head = header_yaml(
                header,
                header.id or _scenario_id(output),
                _relative(Path(terms_path), output),
                day,
                comment,
            )
            if counts.reports == 0:
                head = head.replace("\nreports:\n", "\nreports: []\n")
            spool.seek(0)
            write_parts(output, _parts(head, spool, expect_yaml(header)))
    finally:
        rows.close()
    result.written = True
    result.counts = conv.counts
    size = output.stat().st_size if output.exists() else 0
    if size > MAX_BYTES:
        why = f"{size} bytes, more than {MAX_BYTES}"
        diags.add("D610", Span(result.output, 0, 0), why=why)
    elif values > MAX_NODES - 1000:  # the header and expectations are the rest
        why = f"about {values} values, more than {MAX_NODES}"
        diags.add("D610", Span(result.output, 0, 0), why=why)
    result.diagnostics = diags.sorted()
    return result


def _parts(head: str, spool: TextIO, tail: str) -> Iterator[str]:
    yield head
    while chunk := spool.read(_CHUNK):
        yield chunk
    yield tail


def _has_columns(rows: CsvRows, profile: Profile, used: set[str], diags: Diagnostics) -> bool:
    present = set(rows.header)
    missing = [c for c in profile.required if c not in present]
    missing += sorted(c for c in used if c not in present and c not in profile.required)
    for column in missing:
        diags.add("D601", Span(rows.file, 1, 1), column=column)
    return not missing
