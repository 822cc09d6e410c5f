"""Stage 1, `checker.yamlsource` and `checker.yamlvalues`: YAML 1.2 core scalars, positions,
merge keys, and every `Y0xx` problem at its exact line and column."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker import yamlsource, yamlvalues
from checker.diagnostics import Diagnostics
from checker.yamlsource import YamlDoc, load_file, load_text


def _load(text: str) -> tuple[YamlDoc | None, list[str]]:
    diags = Diagnostics()
    doc = load_text(text, "f.yaml", diags)
    return doc, [f"{d.code}@{d.span.line}:{d.span.column}" for d in diags.sorted()]


def _data(text: str) -> object:
    doc, problems = _load(text)
    assert problems == []
    assert doc is not None
    return doc.data


# ---- core-schema scalars ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        # YAML 1.1 booleans and dates stay strings under the 1.2 core schema
        ("NO", "NO"),
        ("no", "no"),
        ("on", "on"),
        ("Off", "Off"),
        ("yes", "yes"),
        ("Y", "Y"),
        ("2020-11-10", "2020-11-10"),
        ("2020-11-10T03:15+04:00", "2020-11-10T03:15+04:00"),
        ("12:30", "12:30"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("-0x1", "-0x1"),
        # booleans
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        # integers
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("+5", 5),
        ("012", 12),
        ("0x1F", 31),
        ("0o17", 15),
        # floats
        ("3.5", 3.5),
        ("-0.25", -0.25),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("2.5E-1", 0.25),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("+.INF", math.inf),
        # null
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        # quoted scalars are always strings
        ("'42'", "42"),
        ('"true"', "true"),
        ("'null'", "null"),
        # explicit standard tags
        ("!!str 5", "5"),
        ("!!float 5", 5.0),
        ("!!int 7", 7),
        ("!!bool false", False),
        ("!!null ~", None),
    ],
)
def test_core_schema_scalars(written: str, value: object) -> None:
    data = _data(f"a: {written}\n")
    assert isinstance(data, dict)
    got = data["a"]
    assert got == value
    assert type(got) is type(value)


def test_nan_is_a_float() -> None:
    data = _data("a: .nan\nb: .NaN\n")
    assert isinstance(data, dict)
    assert math.isnan(data["a"]) and math.isnan(data["b"])


def test_keys_are_strings_as_written() -> None:
    assert _data("1: a\ntrue: b\nNO: c\n2020-11-10: d\n") == {
        "1": "a",
        "true": "b",
        "NO": "c",
        "2020-11-10": "d",
    }


def test_explicit_tag_of_the_wrong_kind_is_a_schema_error() -> None:
    doc, problems = _load("a: !!int x\nb: !!bool yes\n")
    assert problems == ["S103@1:4", "S103@2:4"]
    assert doc is not None and doc.data == {"a": None, "b": None}


def test_a_number_with_too_many_digits_is_reported_not_raised() -> None:
    doc, problems = _load("a: 1\nb: " + "9" * 5000 + "\n")
    assert problems == ["S103@2:4"]
    assert doc is not None and doc.data["b"] == "9" * 5000


def test_byte_order_mark_is_accepted() -> None:
    assert _data("\ufeffa: 1\n") == {"a": 1}


# ---- positions ---------------------------------------------------------------

NESTED = """\
scenario:
  id: s
  list:
    - first
    - {x: 1, y: [a, b]}
  text: |
    two
    lines
"""


def test_spans_of_values() -> None:
    doc, _ = _load(NESTED)
    assert doc is not None
    spans = {path: (s.line, s.column) for path, s in doc.all_spans().items()}
    assert spans[()] == (1, 1)
    assert spans[("scenario",)] == (2, 3)
    assert spans[("scenario", "id")] == (2, 7)
    assert spans[("scenario", "list")] == (4, 5)
    assert spans[("scenario", "list", 0)] == (4, 7)
    assert spans[("scenario", "list", 1)] == (5, 7)
    assert spans[("scenario", "list", 1, "x")] == (5, 11)
    assert spans[("scenario", "list", 1, "y", 1)] == (5, 21)
    assert spans[("scenario", "text")] == (6, 9)
    end = doc.span(("scenario", "id"))
    assert (end.end_line, end.end_column) == (2, 8)


def test_spans_of_keys() -> None:
    doc, _ = _load(NESTED)
    assert doc is not None
    keys = {path: (s.line, s.column) for path, s in doc.all_key_spans().items()}
    assert keys[("scenario",)] == (1, 1)
    assert keys[("scenario", "id")] == (2, 3)
    assert keys[("scenario", "list")] == (3, 3)
    assert keys[("scenario", "list", 1, "y")] == (5, 14)
    assert ("scenario", "list", 0) not in keys  # list items have no key


def test_span_falls_back_to_the_nearest_written_ancestor() -> None:
    doc, _ = _load(NESTED)
    assert doc is not None
    missing = doc.span(("scenario", "list", 1, "z", 3))
    assert (missing.line, missing.column) == (5, 7)
    # a key that is not written falls back to the span of the value at its path
    key = doc.key_span(("scenario", "list", 0))
    assert (key.line, key.column) == (4, 7)
    top = doc.span(("nothing",))
    assert (top.line, top.column) == (1, 1)


# ---- merge keys --------------------------------------------------------------

MERGE = """\
base: &b {x: 1, y: 2}
m:
  x: 3
  <<: *b
  z: 4
