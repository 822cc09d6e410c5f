"""Stage 5 output: verdicts and their explanations as plain data (no solver objects).

`judge` produces these; `report/` renders them; `api` adds expectation checks.
"""

from __future__ import annotations

from checker.diagnostics import Diagnostic, Span
from checker.records import field, record


@record(frozen=True)
class Because:
    """One report in an explanation, with where it was written and who said it."""

    report: str
    file: str
    line: int
    column: int
    source: str | None = None
    # what the report decides, against the provision: "2020-12-02 is 1 day after the
    # deadline 2020-12-01T23:59+03:00" (only for the deciding reports of a verdict)
    detail: str | None = None


@record(frozen=True)
class Possible:
    """A party that is responsible for a breach in some compatible world but not in all,
    with the report whose event makes it possible (e.g. one with an unknown actor)."""

    party: str
    report: Because


@record(frozen=True)
class Fact:
    """One attribute of one event that differs between two worlds."""

    event: str  # the report id, or "an unreported event"
    attribute: str
    keeping: str  # its value in the world that keeps the provision
    breaching: str


@record(frozen=True)
class OpenExplanation:
    """Why a provision is `open`: the facts that differ and the reports that decide."""

    facts: tuple[Fact, ...]
    deciding: tuple[Because, ...]


@record(frozen=True)
class ProvisionResult:
    id: str
    point: str | None
    form: str
    verdict: str
    binding: bool
    text: str
    window: str = ""
    responsible: tuple[str, ...] = ()  # certain: in every compatible world that breaches it
    possibly_responsible: tuple[Possible, ...] = ()
    amended_by: tuple[str, ...] = ()
    interpreted_by: str | None = None
    # violated: a minimal set of reports forcing the breach; complied require/achieve: one
    # fulfilling it; waived: one making its condition fail
    because: tuple[Because, ...] = ()
    # beyond `because`: the reports that decide it, each with its `detail` (late ones, the
    # last change of the state, the change that broke a `maintain`)
    deciding: tuple[Because, ...] = ()
    note: str | None = None  # why no report can be named, or what else a reader must know
    span: Span | None = None
    explanation: OpenExplanation | None = None
    by_reading: tuple[
        tuple[str, str], ...
    ] = ()  # --interpretation all: (reading, its other verdict)


@record(frozen=True)
class Mark:
    """Something on a scenario's timeline: a report's possible minutes, or a deadline."""

    label: str
    kind: str  # "event", "absence", "observation" or "deadline"
    lo: int  # minutes since the epoch
    hi: int
    text: str  # the window as the reader's zone shows it
    line: int = 0
    detail: str = ""  # what was reported, in a few words (`describe`)


@record(frozen=True)
class Reading:
    """A maximal coherent subset of the reports and the verdicts under it."""

    reports: tuple[str, ...]
    dropped: tuple[str, ...]
    weight: float
    verdict: str
    provisions: tuple[tuple[str, str], ...]


@record(frozen=True)
class JointConflict:
    """For a violation no single provision shows: provisions and reports that cannot hold together."""

    provisions: tuple[str, ...]
    because: tuple[Because, ...]


@record(frozen=True)
class Mismatch:
    what: str  # "verdict" or a provision id
    expected: str
    actual: str
    span: Span | None = None


@record
class ScenarioResult:
    file: str
    id: str
    title: str | None
    terms: str
    terms_file: str
    as_of: str
    world: str
    interpretation: str | None
    verdict: str
    provisions: list[ProvisionResult] = field(default_factory=list)
    conflicts: list[tuple[Because, ...]] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    joint: JointConflict | None = None
    reason: str | None = None  # why the solver gave up
    mismatches: list[Mismatch] = field(default_factory=list)
    has_expect: bool = False
    # what `expect` asks for: "verdict" and provision ids, each to the verdict it states
    expected: dict[str, str] = field(default_factory=dict)
    duration: float = 0.0
    checks: int = 0
    span: Span | None = None
    # --interpretation all: the scenario verdict per reading, and provisions only some readings have
    reading_verdicts: dict[str, str] = field(default_factory=dict)
    timeline: list[Mark] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # e.g. T306, from resolution
    in_force: int = 0
    as_of_minute: int = 0
    by_reading_only: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        if self.has_expect:
            return not self.mismatches
        return self.verdict == "consistent"


@record
class FileError:
    """A file that could not be judged: its diagnostics."""

    file: str
    diagnostics: list[Diagnostic]


@record
class RunResult:
    scenarios: list[ScenarioResult] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for s in self.scenarios if s.passed and s.verdict != "unknown")

    @property
    def failed(self) -> int:
        return sum(1 for s in self.scenarios if not s.passed and s.verdict != "unknown")

    @property
    def unknown(self) -> int:
        return sum(1 for s in self.scenarios if s.verdict == "unknown")

    def summary(self) -> dict[str, int]:
        """The counts every format reports."""
        return {
            "scenarios": len(self.scenarios),
            "passed": self.passed,
            "failed": self.failed,
            "unknown": self.unknown,
            "errors": len(self.errors),
        }
