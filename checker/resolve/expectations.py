"""Stage 3: a scenario's `complete` classes and `expect` block.

Input: the scenario's reader (document, terms in force, zone). Output: the
`ir.Complete` classes of an open world and the `ir.Expectation`; an
expectation naming no provision of the terms is a diagnostic.
"""

from __future__ import annotations

from checker.diagnostics import Span, did_you_mean
from checker.ir import Complete, Expectation
from checker.resolve.common import timed
from checker.resolve.match import resolve_match
from checker.resolve.reports import ReportReader


def complete(reader: ReportReader) -> list[Complete]:
    out: list[Complete] = []
    for i, _entry in enumerate(reader.model.scenario.complete):
        at = reader.at("scenario", "complete", i)
        raw = reader.doc_value(at)
        if isinstance(raw, dict) and "match" in raw:
            match = resolve_match(reader.lex, raw["match"], at / "match", reader.diags)
            lo = hi = None
            if raw.get("date") is not None:
                rng = timed(reader.diags, at / "date", reader.range, raw["date"])
                if rng is None:
                    continue
                lo, hi = rng
            if match is not None:
                out.append(Complete(match, lo, hi))
        else:
            match = resolve_match(reader.lex, raw, at, reader.diags)
            if match is not None:
                out.append(Complete(match))
    if out and reader.model.scenario.world == "closed":
        reader.diags.add(
            "R210",
            reader.at("scenario", "complete").key_span,
            message="`complete` applies to `world: open` only (a closed world is complete already)",
        )
    return out


def expect(reader: ReportReader) -> Expectation | None:
    e = reader.model.expect
    if e is None:
        return None
    # a provision not in force for this as_of and reading may be named (SPEC §3.6)
    known = {p.id for p in reader.terms.provisions} | {d.id for d in reader.terms.dormant}
    entries: list[tuple[str, str, Span]] = []
    for pid, verdict in e.provisions.items():
        where = reader.at("expect", "provisions", pid)
        if pid not in known:
            hint = (
                did_you_mean(pid, known) or f"`checker provisions {reader.terms.file}` lists them"
            )
            reader.diags.add("R208", where.key_span, hint=hint, name=pid)
            continue
        entries.append((pid, verdict, where.key_span))
    return Expectation(e.verdict, tuple(entries))