n:
  <<: [{w: 5, x: 6}, *b]
"""


def test_merge_keys_explicit_keys_win_and_earlier_sources_win() -> None:
    doc, problems = _load(MERGE)
    assert problems == []
    assert doc is not None
    assert doc.data["m"] == {"x": 3, "z": 4, "y": 2}
    assert doc.data["n"] == {"w": 5, "x": 6, "y": 2}


def test_merge_keys_keep_positions_of_explicit_keys() -> None:
    doc, _ = _load(MERGE)
    assert doc is not None
    at = {p: (s.line, s.column) for p, s in doc.all_spans().items()}
    keys = {p: (s.line, s.column) for p, s in doc.all_key_spans().items()}
    assert at[("m",)] == (3, 3)  # the mapping itself, not the merged anchor
    assert at[("m", "x")] == (3, 6)  # the explicit value, written before `<<`
    assert keys[("m", "x")] == (3, 3)
    assert at[("m", "y")] == (1, 20)  # a merged value: where the anchor wrote it
    assert keys[("m", "z")] == (5, 3)
    assert at[("n", "x")] == (7, 18)


def test_merge_of_a_scalar_is_a_schema_error() -> None:
    _, problems = _load("m:\n  <<: 5\n  a: 1\n")
    assert problems == ["S103@2:7"]


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert _data("'<<': {a: 1}\n") == {"<<": {"a": 1}}


# ---- Y0xx problems, each at its line and column -------------------------------


def test_y001_unreadable_file(tmp_path: Path) -> None:
    diags = Diagnostics()
    assert load_file(tmp_path / "missing.yaml", diags) is None
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("Y001", 1, 1)]


def test_y001_a_directory_is_unreadable(tmp_path: Path) -> None:
    diags = Diagnostics()
    assert load_file(tmp_path, diags) is None
    assert [d.code for d in diags] == ["Y001"]


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"a: 1\nb: caf\xe9\n", "2:7"),  # Latin-1 text
        (b"a: 1\nb: 2\nc: \xff\xfe\n", "3:4"),
        (b"\xe9: 1\n", "1:1"),
        (b"a: 1\nb: x\x00y\n", "2:5"),  # NUL: binary
        (b"\xff\xfea\x00:\x00", "1:1"),  # UTF-16
        (b"a: \xc3\xa9\xe9\n", "1:5"),  # columns count characters, not bytes
        (b"a: 1\rb: \xe9\r", "2:4"),  # a lone CR ends a line, as in YAML
    ],
)
def test_y002_not_utf8_at_the_offending_byte(tmp_path: Path, raw: bytes, where: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    diags = Diagnostics()
    assert load_file(path, diags, display="bad.yaml") is None
    assert [f"{d.code}@{d.span.line}:{d.span.column}" for d in diags] == [f"Y002@{where}"]
    assert all(d.span.file == "bad.yaml" for d in diags)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('a: 1\nb: "x\x01y"\n', "2:6"),  # control character in a quoted scalar
        ("a: x\x07\n", "1:5"),  # control character in a plain scalar
        ("a: '\u00e9\U00010000\x1f'\n", "1:7"),  # after characters of 2 and 4 bytes
        ("a: 1\r\nb: 2\rc: \x07\n", "3:4"),  # CRLF and CR line ends
        ("a: &x 1\nb: '\U00010000\x1f'\n", "2:6"),  # the same through PyYAML's reader
        ("a: 1\nb: [1, 2\n", "3:1"),  # unclosed flow sequence
        ("a: 1\n  b: 2\n", "2:4"),  # bad indentation
        ("a: 1\n\tb: 2\n", "2:1"),  # tab indentation
        ("a: *nowhere\n", "1:4"),  # undefined alias
        ("a: &x 1\nb: &x 2\n", "2:4"),  # duplicate anchor
        ("a: 'open\n", "2:1"),  # unclosed quote
    ],
)
def test_y003_invalid_yaml(text: str, where: str) -> None:
    doc, problems = _load(text)
    assert doc is None
    assert problems == [f"Y003@{where}"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "\ufeff"])
def test_y004_empty_file(text: str) -> None:
    doc, problems = _load(text)
    assert doc is None
    assert problems == ["Y004@1:1"]


def test_y005_several_documents_at_the_second() -> None:
    doc, problems = _load("a: 1\nb: 2\n---\nc: 3\n")
    assert doc is None
    assert problems == ["Y005@3:1"]


def test_y006_python_tag_on_a_value() -> None:
    doc, problems = _load("a: 1\nb: !!python/object/apply:os.system [echo hi]\n")
    assert problems == ["Y006@2:4"]
    assert doc is not None and doc.data == {"a": 1, "b": None}


def test_y006_local_tag_and_tag_on_a_key() -> None:
    doc, problems = _load("a: !thing 1\n!!python/name:os.system k: 2\nc: 3\n")
    assert problems == ["Y006@1:4", "Y006@2:1"]
    assert doc is not None and doc.data == {"a": None, "c": 3}


def test_y006_message_names_the_tag() -> None:
    diags = Diagnostics()
    load_text("a: !!python/object:os.system x\n", "f.yaml", diags)
    (d,) = diags.sorted()
    assert "python/object:os.system" in d.message


def test_y007_repeated_key_at_the_repetition() -> None:
    text = "scenario:\n  id: a\n  title: t\n  id: b\n"
    diags = Diagnostics()
    doc = load_text(text, "f.yaml", diags)
    (d,) = diags.sorted()
    assert (d.code, d.span.line, d.span.column) == ("Y007", 4, 3)
    assert [(r.line, r.column) for r in d.related] == [(2, 3)]
    assert doc is not None and doc.data == {"scenario": {"id": "a", "title": "t"}}


def test_y007_repeated_key_in_a_flow_mapping() -> None:
    _, problems = _load("a: {x: 1, y: 2, x: 3}\n")
    assert problems == ["Y007@1:17"]


def test_y008_size_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_BYTES", 16)
    path = tmp_path / "big.yaml"
    path.write_text("a: 1\n" * 10)
    diags = Diagnostics()
    assert load_file(path, diags) is None
    (d,) = diags.sorted()
    assert (d.code, d.span.line, d.span.column) == ("Y008", 1, 1)
    assert "50 bytes" in d.message and "16" in d.message
    small = tmp_path / "small.yaml"
    small.write_text("a: 1\n")
    assert load_file(small, Diagnostics()) is not None


@pytest.fixture(params=["libyaml bounds nesting", "older libyaml"])
def nesting_check(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each nesting case both ways: a libyaml with its own bound of 1,000 levels (found
    while the nodes are built), and one without (the first pass over the events)."""
    monkeypatch.setattr(yamlsource, "_BOUNDED", request.param == "libyaml bounds nesting")


