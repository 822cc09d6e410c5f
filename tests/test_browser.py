"""The HTML report (SPEC §6) in a real browser: headless Chromium opens the report of the
whole shipped library, of one scenario, and of the golden library (which fails, so its
failures must come first), offline; the test asserts on the DOM as rendered, after the
page's script ran: no console error and nothing fetched, one summary row per scenario
with failures on top and working links, a dated axis, a hover title on every timeline
row, a legend, every clause's text, the readings of an incoherent scenario, and no
timeline text drawn over another. A PNG of each page is kept in tests/output/browser/.

Without Chromium the test is skipped, saying why; with CHECKER_REQUIRE_BROWSER=1 (as
`.ci/run` sets) it fails instead. CHECKER_CHROMIUM names another binary.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.browser import NAMES, BrowserError, Chromium, Loaded, Page, find_chromium

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "output" / "browser"
PROBE = (Path(__file__).parent / "browser_probe.js").read_text(encoding="utf-8")
REQUIRED = os.environ.get("CHECKER_REQUIRE_BROWSER") == "1"
WIDTH, HEIGHT = 1280, 900

# name: what `check` is given. The scenario is incoherent (a conflict and two readings)
# and its timeline has every kind of row: day windows, one of 19 months, an exact
# minute, deadlines kept and one beyond the range drawn.
PAGES = {
    "library": ["scenarios/"],
    "scenario": ["scenarios/history/h23-border-clashes-2022-09.yaml"],
    "failing": ["tests/golden/library"],
}
# the top of a library's page (its summary); a single scenario's page whole
SHOT_HEIGHT = {"library": 2400, "failing": None, "scenario": None}

_MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
DATED = re.compile(rf"(\d{{1,2}} {_MONTH} \d{{4}}|{_MONTH} \d{{4}}|\d{{4}})")  # has a year
TICK = re.compile(rf"{DATED.pattern}|\d{{1,2}} {_MONTH}|{_MONTH}|\d\d:\d\d")
RANK = {"ERROR": 0, "FAIL": 0, "UNKNOWN": 1, "PASS": 2}


def _unavailable(reason: str) -> NoReturn:
    if REQUIRED:
        pytest.fail(f"{reason} (CHECKER_REQUIRE_BROWSER=1: in CI a missing browser fails)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    binary = find_chromium()
    named = os.environ.get("CHECKER_CHROMIUM")
    if binary is None and named:
        _unavailable(f"CHECKER_CHROMIUM={named} is neither a file nor a command on PATH")
    if binary is None:
        _unavailable(
            f"no Chromium on PATH (looked for {', '.join(NAMES)}; CHECKER_CHROMIUM names"
            " another): on Debian or Ubuntu, `apt-get install chromium` as root"
        )
    try:
        browser = Chromium(binary)
    except BrowserError as e:
        _unavailable(f"{binary} did not start: {e}")
    with browser:
        yield browser


@dataclass
class Shown:
    """One report as Chromium showed it."""

    name: str
    loaded: Loaded
    dom: dict[str, Any]
    report: dict[str, Any]  # the json report of the same run
    shot: Path
    hovered: tuple[str, str] | None  # a row's highlight (fill) before and under the mouse
    jumped: tuple[str, str, int]  # a summary link, the address after a click, its section's top


@pytest.fixture(scope="module", params=list(PAGES))
def shown(
    request: pytest.FixtureRequest, chromium: Chromium, tmp_path_factory: pytest.TempPathFactory
) -> Shown:
    name: str = request.param
    folder = tmp_path_factory.mktemp(name)
    html, report = folder / "report.html", folder / "report.json"
    # one run writes both: the json says what the page must show
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--html", str(html)]
        + ["--format", "json", "--output", str(report), *PAGES[name]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1, 3), proc.stdout + proc.stderr  # 3: a file not judged
    page = chromium.open(WIDTH, HEIGHT)
    loaded = page.load(html.as_uri())
    dom = page.evaluate(PROBE)
    shot = OUTPUT / f"{name}.png"
    page.screenshot(shot, height=SHOT_HEIGHT[name])  # before the mouse and clicks move it
    hovered = _hover_first_row(page) if dom["timelines"] else None
    jumped = page.evaluate(
        "(() => { const a = document.querySelector('#summary tbody td:nth-child(2) a');"
        " a.click(); const href = a.getAttribute('href');"
        " const top = document.getElementById(href.slice(1)).getBoundingClientRect().top;"
        " return [href, location.hash, Math.round(top)]; })()"
    )
    report_doc = json.loads(report.read_text(encoding="utf-8"))
    return Shown(name, loaded, dom, report_doc, shot, hovered, tuple(jumped))


def _hover_first_row(page: Page) -> tuple[str, str]:
    """The fill of the first timeline row's background, then with the mouse on it."""
    fill = 'getComputedStyle(document.querySelector("svg.tl g.row rect.h")).fill'
    before = page.evaluate(fill)
    x, y = page.evaluate(
        "(() => { const r = document.querySelector('svg.tl g.row rect.h');"
        " r.scrollIntoView({block: 'center'}); const b = r.getBoundingClientRect();"
        " return [b.left + b.width / 2, b.top + b.height / 2]; })()"
    )
    page.hover(x, y)
    return before, page.evaluate(fill)


