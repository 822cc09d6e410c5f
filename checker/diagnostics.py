"""Stage 0: the one problem type every stage reports with.

A `Diagnostic` is immutable and carries a `Span` (1-based file positions taken
from YAML nodes). Stages collect diagnostics in a `Diagnostics` bag instead of
raising, so one run reports every problem in a file; `report/` renders them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from checker import codes
from checker.codes import Severity as Severity  # where diagnostics are made, it is named from here
from checker.records import field, record


@record(frozen=True, order=True)
class Span:
    """A region of a file, 1-based lines and columns; end is exclusive. Line 0 is the file
    (or directory) as a whole: a problem with the entry itself, shown as `path: message`."""

    file: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@record(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    hint: str | None = None
    related: tuple[Span, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def render(self) -> str:
        """`file:line:col: message [code]`, with the hint on a second line."""
        sev = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        text = f"{self.span}: {sev}{self.message} [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


@record
class Diagnostics:
    """A collector: stages add to it and carry on where they can."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self,
        code: str,
        span: Span,
        hint: str | None = None,
        related: Iterable[Span] = (),
        severity: Severity | None = None,
        **params: object,
    ) -> Diagnostic:
        """Record the problem `code` (a key of `codes.REGISTRY`) at `span`.

        The message is the code's template filled with `params`.
        """
        spec = codes.REGISTRY[code]
        diag = Diagnostic(
            code=code,
            message=spec.template.format(**params),
            span=span,
            severity=severity or spec.severity_default(),
            hint=hint,
            related=tuple(related),
        )
        self.items.append(diag)
        return diag

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    def sorted(self) -> list[Diagnostic]:
        seen: set[tuple[object, ...]] = set()
        out: list[Diagnostic] = []
        for d in sorted(self.items, key=Diagnostic.sort_key):
            key = (d.code, d.span, d.message)
            if key not in seen:
                seen.add(key)
                out.append(d)
        return out

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidates to `word`, or None."""
    import difflib

    pool = sorted(set(candidates))
    lowered = {c.lower(): c for c in pool}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{lowered[c]}`" for c in close) + "?"
