"""The `text` format (SPEC §6): what needs attention last, passing scenarios in one line
when there are several, one scenario in full, `-v` and `-q`."""

from __future__ import annotations

from checker.diagnostics import Diagnostic, Severity, Span
from checker.report.text import error_line, render_text, summary_line
from checker.results import FileError, RunResult
from tests.unit.test_report_formats import full_run, prov, scenario


def _headers(out: str) -> list[str]:
    """The scenario ids of the verdict lines, in order."""
    return [
        ln.split(": ")[1] for ln in out.splitlines() if ln.endswith(("PASS", "FAIL", "UNKNOWN"))
    ]


def test_one_scenario_is_shown_in_full() -> None:
    s = scenario(
        "ok",
        provisions=[prov("a"), prov("b", "pending"), prov("t", "unformalized")],
    )
    lines = render_text(RunResult(scenarios=[s])).splitlines()
    assert lines[0].startswith("scenarios/ok.yaml: ok: consistent") and lines[0].endswith("PASS")
    assert [ln.split()[0] for ln in lines[1:3]] == ["a", "b"]
    assert lines[3] == "  not formalized (never checked): t"
    assert lines[-1] == "1 passed, 0 failed"


def test_a_library_shows_passing_scenarios_in_one_line_and_failures_last() -> None:
    run = full_run()
    out = render_text(run)
    lines = out.splitlines()
    # the passing ones first, one line each, then the others in full, in run order
    assert _headers(out) == ["incoherent", "wanted", "bad", "expect", "joint", "slow"]
    assert lines[0].endswith("PASS") and lines[1].endswith("PASS")
    assert lines[2].startswith("scenarios/bad.yaml: bad: violation") and lines[2].endswith("FAIL")
    assert "  ceasefire  violated" in lines[3]
    assert "expected provision kalbajar violated, got complied" in out
    assert "  solver gave up: timeout after 10s" in lines
    # then the files that could not be judged, then the summary
    assert lines[-2] == (
        "scenarios/broken.yaml: ERROR not judged: line 4:9: unknown event kind `x` [R201]"
    )
    assert lines[-1] == summary_line(run)


def test_verbose_shows_every_scenario_in_full() -> None:
    out = render_text(full_run(), verbose=True)
    assert _headers(out) == _headers(render_text(full_run()))
    wanted = out.split("wanted: violation", 1)[1].splitlines()
    assert wanted[1].split() == ["ceasefire", "violated"]
    assert "conflict 1: these reports cannot all be true:" in out


def test_quiet_shows_only_what_needs_attention_briefly() -> None:
    out = render_text(full_run(), quiet=True)
    assert _headers(out) == ["bad", "expect", "joint", "slow"]
    assert "  ceasefire" not in out  # no provision lines
    assert "  expected scenario verdict violation, got consistent (scenarios/expect.yaml:2)" in out
    assert out.splitlines()[-1] == summary_line(full_run())


def test_summary_line_counts_in_words() -> None:
    def run(errors: int) -> RunResult:
        err = FileError("x.yaml", [Diagnostic("Y003", "bad", Span("x.yaml", 1, 1))])
        return RunResult(scenarios=[scenario("ok")], errors=[err] * errors)

    assert summary_line(run(0)) == "1 passed, 0 failed"
    assert summary_line(run(1)) == "1 passed, 0 failed, 1 error"
    assert summary_line(run(2)) == "1 passed, 0 failed, 2 errors"


def test_error_line_names_the_first_error() -> None:
    terms = Diagnostic("R201", "unknown place `x`", Span("terms/t.yaml", 9, 3))
    warning = Diagnostic("T306", "early", Span("s.yaml", 2, 1), Severity.WARNING)
    own = Diagnostic("S101", "unknown key", Span("s.yaml", 5, 1))
    line = error_line(FileError("s.yaml", [warning, terms, own]))
    assert line == (
        "s.yaml: ERROR not judged: terms/t.yaml:9:3: unknown place `x` [R201] (and 1 more error)"
    )
    whole = Diagnostic("Y012", "a named pipe", Span("s.yaml", 0, 0))
    assert error_line(FileError("s.yaml", [whole])) == (
        "s.yaml: ERROR not judged: a named pipe [Y012]"
    )


def test_a_verdict_line_of_a_library_is_made_safe_like_a_scenario_in_full() -> None:
    # only what is shown is cleaned: the one line of a passing scenario, as a whole one
    odd = scenario("a\x1b[31m", file="scenarios/a\x1b.yaml")
    odd.interpretation = "r\n##[x]"
    alone = render_text(RunResult(scenarios=[odd])).splitlines()[0]
    library = render_text(RunResult(scenarios=[odd, scenario("b")])).splitlines()[0]
    assert library == alone
    assert "\x1b" not in library and "\n" not in library and "##[" not in library
    assert library.startswith("scenarios/a\\x1b.yaml: a\\x1b[31m: consistent")
