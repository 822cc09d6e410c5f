"""Stage 7: one scenario file — load, resolve, judge, compare with its expectations.

`check_file` is the pipeline for one scenario, written once: the command line,
the worker processes of a library run and the tests all call it. `--timeout`
bounds all of it, loading included; a file that cannot be judged is a
`FileError` with its diagnostics.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from checker.answers import Deadline
from checker.diagnostics import Diagnostics, Severity, Span
from checker.ir import Scenario
from checker.judge import Options, blank_result, judge
from checker.load import display_path, load_scenario
from checker.models import ScenarioFile
from checker.records import field, record, replace
from checker.resolve import Overrides, TermsCache, resolve_scenario
from checker.results import FileError, Mismatch, ProvisionResult, ScenarioResult


@record
class CheckOptions:
    overrides: Overrides = field(default_factory=Overrides)
    judge: Options = field(default_factory=Options)
    select: str | None = None  # -k: substring of id or path
    jobs: int = 1
    shard: tuple[int, int] | None = None  # (I, N), 1-based
    exitfirst: bool = False
    # no output shows why a passing scenario got its verdicts (one line each in text, left
    # out with -q): judge verdicts first, and explain only a scenario that is shown in full
    brief: bool = False


def check_file(
    path: Path,
    cache: TermsCache,
    opts: CheckOptions,
    *,
    noted: Callable[[ScenarioResult], None] | None = None,
) -> ScenarioResult | FileError | None:
    """Load, resolve and judge one scenario file (None: not selected by `-k`).

    `--timeout` bounds all of it, loading included, and `duration` counts all of it.
    `noted`, when given, is told what the scenario is (a result without verdicts) as soon
    as that is known: once it is loaded, and again once it is resolved.
    """
    began = time.monotonic()
    with _collector_paused(_size(path) >= LARGE_FILE):
        return _checked(path, cache, opts, noted, began)


def _checked(
    path: Path,
    cache: TermsCache,
    opts: CheckOptions,
    noted: Callable[[ScenarioResult], None] | None,
    began: float,
) -> ScenarioResult | FileError | None:
    deadline = Deadline(opts.judge.timeout)
    shown = display_path(path)
    diags = Diagnostics()
    loaded = load_scenario(path, diags, display=shown)
    if opts.select and loaded is not None:
        if opts.select not in shown and opts.select not in loaded.model.scenario.id:
            return None
    if noted is not None and loaded is not None:
        noted(_what_it_says(loaded.model, shown))
    every_reading = opts.overrides.interpretation == ALL_READINGS
    overrides = replace(opts.overrides, interpretation=None) if every_reading else opts.overrides
    scenario = resolve_scenario(loaded, diags, cache, overrides) if loaded else None
    if scenario is None or diags.has_errors:
        if not diags.has_errors:
            diags.add("E902", _span(path), message="the scenario could not be resolved")
        return FileError(shown, [d for d in diags.sorted()])
    if noted is not None:
        noted(blank_result(scenario, opts.judge.timeline))
    result = _judged(scenario, opts, deadline)
    result.warnings = [d for d in diags.sorted() if d.severity is Severity.WARNING]
    if every_reading and loaded is not None:
        _judge_every_reading(result, scenario, loaded, diags, cache, opts, deadline)
        if diags.has_errors:
            return FileError(shown, [d for d in diags.sorted()])
    result.duration = time.monotonic() - began
    return result


ALL_READINGS = "all"


# a scenario file this large (about 900 reports) is read, resolved and judged without the
# cycle collector
LARGE_FILE = 128 * 1024


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # (said by the loader)
        return 0


@contextmanager
def _collector_paused(large: bool) -> Iterator[None]:
    """Python's cycle collector paused while a large scenario is read, resolved or judged:
    nearly all that is made then lives until the scenario is judged, so each pass of the
    collector walked it all again for nothing — at 10,000 reports reading took 4.1 to
    4.8 s of CPU with it and 1.6 to 1.7 s without, resolving 2.0 s and 1.2 to 1.4 s,
    and judging in full 94 s against 64 s, a third of it in the collector. The few
    reference cycles judging leaves are collected once the collector runs again. Not
    for small scenarios: a library of 30-report scenarios
    gained under 1 % and its process kept 65 MB more (310 MB against 245 MB over 300
    scenarios)."""
    if not large or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _judged(scenario: Scenario, opts: CheckOptions, deadline: Deadline) -> ScenarioResult:
    """The scenario's result as `judge` gives it, compared with its expectations — or, for
    a brief run, its verdicts alone when it passes: explanations cost a third of a passing
    library's time and are not shown. One that does not pass is judged again in full, in
    a fresh context, so what is shown is byte for byte what a full run shows. If that
    second judgement gives up (a time limit shared by both), the verdicts stand and each
    provision says why nothing is named."""
    if not opts.brief or not opts.judge.explanations:
        return _compared(judge(scenario, opts.judge, deadline), scenario)
    first = _compared(judge(scenario, replace(opts.judge, explanations=False), deadline), scenario)
    if first.passed and first.verdict != "unknown":
        return first
    full = _compared(judge(scenario, opts.judge, deadline), scenario)
    if full.verdict != "unknown" or first.verdict == "unknown":
        return full
    assert full.reason is not None
    # (the expectations were compared with the verdicts, which stand)
    first.provisions = [_unexplained(p, full.reason) for p in first.provisions]
    return first


def _compared(result: ScenarioResult, scenario: Scenario) -> ScenarioResult:
    compare_expectations(result, scenario)
    return result


def _unexplained(p: ProvisionResult, reason: str) -> ProvisionResult:
    if p.verdict not in ("violated", "complied", "waived") or p.note:
        return p
    return replace(p, note=f"not explained: {reason} while explaining")


def _what_it_says(model: ScenarioFile, shown: str) -> ScenarioResult:
    """A loaded scenario's result before any verdict: what its header says."""
    header = model.scenario
    return ScenarioResult(
        file=shown,
        id=header.id,
        title=header.title,
        terms=header.terms,
        terms_file="",
        as_of=str(header.as_of),
        world=header.world,
        interpretation=header.interpretation,
        verdict="unknown",
    )


