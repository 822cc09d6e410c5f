"""Stage 0: the registry of diagnostic codes and their message templates.

Codes are stable (users grep for them): `Y0xx` YAML, files and safety bounds,
`S1xx` schema, `R2xx` references, `T3xx` time, `L4xx` terms lint, `O5xx`
writing outputs, `D6xx` importing event datasets, `E9xx` engine.
Messages: one line, lowercase start, no final period, user input in backticks.
Every code has a heading in `docs/diagnostics.md` (a test keeps them in step).
"""

from __future__ import annotations

from enum import StrEnum

from checker.records import record


class Severity(StrEnum):
    """How serious a diagnostic is (defined with the registry, which needs nothing above
    it; checker/diagnostics.py names it for the rest of the package)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@record(frozen=True)
class Code:
    code: str
    template: str
    summary: str
    warning: bool = False
    note: bool = False  # worth knowing, never a problem

    def severity_default(self) -> Severity:
        if self.note:
            return Severity.NOTE
        return Severity.WARNING if self.warning else Severity.ERROR


_CODES = [
    # YAML and safety bounds
    Code("Y001", "cannot read file: {reason}", "the file cannot be read"),
    Code("Y002", "file is not valid UTF-8 text", "the file is binary or in another encoding"),
    Code("Y003", "invalid YAML: {problem}", "YAML syntax error"),
    Code("Y004", "file is empty", "the file holds no YAML document"),
    Code("Y005", "expected one YAML document, found several", "more than one `---` document"),
    Code("Y006", "tag `{tag}` is not allowed", "YAML tags (object construction) are refused"),
    Code("Y007", "key `{key}` is repeated in this mapping", "a key appears twice in one mapping"),
    Code("Y008", "file is too large ({size} bytes; the limit is {limit})", "file size bound"),
    Code("Y009", "nesting is too deep (more than {limit} levels)", "nesting depth bound"),
    Code("Y010", "too many alias expansions (more than {limit} nodes)", "alias expansion bound"),
    Code("Y011", "mapping keys must be plain scalars", "a key that is a list or mapping"),
    Code(
        "Y012",
        "only regular files are read, and this is {kind}",
        "a named pipe, device or socket where a file was expected",
    ),
    Code(
        "Y013", "cannot read directory: {reason}", "a directory that cannot be listed or searched"
    ),
    Code(
        "Y014", "broken symbolic link: {reason}", "a symbolic link that leads nowhere or in a loop"
    ),
    # Schema
    Code("S101", "unknown key `{key}`", "a key the language does not have"),
    Code("S102", "missing required key `{key}`", "a required key is absent"),
    Code("S103", "{message}", "a value has the wrong type or shape"),
    Code("S104", "`{value}` is not one of {allowed}", "a word outside an enumeration"),
    Code(
        "S105", "{what} must have exactly one of {keys}", "a construct with zero or several forms"
    ),
    Code("S106", "id `{id}` is repeated in this file", "an id defined twice in one file"),
    Code("S107", "`{value}` is not a valid id", "ids match `[A-Za-z][A-Za-z0-9_.-]*`"),
    Code("S108", "expected a mapping at the top of the file", "the document is not a mapping"),
    Code(
        "S109",
        "file is neither a terms file nor a scenario file",
        "no `agreement` or `scenario` key",
    ),
    # References
    Code("R201", "unknown {what} `{name}`", "a name that resolves to nothing"),
    Code(
        "R202",
        "{what} `{name}` is ambiguous: it names {candidates}",
        "a name that matches several ids",
    ),
    Code("R203", "`{kind}` has a cycle: {cycle}", "a cycle in `part_of` or `is_a`"),
    Code("R204", "event kind `{kind}` has no field `{field}`", "a field the kind does not declare"),
    Code(
        "R205",
        "field `{field}` expects {expected}, got `{value}`",
        "a field value of the wrong type",
    ),
    Code("R206", "cannot read terms file `{path}`", "the terms a scenario names cannot be loaded"),
    Code(
        "R207",
        "`{name}` is defined differently in `{other}`",
        "an included id defined twice, not identically",
    ),
    Code("R208", "unknown provision `{name}`", "an amendment or expectation names no provision"),
    Code("R209", "unknown report `{name}`", "`same_as`, `after` or `before` names no report"),
    Code("R210", "{message}", "a state, period or rule refers to something it cannot use"),
    Code("R211", "include cycle: {cycle}", "terms files that include each other"),
    Code(
        "R212", "unknown interpretation `{name}`", "an interpretation that the terms do not define"
    ),
    Code("R213", "`if` conditions form a cycle: {cycle}", "provisions conditional on each other"),
    # Time
    Code(
        "T301",
        "`{value}` is not a valid {what}",
        "a date, time, zone or duration that cannot be read",
    ),
    Code("T302", "`{value}` is not a valid time zone", "an unknown zone name or offset"),
    Code("T303", "a window that ends before it starts: {detail}", "reversed range"),
    Code(
        "T304",
        "offsets of {unit} are allowed only from a fixed date, not from an event",
        "months and years after an uncertain event",
    ),
    Code("T305", "{what} must be longer than zero", "a zero-length period or renewal"),
    Code(
        "T306", "`as_of` is before the agreement enters into force", "as_of too early", warning=True
    ),
    Code(
        "T307",
        "`{value}` is not a whole number of each unit",
        "a fraction in a duration (`9.5 months`)",
    ),
    # Terms lint
    Code(
        "L401",
        "the binding provisions cannot all hold together: {detail}",
        "jointly unsatisfiable terms",
    ),
    Code(
        "L402",
        "provision `{id}` is vacuous: {detail}",
        "a provision that no world can breach",
        warning=True,
    ),
    Code(
        "L403",
        "provision `{id}` can never fall due: {detail}",
        "a provision never judged",
        warning=True,
    ),
    Code(
        "L404",
        "provision `{id}` names `{actor}` responsible, which is not a party",
        "a responsible actor outside `agreement.parties`",
        note=True,
    ),
    # Importing event datasets
    Code("D601", "the CSV has no column `{column}`", "a column the dataset's exports always have"),
    Code("D602", "malformed row: {problem}", "a CSV row that cannot be read"),
    Code("D603", "`{column}` is `{value}`: {problem}", "a value that cannot be imported"),
    Code(
        "D604",
        "no {what} for `{value}` in the map ({count} row{s}, first here)",
        "a dataset value that the map does not map",
        warning=True,
    ),
    Code(
        "D605",
        "{count} row{s} dropped by this rule (first: {first})",
        "rows dropped on purpose, counted",
        warning=True,
    ),
    Code("D606", "row id `{id}` repeats line {line}", "two rows with one id"),
    Code("D607", "`{column}` is not a column of {dataset} exports", "a map that names no column"),
    Code("D608", "invalid regular expression: {problem}", "a pattern that does not compile"),
    Code("D609", "the map has no `{dataset}` section", "a map without rules for the dataset"),
    Code(
        "D610",
        "the scenario is too large for `check` to read as one file: {why}",
        "an import too large to judge in one file",
        warning=True,
    ),
    # Engine
    Code("E901", "solver gave up: {reason}", "time or resource limit", warning=True),
    Code("E902", "{message}", "a scenario the engine cannot encode"),
    # Outputs
    Code("O501", "cannot write the {what}: {reason}", "a report that cannot be written"),
]

REGISTRY: dict[str, Code] = {c.code: c for c in _CODES}


# The long explanation of every code (what it means, a bad example, the fix) is in
# `codes.md` beside this file: one `## CODE` section each, after a preamble that says how
# diagnostics look. `checker code` prints from it and `docs/diagnostics.md` is generated
# from it, so the terminal and the docs cannot say different things.
EXPLANATIONS_FILE = "codes.md"
DOC_NOTE = (
    "<!-- generated from checker/codes.md by `python3 tests/docs/regen.py`:"
    " edit that file, not this one -->\n\n"
)


def explanations_text() -> str:
    """The text of `codes.md`, as shipped in the package."""
    from importlib.resources import files

    return files("checker").joinpath(EXPLANATIONS_FILE).read_text(encoding="utf-8")


def explanations(text: str | None = None) -> tuple[str, dict[str, str]]:
    """(the preamble, each code's section without its heading), in the order written."""
    import re

    parts = re.split(r"^## +([A-Z][0-9]{3})[ \t]*\n", text or explanations_text(), flags=re.M)
    sections = {code: body.strip("\n") for code, body in zip(parts[1::2], parts[2::2], strict=True)}
    return parts[0].strip("\n"), sections


def diagnostics_page() -> str:
    """`docs/diagnostics.md`: `codes.md` under a note that says where it comes from."""
    return DOC_NOTE + explanations_text()
