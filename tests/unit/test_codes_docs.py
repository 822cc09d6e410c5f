"""The registry of diagnostic codes and `docs/diagnostics.md` stay in step.

Every code in `checker.codes.REGISTRY` has exactly one `## CODE` heading in the
docs, and every such heading names a registered code.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from checker.codes import REGISTRY

DOC = Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"
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