def test_no_console_error_and_nothing_fetched(shown: Shown) -> None:
    assert shown.loaded.problems() == []
    # one self-contained file: the only request is the page itself
    assert all(u.startswith(("file:", "data:", "about:")) for u in shown.loaded.requests)
    assert shown.loaded.requests.count(shown.loaded.requests[0]) == len(shown.loaded.requests)


def test_summary_has_a_row_per_scenario_failures_first_each_linking_to_its_section(
    shown: Shown,
) -> None:
    rows, report = shown.dom["summary"], shown.report
    judged = [s["id"] for s in report["scenarios"]]
    not_judged = len(report.get("errors", []))
    assert len(rows) == len(judged) + not_judged == report["summary"]["scenarios"] + not_judged
    assert sorted(r["name"] for r in rows if r["result"] != "ERROR") == sorted(judged)
    ranks = [RANK[r["result"]] for r in rows]
    assert ranks == sorted(ranks), [r["result"] for r in rows]
    assert all(r["target"] for r in rows), [r["href"] for r in rows if not r["target"]]
    sections = [s["id"] for s in shown.dom["sections"]]
    assert [r["target"] for r in rows if r["result"] != "ERROR"] == sections  # same order
    failing = report["summary"]["failed"] + not_judged
    assert ranks.count(0) == failing
    if shown.name == "failing":
        assert failing > 0  # so the order above was tested


def test_every_link_in_the_page_resolves_and_a_click_reaches_its_section(shown: Shown) -> None:
    assert shown.dom["links"] > 0
    assert shown.dom["broken"] == []
    href, address, top = shown.jumped
    assert address == href and abs(top) <= 2, shown.jumped  # scrolled to the section's head


def test_the_page_fits_the_window_width(shown: Shown) -> None:
    # a long unbroken word (a source's URL) once widened a table past the page
    assert shown.dom["scrollWidth"] <= shown.dom["width"] == WIDTH, shown.dom["wide"]


def test_every_timeline_has_a_dated_axis_hover_titles_and_a_legend(shown: Shown) -> None:
    assert all(s["timeline"] for s in shown.dom["sections"])
    timelines = shown.dom["timelines"]
    assert timelines
    for t in timelines:
        where = t["section"]
        assert t["ticks"] and DATED.fullmatch(t["ticks"][0]), (where, t["ticks"])
        assert all(TICK.fullmatch(x) for x in t["ticks"]), (where, t["ticks"])
        assert [e.split(" ", 2)[:2] for e in t["edges"]] == [["in", "force"], ["as", "of"]]
        assert all(DATED.search(e) for e in t["edges"]), (where, t["edges"])
        assert t["marks"] >= len(t["rows"]) > 0
        for row in t["rows"]:  # what the browser shows on hover
            assert row["title"].startswith(row["label"].rstrip("…")), (where, row)
            assert len(row["title"]) > len(row["label"]), (where, row)
        assert "deadline" in t["legend"] and "hover" in t["legend"], where


def test_no_timeline_text_is_drawn_over_another_or_over_its_mark(shown: Shown) -> None:
    overlaps = {t["section"]: t["overlaps"] for t in shown.dom["timelines"] if t["overlaps"]}
    assert overlaps == {}


def test_hovering_a_row_highlights_it(shown: Shown) -> None:
    assert shown.hovered is not None
    before, under = shown.hovered
    assert before != under, before


def test_every_provision_row_shows_its_clause_text(shown: Shown) -> None:
    provisions = sum(
        1
        for s in shown.report["scenarios"]
        for p in s["provisions"]
        if p["verdict"] != "unformalized"
    )
    assert shown.dom["cells"] == provisions > 0
    assert shown.dom["unfilled"] == []  # the page's script copied every clause in


def test_an_incoherent_scenario_shows_its_conflicts_and_readings(shown: Shown) -> None:
    readings = {
        s["id"]: len(s["readings"])
        for s in shown.report["scenarios"]
        if s["verdict"] == "incoherent"
    }
    if shown.name == "scenario":
        assert readings
    anchor = {r["name"]: r["target"] for r in shown.dom["summary"]}
    sections = {s["id"]: s for s in shown.dom["sections"]}
    for sid, n in readings.items():
        section = sections[anchor[sid]]
        assert section["conflicts"] > 0, section
        if n > 1:
            assert section["readings"] and section["readingRows"] == n, section


def test_a_screenshot_is_kept(shown: Shown) -> None:
    data = shown.shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= WIDTH - 20 and height >= HEIGHT // 2, (width, height)
