"""The registry of diagnostic codes, its explanations and `docs/diagnostics.md` stay in step.

Every code in `checker.codes.REGISTRY` has exactly one `## CODE` heading in
`checker/codes.md` (what `checker code` prints), every such heading names a registered
code, each section shows a bad example and its fix, and `docs/diagnostics.md` is the
page generated from it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from checker.codes import REGISTRY

DOC = Path(__file__).resolve().parents[2] / "checker" / "codes.md"
HEADING = re.compile(r"^## +([A-Z][0-9]{3})\s*$", re.MULTILINE)


def _headings() -> list[str]:
    return HEADING.findall(DOC.read_text(encoding="utf-8"))


def test_every_registered_code_is_documented() -> None:
    missing = sorted(set(REGISTRY) - set(_headings()))
    assert not missing, f"codes without a `## CODE` heading in {DOC.name}: {missing}"


def test_every_documented_code_is_registered() -> None:
    unknown = sorted(set(_headings()) - set(REGISTRY))
    assert not unknown, f"headings in {DOC.name} for codes not in the registry: {unknown}"


def test_each_code_is_documented_once() -> None:
    repeated = sorted(code for code, n in Counter(_headings()).items() if n > 1)
    assert not repeated, f"codes with more than one heading in {DOC.name}: {repeated}"


def test_each_section_has_an_example_and_a_fix() -> None:
    from checker.codes import explanations

    _preamble, sections = explanations(DOC.read_text(encoding="utf-8"))
    lacking = sorted(
        code
        for code, body in sections.items()
        if "```" not in body or not re.search(r"^Fix: ", body, re.MULTILINE)
    )
    assert not lacking, f"sections without a fenced example or a `Fix: ` line: {lacking}"


def test_the_docs_page_is_generated_from_the_registry() -> None:
    from checker.codes import diagnostics_page

    page = DOC.parents[1] / "docs" / "diagnostics.md"
    assert page.read_text(encoding="utf-8") == diagnostics_page(), (
        "docs/diagnostics.md differs from checker/codes.md: run `python3 tests/docs/regen.py`"
    )