def test_this_libyaml_bounds_nesting_itself() -> None:
    # PyYAML 6.0.2's wheels bring libyaml 0.2.6, which refuses 1,000 levels: what lets
    # a valid document skip the first pass. An older libyaml still gets it.
    assert yamlsource._libyaml_bounds_nesting(), _libyaml_version()


def _libyaml_version() -> str:
    import yaml._yaml  # type: ignore[import-not-found]

    return f"libyaml {yaml._yaml.get_version_string()}"


def _nested(levels: int, innermost: str) -> str:
    """`levels` block mappings, each the value of the one before; `innermost` is the
    last line, indented as a value of the deepest."""
    return "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + innermost


@pytest.mark.usefixtures("nesting_check")
def test_y009_written_nesting_at_the_first_level_too_deep() -> None:
    # the top mapping is level 1, so the 64th `[` opens level 65
    doc, problems = _load("a: " + "[" * 70 + "]" * 70 + "\n")
    assert doc is None
    assert problems == ["Y009@1:67"]


@pytest.mark.usefixtures("nesting_check")
def test_y009_block_nesting() -> None:
    doc, problems = _load(_nested(70, "x\n"))
    assert doc is None
    assert problems == ["Y009@65:129"]


@pytest.mark.usefixtures("nesting_check")
def test_y009_a_scalar_one_level_too_deep_is_reported_where_it_is_not_at_its_key() -> None:
    # 64 mappings; the value of the innermost key is a 65th level
    doc, problems = _load(_nested(63, "last: x\n"))
    assert doc is None
    assert problems == ["Y009@64:133"]
    # an empty list there is a 65th level too; an empty mapping as the 64th is fine
    assert _load(_nested(63, "last: []\n"))[1] == ["Y009@64:133"]
    assert _load(_nested(63, "{}\n"))[1] == []


