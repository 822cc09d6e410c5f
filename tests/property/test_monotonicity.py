"""Monotonicity laws SPEC §4 implies: in an open world without `complete`, every world
compatible with more reports is compatible with fewer, so adding a report can settle an
`open` verdict but never flip `complied` into `violated` or back."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.api import CheckOptions, check_file
from checker.resolve import TermsCache
from checker.results import FileError

TERMS = Path(__file__).resolve().parents[1] / "cases" / "mini-terms.yaml"
CACHE = TermsCache()
EXAMPLES = int(os.environ.get("CHECKER_FUZZ_EXAMPLES", 15))

ACTORS = ["AZ-forces", "AM-forces", "RU-peacekeepers", "TR", "unknown"]
PLACES = ["nk", "shusha", "aghdam", "kalbajar", "corridor", "armenia"]
DAYS = [f"2020-11-{d:02d}" for d in range(10, 31)]

# A verdict may move along these arrows when a report is added (or stay).
ALLOWED = {
    "complied": {"complied"},
    "violated": {"violated"},
    "pending": {"pending", "complied"},
    "open": {"open", "complied", "violated", "pending"},
    "unformalized": {"unformalized"},
}


@st.composite
def report(draw: st.DrawFn, i: int) -> str:
    kind = draw(
        st.sampled_from(["shelling", "handover", "deployment", "release", "return", "withdrawal"])
    )
    place = draw(st.sampled_from(PLACES))
    actor = draw(st.sampled_from(ACTORS))
    when = draw(
        st.one_of(
            st.sampled_from(DAYS).map(lambda d: f"date: {d}"),
            st.tuples(st.sampled_from(DAYS), st.sampled_from(DAYS)).map(
                lambda ab: f"date: {{from: {min(ab)}, to: {max(ab)}}}"
            ),
        )
    )
    fields = ""
    if kind == "handover":
        fields = "\n    from: AM-forces\n    to: " + draw(
            st.sampled_from(["AZ-forces", "AZ", "{one_of: [AZ, AM]}"])
        )
    elif kind in ("deployment", "withdrawal"):
        fields = f"\n    troops: {draw(st.sampled_from(['500', '1500', '{min: 100, max: 2500}']))}"
        if kind == "deployment":
            fields += "\n    role: " + draw(st.sampled_from(["peacekeeping", "combat"]))
    elif kind in ("release", "return"):
        fields = f"\n    persons: {draw(st.sampled_from(['40', '100', '{min: 10, max: 120}']))}"
    return f"  - id: r{i}\n    event: {kind}\n    actor: {actor}\n    place: {place}\n    {when}{fields}\n"


def _write(tmp: Path, name: str, reports: list[str]) -> Path:
    path = tmp / f"{name}.yaml"
    body = "".join(reports) if reports else "  []\n"
    path.write_text(
        f"scenario:\n  id: {name}\n  terms: {TERMS}\n  as_of: 2020-12-02\n  world: open\nreports:\n{body}",
        encoding="utf-8",
    )
    return path


def _verdicts(path: Path) -> tuple[str, dict[str, str]]:
    result = check_file(path, CACHE, CheckOptions())
    assert not isinstance(result, FileError), [d.render() for d in result.diagnostics]
    assert result is not None
    return result.verdict, {p.id: p.verdict for p in result.provisions}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_adding_a_report_only_settles_verdicts(tmp_path_factory, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("mono")
    n = data.draw(st.integers(0, 3))
    base = [data.draw(report(i)) for i in range(n)]
    extra = data.draw(report(n))
    before_verdict, before = _verdicts(_write(tmp, "fewer", base))
    after_verdict, after = _verdicts(_write(tmp, "more", [*base, extra]))
    if before_verdict == "incoherent" or after_verdict == "incoherent":
        assert before_verdict != "incoherent" or after_verdict == "incoherent"
        return
    for pid, was in before.items():
        assert after[pid] in ALLOWED[was], (pid, was, after[pid], base, extra)
    # the joint verdict: a violation stays a violation
    if before_verdict == "violation":
        assert after_verdict == "violation"
