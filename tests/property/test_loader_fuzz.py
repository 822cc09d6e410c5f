"""Property: the loading stages never crash. Whatever the bytes of a terms or
scenario file — random YAML-ish text, random YAML documents built from the
languages' own keys, or random mutations of the valid files
`tests/cases/mini-terms.yaml` and `tests/cases/engine/basic.yaml` — `lint_paths`
returns diagnostics (or nothing) and never raises, and every diagnostic points
at a real position: line >= 1 and column >= 1, the line within the file's line
count + 1.

The number of examples comes from CHECKER_FUZZ_EXAMPLES (default 200).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from checker.api import lint_paths
from checker.diagnostics import Diagnostic

CASES = Path(__file__).resolve().parents[1] / "cases"
TERMS_TEXT = (CASES / "mini-terms.yaml").read_text(encoding="utf-8")
SCENARIO_TEXT = (CASES / "engine" / "basic.yaml").read_text(encoding="utf-8")

EXAMPLES = int(os.environ.get("CHECKER_FUZZ_EXAMPLES", 200))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---- checking one set of files ---------------------------------------------


def _line_counts(root: Path) -> dict[Path, tuple[int, int]]:
    """Per file under `root`: (number of lines, length in bytes of its longest line).

    Generous on purpose: lines are counted at every break Python knows (YAML's
    own, `\x85` and `\u2028` included), lengths measured between `\n`s only.
    """
    out: dict[Path, tuple[int, int]] = {}
    for f in root.rglob("*.yaml"):
        raw = f.read_bytes()
        lines = len(raw.decode("utf-8", errors="replace").splitlines())
        longest = max(len(line) for line in raw.split(b"\n"))
        out[f.resolve()] = (lines, longest)
    return out


def _check_positions(diags: list[Diagnostic], root: Path) -> None:
    sizes = _line_counts(root)
    for d in diags:
        where = f"{d.render()}"
        assert d.span.line >= 1, where
        assert d.span.column >= 1, where
        size = sizes.get(Path(d.span.file).resolve())
        if size is None:  # a file outside the case (none is expected)
            continue
        lines, longest = size
        assert d.span.line <= lines + 1, where
        assert d.span.column <= longest + 2, where


def _lint(terms: str | bytes = TERMS_TEXT, scenario: str | bytes = SCENARIO_TEXT) -> None:
    """Write the pair as `mini-terms.yaml` and `engine/basic.yaml` and lint what changed.

    The scenario is always linted (it resolves the terms it names, so a changed
    terms file is read through it too); a changed terms file is also linted on its
    own and, when discovery sees it, with its directory. The valid terms file is
    not linted again and again: its lint proves things with the solver, which is
    slow and not what these tests are about.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "engine").mkdir()
        t, s = root / "mini-terms.yaml", root / "engine" / "basic.yaml"
        t.write_bytes(terms.encode("utf-8") if isinstance(terms, str) else terms)
        s.write_bytes(scenario.encode("utf-8") if isinstance(scenario, str) else scenario)
        runs: list[list[Path]] = [[s]]
        if terms != TERMS_TEXT:
            runs += [[t], [root]]
        for paths in runs:
            diags = lint_paths(paths)
            _check_positions(diags, root)


