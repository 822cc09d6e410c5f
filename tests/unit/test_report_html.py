"""The HTML report (SPEC §6): a summary first with failures on top and links to every
section, each section's verdict and expectations, the clause of every provision, the
readings of an incoherent scenario, a dated timeline, one file, every input escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from checker.diagnostics import Diagnostic, Span
from checker.records import replace
from checker.report.html import FILL_CLAUSES, render_html
from checker.report.timeline import STYLE, Scale, render_timeline, scale_for, ticks
from checker.results import Because, FileError, Mark, Reading, RunResult, ScenarioResult
from tests.unit.test_report_formats import full_run, prov, scenario

DAY = 1440
IN_FORCE = 18_604 * DAY  # 2020-12-08T00:00Z, in minutes since the epoch


class Page(HTMLParser):
    """What the tests look at: elements in order with their attributes and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, int] = {}  # id -> its index in `tags`
        self.text: list[tuple[int, str]] = []  # (index of the element it is in, text)
        self.open: list[int] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            assert a["id"] not in self.ids, f"id {a['id']} twice"
            self.ids[a["id"]] = len(self.tags) - 1
        self.open.append(len(self.tags) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("table", "tbody"):  # where the rows of a table end
            self.tags.append((f"/{tag}", {}))

    def handle_data(self, data: str) -> None:
        self.text.append((self.open[-1] if self.open else -1, data))

    def all(self, tag: str, **attrs: str) -> list[tuple[int, dict[str, str]]]:
        return [
            (i, a)
            for i, (t, a) in enumerate(self.tags)
            if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def raw(self, i: int) -> str:
        """The text directly inside element `i`, as written."""
        return "".join(t for j, t in self.text if j == i)

    def cells(self, row: int) -> list[str]:
        """The texts of the cells of the table row that is element `row`."""
        ends = ("tr", "/tbody", "/table")
        end = next((i for i, (t, _) in enumerate(self.tags) if i > row and t in ends), None)
        end = end if end is not None else len(self.tags)
        starts = [i for i, (t, _) in enumerate(self.tags[:end]) if i > row and t == "td"]
        ends = [*starts[1:], end] if starts else []
        return [self.text_between(a, b) for a, b in zip(starts, ends, strict=True)]

    def text_between(self, start: int, end: int) -> str:
        """The text inside elements `start` to `end` (by index), whitespace folded."""
        return " ".join("".join(t for i, t in self.text if start <= i < end).split())


def _with_timeline(s: ScenarioResult) -> ScenarioResult:
    s.in_force, s.as_of_minute = IN_FORCE, IN_FORCE + 10 * DAY - 1
    s.as_of = "2020-12-17"
    s.timeline = [
        Mark("shelling", "event", IN_FORCE + 2 * DAY, IN_FORCE + 2 * DAY, "12 Dec", 7, "shelling"),
        Mark("unsure", "event", IN_FORCE + 3 * DAY, IN_FORCE + 5 * DAY, "13-15 Dec", 8),
        Mark("c due", "deadline", IN_FORCE + 400 * DAY, IN_FORCE + 400 * DAY, "2022"),
    ]
    return s


def library() -> RunResult:
    run = full_run()
    run.scenarios = [_with_timeline(s) for s in run.scenarios]
    incoherent = next(s for s in run.scenarios if s.id == "incoherent")
    incoherent.readings = [
        Reading(("b",), ("a",), 0.9, "violation", (("aghdam", "violated"),)),
        Reading(("a",), ("b",), 0.4, "consistent", (("aghdam", "complied"),)),
    ]
    return run


def _sections(page: Page) -> list[str]:
    return [a["id"] for _, a in page.all("section") if a["id"].startswith("s-")]


def test_the_summary_comes_first_and_links_to_every_section_failures_on_top() -> None:
    page = Page(render_html(library()))
    (nav, _), *_ = page.all("nav", id="summary")
    first_section = page.all("section")[0][0]
    assert nav < first_section
    rows = [i for i, _ in page.all("tr") if nav < i < first_section][1:]  # less the heading
    badges = [page.text_between(i, i + 3).split()[0] for i in rows]
    assert badges == ["ERROR", "FAIL", "FAIL", "FAIL", "UNKNOWN", "PASS", "PASS"]
    links = [a["href"] for i, a in page.all("a") if nav < i < first_section]
    assert links == ["#errors", *(f"#{x}" for x in _sections(page))]
    assert all(link[1:] in page.ids for link in links)
    # the sections in the summary's order: bad, expect, joint (failed), slow, then the rest
    assert _sections(page) == [
        "s-bad",
        "s-expect",
        "s-joint",
        "s-slow",
        "s-incoherent",
        "s-wanted",
    ]
    counts = page.text_between(nav, first_section)
    assert "3 failed" in counts and "1 unknown" in counts and "1 file not judged" in counts
    assert "2 passed" in counts


def test_a_section_says_its_result_its_verdict_and_its_expectations() -> None:
    html = render_html(library())
    page = Page(html)
    starts = [i for i, a in page.all("section") if a["id"].startswith("s-")] + [len(page.tags)]
    text = {
        page.tags[a][1]["id"]: page.text_between(a, b)
        for a, b in zip(starts, starts[1:], strict=False)
    }
    assert text["s-expect"].startswith("FAIL expect Scenario verdict: consistent")
    assert (
        "Expectations: not met: expected scenario verdict violation, got consistent"
        in (text["s-expect"])
    )
    assert text["s-wanted"].startswith("PASS wanted Scenario verdict: violation")
    assert (
        "Expectations: met (verdict violation; ceasefire violated), so it passes"
        in (text["s-wanted"])
    )
    assert "none stated, so it fails" in text["s-bad"]
    assert "not compared: solver gave up: timeout after 10s" in text["s-slow"]
    assert "violation passed" not in html and "violation PASS" not in html


def test_every_provision_row_shows_its_clause() -> None:
    run = library()
    page = Page(render_html(run))
    clauses = {
        a["id"]: page.text_between(i, i + 4)
        for i, a in page.all("li")
        if a.get("id", "")[:1] == "c"
    }
    cells = page.all("td")
    shown = [a["data-c"] for _, a in cells if "data-c" in a]
    expected = [p for s in run.scenarios for p in s.provisions if p.verdict != "unformalized"]
    assert len(shown) == len(expected)
    for n in shown:
        assert re.fullmatch(r"text of \S+", clauses[f"c{n}"].split(" ", 2)[2])
    # each clause text is written once; the script fills the cells from it, nothing else
    (script,) = [i for i, _ in page.all("script")]
    assert page.text_between(script, script + 1) == FILL_CLAUSES


def test_expected_and_unmet_verdicts_are_marked_in_the_rows() -> None:
    html = render_html(library())
    assert "<tr class=miss><td><a href=#c" in html  # kalbajar: expected violated
    assert "expected violated" in html
    assert "as expected" in html  # wanted: ceasefire


def test_incoherent_scenario_shows_its_conflicts_and_readings_with_weights() -> None:
    page = Page(render_html(library()))
    start = page.ids["s-incoherent"]
    text = page.text_between(start, page.ids["s-wanted"])
    assert "Conflict 1: these reports cannot all be true: a (line 7), b (line 8)." in text
    assert "most trusted readings" in text
    rows = [page.cells(i) for i, _ in page.all("tr") if start < i < page.ids["s-wanted"]]
    assert ["1 most trusted", "0.9", "a", "violation", "as in the table above"] in rows
    assert ["2", "0.4", "b", "consistent", "aghdam complied"] in rows


def test_files_not_judged_are_listed() -> None:
    page = Page(render_html(library()))
    text = page.text_between(page.ids["errors"], page.ids["s-bad"])
    assert "scenarios/broken.yaml:4:9: unknown event kind `x` [R201]" in text


def test_the_page_is_one_self_contained_file() -> None:
    html = render_html(library())
    page = Page(html)
    assert html.startswith("<!doctype html>")
    assert not page.all("link") and not page.all("img") and not page.all("iframe")
    assert all("src" not in a for _, a in page.all("script"))
    assert not re.search(r"(?i)\b(https?:|url\()", html)


HOSTILE = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"


def test_every_text_from_input_is_escaped() -> None:
    b = Because(HOSTILE, HOSTILE, 3, 1, HOSTILE)
    p = prov(HOSTILE, "violated", because=(b,), text=HOSTILE, responsible=(HOSTILE,))
    p = replace(p, window=HOSTILE, note=HOSTILE, point=HOSTILE, amended_by=(HOSTILE,))
    s = _with_timeline(scenario(HOSTILE, "violation", file=HOSTILE, provisions=[p]))
    s.title = HOSTILE
    s.timeline = [replace(m, label=HOSTILE, text=HOSTILE, detail=HOSTILE) for m in s.timeline]
    s.conflicts = [(b,)]
    s.readings = [Reading((HOSTILE,), (HOSTILE,), 1.0, "violation", ((HOSTILE, "open"),))]
    s.terms = s.terms_file = s.as_of = s.interpretation = HOSTILE
    s.mismatches = []
    s.has_expect, s.expected = True, {HOSTILE: HOSTILE}
    err = FileError(HOSTILE, [Diagnostic("R201", HOSTILE, Span(HOSTILE, 1, 1), hint=HOSTILE)])
    html = render_html(RunResult(scenarios=[s], errors=[err]))
    page = Page(html)
    assert len(page.all("script")) == 1 and not page.all("img")
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10


# ---- timeline ---------------------------------------------------------------------------


def test_timeline_has_a_dated_axis_legend_and_hover_details() -> None:
    s = _with_timeline(scenario("t", provisions=[prov("c", "pending")]))
    s.provisions = [replace(s.provisions[0], because=(Because("shelling", "f", 7, 5),))]
    svg = render_timeline(s)
    page = Page(svg)
    labels = [page.text_between(i, i + 1) for i, a in page.all("text") if a.get("class") == "tick"]
    assert labels[0] == "8 Dec 2020" and "10 Dec" in labels and len(labels) <= 9
    titles = [page.raw(i) for i, _ in page.all("title")]
    assert titles[0] == "shelling: 12 Dec\nevent, line 7: shelling\nproves or decides: c (pending)"
    assert titles[2] == "c due: 2022\nthe deadline of provision c (pending)"
    assert 'class="legend"' in svg and "deadline" in svg
    assert "font:12px" in STYLE  # labels no smaller than 12 px


def test_exact_minutes_are_marks_windows_are_bars() -> None:
    svg = render_timeline(_with_timeline(scenario("t")))
    rows = svg.split("<g class=row>")[1:]
    assert re.search(r'<path class="event out"|<path class="event"', rows[0])  # a diamond
    assert re.search(r'<rect class="event w" x="\d+" y="\d+" width="\d+"', rows[1])


def test_a_deadline_far_beyond_the_range_is_an_arrow_with_its_date() -> None:
    s = _with_timeline(scenario("t"))
    scale = scale_for(s)
    assert scale.lo <= s.in_force and scale.hi >= s.as_of_minute
    assert scale.hi < IN_FORCE + 400 * DAY  # not stretched to the deadline in 2022
    row = render_timeline(s).split("<g class=row>")[3]
    assert "12 Jan 2022</text>" in row and '<path class="deadline" d="M900 ' in row
    assert "<path class=dl" not in row  # not drawn at the edge as if it were due then


def test_a_deadline_near_the_range_is_drawn_at_its_date() -> None:
    s = _with_timeline(scenario("t"))
    s.timeline[2] = Mark("c due", "deadline", IN_FORCE + 11 * DAY, IN_FORCE + 11 * DAY, "x")
    scale = scale_for(s)
    assert scale.hi >= IN_FORCE + 11 * DAY
    row = render_timeline(s).split("<g class=row>")[3]
    assert f'<path class=dl d="M{scale.x(IN_FORCE + 11 * DAY):.0f} ' in row


def test_ticks_follow_the_span() -> None:
    def labels(days: int) -> list[str]:
        return [t for _, t in ticks(Scale(IN_FORCE, IN_FORCE + days * DAY, 180))]

    assert labels(1)[:3] == ["8 Dec 2020 03:00", "06:00", "09:00"]  # local time, UTC+3
    assert labels(1)[7:] == ["9 Dec", "03:00"]
    assert labels(6) == ["9 Dec 2020", "10 Dec", "11 Dec", "12 Dec", "13 Dec", "14 Dec"]
    assert labels(200)[:3] == ["Jan 2021", "Feb", "Mar"]
    assert labels(3000)[:2] == ["2021", "2022"]
    assert all(len(labels(d)) <= 9 for d in (1, 3, 10, 40, 100, 400, 1000, 5000))


def test_no_timeline_without_marks() -> None:
    assert "No dated reports" in render_timeline(scenario("t"))