def _judge_every_reading(result, scenario, loaded, diags, cache, opts, deadline) -> None:  # type: ignore[no-untyped-def]
    """`--interpretation all`: judge under each reading too and mark what differs.

    The result stays the scenario's own reading (what `expect` is checked against);
    each provision lists the readings under which its verdict is different.
    Expectations are not read under the other readings, so an expectation on a
    provision that only the scenario's own reading has is not an error there.
    """
    from checker.resolve.scenario import NO_READING

    base = scenario.interpretation or NO_READING
    verdicts: dict[str, dict[str, str]] = {base: {p.id: p.verdict for p in result.provisions}}
    result.reading_verdicts = {base: result.verdict}
    for name in [NO_READING, *scenario.terms.interpretations]:
        if name == base:
            continue
        reading = replace(opts.overrides, interpretation=name, expectations=False)
        other = resolve_scenario(loaded, diags, cache, reading)
        if other is None:
            continue
        judged = judge(other, opts.judge, deadline)
        verdicts[name] = {p.id: p.verdict for p in judged.provisions}
        result.reading_verdicts[name] = judged.verdict
    result.provisions = [
        replace(
            p,
            by_reading=tuple(
                (name, v.get(p.id, "absent"))
                for name, v in verdicts.items()
                if v.get(p.id, "absent") != p.verdict
            ),
        )
        for p in result.provisions
    ]
    extra = sorted(
        {pid for v in verdicts.values() for pid in v} - {p.id for p in result.provisions}
    )
    for pid in extra:  # provisions that only some reading adds
        result.by_reading_only[pid] = tuple(
            (name, v[pid]) for name, v in verdicts.items() if pid in v
        )


def compare_expectations(result: ScenarioResult, scenario) -> None:  # type: ignore[no-untyped-def]
    exp = scenario.expect
    if exp is None:
        return
    if exp.verdict is not None:
        result.expected["verdict"] = exp.verdict
    if exp.verdict is not None and exp.verdict != result.verdict:
        result.mismatches.append(Mismatch("verdict", exp.verdict, result.verdict, scenario.span))
    by_id = {p.id: p for p in result.provisions}
    for pid, verdict, span in exp.provisions:
        result.expected[pid] = verdict
        actual = by_id[pid].verdict if pid in by_id else "absent"
        if actual != verdict:
            result.mismatches.append(Mismatch(pid, verdict, actual, span))


def _span(p: Path) -> Span:
    return Span(display_path(p), 1, 1)