def test_the_valid_files_have_no_diagnostics() -> None:
    """The seeds of the mutations are valid, so mutations start from a clean state."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "engine").mkdir()
        (root / "mini-terms.yaml").write_text(TERMS_TEXT, encoding="utf-8")
        (root / "engine" / "basic.yaml").write_text(SCENARIO_TEXT, encoding="utf-8")
        assert lint_paths([root]) == []


# ---- random YAML-ish text --------------------------------------------------

YAML_BITS = [
    ":",
    ": ",
    "- ",
    "-",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!python/object:os.system ",
    "!tag ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!binary ",
    "? ",
    "|",
    ">",
    "#",
    "'",
    '"',
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    " ",
    "\r\n",
    "\x00",
    "\x01",
    "\x85",
    "\u2028",
    "\ufeff",
    "scenario",
    "agreement",
    "reports",
    "provisions",
    "event",
    "actor",
    "date",
    "2020-11-10",
    "2020-02-30",
    "2020-11",
    "+03:00",
    "5 days",
    "6 months",
    "null",
    "true",
    "NO",
    "0x1F",
    "1e400",
    ".nan",
    "99999999999999999999",
]

yamlish_text = st.lists(
    st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8)), max_size=60
).map("".join)


@FUZZ
@given(text=yamlish_text)
def test_random_yamlish_text_never_crashes(text: str) -> None:
    note(repr(text))
    _lint(terms=text)
    _lint(scenario=text)
    _lint(scenario="scenario:\n" + text)
    _lint(terms="agreement:\n" + text)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes_never_crash(raw: bytes) -> None:
    _lint(terms=raw)
    _lint(scenario=raw)


# ---- random documents in the languages' own words ----------------------------

KEYS = [
    # terms
    "agreement", "id", "title", "signed", "in_force", "timezone", "parties", "sources",
    "actors", "places", "events", "states", "initial", "periods", "provisions",
    "amendments", "interpretations", "includes", "name", "aliases", "part_of", "is_a",
    "fields", "of", "value", "set_by", "add", "subtract", "to", "was", "from", "length",
    "renews", "notice", "kind", "by", "before_end", "text", "point", "responsible",
    "forbid", "require", "each", "must", "achieve", "maintain", "unformalized", "total",
    "min", "max", "once", "unless", "binding", "until", "before", "after", "offset",
    "during", "changes", "adds", "removes", "adopted", "note", "not",
    # scenario
    "scenario", "terms", "as_of", "world", "complete", "interpretation", "reports",
    "event", "none", "state", "is", "date", "time", "source", "published", "url",
    "reliability", "same_as", "one_of", "match", "expect", "verdict", "actor", "place",
    "troops", "role", "persons", "supervised_by", "facility", "AZ", "RU-peacekeepers",
    "nk", "aghdam", "control", "handover", "deployment", "x",
]  # fmt: skip

SCALAR_WORDS = [
    "AZ", "AM", "RU", "AZ-forces", "RU-peacekeepers", "Shushi", "nk", "aghdam",
    "conflict-zone", "handover", "deployment", "shelling", "hostilities", "control",
    "troops", "mandate", "peacekeeping", "unknown", "actor", "place", "int", "text",
    "2020-11-10", "2020-11", "2020", "2020-11-10T03:15+04:00", "2020-02-30",
    "2020-12-01", "+03:00", "Europe/Moscow", "Mars/Olympus", "5 days", "6 months",
    "P5Y", "P14D", "1 fortnight", "../mini-terms.yaml", "mini-terms.yaml",
    "closed", "open", "consistent", "violated", "complied", "ceasefire", "kalbajar",
    "mini#ceasefire", "1bad", "a b",
]  # fmt: skip

SCALARS = st.one_of(
    st.sampled_from(SCALAR_WORDS),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=10),
)

documents = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=30,
)


def _dump(data: object) -> str:
    return yaml.safe_dump(data, default_flow_style=None, allow_unicode=True, sort_keys=False)


@FUZZ
@given(
    top=st.dictionaries(st.sampled_from(KEYS), documents, max_size=6),
    kind=st.sampled_from(["terms", "scenario"]),
)
def test_random_documents_never_crash(top: dict[str, object], kind: str) -> None:
    if kind == "terms":
        top = {"agreement": top.pop("agreement", {}), **top}
        _lint(terms=_dump(top))
    else:
        top = {"scenario": top.pop("scenario", {"terms": "../mini-terms.yaml"}), **top}
        _lint(scenario=_dump(top))


# ---- mutations of the valid files --------------------------------------------

NEW_VALUES = [
    "42", "-1", "3.5", "true", "null", "~", "[]", "{}", "''", "x", "AZZ", "Shushi",
    "2020-02-30", "2020-13", "2021-11-10", "2019", ".inf", "-.inf", ".nan", "1e400",
    "0x10", "0o17", "'quoted'", "[a, b]", "{a: 1}", "unknown", "{one_of: [AZ, AM]}",
    "{min: 5, max: 1}", "{min: 1, max: 5}", "{not: AZ}", "6 months", "5 days", "P5Y",
    "{after: {kind: handover}, offset: 1 month}", "{after: {kind: handover}}",
    "{from: 2020-12-05, to: 2020-12-01}", "{after: 2020-11-10}", "+25:00", "Europe/Moscow",
    "!!python/object:os.system x", "&x 1", "*x", "*undefined", "control", "troops",
    "mandate", "'2020-11-10T03:15+04:00'", "99999999999999999999999999",
    "{one_of: 5}", "{one_of: true}", "{one_of: []}", "{one_of: [1, x]}", "{one_of: [null]}",
    "{min: x}", "{min: .nan}", "{not: {min: 1}}", "{not: [AZ, {a: 1}]}", "[{min: 1}]",
    "{after: x}", "{after: {kind: handover}, offset: -5 days}", "{of: x, min: y}",
]  # fmt: skip

GARBAGE = st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=12))


def _split_value(line: str) -> tuple[str, str] | None:
    """`  key: value` -> (`  key: `, `value`); None for lines without a value."""
    head, sep, value = line.partition(": ")
    if not sep or not value.strip() or head.strip().startswith("#"):
        return None
    return head + sep, value


@st.composite
def mutation(draw: st.DrawFn) -> Callable[[list[str]], list[str]]:
    """One random edit of a file's lines."""
    op = draw(st.sampled_from(["delete", "duplicate", "swap", "retype", "garbage", "indent"]))
    i = draw(st.integers(min_value=0, max_value=10**6))
    j = draw(st.integers(min_value=0, max_value=10**6))
    new_value = draw(st.sampled_from(NEW_VALUES))
    junk = draw(GARBAGE)
    column = draw(st.integers(min_value=0, max_value=80))

    def apply(lines: list[str]) -> list[str]:
        if not lines:
            return [junk]
        out = list(lines)
        a, b = i % len(out), j % len(out)
        if op == "delete":
            del out[a]
        elif op == "duplicate":
            out.insert(a, out[a])
        elif op == "swap":
            valued = [k for k, line in enumerate(out) if _split_value(line)]
            if len(valued) >= 2:
                x, y = valued[i % len(valued)], valued[j % len(valued)]
                hx, vx = _split_value(out[x]) or ("", "")
                hy, vy = _split_value(out[y]) or ("", "")
                out[x], out[y] = hx + vy, hy + vx
        elif op == "retype":
            valued = [k for k, line in enumerate(out) if _split_value(line)]
            if valued:
                x = valued[i % len(valued)]
                head, _ = _split_value(out[x]) or ("", "")
                out[x] = head + new_value
        elif op == "garbage":
            line = out[a]
            at = column % (len(line) + 1)
            out[a] = line[:at] + junk + line[at:]
        else:  # indent: shift a line left or right
            out[a] = ("  " + out[a]) if b % 2 else out[a][2:]
        return out

    return apply