@pytest.mark.usefixtures("nesting_check")
def test_y009_past_libyamls_own_bound_is_reported_at_ours() -> None:
    assert _load(_nested(1200, "x\n"))[1] == ["Y009@65:129"]
    assert _load("- " * 1500 + "x\n")[1] == ["Y009@1:129"]
    assert _load("[" * 1500 + "]" * 1500 + "\n")[1] == ["Y009@1:65"]


@pytest.mark.usefixtures("nesting_check")
def test_y009_nesting_at_the_bound_is_fine() -> None:
    doc, problems = _load("a: " + "[" * 63 + "]" * 63 + "\n")
    assert problems == []
    assert doc is not None


@pytest.mark.usefixtures("nesting_check")
def test_y009_an_alias_that_expands_inside_itself() -> None:
    doc, problems = _load("a: 1\nb: &loop [*loop]\n")
    assert problems == ["Y009@2:11"]  # at the alias, not at the anchor
    assert doc is not None


@pytest.mark.usefixtures("nesting_check")
def test_y009_a_chain_of_aliases() -> None:
    lines = ["k0: &k0 [x]"] + [f"k{i}: &k{i} [*k{i - 1}]" for i in range(1, 80)]
    _, problems = _load("\n".join(lines) + "\n")
    # `k62` is the first whose value reaches level 65: reported at its alias `*k61`
    assert problems == ["Y009@63:12"]


ALIAS_BOMB = """\
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def test_y010_alias_bomb_at_the_alias_that_crosses_the_bound() -> None:
    # 123,457 nodes up to `f:`; its first `*e` adds 111,111 more, past 200,000
    doc, problems = _load(ALIAS_BOMB)
    assert problems == ["Y010@6:8"]
    assert doc is not None  # what was built before the bound is kept


def test_y010_bound_is_the_module_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_NODES", 30)
    # root 1, a 11, b: 1 + 10 * 11 -> the bound is crossed at b's second `*a`
    _, problems = _load(ALIAS_BOMB)
    assert problems == ["Y010@2:12"]


def test_y010_moderate_aliases_are_fine() -> None:
    data = _data("a: &a {x: 1}\nb: [*a, *a]\n")
    assert data == {"a": {"x": 1}, "b": [{"x": 1}, {"x": 1}]}


def test_y011_complex_key() -> None:
    doc, problems = _load("a: 1\n? [x, y]\n: 2\n? {k: v}\n: 3\n")
    assert problems == ["Y011@2:3", "Y011@4:3"]
    assert doc is not None and doc.data == {"a": 1}


def test_load_file_names_the_display_path(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\na: 2\n")
    diags = Diagnostics()
    load_file(path, diags, display="shown/x.yaml")
    assert [str(d.span) for d in diags] == ["shown/x.yaml:2:1"]


def test_a_lone_surrogate_in_a_string_is_not_utf8() -> None:
    doc, problems = _load("a: 1\nb: x\ud800\n")
    assert doc is None
    assert problems[0].startswith(("Y002@2:5", "Y003@2:5"))


def _core_scalar_as_the_schema_reads(text: str) -> object:
    """The core schema's rules one by one, as `_core_scalar` applied them before its
    shortcuts (a first character no non-string starts with; one pattern for numbers)."""
    y = yamlvalues
    if y._NULL.match(text):
        return None
    if text in y._BOOL:
        return y._BOOL[text]
    if y._INT.match(text):
        return int(text)
    if y._OCT.match(text):
        return int(text[2:], 8)
    if y._HEX.match(text):
        return int(text[2:], 16)
    if y._FLOAT.match(text):
        return float(text)
    if y._INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if y._NAN.match(text):
        return math.nan
    return text


SCALAR_PIECES = ["0", "7", "0o", "0x", "1e", "E", "+", "-", ".", "~", "inf", "Inf", "nan", "NaN",
                 "NAN", "null", "Null", "true", "False", "FALSE", "a", "f", "\n", " ", "_", "2020-11-10"]  # fmt: skip


@given(st.lists(st.sampled_from(SCALAR_PIECES), max_size=4).map("".join) | st.text(max_size=6))
def test_core_scalar_shortcuts_read_as_the_rules_do(text: str) -> None:
    want = _core_scalar_as_the_schema_reads(text)
    got = yamlvalues._core_scalar(text)
    assert type(got) is type(want)
    assert got == want or (isinstance(want, float) and math.isnan(want) and math.isnan(got))