def _mutate(text: str, edits: list[Callable[[list[str]], list[str]]]) -> str:
    lines = text.split("\n")
    for edit in edits:
        lines = edit(lines)
    return "\n".join(lines)


@FUZZ
@given(edits=st.lists(mutation(), min_size=1, max_size=4))
def test_mutated_terms_never_crash(edits: list[Callable[[list[str]], list[str]]]) -> None:
    text = _mutate(TERMS_TEXT, edits)
    note(text)
    _lint(terms=text)


@FUZZ
@given(edits=st.lists(mutation(), min_size=1, max_size=4))
def test_mutated_scenarios_never_crash(edits: list[Callable[[list[str]], list[str]]]) -> None:
    text = _mutate(SCENARIO_TEXT, edits)
    note(text)
    _lint(scenario=text)


# A richer scenario than basic.yaml, so that mutations reach every report shape
# and date form.
RICH_SCENARIO = """\
scenario:
  id: rich
  terms: ../mini-terms.yaml
  as_of: 2020-12-01
  timezone: "+03:00"
  world: open
  complete: [{kind: handover}, {match: {kind: release}, date: {from: 2020-11-10, to: 2020-11-20}}]
reports:
  - id: h
    event: handover
    place: {one_of: [aghdam, kalbajar]}
    from: AM-forces
    to: AZ
    time: 2020-11-20T10:00+04:00
    source: {by: MoD, published: 2020-11-20, url: https://example.org, reliability: 0.8}
  - id: d
    event: deployment
    actor: unknown
    troops: {min: 100, max: 200}
    role: {one_of: [peacekeeping, monitoring]}
    date: {from: 2020-11-11, to: 2020-11-13}
    after: h
  - event: shelling
    actor: Republic of Azerbaijan
    place: Shushi
    date: 2020-11
    same_as: s2
  - id: s2
    event: hostilities
    date: {after: 2020-11-10}
    before: h
  - id: quiet
    none: {kind: hostilities, place: conflict-zone, actor: {not: TR}}
    date: {before: 2020-12-01}
    source: Kremlin spokesman
  - id: held
    state: control
    of: aghdam
    is: AZ
    date: 2020
  - id: count
    state: troops
    of: RU-peacekeepers
    min: 0
    max: 1960
initial:
  troops: {RU-peacekeepers: 0}
expect:
  verdict: consistent
  provisions: {aghdam: complied, centre: pending}
"""


def test_the_rich_scenario_is_valid() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "engine").mkdir()
        (root / "mini-terms.yaml").write_text(TERMS_TEXT, encoding="utf-8")
        (root / "engine" / "basic.yaml").write_text(RICH_SCENARIO, encoding="utf-8")
        assert [d.render() for d in lint_paths([root])] == []


@FUZZ
@given(edits=st.lists(mutation(), min_size=1, max_size=4))
def test_mutated_rich_scenarios_never_crash(
    edits: list[Callable[[list[str]], list[str]]],
) -> None:
    text = _mutate(RICH_SCENARIO, edits)
    note(text)
    _lint(scenario=text)
